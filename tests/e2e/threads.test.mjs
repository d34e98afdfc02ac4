// Training on helper threads: the training worker shares every step's batch with 1 or 3
// helper workers (www/threads.js), and the trajectory is the same to the last bit as on
// one thread; the status says how many threads train. Speeds are the benchmark's
// (tests/bench/threads.mjs), not asserted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, status } from './helpers.mjs';

const env = useBrowser();
const STEPS = 300;

// Trains the default view (and a reverse-KL IAF) on `threads` threads to at least STEPS
// steps and returns the loss of every step up to STEPS (exact: model files keep every
// digit) with the status seen while training.
async function lossesOn(threads, hash) {
  const { page, errors } = await openPage(env.browser, env.server, `?threads=${threads}${hash}`);
  await page.click('#play');
  await page.waitForFunction((n) => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= n, STEPS, { polling: 50 });
  const shown = await status(page);
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  const file = JSON.parse(await page.evaluate(() => window.arflowTest.app().export('model')));
  const losses = file.history.loss.filter(([step]) => step <= STEPS);
  const note = await page.textContent('#worker-note');
  assert.deepEqual(errors, []);
  await page.close();
  return { losses, shown, note };
}

test('a step shared by 2 or 4 threads gives the losses of one thread to the last bit, and the status says how many train', async () => {
  for (const hash of ['#seed=0', '#objective=reverse&target=u3&flow=iaf&seed=1']) {
    const one = await lossesOn(1, hash);
    assert.equal(one.losses.length, STEPS, `${hash}: every step's loss`);
    assert.doesNotMatch(one.shown.text, /threads/);
    for (const threads of [2, 4]) {
      const many = await lossesOn(threads, hash);
      console.log(`# ${hash} on ${threads} threads: ${many.shown.text}`);
      assert.match(many.shown.text, new RegExp(`steps/s on ${threads} threads`), 'the status names the threads');
      assert.match(many.note, new RegExp(`on ${threads} threads`));
      assert.deepEqual(many.losses, one.losses, `${hash}: ${threads} threads train as one does`);
    }
  }
});
