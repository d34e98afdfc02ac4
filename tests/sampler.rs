//! Exact target samples against the target (the training's 1,024-cell grid and the
//! display's 256): each marginal of 50,000 draws against the
//! marginal CDF of `exp(-U - ln Z)` by an independent quadrature (another grid, the
//! tabulated `ln Z`), the normalised density's mass, and the share of draws in the wall.

use arflow::data::sampler::GridSampler;
use arflow::data::target::Target;
use arflow::numeric::grid::{Grid, Window};
use arflow::numeric::stats::sort_floats;
use arflow::session::display::DISPLAY_SAMPLER_RES;
use arflow::views::latent::column;
use rand::{rngs::StdRng, SeedableRng};

/// `exp(-U - ln Z)` on a `res^2` grid over `[-h, h]^2`, row-major from the top.
fn normalised(t: Target, h: f32, res: usize) -> (Grid, Vec<f64>) {
    let grid = Grid::new(Window::square(h), res, res).unwrap();
    let p = t
        .log_unnormalised(&grid.points())
        .iter()
        .map(|&l| (l as f64 - t.log_z()).exp())
        .collect();
    (grid, p)
}

#[test]
fn the_normalised_targets_integrate_to_one() {
    for t in Target::ALL {
        let (grid, p) = normalised(t, 6.0, 1200);
        let mass = p.iter().sum::<f64>() * (grid.dx() * grid.dy()) as f64;
        assert!((mass - 1.0).abs() < 1e-3, "{t:?}: {mass}");
    }
}

#[test]
fn target_draws_match_the_targets_marginals() {
    // The training's and read-outs' sampler, and the display's coarser one (the latent
    // view's exact draws under reverse KL), against the same quadrature.
    let samplers = Target::ALL.into_iter().flat_map(|t| {
        [
            (t, GridSampler::target(t)),
            (t, GridSampler::target_at(t, DISPLAY_SAMPLER_RES)),
        ]
    });
    for (t, sampler) in samplers {
        let n = 50_000;
        let x = sampler.sample(n, &mut StdRng::seed_from_u64(9));
        let (grid, p) = normalised(t, 4.5, 900);
        let cell = (grid.dx() * grid.dy()) as f64;
        for axis in [0, 1] {
            // The marginal CDF at each cell's upper edge, by the quadrature.
            let mass: Vec<f64> = (0..grid.nx)
                .map(|k| {
                    (0..grid.ny)
                        .map(|m| {
                            if axis == 0 {
                                p[m * grid.nx + k]
                            } else {
                                p[(grid.ny - 1 - k) * grid.nx + m]
                            }
                        })
                        .sum::<f64>()
                        * cell
                })
                .collect();
            let mut cdf = Vec::with_capacity(mass.len());
            let mut acc = 0.0;
            for m in &mass {
                acc += m;
                cdf.push(acc);
            }
            let mut v = column(&x, 2, axis);
            sort_floats(&mut v);
            let edge = |k: usize| -4.5 + (k + 1) as f64 * grid.dx() as f64;
            // The largest gap between the empirical CDF and the quadrature's at the edges.
            let ks = (0..grid.nx)
                .map(|k| {
                    let below = v.partition_point(|&s| s <= edge(k)) as f64 / n as f64;
                    (below - cdf[k]).abs()
                })
                .fold(0.0, f64::max);
            // 99 %: 1.63 / sqrt(n) = 0.0073.
            assert!(ks < 1.63 / (n as f64).sqrt(), "{t:?} axis {axis}: KS {ks}");
        }
        let outside = x
            .chunks(2)
            .filter(|q| q[0].abs() > 4.0 || q[1].abs() > 4.0)
            .count() as f64
            / n as f64;
        println!("{t:?}: {:.2} % of draws in the wall", 100.0 * outside);
        if t.boxed() {
            assert!(outside > 0.01 && outside < 0.025, "{t:?}: {outside}");
        } else {
            assert!(outside < 1e-3, "{t:?}: {outside}");
        }
    }
}
