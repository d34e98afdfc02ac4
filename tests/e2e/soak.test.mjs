// A minute of training: the memory of the page and of the worker stays flat once the
// history has reached its fixed resolution (src/train/history.rs). The long version is
// tests/bench/soak.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './helpers.mjs';
import { soak, MB } from './soak.mjs';

const env = useBrowser();

// Growth allowed after the warm-up, per wasm memory: two 64 KiB pages of allocator slack.
// Before the history was bounded, the worker grew about 400 KiB a minute at 400 steps/s
// (16 bytes per step, in a vector that doubles).
const SLACK = 2 * 64 * 1024;
const WARM_UP_S = 20;

test('a minute of training keeps the wasm memory of the page and the worker flat', async () => {
  const { samples, errors } = await soak(env.browser, env.server, {
    seconds: 60,
    every: 5,
    report: (s) => console.log(`# ${s.t.toFixed(0)} s: step ${s.step}, ${s.rate.toFixed(0)} steps/s, page ${MB(s.page)} MB, worker ${MB(s.worker)} MB, JS heap ${MB(s.heap)} MB`),
  });
  const warm = samples.filter((s) => s.t >= WARM_UP_S);
  assert.ok(warm.length >= 2, 'samples after the warm-up');
  for (const key of ['page', 'worker']) {
    const growth = warm[warm.length - 1][key] - warm[0][key];
    assert.ok(growth <= SLACK, `${key} wasm memory grew ${growth} bytes after ${WARM_UP_S} s`);
  }
  assert.ok(samples[samples.length - 1].step > samples[0].step, 'it trained');
  assert.deepEqual(errors, []);
});
