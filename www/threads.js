// The training worker's helper threads (helper.js): with more than one thread, each step's
// batch is cut into chunks of 64 rows, dealt round-robin to this worker and its helpers,
// and the gradients come back by transfer and are summed in chunk order
// (src/session/helpers.rs), so the trajectory is the same whatever the number of threads.
// Helpers are not trusted: one that fails, sends a wrong-sized or non-finite gradient, or
// falls silent is dropped, its chunks computed here, and a new one takes its place (up to
// MAX_REPLACED times); `helperNote()` names the last one replaced and why.
import { answer, dispatch, make, FROM_HELPER, TO_HELPER } from './protocol.js';

// A helper's first answer (its engine loads first) may take this long.
const FIRST_ANSWER_MS = 10000;
// After that, a helper is silent once it is this many times later than this thread took
// for its own share of the step, and at least SILENT_MIN_MS late.
const SILENT_FACTOR = 8;
const SILENT_MIN_MS = 250;
const MAX_REPLACED = 50;

const pool = { helpers: [], asked: 0, engine: '', wanted: 1, made: 0, replaced: 0, note: '' };

// Threads that train: this one and the live helpers.
export function threadCount() {
  return 1 + pool.helpers.length;
}

// What the last replaced helper did ('' if none was).
export function helperNote() {
  return pool.note;
}

function drop(h, why) {
  if (!pool.helpers.includes(h)) return;
  h.worker.terminate();
  pool.helpers = pool.helpers.filter((x) => x !== h);
  for (const done of h.waiting.values()) done(null);
  h.waiting.clear();
  console.warn(`training helper ${h.n} stopped: ${why}`);
}

// Drops a helper that misbehaved and starts another in its place.
function replace(h, why) {
  if (!pool.helpers.includes(h)) return;
  drop(h, why);
  if (pool.replaced >= MAX_REPLACED) {
    pool.note = `helper ${h.n} stopped (${why}); after ${MAX_REPLACED} replaced, no more are started`;
    return;
  }
  pool.replaced += 1;
  pool.note = `helper ${h.n} was replaced: ${why}`;
  grow();
}

// `n` threads in all (this one included), for the wasm build `engine`.
export function setThreads(n, engine) {
  pool.engine = engine;
  pool.wanted = n;
  while (pool.helpers.length > Math.max(0, n - 1)) drop(pool.helpers[pool.helpers.length - 1], 'fewer threads asked');
  grow();
}

function grow() {
  while (pool.helpers.length < pool.wanted - 1) {
    const url = new URL(`./helper.js?engine=${pool.engine}`, import.meta.url);
    pool.made += 1;
    const h = { worker: new Worker(url, { type: 'module' }), waiting: new Map(), n: pool.made, answered: false };
    h.worker.onmessage = ({ data }) => dispatch(FROM_HELPER, {
      gradients: (m) => answer(h.waiting, m.id, m),
      error(m) {
        answer(h.waiting, m.id, null);
        drop(h, m.message);
      },
      failed: (m) => drop(h, m.message),
    }, data);
    h.worker.onerror = (e) => {
      e.preventDefault();
      drop(h, e.message || 'its script failed');
    };
    pool.helpers.push(h);
  }
}

// Resolves with a helper's answer (its chunks' gradients and losses), or null if it failed
// or fell silent. `h.hurry(ms)` shortens the wait once this thread has done its share.
function ask(h, fields, transfer) {
  pool.asked += 1;
  const id = pool.asked;
  const asked = performance.now();
  return new Promise((done) => {
    let timer = null;
    const wait = (ms) => {
      clearTimeout(timer);
      timer = setTimeout(() => replace(h, `silent for ${Math.round(performance.now() - asked)} ms`), ms);
    };
    wait(FIRST_ANSWER_MS);
    h.hurry = (ms) => { if (h.answered) wait(ms); };
    h.waiting.set(id, (r) => {
      clearTimeout(timer);
      h.answered = true;
      h.hurry = null;
      done(r);
    });
    h.worker.postMessage(make(TO_HELPER, 'chunks', { ...fields, id }), transfer);
  });
}

// Chunk `k` of a helper's answer `r` for chunk `i`, put into the step; a malformed one is
// computed here and its helper replaced.
function put(app, h, r, i, k) {
  const len = Number.isInteger(r.len) && r.len >= 0 ? r.len : 0;
  const grads = r.grads instanceof Float32Array ? r.grads.subarray(k * len, (k + 1) * len) : new Float32Array(0);
  const loss = r.losses instanceof Float64Array || Array.isArray(r.losses) ? Number(r.losses[k]) : NaN;
  const fault = app.put_chunk(i, loss, grads);
  if (fault) replace(h, `it sent ${fault}`);
}

// One step of `app` (begun with begin_step) shared with the helpers, ended.
export async function sharedStep(app) {
  const n = app.step_chunks();
  const threads = threadCount();
  const hash = app.hash();
  const helpers = [...pool.helpers];
  const asks = helpers.map((h, j) => {
    const which = [];
    for (let i = j + 1; i < n; i += threads) which.push(i);
    if (!which.length) return null;
    const [batch, theta] = [app.step_batch(), app.step_parameters()];
    return ask(h, { hash, batch, theta, which }, [batch.buffer, theta.buffer]).then((r) => [h, which, r]);
  }).filter(Boolean);
  const start = performance.now();
  for (let i = 0; i < n; i += threads) app.compute_chunk(i);
  const own = performance.now() - start;
  for (const h of helpers) h.hurry?.(Math.max(SILENT_MIN_MS, SILENT_FACTOR * own));
  for (const [h, which, r] of await Promise.all(asks)) {
    which.forEach((i, k) => {
      if (r) put(app, h, r, i, k);
      else app.compute_chunk(i);
    });
  }
  app.end_step();
}
