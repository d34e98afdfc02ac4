// Keeping and sharing results: a PNG of any panel or of the whole dashboard (the settings
// printed in a corner), the samples and the user's points as CSV, the model as a JSON file
// (src/session/model_file.rs) and back, a link with the model in it where it fits, and
// undo. The App does the work; this moves files and links.
import { state, $, status } from './state.js';
import { message, megabytes, ticking } from './controls.js';
import { askWorker } from './worker-client.js';
import { MAX_LINK_MODEL, modelLink, openModelFile, wireModelIo } from './model-io.js';
import { panelTitle } from './help.js';

// `hooks.restart()` starts a new generation from the App as it now is (the worker is
// sent the model, the panels redrawn).
const exp = { hooks: null };

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

const stepNow = () => status().step;
const stamp = () => `step${stepNow()}`;


const TITLE = 26; // px above a tile's canvases for its title
const GAP = 18;

const ROW = 18; // px a line of a table or a read-out takes in a tile
const TEXT_FONT = '13px sans-serif';
const measure = document.createElement('canvas').getContext('2d');

// A visible table's rows as text cells (the probe's, the costs', the compare scores).
const cellText = (c) => {
  const jac = c.querySelector('.jac');
  return jac ? `[${[...jac.children].map((e) => e.textContent).join(' ')}]` : c.innerText.trim().replace(/\s+/g, ' ');
};
const tableRows = (t) => [...t.rows].map((r) => [...r.cells].map(cellText));
const visible = (el) => el.offsetParent !== null;

// Words wrapped to lines of at most `width` px.
function wrapPx(text, width) {
  measure.font = TEXT_FONT;
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

// One visible panel as it sits on the page, under its title: its canvases where they are,
// then its tables as text in columns and its read-outs (the captions that carry numbers),
// so a panel of numbers (the probe, the costs, the compare table) is in the picture too.
function tile(panel) {
  if (!visible(panel)) return null;
  const canvases = [...panel.querySelectorAll('canvas')].filter((c) => visible(c) && c.width > 0);
  const tables = [...panel.querySelectorAll('table')].filter((t) => visible(t) && t.rows.length).map(tableRows);
  const notes = [...panel.querySelectorAll('.caption.keep, .probe p.sum')].filter(visible)
    .map((p) => p.textContent.trim()).filter(Boolean);
  if (!canvases.length && !tables.length && !notes.length) return null;
  const rects = canvases.map((c) => c.getBoundingClientRect());
  const left = rects.length ? Math.min(...rects.map((r) => r.left)) : 0;
  const top = rects.length ? Math.min(...rects.map((r) => r.top)) : 0;
  measure.font = TEXT_FONT;
  const columns = tables.map((rows) => rows[0].map((_, j) => 16 + Math.max(...rows.map((r) => measure.measureText(r[j] ?? '').width))));
  const tableWidth = Math.max(0, ...columns.map((c) => c.reduce((a, b) => a + b, 0)));
  const w = Math.max(rects.length ? Math.max(...rects.map((r) => r.right)) - left : 0, Math.min(tableWidth, 960), 320);
  const lines = notes.flatMap((n) => wrapPx(n, w));
  const pictures = rects.length ? Math.max(...rects.map((r) => r.bottom)) - top : 0;
  const textHeight = ROW * (tables.reduce((n, t) => n + t.length + 1, 0) + lines.length);
  const h = TITLE + pictures + textHeight;
  const scale = Math.max(1, ...canvases.map((c, i) => c.width / rects[i].width));
  const draw = (g, x, y) => {
    g.fillStyle = '#222';
    g.font = 'bold 16px sans-serif';
    g.fillText(panelTitle(panel), x, y + 18);
    canvases.forEach((c, i) => g.drawImage(c, x + rects[i].left - left, y + TITLE + rects[i].top - top, rects[i].width, rects[i].height));
    let ty = y + TITLE + pictures + ROW;
    g.font = TEXT_FONT;
    tables.forEach((rows, t) => {
      rows.forEach((cells, i) => {
        g.fillStyle = i === 0 ? '#666' : '#222';
        let cx = x;
        cells.forEach((cell, j) => { g.fillText(cell, cx, ty); cx += columns[t][j]; });
        ty += ROW;
      });
      ty += ROW;
    });
    g.fillStyle = '#444';
    lines.forEach((line) => { g.fillText(line, x, ty); ty += ROW; });
  };
  return { w, h, scale, draw };
}

// Lines of at most `width` characters.
const wrap = (text, width) => text.match(new RegExp(`.{1,${width}}`, 'g')) || [];

// The visible panels' canvases as tiles in rows (at the canvases' own resolution, on
// white); with `withText`, the status line and the settings in the bottom corner.
export function picture(panels, withText) {
  const tiles = panels.map(tile).filter(Boolean);
  const width = Math.max(960, ...tiles.map((t) => t.w));
  const rows = [];
  for (const t of tiles) {
    const row = rows[rows.length - 1];
    if (row && row.w + GAP + t.w <= width) {
      row.tiles.push(t);
      row.w += GAP + t.w;
      row.h = Math.max(row.h, t.h);
    } else rows.push({ tiles: [t], w: t.w, h: t.h });
  }
  const text = withText ? [...wrap(`arflow · ${$('status').textContent}`, 130), ...wrap(`#${state.app.hash()}`, 130)] : [];
  const scale = Math.max(1, ...tiles.map((t) => t.scale));
  const height = rows.reduce((sum, r) => sum + r.h + GAP, 0) + 18 * text.length;
  const out = document.createElement('canvas');
  out.width = Math.ceil((width + 2 * GAP) * scale);
  out.height = Math.ceil((height + GAP) * scale);
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.scale(scale, scale);
  let y = GAP;
  for (const r of rows) {
    let x = GAP;
    for (const t of r.tiles) {
      t.draw(g, x, y);
      x += t.w + GAP;
    }
    y += r.h + GAP;
  }
  g.fillStyle = '#444';
  g.font = '12px monospace';
  text.forEach((line, i) => g.fillText(line, GAP, y + 12 + 18 * i));
  return out;
}

function savePicture(panels, name, withText) {
  picture(panels, withText).toBlob((blob) => download(`arflow-${name}-${stamp()}.png`, blob), 'image/png');
}

// A PNG button on every panel with a canvas.
function addPanelButtons() {
  for (const panel of document.querySelectorAll('section.panel')) {
    if (!panel.querySelector('canvas')) continue;
    const b = document.createElement('button');
    b.className = 'png';
    b.textContent = 'PNG';
    b.title = 'Save this panel as a PNG picture';
    b.addEventListener('click', () => savePicture([panel], panel.id.replace('panel-', ''), false));
    panel.querySelector('h2').append(b);
  }
}

async function exportModel() {
  // The worker has Adam's state (and writes the file off the page's thread); the page
  // only the parameters.
  let file;
  if (state.worker) {
    const stop = ticking('Writing the model file in the training worker');
    file = await askWorker('export').finally(stop);
    file = file.blob;
  } else {
    file = new Blob([state.app.export('model')], { type: 'application/json' });
  }
  const name = `arflow-model-${state.app.get('flow')}-${stamp()}.json`;
  download(name, file);
  message(`Saved ${name} (${megabytes(file.size)}).`);
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    $('share-note').textContent = `${what} copied.`;
  } catch {
    $('share-note').textContent = `${what}: ${text}`;
  }
}

