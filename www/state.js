// The page's whole mutable state, in one object shared by the page's modules. The settings
// themselves live in the wasm App (and the URL hash); this is only what the page schedules.

export const state = {
  engine: null, // the wasm build in use (engine.js): { name, label, module }
  app: null, // the wasm App: flow, trainer, drawing
  fields: [], // the settings table (the wasm export settings_fields)
  gen: 0, // generation of the flow: bumped on every rebuild, echoed by the worker
  playing: false,
  // The heatmap is out of date and nothing is computing it: the next paused (or GPU) frame
  // starts a full-resolution grid. Training frames refresh the heatmap anyway.
  gridStale: true,
  lastPanels: 0, // when a panel was last redrawn (ms)
  panelTurn: 0, // which panel redraws next while training
  gridShare: 0.5, // the grid's share of each inline frame (the rest trains)
  lastHeatmap: 0, // when the heatmap was last refreshed (ms)
  worker: null, // the training worker, null when training runs on this thread
  gpu: null, // the wasm Gpu handle while WebGPU draws the heatmap and samples, else null
  gpuDevice: null, // the connected Gpu handle, whether in use or not; null if none or failed
  gpuBusy: false, // a GPU job is running
  draws: 0, // Resample clicks: GPU samples of older draws are dropped
  warned: false, // a rollback's warning is on screen
  // Heatmap refresh intervals and GPU grid times, for the end-to-end tests' reports.
  stats: { heatmapIntervals: [], gpuGridMs: [] },
};

export const $ = (id) => document.getElementById(id);

// Keeps the last `most` entries of a list of measurements.
export function record(list, value, most = 200) {
  list.push(value);
  if (list.length > most) list.shift();
}
