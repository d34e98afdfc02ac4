// The training thread: its own App with the page's settings trains full-time and sends
// parameters, new history points and progress back; the page only draws. Its messages, in
// and out, are defined in protocol.js. Every state echoes the generation of the flow it
// belongs to, so the page can drop stale ones. With `threads=N` in its address (or a
// 'threads' message) it trains with N - 1 helper threads (threads.js).
import { loadEngine } from './engine.js';
import { dispatch, errorText, make, FROM_WORKER, TO_WORKER } from './protocol.js';
import { helperNote, setThreads, sharedStep, threadCount } from './threads.js';

const CHUNK_MS = 40;
const POST_EVERY_MS = 60;
// The page's build, named in this worker's address (engine.js); null if it failed to load.
const ready = loadEngine().catch((e) => {
  postMessage(make(FROM_WORKER, 'failed', { message: errorText(e) }));
  return null;
});
// The worker's state: its App, its engine, the flow's generation, whether it trains, when it
// last posted, and whether changes wait to be applied (a burst of them builds one flow).
// `busy` is the shared step in flight: messages wait for it to end.
const w = { app: null, engine: null, gen: 0, playing: false, lastPost: 0, flushDue: false, busy: null, looping: false, threadsSet: false };
const threadsAsked = Number(new URLSearchParams(self.location.search).get('threads')) || 1;

function post() {
  const progress = w.app.take_progress();
  const params = w.app.parameters();
  const event = w.app.event();
  const memory = w.engine.memory.buffer.byteLength;
  const [threads, helpers] = [threadCount(), helperNote()];
  postMessage(make(FROM_WORKER, 'state', { gen: w.gen, progress, event, params, memory, threads, helpers }), [params.buffer, progress.buffer]);
  w.lastPost = performance.now();
}

function fail(e) {
  w.playing = false;
  postMessage(make(FROM_WORKER, 'error', { message: errorText(e) }));
}

// Applies the changes received so far (one rebuild for a burst), evaluates a new flow and
// tells the page.
function flush() {
  w.flushDue = false;
  try {
    w.app.apply(Infinity);
    w.app.evaluate();
    post();
  } catch (e) {
    fail(e);
  }
}

// Trains for about `budget` ms with each step shared with the helper threads; false if
// this flow's steps cannot be shared (then `train` does it on this thread).
async function trainShared(budget) {
  w.app.train_start();
  const start = performance.now();
  let steps = 0;
  while (w.app.begin_step()) {
    steps += 1;
    w.busy = sharedStep(w.app);
    await w.busy;
    if (performance.now() - start >= budget || !w.playing) break;
  }
  w.busy = null;
  w.app.train_end();
  return steps > 0;
}

// The training loop while playing (one at a time).
async function loop() {
  if (w.looping) return;
  w.looping = true;
  while (w.playing) {
    try {
      if (w.flushDue) flush();
      if (!(threadCount() > 1 && await trainShared(CHUNK_MS))) w.app.train(CHUNK_MS);
      if (performance.now() - w.lastPost >= POST_EVERY_MS) post();
    } catch (e) {
      w.busy = null;
      fail(e);
      break;
    }
    await new Promise((ok) => setTimeout(ok, 0));
  }
  w.looping = false;
}

// What a handler returns when its message changed the lab: the flow is rebuilt once the
// messages already queued have run.
const CHANGED = true;

// Runs `work()` a piece at a time, between messages and training chunks, until it says it
// is done, then `done()`. A newer measurement (or a new App) stops an older one.
function measure(work, done) {
  const run = w.measuring = (w.measuring || 0) + 1;
  const next = () => {
    if (w.measuring !== run) return;
    try {
      if (!work()) {
        setTimeout(next, 0);
        return;
      }
      done();
    } catch (e) {
      fail(e);
    }
  };
  setTimeout(next, 0);
}

// MAF against IAF on this flow and its twin, then as D grows: each measured a piece at a
// time (a training step of the largest flow takes a second or more) and sent.
function measureCosts(gen) {
  w.app.costs_start();
  measure(() => w.app.costs_work(), () => {
    postMessage(make(FROM_WORKER, 'cost', { gen, json: w.app.costs_result() }));
    w.app.sweep_start();
    measure(() => w.app.sweep_work(), () => {
      postMessage(make(FROM_WORKER, 'dimensions', { gen, values: w.app.sweep_result() }));
    });
  });
}

const handlers = {
  ping: (m) => postMessage(make(FROM_WORKER, 'pong', { id: m.id })),
  cost(m) {
    measureCosts(m.gen);
  },
  // The model file as a Blob made here: the page never copies a large file (a Blob of
  // the largest flow's 118 MB made on the page was a 150 ms task there).
  export(m) {
    const blob = new Blob([w.app.export('model')], { type: 'application/json' });
    postMessage(make(FROM_WORKER, 'model', { id: m.id, blob }));
  },
  play(m) {
    w.playing = m.on;
    if (w.playing) loop(); else post();
  },
  init(m) {
    w.measuring = (w.measuring || 0) + 1;
    w.app = new w.engine.module.App('');
    if (m.points) w.app.set_points(m.points);
    if (m.model) w.app.import_model(typeof m.model === 'string' ? m.model : new TextDecoder().decode(m.model));
    else w.app.load(m.hash);
    if (m.params) {
      w.app.absorb(m.params, m.progress, m.event);
      w.app.resume();
    }
    return CHANGED;
  },
  settings(m) {
    w.app.adopt(m.hash);
    return CHANGED;
  },
  points(m) {
    w.app.set_points(m.values);
    return CHANGED;
  },
  reset() {
    w.app.reset();
    return CHANGED;
  },
  step() {
    w.app.step();
    return CHANGED;
  },
  best() {
    w.app.restore_best();
    return CHANGED;
  },
  threads(m) {
    setThreads(m.n, w.engine.name);
    return CHANGED;
  },
};

onmessage = async ({ data: m }) => {
  w.engine = await ready;
  if (!w.engine) return;
  if (!w.threadsSet) {
    w.threadsSet = true;
    setThreads(threadsAsked, w.engine.name);
  }
  // A shared step in flight ends first (or fails: the loop reports that): nothing changes
  // the lab under it.
  while (w.busy) await w.busy.catch(() => {});
  try {
    if (dispatch(TO_WORKER, handlers, m) !== CHANGED) return;
    if (m.gen !== undefined) w.gen = m.gen;
  } catch (e) {
    fail(e);
    return;
  }
  // Messages already queued run first: a burst of changes is applied once.
  if (!w.flushDue) {
    w.flushDue = true;
    setTimeout(async () => {
      while (w.busy) await w.busy.catch(() => {});
      if (w.flushDue) flush();
    }, 0);
  }
};
