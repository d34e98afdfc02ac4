// 30,000 steps of training (about 40 s quiet): the memory of the page and of the worker
// stays flat once the history has reached its fixed resolution (src/train/history.rs,
// 2,048 points a series). Counted in steps, not seconds, so a slow machine checks as many
// steps as a fast one. The long version is tests/bench/soak.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './helpers.mjs';
import { soak, MB } from './soak.mjs';

const env = useBrowser();

// Growth allowed after the warm-up, per wasm memory: two 64 KiB pages of allocator slack.
// Before the history was bounded, the worker grew 16 bytes per step, in a vector that
// doubles: from 128 KiB at step 8,192 to 512 KiB at step 32,768, past the slack.
const SLACK = 2 * 64 * 1024;
const WARM_UP_STEPS = 5000;
const STEPS = 30000;

test('30,000 steps of training keep the wasm memory of the page and the worker flat', async () => {
  const { samples, errors } = await soak(env.browser, env.server, {
    steps: STEPS,
    every: 2,
    report: (s) => console.log(`# ${s.t.toFixed(0)} s: step ${s.step}, ${s.rate.toFixed(0)} steps/s, page ${MB(s.page)} MB, worker ${MB(s.worker)} MB, JS heap ${MB(s.heap)} MB`),
  });
  const warm = samples.filter((s) => s.step >= WARM_UP_STEPS);
  assert.ok(warm.length >= 2, 'samples after the warm-up');
  assert.ok(warm.at(-1).step - warm[0].step >= STEPS - WARM_UP_STEPS - 5000, 'steps after the first warm sample');
  for (const key of ['page', 'worker']) {
    const growth = warm.at(-1)[key] - warm[0][key];
    assert.ok(growth <= SLACK, `${key} wasm memory grew ${growth} bytes from step ${warm[0].step} to ${warm.at(-1).step}`);
  }
  assert.ok(samples[samples.length - 1].step > samples[0].step, 'it trained');
  assert.deepEqual(errors, []);
});
