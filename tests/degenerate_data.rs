//! Imported and drawn points that no flow can learn are refused with a message that says
//! why, and the points before them stay: all identical, subnormal, a line, beyond the view's
//! units, or one extreme outlier that would shrink the rest to a spot when scaled into the
//! view. Sets with honest tails are not refused, and the scaling message stays readable.

#![cfg(not(target_arch = "wasm32"))]

use arflow::data::points::{dominating, readable, PointSet, MAX_COORD};
use arflow::data::Point;
use arflow::session::lab::Lab;
use arflow::session::settings::Settings;
use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::StandardNormal;

fn csv(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{:e},{:e}\n", p[0], p[1]))
        .collect()
}

fn normal(n: usize, seed: u64) -> Vec<Point> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| [rng.sample(StandardNormal), rng.sample(StandardNormal)])
        .collect()
}

/// A lab holding 100 normal points, and those points.
fn lab_with_points() -> (Lab, Vec<f32>) {
    let mut lab = Lab::new(Settings::default()).unwrap();
    lab.import_csv(csv(&normal(100, 1)).as_bytes(), false, false)
        .unwrap();
    let before = lab.drawn_flat();
    (lab, before)
}

#[test]
fn degenerate_files_are_refused_with_the_reason_and_the_points_stay() {
    let (mut lab, before) = lab_with_points();
    let mut outlier = normal(200, 2);
    outlier[57] = [3e38, 0.5];
    let mut line = normal(50, 3);
    line.iter_mut().for_each(|p| p[1] = 1.25);
    let cases: Vec<(Vec<Point>, bool, &str)> = vec![
        (
            vec![[0.5, -0.5]; 40],
            false,
            "do not spread along x (standard deviation 0,",
        ),
        (
            vec![[0.5, -0.5]; 40],
            true,
            "do not spread along x (standard deviation 0,",
        ),
        (vec![[1e-40, 1e-41]; 40], true, "do not spread"),
        (line, true, "do not spread along y"),
        (
            outlier.clone(),
            true,
            "point 58 at (3.000e38, 0.5000) dominates the scale",
        ),
        (
            outlier,
            false,
            "point 58 at (3.000e38, 0.5000) dominates the scale",
        ),
        (
            normal(40, 4).iter().map(|p| p.map(|v| v * 1e4)).collect(),
            false,
            "beyond ±1000 (the view window is [-4, 4]); scale the points into the view",
        ),
    ];
    for (points, fit, expected) in cases {
        let err = lab
            .import_csv(csv(&points).as_bytes(), false, fit)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{err}");
        assert!(err.len() < 300, "{err}");
        assert_eq!(lab.drawn_flat(), before);
    }
    // Setting the points directly (a drawing, a restore) is checked the same way.
    let err = lab.set_points(&[2.0; 60]).unwrap_err().to_string();
    assert!(err.contains("do not spread"), "{err}");
    assert_eq!(lab.drawn_flat(), before);
}

#[test]
fn the_scaling_message_prints_readable_numbers_at_any_scale() {
    let (mut lab, _) = lab_with_points();
    let far: Vec<Point> = normal(100, 5)
        .iter()
        .map(|p| [p[0] * 1e5 + 2e7, p[1] * 1e5])
        .collect();
    let words = lab.import_csv(csv(&far).as_bytes(), false, true).unwrap();
    assert!(
        words.contains("x' = (x - (2.001e7, -15093.9844)) x 1.311e-5."),
        "{words}"
    );
    assert!(!words.contains("0.0000)") && words.len() < 200, "{words}");
    let [x, y] = [readable(3e38), readable(-2.5e-9)];
    assert_eq!((x.as_str(), y.as_str()), ("3.000e38", "-2.500e-9"));
    assert_eq!(readable(0.0), "0");
    assert_eq!(readable(-12.25), "-12.2500");
}

#[test]
fn honest_sets_are_not_refused() {
    // Normal samples of every size: the range is about 10 middle halves' widths at 200,000.
    for n in [20, 1_000, 200_000] {
        assert_eq!(dominating(&normal(n, n as u64)), None, "{n}");
    }
    // A heavier tail (Student's t with 3 degrees of freedom, 10,000 points) still passes.
    let mut rng = StdRng::seed_from_u64(9);
    let mut t3 = || {
        let z: f32 = rng.sample(StandardNormal);
        let chi: f32 = (0..3)
            .map(|_| rng.sample::<f32, _>(StandardNormal).powi(2))
            .sum();
        z / (chi / 3.0).sqrt()
    };
    let heavy: Vec<Point> = (0..10_000).map(|_| [t3(), t3()]).collect();
    assert_eq!(dominating(&heavy), None);
    // A thin but real spread (a drawn line a little thick) and the largest allowed scale.
    let mut thin = normal(100, 6);
    thin.iter_mut().for_each(|p| p[1] *= 2e-3);
    PointSet::new(thin).unwrap();
    let wide: Vec<Point> = normal(100, 7)
        .iter()
        .map(|p| p.map(|v| v.clamp(-3.0, 3.0) * MAX_COORD / 3.0))
        .collect();
    PointSet::new(wide).unwrap();
}
