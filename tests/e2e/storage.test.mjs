// End-to-end: the student's points and the browser's local storage (issue 30, items 1
// and 2). A browser whose storage throws on every call still starts and says once that
// points will not be kept; a storage too full for a drawing says so under the points until
// a save succeeds, and a reload never brings back an older set than the page said it kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, onMap } from './helpers.mjs';

const env = useBrowser();
const count = (page) => page.evaluate(() => Array.from(window.arflowTest.app().points_count()));

// openPage on a page whose storage is replaced by `script` before the page's own scripts.
const openWith = (context, script, arg, path = '') => openPage({
  newPage: async (options) => {
    const page = await context.newPage(options);
    await page.addInitScript(script, arg);
    return page;
  },
}, env.server, path);

// Every storage call throws, as with storage disabled or in a sandboxed frame.
function throwing() {
  for (const name of ['getItem', 'setItem', 'removeItem', 'clear', 'key']) {
    Storage.prototype[name] = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
  }
}

// A storage that refuses any value longer than `limit` characters, as a full one does.
function small(limit) {
  const set = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (String(value).length > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return set.call(this, key, value);
  };
}

async function blob(page, x, y) {
  if (await page.getAttribute('#brush', 'aria-pressed') !== 'true') await page.click('#brush');
  await page.selectOption('#tool', 'blob');
  await page.mouse.click(...(await onMap(page, x, y)));
}

test('with storage that throws the page starts, says once that points are not kept, and draws', async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await openWith(context, throwing);
  assert.match(await page.textContent('#messages'), /will not be kept for your next visit: local storage is unavailable here/);
  assert.match(await page.textContent('#status'), /step 0/);
  await blob(page, -1, 1);
  const [drawn] = await count(page);
  assert.ok(drawn >= 20, `${drawn}`);
  assert.match(await page.textContent('#points-note'), new RegExp(`^${drawn} points .*Not kept for your next visit`));
  // Cleared, the set trained on stays until there are 20 again, and the note says so.
  await page.click('#clear-points');
  assert.deepEqual(await count(page), [0, drawn]);
  assert.match(await page.textContent('#points-note'), new RegExp(`^No points drawn: training keeps the last ${drawn} until there are 20`));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a drawing too large for storage is not kept, says so until a save succeeds, and a reload brings back no older set', async () => {
  const context = await env.browser.newContext();
  // Room for one blob's points, not two (8 bytes a point, in base64).
  const { page, errors } = await openWith(context, small, 2500);
  const stored = () => page.evaluate(() => atob((localStorage.getItem('arflow.points') || 'f32:').slice(4)).length / 8);
  // Stored once drawing pauses.
  const storedIs = (n) => page.waitForFunction((n) => atob((localStorage.getItem('arflow.points') || 'f32:').slice(4)).length / 8 === n, n);
  await blob(page, -1.5, 1);
  const [first] = await count(page);
  await storedIs(first);
  assert.doesNotMatch(await page.textContent('#points-note'), /Not kept/);
  await blob(page, 1.5, -1);
  const [both] = await count(page);
  assert.ok(both > first, `${both} ${first}`);
  await page.waitForFunction(() => /Not kept/.test(document.getElementById('points-note').textContent));
  assert.match(await page.textContent('#points-note'), /Not kept for your next visit: the browser's storage for this page is full/);
  assert.match(await page.textContent('#messages'), /will not be kept/);
  // What storage holds is not older than what the page said it kept: nothing.
  assert.equal(await stored(), 0);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.deepEqual(await count(page), [0, 0]);
  // A set that fits again is kept, and the note says nothing more.
  await blob(page, 0, 0);
  const [again] = await count(page);
  await storedIs(again);
  assert.doesNotMatch(await page.textContent('#points-note'), /Not kept/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link with a right-to-left override is echoed without it (issue 30, item 8)', async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await openWith(context, () => {}, null, '#seed=%E2%80%AEevil');
  const text = await page.textContent('#messages');
  assert.match(text, /'evil'/);
  assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069]/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('points stored by an older page come back, and unreadable ones are cleared with a message (issue 30, item 11)', async () => {
  const once = (value) => {
    if (sessionStorage.getItem('stored')) return;
    sessionStorage.setItem('stored', '1');
    localStorage.setItem('arflow.points', value);
  };
  const older = JSON.stringify(Array.from({ length: 80 }, (_, i) => Math.sin(i * 1.7)));
  let context = await env.browser.newContext();
  let { page, errors } = await openWith(context, once, older);
  assert.deepEqual(await count(page), [40, 40]);
  assert.deepEqual(errors, []);
  await context.close();
  for (const hostile of ['{"length":1e9}', '"unterminated', 'f32:###', 'f32:AAAAAA', '[1,2,3]', JSON.stringify(Array(80).fill(1e39))]) {
    context = await env.browser.newContext();
    ({ page, errors } = await openWith(context, once, hostile));
    assert.match(await page.textContent('#messages'), /Your saved points could not be read \(.+\); they were cleared\./, hostile);
    assert.equal(await page.evaluate(() => localStorage.getItem('arflow.points')), null);
    assert.deepEqual(await count(page), [0, 0]);
    assert.match(await page.textContent('#status'), /step 0/);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
