// End-to-end: a student's own data and results. Draw two blobs with the mouse and train:
// the density has its modes where they were drawn. Import CSV files through the file
// picker and by dropping them: bad ones are refused with their lines named and the
// points stay. Save the model, load it back (same numbers), undo a change that threw a
// trained model away, share a small model in a link, save PNGs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { useBrowser, ARTEFACTS, openPage, settled, status, onMap } from './helpers.mjs';

const env = useBrowser();
const open = (path = '') => openPage(env.browser, env.server, path);
const count = (page) => page.evaluate(() => Array.from(window.arflowTest.app().points_count()));
const logP = (page, x, y) => page.evaluate(([x, y]) => {
  const app = window.arflowTest.app();
  app.set_probe(x, y);
  return JSON.parse(app.read('probe')).log_p;
}, [x, y]);

async function train(page, steps) {
  const from = (await status(page)).step;
  await page.click('#play');
  await page.waitForFunction((n) => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= n, from + steps, { polling: 100 });
  await page.click('#play');
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
}

// Pixels of the density map within 24 CSS pixels of the page point `at` that the points'
// white dots made (every channel light; the colour map is never light in all three), once
// two frames have been drawn.
const whiteNear = (page, at) => page.evaluate(async ([px, py]) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const c = document.getElementById('heatmap');
  const r = c.getBoundingClientRect();
  const k = c.width / r.width;
  const h = Math.round(24 * k);
  const d = c.getContext('2d').getImageData(Math.round((px - r.left) * k) - h, Math.round((py - r.top) * k) - h, 2 * h, 2 * h).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 175 && d[i + 1] > 175 && d[i + 2] > 175) n += 1;
  return n;
}, at);

test('two blobs drawn with the mouse become two modes of the trained density', async () => {
  const { page, errors } = await open('#layers=4&hidden=32,32&lr=5e-3');
  await page.click('#brush');
  assert.equal(await page.getAttribute('#brush', 'aria-pressed'), 'true');
  await page.selectOption('#tool', 'blob');
  await page.mouse.click(...(await onMap(page, -2, 1.5)));
  await page.mouse.click(...(await onMap(page, 2, -1.5)));
  // A brush stroke adds a few points along the drag, drawn on the map as it goes (only
  // the new ones, each frame), before the stroke ends.
  await page.selectOption('#tool', 'dab');
  // Paused, once the new flow's map is drawn, nothing else draws on it during the stroke
  // (on a busy machine the blobs' flow can still be building when the worker answers).
  await page.evaluate(() => window.arflowTest.settle());
  await settled(page);
  const before = await whiteNear(page, await onMap(page, -2.1, 1.5));
  await page.mouse.move(...(await onMap(page, -2.5, 1.5)));
  await page.mouse.down();
  for (const x of [-2.3, -2.1, -1.9, -1.7]) await page.mouse.move(...(await onMap(page, x, 1.5)));
  const during = await whiteNear(page, await onMap(page, -2.1, 1.5));
  assert.ok(during >= before + 5, `white pixels near the stroke: ${before}, then ${during}`);
  await page.mouse.up();
  const [drawn, set] = await count(page);
  assert.ok(drawn > 300 && set === drawn, `${drawn} ${set}`);
  await page.waitForFunction(() => /data=drawn/.test(location.hash));
  assert.equal(await page.inputValue('#data'), 'drawn');
  assert.match(await page.textContent('#points-note'), /held out for the test NLL/);
  await page.locator('#your-data').screenshot({ path: `${ARTEFACTS}brush-controls.png` });
  await train(page, 1500);
  const s = await status(page);
  assert.match(s.text, /test NLL [\d.]+ \(floor unknown\)/);
  const [a, b, mid, off] = [await logP(page, -2, 1.5), await logP(page, 2, -1.5), await logP(page, 0, 0), await logP(page, -2, -1.5)];
  assert.ok(a > mid + 1 && b > mid + 1 && a > off + 1 && b > off + 1, `modes ${a} ${b}, between ${mid}, elsewhere ${off}`);
  await page.locator('#panel-density').screenshot({ path: `${ARTEFACTS}brush-mode.png` });
  // The worker trained all along (a worker that failed would have been replaced).
  assert.match(await page.textContent('#worker-note'), /background worker/);
  assert.doesNotMatch(await page.textContent('#messages'), /worker/);
  // A model of drawn points carries them to a browser that has none.
  const model = await page.evaluate(() => window.arflowTest.app().export('model'));
  const context = await env.browser.newContext();
  const fresh = (await openPage(context, env.server)).page;
  assert.deepEqual(await count(fresh), [0, 0]);
  await fresh.setInputFiles('#model-file', { name: 'drawn.json', mimeType: 'application/json', buffer: Buffer.from(model) });
  await fresh.waitForFunction(() => /Loaded drawn.json/.test(document.getElementById('messages').textContent));
  assert.deepEqual(await count(fresh), [drawn, set]);
  assert.equal(await fresh.inputValue('#data'), 'drawn');
  assert.match(await fresh.textContent('#points-note'), new RegExp(`^${drawn} points`));
  await context.close();
  // The points outlive a reload.
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.deepEqual(await count(page), [drawn, set]);
  assert.equal(await page.inputValue('#data'), 'drawn');
  assert.deepEqual(errors, []);
});

