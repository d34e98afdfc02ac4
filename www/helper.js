// A training helper thread (threads.js): it computes the chunks of a step it is sent, from
// the step's batch and parameters, on the engine's Helper for the lab's settings, and hands
// the gradients back by transfer. In: {id, hash, batch, theta, which}; out: {id, grads,
// losses, len}, {id, error} when a computation failed, or {failed} when the engine did not
// load.
import { loadEngine } from './engine.js';

const ready = loadEngine().catch((e) => {
  postMessage({ failed: String((e && e.message) || e) });
  return null;
});
const h = { helper: null, hash: null };

onmessage = async ({ data: m }) => {
  const engine = await ready;
  if (!engine) return;
  try {
    if (m.hash !== h.hash) {
      if (h.helper) h.helper.free();
      h.helper = null;
      h.helper = new engine.module.Helper(m.hash);
      h.hash = m.hash;
    }
    const grads = h.helper.compute(m.theta, m.batch, Uint32Array.from(m.which));
    const losses = h.helper.losses();
    postMessage({ id: m.id, grads, losses, len: h.helper.gradient_len() }, [grads.buffer, losses.buffer]);
  } catch (e) {
    h.hash = null;
    postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
};
