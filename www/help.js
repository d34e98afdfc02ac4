// Help that works on touch as well as with a mouse (nothing hides behind hover): each
// panel's "What am I looking at?" note behind a "?" button in its title, the status line's
// glossary, and the keyboard: space play/pause, S one step, R reset, P presentation,
// arrows move the probe.

// A panel's title as it reads on the page: its text, the values of its inline controls,
// without its buttons.
export function panelTitle(panel) {
  const h = panel.querySelector('h2');
  let text = '';
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) text += n.textContent;
    else if (n.tagName === 'INPUT') text += n.value;
    else if (n.tagName === 'SELECT') text += n.selectedOptions[0]?.textContent || '';
    else if (n.tagName !== 'BUTTON' && !n.hidden) n.childNodes.forEach(walk);
  };
  walk(h);
  return text.replace(/\s+/g, ' ').trim();
}

// A "?" button that opens and closes something: `open(on)` does it, `aria-expanded` says it.
function toggler(button, open) {
  button.setAttribute('aria-expanded', 'false');
  button.addEventListener('click', () => {
    const now = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(now));
    open(now);
  });
}

export function wireHelp() {
  for (const panel of document.querySelectorAll('section.panel')) {
    if (!panel.querySelector('.caption:not(.keep)')) continue;
    const h2 = panel.querySelector('h2');
    const b = document.createElement('button');
    b.className = 'about';
    b.textContent = '?';
    b.title = 'What am I looking at?';
    b.setAttribute('aria-label', `What am I looking at? (${panelTitle(panel)})`);
    toggler(b, (open) => panel.classList.toggle('explained', open));
    h2.append(b);
  }
  const help = document.getElementById('status-help');
  toggler(document.getElementById('status-help-button'), (open) => { help.hidden = !open; });
}

// Whether a key press belongs to a text box or a list (which keep their own keys).
export function typing(e) {
  const t = e.target;
  return ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName) && t.type !== 'checkbox' && t.type !== 'range';
}

// The page's keys (`on`: { play, step, reset, undo, present, nudge(key, shift) }); true
// when used.
export function pageKey(e, on) {
  if (typing(e) || e.altKey) return false;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.shiftKey) return on.undo(), true;
  if (e.ctrlKey || e.metaKey) return false;
  if (e.code === 'Space') return on.play(), true;
  if (e.key === 's' || e.key === 'S') return on.step(), true;
  if (e.key === 'r' || e.key === 'R') return on.reset(), true;
  if (e.key === 'p' || e.key === 'P') return on.present(), true;
  if ((e.key === '+' || e.key === '=' || e.key === '-') && on.resize) return on.resize(e.key === '-' ? -0.1 : 0.1);
  if (e.key.startsWith('Arrow') && !['BUTTON', 'INPUT'].includes(e.target.tagName)) return on.nudge(e.key, e.shiftKey);
  return false;
}
