// arflow's page: wires the controls, the worker, the GPU and the animation loop (frame.js)
// to the wasm App, which owns the flow, the trainer and all drawing. The modules share one
// state object (state.js).
//
// Test hooks: with `?test` in the address the page exposes `window.arflowTest` = { app(),
// gpu(), worker(), memory(), settle(), stats } (the App, the Gpu handle in use, the
// training worker, the wasm memory of the page and the worker in bytes, a promise that the
// worker has answered everything sent so far, and the refresh timings and rebuilds), through
// which the end-to-end tests simulate a panic (`app().simulate_panic()`), a GPU failure
// (`gpu().simulate_failure()`) or a dead worker (`worker().terminate()`). Nothing else
// reaches into the page.
import { loadEngine } from './engine.js';
import { state, $, pictureView } from './state.js';
import { message, writeHash, writeControls, wireControls } from './controls.js';
import { renderAll, queuePanels, showCrash, measureCosts, redrawCanvas } from './panels.js';
import { sizeCanvases } from './canvas-size.js';
import { toWorker, startWorker, pingWorker, chooseThreads } from './worker-client.js';
import { connectGpu, useGpu } from './gpu-client.js';
import { frame } from './frame.js';
import { wireViews, nudgeProbe, probeAt } from './views.js';
import { wireHelp, pageKey } from './help.js';
import { wireTour } from './tour.js';
import { wirePresentation, togglePresentation, resizePresentation } from './present.js';
import { wireUserData, restorePoints, importCsv, pointsReplaced } from './user-data.js';
import { wireExport, undo } from './export.js';
import { openModelFile, splitModel, loadLinkModel } from './model-io.js';
import { wireSequence, restartSequence } from './sequence.js';
import { wireWarmup } from './warmup.js';

function onChange(change) {
  // A new flow is a new generation; the next frame builds it (a burst of changes, one flow).
  if (change === 'rebuild') state.gen += 1;
  if (change !== 'view') toWorker('settings', { hash: state.app.hash() });
  if (change === 'rebuild') {
    state.rebuildDue = true;
    message('');
  } else if (change === 'view') {
    renderAll(false);
  } else if (!state.drawQueue.includes(measureCosts)) {
    // A live change (batch, learning rate, clip) changes what a training step costs.
    state.drawQueue.push(measureCosts);
  }
}

// Sets a field as its control would (the brush makes the user's points the data set).
function setField(key, value) {
  const change = state.app.set(key, value);
  writeHash();
  writeControls();
  onChange(change);
}

// A new generation from the App as it now is (a loaded model, an undo): the worker takes
// the same model (`extra`: the model file, or the parameters and history; `transfer` the
// buffers it hands over), the panels are redrawn.
function restart(extra, transfer = []) {
  state.gen += 1;
  toWorker('init', { hash: state.app.hash(), points: state.app.points(), ...extra }, transfer);
  pointsReplaced();
  writeHash();
  writeControls();
  state.rebuildDue = true;
  state.gpuStale = true;
}

function setPlaying(on) {
  state.playing = on;
  toWorker('play', { on });
  $('play').innerHTML = on ? '&#10073;&#10073; Pause' : '&#9654; Play';
  $('play').classList.toggle('on', on);
}

// A link's settings: the App starts from the defaults (small, built at once) and the next
// frames build the link's flow a layer at a time.
function start(link) {
  const [hash, model] = splitModel(link);
  state.gen += 1;
  let stored = '';
  if (!state.app) {
    state.app = new state.engine.module.App('');
    stored = restorePoints();
  }
  state.app.load(hash);
  toWorker('init', { hash: state.app.hash(), points: state.app.points() });
  message([state.app.notes(), stored].filter(Boolean).join(' '), 'warn');
  writeHash();
  writeControls();
  state.rebuildDue = true;
  if (model) loadLinkModel(model);
}