test('bad CSV files are refused whole, by the picker and by a drop, and the points stay', async () => {
  const { page, errors } = await open();
  const good = 'x,y\n' + Array.from({ length: 40 }, (_, i) => `${i},${(i * i) % 7}`).join('\n');
  await page.setInputFiles('#csv-file', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.waitForFunction(() => /Imported 40 points/.test(document.getElementById('messages').textContent));
  assert.match(await page.textContent('#messages'), /columns 'x' and 'y'.*moved into the view/);
  const before = await page.evaluate(() => Array.from(window.arflowTest.app().points()));
  const bad = `${good}\n1;2;3\nabc,4\n5,nan`;
  await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.waitForFunction(() => /bad.csv was not imported/.test(document.getElementById('messages').textContent));
  const msg = await page.textContent('#messages');
  assert.match(msg, /3 lines could not be read: line 42: .*line 43: 'abc' is not a number; line 44: 'nan' is not a number/);
  await page.locator('#messages').screenshot({ path: `${ARTEFACTS}import-error.png` });
  assert.deepEqual(await page.evaluate(() => Array.from(window.arflowTest.app().points())), before);
  // A dropped binary file, then a dropped one-column file: refused, nothing changes.
  for (const [name, body, why] of [['photo.png', '\u0089PNG\r\n\u001a\n\u0000\u0000', /not a text file/], ['one.csv', '1\n2\n3\n', /line 1 has one column/]]) {
    await page.evaluate(([name, body]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], name));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [name, body]);
    await page.waitForFunction((n) => document.getElementById('messages').textContent.includes(`${n} was not imported`), name);
    assert.match(await page.textContent('#messages'), why);
    assert.deepEqual(await page.evaluate(() => Array.from(window.arflowTest.app().points())), before);
  }
  // Skipping bad lines imports the rest and counts them.
  await page.check('#csv-skip');
  await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.waitForFunction(() => /3 bad lines skipped/.test(document.getElementById('messages').textContent));
  assert.match(await page.textContent('#worker-note'), /background worker/);
  assert.deepEqual(errors, []);
});

