//! The energy targets equal their formulas (written out again here in f64 as the oracle),
//! their gradients match finite differences, and the box wall applies to U2-U4 only.

use crate::common::{jacobian_autodiff, jacobian_fd, points};
use arflow::data::target::Target;
use arflow::numeric::tensor::{device, matrix};
use dfdx::prelude::*;

fn lse(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// Table 1 of Rezende & Mohamed (2015), inside the box.
fn oracle(t: Target, z1: f64, z2: f64) -> f64 {
    let g = |v: f64, sd: f64| -0.5 * (v / sd).powi(2);
    let w1 = (2.0 * std::f64::consts::PI * z1 / 4.0).sin();
    let w2 = 3.0 * (-0.5 * ((z1 - 1.0) / 0.6).powi(2)).exp();
    let w3 = 3.0 / (1.0 + (-(z1 - 1.0) / 0.3).exp());
    match t {
        Target::U1 => {
            0.5 * (((z1 * z1 + z2 * z2).sqrt() - 2.0) / 0.4).powi(2)
                - lse(g(z1 - 2.0, 0.6), g(z1 + 2.0, 0.6))
        }
        Target::U2 => 0.5 * ((z2 - w1) / 0.4).powi(2),
        Target::U3 => -lse(g(z2 - w1, 0.35), g(z2 - w1 + w2, 0.35)),
        Target::U4 => -lse(g(z2 - w1, 0.4), g(z2 - w1 + w3, 0.35)),
    }
}

#[test]
fn energies_equal_the_table() {
    let pts = points(200, 2, 3.9, 5);
    for t in Target::ALL {
        let got = t.log_unnormalised(&pts);
        for (p, &g) in pts.chunks(2).zip(&got) {
            let want = -oracle(t, p[0] as f64, p[1] as f64);
            assert!(
                (g as f64 - want).abs() < 1e-4 * (1.0 + want.abs()),
                "{t:?} at {p:?}: {g} vs {want}"
            );
        }
    }
}

#[test]
fn energy_gradients_match_finite_differences() {
    let dev = device(0);
    for t in Target::ALL {
        for p in points(20, 2, 3.5, 8).chunks(2) {
            let one = |v| t.energy(v).reshape_like(&(1usize, 1usize));
            let auto = jacobian_autodiff(&dev, one, p);
            let fd = jacobian_fd(|q| t.energy(matrix(&dev, q.to_vec(), 2)).as_vec(), p, 1e-3);
            for j in 0..2 {
                let tol = 1e-2 * (1.0 + fd[0][j].abs());
                assert!(
                    (auto[0][j] - fd[0][j]).abs() < tol,
                    "{t:?} at {p:?}: {auto:?} vs {fd:?}"
                );
            }
        }
    }
}

#[test]
fn the_box_wall_restricts_u2_to_u4_only() {
    let outside = [5.0f32, 0.0];
    let inside = [3.9f32, 0.0];
    for t in Target::ALL {
        let out = -t.log_unnormalised(&outside)[0] as f64;
        let ins = -t.log_unnormalised(&inside)[0] as f64;
        let plain = oracle(t, 5.0, 0.0);
        if t.boxed() {
            assert!(out - plain > 100.0, "{t:?}: wall adds {}", out - plain);
        } else {
            assert!((out - plain).abs() < 1e-3, "{t:?}: U1 has no wall");
        }
        assert!(
            (ins - oracle(t, 3.9, 0.0)).abs() < 1e-3,
            "{t:?}: nothing added inside"
        );
    }
    assert_eq!(Target::from_name("u3").unwrap(), Target::U3);
    assert!(Target::from_name("u9").is_err());
}

/// `U` with the box wall, in f64, from the formulas (the oracle above plus the wall).
fn walled(t: Target, z1: f64, z2: f64) -> f64 {
    let wall = |v: f64| {
        let d = (v.abs() - 4.0).max(0.0) / 0.05;
        0.5 * d * d
    };
    let w = if t.boxed() { wall(z1) + wall(z2) } else { 0.0 };
    oracle(t, z1, z2) + w
}

/// `ln int exp(-U)` over `[-h, h]^2` by the composite Simpson rule with `n` intervals a side
/// (even), in f64: a different quadrature, precision and code from the product's.
fn simpson_log_z(t: Target, h: f64, n: usize) -> f64 {
    let step = 2.0 * h / n as f64;
    let weight = |i: usize| match i {
        0 => 1.0,
        i if i == n => 1.0,
        i if i % 2 == 1 => 4.0,
        _ => 2.0,
    };
    // exp(-U) peaks below e^2 for every target, so plain sums do not overflow.
    let mut sum = 0.0;
    for i in 0..=n {
        let z1 = -h + i as f64 * step;
        let mut row = 0.0;
        for j in 0..=n {
            let z2 = -h + j as f64 * step;
            row += weight(j) * (-walled(t, z1, z2)).exp();
        }
        sum += weight(i) * row;
    }
    (sum * step * step / 9.0).ln()
}

#[test]
fn log_z_is_the_converged_integral_of_the_walled_target() {
    let mut integrals = Vec::new();
    for t in Target::ALL {
        let coarse = simpson_log_z(t, 5.0, 2000);
        let fine = simpson_log_z(t, 5.0, 4000);
        let wide = simpson_log_z(t, 6.0, 2400);
        // Converged: halving the step and widening the window each move it < 1e-4.
        assert!((fine - coarse).abs() < 1e-4, "{t:?}: {coarse} -> {fine}");
        assert!((wide - coarse).abs() < 1e-4, "{t:?}: {coarse} -> {wide}");
        println!("{t:?}: ln Z = {fine:.6} (coarse {coarse:.6}, wide {wide:.6})");
        integrals.push((t, fine));
    }
    for (t, fine) in integrals {
        let table = t.log_z();
        assert!(
            (table - fine).abs() < 1e-4,
            "{t:?}: table {table} vs integral {fine}"
        );
    }
}
