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
  // Room for one blob's points, not two.
  const { page, errors } = await openWith(context, small, 9000);
  await blob(page, -1.5, 1);
  const [first] = await count(page);
  const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('arflow.points') || '[]').length / 2);
  assert.equal(await stored(), first);
  assert.doesNotMatch(await page.textContent('#points-note'), /Not kept/);
  await blob(page, 1.5, -1);
  const [both] = await count(page);
  assert.ok(both > first, `${both} ${first}`);
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
  assert.equal(await stored(), again);
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
