// Main-thread tasks (not in the test run): the longest task while the page loads, rebuilds
// and trains, for the default view and the largest flow the page allows (affine and
// spline, and a small spline flow of the most bins), with every panel
// on (a probed point, the stage densities), the compare view (the default and its preset)
// and reverse KL, at normal speed and under 4x CPU throttling (a slow laptop). A report:
// the target is 50 ms.
//   node tests/bench/tasks.mjs          (TRAIN_S=10 seconds of training, RATES=1,4)
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';
import { openPage, settled } from '../e2e/helpers.mjs';

const VIEWS = {
  default: '#stages=1',
  huge: '#layers=12&hidden=256,256,256,256&batch=4096&stages=1',
  spline: '#transform=spline&learnbase=1&stages=1',
  'huge spline': '#layers=12&hidden=256,256,256,256&batch=4096&stages=1&transform=spline&bins=32',
  'many bins': '#layers=1&hidden=8&transform=spline&bins=32&stages=1',
  compare: '#compare=1&stages=1',
  'compare preset': '#data=8gaussians&compare=1&layers=2&hidden=8,8',
  'reverse KL': '#objective=reverse&target=u3&stages=1',
  digits: '#space=digits',
  'digits iaf': '#space=digits&flow=iaf',
};
const TRAIN_S = Number(process.env.TRAIN_S || 10);
// The CPU throttling rates (RATES=1 for normal speed only).
const RATES = (process.env.RATES || '1,4').split(',').map(Number);

// The longest task since the last call, and how many went over 50 ms.
const longest = (page) => page.evaluate(() => {
  const worst = Math.max(0, ...window.longTasks).toFixed(0);
  const over = window.longTasks.filter((d) => d > 50).length;
  window.longTasks = [];
  return over ? `${worst} (${over} over 50)` : worst;
});

const server = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  for (const rate of RATES) {
    for (const [name, hash] of Object.entries(VIEWS)) {
      const context = await browser.newContext();
      const probe = await context.newPage();
      const cdp = await context.newCDPSession(probe);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      // Throttling applies per page: open the view in the throttled one.
      await probe.close();
      const { page } = await openPage({ newPage: async () => {
        const p = await context.newPage();
        const s = await context.newCDPSession(p);
        await s.send('Emulation.setCPUThrottlingRate', { rate });
        return p;
      } }, server, hash);
      const load = await longest(page);
      await page.fill('#seed', '7');
      await page.locator('#seed').blur();
      await settled(page);
      const rebuild = await longest(page);
      // A probed point, where there is a density map (the digits have none).
      const box = await page.locator('#heatmap').boundingBox();
      if (box) await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
      await page.keyboard.press('Space');
      await page.waitForTimeout(TRAIN_S * 1000);
      await page.keyboard.press('Space');
      const train = await longest(page);
      const status = await page.textContent('#status');
      console.log(`${rate}x CPU, ${name}: longest task on load ${load} ms, rebuild ${rebuild} ms, training ${train} ms (${/[\d.]+ steps\/s/.exec(status)[0]})`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
