//! The rational-quadratic spline on plain numbers: identity from raw zeros, monotone,
//! continuous with a continuous derivative at the knots, the identity in the tails, the
//! inverse undoing the forward map to 1e-5, and `log dy/dx` equal to finite differences.

use arflow::flow::spline::{derivative_shift, exp_shifted, Spline, MIN_DERIVATIVE};
use rand::{rngs::StdRng, Rng, SeedableRng};

const B: f32 = 4.5;

fn random(bins: usize, scale: f32, seed: u64) -> Spline {
    let mut rng = StdRng::seed_from_u64(seed);
    let raw: Vec<f32> = (0..3 * bins - 1)
        .map(|_| scale * (2.0 * rng.gen::<f32>() - 1.0))
        .collect();
    Spline::from_raw(&raw, B)
}

/// Points across the interval and past it on both sides.
fn sweep(n: usize) -> impl Iterator<Item = f32> {
    (0..=n).map(move |i| -6.0 + 12.0 * i as f32 / n as f32)
}

#[test]
fn the_derivative_shift_makes_a_raw_zero_a_slope_of_one() {
    let c = derivative_shift() as f64;
    let want = 1.0 - MIN_DERIVATIVE as f64;
    assert!(((c.exp()).ln_1p() - want).abs() < 1e-7, "{c}");
}

#[test]
fn raw_zeros_give_the_identity() {
    for bins in [1, 4, 8, 16] {
        let s = Spline::from_raw(&vec![0.0; 3 * bins - 1], B);
        assert_eq!(s.bins(), bins);
        let d: Vec<f32> = (0..=bins).map(|j| s.derivative(j)).collect();
        assert!(d.iter().all(|&d| (d - 1.0).abs() < 1e-6), "{d:?}");
        for x in sweep(997) {
            let (y, log_det) = s.forward(x);
            assert!(
                (y - x).abs() < 2e-6 && log_det.abs() < 1e-5,
                "{bins} bins at {x}: {y} {log_det}"
            );
        }
    }
}

/// The width of the bin holding `x` (inside the interval).
fn width_at(s: &Spline, x: f32) -> f32 {
    let k = s.xs().partition_point(|&t| t <= x).clamp(1, s.bins()) - 1;
    s.xs()[k + 1] - s.xs()[k]
}

#[test]
fn the_spline_is_monotone_and_c1_at_its_knots() {
    for seed in 0..20 {
        let s = random(8, 3.0, seed);
        let ys: Vec<f32> = sweep(4000).map(|x| s.forward(x).0).collect();
        assert!(
            ys.windows(2).all(|w| w[1] > w[0]),
            "seed {seed}: not increasing"
        );
        // At each knot and at the float just below it (the end of the bin before, or the
        // left tail): the same value and the knot's derivative (the tails' is 1).
        for k in 0..=s.bins() {
            let (xk, yk) = (s.xs()[k], s.ys()[k]);
            for x in [xk, xk.next_down()] {
                let (y, log_det) = s.forward(x);
                let d = if x > B { 1.0 } else { s.derivative(k) };
                assert!(
                    (y - yk).abs() < 1e-5 * yk.abs().max(1.0),
                    "seed {seed} knot {k}: {y} vs {yk}"
                );
                assert!(
                    (log_det - d.ln()).abs() < 1e-2,
                    "seed {seed} knot {k} at {x}: {} vs {d}",
                    log_det.exp()
                );
            }
        }
        assert_eq!(
            (s.xs()[0], s.xs()[s.bins()], s.ys()[0], s.ys()[s.bins()]),
            (-B, B, -B, B)
        );
    }
}

/// Round trips both ways to 1e-5, and the inverse's `log dx/dy` is minus the forward's at
/// the point it returns.
/// Where the spline is very flat or very steep (raw numbers of scale 8 make bins of 1e-3 of
/// the interval), f32's rounding of the input moves the output by `ulp / slope` or
/// `ulp * slope`: the tolerance grows by that there.
#[test]
fn the_inverse_undoes_the_spline_and_negates_its_log_det() {
    for (seed, scale) in [(0, 1.0), (1, 3.0), (2, 8.0), (3, 0.1)] {
        let s = random(8, scale, seed);
        for v in sweep(3001) {
            let (x, log_dx) = s.inverse(v);
            let (y, log_dy) = s.forward(x);
            // A steep bin maps f32's rounding of `x` to `ulp(x) * slope` in `y`.
            let steep = 4.0 * f32::EPSILON * x.abs().max(1.0) * (-log_dx).exp();
            assert!(
                (y - v).abs() < 1e-5 * v.abs().max(1.0) + steep,
                "seed {seed}: {v} -> {x} -> {y}"
            );
            assert_eq!(log_dx, -log_dy);
            let (y, log_det) = s.forward(v);
            let (back, _) = s.inverse(y);
            let slope = log_det.exp();
            let tol = 1e-5 * v.abs().max(1.0) + 4.0 * f32::EPSILON * y.abs().max(1.0) / slope;
            assert!(
                (back - v).abs() < tol,
                "seed {seed}: {v} -> {y} -> {back}, slope {slope}, {s:?}"
            );
        }
    }
}

#[test]
fn log_det_is_the_log_of_the_finite_difference_slope() {
    for seed in 0..10 {
        let s = random(8, 1.5, seed);
        for x in sweep(599).filter(|x| x.abs() < B - 0.01) {
            // The second derivative jumps at the knots (the spline is C1, not C2): central
            // differences converge only away from them.
            let gap = s
                .xs()
                .iter()
                .map(|k| (k - x).abs())
                .fold(f32::MAX, f32::min);
            let w = width_at(&s, x);
            if gap < 1e-3 * w {
                continue;
            }
            let h = (1e-3 * w).min(gap / 2.0);
            let fd = (s.forward(x + h).0 as f64 - s.forward(x - h).0 as f64) / (2.0 * h as f64);
            let (_, log_det) = s.forward(x);
            // Truncation below 1e-3 at this step; f32's rounding of y adds ulp / h.
            let tol = 2e-3 + 4.0 * f32::EPSILON as f64 * 4.5 / h as f64;
            assert!(
                (log_det as f64 - fd.ln()).abs() < tol,
                "seed {seed} at {x}: {} vs {fd}",
                log_det.exp()
            );
        }
    }
}

#[test]
fn the_softmaxs_exp_is_the_library_exp_to_a_few_ulp() {
    let mut worst = 0.0f64;
    for i in 0..=200_000 {
        let v = -90.0 * i as f32 / 200_000.0;
        let want = (v.max(-87.0) as f64).exp();
        let got = exp_shifted(v) as f64;
        worst = worst.max((got - want).abs() / want);
    }
    assert!(worst < 3e-7, "relative error {worst}");
    assert_eq!(exp_shifted(0.0), 1.0);
}
