//! Statistics that pin each data set's recipe, the exact densities (they integrate to 1 and
//! give the tabulated entropies), and the one signature all data sets share.

use arflow::data::{eight_gaussians_centres, DataSet, EIGHT_GAUSSIANS_SIGMA};
use arflow::numeric::grid::{Grid, Window};
use std::f64::consts::PI;

const N: usize = 40_000;

fn pts(d: DataSet) -> Vec<[f64; 2]> {
    d.sample_seeded(N, 11)
        .iter()
        .map(|p| [p[0] as f64, p[1] as f64])
        .collect()
}

fn mean_sd(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = v.collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64;
    (m, var.sqrt())
}

fn frac(v: &[[f64; 2]], f: impl Fn(&[f64; 2]) -> bool) -> f64 {
    v.iter().filter(|p| f(p)).count() as f64 / v.len() as f64
}

fn wrap(a: f64) -> f64 {
    (a + PI).rem_euclid(2.0 * PI) - PI
}

#[test]
fn every_data_set_has_the_same_signature_and_is_seeded() {
    for d in DataSet::ALL {
        let a = d.sample_seeded(257, 3);
        assert_eq!(a.len(), 257, "{d:?}");
        assert_eq!(a, d.sample_seeded(257, 3), "{d:?} is not reproducible");
        assert_ne!(a, d.sample_seeded(257, 4), "{d:?} ignores the seed");
        assert!(
            a.iter().flatten().all(|v| v.is_finite() && v.abs() < 6.0),
            "{d:?}"
        );
        assert_eq!(DataSet::from_name(d.name()).unwrap(), d);
    }
    assert!(DataSet::from_name("spiral").is_err());
}

#[test]
fn checkerboard_points_lie_on_its_eight_squares_evenly() {
    let p = pts(DataSet::Checkerboard);
    assert!(p.iter().all(|x| DataSet::Checkerboard
        .exact_log_prob(*x)
        .unwrap()
        .is_finite()));
    for (a, b) in [
        (-4.0, -4.0),
        (0.0, -4.0),
        (-2.0, -2.0),
        (2.0, -2.0),
        (-4.0, 0.0),
        (0.0, 0.0),
        (-2.0, 2.0),
        (2.0, 2.0),
    ] {
        let share = frac(&p, |x| {
            (a..a + 2.0).contains(&x[0]) && (b..b + 2.0).contains(&x[1])
        });
        assert!(
            (share - 0.125).abs() < 0.01,
            "square at ({a}, {b}): {share}"
        );
    }
}

#[test]
fn eight_gaussians_have_their_centres_and_spread() {
    let p = pts(DataSet::EightGaussians);
    for c in eight_gaussians_centres() {
        let c = [c[0] / 1.414, c[1] / 1.414];
        let near: Vec<[f64; 2]> = p
            .iter()
            .filter(|x| (x[0] - c[0]).hypot(x[1] - c[1]) < 1.2)
            .copied()
            .collect();
        let share = near.len() as f64 / N as f64;
        assert!((share - 0.125).abs() < 0.01, "centre {c:?}: {share}");
        let (m, sd) = mean_sd(near.iter().map(|x| x[0] - c[0]));
        assert!(
            m.abs() < 0.02 && (sd - EIGHT_GAUSSIANS_SIGMA).abs() < 0.02,
            "centre {c:?}: {m} {sd}"
        );
    }
}

#[test]
fn moons_lie_on_their_arcs() {
    let p = pts(DataSet::Moons);
    // Undo `2x + (-1, -0.2)`; outer arc radius 1 about (0, 0), inner about (1, 0.5).
    let u: Vec<[f64; 2]> = p
        .iter()
        .map(|x| [(x[0] + 1.0) / 2.0, (x[1] + 0.2) / 2.0])
        .collect();
    let outer = |x: &[f64; 2]| (x[0].hypot(x[1]) - 1.0).abs() < 0.35 && x[1] > -0.3;
    let inner = |x: &[f64; 2]| ((x[0] - 1.0).hypot(x[1] - 0.5) - 1.0).abs() < 0.35 && x[1] < 0.8;
    assert!(frac(&u, |x| outer(x) || inner(x)) > 0.995);
    let (m, _) = mean_sd(u.iter().map(|x| x[1]));
    assert!(
        (m - 0.25).abs() < 0.02,
        "mean height {m}: half above (2/pi), half below"
    );
}

