// The one-dimensional warm-up, page side: the sliders, dragging the knots, moving the point
// (click, drag or arrow keys) and the sentence of numbers. The App computes and draws
// (src/views/warmup.rs, src/draw/warmup.rs); its JSON says where each chart lies.
import { state, $, fmt } from './state.js';

// A press this close to a knot (CSS px) drags it; farther for a finger.
const HANDLE = matchMedia('(pointer: coarse)').matches ? 22 : 12;
const NUDGE = 0.05;
let last = null; // the last render's JSON
let due = false;

// Whether the panel has been drawn (it is drawn once after the App starts).
export const warmupDrawn = () => last !== null;

// Draws the panel and writes its numbers (and the sliders' values).
export function renderWarmup() {
  last = JSON.parse(state.app.render('warmup'));
  const r = last.reading;
  const ratio = (r.x_interval[1] - r.x_interval[0]) / (r.z_interval[1] - r.z_interval[0]);
  let way = `${fmt(ratio, 2)} times as wide: the same probability `;
  if (Math.abs(ratio - 1) < 0.005) way = 'as wide: the same probability over the same room, so the density is the same';
  else way += ratio > 1 ? 'spread over more room, so the density is lower' : 'squeezed into less room, so the density is higher';
  const iv = (v) => `[${fmt(v[0], 2)}, ${fmt(v[1], 2)}]`;
  const outside = last.in_view < 0.9995 ? ` (${fmt(100 * (1 - last.in_view), 1)}% of p_X lies outside the view.)` : '';
  $('warmup-text').textContent = `At z₀ = ${fmt(r.z, 2)} the base density is p_Z(z₀) = ${fmt(r.p_z, 4)}. `
    + `The map sends it to x₀ = f(z₀) = ${fmt(r.x, 3)}, where it stretches by dx/dz = ${fmt(r.slope, 3)}, `
    + `so p_X(x₀) = p_Z(z₀) / |dx/dz| = ${fmt(r.p_z, 4)} / ${fmt(r.slope, 3)} = ${fmt(r.p_x, 4)}. `
    + `The interval ${iv(r.z_interval)} holds probability ${fmt(r.mass, 4)}; its image ${iv(r.x_interval)} holds the same ${fmt(r.mass, 4)}, `
    + `${way} (as the interval shrinks, the ratio of widths becomes dx/dz at z₀).${outside}`;
  for (const key of ['s', 't', 'width']) {
    const input = $(`warm-${key}`);
    [input.min, input.max] = last.ranges[key];
    if (document.activeElement !== input) input.value = last[key];
    $(`warm-${key}-value`).textContent = fmt(last[key], 2);
  }
}

function redraw() {
  if (due) return;
  due = true;
  requestAnimationFrame(() => {
    due = false;
    renderWarmup();
  });
}

// The chart (0: p_Z, 1: the map, 2: p_X) under a pointer event, and its coordinates there.
function locate(e) {
  if (!last) return null;
  const r = $('warmup').getBoundingClientRect();
  const [px, py] = [e.clientX - r.left, e.clientY - r.top];
  for (const [i, f] of last.frames.entries()) {
    if (px < f.left - HANDLE || px > f.right + HANDLE || py < f.top - HANDLE || py > f.bottom + HANDLE) continue;
    const u = f.x0 + ((f.x1 - f.x0) * (px - f.left)) / (f.right - f.left);
    const v = f.y1 - ((f.y1 - f.y0) * (py - f.top)) / (f.bottom - f.top);
    return { chart: i, u, v, px, py, f };
  }
  return null;
}

// The knot (1-based) within HANDLE pixels of a press on the map, or 0.
function knotAt(at) {
  const { f } = at;
  const toPx = ([z, x]) => [
    f.left + ((z - f.x0) * (f.right - f.left)) / (f.x1 - f.x0),
    f.top + ((f.y1 - x) * (f.bottom - f.top)) / (f.y1 - f.y0),
  ];
  const near = last.knots.map((k, i) => [Math.hypot(...toPx(k).map((v, j) => v - [at.px, at.py][j])), i + 1]);
  const [d, k] = near.reduce((a, b) => (b[0] < a[0] ? b : a), [Infinity, 0]);
  return d <= HANDLE ? k : 0;
}

// A press on p_Z or the map (away from a knot) puts z0 at its z; on p_X at f^-1(x).
function movePoint(at) {
  state.app.warmup_set(at.chart === 2 ? 'x' : 'at', at.u);
}

export function wireWarmup() {
  const c = $('warmup');
  let drag = null; // { knot } or { point: true }
  c.addEventListener('pointerdown', (e) => {
    const at = locate(e);
    if (!at) return;
    const knot = at.chart === 1 ? knotAt(at) : 0;
    drag = knot ? { knot } : { point: true };
    c.setPointerCapture(e.pointerId);
    c.focus();
    if (!knot) movePoint(at);
    redraw();
  });
  c.addEventListener('pointermove', (e) => {
    if (!drag) {
      const at = locate(e);
      c.style.cursor = at && at.chart === 1 && knotAt(at) ? 'ns-resize' : '';
      return;
    }
    const at = locate(e);
    if (!at) return;
    if (drag.knot) state.app.warmup_set(`knot${drag.knot}`, at.v);
    else movePoint(at);
    redraw();
  });
  const end = () => { drag = null; };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', end);
  // Left and right move z0 (the page's arrow keys move the probe; not from here).
  c.addEventListener('keydown', (e) => {
    if (!e.key.startsWith('Arrow')) return;
    e.stopPropagation();
    const step = { ArrowLeft: -NUDGE, ArrowRight: NUDGE }[e.key];
    if (step === undefined || !last) return;
    e.preventDefault();
    state.app.warmup_set('at', last.reading.z + (e.shiftKey ? 5 * step : step));
    redraw();
  });
  for (const key of ['s', 't', 'width']) {
    $(`warm-${key}`).addEventListener('input', (e) => {
      state.app.warmup_set(key, Number(e.target.value));
      redraw();
    });
  }
  $('warm-straighten').addEventListener('click', () => {
    state.app.warmup_set('straighten', 0);
    redraw();
  });
  $('warm-reset').addEventListener('click', () => {
    state.app.warmup_set('reset', 0);
    redraw();
  });
}
