// The mechanism views' page side: probing the density map (click, tap, drag, arrow keys),
// dragging the slice line, the probe table, the latent panel's caption and the MAF/IAF
// cost table. The numbers come from the App (src/web/views.rs); this only lays them out.
import { state, $, fmt, pictureView } from './state.js';
import { renderTransform } from './transform.js';

const WINDOW = 4; // the view window is [-4, 4]^2
// A press this close to the slice line (in data units) drags the line instead of probing.
const LINE_GRAB = 0.2;
const NUDGE = 0.05;

const pt = (p) => `(${p.map((v) => fmt(v)).join(', ')})`;
const sub = (i) => `x${i + 1}`;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs);
  e.append(...children);
  return e;
}

// The 2x2 Jacobian with the ordering's forced zero marked.
function jacobian(step) {
  const forced = new Set(step.zeros.map(([i, j]) => `${i},${j}`));
  const grid = el('span', { className: 'jac' });
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const v = step.jacobian[2 * i + j];
      const why = `∂${sub(i)}'/∂${sub(j)}: ${sub(j)} comes after ${sub(i)} in this layer's order, so it is 0 by construction`;
      grid.append(forced.has(`${i},${j}`)
        ? el('span', { className: 'forced', title: why, textContent: '0*' })
        : el('span', { textContent: fmt(v) }));
    }
  }
  return grid;
}

// Fills the probe panel from App.read('probe') (nothing probed: the hint stays).
export function renderProbe() {
  const p = JSON.parse(state.app.read('probe'));
  if (!p) return;
  const head = el('tr', {}, ...['layer', 'order', 'in → out', 'Jacobian', 'log|det|'].map((h) => el('th', { textContent: h })));
  const rows = p.steps.map((s) => {
    const io = el('td', {}, `${pt(s.input)} → ${pt(s.output)}`);
    if (s.passes.length) {
      io.append(el('div', { className: 'passes', textContent: s.passes.map((v, i) => `pass ${i + 1}: ${pt(v)}`).join(' · ') }));
    }
    return el('tr', {},
      el('td', { textContent: `T${s.layer}⁻¹` }),
      el('td', { textContent: s.order.map(sub).join(', ') }),
      io,
      el('td', {}, jacobian(s)),
      el('td', { textContent: fmt(s.log_det) }));
  });
  const map = p.map
    ? `density map at this cell: ${fmt(p.map.value)} (cell centre ${pt(p.map.centre)})`
    : 'outside the density map';
  $('probe').replaceChildren(
    el('p', { className: 'sum', textContent: `x = ${pt(p.x)} at step ${p.step}` }),
    el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)),
    el('p', { className: 'sum' },
      `z = ${pt(p.z)}: log ${p.learned_base ? 'N(z; μ, σ²) (the learned base)' : 'N(z; 0, I)'} = ${fmt(p.log_normal)}, Σ log|det| = ${fmt(p.log_det)}, so `,
      el('b', { id: 'probe-logp', textContent: `log p(x) = ${fmt(p.log_p)}` }),
      el('span', { id: 'probe-map', textContent: `; ${map}` })),
    el('p', { className: 'hint', textContent: '0* = zero because of the ordering (hover it).' }));
}

// While training, the digits' probe is drawn again at most this often (64 reverse passes
// over 64 copies of the image, a layer: a few times a panel's cost).
const JACOBIAN_PERIOD_MS = 3000;
let jacobianAt = -Infinity;

// The digits' probe: each layer's Jacobian at the chosen image, and the sum in words.
// `why`: 'asked' (the button, the image's number, a resize) draws it; 'change' (a new
// flow, a pause) too, but for an IAF, whose density is a 64-pass solve a layer (about a
// second here), it says so and waits to be asked; 'turn' (training) draws a MAF's every
// JACOBIAN_PERIOD_MS.
export function renderJacobian(why = 'asked') {
  const now = performance.now();
  const iaf = state.app.get('flow') === 'iaf';
  if (why === 'turn' && (iaf || now - jacobianAt < JACOBIAN_PERIOD_MS)) return;
  if (why === 'change' && iaf) {
    $('jacobian-text').textContent = 'An IAF scores an image by a 64-pass solve a layer, so its Jacobians take about a second on this page: press Probe again to draw them.';
    return;
  }
  jacobianAt = now;
  const r = JSON.parse(state.app.render('jacobian'));
  if (!r) {
    $('jacobian-text').textContent = 'No such image: the samples panel shows 40 (1 to 40).';
    return;
  }
  $('jacobian-text').textContent = `Image ${r.image} at step ${r.step}: log N(z; 0, I) = ${fmt(r.log_normal)}, `
    + `Σ log|det| = ${r.layers.map((l) => fmt(l.log_det)).join(' + ')} = ${fmt(r.log_det)}, so log p(x) = ${fmt(r.log_p)} `
    + `for its logits x, and log p(y) = ${fmt(r.log_p_y)} nats with the pre-processing's log-det ${fmt(r.pre_log_det)}.`;
}

// Draws the latent panel and writes its uniformity number.
export function renderLatent() {
  const r = JSON.parse(state.app.render('latent'));
  const verdict = r.ks_max < r.threshold ? 'as uniform as uniform draws would be' : 'not uniform yet';
  $('latent-ks').textContent = `Largest Kolmogorov–Smirnov distance of u's marginals from uniform: ${fmt(r.ks_max)} `
    + `over ${r.n} ${r.mapped} (uniform draws stay under ${fmt(r.threshold)} 95% of the time): ${verdict}.`;
}

