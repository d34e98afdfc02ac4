// arflow's page: controls, the animation loop and the URL hash. The wasm App owns the
// flow, the trainer and all drawing; this file only schedules work and wires controls.
// Training runs in a Web Worker (worker.js) with its own App when the browser allows,
// so the page's thread only draws; otherwise it is time-sliced here with the drawing.
import { loadEngine } from './engine.js';

const FIELDS = ['objective', 'data', 'target', 'flow', 'layers', 'hidden', 'order', 'scale',
  'lr', 'batch', 'clip', 'seed', 'overlay', 'layer', 'mdim', 'mhidden', 'morder', 'mdegrees'];
// Work per animation frame, in ms, shared between the density grid and training so that
// the heatmap refreshes about 6 times a second; every task stays below 50 ms.
const WORK_MS = 24;
const HEATMAP_PERIOD = [140, 170];
const PAUSED_GRID_BUDGET = 20;
const TRAIN_RES = 128;
const PAUSED_RES = 256;
const FIRST_RES = 64;
// A panel redraw while training every PANEL_PERIOD ms, in turns (renderNextPanel).
const PANEL_PERIOD = 100;
// The heatmap's resolution on the GPU, training or not.
const GPU_RES = 256;
const GPU_CONNECT_MS = 5000;

const $ = (id) => document.getElementById(id);
// The wasm build in use (engine.js) and its App class.
let engine;
let App;
let app;
// The backend: the wasm Gpu handle while the heatmap and samples come from WebGPU, null
// while they come from the CPU ("CPU only" ticked, or no working device). gpuHandle is
// the device, null when there is none or after it failed.
let gpu = null;
let gpuHandle = null;
let gpuBusy = false;
// Counts Resample clicks: GPU samples of older draws are dropped.
let draws = 0;
let playing = false;
let needFullGrid = true;
let lastPanels = 0;
let gridShare = 0.5;
let worker = null;
let gen = 0;
// With a worker the page's thread only draws: the grid gets most of each frame.
const WORKER_GRID_MS = 28;
let lastHeatmap = 0;
// Read by the end-to-end test: heatmap refresh times while training.
const stats = { heatmapIntervals: [], gpuGridMs: [] };
window.arflowStats = stats;

function message(text, kind = 'note') {
  const box = $('messages');
  box.replaceChildren();
  if (!text) return;
  const p = document.createElement('p');
  p.className = kind;
  p.textContent = text;
  box.append(p);
}

function errorFor(id, text) {
  const span = $(`err-${id}`);
  if (span) span.textContent = text || '';
}

function readControl(id) {
  const el = $(id);
  return el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value;
}

function writeControls() {
  for (const id of FIELDS) {
    const el = $(id);
    const v = app.get(id);
    if (el.type === 'checkbox') el.checked = v === '1'; else el.value = v;
    errorFor(id, '');
  }
  $('layer').max = app.get('layers');
  const objective = app.get('objective');
  for (const el of document.querySelectorAll('[data-show]')) {
    el.hidden = el.dataset.show !== objective;
  }
}

function writeHash() {
  history.replaceState(null, '', `#${app.hash()}`);
}

function renderStatic() {
  app.render_masks();
  $('layer-order').textContent = `(order: ${app.layer_order()})`;
  try {
    app.render_explorer();
    errorFor('mhidden', '');
  } catch (e) {
    errorFor('mhidden', e.message);
  }
}

function renderPanels() {
  app.render_samples();
  app.render_loss();
  app.render_composition();
  renderStatus();
  lastPanels = performance.now();
}

// While training, one panel per turn (samples, loss, composition), so that no frame draws
// all three: each stays well inside a frame even on a busy machine.
const PANEL_TURNS = ['render_samples', 'render_loss', 'render_composition'];
let panelTurn = 0;
function renderNextPanel() {
  app[PANEL_TURNS[panelTurn]]();
  panelTurn = (panelTurn + 1) % PANEL_TURNS.length;
  renderStatus();
  lastPanels = performance.now();
}

