// Prints the training worker's speed on 1, 2 and 4 threads and the cost of one gradient
// hand-over from a helper (threads-bench.html); a report, not a timed assertion.
// Run: node --test tests/bench/threads.mjs (HASH=... for another flow, TARGET=... to time
// Play to that test metric, MS=... per run)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';

test('the training worker on 1, 2 and 4 threads, and one gradient hand-over', async () => {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // The digits also time Play to a held-out NLL of -75 nats per image.
    const runs = process.env.HASH ? [[process.env.HASH, process.env.TARGET]] : [['', null], ['flow=iaf&objective=reverse&target=u3', null], ['space=digits', '-75']];
    for (const [hash, target] of runs) {
      const until = target ? `&target=${target}` : '';
      await page.goto(`${server.url}www/threads-bench.html?ms=${process.env.MS || 8000}${until}&run=${hash.length}#${hash}`);
      await page.waitForSelector('body[data-done="1"]', { timeout: 0 });
      const r = JSON.parse(await page.textContent('#out'));
      const one = r.runs[0].steps_per_second;
      for (const run of r.runs) {
        assert.equal(run.live, run.threads, 'every helper trained');
        const to = run.reached ? `; test metric ${target} after ${run.reached.seconds.toFixed(1)} s (step ${run.reached.step})` : '';
        console.log(`# ${r.engine} ${hash || 'default'}: ${run.threads} thread(s) ${run.steps_per_second.toFixed(0)} steps/s (${(run.steps_per_second / one).toFixed(2)}x)${to}`);
      }
      const h = r.hand_over;
      console.log(`# hand-over of one chunk's gradient (${h.gradient_floats} floats): round trip ${h.round_trip_ms.toFixed(3)} ms, the chunk here ${h.chunk_here_ms.toFixed(3)} ms, so ${h.hand_over_ms.toFixed(3)} ms; an empty round trip ${h.empty_round_trip_ms.toFixed(3)} ms`);
    }
  } finally {
    await browser.close();
    server.close();
  }
});
