// Redrawing the panels and the status line from the App.
import { state, $, record, fmt, status, pictureView } from './state.js';
import { message, writeControls } from './controls.js';
import { toWorker } from './worker-client.js';
import { errorText } from './protocol.js';
import { renderProbe, renderLatent, renderJacobian, showCosts } from './views.js';
import { renderCompare } from './compare.js';
import { renderTransform } from './transform.js';
import { awaitDimensionCost, renderDimensionCost } from './dimension-cost.js';
import { restartSequence } from './sequence.js';
import { renderWarmup, warmupDrawn } from './warmup.js';

// While training, one panel per turn (the App's view names, or page functions), so that no
// frame draws them all: each stays well inside a frame even on a busy machine. The digits
// have only the panels that do not need a 2-D flow (their samples are drawn when a new set
// of images is done: heatmapDone).
const TOY_TURNS = [renderCompare, 'samples', 'loss', 'composition', renderLatent, 'slice', renderProbe, renderTransform];
const jacobianTurn = () => renderJacobian('turn');
const jacobianChange = () => renderJacobian('change');
const DIGIT_TURNS = ['loss', renderLatent, jacobianTurn];
const digits = () => state.app.get('space') === 'digits';
const turns = () => (digits() ? DIGIT_TURNS : TOY_TURNS);
// The inline trainer adapts the grid's share of a frame to keep refreshes in this range (ms).
const HEATMAP_PERIOD = [140, 170];

// Steps per second: whole above 10, else two significant digits ("0.24 steps/s").
const rate = (v) => (v >= 10 ? Math.round(v) : Number(v.toPrecision(2)));

// Bad grid cells, when there are any: NaN/+inf and -inf apart (see src/numeric/grid.rs).
function badCells(s) {
  const bad = [];
  if (s.non_finite) bad.push(`${s.non_finite} NaN/+inf`);
  if (s.neg_infinite) bad.push(`${s.neg_infinite} -inf`);
  return bad.length ? ` (${bad.join(', ')} cells)` : '';
}

export function renderStatus() {
  const s = status();
  const flow = state.app.get('flow').toUpperCase();
  const parts = [
    `step ${s.step}`,
    `${rate(s.steps_per_second)} steps/s` + (state.worker && state.trainThreads > 1 ? ` on ${state.trainThreads} threads` : ''),
    `${s.metric_name} ${s.metric_text}` + (s.floor !== null ? ` (floor ${fmt(s.floor)})` : '')
      + (s.floor === null && state.app.get('data') === 'drawn' && s.metric_name === 'test NLL' ? ' (floor unknown)' : ''),
  ];
  if (s.ess !== null) parts.push(`ESS ${fmt(100 * s.ess, 0)}%`);
  if (s.coverage !== null) parts.push(`covers ${fmt(100 * s.coverage, 0)}% of p*`);
  if (s.overfitting) parts.push(`overfitting since step ${s.overfitting.best_step}`);
  if (s.bits_per_dim !== null) parts[2] += ` nats/image, ${fmt(s.bits_per_dim, 2)} bits/dim`;
  if (!digits()) parts.push(`grid mass ${fmt(s.grid_mass)}${badCells(s)}`);
  const cpu = `backend CPU (${state.engine.label}${state.gpu ? '; the WebGPU shader computes affine flows on N(0, I) only' : ''})`;
  parts.push(flow);
  const backend = state.gpu && state.app.gpu_fits() ? `backend WebGPU (${state.gpu.name()})` : cpu;
  $('status').textContent = parts.join(' · ');
  renderBest(s);
  // The backend in the Compute box and the status's tooltip: the status line keeps to the model.
  $('status').title = backend;
  $('backend-status').textContent = backend;
  const back = state.app.undo_step();
  $('undo').disabled = back < 0;
  $('undo').title = back < 0 ? 'Nothing to undo: a change that throws a trained model away keeps it here' : `Bring back the model of step ${back} that the last change threw away (Ctrl+Z)`;
  // A rollback's warning stays until training has gone on normally for a while; it shows
  // under the loss chart too, where the tour points and a lecturer looks.
  $('loss-event').hidden = !s.event;
  $('loss-event').textContent = s.event ?? '';
  if (s.event) {
    message(s.event, 'warn');
    state.warned = true;
  } else if (state.warned) {
    message('');
    state.warned = false;
  }
}

// The best model so far under the loss chart, and whether going back to it helps: the
// held-out NLL has turned up since.
function renderBest(s) {
  const button = $('restore-best');
  if (!s.best) {
    $('best-text').textContent = '';
    button.disabled = true;
    return;
  }
  const [step, value] = s.best;
  const worse = s.metric !== null && s.metric > value && s.step > step;
  const o = s.overfitting;
  $('best-text').textContent = `Best test NLL ${fmt(value)} at step ${step}`
    + (worse ? `; ${fmt(s.metric - value)} worse now.` : '.')
    + (o ? ` Overfitting: the held-out NLL has stayed above its best for ${o.evaluations} evaluations while the training loss fell, so the model is learning the training points rather than the distribution they come from.` : '');
  button.disabled = !worse;
}

