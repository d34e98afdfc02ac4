// Prints the engine's speed in this browser (bench.html); a report, not a timed assertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';

test('browser benchmark of the standard config prints steps/s, grid and sampling times for both builds, and the spline transform\'s', async () => {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const runs = {};
    // Both wasm builds (www/engine.js), one after the other in the same browser.
    for (const engine of ['relaxed', 'simd128']) {
      await page.goto(`${server.url}www/bench.html?steps=1000&engine=${engine}`);
      await page.waitForSelector('body[data-done="1"]');
      const result = JSON.parse(await page.textContent('#out'));
      assert.equal(result.engine, engine);
      runs[engine] = result;
      for (const flow of ['maf', 'iaf']) {
        const [fast, dfdx] = result[flow];
        for (const r of [fast, dfdx]) {
          console.log(`# browser ${engine} ${flow} ${r.kernels}: ${r.steps_per_second.toFixed(0)} steps/s, grid 256x256 ${r.grid_256_ms.toFixed(0)} ms, 10,000 samples ${r.sample_10k_ms.toFixed(0)} ms`);
          assert.ok(r.steps_per_second > 0 && r.grid_256_ms > 0 && r.sample_10k_ms > 0);
        }
        console.log(`# browser ${engine} ${flow} fast/dfdx: steps ${(fast.steps_per_second / dfdx.steps_per_second).toFixed(2)}x, grid ${(dfdx.grid_256_ms / fast.grid_256_ms).toFixed(2)}x, samples ${(dfdx.sample_10k_ms / fast.sample_10k_ms).toFixed(2)}x`);
      }
    }
    for (const flow of ['maf', 'iaf']) {
      const [r, s] = [runs.relaxed[flow][0], runs.simd128[flow][0]];
      console.log(`# browser ${flow} fast, relaxed/simd128: steps ${(r.steps_per_second / s.steps_per_second).toFixed(2)}x, grid ${(s.grid_256_ms / r.grid_256_ms).toFixed(2)}x, samples ${(s.sample_10k_ms / r.sample_10k_ms).toFixed(2)}x`);
    }
    // The spline transform against the affine runs above, in the same browser (the page's
    // build and kernels: relaxed, fast).
    await page.goto(`${server.url}www/bench.html?steps=200&engine=relaxed#transform=spline`);
    await page.waitForSelector('body[data-done="1"]');
    const spline = JSON.parse(await page.textContent('#out'));
    for (const flow of ['maf', 'iaf']) {
      const [s, a] = [spline[flow][0], runs.relaxed[flow][0]];
      console.log(`# browser relaxed ${flow} spline fast: ${s.steps_per_second.toFixed(0)} steps/s, grid 256x256 ${s.grid_256_ms.toFixed(0)} ms, 10,000 samples ${s.sample_10k_ms.toFixed(0)} ms`);
      console.log(`# browser relaxed ${flow} spline/affine: steps ${(s.steps_per_second / a.steps_per_second).toFixed(2)}x, grid time ${(s.grid_256_ms / a.grid_256_ms).toFixed(2)}x, sample time ${(s.sample_10k_ms / a.sample_10k_ms).toFixed(2)}x`);
    }
    // The page's own figure: the status line's steps/s of the default view on one thread
    // (the page drawing beside the worker), after 10 s of training.
    const view = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await view.goto(`${server.url}?threads=1`);
    await view.waitForSelector('body[data-ready="1"]');
    await view.click('#play');
    await view.waitForTimeout(10000);
    console.log(`# the page's status after 10 s: ${await view.textContent('#status')}`);
  } finally {
    await browser.close();
    server.close();
  }
});
