//! The digits' pictures: grids of 8x8 images (data and model samples), the sequential view
//! (one sample and one density computed MADE pass by MADE pass, filling pixel after pixel),
//! and the held-out images in latent space (`z` as images, `u = Phi(z)` against uniform).

use super::{err, Area, DATA, FONT, INK, MODEL, TEXT, TITLE};
use crate::data::digits::{from_logit, SIDE};
use crate::views::latent::{histogram, LatentView};
use crate::views::sampling::Path;
use plotters::prelude::*;

/// A pixel value `y` in `[0, 1]` as grey ink on white (0 white, 1 black, as the data's
/// scans are drawn).
fn grey(y: f32) -> RGBColor {
    let v = (255.0 * (1.0 - y.clamp(0.0, 1.0))).round() as u8;
    RGBColor(v, v, v)
}

/// A latent value on a diverging scale: blue below 0, white at 0, red above, full at ±3.
fn diverging(z: f32) -> RGBColor {
    let t = (z / 3.0).clamp(-1.0, 1.0);
    let (hot, cold) = ((1.0 - t.max(0.0)) * 255.0, (1.0 + t.min(0.0)) * 255.0);
    if t >= 0.0 {
        RGBColor(255, hot as u8, hot as u8)
    } else {
        RGBColor(cold as u8, cold as u8, 255)
    }
}

/// One 8x8 image with its top left at `(x, y)`, `cell` pixels a pixel, coloured by
/// `colour`, with a thin frame.
fn image<DB: DrawingBackend>(
    area: &Area<DB>,
    (x, y): (i32, i32),
    cell: i32,
    values: &[f32],
    colour: &dyn Fn(usize, f32) -> RGBAColor,
) -> Result<(), String> {
    for (i, &v) in values.iter().enumerate() {
        let (r, c) = ((i / SIDE) as i32, (i % SIDE) as i32);
        let at = (x + c * cell, y + r * cell);
        let end = (at.0 + cell, at.1 + cell);
        area.draw(&Rectangle::new([at, end], colour(i, v).filled()))
            .map_err(err)?;
    }
    let side = cell * SIDE as i32;
    let frame = ShapeStyle::from(RGBColor(190, 190, 190)).stroke_width(1);
    area.draw(&Rectangle::new([(x, y), (x + side, y + side)], frame))
        .map_err(err)
}

fn title<DB: DrawingBackend>(area: &Area<DB>, text: &str, at: (i32, i32)) -> Result<(), String> {
    let style = (FONT, TITLE).into_font().color(&INK);
    area.draw(&Text::new(text.to_string(), at, style))
        .map_err(err)
}

fn note<DB: DrawingBackend>(area: &Area<DB>, text: &str, at: (i32, i32)) -> Result<(), String> {
    let style = (FONT, TEXT).into_font().color(&INK);
    area.draw(&Text::new(text.to_string(), at, style))
        .map_err(err)
}

/// Images `n x 64` of pixel values `y` as a grid under `caption`, as many columns as fit
/// square cells best; an empty list says `empty` instead.
pub fn image_grid<DB: DrawingBackend>(
    area: &Area<DB>,
    caption: &str,
    images: &[f32],
    empty: &str,
    model: bool,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let colour = if model { MODEL } else { DATA };
    title(area, caption, (6, 4))?;
    area.draw(&Rectangle::new([(6, 24), (46, 27)], colour.filled()))
        .map_err(err)?;
    let n = images.len() / (SIDE * SIDE);
    if n == 0 {
        note(area, empty, (6, 40))?;
        return area.present().map_err(err);
    }
    let (top, pad) = (34, 4);
    let (w, h) = (w as i32 - 8, h as i32 - top - 4);
    // The most columns whose square cells fit all `n` images.
    let fits = |cols: i32| {
        let rows = (n as i32 + cols - 1) / cols;
        ((w / cols).min(h / rows) - pad).max(SIDE as i32)
    };
    let cols = (1..=n as i32).max_by_key(|&c| fits(c)).unwrap_or(1);
    let size = fits(cols);
    let cell = (size / SIDE as i32).max(1);
    for (k, img) in images.chunks(SIDE * SIDE).enumerate() {
        let (r, c) = (k as i32 / cols, k as i32 % cols);
        let at = (4 + c * (size + pad), top + r * (size + pad));
        image(area, at, cell, img, &|_, v| grey(v).to_rgba())?;
    }
    area.present().map_err(err)
}

/// Where a path is after `t` MADE passes: the layer, the pass within it, the iterate.
fn at(path: &Path, t: usize) -> (usize, usize, &[f32]) {
    let mut left = t.max(1);
    for (k, layer) in path.layers.iter().enumerate() {
        let n = layer.iterates.len();
        if left <= n || k + 1 == path.layers.len() {
            let p = left.min(n);
            return (k, p, &layer.iterates[p - 1]);
        }
        left -= n;
    }
    (0, 0, &path.from)
}

