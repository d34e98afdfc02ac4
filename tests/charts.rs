//! The loss chart's y range shows the training curve, not the blow-ups that were rolled back.

use arflow::draw::charts::{loss_range, robust_range};

#[test]
fn the_loss_range_ignores_rolled_back_blow_ups_and_keeps_the_floor() {
    let mut values: Vec<f32> = (0..200).map(|i| 3.0 - 0.5 * i as f32 / 200.0).collect();
    let (lo, hi) = robust_range(&values, Some(2.4));
    assert!(
        lo <= 2.4 && (2.95..=3.0).contains(&hi),
        "a plain curve is shown whole: {lo}..{hi}"
    );
    values.extend([1.4e22, 500.0, f32::NAN, f32::INFINITY, -1e9]);
    let (lo2, hi2) = robust_range(&values, Some(2.4));
    assert!(
        hi2 < 5.0 && lo2 > 0.0,
        "outliers are left out: {lo2}..{hi2}"
    );
    assert_eq!(robust_range(&[], Some(2.0)), (1.5, 2.5));
}

#[test]
fn the_loss_range_holds_both_series_when_they_sit_apart() {
    // Reverse KL: 1,500 steps of a training loss `KL - ln Z` near -1.8 and 16 estimates of
    // `KL` falling from 4.6 to 0.05 (issue 29, item 2: the estimates were all drawn at the
    // top edge, the range being the training loss's alone).
    let train: Vec<f32> = (0..400)
        .map(|i| -1.8 + 0.05 * ((i as f32) * 0.7).sin())
        .collect();
    let test: Vec<f32> = (0..16).map(|i| 4.6 * 0.75f32.powi(i) + 0.04).collect();
    let (lo, hi) = loss_range(&train, &test, None);
    assert!(lo <= -1.84 && hi >= 1.0, "{lo}..{hi}");
    assert!(
        test[2..].iter().all(|v| (lo..=hi).contains(v)),
        "the estimates after the first two are inside: {lo}..{hi}"
    );
    // Without estimates it is the training loss's range.
    assert_eq!(loss_range(&train, &[], None), robust_range(&train, None));
    assert_eq!(
        loss_range(&train, &[f32::NAN], Some(-3.0)),
        robust_range(&train, Some(-3.0))
    );
}

#[test]
fn short_lists_of_floats_sort_ascending() {
    let mut v = vec![3.0, -1.0, 2.5, 2.5, 1e300, -0.0, 7.0];
    arflow::numeric::stats::sort_floats(&mut v);
    assert_eq!(v, vec![-1.0, -0.0, 2.5, 2.5, 3.0, 7.0, 1e300]);
}

#[test]
fn a_wide_made_is_drawn_thinned_with_the_masks_of_the_units_kept() {
    use arflow::draw::masks::{thinned, SHOWN_UNITS};
    use arflow::flow::masks::{degrees, masks, ordering, HiddenDegrees, Ordering};
    for rule in [HiddenDegrees::Deterministic, HiddenDegrees::Random(3)] {
        let full = degrees(&ordering(5, Ordering::Natural), &[256, 20, 100], rule).unwrap();
        let (kept, kept_masks) = thinned(&full, &masks(&full, 2));
        let widths: Vec<usize> = kept.iter().map(Vec::len).collect();
        assert_eq!(widths, [5, SHOWN_UNITS, 20, SHOWN_UNITS]);
        // The rows and columns kept are the masks the kept degrees define.
        assert_eq!(kept_masks, masks(&kept, 2));
        // Spread over the degrees: every degree of the full layer that is common enough
        // to hold one of the picked ranks is there, lowest and highest included.
        let (lo, hi) = (full[1].iter().min(), full[1].iter().max());
        assert_eq!((kept[1].iter().min(), kept[1].iter().max()), (lo, hi));
    }
}

/// A backend that records what it is asked to draw: text sizes and every coordinate.
struct Recorder {
    size: (u32, u32),
    log: std::rc::Rc<std::cell::RefCell<Log>>,
}

/// What a [`Recorder`] was asked to draw.
#[derive(Default)]
struct Log {
    size: (u32, u32),
    fonts: Vec<f64>,
    points: Vec<(i32, i32)>,
}

impl plotters::prelude::DrawingBackend for Recorder {
    type ErrorType = std::io::Error;
    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(
        &mut self,
    ) -> Result<(), plotters_backend::DrawingErrorKind<std::io::Error>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), plotters_backend::DrawingErrorKind<std::io::Error>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        p: (i32, i32),
        _: plotters_backend::BackendColor,
    ) -> Result<(), plotters_backend::DrawingErrorKind<std::io::Error>> {
        self.log.borrow_mut().points.push(p);
        Ok(())
    }
    fn draw_text<T: plotters_backend::BackendTextStyle>(
        &mut self,
        _: &str,
        style: &T,
        pos: (i32, i32),
    ) -> Result<(), plotters_backend::DrawingErrorKind<std::io::Error>> {
        let mut log = self.log.borrow_mut();
        log.fonts.push(style.size());
        log.points.push(pos);
        Ok(())
    }
    fn estimate_text_size<T: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), plotters_backend::DrawingErrorKind<std::io::Error>> {
        let s = style.size();
        Ok(((text.len() as f64 * 0.6 * s) as u32, s as u32))
    }
}