// A dropped file: a model (.json) or points (anything else).
async function dropped(e) {
  e.preventDefault();
  const file = e.dataTransfer.files[0];
  if (!file) return;
  if (/\.json$/i.test(file.name)) await openModelFile(file);
  else await importCsv(file);
}

function wire() {
  sizeCanvases(redrawCanvas);
  wireControls(onChange);
  wireViews();
  wireUserData({ set: setField, redraw: () => { queuePanels(); state.app.render('heatmap'); } });
  wireExport({ restart });
  wireHelp();
  wireSequence();
  wireWarmup();
  wirePresentation(setField);
  wireTour({ start, play: () => setPlaying(true), probe: probeAt });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => dropped(e).catch(showCrash));
  $('play').addEventListener('click', () => setPlaying(!state.playing));
  $('step').addEventListener('click', () => {
    setPlaying(false);
    if (state.worker) {
      toWorker('step');
    } else {
      state.app.step();
      queuePanels();
    }
  });
  $('reset').addEventListener('click', () => {
    state.gen += 1;
    state.app.reset();
    toWorker('reset');
    message('');
    state.rebuildDue = true;
  });
  $('resample').addEventListener('click', () => {
    state.app.resample();
    restartSequence();
    state.draws += 1;
    queuePanels();
    state.app.render(pictureView());
    state.gpuStale = true;
  });
  $('restore-best').addEventListener('click', () => {
    if (state.worker) {
      toWorker('best');
    } else {
      state.app.restore_best();
      queuePanels();
    }
  });
  $('panic-reset').addEventListener('click', () => location.reload());
  wireDrawer();
  $('cpu-only').addEventListener('change', () => useGpu(!$('cpu-only').checked));
  $('threads').addEventListener('change', () => chooseThreads($('threads').value));
  document.addEventListener('keydown', (e) => {
    const used = pageKey(e, {
      play: () => setPlaying(!state.playing),
      step: () => $('step').click(),
      reset: () => $('reset').click(),
      undo,
      present: () => togglePresentation(setField),
      // - and + size the presentation, only while presenting (the browser's zoom otherwise).
      resize: (by) => state.app.get('present') === '1' && (resizePresentation(setField, by), true),
      // The digits have no density map to probe.
      nudge: (key, shift) => state.app.get('space') !== 'digits' && nudgeProbe(key, shift),
    });
    if (used) e.preventDefault();
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) !== state.app.hash()) start(location.hash);
  });
}

// The settings as a drawer over the panels (a phone's header has its Settings button).
function wireDrawer() {
  const show = (on) => {
    document.body.classList.toggle('drawer-open', on);
    $('controls-open').setAttribute('aria-expanded', String(on));
    if (on) $('controls-close').focus();
  };
  $('controls-open').addEventListener('click', () => show(!document.body.classList.contains('drawer-open')));
  $('controls-close').addEventListener('click', () => { show(false); $('controls-open').focus(); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('drawer-open')) show(false);
  });
}

async function main() {
  state.engine = await loadEngine();
  // The engine's instantiation and the first flow in separate tasks.
  await new Promise(requestAnimationFrame);
  const query = new URLSearchParams(location.search);
  $('cpu-only').checked = query.get('backend') === 'cpu';
  if ([...$('threads').options].some((o) => o.value === query.get('threads'))) $('threads').value = query.get('threads');
  chooseThreads($('threads').value);
  wire();
  startWorker({
    onState() {
      if (!state.playing) queuePanels();
    },
    onLost() {
      state.app.evaluate();
      queuePanels();
      setPlaying(state.playing);
    },
  });
  start(location.hash);
  if (query.has('test')) {
    window.arflowTest = {
      app: () => state.app,
      gpu: () => state.gpu,
      worker: () => state.worker,
      memory: () => ({ page: state.engine.memory.buffer.byteLength, worker: state.workerMemory }),
      settle: pingWorker,
      stats: state.stats,
    };
  }
  document.body.dataset.ready = '1';
  requestAnimationFrame(frame);
  await connectGpu();
}

main().catch(showCrash);