/// One side of the sequential view: the iterate after `t` passes (pixels through the
/// inverse logit), the pixels a solve has not fixed yet washed out, the one it just fixed
/// ringed, and the pass count.
fn side<DB: DrawingBackend>(
    area: &Area<DB>,
    heading: &str,
    path: &Path,
    t: usize,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let total = path.passes();
    let t = t.min(total);
    title(area, heading, (6, 4))?;
    let size = ((w as i32 - 12).min(h as i32 - 84) / SIDE as i32).max(2) * SIDE as i32;
    let cell = size / SIDE as i32;
    let origin = (6, 26);
    let (k, p, values) = if t == 0 {
        (0, 0, path.from.as_slice())
    } else {
        at(path, t)
    };
    let layer = &path.layers[k];
    let solving = layer.iterates.len() > 1 && t > 0 && p < layer.iterates.len();
    let fixed: Vec<bool> = (0..values.len())
        .map(|i| !solving || layer.order[..p].contains(&i))
        .collect();
    image(area, origin, cell, values, &|i, v| {
        let c = grey(from_logit(f64::from(v)) as f32);
        if fixed[i] {
            c.to_rgba()
        } else {
            RGBColor(200, 215, 235).mix(1.0)
        }
    })?;
    if solving {
        let i = layer.order[p - 1];
        let (r, c) = ((i / SIDE) as i32, (i % SIDE) as i32);
        let at = (origin.0 + c * cell, origin.1 + r * cell);
        let ring = ShapeStyle::from(MODEL).stroke_width(3);
        area.draw(&Rectangle::new([at, (at.0 + cell, at.1 + cell)], ring))
            .map_err(err)?;
    }
    let y = origin.1 + size + 8;
    note(area, &format!("MADE pass {t} of {total}"), (6, y))?;
    let where_ = match (t, layer.iterates.len()) {
        (0, _) => "not started".to_string(),
        (_, 1) => format!("layer T{}: one pass fixes every pixel", layer.layer),
        (_, n) => format!(
            "layer T{}: pixel {p} of {n} fixed in its order",
            layer.layer
        ),
    };
    note(area, &where_, (6, y + 20))?;
    if t == total {
        note(area, "done", (6, y + 40))?;
    }
    Ok(())
}

/// The sequential view: `[sample, density]` after `t` MADE passes each.
pub fn sequence<DB: DrawingBackend>(
    area: &Area<DB>,
    paths: &[Path; 2],
    t: usize,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let halves = area.split_evenly((1, 2));
    side(&halves[0], "sample: z \u{2192} x = T(z)", &paths[0], t)?;
    side(
        &halves[1],
        "density: x \u{2192} z = T\u{207b}\u{b9}(x)",
        &paths[1],
        t,
    )?;
    area.present().map_err(err)
}

/// The held-out images in latent space: the first `shown` as images of `z` (blue below 0,
/// red above), and a histogram of `u = Phi(z)` over every coordinate of every image against
/// the uniform density 1.
pub fn latent<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &LatentView,
    shown: usize,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 * 2 / 5);
    title(&left, "z = T\u{207b}\u{b9}(x) of held-out images", (6, 4))?;
    let (w, _) = left.dim_in_pixel();
    let per = SIDE * SIDE;
    let cols = 3;
    let size = ((w as i32 - 12) / cols - 6).max(16);
    let cell = size / SIDE as i32;
    for (k, z) in view.z.chunks(per).take(shown).enumerate() {
        let (r, c) = (k as i32 / cols, k as i32 % cols);
        let at = (6 + c * (size + 6), 28 + r * (size + 6));
        image(&left, at, cell, z, &|_, v| diverging(v).to_rgba())?;
    }
    let u: Vec<f64> = view.u.iter().map(|&v| f64::from(v)).collect();
    let bins = 20;
    let h = histogram(&u, 0.0, 1.0, bins);
    let top = h.iter().cloned().fold(1.5, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&right)
        .margin(8)
        .caption(
            "u = \u{3a6}(z), every pixel",
            (FONT, TITLE).into_font().color(&INK),
        )
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0f64..1f64, 0f64..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(4)
        .x_desc("u")
        .y_desc("density")
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    let width = 1.0 / bins as f64;
    chart
        .draw_series(h.iter().enumerate().map(|(b, &d)| {
            let x = b as f64 * width;
            Rectangle::new([(x, 0.0), (x + width, d)], DATA.mix(0.6).filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 1.0), (1.0, 1.0)],
            INK.stroke_width(2),
        ))
        .map_err(err)?;
    area.present().map_err(err)
}
