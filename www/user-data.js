// The user's own points, page side: the brush on the density map (a click or drag adds
// points, or a stamp, or erases), clearing, CSV import through the file picker or a
// dropped file, and the points kept in local storage across reloads. The points live in
// the App (src/session/user_data.rs); this hands them to the worker and to storage.
import { state, $ } from './state.js';
import { message } from './controls.js';
import { toWorker } from './worker-client.js';
import { toData } from './views.js';
import { fromBase64, toBase64 } from './base64.js';

const STORAGE_KEY = 'arflow.points';
const MIN_POINTS = 20;
// A drag adds a dab every this many data units the pointer moves.
const DAB_EVERY = 0.08;

// `hooks.set(key, value)` sets a field as a control would; `hooks.redraw()` redraws.
const brush = { hooks: null, down: null, last: null, frame: 0 };

function tool() {
  return $('tool').value;
}

function spread() {
  return Number($('spread').value);
}

// Local storage may be missing, may throw on every call (storage disabled, a sandboxed
// frame, some private windows) or may be full. The points then last the session: the note
// under them says so until a save succeeds, and the page says it once as a message.
const kept = { unkept: '', told: false, timer: null };

// Removes the stored points, if storage lets us: a reload then brings back nothing older
// than what the note says was kept.
function forget() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch { /* storage unavailable: nothing stored either */ }
}

// Notes that the points are not kept, under them; the first time, returns the message
// that says so (else '').
function notKept(reason) {
  kept.unkept = `Not kept for your next visit: ${reason}; 'Points CSV' under Save and share keeps them.`;
  if (kept.told) return '';
  kept.told = true;
  return `Your points will not be kept for your next visit: ${reason}. Everything else works.`;
}

// The points as storage keeps them: 'f32:' and the base64 of their 32-bit floats, a
// tenth of the time JSON takes and a third of the room; JSON arrays (older pages) still read.
function encode(points) {
  return `f32:${toBase64(new Uint8Array(points.buffer, points.byteOffset, points.byteLength))}`;
}

function decode(text) {
  if (!text.startsWith('f32:')) {
    const list = JSON.parse(text);
    if (!Array.isArray(list)) throw new Error('not a list of numbers');
    return new Float32Array(list);
  }
  const bytes = fromBase64(text.slice(4));
  if (bytes.length % 4) throw new Error('the stored bytes are not 32-bit numbers');
  return new Float32Array(bytes.buffer);
}

function saveNow() {
  clearTimeout(kept.timer);
  kept.timer = null;
  const points = state.app.points();
  try {
    if (points.length) localStorage.setItem(STORAGE_KEY, encode(points));
    else localStorage.removeItem(STORAGE_KEY);
    kept.unkept = '';
  } catch (e) {
    forget();
    const full = e && e.name === 'QuotaExceededError';
    const told = notKept(full ? `the browser's storage for this page is full (${points.length / 2} points)` : `local storage is unavailable here (${e.message})`);
    if (told) message(told, 'warn');
  }
  describe();
}

// Strokes come many a second: the set is stored once drawing pauses (or the page is left),
// so a stroke's cost does not grow with the set. Until then what storage holds is older than
// the page's points, and nothing says they were kept.
const SAVE_AFTER_MS = 300;
function save() {
  clearTimeout(kept.timer);
  kept.timer = setTimeout(saveNow, SAVE_AFTER_MS);
}

// Brings back the points kept from the last visit; returns what the page should say about
// them ('' when nothing went wrong), for the start-up message.
export function restorePoints() {
  let text = null;
  let said = '';
  try {
    text = localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    said = notKept(`local storage is unavailable here (${e.message})`);
  }
  if (text) {
    try {
      state.app.set_points(decode(text));
    } catch (e) {
      forget();
      said = `Your saved points could not be read (${e.message}); they were cleared.`;
    }
  }
  describe();
  return said;
}

function describe() {
  const [drawn, set] = state.app.points_count();
  let text;
  if (!drawn && set) text = `No points drawn: training keeps the last ${set} until there are ${MIN_POINTS}.`;
  else if (!drawn) text = 'No points yet: draw some on the density map, or import a CSV.';
  else if (set === 0) text = `${drawn} points: ${MIN_POINTS - drawn} more and they become the data set "your points".`;
  else if (drawn < MIN_POINTS) text = `${drawn} points: training keeps the last ${set} until there are ${MIN_POINTS}.`;
  else text = `${drawn} points (a fifth held out for the test NLL; its entropy, the NLL's floor, is unknown).`;
  $('points-note').textContent = drawn && kept.unkept ? `${text} ${kept.unkept}` : text;
}