test('a saved model loads back with the same numbers, undo brings back a discarded one, a small one fits in a link', async () => {
  const { page, errors } = await open('#layers=2&hidden=8,8&data=8gaussians');
  await train(page, 300);
  const params = await page.evaluate(() => Array.from(window.arflowTest.app().parameters()));
  const probe = await logP(page, 0.5, -0.3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  const file = `${ARTEFACTS}model.json`;
  await download.saveAs(file);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved.format, 'arflow-model');
  assert.ok(saved.optimiser && saved.step >= 300, 'the worker writes Adam\'s state');
  assert.match(await page.textContent('#messages'), new RegExp(`^Saved ${download.suggestedFilename().replace(/\./g, '\\.')} \\(\\d+\\.\\d MB\\)\\.$`));
  // A change throws the model away; Undo brings it back, parameters and history.
  const history = await page.evaluate(() => Array.from(window.arflowTest.app().history_len()));
  await page.fill('#hidden', '16');
  await page.press('#hidden', 'Enter');
  await page.waitForFunction(() => !document.getElementById('undo').disabled);
  // Ctrl+Z in a text box is the box's own undo; outside it, the model's.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => /Back to the model of step/.test(document.getElementById('messages').textContent));
  assert.equal(await page.inputValue('#hidden'), '8,8');
  assert.deepEqual(await page.evaluate(() => Array.from(window.arflowTest.app().parameters())), params);
  assert.deepEqual(await page.evaluate(() => Array.from(window.arflowTest.app().history_len())), history);
  // Loading the file elsewhere gives the same density.
  const other = (await open('#data=rings')).page;
  // Loaded from down at the file buttons, the answer still shows in the window.
  await other.locator('#import-model').scrollIntoViewIfNeeded();
  await other.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await other.setInputFiles('#model-file', file);
  await other.waitForFunction(() => /Loaded model.json/.test(document.getElementById('messages').textContent));
  assert.match(await other.textContent('#toast'), /Loaded model.json/);
  const toast = await other.locator('#toast').boundingBox();
  const viewport = other.viewportSize();
  assert.ok(await other.isVisible('#toast') && toast.y >= 0 && toast.y + toast.height <= viewport.height, JSON.stringify(toast));
  assert.deepEqual(await other.evaluate(() => Array.from(window.arflowTest.app().parameters())), params);
  assert.equal(await logP(other, 0.5, -0.3), probe);
  assert.match(other.url(), /data=8gaussians/);
  // A damaged file is refused and changes nothing.
  await other.setInputFiles('#model-file', { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved).slice(0, 500)) });
  await other.waitForFunction(() => /cut.json was not loaded/.test(document.getElementById('messages').textContent));
  assert.deepEqual(await other.evaluate(() => Array.from(window.arflowTest.app().parameters())), params);
  // The model in a link: opened, it has the same parameters.
  const link = await page.evaluate(async () => (await import('./www/model-io.js')).modelLink());
  assert.ok(link.fits, JSON.stringify(link).slice(0, 200));
  const third = (await open()).page;
  await third.goto(link.link.replace('#', '?test#'));
  await third.waitForFunction(() => /Loaded the model in the link/.test(document.getElementById('messages')?.textContent || ''));
  assert.deepEqual(await third.evaluate(() => Array.from(window.arflowTest.app().parameters())), params);
  for (const p of [page, other, third]) assert.match(await p.textContent('#worker-note'), /background worker/);
  // The dashboard as a PNG with the settings in a corner.
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  await png.saveAs(`${ARTEFACTS}dashboard-export.png`);
  const bytes = await readFile(`${ARTEFACTS}dashboard-export.png`);
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  // Panels of numbers are in it too: the probe's table and the costs' table, as text.
  await page.click('#heatmap');
  await page.waitForSelector('#probe table');
  const tiles = await page.evaluate(async () => {
    const { picture } = await import('./www/export.js');
    const ink = (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) n += d[i] < 120 && d[i + 1] < 120 && d[i + 2] < 120;
      return { h: c.height, ink: n };
    };
    return ['panel-probe', 'panel-cost'].map((id) => ink(picture([document.getElementById(id)], false)));
  });
  for (const t of tiles) assert.ok(t.h > 150 && t.ink > 2000, JSON.stringify(tiles));
  const [panel] = await Promise.all([page.waitForEvent('download'), page.click('#panel-loss h2 button.png')]);
  await panel.saveAs(`${ARTEFACTS}loss-export.png`);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-samples')]);
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'x1,x2');
  assert.ok(lines.length > 10 && lines.slice(1).every((l) => /^-?[\d.e-]+,-?[\d.e-]+$/.test(l)), lines.slice(0, 3).join('|'));
  await writeFile(`${ARTEFACTS}samples.csv`, lines.join('\n'));
  assert.deepEqual(errors, []);
});

test('a flow trained on a few points of its own overfits, and the status and the loss panel say so', async () => {
  const { page, errors } = await open();
  // 25 points on a ring: 20 to train on, 5 held out.
  const ring = Array.from({ length: 25 }, (_, i) => `${(2 * Math.cos(i * 0.77)).toFixed(3)},${(2 * Math.sin(i * 0.77)).toFixed(3)}`);
  await page.setInputFiles('#csv-file', { name: 'ring.csv', mimeType: 'text/csv', buffer: Buffer.from(ring.join('\n')) });
  await page.waitForFunction(() => /Imported 25 points/.test(document.getElementById('messages').textContent));
  await page.click('#play');
  // The status line, the words under the chart and the numbers, read at one moment.
  const seen = await (await page.waitForFunction(() => {
    const line = document.getElementById('status').textContent;
    if (!/overfitting since step \d+/.test(line)) return null;
    return { line, best: document.getElementById('best-text').textContent, s: JSON.parse(window.arflowTest.app().read('status')) };
  }, null, { polling: 200 })).jsonValue();
  await page.click('#play');
  const o = seen.s.overfitting;
  assert.ok(o && o.evaluations >= 3 && o.rise > 0, JSON.stringify(seen));
  assert.match(seen.line, new RegExp(`overfitting since step ${o.best_step}`));
  assert.match(seen.best, new RegExp(`at step ${o.best_step}.*Overfitting: the held-out NLL has stayed above its best`));
  await page.locator('#panel-loss').screenshot({ path: `${ARTEFACTS}overfitting.png` });
  assert.deepEqual(errors, []);
});
