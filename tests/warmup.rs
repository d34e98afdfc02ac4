//! The one-dimensional warm-up against independent computations: the pushed-forward
//! density integrates to 1 on a fine grid, equals the finite-difference derivative of
//! `P(X <= x) = Phi(f^-1(x))`, the interval's image holds the interval's probability by
//! quadrature, `dx/dz` is the map's finite difference, the map goes through its knots and
//! stays increasing whatever the student drags.

use arflow::views::latent::normal_cdf;
use arflow::views::warmup::{span, Warmup, BINS, BOUND, GAP, VIEW};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Warm-ups with knots dragged at random and random `s`, `t`, point and width (the
/// default, the identity, first).
fn bent(seed: u64, n: usize) -> Vec<Warmup> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = vec![Warmup::default()];
    for _ in 0..n {
        let mut w = Warmup::default();
        w.set(
            rng.gen_range(-1.2..1.2),
            rng.gen_range(-3.5..3.5),
            rng.gen_range(-2.5..2.5),
            rng.gen_range(0.0..1.2),
        );
        for _ in 0..6 {
            w.drag_knot(rng.gen_range(0..=BINS), rng.gen_range(-9.0..9.0));
        }
        out.push(w);
    }
    out
}

/// Trapezoid rule of `p_X` over `[lo, hi]` with `n` points.
fn integral(w: &Warmup, lo: f64, hi: f64, n: usize) -> f64 {
    let xs = span(lo, hi, n);
    let p = w.density_x(&xs);
    let h = (hi - lo) / (n - 1) as f64;
    h * (p.iter().sum::<f64>() - 0.5 * (p[0] + p[n - 1]))
}

#[test]
fn the_pushed_forward_density_integrates_to_one() {
    for w in bent(1, 40) {
        // Far enough out that the tails hold under 1e-9 at the widest scale.
        let total = integral(&w, -40.0, 40.0, 400_001);
        assert!((total - 1.0).abs() < 2e-4, "{w:?}: integrates to {total}");
        // The share in view, by the same quadrature over the view alone.
        let in_view = integral(&w, -VIEW as f64, VIEW as f64, 120_001);
        assert!(
            (in_view - w.mass_in_view()).abs() < 2e-4,
            "{w:?}: in view {in_view} vs {}",
            w.mass_in_view()
        );
    }
}

#[test]
fn the_density_is_the_derivative_of_the_pushed_forward_cdf() {
    // `P(X <= x) = Phi(f^-1(x))`, differenced: nothing of `|dx/dz|` goes into it.
    for w in bent(2, 20) {
        for x in span(-5.0, 5.0, 41) {
            // Small, since p_X's slope jumps at a knot; f32's rounding of `z` stays far below.
            let h = 1e-4;
            let ends = w.inverse(&[x - h, x + h]);
            let fd = (normal_cdf(ends[1].0) - normal_cdf(ends[0].0)) / (2.0 * h);
            let p = w.density_x(&[x])[0];
            assert!(
                (p - fd).abs() < 3e-3 * (1.0 + p),
                "{w:?} at x = {x}: {p} vs {fd}"
            );
        }
    }
}

#[test]
fn the_reading_says_what_the_change_of_variables_says() {
    for w in bent(3, 30) {
        let r = w.reading();
        // dx/dz against the map's finite difference.
        let h = 1e-2;
        let ends = w.forward(&[r.z - h, r.z + h]);
        let fd = (ends[1].0 - ends[0].0) / (2.0 * h);
        assert!(
            (r.slope - fd).abs() < 3e-3 * r.slope.max(1.0),
            "{w:?}: dx/dz {} vs {fd}",
            r.slope
        );
        // The density falls by exactly the stretch.
        assert!((r.p_x * r.slope - r.p_z).abs() < 1e-12);
        assert!((r.p_x - w.density_x(&[r.x])[0]).abs() < 1e-4 * (1.0 + r.p_x));
        // The interval's image holds the interval's probability, by quadrature of p_X.
        let [a, b] = r.x_interval;
        let mass = integral(&w, a, b, 20_001);
        assert!(
            (mass - r.mass).abs() < 1e-4,
            "{w:?}: image holds {mass}, interval {}",
            r.mass
        );
        let [za, zb] = r.z_interval;
        assert!((zb - za - w.width as f64).abs() < 1e-6 && ((za + zb) / 2.0 - r.z).abs() < 1e-6);
    }
}

#[test]
fn the_map_goes_through_its_knots_and_stays_increasing() {
    for w in bent(4, 50) {
        let pts = w.knot_points();
        let zs: Vec<f64> = pts.iter().map(|p| p[0] as f64).collect();
        for (p, (x, _)) in pts.iter().zip(w.forward(&zs)) {
            assert!(
                (x - p[1] as f64).abs() < 1e-4 * (1.0 + x.abs()),
                "{w:?}: f({}) = {x}, knot {}",
                p[0],
                p[1]
            );
        }
        let v = w.knot_values();
        assert!(
            v.windows(2).all(|p| p[1] - p[0] >= GAP - 1e-6),
            "{w:?}: knots too close"
        );
        assert_eq!((v[0], v[BINS]), (-BOUND, BOUND));
        let fine = w.forward(&span(-8.0, 8.0, 4001));
        assert!(
            fine.windows(2).all(|p| p[1].0 > p[0].0 && p[0].1 > 0.0),
            "{w:?}: not increasing"
        );
        // The inverse undoes the map.
        for (z, (x, _)) in span(-8.0, 8.0, 81)
            .into_iter()
            .zip(w.forward(&span(-8.0, 8.0, 81)))
        {
            let back = w.inverse(&[x])[0].0;
            assert!(
                (back - z).abs() < 1e-4 * (1.0 + z.abs()),
                "{w:?}: f^-1(f({z})) = {back}"
            );
        }
    }
}

#[test]
fn straight_knots_make_the_affine_map() {
    let mut w = Warmup::default();
    w.set(0.7, -1.25, 1.0, 0.3);
    w.drag_knot(2, 3.0);
    w.straighten();
    let scale = 0.7f64.exp();
    for (z, (x, slope)) in span(-6.0, 6.0, 25)
        .into_iter()
        .zip(w.forward(&span(-6.0, 6.0, 25)))
    {
        assert!((x - (z * scale - 1.25)).abs() < 1e-5 && (slope - scale).abs() < 1e-5);
    }
    // N(t, e^2s) in closed form.
    let r = w.reading();
    let closed = (-0.5 * ((r.x + 1.25) / scale).powi(2)).exp()
        / (scale * (2.0 * std::f64::consts::PI).sqrt());
    assert!((r.p_x - closed).abs() < 1e-6);
}

#[test]
fn a_value_that_is_not_a_number_changes_nothing() {
    let mut w = Warmup::default();
    w.set(0.5, 1.0, 0.2, 0.3);
    let before = w.clone();
    w.set(f32::NAN, f32::INFINITY, f32::NAN, f32::NEG_INFINITY);
    w.drag_knot(1, f32::NAN);
    w.drag_knot(0, 1.0);
    w.drag_knot(BINS, 1.0);
    assert_eq!(w, before);
}
