// End-to-end with WebGPU: Chromium with --enable-unsafe-webgpu, where SwiftShader gives a
// software adapter without a GPU (a correctness path, not a speed figure). The page without
// the flag is page.test.mjs: there the status says CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, ARTEFACTS, openPage, status, colours } from './helpers.mjs';

const env = useBrowser(['--enable-unsafe-webgpu']);

// SwiftShader is a software adapter, which the page offers but does not use unless asked.
const FORCED = '?backend=gpu';
// The tests of what the page does around the GPU (training beside it, a failure, a flow the
// shader cannot draw) use a small flow: SwiftShader takes seconds for the default flow's
// grid (the second test times it), and a test waits for up to three of them. The shader's
// numbers, for flows of every shape, are the in-browser tests' (tests/gpu.rs).
const SMALL = 'layers=2&hidden=16,16';

/** Waits until the page has finished `n` GPU grids in all. */
async function gpuGrids(page, n) {
  await page.waitForFunction((n) => window.arflowTest.stats.gpuGridMs.length >= n, n);
}

test('a software adapter is offered, not used: the CPU draws and the Compute box says why', async () => {
  const { page, errors } = await openPage(env.browser, env.server);
  assert.match((await status(page)).backend, /backend CPU \(/);
  assert.ok(await page.isChecked('#cpu-only'));
  assert.ok(await page.isEnabled('#cpu-only'), 'the adapter can be chosen');
  assert.match(await page.textContent('#backend-note'), /software one \(.*software\).*Untick/);
  await page.uncheck('#cpu-only');
  assert.match((await status(page)).backend, /backend WebGPU \(.*software\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with WebGPU the status names the adapter and the heatmap comes from the GPU', async () => {
  const { page, errors } = await openPage(env.browser, env.server, FORCED);
  const s = await status(page);
  assert.match(s.backend, /backend WebGPU \(.+\)/);
  await gpuGrids(page, 1);
  assert.ok((await colours(page, 'heatmap')) > 50, 'the heatmap is drawn');
  assert.ok((await colours(page, 'samples-model')) > 10, 'the samples are drawn');
  assert.match((await status(page)).text, /grid mass 0\.9\d\d|grid mass 1\.0\d\d/);
  // The same page, the same flow: one CPU grid against the GPU grids it has drawn.
  const cpuMs = await page.evaluate(() => {
    const t = performance.now();
    window.arflowTest.app().density_now(256);
    return performance.now() - t;
  });
  const gpuMs = await page.evaluate(() => window.arflowTest.stats.gpuGridMs);
  console.log(`# ${s.text}`);
  console.log(`# 256x256 grid: GPU (SwiftShader, read-back included) ${gpuMs.map((v) => v.toFixed(0)).join(', ')} ms; CPU ${cpuMs.toFixed(0)} ms`);
  await page.screenshot({ path: `${ARTEFACTS}webgpu-view.png`, fullPage: true });

  // "CPU only" hands the pictures back to the CPU, and unticking it returns them.
  await page.check('#cpu-only');
  assert.match((await status(page)).backend, /backend CPU \(/);
  await page.uncheck('#cpu-only');
  assert.match((await status(page)).backend, /backend WebGPU/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('training with WebGPU: steps rise and the GPU heatmap keeps refreshing, no stalls', async () => {
  const { page, errors } = await openPage(env.browser, env.server, `${FORCED}#${SMALL}`);
  await gpuGrids(page, 1);
  const before = await page.evaluate(() => window.arflowTest.stats.gpuGridMs.length);
  await page.evaluate(() => { window.longTasks = []; });
  await page.keyboard.press('Space');
  await gpuGrids(page, before + 2);
  await page.keyboard.press('Space');
  const now = await status(page);
  assert.ok(now.step > 50, now.text);
  const longTasks = await page.evaluate(() => window.longTasks);
  console.log(`# while training with WebGPU: ${now.text}; long tasks ${JSON.stringify(longTasks)}`);
  await page.screenshot({ path: `${ARTEFACTS}webgpu-training.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a GPU failure falls back to the CPU for the session, with a message and a picture', async () => {
  const { page, errors } = await openPage(env.browser, env.server, `${FORCED}#data=8gaussians&${SMALL}`);
  await gpuGrids(page, 1);
  await page.evaluate(() => window.arflowTest.gpu().simulate_failure());
  await page.click('#resample');
  await page.waitForFunction(() => /backend CPU/.test(document.getElementById('backend-status').textContent));
  assert.match(await page.textContent('#messages'), /WebGPU stopped working \(simulated GPU failure\)/);
  assert.ok(await page.isDisabled('#cpu-only'), 'no way back to the broken GPU');
  await page.waitForFunction(() => /grid mass \d/.test(document.getElementById('status').textContent));
  assert.ok((await colours(page, 'heatmap')) > 50, 'the CPU draws the heatmap');
  await page.screenshot({ path: `${ARTEFACTS}webgpu-fallback.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a spline flow or a learned base is drawn by the CPU, and the status says why', async () => {
  for (const hash of ['#transform=spline', '#learnbase=1']) {
    const { page, errors } = await openPage(env.browser, env.server, `${FORCED}${hash}&${SMALL}`);
    await page.waitForFunction(() => /grid mass \d/.test(document.getElementById('status').textContent));
    const s = await status(page);
    assert.match(s.backend, /backend CPU \(.*; the WebGPU shader computes affine flows on N\(0, I\) only\)/, hash);
    assert.ok((await colours(page, 'heatmap')) > 50, `${hash}: the heatmap is drawn`);
    assert.equal(await page.evaluate(() => window.arflowTest.stats.gpuGridMs.length), 0, `${hash}: no GPU grid`);
    // Back to an affine flow on N(0, I): the GPU draws again.
    await page.selectOption('#transform', 'affine');
    await page.uncheck('#learnbase');
    await gpuGrids(page, 1);
    assert.match((await status(page)).backend, /backend WebGPU/);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