#[test]
fn rings_and_circles_have_their_radii() {
    for (d, radii, noise) in [
        (DataSet::Rings, vec![3.0, 2.25, 1.5, 0.75], 0.08),
        (DataSet::Circles, vec![3.0, 1.5], 0.24),
    ] {
        let p = pts(d);
        for r in &radii {
            let band: Vec<f64> = p
                .iter()
                .map(|x| x[0].hypot(x[1]) - r)
                .filter(|e| e.abs() < 3.0 * noise)
                .collect();
            let share = band.len() as f64 / N as f64;
            let expected = 1.0 / radii.len() as f64;
            let (_, sd) = mean_sd(band.into_iter());
            assert!((share - expected).abs() < 0.05, "{d:?} radius {r}: {share}");
            if d == DataSet::Rings {
                assert!((sd - noise).abs() < 0.01, "{d:?} radius {r}: spread {sd}");
            }
        }
        let (mean_angle_cos, _) = mean_sd(p.iter().map(|x| x[1].atan2(x[0]).cos()));
        assert!(mean_angle_cos.abs() < 0.02, "{d:?}: angles uniform");
    }
}

#[test]
fn pinwheel_arms_follow_the_recipe() {
    let p = pts(DataSet::Pinwheel);
    // out ~ 2 f1 (cos a, -sin a), a = 2 pi k / 5 + 0.25 exp(f1): recover k from the point.
    let on_arm = frac(&p, |x| {
        let f1 = x[0].hypot(x[1]) / 2.0;
        let a = -x[1].atan2(x[0]);
        let k = wrap(a - 0.25 * f1.exp()) / (2.0 * PI / 5.0);
        (k - k.round()).abs() < 0.2
    });
    assert!(on_arm > 0.9, "{on_arm}");
    let (r, _) = mean_sd(p.iter().map(|x| x[0].hypot(x[1])));
    assert!((r - 2.0).abs() < 0.05, "mean radius {r}");
}

/// Mean distance from each point to the nearest point of a curve (sampled finely).
fn mean_distance_to(p: &[[f64; 2]], curve: &[[f64; 2]]) -> f64 {
    p.iter()
        .map(|x| {
            curve
                .iter()
                .map(|c| (x[0] - c[0]).hypot(x[1] - c[1]))
                .fold(f64::INFINITY, f64::min)
        })
        .sum::<f64>()
        / p.len() as f64
}

#[test]
fn spirals_wind_as_the_recipe_says() {
    let p = &pts(DataSet::TwoSpirals)[..5000];
    // +-(-cos r r + 0.25, sin r r + 0.25) / 3 (the offset at its mean), noise 0.1.
    let curve: Vec<[f64; 2]> = (0..3000)
        .flat_map(|i| {
            let r = 3.0 * PI * i as f64 / 2999.0;
            let d = [(-r.cos() * r + 0.25) / 3.0, (r.sin() * r + 0.25) / 3.0];
            [d, [-d[0], -d[1]]]
        })
        .collect();
    let dist = mean_distance_to(p, &curve);
    assert!(
        dist > 0.05 && dist < 0.15,
        "mean distance to the spirals {dist}"
    );
    let (mx, _) = mean_sd(p.iter().map(|x| x[0]));
    assert!(mx.abs() < 0.05, "symmetric halves: {mx}");
    let (r2, _) = mean_sd(p.iter().map(|x| (3.0 * x[0]).hypot(3.0 * x[1]).powi(2)));
    assert!(
        (r2 / (9.0 * PI * PI) - 0.5).abs() < 0.03,
        "r = sqrt(U) 3 pi: {r2}"
    );
}

#[test]
fn swiss_roll_lies_along_its_spiral() {
    let p = &pts(DataSet::SwissRoll)[..5000];
    let curve: Vec<[f64; 2]> = (0..3000)
        .map(|i| {
            let t = 1.5 * PI * (1.0 + 2.0 * i as f64 / 2999.0);
            [t * t.cos() / 5.0, t * t.sin() / 5.0]
        })
        .collect();
    // Noise sd 1/5 per coordinate; the nearest curve point is closer than the true one.
    let dist = mean_distance_to(p, &curve);
    assert!(
        dist > 0.08 && dist < 0.2,
        "mean distance to the roll {dist}"
    );
}

