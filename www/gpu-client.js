// WebGPU for the pictures: the heatmap (256x256) and the display samples are computed on
// the device, one job at a time and never waited for; training stays on the CPU. Any
// failure hands the pictures to the CPU for the rest of the session, with a message.
import { state, $, record } from './state.js';
import { message } from './controls.js';
import { errorText } from './protocol.js';
import { queuePanels, renderStatus, heatmapDone } from './panels.js';

// The heatmap's resolution on the GPU, training or not.
export const GPU_RES = 256;

export async function gpuRefresh() {
  state.gpuBusy = true;
  // Claim the request: a change while the job runs marks the pictures stale again, and a
  // grid of parameters that changed meanwhile is not settled (App.grid_settled).
  state.gpuStale = false;
  const [handle, app, gen, draws] = [state.gpu, state.app, state.gen, state.draws];
  const version = app.version();
  try {
    const t0 = performance.now();
    const logP = await handle.density(app, GPU_RES);
    record(state.stats.gpuGridMs, performance.now() - t0);
    const xs = await handle.samples(app);
    if (state.gpu !== handle || state.app !== app || state.gen !== gen || state.draws !== draws) return;
    app.take_density(GPU_RES, logP, version);
    app.take_samples(xs);
    heatmapDone();
    if (!state.playing) queuePanels();
  } catch (e) {
    if (state.gpu === handle) gpuFailed(e);
  } finally {
    state.gpuBusy = false;
  }
}

function gpuFailed(e) {
  state.gpuDevice = null;
  $('cpu-only').checked = true;
  $('cpu-only').disabled = true;
  message(`WebGPU stopped working (${errorText(e)}); the CPU computes the heatmap and samples for the rest of this session.`, 'warn');
  useGpu(false);
}

export function useGpu(on) {
  state.gpu = on ? state.gpuDevice : null;
  if (!state.gpu) state.app.drop_outside_samples();
  state.gpuStale = true;
  renderStatus();
  queuePanels();
}

// Asks the browser for WebGPU once, while the CPU draws; no adapter or an error leaves the
// CPU in charge, which the status line shows. A software adapter is offered but not used
// unless the address says `?backend=gpu`. Sets `body[data-gpu]` to 'ready' or 'none'.
export async function connectGpu() {
  try {
    state.gpuDevice = (await state.engine.module.gpu_connect()) || null;
  } catch (e) {
    state.gpuDevice = null;
    console.info(`arflow: no WebGPU (${errorText(e)}); computing on the CPU`);
  }
  $('cpu-only').disabled = !state.gpuDevice;
  if (!state.gpuDevice) $('backend-note').textContent = 'This browser offers no WebGPU adapter: everything runs on the CPU.';
  const forced = new URLSearchParams(location.search).get('backend') === 'gpu';
  if (state.gpuDevice && state.gpuDevice.software() && !forced) {
    $('cpu-only').checked = true;
    $('backend-note').textContent = `The only WebGPU adapter here is a software one (${state.gpuDevice.name()}): `
      + 'a 256x256 heatmap takes seconds on it against a fraction of a second on the CPU, so the CPU draws. '
      + 'Untick "CPU only" to use it anyway.';
  }
  useGpu(!$('cpu-only').checked);
  document.body.dataset.gpu = state.gpuDevice ? 'ready' : 'none';
}
