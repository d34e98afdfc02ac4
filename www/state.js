// The page's whole mutable state, in one object shared by the page's modules. The settings
// themselves live in the wasm App (and the URL hash); this is only what the page schedules.

export const state = {
  engine: null, // the wasm build in use (engine.js): { name, label, module }
  app: null, // the wasm App: flow, trainer, drawing
  fields: [], // the settings table (the wasm export settings_fields)
  gen: 0, // generation of the flow: bumped on every rebuild, echoed by the worker
  playing: false,
  // The GPU's pictures are out of date (new draws, a new flow, the backend switched): the
  // next GPU frame recomputes them. The CPU's grid knows by itself (App.grid_settled).
  gpuStale: true,
  rebuildDue: false, // settings changed: the next frame builds the new flow (App.apply)
  drawQueue: [], // drawing left after a change, one piece per frame: functions or view names for App.render (panels.js)
  lastPanels: 0, // when a panel was last redrawn (ms)
  panelTurn: 0, // which panel redraws next while training
  gridShare: 0.5, // the grid's share of each inline frame (the rest trains)
  lastHeatmap: 0, // when the heatmap was last refreshed (ms)
  worker: null, // the training worker, null when training runs on this thread
  workerMemory: 0, // the worker's wasm memory in bytes, as it last said
  threads: 1, // the threads asked to train (the Compute box), this worker's and its helpers
  trainThreads: 1, // the threads training, as the worker last said
  helperNote: '', // the last helper the worker replaced, and why ('' if none)
  gpu: null, // the wasm Gpu handle while WebGPU draws the heatmap and samples, else null
  gpuDevice: null, // the connected Gpu handle, whether in use or not; null if none or failed
  gpuBusy: false, // a GPU job is running
  draws: 0, // Resample clicks: GPU samples of older draws are dropped
  warned: false, // a rollback's warning is on screen
  probed: null, // the probed point [x1, x2], if any (views.js)
  brush: false, // the density map draws points instead of probing (user-data.js)
  viewsDue: false, // a pointer asked for the heatmap at the next frame (views.js)
  // Heatmap refresh intervals, GPU grid times, rebuilds and when each panel was drawn (by
  // name), for the end-to-end tests.
  stats: { heatmapIntervals: [], gpuGridMs: [], rebuilds: 0, panels: {} },
};

export const $ = (id) => document.getElementById(id);

// A number to `digits` decimals, or a dash for none (null, undefined, NaN, infinite).
export function fmt(v, digits = 3) {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

// Keeps the last `most` entries of a list of measurements.
export function record(list, value, most = 200) {
  list.push(value);
  if (list.length > most) list.shift();
}

// The status line's numbers (App.read('status'), read in one place).
export const status = () => JSON.parse(state.app.read('status'));

// The picture of the current parameters the grid work makes: the density map of a 2-D
// flow, or the digits' model images (App.grid_work).
export const pictureView = () => (state.app.get('space') === 'digits' ? 'samples' : 'heatmap');
