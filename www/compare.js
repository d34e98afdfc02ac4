// The compare view's table: both models on both divergences, with standard errors, the
// winner of each column marked, the modes covered (8gaussians), each model's steps and its
// rollbacks (the guard restored its last good parameters; the status line warns of the
// page's own flow only).
import { state, $, fmt } from './state.js';

const cell = (row, text, cls) => {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.append(td);
  return td;
};

const estimate = (e) => (e.value === null ? 'infinite'
  : `${fmt(e.value)} \u00b1 ${fmt(e.se)}${e.heavy ? ' (heavy tail)' : ''}`);

function table(view) {
  const body = document.createElement('tbody');
  const head = body.insertRow();
  const eight = view.models.length === 2 && view.models[0].modes !== null;
  for (const h of ['', 'KL(p* || q): forward KL\u2019s objective', 'KL(q || p*): reverse KL\u2019s objective', ...(eight ? ['modes covered (of 8)'] : []), 'steps (training time)']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  if (view.models.length !== 2) {
    cell(body.insertRow(), 'scoring\u2026');
    return body;
  }
  const { wins } = view;
  view.models.forEach((m, i) => {
    const row = body.insertRow();
    cell(row, ['forward-KL model (left)', 'reverse-KL model (right)'][i], i ? 'model' : 'data');
    [m.kl_pq, m.kl_qp].forEach((e, k) => {
      const td = cell(row, estimate(e), wins[k] === i ? 'win' : '');
      if (wins[k] === i) td.title = 'lower by more than two standard errors of the difference';
      if (e.heavy) td.title = 'the terms\u2019 tail is so heavy that their variance is infinite: no standard error holds, and a typical estimate is low';
    });
    if (eight) cell(row, String(m.modes));
    const back = m.rollbacks ? ` \u00b7 ${m.rollbacks} rollback${m.rollbacks > 1 ? 's' : ''}` : '';
    cell(row, `${m.steps} (${fmt(m.seconds, 1)} s)${back}`, m.rollbacks ? 'warn' : '');
  });
  return body;
}

// Draws the compare view when the settings ask for it, and shows or hides its panel.
export function renderCompare() {
  const json = state.app.render('compare');
  $('panel-compare').hidden = !json;
  if (!json) return;
  const view = JSON.parse(json);
  $('compare-target').textContent = view.target;
  $('compare-note').hidden = view.mapped;
  $('compare-table').replaceChildren(table(view));
  $('compare-verdict').textContent = view.verdict;
  // Each call brings one model's picture up to date: paused, the other follows next frame
  // (training, the next turn brings it).
  if (!view.current && !state.playing && !state.drawQueue.includes(renderCompare)) {
    state.drawQueue.push(renderCompare);
  }
}
