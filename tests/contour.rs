//! The target's contours in the compare view: for a standard normal the level holding a
//! share `s` of the mass is `log N` at the radius `sqrt(-2 ln(1 - s))`, and its contour
//! is the circle of that radius, one closed line.

use arflow::numeric::grid::{Grid, Window};
use arflow::views::contour::{contour, mass_levels};
use std::f64::consts::PI;

#[test]
fn the_normal_contours_are_the_circles_holding_their_share_of_the_mass() {
    let grid = Grid::new(Window::square(5.0), 400, 400).unwrap();
    let density = grid.tabulate(|p| {
        p.chunks(2)
            .map(|x| -(x[0] * x[0] + x[1] * x[1]) / 2.0 - (2.0 * PI as f32).ln())
            .collect()
    });
    let shares = [0.5, 0.9, 0.99];
    let levels = mass_levels(&density, &shares);
    for (share, level) in shares.iter().zip(&levels) {
        let r = (-2.0 * (1.0 - share).ln()).sqrt();
        let exact = -r * r / 2.0 - (2.0 * PI).ln();
        assert!(
            (*level as f64 - exact).abs() < 0.02,
            "{share}: {level} vs {exact}"
        );
        // One closed line: the cells' pieces chain into a single loop.
        let lines = contour(&density, *level);
        assert_eq!(lines.len(), 1, "{share}: {} lines", lines.len());
        let line = &lines[0];
        assert!(line.len() > 100, "{share}: {} points", line.len());
        assert_eq!(line.first(), line.last(), "{share}: the loop closes");
        for s in line.windows(2) {
            let step = ((s[1].0 - s[0].0).powi(2) + (s[1].1 - s[0].1).powi(2)).sqrt();
            assert!(
                step < 0.036,
                "{share}: a jump of {step} (a cell is 0.025 wide)"
            );
            for (x, y) in s {
                let at = ((x * x + y * y) as f64).sqrt();
                assert!(
                    (at - r).abs() < 0.03,
                    "{share}: a point at radius {at}, not {r}"
                );
            }
        }
    }
    assert!(
        contour(&density, 10.0).is_empty(),
        "no cell reaches above the peak"
    );
}

#[test]
fn a_line_the_window_cuts_is_one_open_line_and_two_bumps_are_two_loops() {
    let grid = Grid::new(Window::square(5.0), 200, 200).unwrap();
    // A normal at (4, 0): its circle of radius 2 leaves the grid at its last column.
    let edge = grid.tabulate(|p| {
        p.chunks(2)
            .map(|x| -((x[0] - 4.0).powi(2) + x[1] * x[1]) / 2.0)
            .collect()
    });
    let lines = contour(&edge, -2.0);
    assert_eq!(lines.len(), 1, "{} lines", lines.len());
    let (first, last) = (lines[0][0], *lines[0].last().unwrap());
    // The grid's last column of centres is at 4.975.
    for end in [first, last] {
        assert!(
            (end.0 - 4.975).abs() < 1e-4,
            "an end at {end:?}, not on the edge"
        );
        let on_circle = (4.0 - 0.975f32 * 0.975).sqrt();
        assert!((end.1.abs() - on_circle).abs() < 0.01, "{end:?}");
    }
    assert!(first.1 * last.1 < 0.0, "one end above the axis, one below");
    // Two separate bumps: two closed loops.
    let two = grid.tabulate(|p| {
        p.chunks(2)
            .map(|x| {
                let d = |c: f32| ((x[0] - c).powi(2) + x[1] * x[1]) / 2.0;
                (-d(-2.0)).exp().max((-d(2.0)).exp()).ln()
            })
            .collect()
    });
    let lines = contour(&two, -0.5);
    assert_eq!(lines.len(), 2, "{} lines", lines.len());
    assert!(lines.iter().all(|l| l.first() == l.last()));
}
