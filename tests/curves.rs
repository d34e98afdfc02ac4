//! Moons' and swissroll's exact densities and their gradients against an independent
//! quadrature: the mean of the noise's density over 20,000 points of each curve.

use arflow::data::DataSet;

/// A data set's `log p*` by the fine quadrature.
type Oracle = Box<dyn Fn([f64; 2]) -> f64>;

/// A curve's points at `n = 20,000` midpoints of `t` in `[t0, t1]`.
fn midpoints(c: impl Fn(f64) -> [f64; 2], t0: f64, t1: f64) -> Vec<[f64; 2]> {
    let n = 20_000;
    (0..n)
        .map(|k| c(t0 + (t1 - t0) * (k as f64 + 0.5) / n as f64))
        .collect()
}

/// `log` of the mean of `N(x; c, sigma^2 I)` over a curve's `points`, in log space (far
/// from the curve every term underflows).
fn fine(x: [f64; 2], points: &[[f64; 2]], sigma: f64) -> f64 {
    let s2 = sigma * sigma;
    let logs: Vec<f64> = points
        .iter()
        .map(|p| -((x[0] - p[0]).powi(2) + (x[1] - p[1]).powi(2)) / (2.0 * s2))
        .collect();
    let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = logs.iter().map(|l| (l - top).exp()).sum();
    top + (total / points.len() as f64 / (2.0 * std::f64::consts::PI * s2)).ln()
}

/// Moons' and swissroll's `log p*` by the 20,000-node quadrature of each curve.
fn curve_oracles() -> Vec<(DataSet, Oracle)> {
    use std::f64::consts::PI;
    let outer = midpoints(|a| [2.0 * a.cos() - 1.0, 2.0 * a.sin() - 0.2], 0.0, PI);
    let inner = midpoints(
        |a| [2.0 * (1.0 - a.cos()) - 1.0, 2.0 * (0.5 - a.sin()) - 0.2],
        0.0,
        PI,
    );
    let moons = move |x: [f64; 2]| {
        let (o, i) = (fine(x, &outer, 0.2), fine(x, &inner, 0.2));
        let top = o.max(i);
        top + (0.5 * ((o - top).exp() + (i - top).exp())).ln()
    };
    let roll = midpoints(
        |t| [t * t.cos() / 5.0, t * t.sin() / 5.0],
        1.5 * PI,
        4.5 * PI,
    );
    let roll = move |x: [f64; 2]| fine(x, &roll, 0.2);
    vec![
        (DataSet::Moons, Box::new(moons)),
        (DataSet::SwissRoll, Box::new(roll)),
    ]
}

/// Where the tests probe a data set: `draws` of its samples (seeded), then an `n`-by-`n` grid
/// from `from` in steps of `step`, over the view and into the tails where a model's samples
/// can land.
fn probes(
    d: DataSet,
    draws: usize,
    seed: u64,
    n: usize,
    from: [f64; 2],
    step: f64,
) -> Vec<[f64; 2]> {
    let samples = d.sample_seeded(draws, seed);
    let grid = (0..n)
        .flat_map(|i| (0..n).map(move |j| [from[0] + step * i as f64, from[1] + step * j as f64]));
    samples
        .iter()
        .map(|p| [p[0] as f64, p[1] as f64])
        .chain(grid)
        .collect()
}

/// The largest `off(x)` over `points`, and where (a NaN counts as the largest: it fails).
fn largest(points: Vec<[f64; 2]>, off: impl Fn([f64; 2]) -> f64) -> (f64, [f64; 2]) {
    points
        .into_iter()
        .map(|x| (off(x), x))
        .fold((0.0, [0.0; 2]), |w, o| {
            if w.0.is_nan() || o.0 <= w.0 {
                w
            } else {
                o
            }
        })
}

#[test]
fn curve_densities_match_a_fine_quadrature() {
    for (d, oracle) in curve_oracles() {
        // 20,000 draws, and a grid over the view and past it (up to 4 noise widths... and
        // 20 beyond).
        let points = probes(d, 20_000, 4, 46, [-4.5, -4.5], 0.2);
        let (worst, at) = largest(points, |x| (d.exact_log_prob(x).unwrap() - oracle(x)).abs());
        println!(
            "{d:?}: log-density within {worst:.1e} of the 20,000-node quadrature (worst at {at:?})"
        );
        assert!(worst < 2e-3, "{d:?}: log-density off by {worst} at {at:?}");
    }
}

/// The gradient reverse KL trains moons and swissroll by (their quadrature's own) matches
/// central differences of the 20,000-node quadrature, at draws and on a grid into the tails.
#[test]
fn curve_density_gradients_match_central_differences_of_a_fine_quadrature() {
    const H: f64 = 1e-4;
    for (d, oracle) in curve_oracles() {
        let points = probes(d, 400, 5, 16, [-4.4, -4.3], 0.55);
        let (worst, at) = largest(points, |x| {
            let (_, g) = d.exact_log_prob_gradient(x).unwrap();
            let fd = [[H, 0.0], [0.0, H]].map(|[a, b]| {
                (oracle([x[0] + a, x[1] + b]) - oracle([x[0] - a, x[1] - b])) / (2.0 * H)
            });
            (0..2)
                .map(|i| (g[i] - fd[i]).abs() / fd[i].abs().max(1.0))
                .fold(0.0, f64::max)
        });
        println!("{d:?}: gradient within {worst:.1e} (relative) of the fine quadrature's (worst at {at:?})");
        assert!(worst < 5e-3, "{d:?}: gradient off by {worst} at {at:?}");
    }
}