// The points came from elsewhere (a loaded model carries its own): keep and describe them.
export function pointsReplaced() {
  saveNow();
}

// After every change of the points: the worker learns them too, storage keeps them, and
// once there are enough they become the data set.
function changed() {
  const values = state.app.points();
  toWorker('points', { values }, [values.buffer]);
  save();
  describe();
  const [, set] = state.app.points_count();
  if (set > 0 && state.app.get('data') !== 'drawn' && state.app.get('objective') === 'forward') {
    brush.hooks.set('data', 'drawn');
  }
  brush.hooks.redraw();
}

function apply(p) {
  try {
    if (tool() === 'erase') state.app.erase(p[0], p[1], 2 * spread());
    else state.app.stamp(tool(), brush.down[0], brush.down[1], p[0], p[1], spread());
  } catch (e) {
    message(e.message, 'warn');
  }
}

// While a stroke is drawn, its new points go on the density map once a frame (the App's
// 'stroke' draws only those); the whole map and the other panels follow when it ends.
function strokeFrame() {
  if (brush.frame) return;
  brush.frame = requestAnimationFrame(() => {
    brush.frame = 0;
    state.app.render('stroke');
  });
}

function setDrawing(on) {
  state.brush = on;
  state.app.set_drawing(on);
  $('brush').setAttribute('aria-pressed', String(on));
  $('brush').classList.toggle('on', on);
  $('heatmap').classList.toggle('drawing', on);
  brush.hooks.redraw();
}

function wireBrush() {
  const c = $('heatmap');
  $('brush').addEventListener('click', () => setDrawing(!state.brush));
  c.addEventListener('pointerdown', (e) => {
    if (!state.brush) return;
    const p = toData(e);
    if (!p) return;
    c.setPointerCapture(e.pointerId);
    brush.down = p;
    brush.last = p;
    if (tool() !== 'line') apply(p);
    strokeFrame();
  });
  c.addEventListener('pointermove', (e) => {
    if (!state.brush || !brush.down) return;
    const p = toData(e);
    if (!p || !['dab', 'erase'].includes(tool())) return;
    if (Math.hypot(p[0] - brush.last[0], p[1] - brush.last[1]) < DAB_EVERY) return;
    brush.last = p;
    apply(p);
    strokeFrame();
  });
  const end = (e) => {
    if (!state.brush || !brush.down) return;
    const p = toData(e) || brush.last;
    if (tool() === 'line') apply(p);
    brush.down = null;
    changed();
  };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', () => { brush.down = null; changed(); });
  $('clear-points').addEventListener('click', () => {
    state.app.set_points(new Float32Array(0));
    changed();
  });
}

// A CSV file's points replace the user's; a refused file changes nothing.
export async function importCsv(file) {
  // Too large a file is refused before it is read: it never takes the page's memory.
  const most = JSON.parse(state.app.read('limits')).csv_bytes;
  if (file.size > most) {
    const mb = (n) => (n / 1048576).toFixed(1);
    message(`${file.name} was not imported: the file has ${mb(file.size)} MB; at most ${mb(most)} MB can be read. Your points are as they were.`, 'warn');
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let words;
  try {
    words = state.app.import_csv(bytes, $('csv-skip').checked, $('csv-fit').checked);
  } catch (e) {
    message(`${file.name} was not imported: ${e.message}. Your points are as they were.`, 'warn');
    return;
  }
  // Making them the data set clears the messages: this one comes after.
  changed();
  message(`${file.name}: ${words}`);
}

export function wireUserData(hooks) {
  brush.hooks = hooks;
  const flush = () => { if (kept.timer) saveNow(); };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.hidden) flush(); });
  wireBrush();
  $('import-csv').addEventListener('click', () => $('csv-file').click());
  $('csv-file').addEventListener('change', async () => {
    const file = $('csv-file').files[0];
    $('csv-file').value = '';
    if (file) await importCsv(file);
  });
}