#[test]
fn a_chart_laid_out_in_css_pixels_fills_a_backing_store_of_twice_the_size() {
    use arflow::draw::{charts, scaled::Scaled, TEXT};
    let draw = |k: f64| {
        let size = ((400.0 * k) as u32, (300.0 * k) as u32);
        let log = std::rc::Rc::new(std::cell::RefCell::new(Log {
            size,
            ..Log::default()
        }));
        let rec = Recorder {
            size,
            log: log.clone(),
        };
        let area = arflow::draw::area(Scaled::new(rec, k));
        let rect = charts::axes(&area, arflow::numeric::grid::Window::default(), "title").unwrap();
        drop(area);
        let log = std::rc::Rc::try_unwrap(log).ok().unwrap().into_inner();
        (log, rect)
    };
    let (one, rect1) = draw(1.0);
    let (two, rect2) = draw(2.0);
    // The same layout in CSS pixels, text at 14 CSS px: 28 device pixels at ratio 2.
    assert_eq!(rect1, rect2);
    assert!(one.fonts.iter().all(|&f| f >= TEXT), "{:?}", one.fonts);
    assert!(
        two.fonts.iter().all(|&f| f >= 2.0 * TEXT),
        "{:?}",
        two.fonts
    );
    assert_eq!(one.fonts.len(), two.fonts.len());
    // Everything lands inside the backing store, spread over all of it.
    let inside = |r: &Log| {
        r.points
            .iter()
            .all(|&(x, y)| (0..=r.size.0 as i32).contains(&x) && (0..=r.size.1 as i32).contains(&y))
    };
    let out: Vec<_> = two
        .points
        .iter()
        .filter(|&&(x, y)| !(0..=800).contains(&x) || !(0..=600).contains(&y))
        .take(10)
        .collect();
    assert!(inside(&one) && inside(&two), "{out:?}");
    let far = |r: &Log| r.points.iter().map(|p| p.0).max().unwrap();
    assert!(
        far(&two) > 2 * far(&one) - 4 && far(&two) > 700,
        "{} {}",
        far(&one),
        far(&two)
    );
}

#[test]
fn the_colour_bar_gives_the_log_density_of_each_colour() {
    use arflow::draw::heatmap::{bar_ticks, colour, rgba, BAR_SHARES};
    use arflow::numeric::grid::{Density, Grid, Window};
    let grid = Grid::new(Window::default(), 256, 256).unwrap();
    let ln2pi = (2.0 * std::f64::consts::PI).ln();
    let log_p: Vec<f32> = grid
        .points()
        .chunks(2)
        .map(|p| (-0.5 * (p[0] * p[0] + p[1] * p[1]) as f64 - ln2pi) as f32)
        .collect();
    let d = Density::new(grid, log_p);
    let ticks = bar_ticks(&d).unwrap();
    assert_eq!(ticks.len(), BAR_SHARES.len());
    // The brightest cell is N(0, I) at the centre: log p = -ln 2 pi (half a cell away).
    assert!((ticks[0].1 + ln2pi).abs() < 1e-3, "{:?}", ticks[0]);
    assert_eq!(ticks.last().unwrap().1, f64::NEG_INFINITY);
    // Each tick's colour is painted where N(0, I) has the tick's log p: on the circle
    // exp(-r^2 / 2) = t, cells of that colour have that density (closed form).
    let bytes = rgba(&d);
    for &(t, log_p) in ticks.iter().filter(|(t, _)| *t > 0.0 && *t < 1.0) {
        let r = (-2.0 * t.ln()).sqrt();
        assert!(
            (log_p - (-0.5 * r * r - ln2pi)).abs() < 2e-3,
            "t {t}: {log_p}"
        );
        let c = colour(t);
        let near: Vec<f64> = (0..256 * 256)
            .filter(|i| bytes[4 * i..4 * i + 3] == c)
            .map(|i| {
                let (x, y) = (grid.x(i % 256) as f64, grid.y(i / 256) as f64);
                (x * x + y * y).sqrt()
            })
            .collect();
        assert!(!near.is_empty(), "t {t}: no cell of its colour");
        assert!(
            near.iter().all(|&q| (q - r).abs() < 0.05),
            "t {t}: radius {r}, cells at {near:?}"
        );
    }
}
