// The page's side of the training worker (worker.js): it trains full-time with its own App
// and posts parameters and progress (the codec of src/session/sync.rs); this thread only
// draws. Without a worker, training runs time-sliced on this thread (frame.js).
import { state } from './state.js';

export function toWorker(m) {
  if (state.worker) state.worker.postMessage({ gen: state.gen, ...m });
}

// `onState()` runs after a state message of the current flow was taken in; `onError(e)`
// when the worker stopped; `onLost()` when there is no worker after all.
export function startWorker({ onState, onError, onLost }) {
  try {
    const url = new URL(`./worker.js?engine=${state.engine.name}`, import.meta.url);
    state.worker = new Worker(url, { type: 'module' });
  } catch (e) {
    state.worker = null;
    return;
  }
  state.worker.onmessage = ({ data: m }) => {
    if (m.type === 'error') {
      onError(new Error(`training stopped: ${m.message}`));
    } else if (m.type === 'state' && m.gen === state.gen) {
      state.app.absorb(m.params, m.progress, m.event);
      onState();
    }
  };
  state.worker.onerror = (e) => {
    e.preventDefault();
    state.worker.terminate();
    state.worker = null;
    onLost();
  };
}