export function undo() {
  if (!state.app.undo()) return;
  exp.hooks.restart({ params: state.app.parameters(), progress: state.app.whole_progress(), event: state.app.event() });
  message(`Back to the model of step ${stepNow()} (Undo again returns to the one you left).`);
}

export function wireExport(hooks) {
  exp.hooks = hooks;
  wireModelIo(hooks);
  addPanelButtons();
  for (const [id, notebook, ext, type] of [['export-python', false, 'py', 'text/x-python'], ['export-notebook', true, 'ipynb', 'application/x-ipynb+json']]) {
    $(id).addEventListener('click', () => {
      const text = state.app.python(`${location.origin}${location.pathname}`, notebook);
      download(`arflow-${state.app.get('flow')}-${stamp()}.${ext}`, new Blob([text], { type }));
    });
  }
  $('export-png').addEventListener('click', () => savePicture([...document.querySelectorAll('section.panel')], 'dashboard', true));
  $('export-samples').addEventListener('click', () => download(`arflow-samples-${stamp()}.csv`, new Blob([state.app.export('samples')], { type: 'text/csv' })));
  $('export-points').addEventListener('click', () => download('arflow-points.csv', new Blob([state.app.export('points')], { type: 'text/csv' })));
  $('export-model').addEventListener('click', () => exportModel().catch((e) => message(`The model could not be saved (${e.message}).`, 'warn')));
  $('import-model').addEventListener('click', () => $('model-file').click());
  $('model-file').addEventListener('change', async () => {
    const file = $('model-file').files[0];
    $('model-file').value = '';
    if (file) await openModelFile(file);
  });
  $('copy-link').addEventListener('click', () => copy(location.href, 'Link to these settings'));
  $('copy-model-link').addEventListener('click', async () => {
    const r = await modelLink();
    if (r.fits) await copy(r.link, 'Link with the model');
    else $('share-note').textContent = `This model needs ${r.length} characters, more than a link should hold (${MAX_LINK_MODEL}): use Save model and share the file.`;
  });
  $('undo').addEventListener('click', undo);
}
