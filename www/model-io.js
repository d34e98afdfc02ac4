// Models in and out of the page: model files read (the large ones checked apart first, in
// a worker of their own: model-check.js) and links that carry a model, written and read
// within budgets. The App does the reading (src/session/model_file.rs); this moves text.
import { state, status } from './state.js';
import { message, megabytes, ticking } from './controls.js';
import { make, TO_CHECKER } from './protocol.js';
import { fromBase64, toBase64 } from './base64.js';

// Longest model blob a shared link carries (characters of base64url): links much longer
// than this break in mail and chat programs.
export const MAX_LINK_MODEL = 16000;
// Most bytes a link's model may inflate to: a model that fits in a link inflates to a few
// times its length, and a deflate bomb stops here, before the page holds more.
export const MAX_LINK_TEXT = 1 << 20;
const MODEL_KEY = '&model=';

// `io.hooks.restart()` starts a new generation from the App as it now is.
// `io.opened` counts the large files whose head the App opened.
const io = { hooks: null, opened: 0 };
const stepNow = () => status().step;

export function wireModelIo(hooks) {
  io.hooks = hooks;
}

// Model files over this many bytes are read first by a checker of their own
// (model-check.js), off the page's thread and out of its memory.
const CHECK_APART = 1 << 20;

// Whether the model file `bytes` (UTF-8, transferred) reads, from a checker worker:
// `{ why }` ('' if it does), what the page's App reads instead of the text (the file's
// `head` without Adam's state, and its `parameters`) and the `bytes` handed back.
function check(bytes) {
  return new Promise((done) => {
    const checker = new Worker(new URL(`./model-check.js${location.search}`, import.meta.url), { type: 'module' });
    const end = (why, data = {}) => {
      checker.terminate();
      done({ why, head: data.head ? new TextDecoder().decode(data.head) : '', parameters: data.parameters, bytes: data.bytes });
    };
    checker.onmessage = ({ data }) => end(data.message, data);
    checker.onerror = (e) => {
      e.preventDefault();
      end(`the checker failed (${e.message || 'its script did not load'})`);
    };
    checker.postMessage(make(TO_CHECKER, 'check', { bytes }), [bytes.buffer]);
  });
}

const refuse = (name, why) => {
  message(`${name} was not loaded: ${why}. Nothing changed.`, 'warn');
  return false;
};

// The model `read()` put in the App goes to the training worker (`model`: the file's text
// or UTF-8 bytes, transferred); the page says so.
function loaded(name, model, transfer = []) {
  io.hooks.restart({ model }, transfer);
  message(`Loaded ${name}: step ${stepNow()} (Undo brings back the model you had).`);
  return true;
}

// A model file's (or a link's) text replaces the model; a refused one changes nothing.
export function importModel(text, name) {
  if (text.length > CHECK_APART) return refuse(name, `it has ${text.length} characters; model files this large are read from a file`);
  try {
    state.app.import_model(text);
  } catch (e) {
    return refuse(name, e.message);
  }
  return loaded(name, text);
}

// A large model file's bytes: checked apart first, so that only a file that reads reaches
// the page's App, which then takes the checker's numbers (no text to parse again) while
// the training worker takes the bytes. The page never holds the file as a string.
async function importLarge(file) {
  const stop = ticking(`Reading ${file.name} (${megabytes(file.size)}) apart from the page`);
  const { why, head, parameters, bytes } = await check(new Uint8Array(await file.arrayBuffer())).finally(stop);
  if (why) return refuse(file.name, why);
  try {
    // Adam's state is the training worker's; a page that trains itself keeps it. The
    // head and the numbers go in in two tasks (building the largest flow is half the work).
    if (state.worker) {
      const mine = ++io.opened;
      state.app.open_model(head);
      await new Promise((next) => setTimeout(next, 0));
      if (io.opened !== mine) return refuse(file.name, 'another model file was opened meanwhile');
      state.app.import_opened(parameters);
    } else {
      state.app.import_model(new TextDecoder().decode(bytes));
    }
  } catch (e) {
    return refuse(file.name, e.message);
  }
  return loaded(file.name, bytes, [bytes.buffer]);
}

function fromBase64Url(text) {
  try {
    return fromBase64(text, true);
  } catch {
    throw new Error('its data is not base64url text');
  }
}

// `bytes` inflated (raw deflate) as UTF-8 text, refused past `most` bytes: the stream is
// read a piece at a time and cancelled there, so a bomb never inflates whole.
async function inflate(bytes, most) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    let r;
    try {
      r = await reader.read();
    } catch {
      throw new Error('its data is damaged or cut short');
    }
    if (r.done) break;
    size += r.value.length;
    if (size > most) {
      reader.cancel().catch(() => {});
      throw new Error(`it inflates to more than ${most} bytes, far more than a model a link holds`);
    }
    parts.push(r.value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await new Blob(parts).arrayBuffer());
  } catch {
    throw new Error('its data is not text');
  }
}

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

// The settings and the model (no history) deflated into the link, where it fits.
export async function modelLink() {
  const packed = await pipe(new TextEncoder().encode(state.app.export('link-model')), new CompressionStream('deflate-raw'));
  const blob = toBase64(packed, true);
  if (blob.length > MAX_LINK_MODEL) return { fits: false, length: blob.length };
  return { fits: true, link: `${location.origin}${location.pathname}#${state.app.hash()}${MODEL_KEY}${blob}` };
}

// A link's hash without its model, and the model's text (or null).
export function splitModel(hash) {
  const at = hash.indexOf(MODEL_KEY);
  return at < 0 ? [hash, null] : [hash.slice(0, at), hash.slice(at + MODEL_KEY.length)];
}

// A model file chosen or dropped: one larger than any the page writes (the App's
// `limits.model_bytes`) is refused unread, a large one is checked apart.
export async function openModelFile(file) {
  const most = JSON.parse(state.app.read('limits')).model_bytes;
  if (file.size > most) return refuse(file.name, `it has ${file.size} bytes; the page reads model files of up to ${most}`);
  if (file.size > CHECK_APART) return importLarge(file);
  return importModel(await file.text(), file.name);
}

export async function loadLinkModel(blob) {
  try {
    if (blob.length > MAX_LINK_MODEL) throw new Error(`it is ${blob.length} characters, more than a link the page writes holds (${MAX_LINK_MODEL})`);
    const text = await inflate(fromBase64Url(blob), MAX_LINK_TEXT);
    await importModel(text, 'the model in the link');
  } catch (e) {
    message(`The model in the link could not be read (${e.message}); the settings were loaded without it.`, 'warn');
  }
}
