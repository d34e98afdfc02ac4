// End-to-end: the served page in Debian's Chromium, driven like a person would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, ARTEFACTS, openPage, settled, status, colours } from './helpers.mjs';

const env = useBrowser();

/** A new page of the served app at `path`, recording errors and long tasks. */
const open = (path = '') => openPage(env.browser, env.server, path);

test('the default view shows a density at once, with no errors', async () => {
  const { page, errors, loadMs } = await open();
  const firstHeatmapMs = await page.evaluate(() => performance.now());
  assert.ok((await colours(page, 'heatmap')) > 50, 'the heatmap is drawn');
  for (const id of ['samples-model', 'samples-data', 'loss', 'masks', 'explorer', 'composition']) {
    assert.ok((await colours(page, id)) > 10, `#${id} is drawn`);
  }
  const s = await status(page);
  assert.equal(s.step, 0);
  // Chromium has relaxed SIMD, so the page loads that build (www/engine.js).
  assert.match(s.backend, /backend CPU \(SIMD128 \+ relaxed FMA\)/);
  // It has the fused multiply-add (`f32x4.relaxed_madd`, 0xfd 0x105: the register block's
  // twelve, a strip of eight columns and one of four, four rows each), the other build none.
  const madds = async (build) => {
    const wasm = await readFile(new URL(`../../pkg/${build}arflow_bg.wasm`, import.meta.url));
    return wasm.reduce((n, b, i) => n + (b === 0xfd && wasm[i + 1] === 0x85 && wasm[i + 2] === 0x02), 0);
  };
  const relaxed = await madds('relaxed/');
  assert.ok(relaxed >= 12, `${relaxed} relaxed multiply-adds`);
  assert.equal(await madds(''), 0);
  // No --enable-unsafe-webgpu here, so no adapter: the CPU computes, and says so.
  assert.ok(await page.isDisabled('#cpu-only'));
  assert.match(await page.textContent('#backend-note'), /no WebGPU adapter/);
  // The MAF/IAF panel: this flow's passes and its IAF twin's, measured once built.
  await page.waitForFunction(() => /MAF \(this flow\)/.test(document.getElementById('cost').textContent));
  const cost = await page.textContent('#cost');
  assert.match(cost, /MADE passes per density \(with products\)4 \(4\)8 \(4\)/);
  assert.match(cost, /MADE passes per sample \(with products\)8 \(4\)4 \(4\)/);
  await page.screenshot({ path: `${ARTEFACTS}default-view.png`, fullPage: true });
  console.log(`# loaded in ${loadMs} ms; first heatmap ${firstHeatmapMs.toFixed(0)} ms after navigation start`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('play trains: the step count rises and the NLL falls (stalls and refresh rate reported)', async () => {
  const { page, errors } = await open();
  const first = await status(page);
  await page.evaluate(() => { window.longTasks = []; window.arflowTest.stats.heatmapIntervals.length = 0; });
  await page.keyboard.press('Space');
  // However long it takes: the test waits for the training to get there.
  await page.waitForFunction((nll0) => {
    const text = document.getElementById('status').textContent;
    const step = Number(/step (\d+)/.exec(text)?.[1]);
    const nll = Number(/test NLL ([\d.]+)/.exec(text)?.[1]);
    return step > 300 && nll < nll0 - 0.3;
  }, first.nll, { polling: 250 });
  const now = await status(page);
  assert.ok(now.step > 300, `steps: ${now.text}`);
  assert.ok(now.nll < first.nll - 0.3, `NLL ${first.nll} -> ${now.nll}`);
  const longTasks = await page.evaluate(() => window.longTasks);
  const intervals = await page.evaluate(() => window.arflowTest.stats.heatmapIntervals.slice().sort((a, b) => a - b));
  const median = intervals[intervals.length >> 1];
  console.log(`# while training: ${now.text}; heatmap refresh median ${median.toFixed(0)} ms over ${intervals.length}; long tasks ${JSON.stringify(longTasks)}`);
  // Speed is reported above, not asserted: CI machines are shared and noisy.
  assert.ok(intervals.length > 0, 'the heatmap refreshed while training');
  await page.keyboard.press('Space');
  await page.screenshot({ path: `${ARTEFACTS}trained-moons.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Rows of `id` holding the model colour (the test metric's line and dots) in the left
 * `share` of the canvas (the legend is at the upper right). */
const modelRows = (page, id, share) => page.evaluate(([id, share]) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, Math.round(c.width * share), c.height);
  const rows = new Set();
  for (let i = 0; i < d.data.length; i += 4) {
    const [r, g, b] = [d.data[i], d.data[i + 1], d.data[i + 2]];
    if (Math.abs(r - 222) < 12 && Math.abs(g - 84) < 12 && Math.abs(b - 40) < 12) rows.add(Math.floor(i / 4 / d.width));
  }
  return { rows: [...rows].sort((a, b) => a - b), height: c.height };
}, [id, share]);

test('switched to reverse KL from the default page, the loss chart draws the KL estimate on its axis, not along the top edge (issue 29, item 2)', async () => {
  const { page, errors } = await open();
  await page.selectOption('#objective', 'reverse');
  await settled(page);
  await page.click('#play');
  // The estimate falls from its start: then its line must fall on the chart too.
  const kl = () => page.evaluate(() => Number(/KL estimate ([\d.]+)/.exec(document.getElementById('status').textContent)?.[1]));
  await page.waitForFunction(() => /KL estimate \d/.test(document.getElementById('status').textContent), null, { polling: 100 });
  const first = JSON.parse(await page.evaluate(() => window.arflowTest.app().read('status')));
  await page.waitForFunction(() => {
    const s = JSON.parse(window.arflowTest.app().read('status'));
    return s.step >= 1500 && /KL estimate \d/.test(document.getElementById('status').textContent);
  }, null, { polling: 250 });
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  const now = await kl();
  await page.evaluate(() => window.arflowTest.app().render('loss'));
  const { rows, height } = await modelRows(page, 'loss', 0.6);
  await page.locator('#panel-loss').screenshot({ path: `${ARTEFACTS}loss-switched-to-reverse.png` });
  console.log(`# reverse KL after a switch: estimate ${first.metric_text} at step ${first.step}, ${now} now; the line spans rows ${rows[0]}-${rows[rows.length - 1]} of ${height}`);
  assert.ok(rows.length > 0, 'the estimate is drawn');
  // Drawn where its values are, it falls across a good part of the chart; clamped at the
  // edge it would be a band a dot high.
  assert.ok(rows[rows.length - 1] - rows[0] > height / 6, `the estimate's line spans ${rows[0]}-${rows[rows.length - 1]} of ${height} rows`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the portable SIMD128 build, for browsers without relaxed SIMD, draws and trains too', async () => {
  const { page, errors } = await open('?engine=simd128');
  assert.ok((await colours(page, 'heatmap')) > 50, 'the heatmap is drawn');
  const first = await status(page);
  assert.match(first.backend, /backend CPU \(SIMD128\)/);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /step [1-9]\d{2,}/.test(document.getElementById('status').textContent));
  await page.keyboard.press('Space');
  assert.deepEqual(errors, []);
  await page.close();
});

test('controls write the hash, and the hash restores the controls', async () => {
  const { page, errors } = await open();
  await page.selectOption('#data', 'checkerboard');
  await page.selectOption('#flow', 'iaf');
  await page.fill('#layers', '6');
  await page.press('#layers', 'Enter');
  await page.locator('#layers').blur();
  // The page writes the hash once it has taken the change in (a frame later on a busy machine).
  await page.waitForFunction(() => /layers=6/.test(location.hash));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /data=checkerboard/);
  assert.match(hash, /flow=iaf/);
  assert.match(hash, /layers=6/);
  await page.waitForFunction(() => /IAF \(this flow\).*per density \(with products\)12 \(6\)6 \(6\)/.test(document.getElementById('cost').textContent));
  const again = await open(hash);
  assert.equal(await again.page.inputValue('#data'), 'checkerboard');
  assert.equal(await again.page.inputValue('#flow'), 'iaf');
  assert.equal(await again.page.inputValue('#layers'), '6');
  assert.deepEqual([...errors, ...again.errors], []);
  await page.close();
  await again.page.close();
});

test('a bad learning rate gets a message next to the control and changes nothing', async () => {
  const { page, errors } = await open();
  const hash = await page.evaluate(() => location.hash);
  await page.fill('#lr', 'fast please');
  await page.locator('#lr').blur();
  await page.waitForSelector('#err-lr:not(:empty)');
  assert.match(await page.textContent('#err-lr'), /learning rate: 'fast please' is not a number from 1e-6 to 10/);
  assert.equal(await page.evaluate(() => location.hash), hash);
  await page.fill('#lr', '0.01');
  await page.locator('#lr').blur();
  await page.waitForFunction(() => document.getElementById('err-lr').textContent === '');
  assert.match(await page.evaluate(() => location.hash), /lr=0.01/);
  await page.screenshot({ path: `${ARTEFACTS}bad-learning-rate.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hand-edited hash is corrected with a message, never a crash', async () => {
  const { page, errors } = await open('#lr=NaN&layers=zero&data=mnist&seed=3&flow=iaf');
  const note = await page.textContent('#messages');
  assert.match(note, /learning rate/);
  assert.match(note, /layers/);
  assert.match(note, /data set: 'mnist' is not one of moons, /);
  assert.equal(await page.inputValue('#flow'), 'iaf');
  assert.equal(await page.inputValue('#seed'), '3');
  assert.ok((await colours(page, 'heatmap')) > 50);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a divergence is rolled back and explained', async () => {
  const { page, errors } = await open('#scale=exp');
  await page.fill('#lr', '10');
  await page.locator('#lr').blur();
  for (let i = 0; i < 12; i++) await page.click('#step');
  await page.waitForFunction(() => /rolled back to step/.test(document.getElementById('messages').textContent));
  assert.match(await page.textContent('#messages'), /learning rate too high\?/);
  assert.doesNotMatch(await page.textContent('#status'), /NaN/);
  // The tour points at the loss chart: the warning is there too, in view with it, and says
  // why the step count goes on past the step it rolled back to.
  await page.locator('#panel-loss').scrollIntoViewIfNeeded();
  assert.ok(await page.isVisible('#loss-event'), 'the warning under the loss chart');
  assert.match(await page.textContent('#loss-event'), /rolled back to step \d+'s parameters.*the step count counts every step taken/);
  const box = await page.locator('#loss-event').boundingBox();
  const chart = await page.locator('#loss').boundingBox();
  assert.ok(box.y > chart.y && box.y < chart.y + chart.height + 120, 'right under the chart');
  await page.screenshot({ path: `${ARTEFACTS}rollback.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a learning rate of 10 is survived: the model is restored, the status stays honest', async () => {
  const { page, errors } = await open();
  const stepsAtLeast = (n) => page.waitForFunction((n) => {
    const step = Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]);
    return step >= n;
  }, n, { polling: 100 });
  await page.keyboard.press('Space');
  await stepsAtLeast(2000);
  const before = await status(page);
  // Every status line shown from here on, read as often as the page repaints it.
  await page.evaluate(() => {
    window.statusSeen = [];
    new MutationObserver(() => window.statusSeen.push(document.getElementById('status').textContent))
      .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
  });
  await page.fill('#lr', '10');
  await page.locator('#lr').blur();
  // Five seconds of a learning rate 3,000 times the default (a scenario, not a speed).
  await page.waitForTimeout(5000);
  await page.waitForFunction(() => /rolled back to step \d+/.test(document.getElementById('messages').textContent));
  const warning = await page.textContent('#messages');
  // While it keeps diverging, the pictures show the last good model, not garbage.
  assert.ok((await colours(page, 'heatmap')) > 50, 'the heatmap is drawn');
  assert.ok((await colours(page, 'samples-model')) > 10, 'the model samples are drawn');
  await page.screenshot({ path: `${ARTEFACTS}learning-rate-10.png` });
  await page.fill('#lr', '0.003');
  await page.locator('#lr').blur();
  // Back at a sound rate, training recovers from wherever lr 10 left the parameters (just
  // rolled back, or on their way to the next explosion: that depends on the machine's
  // speed), to the NLL it had within 10,000 steps (2,000 at least).
  const back = await status(page);
  await page.waitForFunction(([from, target]) => {
    const text = document.getElementById('status').textContent;
    const step = Number(/step (\d+)/.exec(text)?.[1]);
    const nll = Number(/test NLL ([\d.]+)/.exec(text)?.[1]);
    return step >= from + 10000 || (step >= from + 2000 && nll <= target);
  }, [back.step, before.nll + 0.05], { polling: 100 });
  const after = await status(page);
  await page.keyboard.press('Space');
  const seen = await page.evaluate(() => window.statusSeen);
  const shown = seen.map((t) => /test NLL (\S+)/.exec(t)?.[1]).filter(Boolean);
  console.log(`# lr 10: ${warning}`);
  console.log(`# test NLL before ${before.nll} (step ${before.step}), after ${after.step - back.step} more steps ${after.nll}; ${seen.length} status lines, values shown: ${[...new Set(shown)].slice(0, 12).join(' ')}`);
  assert.ok(shown.length > 0);
  for (const v of shown) assert.ok(v === 'diverged' || Math.abs(Number(v)) <= 1e3, `status showed NLL ${v}`);
  assert.doesNotMatch(seen.join(' '), /NaN|e\+\d/);
  assert.ok(after.nll <= before.nll + 0.05, `NLL ${before.nll} before, ${after.nll} after`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a panic shows a banner, and reset brings the page back', async () => {
  const { page } = await open('#data=rings');
  await page.evaluate(() => { try { window.arflowTest.app().simulate_panic(); } catch (e) { /* shown by the hook */ } });
  await page.waitForSelector('#panic:not([hidden])');
  assert.match(await page.textContent('#panic-message'), /simulated panic/);
  await page.screenshot({ path: `${ARTEFACTS}panic-banner.png` });
  await page.click('#panic-reset');
  await page.waitForSelector('body[data-ready="1"][data-gpu]');
  await settled(page);
  assert.ok(await page.locator('#panic').isHidden());
  assert.equal(await page.inputValue('#data'), 'rings');
  assert.ok((await colours(page, 'heatmap')) > 50);
  await page.close();
});