// Data coordinates of a pointer event over the heatmap's plot area, or null.
export function toData(e) {
  const c = $('heatmap');
  const [x0, x1, y0, y1] = state.app.heatmap_rect();
  if (x1 <= x0) return null;
  const r = c.getBoundingClientRect();
  const px = ((e.clientX - r.left) * c.width) / r.width;
  const py = ((e.clientY - r.top) * c.height) / r.height;
  const x = -WINDOW + (2 * WINDOW * (px - x0)) / (x1 - x0);
  const y = WINDOW - (2 * WINDOW * (py - y0)) / (y1 - y0);
  return Math.abs(x) <= WINDOW && Math.abs(y) <= WINDOW ? [x, y] : null;
}

// The heatmap at the next frame however fast the pointer moves; the panels that follow
// the pointer are queued, one per frame (frame.js), so that no task draws them all.
function redraw(panels) {
  for (const p of panels) if (!state.drawQueue.includes(p)) state.drawQueue.push(p);
  if (state.viewsDue) return;
  state.viewsDue = true;
  requestAnimationFrame(() => {
    state.viewsDue = false;
    state.app.render(pictureView());
  });
}

export function probeAt(p) {
  state.app.set_probe(p[0], p[1]);
  state.probed = p;
  redraw([renderProbe, 'composition', renderTransform]);
}

// Hover or tap on a MADE's matrices lights up one coordinate's paths (App.pick_mask).
function wireMadePick(id, draw) {
  const c = $(id);
  let last = -1;
  const pick = (e) => {
    const r = c.getBoundingClientRect();
    const p = e ? state.app.pick_mask(id, e.clientX - r.left, e.clientY - r.top) : state.app.pick_mask(id, -1, -1);
    if (p === last) return;
    last = p;
    requestAnimationFrame(draw);
  };
  // Where a unit's degree has no room for its label, the tooltip says it.
  const degree = (e) => {
    const r = c.getBoundingClientRect();
    c.title = state.app.mask_unit_at(id, e.clientX - r.left, e.clientY - r.top);
  };
  c.addEventListener('pointermove', (e) => { pick(e); degree(e); });
  c.addEventListener('pointerdown', pick);
  c.addEventListener('pointerleave', () => pick(null));
}

export function wireViews() {
  $('jacobian-image').addEventListener('change', () => {
    state.app.set_jacobian_image(Number($('jacobian-image').value) || 1);
    redraw([renderJacobian]);
  });
  $('jacobian-again').addEventListener('click', () => redraw([renderJacobian]));
  wireMadePick('masks', () => state.app.render('masks'));
  wireMadePick('explorer', () => {
    try { state.app.render('explorer'); } catch { /* its message is under the explorer (renderStatic) */ }
  });
  const c = $('heatmap');
  // A press near the slice line moves the line only once the pointer moves (4 px); let go
  // where it was pressed, it probes there, as a press anywhere else does (a tap on a phone
  // near the line probed nothing and nudged the line).
  let dragging = null;
  let pressed = null;
  c.addEventListener('pointerdown', (e) => {
    // With the brush on, the map is for drawing (user-data.js).
    const p = !state.brush && toData(e);
    if (!p) return;
    const [axis, at] = state.app.slice_line();
    dragging = Math.abs(p[axis] - at) < LINE_GRAB ? 'line?' : 'probe';
    pressed = { x: e.clientX, y: e.clientY, p };
    c.setPointerCapture(e.pointerId);
    c.focus();
    if (dragging === 'probe') probeAt(p);
  });
  c.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    if (dragging === 'line?' && Math.hypot(e.clientX - pressed.x, e.clientY - pressed.y) > 4) dragging = 'slice';
    const p = toData(e);
    if (!p || dragging === 'line?') return;
    if (dragging === 'probe') {
      probeAt(p);
    } else {
      state.app.set_slice(p[state.app.slice_line()[0]]);
      redraw(['slice']);
    }
  });
  c.addEventListener('pointerup', () => {
    if (dragging === 'line?') probeAt(pressed.p);
    dragging = null;
  });
  c.addEventListener('pointercancel', () => { dragging = null; });
}

// Moves the probe by an arrow key (five times as far with shift); false for other keys.
export function nudgeProbe(key, shift) {
  const step = shift ? 5 * NUDGE : NUDGE;
  const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[key];
  if (!move) return false;
  const [x, y] = state.probed || [0, 0];
  const clamp = (v) => Math.max(-WINDOW, Math.min(WINDOW, v));
  probeAt([clamp(x + move[0]), clamp(y + move[1])]);
  return true;
}

// The cost table from App.costs_result() as the worker measured it ([current, twin]), or a
// note when there is no worker (null).
export function showCosts(json) {
  if (json === null) {
    $('cost').replaceChildren(el('tbody', {}, el('tr', {}, el('td', { textContent: 'Measured by the training worker; training runs on this page\'s thread now, so the timings are left out to keep the page responsive.' }))));
    return;
  }
  const [a, b] = JSON.parse(json);
  const ms = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
  const rows = [
    ['', `${a.flow} (this flow)`, `${b.flow} (its twin)`],
    ['1,000 densities', `${ms(a.density_ms)} ms`, `${ms(b.density_ms)} ms`],
    ['MADE passes per density (with products)', `${a.passes_density} (${a.products_density})`, `${b.passes_density} (${b.products_density})`],
    ['1,000 samples', `${ms(a.sample_ms)} ms`, `${ms(b.sample_ms)} ms`],
    ['MADE passes per sample (with products)', `${a.passes_sample} (${a.products_sample})`, `${b.passes_sample} (${b.products_sample})`],
    ['training steps/s', `${Math.round(a.steps_per_second)}`, `${Math.round(b.steps_per_second)}`],
  ];
  $('cost').replaceChildren(el('tbody', {}, ...rows.map((r, i) => el('tr', {}, ...r.map((v) => el(i === 0 ? 'th' : 'td', { textContent: v }))))));
}
