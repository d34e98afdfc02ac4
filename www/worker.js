// The training thread: its own App with the page's settings trains full-time and sends
// parameters, new history entries and progress back; the page only draws. Messages:
// {type: 'init' | 'set' | 'reset' | 'play' | 'step', gen, ...}; every state echoes the
// generation of the flow it belongs to, so the page can drop stale ones.
import { loadEngine } from './engine.js';

// The page's build, named in this worker's address (engine.js).
let App;
const ready = loadEngine().then((engine) => { App = engine.module.App; });
const CHUNK_MS = 40;
const POST_EVERY_MS = 60;
let app = null;
let gen = 0;
let playing = false;
let sent = [0, 0];
let lastPost = 0;

function post() {
  const progress = app.progress(sent[0], sent[1]);
  sent = Array.from(app.history_len());
  const params = app.parameters();
  const event = app.event();
  postMessage({ type: 'state', gen, progress, event, params }, [params.buffer, progress.buffer]);
  lastPost = performance.now();
}

function fail(e) {
  playing = false;
  postMessage({ type: 'error', message: String((e && e.message) || e) });
}

function loop() {
  if (!playing) return;
  try {
    app.train(CHUNK_MS);
    if (performance.now() - lastPost >= POST_EVERY_MS) post();
  } catch (e) {
    fail(e);
    return;
  }
  setTimeout(loop, 0);
}

onmessage = async ({ data: m }) => {
  await ready;
  try {
    if (m.type === 'init') {
      app = new App(m.hash);
    } else if (m.type === 'set') {
      app.set(m.key, m.value);
    } else if (m.type === 'reset') {
      app.reset();
    } else if (m.type === 'play') {
      playing = m.on;
      if (playing) loop(); else post();
      return;
    } else if (m.type === 'step') {
      app.step();
    }
    if (m.gen !== undefined && m.gen !== gen) {
      gen = m.gen;
      sent = [0, 0];
    }
    post();
  } catch (e) {
    fail(e);
  }
};
postMessage({ type: 'hello' });
