// The long soak (not in the test run): trains the default view for MINUTES (default 20)
// and prints memory and steps/s every 30 s; at the end, the growth after the first minute.
//   MINUTES=20 node tests/bench/soak.mjs      (HASH=... for another view, QUERY=threads=2
//   for the page's address query)
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';
import { soak, MB } from '../e2e/soak.mjs';

const minutes = Number(process.env.MINUTES || 20);
const server = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const { samples, errors } = await soak(browser, server, {
    seconds: minutes * 60,
    every: 30,
    path: (process.env.QUERY ? `?${process.env.QUERY}` : '') + (process.env.HASH ? `#${process.env.HASH.replace(/^#/, '')}` : ''),
    report: (s) => console.log(`${(s.t / 60).toFixed(1)} min  step ${s.step}  ${s.rate.toFixed(0)} steps/s  page ${MB(s.page)} MB  worker ${MB(s.worker)} MB  JS heap ${MB(s.heap)} MB`),
  });
  const after1 = samples.find((s) => s.t >= 60) || samples[0];
  const last = samples[samples.length - 1];
  console.log(`growth after the first minute: page ${last.page - after1.page} B, worker ${last.worker - after1.worker} B, JS heap ${MB(last.heap - after1.heap)} MB; errors ${errors.length}`);
} finally {
  await browser.close();
  server.close();
}
