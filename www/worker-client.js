// The page's side of the training worker (worker.js), supervised: it trains full-time with
// its own App and posts parameters and progress (the codec of src/session/codec.rs); this
// thread only draws. A worker that crashes or falls silent is replaced by a new one that
// carries on from the last parameters the page has; after MAX_RESTARTS, or when a worker
// cannot start or load its engine, training moves to this thread (frame.js) and the
// Compute box says so.
import { state, $, status } from './state.js';
import { message } from './controls.js';
import { showCosts } from './views.js';
import { awaitDimensionCost, showDimensionCost } from './dimension-cost.js';
import { answer, dispatch, make, FROM_WORKER, TO_WORKER } from './protocol.js';

// The page pings every PING_MS; a worker silent for longer than its deadline is dead. The
// deadline covers its longest work between two messages (a step or an evaluation, in
// multiply-adds: the status's work_macs) at a speed well below a slow, loaded machine's.
const PING_MS = 1000;
const SILENCE_MS = 10000;
const SLOWEST_MACS_PER_MS = 3e5;
const MAX_RESTARTS = 2;

const watch = { lastHeard: 0, restarts: 0, timer: 0, hooks: null, here: false, pings: 0, waiting: new Map() };

// Sends the message `type` (protocol.js) with `fields`, about the current flow.
export function toWorker(type, fields = {}, transfer = []) {
  if (state.worker) state.worker.postMessage(make(TO_WORKER, type, { gen: state.gen, ...fields }), transfer);
}

// Resolves once the worker has answered everything sent before (its messages arrive in
// order), or at once without a worker.
export function pingWorker() {
  if (!state.worker) return Promise.resolve();
  watch.pings += 1;
  const id = watch.pings;
  return new Promise((ok) => {
    watch.waiting.set(id, ok);
    toWorker('ping', { id });
  });
}

// Resolves with the worker's answer to the message `type` (one it answers with the same id).
export function askWorker(type) {
  watch.pings += 1;
  const id = watch.pings;
  return new Promise((ok) => {
    watch.waiting.set(id, ok);
    toWorker(type, { id });
  });
}

const capital = (s) => s[0].toUpperCase() + s.slice(1);

// The threads that train for the Compute box's choice: 'auto' is one per core but the
// page's own, at most four, where there are more than two cores; else one.
function threadsFor(choice) {
  if (choice !== 'auto') return Number(choice);
  const cores = navigator.hardwareConcurrency || 1;
  return cores > 2 ? Math.min(4, cores - 1) : 1;
}

// Trains on the threads `choice` asks for (the worker's helpers follow).
export function chooseThreads(choice) {
  state.threads = threadsFor(choice);
  toWorker('threads', { n: state.threads });
  writeWorkerNote();
}

// The Compute box's note: the threads asked for, and the last helper replaced, if any.
function writeWorkerNote() {
  if (watch.here) return;
  const base = `Training: in a background worker, on ${state.threads} thread${state.threads > 1 ? 's (each computes a share of every batch)' : ''}.`;
  $('worker-note').textContent = state.helperNote ? `${base} ${capital(state.helperNote)}.` : base;
}

function deadline() {
  return SILENCE_MS + status().work_macs / SLOWEST_MACS_PER_MS;
}

// An answer to a message sent with an id (pingWorker, askWorker).
const answered = (m) => answer(watch.waiting, m.id, m);

const heard = {
  pong: answered,
  model: answered,
  failed: (m) => trainHere(`the training worker could not load its engine (${m.message})`),
  error: (m) => replace(`training in the worker stopped: ${m.message}`),
  cost(m) {
    if (m.gen === state.gen) showCosts(m.json);
  },
  dimensions(m) {
    if (m.gen === state.gen) showDimensionCost(m.values);
  },
  state(m) {
    state.workerMemory = m.memory;
    state.trainThreads = m.threads;
    if (m.helpers !== state.helperNote) {
      state.helperNote = m.helpers;
      writeWorkerNote();
    }
    if (m.gen !== state.gen) return;
    state.app.absorb(m.params, m.progress, m.event);
    watch.hooks.onState();
  },
};

function hear(m) {
  watch.lastHeard = performance.now();
  dispatch(FROM_WORKER, heard, m);
}

// A new worker, sent the message `type` with `fields` first.
function spawn(type, fields = {}) {
  try {
    const url = new URL(`./worker.js?engine=${state.engine.name}&threads=${state.threads}`, import.meta.url);
    state.worker = new Worker(url, { type: 'module' });
  } catch (e) {
    trainHere(`the training worker could not start (${e.message})`);
    return;
  }
  state.worker.onmessage = ({ data }) => hear(data);
  state.worker.onerror = (e) => {
    e.preventDefault();
    trainHere(`the training worker could not start (${e.message || 'its script failed to load'})`);
  };
  watch.lastHeard = performance.now();
  toWorker(type, fields);
  if (state.playing) toWorker('play', { on: true });
}

function stop() {
  if (state.worker) state.worker.terminate();
  state.worker = null;
  for (const ok of watch.waiting.values()) ok();
  watch.waiting.clear();
}

// Training moves to this thread for the rest of the session, from the last parameters.
function trainHere(why) {
  if (watch.here) return;
  watch.here = true;
  stop();
  clearInterval(watch.timer);
  state.app.resume();
  state.trainThreads = 1;
  $('worker-note').textContent = 'Training: on this page\'s thread, since the worker failed (see the message above).';
  showCosts(null);
  awaitDimensionCost(false);
  message(`${capital(why)}; training runs on this page's thread instead (slower; the page may stutter).`, 'warn');
  watch.hooks.onLost();
}

// A new worker carries on from the parameters and history the page has.
function replace(why) {
  stop();
  if (watch.restarts >= MAX_RESTARTS) {
    trainHere(`${why}, and it was restarted ${MAX_RESTARTS} times already`);
    return;
  }
  watch.restarts += 1;
  const step = status().step;
  message(`${capital(why)}. A new training worker carries on from step ${step} with the last parameters (its optimiser starts afresh).`, 'warn');
  spawn('init', {
    hash: state.app.hash(),
    points: state.app.points(),
    params: state.app.parameters(),
    progress: state.app.whole_progress(),
    event: state.app.event(),
  });
  // A cost measurement asked of the old worker may be lost with it.
  toWorker('cost');
}

function check() {
  if (!state.worker) return;
  const silent = performance.now() - watch.lastHeard;
  if (silent > deadline()) {
    replace(`the training worker stopped answering (silent for ${Math.round(silent / 1000)} s)`);
  } else {
    toWorker('ping');
  }
}

// Starts the worker (the page sends it an 'init' for each flow). `hooks.onState()` runs after a state message of the current flow was taken in;
// `hooks.onLost()` when training moved to this thread.
export function startWorker(hooks) {
  watch.hooks = hooks;
  spawn('ping');
  watch.timer = setInterval(check, PING_MS);
}
