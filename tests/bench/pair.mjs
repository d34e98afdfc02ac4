// Prints the compare view's speed in this browser (pair-bench.html): each flow's steps/s
// alone and in the pair, for the guide's presets and the default flow; a report, not a
// timed assertion. Run: node --test tests/bench/pair.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';

const HASHES = [
  'objective=forward&data=8gaussians&layers=1&hidden=16',
  'objective=reverse&target=u3&layers=1&hidden=16',
  'objective=forward&data=8gaussians',
  'objective=forward&data=moons',
  'objective=reverse&target=u3',
];

test('each flow of the compare view keeps at least 0.4 of its speed alone', async () => {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    for (const [i, hash] of HASHES.entries()) {
      // A new query each time: a change of hash alone would not reload the page.
      await page.goto(`${server.url}www/pair-bench.html?steps=4000&run=${i}#${hash}`);
      await page.waitForSelector('body[data-done="1"]', { timeout: 0 });
      const r = JSON.parse(await page.textContent('#out'));
      assert.ok(!r.error, r.error);
      const line = (name, x) => `${name} ${x.alone.toFixed(0)} alone, ${x.in_pair.toFixed(0)} in the pair (${x.ratio.toFixed(2)}x)`;
      console.log(`${hash}: ${line('trainer', r.lab_trainer)}; ${line('rival', r.rival)}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
});
