// The animation loop. A frame that builds a new flow (a layer at a time) or draws a piece
// left by a change does only that. Otherwise it does the work of one mode: 'gpu' (the
// device draws the pictures), 'worker' (a worker trains, this thread only draws) or
// 'inline' (this thread trains and draws in turns); paused, it computes the grid until the
// picture shown is the current parameters' full one.
import { state, pictureView } from './state.js';
import { renderStatus, renderNextPanel, renderAll, drawQueued, heatmapDone, showCrash } from './panels.js';
import { gpuRefresh, GPU_RES } from './gpu-client.js';
import { tickSequence } from './sequence.js';

// Work per inline frame, in ms, shared between the density grid and training so that the
// heatmap refreshes about 6 times a second; every task stays below 50 ms.
const WORK_MS = 24;
// With a worker this thread only draws: the grid gets most of each frame (the browser's
// own work on a frame, committing the page's changed canvases, takes about 10 ms more).
const WORKER_GRID_MS = 22;
const PAUSED_GRID_MS = 20;
// Building a new flow, a layer at a time.
const REBUILD_MS = 20;
const TRAIN_RES = 128;
const PAUSED_RES = 256;
// A panel redraw while training every PANEL_PERIOD ms, in turns (renderNextPanel): with
// six panels each is redrawn about three times a second.
const PANEL_PERIOD = 40;

// The GPU draws the pictures of the flows its shader computes (affine layers, N(0, I)
// base); the CPU draws the others.
function mode() {
  if (state.gpu && state.app.gpu_fits()) return 'gpu';
  return state.worker ? 'worker' : 'inline';
}

// A grid is complete: the next frame draws it (a grid's slice and its drawing in one task
// would come near 50 ms).
const gridDone = () => {
  if (!state.drawQueue.includes(heatmapDone)) state.drawQueue.push(heatmapDone);
};

const panelDue = () => performance.now() - state.lastPanels > PANEL_PERIOD;

const frames = {
  gpu() {
    if (state.playing && !state.worker) state.app.train(WORK_MS);
    if (state.playing && panelDue()) renderNextPanel();
    const due = state.playing || state.gpuStale || !state.app.grid_settled(GPU_RES);
    if (!state.gpuBusy && due) gpuRefresh();
  },
  worker() {
    if (panelDue()) renderNextPanel();
    else if (state.app.grid_work(TRAIN_RES, WORKER_GRID_MS, false)) gridDone();
  },
  inline() {
    if (panelDue()) {
      renderNextPanel();
      return;
    }
    const gridMs = WORK_MS * state.gridShare;
    if (state.app.grid_work(TRAIN_RES, gridMs, false)) gridDone();
    state.app.train(WORK_MS - gridMs);
  },
  // The picture shown must be the current parameters': a grid of outdated ones starts again.
  paused() {
    const app = state.app;
    if (!app.grid_settled(PAUSED_RES) && app.grid_work(PAUSED_RES, PAUSED_GRID_MS, true)) {
      app.render(pictureView());
      renderStatus();
    }
  },
};

export function frame() {
  try {
    // A frame that builds a new flow (a layer at a time) or draws after a change does
    // nothing else. (A worker's state may have brought the flow in already.)
    if (state.rebuildDue) {
      if (!state.app.rebuilding() || state.app.apply(REBUILD_MS)) {
        state.rebuildDue = false;
        state.stats.rebuilds += 1;
        renderAll(true);
      }
    } else if (!drawQueued() && !tickSequence(performance.now())) {
      const m = mode();
      if (m === 'gpu') frames.gpu();
      else if (state.playing) frames[m]();
      else frames.paused();
    }
  } catch (e) {
    showCrash(e);
    return;
  }
  requestAnimationFrame(frame);
}