#[test]
fn exact_densities_integrate_to_one() {
    for (d, h) in [
        (DataSet::EightGaussians, 6.0),
        (DataSet::Checkerboard, 4.0),
        (DataSet::Rings, 4.0),
        (DataSet::Circles, 5.0),
        (DataSet::Moons, 5.0),
        (DataSet::SwissRoll, 5.0),
    ] {
        let grid = Grid::new(Window::square(h), 512, 512).unwrap();
        let density = grid.tabulate(|p| {
            p.chunks(2)
                .map(|c| d.exact_log_prob([c[0] as f64, c[1] as f64]).unwrap() as f32)
                .collect()
        });
        assert!(
            (density.mass() - 1.0).abs() < 1e-3,
            "{d:?}: {}",
            density.mass()
        );
    }
    assert!(DataSet::Pinwheel.exact_log_prob([0.0, 0.0]).is_none());
}

#[test]
fn exact_densities_give_the_tabulated_entropies() {
    for d in [
        DataSet::EightGaussians,
        DataSet::Checkerboard,
        DataSet::Rings,
        DataSet::Circles,
        DataSet::Moons,
        DataSet::SwissRoll,
    ] {
        let p = pts(d);
        let h = -p.iter().map(|x| d.exact_log_prob(*x).unwrap()).sum::<f64>() / p.len() as f64;
        assert!(
            (h - d.entropy()).abs() < 0.01,
            "{d:?}: {h} vs {}",
            d.entropy()
        );
    }
    assert!((DataSet::Checkerboard.entropy() - 32f64.ln()).abs() < 5e-4);
}

#[test]
fn the_scaled_bessel_function_matches_its_integral() {
    // e^-t I0(t) = (1/pi) int_0^pi exp(t (cos a - 1)) da, by a fine midpoint rule.
    for t in [0.0, 0.5, 3.7, 3.8, 20.0, 400.0] {
        let n = 200_000;
        let integral = (0..n)
            .map(|k| (t * ((std::f64::consts::PI * (k as f64 + 0.5) / n as f64).cos() - 1.0)).exp())
            .sum::<f64>()
            / n as f64;
        let v = arflow::data::exact::scaled_i0(t);
        assert!(
            (v - integral).abs() < 3e-7 * integral,
            "t = {t}: {v} vs {integral}"
        );
    }
}

/// The central-difference gradient of the exact density (what reverse KL on a data set
/// trains by) matches 8gaussians' closed form `sum_k r_k (c_k - x) / sigma^2`, with `r_k`
/// each mode's responsibility, near and far from the modes.
#[test]
fn exact_density_gradients_match_the_mixture_closed_form() {
    let s2 = EIGHT_GAUSSIANS_SIGMA * EIGHT_GAUSSIANS_SIGMA;
    let centres = eight_gaussians_centres().map(|c| [c[0] / 1.414, c[1] / 1.414]);
    for x in [
        [0.3, -0.2],
        [2.1, 0.1],
        [-1.4, 1.6],
        [5.0, -4.0],
        [0.0, 0.0],
    ] {
        let logits = centres.map(|c| -((x[0] - c[0]).powi(2) + (x[1] - c[1]).powi(2)) / (2.0 * s2));
        let top = logits.iter().cloned().fold(f64::MIN, f64::max);
        let w = logits.map(|l| (l - top).exp());
        let total: f64 = w.iter().sum();
        let closed = [0, 1].map(|i| {
            (0..8)
                .map(|k| w[k] / total * (centres[k][i] - x[i]) / s2)
                .sum::<f64>()
        });
        let (_, fd) = DataSet::EightGaussians.exact_log_prob_gradient(x).unwrap();
        for i in 0..2 {
            assert!(
                (fd[i] - closed[i]).abs() < 1e-5 * closed[i].abs().max(1.0),
                "at {x:?}: {fd:?} vs {closed:?}"
            );
        }
    }
    assert!(DataSet::Pinwheel
        .exact_log_prob_gradient([0.0, 0.0])
        .is_none());
    assert!(!DataSet::Checkerboard.has_smooth_density());
}
