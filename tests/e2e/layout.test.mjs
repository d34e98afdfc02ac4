// End-to-end: the page as a lecture hall and a phone see it. At a projector, a laptop, a
// small laptop and a phone, each at device pixel ratio 1 and 2: nothing overflows sideways,
// the density map, the samples and the loss fit the laptop's first screen with the
// transport in view, every canvas's backing store is its CSS size times the ratio, no
// chart text is smaller than 14 CSS pixels (as the drawing code set it on the canvas), and
// axe-core finds no serious or critical accessibility violation. Then the keyboard, a tap
// that probes, and every step of the guided tour, photographed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useBrowser, ARTEFACTS, settled, tourPreset } from './helpers.mjs';

const env = useBrowser();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SIZES = [[1920, 1080], [1366, 768], [1024, 768], [390, 844]];

// Every font the page's code sets on a canvas in the document, with the canvas's CSS
// pixels per backing pixel at that moment: the text's size on the page.
function recordCanvasFonts() {
  window.canvasFonts = [];
  const font = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, 'font');
  Object.defineProperty(CanvasRenderingContext2D.prototype, 'font', {
    get() { return font.get.call(this); },
    set(v) {
      const c = this.canvas;
      const px = Number(/([\d.]+)px/.exec(v)?.[1]);
      if (c.isConnected && c.clientWidth > 0 && px) {
        window.canvasFonts.push({ id: c.id, width: c.width, css: (px * c.clientWidth) / c.width });
      }
      font.set.call(this, v);
    },
  });
}

