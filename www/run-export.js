// The benchmark pages (bench.html, sweep.html): runs the wasm export named by the page's
// `body[data-export]` on the address hash (the page's settings) for `?steps=N` steps (the
// page's `data-steps` by default), prints its JSON and marks the page done.
import { loadEngine } from './engine.js';

const engine = await loadEngine();
const { export: name, steps: byDefault } = document.body.dataset;
const steps = Number(new URLSearchParams(location.search).get('steps') || byDefault);
const result = JSON.parse(engine.module[name](location.hash, steps));
result.engine = engine.name;
document.getElementById('out').textContent = JSON.stringify(result);
document.body.dataset.done = '1';
