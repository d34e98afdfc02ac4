// threads-bench.html: the training worker's speed on 1, 2 and 4 threads, and the cost of
// one gradient hand-over from a helper (its round trip less the chunk's computation here).
import { loadEngine } from './engine.js';
import { make, TO_HELPER, TO_WORKER } from './protocol.js';

const engine = await loadEngine();
const query = new URLSearchParams(location.search);
const ms = Number(query.get('ms') || 8000);
const hash = location.hash.slice(1);
const app = new engine.module.App(hash);
const sleep = (t) => new Promise((ok) => setTimeout(ok, t));

// With `?target=V`, the seconds from Play until the test metric first reaches V.
const target = query.has('target') ? Number(query.get('target')) : null;

// Steps per second of the training worker on `threads` threads, after a second's warm-up
// (and the seconds to the target metric, if one was asked for: the run lasts until then).
async function speed(threads) {
  const worker = new Worker(new URL(`./worker.js?engine=${engine.name}&threads=${threads}`, import.meta.url), { type: 'module' });
  const seen = [];
  let played = 0;
  let reached = null;
  worker.onmessage = ({ data: m }) => {
    if (m.type !== 'state') return;
    app.absorb(m.params, m.progress, m.event);
    const s = JSON.parse(app.read('status'));
    seen.push([performance.now(), s.step, m.threads]);
    if (target !== null && reached === null && s.metric !== null && s.metric <= target) {
      reached = { seconds: (performance.now() - played) / 1000, step: s.step };
    }
  };
  worker.postMessage(make(TO_WORKER, 'init', { gen: 0, hash }));
  await new Promise((ok) => { worker.addEventListener('message', ok, { once: true }); });
  played = performance.now();
  worker.postMessage(make(TO_WORKER, 'play', { on: true, gen: 0 }));
  await sleep(1000);
  const from = seen.length;
  await sleep(ms);
  while (target !== null && reached === null && performance.now() - played < 120000) await sleep(100);
  worker.terminate();
  const [t0, s0] = seen[from];
  const [t1, s1, live] = seen[seen.length - 1];
  app.load(hash);
  return { threads, live, steps_per_second: (s1 - s0) / ((t1 - t0) / 1000), reached };
}

// The mean time of `f` (ms) over `runs` runs one after another (the clock's resolution is
// too coarse to time one).
async function mean(runs, f) {
  const t = performance.now();
  for (let i = 0; i < runs; i += 1) await f();
  return (performance.now() - t) / runs;
}

// A helper's round trip for one chunk, against the same chunk computed here.
async function handOver() {
  const helper = new Worker(new URL(`./helper.js?engine=${engine.name}`, import.meta.url), { type: 'module' });
  app.begin_step();
  const [batch, theta] = [app.step_batch(), app.step_parameters()];
  let id = 0;
  const ask = (which) => new Promise((ok) => {
    id += 1;
    helper.onmessage = ({ data }) => ok(data);
    helper.postMessage(make(TO_HELPER, 'chunks', { id, hash, batch, theta, which }));
  });
  const floats = (await ask([0])).grads.length;
  await mean(20, () => ask([0]));
  const trip = await mean(500, () => ask([0]));
  const empty = await mean(500, () => ask([]));
  const here = await mean(500, () => app.compute_chunk(0));
  for (let i = 1; i < app.step_chunks(); i += 1) app.compute_chunk(i);
  app.end_step();
  helper.terminate();
  return { round_trip_ms: trip, empty_round_trip_ms: empty, chunk_here_ms: here, hand_over_ms: trip - here, gradient_floats: floats };
}

const result = { engine: engine.name, config: app.hash(), runs: [] };
for (const threads of [1, 2, 4]) result.runs.push(await speed(threads));
result.hand_over = await handOver();
document.getElementById('out').textContent = JSON.stringify(result);
document.body.dataset.done = '1';
