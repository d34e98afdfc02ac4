// Canvases as sharp as the screen: each panel canvas's backing store is its CSS size times
// the device pixel ratio, set again whenever either changes (a resize, a zoom, a window
// moved to another screen), and its panel redrawn. The drawing code lays charts out in
// CSS pixels (src/draw/scaled.rs), so their text keeps its size on the page.

// `redraw(id)` queues the panel of the canvas `id`. Each canvas keeps the shape of its
// width and height attributes in index.html (its CSS aspect ratio) unless the page sets one.
export function sizeCanvases(redraw) {
  const observer = new ResizeObserver((entries) => {
    for (const e of entries) {
      const c = e.target;
      // The CSS size times the ratio (an emulated ratio leaves the device-pixel box at
      // CSS size; observing that box still reports a real ratio's changes).
      const w = Math.round(e.contentRect.width * devicePixelRatio);
      const h = Math.round(e.contentRect.height * devicePixelRatio);
      if (w < 1 || h < 1 || (c.width === w && c.height === h)) continue;
      c.width = w;
      c.height = h;
      redraw(c.id);
    }
  });
  for (const c of document.querySelectorAll('.panel canvas')) {
    if (!c.style.aspectRatio) c.style.aspectRatio = `${c.width} / ${c.height}`;
    try {
      observer.observe(c, { box: 'device-pixel-content-box' });
    } catch {
      observer.observe(c);
    }
  }
}