async function open(width, height, dpr, hash = '') {
  const context = await env.browser.newContext({
    viewport: { width, height }, deviceScaleFactor: dpr, hasTouch: width < 500, bypassCSP: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(recordCanvasFonts);
  await page.goto(`${env.server.url}?test#${hash}`);
  await page.waitForSelector('body[data-ready="1"][data-gpu]');
  await settled(page);
  return { page, context, errors };
}

// Every visible panel canvas has been drawn, text included, at its present size.
const allDrawn = () => [...document.querySelectorAll('.panel canvas')]
  .filter((c) => c.clientWidth > 0)
  .every((c) => window.canvasFonts.some((f) => f.id === c.id && f.width === c.width));

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

for (const [width, height] of SIZES) {
  test(`at ${width}x${height}: fits, sharp at DPR 1 and 2, text at least 14 px, accessible`, async () => {
    for (const dpr of [1, 2]) {
      const { page, context, errors } = await open(width, height, dpr);
      await page.click('#play');
      await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 200, null, { polling: 100 });
      await page.click('#play');
      await page.waitForFunction(allDrawn, null, { polling: 100 });
      const m = await page.evaluate(() => {
        const rect = (id) => document.getElementById(id).getBoundingClientRect();
        const canvases = [...document.querySelectorAll('.panel canvas')].filter((c) => c.clientWidth > 0)
          .map((c) => ({ id: c.id, w: c.width, h: c.height, cw: c.getBoundingClientRect().width, ch: c.getBoundingClientRect().height }));
        const fonts = window.canvasFonts.filter((f) => document.getElementById(f.id).width === f.width);
        return {
          scrollWidth: document.documentElement.scrollWidth, innerWidth, innerHeight,
          views: ['heatmap', 'samples-model', 'samples-data', 'loss'].map((id) => [id, rect(id).top, rect(id).bottom, rect(id).right]),
          canvases, smallest: Math.min(...fonts.map((f) => f.css)),
        };
      });
      const where = `${width}x${height} at DPR ${dpr}`;
      assert.ok(m.scrollWidth <= m.innerWidth, `${where}: the page is ${m.scrollWidth} px wide`);
      for (const c of m.canvases) {
        assert.ok(Math.abs(c.w - c.cw * dpr) <= 1 && Math.abs(c.h - c.ch * dpr) <= 1,
          `${where}: #${c.id} has ${c.w}x${c.h} pixels for ${c.cw}x${c.ch} CSS pixels`);
      }
      assert.ok(m.smallest >= 13.9, `${where}: chart text of ${m.smallest} px`);
      if (width === 1366) {
        for (const [id, top, bottom, right] of m.views) {
          assert.ok(top >= 0 && bottom <= m.innerHeight && right <= m.innerWidth, `${where}: #${id} spans ${top}..${bottom}, not in the first screen`);
        }
        await page.mouse.wheel(0, 2500);
        await page.waitForFunction(() => scrollY > 1000);
        const play = await page.evaluate(() => document.getElementById('play').getBoundingClientRect().toJSON());
        assert.ok(play.top >= 0 && play.bottom <= m.innerHeight, `${where}: Play scrolled away (${play.top})`);
        await page.evaluate(() => scrollTo(0, 0));
      }
      await page.screenshot({ path: `${ARTEFACTS}layout-${width}x${height}@${dpr}.png` });
      if (dpr === 1) {
        const violations = await axe(page);
        assert.deepEqual(violations, [], `${where}: axe-core`);
      }
      assert.deepEqual(errors, []);
      console.log(`${where}: ${m.canvases.length} canvases, smallest chart text ${m.smallest.toFixed(2)} px, page ${m.scrollWidth} px wide`);
      await context.close();
    }
  });
}

test('the keyboard trains, steps, resets and moves the probe; a tap on a phone probes', async () => {
  const { page, context, errors } = await open(1366, 768, 1);
  const step = async () => Number(/step (\d+)/.exec(await page.textContent('#status'))[1]);
  await page.keyboard.press('s');
  await page.waitForFunction(() => /step 1 /.test(document.getElementById('status').textContent));
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 50);
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  await page.waitForFunction(() => /step 0 /.test(document.getElementById('status').textContent));
  assert.equal(await step(), 0);
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#probe-logp');

  // Every control has a name a screen reader can say, and focus is visible.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  assert.deepEqual(errors, []);
  await context.close();
  const phone = await open(390, 844, 2);
  const box = await phone.page.locator('#heatmap').boundingBox();
  await phone.page.touchscreen.tap(box.x + box.width * 0.4, box.y + box.height * 0.4);
  await phone.page.waitForSelector('#probe-logp');
  await phone.page.click('#panel-density button.about');
  assert.equal(await phone.page.isVisible('#panel-density .caption:not(.keep)'), true, 'the note opens on a tap');
  await phone.page.screenshot({ path: `${ARTEFACTS}layout-phone-probe.png`, fullPage: false });
  // A tap right beside the slice line (x1 = 0) probes there and leaves the line where it is.
  const [, lineAt] = await phone.page.evaluate(() => window.arflowTest.app().slice_line());
  // x1 = 0.1 on the map, inside the line's grab zone (0.2), in CSS pixels.
  const nearX = await phone.page.evaluate(() => {
    const c = document.getElementById('heatmap');
    const [x0, x1] = window.arflowTest.app().heatmap_rect();
    const r = c.getBoundingClientRect();
    return r.left + ((x0 + ((0.1 + 4) / 8) * (x1 - x0)) * r.width) / c.width;
  });
  await phone.page.touchscreen.tap(nearX, box.y + box.height * 0.7);
  await phone.page.waitForFunction(() => Math.abs(JSON.parse(window.arflowTest.app().read('probe')).x[0] - 0.1) < 0.06);
  assert.equal((await phone.page.evaluate(() => window.arflowTest.app().slice_line()))[1], lineAt, 'the line stays');
  // The settings from the top of the page: a drawer over the panels, closed again.
  assert.ok(await phone.page.isVisible('#controls-open'));
  await phone.page.click('#controls-open');
  const drawer = await phone.page.locator('#controls').boundingBox();
  assert.ok(drawer.y <= 1 && await phone.page.isVisible('#layers'), JSON.stringify(drawer));
  await phone.page.screenshot({ path: `${ARTEFACTS}layout-phone-settings.png` });
  await phone.page.click('#controls-close');
  assert.equal(await phone.page.evaluate(() => document.body.classList.contains('drawer-open')), false);
  // The slice's three charts one above the other, so their ticks have room.
  await phone.page.locator('#panel-slice').scrollIntoViewIfNeeded();
  const slice = await phone.page.locator('#conditional').boundingBox();
  assert.ok(slice.height > 2 * slice.width, JSON.stringify(slice));
  await phone.page.locator('#panel-slice').screenshot({ path: `${ARTEFACTS}layout-phone-slice.png` });
  assert.deepEqual(phone.errors, []);
  await phone.context.close();
});