function fmt(v, digits = 3) {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function renderStatus() {
  const s = JSON.parse(app.status_json());
  const flow = app.get('flow').toUpperCase();
  const parts = [
    `step ${s.step}`,
    `${Math.round(s.steps_per_second)} steps/s`,
    `${s.metric_name} ${fmt(s.metric)}` + (s.floor !== null ? ` (floor ${fmt(s.floor)})` : ''),
  ];
  if (s.ess !== null) parts.push(`ESS ${fmt(100 * s.ess, 0)}%`);
  parts.push(`grid mass ${fmt(s.grid_mass)}` + (s.non_finite ? ` (${s.non_finite} non-finite)` : ''));
  parts.push(gpu ? `backend WebGPU (${gpu.name()})` : `backend CPU (${engine.label})`);
  parts.push(`${flow}: ${s.passes_density} MADE passes per density, ${s.passes_sample} per sample`);
  $('status').textContent = parts.join(' · ');
  if (s.event) message(`${s.event}. Lower the learning rate, or keep going: nothing was lost.`, 'warn');
}

function refreshAll() {
  writeControls();
  renderStatic();
  needFullGrid = true;
  // A coarse picture at once, the full resolution a slice at a time after it.
  app.grid_work(FIRST_RES, Infinity);
  app.render_heatmap();
  renderPanels();
}

// Every handler does the same three things: set the field, write the hash, rebuild or update.
function onControl(id) {
  let change;
  try {
    change = app.set(id, readControl(id));
  } catch (e) {
    errorFor(id, e.message);
    return;
  }
  errorFor(id, '');
  writeHash();
  if (change === 'rebuild') gen += 1;
  if (change !== 'view') toWorker({ type: 'set', key: id, value: readControl(id) });
  if (change === 'rebuild') {
    message('');
    refreshAll();
  } else if (change === 'view') {
    writeControls();
    renderStatic();
    app.render_heatmap();
  }
}

function setPlaying(on) {
  playing = on;
  toWorker({ type: 'play', on });
  $('play').innerHTML = on ? '&#10073;&#10073; Pause' : '&#9654; Play';
  $('play').classList.toggle('on', on);
  needFullGrid = !on;
}

function frame() {
  try {
    if (gpu) {
      gpuFrame();
    } else if (playing && worker) {
      if (performance.now() - lastPanels > PANEL_PERIOD) renderNextPanel();
      else if (app.grid_work(TRAIN_RES, WORKER_GRID_MS)) heatmapDone();
    } else if (playing) {
      if (performance.now() - lastPanels > PANEL_PERIOD) {
        renderNextPanel();
      } else {
        const gridMs = WORK_MS * gridShare;
        if (app.grid_work(TRAIN_RES, gridMs)) heatmapDone();
        app.train(WORK_MS - gridMs);
      }
    } else if (needFullGrid) {
      if (app.grid_work(PAUSED_RES, PAUSED_GRID_BUDGET)) {
        app.render_heatmap();
        renderStatus();
        needFullGrid = false;
      }
    }
  } catch (e) {
    showCrash(e);
    return;
  }
  requestAnimationFrame(frame);
}

// With WebGPU the grid and the display samples are computed on the device, one job at a
// time and never waited for; training stays in the worker (or here, time-sliced).
function gpuFrame() {
  if (playing && !worker) app.train(WORK_MS);
  if (playing && performance.now() - lastPanels > PANEL_PERIOD) renderNextPanel();
  if (!gpuBusy && (playing || needFullGrid)) gpuRefresh();
}

async function gpuRefresh() {
  gpuBusy = true;
  // Claim the request: a change while the job runs asks for another one.
  needFullGrid = false;
  const [handle, target, g, d] = [gpu, app, gen, draws];
  try {
    const t0 = performance.now();
    const logP = await handle.density(target, GPU_RES);
    stats.gpuGridMs.push(performance.now() - t0);
    if (stats.gpuGridMs.length > 200) stats.gpuGridMs.shift();
    const xs = await handle.samples(target);
    if (gpu !== handle || app !== target || gen !== g || draws !== d) return;
    app.take_density(GPU_RES, logP);
    app.take_samples(xs);
    heatmapDone();
    if (!playing) renderPanels();
  } catch (e) {
    if (gpu === handle) gpuFailed(e);
  } finally {
    gpuBusy = false;
  }
}

// A failure in the GPU path: the CPU computes for the rest of the session.
function gpuFailed(e) {
  gpu = null;
  gpuHandle = null;
  $('cpu-only').checked = true;
  $('cpu-only').disabled = true;
  app.drop_outside_samples();
  message(`WebGPU stopped working (${e && e.message || e}); the CPU computes the heatmap and samples for the rest of this session.`, 'warn');
  needFullGrid = true;
  renderPanels();
}

function useGpu(on) {
  gpu = on ? gpuHandle : null;
  if (!gpu) app.drop_outside_samples();
  needFullGrid = true;
  renderPanels();
}

// Asks the browser for WebGPU once; no adapter or an error leaves the CPU in charge,
// which the status line shows.
async function connectGpu() {
  try {
    const timeout = new Promise((resolve) => setTimeout(resolve, GPU_CONNECT_MS));
    gpuHandle = (await Promise.race([engine.module.gpu_connect(), timeout])) || null;
  } catch (e) {
    gpuHandle = null;
    console.info(`arflow: no WebGPU (${e && e.message || e}); computing on the CPU`);
  }
  $('cpu-only').disabled = !gpuHandle;
  if (!gpuHandle) $('backend-note').textContent = 'This browser offers no WebGPU adapter: everything runs on the CPU.';
  useGpu(!$('cpu-only').checked);
}

// Adapts the grid's share of each frame to keep the refresh period in HEATMAP_PERIOD.
function heatmapDone() {
  app.render_heatmap();
  const t = performance.now();
  const dt = t - lastHeatmap;
  lastHeatmap = t;
  if (dt > 2000) return;
  stats.heatmapIntervals.push(dt);
  if (stats.heatmapIntervals.length > 200) stats.heatmapIntervals.shift();
  if (worker) return;
  if (dt > HEATMAP_PERIOD[1]) gridShare = Math.min(0.85, gridShare + 0.05);
  if (dt < HEATMAP_PERIOD[0]) gridShare = Math.max(0.15, gridShare - 0.05);
}

function showCrash(e) {
  playing = false;
  if (!$('panic-message').textContent) $('panic-message').textContent = String(e && e.message || e);
  $('panic').hidden = false;
}

function wire() {
  for (const id of FIELDS) {
    const el = $(id);
    const span = document.createElement('span');
    span.className = 'err';
    span.id = `err-${id}`;
    span.setAttribute('role', 'alert');
    (el.closest('label') || el).after(span);
    el.addEventListener('change', () => onControl(id));
  }
  $('play').addEventListener('click', () => setPlaying(!playing));
  $('step').addEventListener('click', () => {
    setPlaying(false);
    if (worker) {
      toWorker({ type: 'step' });
    } else {
      app.step();
      renderPanels();
      needFullGrid = true;
    }
  });
  $('reset').addEventListener('click', () => {
    gen += 1;
    app.reset();
    toWorker({ type: 'reset' });
    message('');
    refreshAll();
  });
  $('resample').addEventListener('click', () => {
    app.resample();
    draws += 1;
    renderPanels();
    app.render_heatmap();
    needFullGrid = true;
  });
  $('panic-reset').addEventListener('click', () => location.reload());
  $('cpu-only').addEventListener('change', () => useGpu(!$('cpu-only').checked));
  document.addEventListener('keydown', (e) => {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName) && e.target.type !== 'checkbox';
    if (e.code === 'Space' && !typing) {
      e.preventDefault();
      setPlaying(!playing);
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) === app.hash()) return;
    start(location.hash);
  });
}

