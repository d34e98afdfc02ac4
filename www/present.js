// Presentation: larger type (the page's and the charts': src/web/dom.rs reads the body's
// class), no controls, and only the panels the lecturer keeps. The `present` and `hide`
// settings hold it, so a link opens the same presentation.
import { state, $ } from './state.js';
import { panelTitle } from './help.js';

const hidden = () => state.app.get('hide').split(',').filter(Boolean);

// The page as the settings say: the body's class, the panels left out, the buttons.
export function showPresentation() {
  const on = state.app.get('present') === '1';
  const size = state.app.get('pscale');
  document.body.classList.toggle('present', on);
  // Every font size is a multiple of --ts; the charts read data-scale (src/web/dom.rs).
  document.documentElement.style.setProperty('--ts', on ? size : '1');
  document.body.dataset.scale = size;
  $('present-size').textContent = `${Math.round(100 * Number(size))}%`;
  const out = hidden();
  for (const panel of document.querySelectorAll('section.panel')) {
    panel.classList.toggle('dropped', out.includes(panel.id.replace('panel-', '')));
  }
  $('present-toggle').setAttribute('aria-pressed', String(on));
  $('show-all').hidden = !on || out.length === 0;
  $('show-all').textContent = `Show all panels (${out.length} left out)`;
}

// Into or out of the presentation (`set(key, value)` sets a field as its control would).
export function togglePresentation(set) {
  set('present', state.app.get('present') === '1' ? '0' : '1');
}

// The presentation's size one step (0.1) larger or smaller, within 1.2 to 2.
export function resizePresentation(set, by) {
  const next = Math.min(2, Math.max(1.2, Math.round(10 * (Number(state.app.get('pscale')) + by)) / 10));
  set('pscale', String(next));
}

export function wirePresentation(set) {
  $('present-toggle').addEventListener('click', () => togglePresentation(set));
  $('present-smaller').addEventListener('click', () => resizePresentation(set, -0.1));
  $('present-larger').addEventListener('click', () => resizePresentation(set, 0.1));
  $('show-all').addEventListener('click', () => set('hide', ''));
  for (const panel of document.querySelectorAll('section.panel')) {
    const b = document.createElement('button');
    b.className = 'leave-out';
    b.textContent = 'Hide';
    b.title = 'Leave this panel out of the presentation';
    b.setAttribute('aria-label', `Hide ${panelTitle(panel)} (leave it out of the presentation)`);
    b.addEventListener('click', () => set('hide', [...hidden(), panel.id.replace('panel-', '')].join(',')));
    panel.querySelector('h2').append(b);
  }
}
