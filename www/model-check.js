// A large model file's checker: a worker of its own that reads the file into a throwaway
// App exactly as the page would, says whether it reads (or why not), and is then ended by
// the page. A refused file (however large) so never takes the page's memory (a wasm
// memory only grows) nor blocks its thread. Its messages are defined in protocol.js.
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
      try {
        new engine.module.App('').import_model(text);
      } catch (e) {
        message = errorText(e);
      }
      postMessage(make(FROM_CHECKER, 'checked', { message }));
    },
  }, m);
};
