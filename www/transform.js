// The transform panel's page side: App.render('transform') draws the chosen layer's map of
// one coordinate at the probed point; this writes its caption from the numbers it returns,
// and the learnable base's numbers under the composition.
import { state, $, fmt } from './state.js';

export function renderTransform() {
  const m = JSON.parse(state.app.render('transform'));
  const spline = m.knots > 0;
  const given = m.given.length
    ? `given ${m.given.map(([name, v]) => `${name} = ${fmt(v)}`).join(', ')}`
    : `given nothing: ${m.from} is first in this layer's order, so its map is the same for every point`;
  const where = m.probed ? 'the probed point' : 'the origin (click the density map to probe a point)';
  const kind = spline ? `a monotone spline with ${m.knots - 1} bins (dots: its knots)` : 'an affine map, a straight line';
  $('transform-text').textContent = `Layer ${m.layer} maps ${m.from} to ${m.to} by ${kind}, ${given}, at ${where}: `
    + `${m.from} = ${fmt(m.point[0])} goes to ${m.to} = ${fmt(m.point[1])}, with log slope ${fmt(m.log_slope)} `
    + `(this coordinate's share of the layer's log|det|).`;
  $('composition-base').textContent = JSON.parse(state.app.read('model')).base;
}
