// MAF against IAF as D grows, page side: the training worker measures both directions at
// D = 2..64 after each change (src/session/dimension_cost.rs); the App draws the chart and
// says what it shows (src/web/dimension_cost.rs); this writes the caption from its claims.
import { state, $, fmt } from './state.js';

// The caption while a measurement is under way, or without a worker (null).
export function awaitDimensionCost(worker) {
  $('dimension-text').textContent = worker
    ? 'Measuring MAF and IAF at D = 2 to 64 in the training worker (a few ms at a time, between training steps)…'
    : 'Measured by the training worker; training runs on this page\'s thread now, so the timings are left out.';
}

// The worker's measurement (flat numbers), taken by the App and drawn.
export function showDimensionCost(values) {
  state.app.take_dimension_costs(values);
  renderDimensionCost();
}

const times = (r) => (r >= 10 ? Math.round(r) : fmt(r, 1));

export function renderDimensionCost() {
  state.app.render('dimension-cost');
  const m = JSON.parse(state.app.read('dimension-cost'));
  if (!m) return;
  const top = m.claims[m.claims.length - 1];
  // Where a direction's two figures overlap, the chart claims no difference there.
  const noise = (key) => m.claims.filter((c) => c[key]).map((c) => c.dim).join(', ');
  const [maf, iaf] = [noise('maf_within_noise'), noise('iaf_within_noise')];
  let within = '';
  if (maf && maf === iaf) within = ` At D = ${maf} the density and sample times of each direction are within noise (their ranges overlap).`;
  else {
    if (maf) within += ` At D = ${maf} MAF's two times are within noise.`;
    if (iaf) within += ` At D = ${iaf} IAF's two times are within noise.`;
  }
  $('dimension-text').textContent = `At D = ${top.dim}, MAF's samples took ${times(top.maf_ratio)}x as long as its densities `
    + `and IAF's densities ${times(top.iaf_ratio)}x as long as its samples (medians of 5 rounds; whiskers: fastest to slowest).${within}`;
}
