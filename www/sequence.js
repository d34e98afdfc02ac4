// The digits' sequential view: one sample and one density of the current model, computed
// pass by pass once (App.sequence_start), then shown on one clock of MADE passes
// (App.sequence_show), so that the side that must solve fills pixel after pixel while the
// other is done in a pass a layer. It starts again from the model of the moment a while
// after both are done.
import { state, $ } from './state.js';

const PASSES_PER_SECOND = 64;
// How long the finished pair stays before the next run.
const HOLD_MS = 2500;

const seq = { passes: null, start: 0, shown: -1, doneAt: 0 };

function words([sample, density]) {
  const flow = state.app.get('flow').toUpperCase();
  const k = Number(state.app.get('layers'));
  return `${flow}, ${k} layers: a sample takes ${sample} MADE passes, a density ${density}. `
    + (sample > density ? 'Sampling solves for one pixel a pass; scoring is one pass a layer.'
      : 'Scoring solves for one pixel a pass; sampling is one pass a layer.');
}

// Starts both paths again from the current model.
export function restartSequence() {
  seq.passes = null;
  seq.doneAt = 0;
}

// The next picture of the view, if it is due; true if it computed a new pair of paths
// (tens of ms for a large flow: that frame does nothing else).
export function tickSequence(now) {
  if (state.app.get('space') !== 'digits' || $('panel-sequence').hidden) return false;
  if (!seq.passes) {
    if (seq.doneAt && now - seq.doneAt < HOLD_MS) return false;
    const passes = state.app.sequence_start();
    if (!passes.length) return false;
    seq.passes = [...passes];
    seq.start = now;
    seq.shown = -1;
    $('sequence-text').textContent = words(seq.passes);
    return true;
  }
  const total = Math.max(...seq.passes);
  const t = Math.min(total, Math.floor(((now - seq.start) / 1000) * PASSES_PER_SECOND));
  if (t === seq.shown) return false;
  seq.shown = t;
  state.app.sequence_show(t);
  if (t === total) {
    seq.passes = null;
    seq.doneAt = now;
  }
  return false;
}

export function wireSequence() {
  $('sequence-again').addEventListener('click', restartSequence);
}
