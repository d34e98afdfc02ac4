// A large model file's checker: a worker of its own that reads the file into a throwaway
// App exactly as the page would, says whether it reads (or why not), and is then ended by
// the page. A refused file (however large) so never takes the page's memory (a wasm
// memory only grows) nor blocks its thread. A file that reads comes back without Adam's
// state (a third of a trained model's file), which only the training worker needs: the
// page reads that. Its messages are defined in protocol.js.
import { loadEngine } from './engine.js';
import { dispatch, errorText, make, FROM_CHECKER, TO_CHECKER } from './protocol.js';

const ready = loadEngine();

onmessage = async ({ data: m }) => {
  let engine;
  try {
    engine = await ready;
  } catch (e) {
    postMessage(make(FROM_CHECKER, 'checked', { message: `the checker's engine did not load (${errorText(e)})` }));
    return;
  }
  dispatch(TO_CHECKER, {
    check({ text }) {
      let message = '';
      let lean = new Uint8Array(0);
      try {
        const app = new engine.module.App('');
        app.import_model(text);
        lean = new TextEncoder().encode(app.export('page-model'));
      } catch (e) {
        message = errorText(e);
      }
      postMessage(make(FROM_CHECKER, 'checked', { message, lean }), [lean.buffer]);
    },
  }, m);
};
