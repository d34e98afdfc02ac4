// The training worker's helper threads (helper.js): with more than one thread, each step's
// batch is cut into chunks of 64 rows, dealt round-robin to this worker and its helpers,
// and the gradients come back by transfer and are summed in chunk order
// (src/session/helpers.rs), so the trajectory is the same whatever the number of threads. A
// helper that fails or falls silent is dropped and its chunks are computed here.
import { answer, dispatch, make, FROM_HELPER, TO_HELPER } from './protocol.js';

const SILENCE_MS = 10000;

const pool = { helpers: [], asked: 0, engine: '' };

// Threads that train: this one and the live helpers.
export function threadCount() {
  return 1 + pool.helpers.length;
}

function drop(h, why) {
  h.worker.terminate();
  pool.helpers = pool.helpers.filter((x) => x !== h);
  for (const done of h.waiting.values()) done(null);
  h.waiting.clear();
  console.warn(`a training helper stopped: ${why}`);
}

// `n` threads in all (this one included), for the wasm build `engine`.
export function setThreads(n, engine) {
  pool.engine = engine;
  while (pool.helpers.length > Math.max(0, n - 1)) drop(pool.helpers[pool.helpers.length - 1], 'fewer threads asked');
  while (pool.helpers.length < n - 1) {
    const url = new URL(`./helper.js?engine=${engine}`, import.meta.url);
    const h = { worker: new Worker(url, { type: 'module' }), waiting: new Map() };
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

// Resolves with a helper's answer (its chunks' gradients and losses), or null if it failed.
function ask(h, fields, transfer) {
  pool.asked += 1;
  const id = pool.asked;
  return new Promise((done) => {
    const timer = setTimeout(() => drop(h, `silent for ${SILENCE_MS / 1000} s`), SILENCE_MS);
    h.waiting.set(id, (r) => {
      clearTimeout(timer);
      done(r);
    });
    h.worker.postMessage(make(TO_HELPER, 'chunks', { ...fields, id }), transfer);
  });
}

// One step of `app` (begun with begin_step) shared with the helpers, ended.
export async function sharedStep(app) {
  const n = app.step_chunks();
  const threads = threadCount();
  const hash = app.hash();
  const asks = pool.helpers.map((h, j) => {
    const which = [];
    for (let i = j + 1; i < n; i += threads) which.push(i);
    if (!which.length) return null;
    const [batch, theta] = [app.step_batch(), app.step_parameters()];
    return ask(h, { hash, batch, theta, which }, [batch.buffer, theta.buffer]).then((r) => [which, r]);
  }).filter(Boolean);
  for (let i = 0; i < n; i += threads) app.compute_chunk(i);
  for (const [which, r] of await Promise.all(asks)) {
    which.forEach((i, k) => {
      if (r) app.put_chunk(i, r.losses[k], r.grads.subarray(k * r.len, (k + 1) * r.len));
      else app.compute_chunk(i);
    });
  }
  app.end_step();
}
