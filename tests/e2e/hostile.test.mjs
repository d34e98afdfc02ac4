// End-to-end: hostile input is refused whole with a short, readable message, and the
// page's wasm memory after a refusal is within 10 MB of before (issue 30, items 4, 5, 7,
// 10 and 11): a deflate bomb and damaged data in a model link, a model file with absurd
// numbers, a CSV whose column name is a megabyte long, CSVs no flow can learn, a CSV too
// large to read; and a model link opened while paused gets its test NLL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, openPage, settled, status } from './helpers.mjs';

const env = useBrowser();
const MB = 1 << 20;
const open = (path = '') => openPage(env.browser, env.server, path);
const memory = (page) => page.evaluate(() => window.arflowTest.memory().page);
const messages = (page) => page.textContent('#messages');
const params = (page) => page.evaluate(() => Array.from(window.arflowTest.app().parameters()));
const count = (page) => page.evaluate(() => Array.from(window.arflowTest.app().points_count()));

async function withinMemory(page, before) {
  const after = await memory(page);
  assert.ok(after - before <= 10 * MB, `wasm memory grew from ${before} to ${after} bytes`);
}

test('a deflate bomb or damaged data in a model link is refused before it inflates, and the settings load without it', async () => {
  const { page, errors } = await open();
  const before = await memory(page);
  const bomb = zlib.deflateRawSync(Buffer.alloc(10 * MB, 32)).toString('base64url');
  assert.ok(bomb.length < 16000, `${bomb.length}`);
  const cases = [
    [bomb, /it inflates to more than 1048576 bytes/],
    [zlib.deflateRawSync(Buffer.alloc(200 * MB, 32)).toString('base64url'), /characters, more than a link the page writes holds \(16000\)/],
    ['AAAAAAAAAAAA', /its data is damaged or cut short/],
    ['%%%', /its data is not base64url text/],
  ];
  for (const [blob, why] of cases) {
    const old = await params(page);
    await page.evaluate(async (b) => (await import('./www/model-io.js')).loadLinkModel(b), blob);
    const text = await messages(page);
    assert.match(text, /The model in the link could not be read/);
    assert.match(text, why);
    assert.doesNotMatch(text, /Failed to fetch/);
    assert.deepEqual(await params(page), old);
  }
  await withinMemory(page, before);
  // Opened as a link, the bomb's page starts with the link's settings.
  await page.goto(`${env.server.url}?test#layers=2&model=${bomb}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForFunction(() => /could not be read/.test(document.getElementById('messages').textContent));
  assert.match(page.url(), /layers=2/);
  await settled(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a model link opened while paused shows its test NLL', async () => {
  const { page, errors } = await open('#layers=2&hidden=16,16');
  const link = await page.evaluate(async () => (await import('./www/model-io.js')).modelLink());
  assert.ok(link.fits);
  const { page: other } = await open();
  await other.goto(link.link.replace('#', '?test#'));
  await other.waitForFunction(() => /Loaded the model in the link/.test(document.getElementById('messages')?.textContent || ''));
  // It showed "test NLL –" until training ran.
  await settled(other);
  assert.equal((await status(other)).nll, (await status(page)).nll);
  assert.deepEqual(errors, []);
  await page.close();
  await other.close();
});

test('a model file with absurd numbers is refused whole, naming the first', async () => {
  const { page, errors } = await open('#layers=2&hidden=16,16');
  const saved = JSON.parse(await page.evaluate(() => window.arflowTest.app().export('model')));
  const n = saved.parameters.length;
  const old = await params(page);
  const before = await memory(page);
  const cases = [
    [{ parameters: saved.parameters.map(() => 1e30) }, /'parameters' entry 1 is 1e30, and no trained model has a parameter beyond ±1e4/],
    [{ parameters: saved.parameters.map((p, i) => (i === 7 ? -1e30 : p)) }, /'parameters' entry 8 is -1e30/],
    [{ optimiser: { t: 5, m: Array(n).fill(0), v: [0, -1, ...Array(n - 2).fill(0)] } }, /'optimiser v' entry 2 is -1e0, and a second moment \(a mean of squares\) is never negative/],
    [{ step: '18446744073709551615' }, /its step is not a whole number from 0 to 9007199254740991/],
  ];
  for (const [change, why] of cases) {
    let text = JSON.stringify({ ...saved, ...change });
    text = text.replace('"18446744073709551615"', '18446744073709551615');
    await page.evaluate(async (t) => (await import('./www/model-io.js')).importModel(t, 'absurd.json'), text);
    const said = await messages(page);
    assert.match(said, /absurd.json was not loaded/);
    assert.match(said, why);
    assert.deepEqual(await params(page), old);
  }
  await withinMemory(page, before);
  assert.deepEqual(errors, []);
  await page.close();
});

test('CSV files: a megabyte-long column name is quoted short, data no flow can learn and a file too large are refused, the points stay', async () => {
  const { page, errors } = await open();
  const rows = (f) => Array.from({ length: 100 }, (_, i) => f(i)).join('\n');
  const spread = (i) => `${Math.sin(i * 1.3)},${Math.cos(i * 0.7)}`;
  const file = (name, text) => page.setInputFiles('#csv-file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await file('long.csv', `${'a'.repeat(MB)},y\n${rows(spread)}`);
  await page.waitForFunction(() => /long.csv: Imported 100 points/.test(document.getElementById('messages').textContent));
  const said = await messages(page);
  assert.ok(said.length < 400, `${said.length} characters`);
  assert.match(said, /columns 'a{40}…' and 'y'/);
  const box = await page.locator('#messages').boundingBox();
  assert.ok(box.height < 120, JSON.stringify(box));
  const before = await memory(page);
  const kept = await count(page);
  const refused = [
    ['same.csv', rows(() => '0.5,-0.5'), /do not spread along x \(standard deviation 0, under 0.001\)/],
    ['outlier.csv', rows((i) => (i === 41 ? '3e38,0.5' : spread(i))), /point 42 at \(3.000e38, 0.5000\) dominates the scale/],
    ['huge.csv', `x,y\n${'1,2\n'.repeat(6 * MB)}`, /the file has 24.0 MB; at most 20.0 MB can be read/],
  ];
  for (const [name, text, why] of refused) {
    await file(name, text);
    await page.waitForFunction((n) => new RegExp(`${n} was not imported`).test(document.getElementById('messages').textContent), name);
    assert.match(await messages(page), why);
    assert.deepEqual(await count(page), kept);
  }
  await withinMemory(page, before);
  assert.deepEqual(errors, []);
  await page.close();
});

test('large model files: one that reads is checked apart and loads, a refused one of 100 MB leaves the page\'s memory as it was, one past the limit is not read', async () => {
  const { page, errors } = await open('#layers=4&hidden=128,128');
  const saved = await page.evaluate(() => window.arflowTest.app().export('model'));
  assert.ok(saved.length > 1 << 20, `${saved.length} characters: checked apart`);
  const { page: other } = await open();
  const before = await memory(other);
  await other.evaluate(() => {
    const box = document.getElementById('messages');
    window.said = [];
    new MutationObserver(() => window.said.push(box.textContent)).observe(box, { childList: true, subtree: true, characterData: true });
  });
  // Playwright hands files over 50 MB only by path.
  const dir = await mkdtemp(join(tmpdir(), 'arflow-'));
  const load = async (name, buffer) => {
    const path = join(dir, name);
    await writeFile(path, buffer);
    await other.setInputFiles('#model-file', path);
    await other.waitForFunction((n) => new RegExp(`(Loaded ${n}|${n} was not loaded)`).test(document.getElementById('messages').textContent), name.replace('.', '\\.'));
    return messages(other);
  };
  // 100 MB of numbers that do not fit the flow its settings describe.
  const file = JSON.parse(saved);
  const big = Buffer.from(JSON.stringify({ ...file, optimiser: null, history: null, parameters: Array.from({ length: 5_500_000 }, (_, i) => (i % 1000) / 997 - 0.5) }));
  assert.ok(big.length > 100 * MB, `${big.length} bytes`);
  assert.match(await load('big.json', big), /big\.json was not loaded: model file: its numbers do not fit its flow/);
  await withinMemory(other, before);
  assert.match(await load('huge.json', Buffer.alloc(257 * MB, 32)), /huge\.json was not loaded: it has 269484032 bytes; the page reads model files of up to 268435456/);
  await withinMemory(other, before);
  assert.match(await load('model.json', Buffer.from(saved)), /Loaded model\.json/);
  // While the checker reads, the page says so; then it takes the checker's numbers.
  const said = await other.evaluate(() => window.said);
  assert.ok(said.some((t) => /^Reading model\.json \(\d+\.\d MB\) apart from the page\u2026 \d+ s$/.test(t)), said.join(' | '));
  assert.deepEqual(await params(other), await params(page));
  assert.deepEqual(errors, []);
  await rm(dir, { recursive: true });
  await page.close();
  await other.close();
});
