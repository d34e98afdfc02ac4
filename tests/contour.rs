//! The target's contours in the compare view: for a standard normal the level holding a
//! share `s` of the mass is `log N` at the radius `sqrt(-2 ln(1 - s))`, and its contour
//! is the circle of that radius.

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
        let segments = contour(&density, *level);
        assert!(segments.len() > 100, "{share}: {} segments", segments.len());
        for s in &segments {
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
