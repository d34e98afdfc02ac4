// Shared by the end-to-end tests: a server and Chromium per test file, open a page of the
// served app and read it like a person.
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM_ARGS } from './serve.mjs';

/** Where screenshots go. */
export const ARTEFACTS = new URL('../../test-results/', import.meta.url).pathname;

/** Serves the app and launches Chromium (with `args` added) before the file's tests, and
 * stops both after them: `{ server, browser }`, filled in once the tests run. */
export function useBrowser(args = []) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve();
    env.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...args] });
    await mkdir(ARTEFACTS, { recursive: true });
  });
  after(async () => {
    await env.browser?.close();
    env.server?.close();
  });
  return env;
}

/** A new page at `server.url + path` in `browser` (or a browser context), with the page's
 * test hooks on (`?test`: `window.arflowTest`), recording page errors, console errors,
 * requests that leave the server, long tasks (`window.longTasks`) and Content-Security-
 * Policy violations (`window.cspViolations`). Returns once the page has its answer from
 * WebGPU (an adapter or none) and is settled (see `settled`). */
export async function openPage(browser, server, path = '') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Every wait is for an event, however long a loaded machine takes to get there; node's
  // per-test timeout (scripts/test.sh) is the only clock, and it only catches a hang.
  page.setDefaultTimeout(0);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) errors.push(`outside request: ${r.url()}`); });
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
    });
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const start = Date.now();
  const query = path.startsWith('?') ? `?test&${path.slice(1)}` : `?test${path}`;
  await page.goto(server.url + query);
  await page.waitForSelector('body[data-ready="1"][data-gpu]');
  await settled(page);
  return { page, errors, loadMs: Date.now() - start };
}

/** Waits until a new flow is built (the page builds one a layer a frame, from the frame
 * after a change), the heatmap shown is the full picture of its parameters and the status
 * has the test metric (from the worker, or the page's own evaluation). */
export async function settled(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await waitFor(page, () => !window.arflowTest.app().rebuilding()
    && window.arflowTest.app().grid_settled(256)
    && !/(NLL|estimate) –/.test(document.getElementById('status').textContent), null, { polling: 50 });
}

/** How often a long wait says what the page shows. */
const REPORT_MS = 60000;

/** `page.waitForFunction(fn, arg, options)`, which says every minute while it lasts what
 * the page shows (its status line, messages, whether it rebuilds and whether its grid is
 * settled): a wait that never ends leaves in the log where the page stood. */
export async function waitFor(page, fn, arg, options) {
  const start = Date.now();
  const timer = setInterval(() => {
    page.evaluate(() => {
      const app = window.arflowTest?.app();
      return {
        status: document.getElementById('status')?.textContent,
        messages: document.getElementById('messages')?.textContent.slice(-400),
        rebuilding: app?.rebuilding(),
        gridSettled: app?.grid_settled(256),
      };
    }).then(
      (shown) => console.log(`# still waiting after ${Math.round((Date.now() - start) / 1000)} s: ${JSON.stringify(shown)}`),
      () => {},
    );
  }, REPORT_MS);
  try {
    return await page.waitForFunction(fn, arg, options);
  } finally {
    clearInterval(timer);
  }
}

/** The status line, with its step count and test NLL read out, and the backend (in the
 * Compute box). */
export async function status(page) {
  const text = await page.textContent('#status');
  const step = Number(/step (\d+)/.exec(text)?.[1]);
  const nll = Number(/test NLL ([\d.]+)/.exec(text)?.[1]);
  const backend = await page.textContent('#backend-status');
  return { text, step, nll, backend };
}

/** Distinct colours on a canvas: a blank or flat canvas has one or two. */
export async function colours(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, id);
}

/** Page coordinates of the data point `(x1, x2)` on the heatmap. */
export async function onMap(page, x1, x2) {
  const box = await page.locator('#heatmap').boundingBox();
  const [rect, width] = await page.evaluate(() => [window.arflowTest.app().heatmap_rect(), document.getElementById('heatmap').width]);
  const s = box.width / width;
  return [box.x + s * (rect[0] + ((x1 + 4) / 8) * (rect[1] - rect[0])), box.y + s * (rect[2] + ((4 - x2) / 8) * (rect[3] - rect[2]))];
}

/** Opens the guided tour at the `nth` step (from 0) whose one-click setup points at
 * `panel`, as a visitor would (Back and Next), and clicks its "Set this up and train". */
export async function tourPreset(page, panel, nth = 0) {
  if (await page.isHidden('#tour')) await page.click('#tour-open');
  const target = await page.evaluate(([panel, nth]) => {
    const steps = [...document.querySelectorAll('#tour .tour-steps > li')];
    return steps.map((li, i) => (li.querySelector(`button.preset[data-panel="${panel}"]`) ? i : -1)).filter((i) => i >= 0)[nth];
  }, [panel, nth]);
  const current = async () => Number(/Step (\d+)/.exec(await page.textContent('#tour-count'))[1]) - 1;
  while (await current() > target) await page.click('#tour-prev');
  while (await current() < target) await page.click('#tour-next');
  await page.click(`#tour li:not([hidden]) button.preset[data-panel="${panel}"]`);
}