test('the tour starts at the warm-up; every later step sets itself up, trains and shows its panel', async () => {
  const { page, context, errors } = await open(1366, 768, 1);
  await page.click('#tour-open');
  assert.deepEqual(await axe(page), [], 'axe-core with the tour open');
  const count = await page.locator('#tour .tour-steps > li').count();
  for (let i = 0; i < count; i += 1) {
    const panel = await page.getAttribute(`#tour .tour-steps > li:nth-child(${i + 1}) button.preset`, 'data-panel');
    const nth = await page.evaluate(([i, panel]) => [...document.querySelectorAll('#tour .tour-steps > li')]
      .slice(0, i).filter((li) => li.querySelector(`button.preset[data-panel="${panel}"]`)).length, [i, panel]);
    await tourPreset(page, panel, nth);
    // A step that probes a point shows its table; one with a setup trains (the first, the
    // warm-up, has none: it only shows its panel).
    const button = `#tour .tour-steps > li:nth-child(${i + 1}) button.preset`;
    if (await page.getAttribute(button, 'data-probe')) await page.waitForSelector('#probe-logp');
    if (await page.getAttribute(button, 'data-preset')) await page.waitForFunction(() => Number(/step (\d+)/.exec(document.getElementById('status').textContent)?.[1]) >= 100, null, { polling: 100 });
    else assert.equal(i, 0, 'only the first step has no setup');
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }, panel);
    await page.screenshot({ path: `${ARTEFACTS}tour-${i + 1}.png` });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a presentation: larger chart text, no controls, only the panels kept, all in the link', async () => {
  const { page, context, errors } = await open(1920, 1080, 1, 'present=1&hide=masks,explorer');
  await page.waitForFunction(allDrawn, null, { polling: 100 });
  assert.equal(await page.evaluate(() => document.body.classList.contains('present')), true);
  assert.equal(await page.isVisible('aside.controls'), false, 'no controls');
  assert.equal(await page.isVisible('#panel-masks'), false);
  assert.equal(await page.isVisible('#panel-explorer'), false);
  assert.equal(await page.isVisible('#panel-loss'), true);
  const smallest = await page.evaluate(() => Math.min(...window.canvasFonts
    .filter((f) => document.getElementById(f.id).width === f.width).map((f) => f.css)));
  assert.ok(smallest >= 14 * 1.4 - 0.1, `presentation chart text of ${smallest} px`);
  assert.deepEqual(await axe(page), [], 'axe-core in a presentation');
  // A panel left out by its button goes into the link; "Show all" brings them back.
  await page.click('#panel-latent button.leave-out');
  await page.waitForFunction(() => location.hash.includes('hide=masks,latent,explorer'));
  assert.equal(await page.isVisible('#panel-latent'), false);
  await page.screenshot({ path: `${ARTEFACTS}presentation-1920x1080.png` });
  await page.click('#show-all');
  await page.waitForFunction(() => !/hide=[a-z]/.test(location.hash));
  assert.equal(await page.isVisible('#panel-masks'), true);
  // P leaves the presentation, and the controls are back.
  await page.keyboard.press('p');
  await page.waitForFunction(() => !document.body.classList.contains('present'));
  assert.equal(await page.isVisible('aside.controls'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a presentation scales all text, tables and the tour alike, at the size the lecturer picks; on a laptop the probe is beside the map', async () => {
  const { page, context, errors } = await open(1366, 768, 1, 'present=1');
  await page.waitForFunction(allDrawn, null, { polling: 100 });
  const box = await page.locator('#heatmap').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.55);
  await page.waitForSelector('#probe table');
  const sizes = () => page.evaluate(() => {
    const px = (sel) => Math.round(10 * parseFloat(getComputedStyle(document.querySelector(sel)).fontSize)) / 10;
    return {
      probeTable: px('#probe td'), probeSum: px('#probe .sum'), caption: px('#panel-density .caption'),
      status: px('#status'), title: px('header h1'), tour: px('#tour'), costs: px('#panel-cost table.cost'),
    };
  });
  const at14 = await sizes();
  // Everything 1.4 times its ordinary size: the probe's table as its sentence (13 px both).
  assert.deepEqual(at14, { probeTable: 18.2, probeSum: 18.2, caption: 18.2, status: 21, title: 28, tour: 21, costs: 18.2 }, JSON.stringify(at14));
  // The probe and the density map in one screen, at a laptop's size.
  const view = page.viewportSize();
  const [map, probe] = [await page.locator('#heatmap').boundingBox(), await page.locator('#probe table').boundingBox()];
  assert.ok(map.y >= 0 && probe.y + 40 < view.height && probe.x > map.x + map.width, JSON.stringify({ map, probe }));
  // + makes everything larger, kept in the link.
  await page.keyboard.press('+');
  await page.waitForFunction(() => location.hash.includes('pscale=1.5'));
  const at15 = await sizes();
  assert.ok(Math.abs(at15.probeTable - 19.5) < 0.01 && Math.abs(at15.title - 30) < 0.01, JSON.stringify(at15));
  assert.match(await page.textContent('#present-size'), /150%/);
  await page.screenshot({ path: `${ARTEFACTS}presentation-1366x768.png` });
  // Out of the presentation every size is its own again.
  await page.keyboard.press('p');
  await page.waitForFunction(() => !document.body.classList.contains('present'));
  assert.equal((await sizes()).probeTable, 13);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a MADE as matrices: the staircase, and a picked coordinate lights its paths', async () => {
  const { page, context, errors } = await open(1366, 768, 1, 'mdim=5&mhidden=12,10&maskview=matrix');
  await page.locator('#panel-explorer').scrollIntoViewIfNeeded();
  await page.waitForFunction(allDrawn, null, { polling: 100 });
  // Pixels in the highlight colour (MODEL, #de5428) on the explorer's canvas.
  const litPixels = () => {
    const c = document.getElementById('explorer');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 222 && d[i + 1] === 84 && d[i + 2] === 40) n += 1;
    return n;
  };
  const lit = () => page.evaluate(litPixels);
  assert.equal(await lit(), 0, 'nothing lit before a pick');
  const box = await page.locator('#explorer').boundingBox();
  // Find the product's row of x3 (the third in the natural order) through the App's zones:
  // sweep the right half of the canvas until a pick answers 2.
  const at = await page.evaluate(([w, h]) => {
    const app = window.arflowTest.app();
    for (let y = 0; y < h; y += 2) for (let x = w * 0.6; x < w; x += 4) if (app.pick_mask('explorer', x, y) === 2) return [x, y];
    return null;
  }, [box.width, box.height]);
  assert.ok(at, 'the product has a row for x3');
  await page.mouse.move(box.x + at[0], box.y + at[1]);
  await page.waitForFunction(`(${litPixels})() > 0`, null, { polling: 100 });
  const some = await lit();
  await page.locator('#panel-explorer').screenshot({ path: `${ARTEFACTS}made-matrices.png` });
  await page.mouse.move(5, 5);
  await page.waitForFunction(`(${litPixels})() === 0`, null, { polling: 100 });
  assert.ok(some > 50, `${some} lit pixels`);
  // Hovering a hidden unit's row tells its degree, and the tooltip agrees with the explorer's
  // own degrees (the engine's), wherever a label did not fit.
  const first = await page.evaluate(([w, h]) => {
    const app = window.arflowTest.app();
    for (let y = 0; y < h; y += 2) for (let x = 0; x < w * 0.3; x += 3) {
      const t = app.mask_unit_at('explorer', x, y);
      if (t.startsWith('hidden layer 1')) return [x, y, t];
    }
    return null;
  }, [box.width, box.height]);
  assert.ok(first, 'a hidden layer answers');
  assert.match(first[2], /^hidden layer 1: m\(k\) = [1-4], so it may see the inputs of degree 1 to [1-4]$/);
  await page.mouse.move(box.x + first[0], box.y + first[1]);
  await page.waitForFunction((t) => document.getElementById('explorer').title === t, first[2]);
  assert.deepEqual(errors, []);
  await context.close();
});
