// End-to-end: training helpers are not trusted (issue 30, item 9). Each helper thread is
// served a hostile script that computes its chunks honestly for a while, then sends a
// gradient of the wrong length, one with a NaN, or nothing at all. The training worker
// drops the bad answer, computes the chunk itself, replaces the helper and names it in the
// Compute box; training never stops, and the losses are those of one thread to the last bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage } from './helpers.mjs';
import { serve } from './serve.mjs';

const env = useBrowser();
const STEPS = 300;
const HONEST = 40;

// A helper (www/helper.js's protocol) that turns bad after HONEST answers, by `mode`.
const hostile = (mode) => `
import { loadEngine } from './engine.js';
import { make, FROM_HELPER } from './protocol.js';
const ready = loadEngine();
const h = { helper: null, hash: null, answers: 0 };
onmessage = async ({ data: m }) => {
  const engine = await ready;
  if (m.hash !== h.hash) {
    h.helper = new engine.module.Helper(m.hash);
    h.hash = m.hash;
  }
  let grads = h.helper.compute(m.theta, m.batch, Uint32Array.from(m.which));
  let len = h.helper.gradient_len();
  const losses = h.helper.losses();
  h.answers += 1;
  if (h.answers > ${HONEST}) {
    if ('${mode}' === 'silent') return;
    if ('${mode}' === 'long') { len += 1; grads = new Float32Array(len * m.which.length); }
    if ('${mode}' === 'nan') grads[3] = NaN;
  }
  postMessage(make(FROM_HELPER, 'gradients', { id: m.id, grads, losses, len }), [grads.buffer]);
};`;

// The losses of the first STEPS steps on `threads` threads (helpers served `mode`), the
// worker's note and the longest pause between two status updates while training.
async function run(threads, mode) {
  const context = await env.browser.newContext();
  // Nested workers' requests pass no route: the helper script is the server's to replace.
  const server = mode ? await serve({ '/www/helper.js': () => hostile(mode) }) : env.server;
  const { page, errors } = await openPage(context, server, `?threads=${threads}#seed=2`);
  await page.click('#play');
  await page.waitForFunction((n) => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= n, STEPS, { polling: 50 });
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  const file = JSON.parse(await page.evaluate(() => window.arflowTest.app().export('model')));
  const losses = file.history.loss.filter(([step]) => step <= STEPS);
  const note = await page.textContent('#worker-note');
  const status = await page.textContent('#status');
  assert.deepEqual(errors.filter((e) => !/training helper/.test(e)), []);
  await context.close();
  if (mode) server.close();
  return { losses, note, status };
}

test('a helper that sends a wrong-sized or NaN gradient, or falls silent, is replaced and the losses are one thread\'s to the last bit', async () => {
  const one = await run(1, null);
  assert.equal(one.losses.length, STEPS);
  for (const [mode, why] of [
    ['long', /it sent a gradient of \d+ numbers, not \d+/],
    ['nan', /it sent a loss or gradient that is not a finite number/],
    ['silent', /silent for \d+ ms/],
  ]) {
    const bad = await run(4, mode);
    console.log(`# ${mode}: ${bad.note} | ${bad.status}`);
    assert.match(bad.note, /on 4 threads/);
    assert.match(bad.note, new RegExp(`Helper \\d+ was replaced: ${why.source}`), mode);
    assert.deepEqual(bad.losses, one.losses, `${mode}: the trajectory of one thread`);
  }
});
