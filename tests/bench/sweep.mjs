// The default-settings sweep on the page's own engine (the wasm build Chromium loads):
// every data set, MAF and IAF, seeds 0-2, the page's defaults otherwise, STEPS steps each
// (5,000 unless given), two runs at a time. Prints one line per run and the rollbacks in
// all; passes only if there are none. A report of the defaults, not part of the test run:
//   node --test tests/bench/sweep.mjs          (after scripts/build-web.sh)
// FLOWS=iaf limits the flows; HASH='&lr=0.002' adds settings to every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';

const STEPS = Number(process.env.STEPS || 5000);
const FLOWS = (process.env.FLOWS || 'maf,iaf').split(',');
const EXTRA = process.env.HASH || '';

test(`the page's defaults train ${STEPS} steps on every data set without a rollback`, async () => {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  // Every built-in data set, as the page's select lists them (src/data/mod.rs's CHOICES).
  const first = await browser.newPage();
  await first.goto(server.url);
  await first.waitForSelector('#data option[value="moons"]', { state: 'attached' });
  const DATA = (await first.$$eval('#data option', (os) => os.map((o) => o.value))).filter((d) => d !== 'drawn');
  await first.close();
  const queue = [];
  for (const flow of FLOWS) {
    for (const data of DATA) for (const seed of [0, 1, 2]) queue.push({ flow, data, seed });
  }
  const results = [];
  async function worker() {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    for (let job = queue.shift(); job; job = queue.shift()) {
      const hash = `#data=${job.data}&flow=${job.flow}&seed=${job.seed}${EXTRA}`;
      await page.goto(`${server.url}www/sweep.html?steps=${STEPS}&run=${results.length}-${job.flow}${hash}`);
      await page.waitForSelector('body[data-done="1"]');
      const r = JSON.parse(await page.textContent('#out'));
      results.push({ ...job, ...r });
      console.log(`# ${job.flow} ${job.data} seed ${job.seed} (${r.engine}): ${r.rollbacks} rollbacks, metric ${r.metric?.toFixed(3)} ${r.rollbacks ? JSON.stringify(r.events) : ''}`);
    }
    await context.close();
  }
  try {
    await Promise.all([worker(), worker()]);
  } finally {
    await browser.close();
    server.close();
  }
  const rollbacks = results.reduce((n, r) => n + r.rollbacks, 0);
  console.log(`# ${results.length} runs, ${rollbacks} rollbacks`);
  assert.equal(rollbacks, 0);
});
