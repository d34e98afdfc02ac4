// A large model file's checker: a worker of its own that reads the file into a throwaway
// App exactly as the page would, says whether it reads (or why not), and is then ended by
// the page. A refused file (however large) so never takes the page's memory (a wasm
// memory only grows) nor blocks its thread. A file that reads comes back as numbers, not
// text: its parameters as a Float32Array and a head of the rest without Adam's state
// (which only the training worker needs), so the page parses no number again. Its
// messages are defined in protocol.js.
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
    check({ bytes }) {
      let message = '';
      let head = new Uint8Array(0);
      let parameters = new Float32Array(0);
      try {
        const app = new engine.module.App('');
        app.import_model(new TextDecoder().decode(bytes));
        head = new TextEncoder().encode(app.export('page-head'));
        parameters = app.model_parameters();
      } catch (e) {
        message = errorText(e);
      }
      postMessage(make(FROM_CHECKER, 'checked', { message, head, parameters, bytes }), [head.buffer, parameters.buffer, bytes.buffer]);
    },
  }, m);
};
