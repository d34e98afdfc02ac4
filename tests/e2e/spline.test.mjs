// End-to-end: the spline transform and the learnable base, as a student would meet them:
// the controls that belong to each transform, training a spline flow on checkerboard, the
// map of one coordinate following the probe (its numbers the probe table's), the learned
// base under the composition, and the hash holding all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, ARTEFACTS, openPage, settled, status, colours, onMap, tourPreset } from './helpers.mjs';

const env = useBrowser();

test('a spline flow with a learned base trains on checkerboard and its map follows the probe', async () => {
  const { page, errors } = await openPage(env.browser, env.server, '#data=checkerboard&transform=spline&learnbase=1&tlayer=4&coord=x2');
  assert.equal(await page.inputValue('#transform'), 'spline');
  assert.equal(await page.inputValue('#bins'), '8');
  assert.ok(await page.isChecked('#learnbase'));
  assert.ok(await page.isVisible('#bins'), 'the bins belong to the spline');
  assert.ok(await page.isHidden('#scale'), 'the scale belongs to the affine map');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 1000, null, { polling: 200 });
  await page.keyboard.press('Space');
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
  const s = await status(page);
  // Checkerboard's entropy is 3.466; the affine flow's test NLL is 3.74 after 2,000 steps.
  assert.ok(s.nll < 3.7, `a spline flow learns checkerboard's sharp edges: ${s.text}`);

  await page.mouse.click(...(await onMap(page, 0.6, 0.4)));
  await page.waitForFunction(() => /at the probed point/.test(document.getElementById('transform-text').textContent));
  const caption = await page.textContent('#transform-text');
  assert.match(caption, /^Layer 4 maps x2 to z2 by a monotone spline with 8 bins/);
  // The map's numbers are the probe's: T4^-1 (the first row) sends x2 to its z2.
  const probe = await page.evaluate(() => JSON.parse(window.arflowTest.app().read('probe')));
  const [, given, from, to] = /given x1 = (-?[\d.]+).*x2 = (-?[\d.]+) goes to z2 = (-?[\d.]+)/.exec(caption);
  assert.ok(Math.abs(Number(given) - probe.x[0]) < 6e-4 && Math.abs(Number(from) - probe.x[1]) < 6e-4, caption);
  assert.ok(Math.abs(Number(to) - probe.steps[0].output[1]) < 6e-4, `${caption} vs ${JSON.stringify(probe.steps[0])}`);
  assert.match(await page.textContent('#probe'), /log N\(z; μ, σ²\) \(the learned base\)/);
  assert.match(await page.textContent('#composition-base'), /^Learned base: μ = \(-?[\d.]+, -?[\d.]+\), σ = \([\d.]+, [\d.]+\)$/);
  assert.ok((await colours(page, 'transform-map')) > 5, 'the map is drawn');
  await page.locator('#panel-transform').screenshot({ path: `${ARTEFACTS}transform-spline.png` });
  await page.locator('#panel-composition').screenshot({ path: `${ARTEFACTS}composition-learned-base.png` });

  // x1 comes first in layer 4's order: its map is conditioned on nothing.
  await page.selectOption('#coord', 'x1');
  await page.waitForFunction(() => /maps x1 to z1/.test(document.getElementById('transform-text').textContent));
  assert.match(await page.textContent('#transform-text'), /given nothing/);
  // A layer past K is refused with its reason; the panel keeps its layer.
  await page.fill('#tlayer', '9');
  await page.press('#tlayer', 'Enter');
  await page.waitForFunction(() => /transform layer/.test(document.getElementById('messages').textContent + document.body.textContent));
  assert.match(page.url(), /tlayer=4&coord=x1/);
  assert.match(page.url(), /transform=spline.*bins=8&learnbase=1/);

  // Back to affine: the scale returns, the bins go, and the map is a straight line.
  await page.selectOption('#transform', 'affine');
  await page.waitForFunction(() => /an affine map, a straight line/.test(document.getElementById('transform-text').textContent));
  assert.ok(await page.isVisible('#scale'));
  assert.ok(await page.isHidden('#bins'));
  await page.screenshot({ path: `${ARTEFACTS}spline-page.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the guide sets up checkerboard with splines in one click and trains it', async () => {
  const { page, errors } = await openPage(env.browser, env.server);
  await tourPreset(page, 'panel-transform');
  await page.waitForFunction(() => location.hash.includes('transform=spline') && location.hash.includes('data=checkerboard'));
  await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 100, null, { polling: 200 });
  assert.equal(await page.inputValue('#transform'), 'spline');
  await page.waitForFunction(() => /^Layer 4 maps x2 to z2 by a monotone spline with 8 bins/.test(document.getElementById('transform-text').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});