// One panel (a view name for App.render, or a page function), and the status line with it.
function drawPanel(panel) {
  if (typeof panel === 'string') state.app.render(panel); else panel();
  renderStatus();
  const name = typeof panel === 'string' ? panel : panel.name;
  record((state.stats.panels[name] ||= []), performance.now());
}

// The MAF/IAF costs of new settings, measured by the worker (it answers with 'cost'). When
// this thread trains (no worker) they are not measured: timing two flows takes this thread
// a second or more.
export function measureCosts() {
  if (state.worker) toWorker('cost');
  else showCosts(null);
  awaitDimensionCost(Boolean(state.worker));
}

export function renderNextPanel() {
  const all = turns();
  state.panelTurn %= all.length;
  drawPanel(all[state.panelTurn]);
  state.panelTurn = (state.panelTurn + 1) % all.length;
  state.lastPanels = performance.now();
}

// Everything after a change: the controls at once, then masks, heatmap and panels one per
// frame (drawQueued), so that no task draws them all (a large flow's take tens of ms each).
// A new flow (`rebuilt`) also needs its GPU pictures, and its test metric when no worker
// evaluates it.
export function renderAll(rebuilt) {
  writeControls();
  if (rebuilt) {
    restartSequence();
    if (!state.worker) state.app.evaluate();
    state.gpuStale = true;
  }
  const heatmap = () => {
    state.app.render(pictureView());
    renderStatus();
  };
  // The digits' probe (64 reverse passes a layer) is drawn after a change, when paused,
  // and when asked for, not in the turns while training.
  state.drawQueue = [renderStatic, heatmap, ...turns(), ...(digits() ? [jacobianChange] : [])];
  if (rebuilt) state.drawQueue.push(measureCosts);
  // The warm-up does not depend on the flow: drawn once, then when it is used or resized.
  if (!warmupDrawn()) state.drawQueue.push(renderWarmup);
}

// The panels drawn from the next frames on, one per frame (a worker's state while paused).
export function queuePanels() {
  const paused = digits() && !state.playing ? [jacobianChange] : [];
  const due = [...turns(), ...paused].filter((name) => !state.drawQueue.includes(name));
  state.drawQueue.push(...due);
}

// What redraws each canvas (after canvas-size.js gave it a new backing store).
const CANVAS_PANELS = {
  heatmap: 'heatmap', 'samples-model': 'samples', 'samples-data': 'samples',
  loss: 'loss', masks: renderStatic, explorer: renderStatic, composition: 'composition',
  latent: renderLatent, conditional: 'slice', 'transform-map': renderTransform,
  'compare-maps': renderCompare, 'compare-chart': renderCompare, 'dimension-cost': renderDimensionCost,
  sequence: 'sequence', jacobian: jacobianChange, warmup: renderWarmup,
};

// Queues the panel of the canvas `id` (canvas-size.js), once.
export function redrawCanvas(id) {
  // The digits leave the panels that need a 2-D flow empty (flat2d).
  if (state.app && digits() && $(id).closest('.flat2d')) return;
  const panel = CANVAS_PANELS[id];
  if (panel && state.app && !state.drawQueue.includes(panel)) state.drawQueue.push(panel);
}

// Draws the next piece left by renderAll or queuePanels; false when there is none.
export function drawQueued() {
  const draw = state.drawQueue.shift();
  if (draw) drawPanel(draw);
  return Boolean(draw);
}

export function renderStatic() {
  const model = JSON.parse(state.app.read('model'));
  $('composition').style.aspectRatio = model.aspect;
  state.app.render('masks');
  $('layer-order').textContent = `(order: ${model.order})`;
  try {
    state.app.render('explorer');
    $('err-mhidden').textContent = '';
  } catch (e) {
    $('err-mhidden').textContent = e.message;
  }
}

// A new heatmap (the digits: a new set of model images) is ready: draw it, and (training
// inline) adapt the grid's share of a frame.
export function heatmapDone() {
  state.app.render(pictureView());
  const t = performance.now();
  const dt = t - state.lastHeatmap;
  state.lastHeatmap = t;
  if (dt > 2000) return;
  record(state.stats.heatmapIntervals, dt);
  if (state.worker) return;
  if (dt > HEATMAP_PERIOD[1]) state.gridShare = Math.min(0.85, state.gridShare + 0.05);
  if (dt < HEATMAP_PERIOD[0]) state.gridShare = Math.max(0.15, state.gridShare - 0.05);
}

export function showCrash(e) {
  state.playing = false;
  if (!$('panic-message').textContent) $('panic-message').textContent = errorText(e);
  $('panic').hidden = false;
}
