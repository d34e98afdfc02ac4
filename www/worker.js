// The training thread: its own App with the page's settings trains full-time and sends
// parameters, new history entries and progress back; the page only draws. Messages in:
// {type: 'init' | 'set' | 'reset' | 'play' | 'step', gen, ...}; out: {type: 'state', gen,
// params, progress, event} (progress is src/session/sync.rs's codec) or {type: 'error',
// message}. Every state echoes the generation of the flow it belongs to, so the page can
// drop stale ones.
import { loadEngine } from './engine.js';

const CHUNK_MS = 40;
const POST_EVERY_MS = 60;
// The page's build, named in this worker's address (engine.js).
const ready = loadEngine();
// The worker's state: its App, the flow's generation, whether it trains, the history
// entries already sent ([loss, test]) and when it last posted.
const w = { app: null, gen: 0, playing: false, sent: [0, 0], lastPost: 0 };

function post() {
  const progress = w.app.progress(w.sent[0], w.sent[1]);
  w.sent = Array.from(w.app.history_len());
  const params = w.app.parameters();
  const event = w.app.event();
  postMessage({ type: 'state', gen: w.gen, progress, event, params }, [params.buffer, progress.buffer]);
  w.lastPost = performance.now();
}

function fail(e) {
  w.playing = false;
  postMessage({ type: 'error', message: String((e && e.message) || e) });
}

function loop() {
  if (!w.playing) return;
  try {
    w.app.train(CHUNK_MS);
    if (performance.now() - w.lastPost >= POST_EVERY_MS) post();
  } catch (e) {
    fail(e);
    return;
  }
  setTimeout(loop, 0);
}

onmessage = async ({ data: m }) => {
  const engine = await ready;
  try {
    if (m.type === 'init') {
      w.app = new engine.module.App(m.hash);
    } else if (m.type === 'set') {
      w.app.set(m.key, m.value);
    } else if (m.type === 'reset') {
      w.app.reset();
    } else if (m.type === 'play') {
      w.playing = m.on;
      if (w.playing) loop(); else post();
      return;
    } else if (m.type === 'step') {
      w.app.step();
    }
    if (m.gen !== undefined && m.gen !== w.gen) {
      w.gen = m.gen;
      w.sent = [0, 0];
    }
    post();
  } catch (e) {
    fail(e);
  }
};
