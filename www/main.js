// arflow's page: wires the controls, the worker, the GPU and the animation loop (frame.js)
// to the wasm App, which owns the flow, the trainer and all drawing. The modules share one
// state object (state.js).
//
// Test hooks: with `?test` in the address the page exposes `window.arflowTest` = { app(),
// gpu(), stats } (the App, the Gpu handle in use, and the refresh timings), through which
// the end-to-end tests simulate a panic (`app().simulate_panic()`) or a GPU failure
// (`gpu().simulate_failure()`). Nothing else reaches into the page.
import { loadEngine } from './engine.js';
import { state, $ } from './state.js';
import { message, writeControls, writeHash, wireControls } from './controls.js';
import { renderPanels, renderStatic, showCrash } from './panels.js';
import { toWorker, startWorker } from './worker-client.js';
import { connectGpu, useGpu } from './gpu-client.js';
import { frame, FIRST_RES } from './frame.js';

function refreshAll() {
  writeControls();
  renderStatic();
  state.gridStale = true;
  // A coarse picture at once, the full resolution a slice at a time after it.
  state.app.grid_work(FIRST_RES, Infinity);
  state.app.render_heatmap();
  renderPanels();
}

function onChange(change, key, value) {
  if (change === 'rebuild') state.gen += 1;
  if (change !== 'view') toWorker({ type: 'set', key, value });
  if (change === 'rebuild') {
    message('');
    refreshAll();
  } else if (change === 'view') {
    writeControls();
    renderStatic();
    state.app.render_heatmap();
  }
}

function setPlaying(on) {
  state.playing = on;
  toWorker({ type: 'play', on });
  $('play').innerHTML = on ? '&#10073;&#10073; Pause' : '&#9654; Play';
  $('play').classList.toggle('on', on);
  state.gridStale = !on;
}

function start(hash) {
  state.gen += 1;
  state.app = new state.engine.module.App(hash);
  toWorker({ type: 'init', hash: state.app.hash() });
  message(state.app.notes(), 'warn');
  writeHash();
  refreshAll();
}

function wire() {
  wireControls(onChange);
  $('play').addEventListener('click', () => setPlaying(!state.playing));
  $('step').addEventListener('click', () => {
    setPlaying(false);
    if (state.worker) {
      toWorker({ type: 'step' });
    } else {
      state.app.step();
      renderPanels();
      state.gridStale = true;
    }
  });
  $('reset').addEventListener('click', () => {
    state.gen += 1;
    state.app.reset();
    toWorker({ type: 'reset' });
    message('');
    refreshAll();
  });
  $('resample').addEventListener('click', () => {
    state.app.resample();
    state.draws += 1;
    renderPanels();
    state.app.render_heatmap();
    state.gridStale = true;
  });
  $('panic-reset').addEventListener('click', () => location.reload());
  $('cpu-only').addEventListener('change', () => useGpu(!$('cpu-only').checked));
  document.addEventListener('keydown', (e) => {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName) && e.target.type !== 'checkbox';
    if (e.code === 'Space' && !typing) {
      e.preventDefault();
      setPlaying(!state.playing);
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== state.app.hash()) start(location.hash);
  });
}

async function main() {
  state.engine = await loadEngine();
  const query = new URLSearchParams(location.search);
  $('cpu-only').checked = query.get('backend') === 'cpu';
  startWorker({
    onState() {
      if (state.playing) return;
      renderPanels();
      state.gridStale = true;
    },
    onError: showCrash,
    onLost: () => setPlaying(state.playing),
  });
  wire();
  start(location.hash);
  if (query.has('test')) {
    window.arflowTest = { app: () => state.app, gpu: () => state.gpu, stats: state.stats };
  }
  document.body.dataset.ready = '1';
  requestAnimationFrame(frame);
  await connectGpu();
}

main().catch(showCrash);
