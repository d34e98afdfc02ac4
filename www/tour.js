// The guided tour at the top of the page: one step at a time, each with a one-click setup
// that writes the settings, starts training and points at the panel to watch. The step a
// visitor reached is remembered (local storage) for the next visit.
import { $ } from './state.js';

const KEY = 'arflow.tour';
const steps = () => [...document.querySelectorAll('#tour .tour-steps > li')];
const reduced = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

function show(n) {
  const all = steps();
  const at = Math.max(0, Math.min(all.length - 1, n));
  all.forEach((li, i) => { li.hidden = i !== at; });
  $('tour-count').textContent = `Step ${at + 1} of ${all.length}`;
  $('tour-prev').disabled = at === 0;
  $('tour-next').disabled = at === all.length - 1;
  try { localStorage.setItem(KEY, String(at)); } catch { /* private mode: not remembered */ }
  return at;
}

function open(on) {
  $('tour').hidden = !on;
  $('tour-open').setAttribute('aria-expanded', String(on));
  $('tour-open').classList.toggle('on', on);
}

// Brings `panel` into view and marks it for a moment (no animation with reduced motion).
function pointAt(panel) {
  panel.hidden = false;
  panel.scrollIntoView({ behavior: reduced() ? 'auto' : 'smooth', block: 'start' });
  panel.classList.add('watch');
  setTimeout(() => panel.classList.remove('watch'), 2500);
}

// A panel brought into view lands below the sticky header, status and tour (where they
// stick: not on a phone).
function keepClearOfTheTop() {
  const top = document.querySelector('.top');
  new ResizeObserver(() => {
    const sticky = getComputedStyle(top).position === 'sticky';
    document.documentElement.style.scrollPaddingTop = sticky ? `${top.offsetHeight + 8}px` : '';
  }).observe(top);
}

// `on.start(hash)` loads settings, `on.play()` starts training, `on.probe([x1, x2])`
// probes a point (a step's `data-probe`).
export function wireTour(on) {
  keepClearOfTheTop();
  let saved = 0;
  try { saved = Number(localStorage.getItem(KEY)) || 0; } catch { /* private mode */ }
  let at = show(saved);
  $('tour-open').addEventListener('click', () => open($('tour').hidden));
  $('tour-close').addEventListener('click', () => open(false));
  $('tour-prev').addEventListener('click', () => { at = show(at - 1); });
  $('tour-next').addEventListener('click', () => { at = show(at + 1); });
  // A step's button sets up its preset and trains, or (no preset: the warm-up) only
  // brings its panel into view.
  for (const b of document.querySelectorAll('#tour [data-panel]')) {
    b.addEventListener('click', () => {
      if (b.dataset.preset) {
        on.start(b.dataset.preset);
        on.play();
      }
      if (b.dataset.probe) on.probe(b.dataset.probe.split(',').map(Number));
      pointAt($(b.dataset.panel));
    });
  }
}
