// The animation loop. Each frame does the work of one mode: 'gpu' (the device draws the
// pictures), 'worker' (a worker trains, this thread only draws) or 'inline' (this thread
// trains and draws in turns); paused, it finishes a full-resolution grid when one is due.
import { state } from './state.js';
import { renderStatus, renderNextPanel, heatmapDone, showCrash } from './panels.js';
import { gpuRefresh } from './gpu-client.js';

// Work per inline frame, in ms, shared between the density grid and training so that the
// heatmap refreshes about 6 times a second; every task stays below 50 ms.
const WORK_MS = 24;
// With a worker this thread only draws: the grid gets most of each frame.
const WORKER_GRID_MS = 28;
const PAUSED_GRID_MS = 20;
const TRAIN_RES = 128;
const PAUSED_RES = 256;
// A panel redraw while training every PANEL_PERIOD ms, in turns (renderNextPanel).
const PANEL_PERIOD = 100;

export const FIRST_RES = 64;

function mode() {
  if (state.gpu) return 'gpu';
  return state.worker ? 'worker' : 'inline';
}

const panelDue = () => performance.now() - state.lastPanels > PANEL_PERIOD;

const frames = {
  gpu() {
    if (state.playing && !state.worker) state.app.train(WORK_MS);
    if (state.playing && panelDue()) renderNextPanel();
    if (!state.gpuBusy && (state.playing || state.gridStale)) gpuRefresh();
  },
  worker() {
    if (panelDue()) renderNextPanel();
    else if (state.app.grid_work(TRAIN_RES, WORKER_GRID_MS)) heatmapDone();
  },
  inline() {
    if (panelDue()) {
      renderNextPanel();
      return;
    }
    const gridMs = WORK_MS * state.gridShare;
    if (state.app.grid_work(TRAIN_RES, gridMs)) heatmapDone();
    state.app.train(WORK_MS - gridMs);
  },
  paused() {
    if (state.gridStale && state.app.grid_work(PAUSED_RES, PAUSED_GRID_MS)) {
      state.app.render_heatmap();
      renderStatus();
      state.gridStale = false;
    }
  },
};

export function frame() {
  try {
    const m = mode();
    if (m === 'gpu') frames.gpu();
    else if (state.playing) frames[m]();
    else frames.paused();
  } catch (e) {
    showCrash(e);
    return;
  }
  requestAnimationFrame(frame);
}
