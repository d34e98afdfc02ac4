// The messages between the page, its training worker (worker.js) and the worker's helper
// threads (helper.js), each defined once: its type, its fields and its direction. Senders
// build every message with `make`, which refuses a type or a field that is not defined
// here; receivers dispatch with `dispatch`, one table of handlers each, and a message of a
// type they do not know is ignored with a logged warning (it never replaces a worker).
// Every message to the worker also carries `gen`, the generation of the flow it is about,
// which the worker echoes so that the page can drop the answers of a flow it left.

// Page -> training worker.
export const TO_WORKER = {
  // A new flow from the page's hash and points, carrying on from its parameters and
  // whole history (progress, event) after a replaced worker or an undo, or from a model file
  // (`model`: its text, or its UTF-8 bytes transferred).
  init: ['hash', 'points', 'params', 'progress', 'event', 'model'],
  settings: ['hash'], // the page's settings whole, each value validated there once
  points: ['values'], // the user's points, row-major
  reset: [],
  play: ['on'],
  step: [], // one step
  best: [], // back to the model with the lowest test metric so far
  threads: ['n'], // train on n threads (this one and n - 1 helpers)
  ping: ['id'], // answered by pong (the id, when given)
  cost: [], // answered by cost (the MAF/IAF timings of the worker's settings), then by dimensions
  export: ['id'], // answered by model
};

// Training worker -> page.
export const FROM_WORKER = {
  // Progress (src/session/codec.rs's codec), parameters and the last rollback of flow gen.
  // `threads` train now; `helpers` names the last helper replaced and why ('' if none).
  state: ['gen', 'progress', 'event', 'params', 'memory', 'threads', 'helpers'],
  pong: ['id'],
  cost: ['gen', 'json'],
  dimensions: ['gen', 'values'], // MAF and IAF at D = 2..64 (src/session/dimension_cost.rs, flat)
  model: ['id', 'blob'], // the model file (a Blob, made here: the page copies nothing), Adam's state included
  error: ['message'], // training failed
  failed: ['message'], // the engine did not load
};

// Training worker -> helper.
export const TO_HELPER = {
  chunks: ['id', 'hash', 'batch', 'theta', 'which'], // compute these chunks of a step
};

// Helper -> training worker.
export const FROM_HELPER = {
  gradients: ['id', 'grads', 'losses', 'len'], // the chunks' gradients, `len` floats each
  error: ['id', 'message'], // a computation failed
  failed: ['message'], // the engine did not load
};

// Page -> a model file's checker (model-check.js), started for one large file.
export const TO_CHECKER = {
  check: ['bytes'], // read this model file (UTF-8, transferred) as the page would
};

// Checker -> page.
export const FROM_CHECKER = {
  // '' if the file reads, else why not; if it reads, the file's head without Adam's state
  // (UTF-8 bytes) and its parameters (a Float32Array), for the page's App.import_model_with;
  // and the file's bytes handed back (for the training worker).
  checked: ['message', 'head', 'parameters', 'bytes'],
};

const NAMES = new Map([[TO_WORKER, 'to the worker'], [FROM_WORKER, 'from the worker'], [TO_HELPER, 'to a helper'], [FROM_HELPER, 'from a helper'],
  [TO_CHECKER, 'to a checker'], [FROM_CHECKER, 'from a checker']]);

// The message `type` of `direction` (one of the tables above) with `fields`.
export function make(direction, type, fields = {}) {
  const name = NAMES.get(direction);
  const allowed = direction[type];
  if (!allowed) throw new Error(`no message '${type}' goes ${name}`);
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k) && !(direction === TO_WORKER && k === 'gen'));
  if (extra.length) throw new Error(`the message '${type}' ${name} has no field ${extra.join(', ')}`);
  return { type, ...fields };
}

// Runs the handler of `m`'s type (or warns that there is none) and returns what it returns.
export function dispatch(direction, handlers, m) {
  const type = m && m.type;
  if (!Object.hasOwn(direction, type) || !handlers[type]) {
    console.warn(`ignored a message ${NAMES.get(direction)} of unknown type '${type}'`);
    return undefined;
  }
  return handlers[type](m);
}

// An error's text for a message (an Error's message, or whatever else was thrown).
export const errorText = (e) => String((e && e.message) || e);

// Resolves the promise waiting in `waiting` (a Map of id to resolver) for the answer `id`.
export function answer(waiting, id, value) {
  waiting.get(id)?.(value);
  waiting.delete(id);
}