function toWorker(m) {
  if (worker) worker.postMessage({ gen, ...m });
}

function onWorker({ data: m }) {
  if (m.type === 'error') {
    showCrash(new Error(`training stopped: ${m.message}`));
  } else if (m.type === 'state' && m.gen === gen) {
    app.absorb(m.params, m.progress, m.event);
    if (!playing) {
      renderPanels();
      needFullGrid = true;
    }
  }
}

function startWorker() {
  try {
    worker = new Worker(new URL(`./worker.js?engine=${engine.name}`, import.meta.url), { type: 'module' });
  } catch (e) {
    worker = null;
    return;
  }
  worker.onmessage = onWorker;
  worker.onerror = (e) => {
    // No worker after all: train on the page's thread instead.
    e.preventDefault();
    worker.terminate();
    worker = null;
    setPlaying(playing);
  };
}

function start(hash) {
  gen += 1;
  app = new App(hash);
  toWorker({ type: 'init', hash: app.hash() });
  const notes = app.notes();
  message(notes, 'warn');
  writeHash();
  refreshAll();
  window.arflow = app;
}

async function main() {
  engine = await loadEngine();
  App = engine.module.App;
  $('cpu-only').checked = new URLSearchParams(location.search).get('backend') === 'cpu';
  startWorker();
  wire();
  start(location.hash);
  await connectGpu();
  window.arflowGpu = () => gpu;
  document.body.dataset.ready = '1';
  requestAnimationFrame(frame);
}

main().catch(showCrash);
