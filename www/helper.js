// A training helper thread (threads.js): it computes the chunks of a step it is sent, from
// the step's batch and parameters, on the engine's Helper for the lab's settings, and hands
// the gradients back by transfer. Its messages are defined in protocol.js.
import { loadEngine } from './engine.js';
import { dispatch, errorText, make, FROM_HELPER, TO_HELPER } from './protocol.js';

const ready = loadEngine().catch((e) => {
  postMessage(make(FROM_HELPER, 'failed', { message: errorText(e) }));
  return null;
});
const h = { helper: null, hash: null };

const handlers = {
  chunks(m) {
    try {
      if (m.hash !== h.hash) {
        if (h.helper) h.helper.free();
        h.helper = null;
        h.helper = new h.engine.module.Helper(m.hash);
        h.hash = m.hash;
      }
      const grads = h.helper.compute(m.theta, m.batch, Uint32Array.from(m.which));
      const losses = h.helper.losses();
      const len = h.helper.gradient_len();
      postMessage(make(FROM_HELPER, 'gradients', { id: m.id, grads, losses, len }), [grads.buffer, losses.buffer]);
    } catch (e) {
      h.hash = null;
      postMessage(make(FROM_HELPER, 'error', { id: m.id, message: errorText(e) }));
    }
  },
};

onmessage = async ({ data: m }) => {
  h.engine = await ready;
  if (h.engine) dispatch(TO_HELPER, handlers, m);
};
