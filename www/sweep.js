// The default-settings sweep page (sweep.html): one training run of the page's engine.
import { loadEngine } from './engine.js';

const engine = await loadEngine();
const steps = Number(new URLSearchParams(location.search).get('steps') || 5000);
const result = JSON.parse(engine.module.train_run(location.hash, steps));
result.engine = engine.name;
document.getElementById('out').textContent = JSON.stringify(result);
document.body.dataset.done = '1';
