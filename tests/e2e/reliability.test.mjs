// End-to-end: the page survives what a tester throws at it. The picture shown always
// belongs to the parameters shown; a dead, failing or missing worker is replaced or
// trained around with a message; huge flows rebuild in slices and coalesce; long input
// cannot widen the page; no Content-Security-Policy violation anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, ARTEFACTS, openPage, settled, status, colours, waitFor } from './helpers.mjs';

const env = useBrowser();

const open = (path = '') => openPage(env.browser, env.server, path);

/** Waits until the status says at least `n` steps. */
const stepsAtLeast = (page, n) => waitFor(page, (n) => {
  const step = Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]);
  return step >= n;
}, n, { polling: 100 });

/** Whether the heatmap on screen is, pixel for pixel, a fresh grid of the parameters the
 * page has now (the worker has answered everything, so no newer ones are on the way). */
async function pictureIsCurrent(page) {
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
  return page.evaluate(() => {
    const c = document.getElementById('heatmap');
    const pixels = () => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
    const app = window.arflowTest.app();
    const shown = pixels();
    app.density_now(256);
    app.render('heatmap');
    const fresh = pixels();
    return shown.length === fresh.length && shown.every((v, i) => v === fresh[i]);
  });
}

test('after Step and after Pause the heatmap is a fresh grid of the current parameters', async () => {
  const { page, errors } = await open('#lr=0.05');
  await page.click('#step');
  await stepsAtLeast(page, 1);
  assert.ok(await pictureIsCurrent(page), 'after Step');
  for (let i = 0; i < 3; i++) {
    const before = (await status(page)).step;
    await page.keyboard.press('Space');
    await stepsAtLeast(page, before + 200 * (i + 1));
    await page.keyboard.press('Space');
    assert.ok(await pictureIsCurrent(page), `after Pause ${i + 1}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a worker that dies or fails is replaced from the last parameters, then trained around', async () => {
  const { page, errors } = await open();
  await page.keyboard.press('Space');
  await stepsAtLeast(page, 300);
  // Killed outright: silence, noticed by the heartbeat.
  await page.evaluate(() => window.arflowTest.worker().terminate());
  await page.waitForFunction(() => /stopped answering/.test(document.getElementById('messages').textContent));
  const killed = await page.textContent('#messages');
  const from = Number(/from step (\d+)/.exec(killed)[1]);
  assert.ok(from >= 300, killed);
  await stepsAtLeast(page, from + 300);
  assert.match(await page.textContent('#play'), /Pause/);
  // A message of a type the worker does not know (protocol.js) is ignored with a warning:
  // the same worker answers and trains on, and no failure is reported.
  const same = await page.evaluate(async () => {
    const w = window.arflowTest.worker();
    w.postMessage({ type: 'nonsense', gen: 0 });
    await window.arflowTest.settle();
    return window.arflowTest.worker() === w;
  });
  assert.ok(same, 'a message of unknown type replaced the worker');
  const stepNow = (await status(page)).step;
  await stepsAtLeast(page, stepNow + 100);
  assert.doesNotMatch(await page.textContent('#messages'), /Training in the worker stopped/);
  // Training fails inside the worker (here: settings it refuses): replaced at once.
  const fail = () => page.evaluate(() => window.arflowTest.worker().postMessage({ type: 'settings', hash: 'nonsense=1' }));
  await fail();
  await page.waitForFunction(() => /Training in the worker stopped: settings: unknown setting 'nonsense'/.test(document.getElementById('messages').textContent));
  await page.waitForFunction(() => window.arflowTest.worker() !== null);
  await fail();
  // The third failure: training moves to the page's thread and goes on.
  await page.waitForFunction(() => /runs on this page's thread/.test(document.getElementById('messages').textContent));
  assert.match(await page.textContent('#worker-note'), /on this page's thread/);
  const here = (await status(page)).step;
  await stepsAtLeast(page, here + 200);
  assert.match(await page.textContent('#play'), /Pause/);
  console.log(`# ${killed}`);
  await page.screenshot({ path: `${ARTEFACTS}worker-lost.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a worker whose engine or script does not load is named, and training runs here', async () => {
  for (const [what, pattern, reason] of [
    ['engine', '**/arflow_bg.wasm', /could not load its engine/],
    ['script', '**/worker.js*', /could not start/],
  ]) {
    const context = await env.browser.newContext();
    let served = 0;
    // The page's own engine loads; the worker's requests fail.
    await context.route(pattern, (route) => (what === 'engine' && served++ === 0 ? route.continue() : route.fulfill({ status: 404, body: 'gone' })));
    const { page, errors } = await openPage(context, env.server);
    await page.waitForFunction((r) => new RegExp(r).test(document.getElementById('messages').textContent), reason.source);
    assert.match(await page.textContent('#worker-note'), /on this page's thread/);
    // The MAF/IAF timings are the worker's: without one the panel says why they are absent.
    assert.match(await page.textContent('#cost'), /Measured by the training worker/);
    await page.keyboard.press('Space');
    await stepsAtLeast(page, 100);
    await page.keyboard.press('Space');
    const unexpected = errors.filter((e) => !/404|Failed to load resource/.test(e));
    assert.deepEqual(unexpected, [], what);
    await context.close();
  }
});

test('a huge flow loads, rebuilds once for a burst of changes, and reports slow speeds', async () => {
  const { page, errors } = await open('#layers=12&hidden=256,256,256,256&batch=4096');
  const load = await page.evaluate(() => Math.max(0, ...window.longTasks));
  assert.ok((await colours(page, 'heatmap')) > 50, 'the heatmap is drawn');
  await page.evaluate(() => { window.longTasks = []; });
  const rebuilds = await page.evaluate(() => window.arflowTest.stats.rebuilds);
  // Fifty changes in one go (as fast as a script can make them) build one flow.
  await page.evaluate(() => {
    const el = document.getElementById('hidden');
    for (let i = 0; i < 50; i++) {
      el.value = i % 2 ? '256,256,256' : '256,256,256,256';
      el.dispatchEvent(new Event('change'));
    }
  });
  await settled(page);
  assert.equal(await page.evaluate(() => window.arflowTest.stats.rebuilds), rebuilds + 1);
  const rebuild = await page.evaluate(() => Math.max(0, ...window.longTasks));
  await page.keyboard.press('Space');
  await stepsAtLeast(page, 2);
  await waitFor(page, () => /[1-9]\d* steps\/s|0\.\d+ steps\/s/.test(document.getElementById('status').textContent));
  const s = await status(page);
  await page.keyboard.press('Space');
  assert.match(s.text, /(0\.\d+|[1-9]\d*(\.\d)?) steps\/s/);
  console.log(`# huge flow: ${s.text}; longest task on load ${load.toFixed(0)} ms, on the burst's rebuild ${rebuild.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('long input is quoted short and cannot widen the page; numbers keep what was typed', async () => {
  const junk = 'x'.repeat(100_000);
  const { page, errors } = await open(`#seed=${junk}&${Array.from({ length: 50 }, (_, i) => `k${i}=1`).join('&')}`);
  const notes = await page.textContent('#messages');
  assert.ok(notes.length < 1500, `${notes.length} characters of notes`);
  assert.match(notes, /and \d+ more corrections/);
  await page.fill('#lr', '7'.repeat(100));
  await page.locator('#lr').blur();
  await page.fill('#layers', 'twelve');
  await page.locator('#layers').blur();
  assert.match(await page.textContent('#err-layers'), /layers: 'twelve' is not a whole number from 1 to 12/);
  const lr = await page.textContent('#err-lr');
  assert.ok(lr.length < 120, lr);
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    controls: document.querySelector('.controls').getBoundingClientRect().width,
    view: window.innerWidth,
  }));
  assert.ok(widths.page <= widths.view, JSON.stringify(widths));
  assert.ok(widths.controls <= 280, JSON.stringify(widths));
  await page.screenshot({ path: `${ARTEFACTS}long-input.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a strict Content-Security-Policy holds, and nothing on the page breaks it', async () => {
  const { page, errors } = await open('#objective=reverse&target=u2&flow=iaf');
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  for (const rule of ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "worker-src 'self'"]) {
    assert.ok(csp.includes(rule), rule);
  }
  await page.keyboard.press('Space');
  await stepsAtLeast(page, 100);
  await page.keyboard.press('Space');
  await page.click('#resample');
  await page.fill('#mdim', '5');
  await page.locator('#mdim').blur();
  await settled(page);
  // An inline script is refused: the policy is in force.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = 1';
    document.body.append(s);
    return window.injected === 1;
  });
  assert.equal(ran, false);
  const violations = await page.evaluate(() => window.cspViolations);
  assert.deepEqual(violations.map((v) => v.directive), ['script-src-elem']);
  assert.deepEqual(errors.filter((e) => !/inline script violates/.test(e)), []);
  await page.close();
});
