// The controls: built from the settings table (names, options and limits come from the wasm
// export, not from HTML), read and written by field name, and the one handler every control
// shares: set the field, write the hash, rebuild or update.
import { state, $ } from './state.js';
import { showPresentation } from './present.js';

// Characters that reorder or hide the text around them (bidirectional embeddings,
// overrides, isolates and marks): a message shows none, whatever it quotes.
const HIDING = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
// The longest message shown: the engine cuts what it quotes, this is the last guard (a
// browser's own error text can quote an input).
const MESSAGE_CHARS = 1000;

export function message(text, kind = 'note') {
  const box = $('messages');
  box.replaceChildren();
  if (!text) return;
  text = text.replace(HIDING, '');
  if (text.length > MESSAGE_CHARS) text = `${text.slice(0, MESSAGE_CHARS)}\u2026`;
  const p = document.createElement('p');
  p.className = kind;
  p.textContent = text;
  box.append(p);
  toast(box, text, kind);
}

// A note of work under way, `text… N s` with the seconds so far, until `stop()` (the
// returned function); a message said after that replaces it.
export function ticking(text) {
  const started = performance.now();
  const say = () => message(`${text}\u2026 ${Math.floor((performance.now() - started) / 1000)} s`);
  say();
  const timer = setInterval(say, 1000);
  return () => clearInterval(timer);
}

// Megabytes of `bytes` as the messages say them: '2.9 MB', '118 MB'.
export const megabytes = (bytes) => (bytes < 1e7 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e6)} MB`);

// A message box scrolled out of view (the user is down at the file buttons, say) is echoed
// at the foot of the window for a few seconds, so an answer never lands off screen.
let toastTimer = 0;
function toast(box, text, kind) {
  const t = $('toast');
  const r = box.getBoundingClientRect();
  if (r.bottom > 0 && r.top < innerHeight) return;
  t.textContent = text;
  t.className = `toast ${kind}`;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 8000);
}

export function errorFor(id, text) {
  const span = $(`err-${id}`);
  if (span) span.textContent = text || '';
}

function readControl(id) {
  const el = $(id);
  return el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value;
}

export function writeControls() {
  for (const { name } of state.fields) {
    const el = $(name);
    const v = state.app.get(name);
    if (el.type === 'checkbox') el.checked = v === '1'; else el.value = v;
    errorFor(name, '');
  }
  // Parts that belong to one data space (toy, digits), one objective (forward, reverse),
  // one transform (affine, spline) or one data set (drawn: the user's points). The digits
  // have no objective or data set to choose; panels that need a 2-D flow (flat2d) keep
  // only their heading and the reason they are empty (style.css).
  const digits = state.app.get('space') === 'digits';
  const shown = digits
    ? ['digits', state.app.get('transform')]
    : ['toy', state.app.get('objective'), state.app.get('transform'), state.app.get('data')];
  for (const el of document.querySelectorAll('[data-show]')) {
    el.hidden = !shown.includes(el.dataset.show);
  }
  document.body.classList.toggle('digits', digits);
  showPresentation();
}

export function writeHash() {
  history.replaceState(null, '', `#${state.app.hash()}`);
}

// Limits in words for a control's tooltip.
function limits(f) {
  if (f.kind === 'whole') return `${f.min} to ${f.max}`;
  if (f.kind === 'widths') return `up to ${f.depth} widths of 1 to ${f.width}; none = no hidden layer`;
  if (f.kind === 'names') return `comma-separated, any of: ${f.names.join(', ')}`;
  if (f.kind === 'number') return f.zero ? `0 = off, or ${f.min} to ${f.max}` : `${f.min} to ${f.max}`;
  return '';
}

// Fills each control from its row of the table: a select's options, the limits in its
// tooltip. Numbers are text inputs, so that a refused value is quoted as it was typed.
function build(f) {
  const el = $(f.name);
  if (f.kind === 'choice') {
    el.replaceChildren(...f.options.map(([value, label]) => new Option(label, value)));
  }
  const words = limits(f);
  if (words) el.title = el.title ? `${el.title} (${words})` : words;
  const span = document.createElement('span');
  span.className = 'err';
  span.id = `err-${f.name}`;
  span.setAttribute('role', 'alert');
  (el.closest('label') || el).after(span);
}

// `on(change)` runs after a field was set: 'rebuild', 'live' or 'view'.
export function wireControls(on) {
  state.fields = JSON.parse(state.engine.module.settings_fields());
  for (const f of state.fields) {
    build(f);
    $(f.name).addEventListener('change', () => {
      let change;
      try {
        change = state.app.set(f.name, readControl(f.name));
      } catch (e) {
        errorFor(f.name, e.message);
        // A refused tick is taken back (a refused text stays, so the message quotes it).
        if ($(f.name).type === 'checkbox') $(f.name).checked = state.app.get(f.name) === '1';
        return;
      }
      errorFor(f.name, '');
      writeHash();
      on(change);
    });
  }
}
