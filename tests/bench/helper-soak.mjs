// The helpers' soak (not in the test run; issue 30): the default view trains on 4 threads
// for MINUTES (default 5) while one helper is killed every minute (it closes itself when
// told, so the worker sees only silence). Prints the longest time the step count stood
// still while training (target: under 1 s) and the helpers replaced, then trains a
// one-thread page to the same step and compares the parameters and every loss bit for bit.
//   MINUTES=5 node tests/bench/helper-soak.mjs
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from '../e2e/serve.mjs';
import { openPage, settled } from '../e2e/helpers.mjs';

const minutes = Number(process.env.MINUTES || 5);
const HASH = '#seed=5';
const CHANNEL = 'arflow-helper-soak';
// The real helper, plus a line to the soak: it says it is alive and closes when named.
const helper = `${await readFile(new URL('../../www/helper.js', import.meta.url), 'utf8')}
const soakName = Math.random().toString(36).slice(2);
const soakChannel = new BroadcastChannel('${CHANNEL}');
soakChannel.onmessage = ({ data }) => {
  if (data.kill === soakName) close();
  if (data.who) soakChannel.postMessage({ alive: soakName });
};
soakChannel.postMessage({ alive: soakName });
`;
const server = await serve({ '/www/helper.js': () => helper });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const stepOf = (page) => page.evaluate(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]));
try {
  const { page, errors } = await openPage(browser, server, `?threads=4${HASH}`);
  await page.evaluate((name) => {
    window.soak = { alive: [], killed: [], still: 0, last: null };
    const channel = new BroadcastChannel(name);
    channel.onmessage = ({ data }) => { if (data.alive) window.soak.alive.push(data.alive); };
    channel.postMessage({ who: true });
    window.soak.kill = () => {
      const name = window.soak.alive.shift();
      if (name) channel.postMessage({ kill: name });
      if (name) window.soak.killed.push(name);
    };
    // The longest time the step count stood still, sampled every 20 ms.
    setInterval(() => {
      const step = /step (\d+)/.exec(document.getElementById('status').textContent)?.[1];
      const now = performance.now();
      if (!window.soak.last || step !== window.soak.last.step) window.soak.last = { step, at: now };
      window.soak.still = Math.max(window.soak.still, now - window.soak.last.at);
    }, 20);
  }, CHANNEL);
  await page.click('#play');
  await page.evaluate(() => { window.soak.still = 0; window.soak.last = null; });
  for (let m = 1; m <= minutes; m++) {
    await page.waitForTimeout(60000);
    await page.evaluate(() => window.soak.kill());
    const r = await page.evaluate(() => ({ still: window.soak.still, note: document.getElementById('worker-note').textContent, status: document.getElementById('status').textContent }));
    console.log(`${m} min: ${r.status.slice(0, 60)}; longest still so far ${r.still.toFixed(0)} ms`);
  }
  await page.waitForTimeout(5000);
  await page.click('#play');
  const still = await page.evaluate(() => window.soak.still);
  const killed = await page.evaluate(() => window.soak.killed.length);
  console.log(`${killed} helpers killed; the Compute box: ${await page.textContent('#worker-note')}`);
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
  const target = await stepOf(page);
  const many = JSON.parse(await page.evaluate(() => window.arflowTest.app().export('model')));
  // One thread, to the same step: played to near it, then stepped.
  const { page: one, errors: oneErrors } = await openPage(browser, server, HASH);
  await one.click('#play');
  await one.waitForFunction((n) => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= n, target - 300, { polling: 50 });
  await one.click('#play');
  await one.evaluate(() => window.arflowTest.settle());
  for (let s = await stepOf(one); s < target; s++) {
    await one.click('#step');
    await one.waitForFunction((n) => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= n, s + 1, { polling: 20 });
  }
  await one.evaluate(() => window.arflowTest.settle());
  const single = JSON.parse(await one.evaluate(() => window.arflowTest.app().export('model')));
  const same = JSON.stringify(single.parameters) === JSON.stringify(many.parameters) && single.step === many.step;
  const lossesSame = JSON.stringify(single.history.loss) === JSON.stringify(many.history.loss);
  console.log(`step ${many.step} on 4 threads, ${single.step} on one; parameters ${same ? 'equal bit for bit' : 'DIFFER'}; loss history ${lossesSame ? 'equal' : 'DIFFERS'}; longest still ${still.toFixed(0)} ms; errors ${JSON.stringify([...errors, ...oneErrors].filter((e) => !/training helper/.test(e)))}`);
  if (!same || !lossesSame || still > 1000) process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
