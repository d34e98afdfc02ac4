// End-to-end: the 8x8 digits, as a lecturer reaches them (the tour's step) and uses them:
// the 2-D panels say why they are empty, the samples are images, the status reads nats per
// image and bits per dimension, the sequential view counts MAF's and IAF's passes, the
// probe's Jacobians add up, and the best model is ringed. Long tasks while training are
// reported (the target lives in tests/bench/tasks.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, ARTEFACTS, openPage, settled, status, tourPreset, colours } from './helpers.mjs';

const env = useBrowser();
const app = (page, f, arg) => page.evaluate(([f, arg]) => window.arflowTest.app()[f](arg), [f, arg]);

test('the digits from the tour: image panels, nats per image, sequential passes, Jacobians that add up', async () => {
  const { page, errors } = await openPage(env.browser, env.server);
  await tourPreset(page, 'panel-sequence');
  await page.waitForFunction(() => document.body.classList.contains('digits'));
  assert.equal(await page.inputValue('#space'), 'digits');
  assert.ok(await page.isHidden('#objective') && await page.isHidden('#data'), 'no objective or data set to choose');
  // The panels that need a 2-D flow keep their heading and say why.
  for (const id of ['panel-density', 'panel-composition', 'panel-slice', 'panel-transform']) {
    assert.match(await page.textContent(`#${id} .why2d`), /Hidden for the digits: .+/);
    assert.ok(await page.isVisible(`#${id} .why2d`) && await page.isVisible(`#${id} h2`));
  }
  assert.ok(await page.isHidden('#heatmap') && await page.isHidden('#composition'));
  // Training: the status in nats per image, and bits per dimension from the same number.
  await page.waitForFunction(() => JSON.parse(window.arflowTest.app().read('status')).step >= 150, null, { polling: 100 });
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
  const s = JSON.parse(await app(page, 'read', 'status'));
  const text = (await status(page)).text;
  assert.ok(s.metric < 0, `the held-out NLL of y is negative after ${s.step} steps: ${s.metric}`);
  const bits = (s.metric + 64 * Math.log(17)) / (64 * Math.LN2);
  assert.ok(text.includes(`test NLL ${s.metric.toFixed(3)} nats/image, ${bits.toFixed(2)} bits/dim`), text);
  assert.ok(!/grid mass/.test(text), 'no density map, no grid mass');
  const [bestStep, best] = s.best;
  assert.ok(best <= s.metric && bestStep <= s.step);
  assert.match(await page.textContent('#best-text'), new RegExp(`Best test NLL ${best.toFixed(3)} at step ${bestStep}`));
  // The samples panel: images on both canvases.
  assert.ok(await colours(page, 'samples-model') > 20 && await colours(page, 'samples-data') > 20);
  // The sequential view: MAF's sample 64 passes a layer, its density one.
  await page.waitForFunction(() => /MAF, 5 layers/.test(document.getElementById('sequence-text').textContent));
  assert.match(await page.textContent('#sequence-text'), /a sample takes 320 MADE passes, a density 5/);
  // The probe: each layer's log|det| adds up to the sum, and log p(x) is log N(z) plus it.
  await page.click('#jacobian-again');
  await page.waitForFunction(() => /^Image 1 at step/.test(document.getElementById('jacobian-text').textContent));
  const j = JSON.parse(await app(page, 'render', 'jacobian'));
  const sum = j.layers.reduce((a, l) => a + l.log_det, 0);
  assert.ok(Math.abs(sum - j.log_det) < 1e-9 && Math.abs(j.log_normal + j.log_det - j.log_p) < 1e-6, JSON.stringify(j));
  assert.ok(Math.abs(j.log_p_y - j.log_p - j.pre_log_det) < 1e-9);
  assert.deepEqual(j.layers.map((l) => l.layer), [5, 4, 3, 2, 1]);
  // Files: the samples as 64 pixel columns, the dashboard as a PNG of the visible panels.
  const csv = (await app(page, 'export', 'samples')).trim().split('\n');
  assert.equal(csv.length, 41);
  assert.equal(csv[1].split(',').length, 64);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  await png.saveAs(`${ARTEFACTS}digits-dashboard.png`);
  const bytes = await readFile(`${ARTEFACTS}digits-dashboard.png`);
  assert.ok(bytes.length > 50000 && bytes.subarray(1, 4).toString() === 'PNG', `${bytes.length} bytes`);
  await page.click('#tour-close');
  for (const [w, h] of [[1366, 768], [1920, 1080]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => window.scrollTo(0, 0));
    // The canvases resized are drawn again a panel a frame: 30 frames for all of them.
    await page.evaluate(() => new Promise((ok) => {
      let n = 0;
      const tick = () => (++n >= 30 ? ok() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    await page.screenshot({ path: `${ARTEFACTS}digits-${w}.png` });
  }
  // IAF turns the sequential view round.
  await page.selectOption('#flow', 'iaf');
  await page.waitForFunction(() => /IAF, 5 layers/.test(document.getElementById('sequence-text').textContent));
  assert.match(await page.textContent('#sequence-text'), /a sample takes 5 MADE passes, a density 320/);
  const tasks = await page.evaluate(() => window.longTasks);
  console.log(`# digits: ${text}; longest task while training ${Math.max(0, ...tasks).toFixed(0)} ms (the target, 50 ms, is tests/bench/tasks.mjs's)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a digits link opens the digits; back to the toy space brings the toy defaults; reverse KL offers no best model', async () => {
  const { page, errors } = await openPage(env.browser, env.server, '#space=digits&hidden=96,96&seed=3');
  assert.equal(await page.inputValue('#hidden'), '96,96');
  assert.equal(await page.inputValue('#layers'), '5');
  assert.match(await app(page, 'hash'), /^space=digits&/);
  await page.click('#step');
  await page.evaluate(() => window.arflowTest.settle());
  await page.waitForFunction(() => JSON.parse(window.arflowTest.app().read('status')).step >= 1);
  await page.selectOption('#space', 'toy');
  await page.waitForFunction(() => !document.body.classList.contains('digits'));
  await settled(page);
  // The hidden widths were chosen, so they stay; the layers were the digits' default.
  assert.equal(await page.inputValue('#hidden'), '96,96');
  assert.equal(await page.inputValue('#layers'), '4');
  assert.ok(await page.isVisible('#heatmap') && await colours(page, 'heatmap') > 20);
  assert.ok(await page.isEnabled('#undo'), 'the digits model can be brought back');
  // Under reverse KL no best model is kept (its estimate is noisy): none is offered.
  await page.selectOption('#objective', 'reverse');
  await page.click('#step');
  await page.evaluate(() => window.arflowTest.settle());
  await page.waitForFunction(() => /KL estimate \d/.test(document.getElementById('status').textContent));
  assert.equal(await page.textContent('#best-text'), '');
  assert.ok(await page.isDisabled('#restore-best'));
  assert.deepEqual(errors, []);
  await page.close();
});
