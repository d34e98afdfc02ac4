// A soak: the default view trains for a while and its memory and speed are sampled at a
// fixed period. Used by the check in soak.test.mjs (a number of steps) and by the long soak
// script (tests/bench/soak.mjs, a number of minutes).
import { openPage } from './helpers.mjs';

/** One sample: seconds since training began, steps, steps/s since the last sample, the
 * wasm memory of the page and of the worker and the page's JS heap, in bytes. */
async function sample(page, t0, last) {
  const s = await page.evaluate(() => ({
    status: document.getElementById('status').textContent,
    memory: window.arflowTest.memory(),
    heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
  }));
  const t = (Date.now() - t0) / 1000;
  const step = Number(/step (\d+)/.exec(s.status)?.[1]);
  const rate = last ? (step - last.step) / (t - last.t) : 0;
  return { t, step, rate, page: s.memory.page, worker: s.memory.worker, heap: s.heap };
}

export const MB = (b) => (b / 2 ** 20).toFixed(2);

/** Trains the page at `path` for `seconds`, or until a sample has at least `steps` steps,
 * sampling every `every` seconds; `report(s)` sees each sample as it comes. Returns the
 * samples. */
export async function soak(browser, server, { seconds = Infinity, steps = Infinity, every, path = '', report = () => {} }) {
  const { page, errors } = await openPage(browser, server, path);
  await page.keyboard.press('Space');
  const t0 = Date.now();
  const samples = [];
  while ((Date.now() - t0) / 1000 < seconds && !(samples.at(-1)?.step >= steps)) {
    await page.waitForTimeout(every * 1000);
    const s = await sample(page, t0, samples[samples.length - 1]);
    samples.push(s);
    report(s);
  }
  await page.keyboard.press('Space');
  await page.close();
  return { samples, errors };
}
