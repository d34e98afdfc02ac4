// Drawing on a large set (not in the test run; issue 30, item 3): the user's points are set
// to N (default 199,000, near the cap), then five strokes of ten dabs are drawn with the
// mouse. Prints the main-thread tasks over 50 ms while drawing and saving, and what one
// dab of a stroke costs on the page: the App's stamp and the frame's drawing of its points
// on the density map (render 'stroke'); and, for comparison, the whole density map's and
// the data panel's redraws, which come once the stroke ends. The target: a dab under
// 16 ms whatever N.
//   node tests/bench/strokes.mjs       (N=1000 for a small set)
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';
import { openPage } from '../e2e/helpers.mjs';

const n = Number(process.env.N || 199000);
const server = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const { page } = await openPage(browser, server, '#data=drawn');
  await page.evaluate((n) => {
    const v = new Float32Array(2 * n);
    for (let i = 0; i < v.length; i++) v[i] = 3 * Math.sin(i * 12.9898);
    window.arflowTest.app().set_points(v);
  }, n);
  await page.click('#brush');
  await page.selectOption('#tool', 'dab');
  const box = await page.locator('#heatmap').boundingBox();
  await page.waitForTimeout(1000);
  await page.evaluate(() => { window.longTasks = []; });
  for (let s = 0; s < 5; s++) {
    const y = box.y + box.height * (0.3 + s * 0.1);
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    for (let i = 0; i < 10; i++) await page.mouse.move(box.x + box.width * (0.3 + i * 0.04), y);
    await page.mouse.up();
    await page.waitForTimeout(500);
  }
  const tasks = await page.evaluate(() => window.longTasks.map(Math.round));
  const parts = await page.evaluate(() => {
    const app = window.arflowTest.app();
    const ms = (f) => { const t = performance.now(); for (let i = 0; i < 5; i++) f(); return ((performance.now() - t) / 5).toFixed(1); };
    app.render('heatmap');
    return {
      dab: ms(() => { app.stamp('dab', 0, 0, 0.5, 0.5, 0.1); app.render('stroke'); }),
      stamp: ms(() => app.stamp('dab', 0, 0, 0.5, 0.5, 0.1)),
      map: ms(() => app.render('heatmap')),
      data: ms(() => app.render('samples')),
    };
  });
  const [drawn] = await page.evaluate(() => Array.from(window.arflowTest.app().points_count()));
  console.log(`${drawn} points: tasks over 50 ms while drawing ${JSON.stringify(tasks)}; a dab ${parts.dab} ms (its stamp ${parts.stamp} ms); after the stroke: the density map ${parts.map} ms, the data panel ${parts.data} ms`);
} finally {
  await browser.close();
  server.close();
}
