//! The 2-D toy data sets of the flow literature (FFJORD's generators, which call
//! scikit-learn's `make_moons` / `make_circles` / `make_swiss_roll`), one signature for all.
//!
//! Recipes follow FFJORD's `lib/toy_data.py` (Grathwohl et al., 2019) exactly; angles on arcs
//! and rings are drawn uniformly per point (the streaming form: the same distribution,
//! smooth at every batch size).

pub mod csv_file;
mod curve;
pub mod digits;
pub mod exact;
pub mod points;
pub mod sampler;
pub mod target;

use crate::{Error, Result};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use rand_distr::StandardNormal;
use std::f64::consts::PI;

/// One 2-D point.
pub type Point = [f32; 2];

/// The data sets, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataSet {
    /// Two interleaved half circles, `make_moons(noise=0.1)`, then `2x + (-1, -0.2)`.
    Moons,
    /// Eight Gaussians on a circle of radius 4, sigma 0.5, all divided by 1.414.
    EightGaussians,
    /// Uniform on 8 squares of side 2 in `[-4, 4]^2`: density 1/32.
    Checkerboard,
    /// Five curved arms.
    Pinwheel,
    /// Two interleaved spirals.
    TwoSpirals,
    /// Four noisy circles of radius 3, 2.25, 1.5, 0.75.
    Rings,
    /// `make_circles(factor=.5, noise=.08)`, times 3.
    Circles,
    /// The swiss roll seen from its end, divided by 5.
    SwissRoll,
    /// The user's own points, drawn or imported: a [`crate::data::points::PointSet`] that the
    /// trainer holds (this type is only its name; [`Self::sample`] gives no points).
    Drawn,
}

/// Differential entropies `H(p*)` in nats (the NLL floor), Monte Carlo estimates +-0.005;
/// checkerboard is exact (`ln 32`).
const ENTROPY: [(DataSet, f64); 8] = [
    (DataSet::Moons, 2.396),
    (DataSet::EightGaussians, 2.834),
    (DataSet::Checkerboard, 3.466),
    (DataSet::Pinwheel, 2.316),
    (DataSet::TwoSpirals, 2.646),
    (DataSet::Rings, 2.624),
    (DataSet::Circles, 3.269),
    (DataSet::SwissRoll, 2.669),
];

/// Standard deviation of each 8gaussians component: `0.5 / 1.414`.
pub const EIGHT_GAUSSIANS_SIGMA: f64 = 0.5 / 1.414;
/// Rings: radii (equal shares, times 3) and the noise added after scaling.
pub const RINGS: ([f64; 4], f64) = ([1.0, 0.75, 0.5, 0.25], 0.08);
/// Circles: radii (equal shares, times 3) and the noise added after scaling.
pub const CIRCLES: ([f64; 2], f64) = ([1.0, 0.5], 3.0 * 0.08);

impl DataSet {
    /// Every built-in data set (not [`DataSet::Drawn`]).
    pub const ALL: [DataSet; 8] = [
        DataSet::Moons,
        DataSet::EightGaussians,
        DataSet::Checkerboard,
        DataSet::Pinwheel,
        DataSet::TwoSpirals,
        DataSet::Rings,
        DataSet::Circles,
        DataSet::SwissRoll,
    ];

    /// Every data set the page offers, with its short name (in URLs and on the command line)
    /// and its label on the page: the settings table, the page's select, the benchmarks and
    /// the sweep all read this list.
    pub const CHOICES: [(DataSet, &'static str, &'static str); 9] = [
        (DataSet::Moons, "moons", "moons"),
        (DataSet::EightGaussians, "8gaussians", "8 gaussians"),
        (DataSet::Checkerboard, "checkerboard", "checkerboard"),
        (DataSet::Pinwheel, "pinwheel", "pinwheel"),
        (DataSet::TwoSpirals, "2spirals", "2 spirals"),
        (DataSet::Rings, "rings", "rings"),
        (DataSet::Circles, "circles", "circles"),
        (DataSet::SwissRoll, "swissroll", "swiss roll"),
        (DataSet::Drawn, "drawn", "your points (drawn or imported)"),
    ];

    /// The short name used in URLs and on the command line.
    pub fn name(self) -> &'static str {
        let found = DataSet::CHOICES.iter().find(|(d, _, _)| *d == self);
        found.map_or("", |(_, name, _)| name)
    }

    /// The data set called `name`.
    pub fn from_name(name: &str) -> Result<DataSet> {
        DataSet::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| Error::Unknown("data set", name.to_string()))
    }

    /// `H(p*)` in nats: no model's expected test NLL can go below it.
    pub fn entropy(self) -> f64 {
        ENTROPY
            .iter()
            .find(|(d, _)| *d == self)
            .map(|(_, h)| *h)
            .unwrap_or(f64::NAN)
    }

    /// `n` points drawn with `rng` (none for [`DataSet::Drawn`], whose points the trainer
    /// holds).
    pub fn sample(self, n: usize, rng: &mut StdRng) -> Vec<Point> {
        let mut pts: Vec<[f64; 2]> = match self {
            DataSet::Moons => moons(n, rng),
            DataSet::EightGaussians => (0..n).map(|_| eight_gaussians(rng)).collect(),
            DataSet::Checkerboard => (0..n).map(|_| checkerboard(rng)).collect(),
            DataSet::Pinwheel => pinwheel(n, rng),
            DataSet::TwoSpirals => two_spirals(n, rng),
            DataSet::Rings => rings(n, rng),
            DataSet::Circles => circles(n, rng),
            DataSet::SwissRoll => (0..n).map(|_| swiss_roll(rng)).collect(),
            DataSet::Drawn => Vec::new(),
        };
        pts.shuffle(rng);
        pts.into_iter().map(|[a, b]| [a as f32, b as f32]).collect()
    }

    /// `n` points from the generator seeded with `seed`.
    pub fn sample_seeded(self, n: usize, seed: u64) -> Vec<Point> {
        self.sample(n, &mut StdRng::seed_from_u64(seed))
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}

fn uniform(rng: &mut StdRng) -> f64 {
    rng.gen::<f64>()
}

/// Outer arc `(cos a, sin a)` for the first `n/2`, inner `(1 - cos a, 0.5 - sin a)` for the
/// rest, `a ~ pi U`; noise `0.1 e`; then `2x + (-1, -0.2)`.
fn moons(n: usize, rng: &mut StdRng) -> Vec<[f64; 2]> {
    let n_out = n / 2;
    (0..n)
        .map(|i| {
            let [x, y] = moon_arc(i >= n_out, PI * uniform(rng));
            let x = x + MOONS_NOISE * normal(rng);
            let y = y + MOONS_NOISE * normal(rng);
            [2.0 * x - 1.0, 2.0 * y - 0.2]
        })
        .collect()
}

/// The noise of moons before the final doubling.
pub const MOONS_NOISE: f64 = 0.1;

/// The point at angle `a` of the outer moon `(cos a, sin a)` or the inner one
/// `(1 - cos a, 0.5 - sin a)`, before noise and scaling.
pub fn moon_arc(inner: bool, a: f64) -> [f64; 2] {
    if inner {
        [1.0 - a.cos(), 0.5 - a.sin()]
    } else {
        [a.cos(), a.sin()]
    }
}

/// The 8 centres `4 (+-1, 0)`, `4 (0, +-1)`, `4 (+-1/sqrt2, +-1/sqrt2)`.
pub fn eight_gaussians_centres() -> [[f64; 2]; 8] {
    let r = 1.0 / 2f64.sqrt();
    [
        [1.0, 0.0],
        [-1.0, 0.0],
        [0.0, 1.0],
        [0.0, -1.0],
        [r, r],
        [r, -r],
        [-r, r],
        [-r, -r],
    ]
    .map(|[a, b]| [4.0 * a, 4.0 * b])
}

/// `(centre + 0.5 e) / 1.414`, the centre uniform among the 8.
fn eight_gaussians(rng: &mut StdRng) -> [f64; 2] {
    let c = eight_gaussians_centres()[rng.gen_range(0..8)];
    [
        (c[0] + 0.5 * normal(rng)) / 1.414,
        (c[1] + 0.5 * normal(rng)) / 1.414,
    ]
}

/// `x1 = 4U - 2; x2 = U' - 2B + (floor(x1) mod 2)`, output `2 (x1, x2)`.
fn checkerboard(rng: &mut StdRng) -> [f64; 2] {
    let x1 = 4.0 * uniform(rng) - 2.0;
    let b = if rng.gen::<bool>() { 1.0 } else { 0.0 };
    let x2 = uniform(rng) - 2.0 * b + x1.floor().rem_euclid(2.0);
    [2.0 * x1, 2.0 * x2]
}

/// Arm `k` (balanced, `i mod 5`): `f = (1 + 0.3 e1, 0.1 e2)`, `a = 2 pi k/5 + 0.25 exp(f1)`,
/// output `2 (f1 cos a + f2 sin a, -f1 sin a + f2 cos a)`.
fn pinwheel(n: usize, rng: &mut StdRng) -> Vec<[f64; 2]> {
    (0..n)
        .map(|i| {
            let k = (i % 5) as f64;
            let f1 = 1.0 + 0.3 * normal(rng);
            let f2 = 0.1 * normal(rng);
            let a = 2.0 * PI * k / 5.0 + 0.25 * f1.exp();
            let (s, c) = a.sin_cos();
            [2.0 * (f1 * c + f2 * s), 2.0 * (-f1 * s + f2 * c)]
        })
        .collect()
}

/// `r = sqrt(U) 3 pi`, `d = (-cos(r) r + 0.5U', sin(r) r + 0.5U'')`; half `d`, half `-d`;
/// divided by 3; noise `0.1 e`.
fn two_spirals(n: usize, rng: &mut StdRng) -> Vec<[f64; 2]> {
    (0..n)
        .map(|i| {
            let r = uniform(rng).sqrt() * 3.0 * PI;
            let sign = if i < n / 2 { 1.0 } else { -1.0 };
            let dx = -r.cos() * r + 0.5 * uniform(rng);
            let dy = r.sin() * r + 0.5 * uniform(rng);
            [
                sign * dx / 3.0 + 0.1 * normal(rng),
                sign * dy / 3.0 + 0.1 * normal(rng),
            ]
        })
        .collect()
}

/// Points on circles of the given radii (`counts[k]` on radius `radii[k]`), angle `2 pi U`,
/// scaled by `scale`, plus `noise e` after scaling.
fn circles_of(
    radii: &[f64],
    counts: &[usize],
    scale: f64,
    noise: f64,
    rng: &mut StdRng,
) -> Vec<[f64; 2]> {
    let mut pts = Vec::with_capacity(counts.iter().sum());
    for (&r, &count) in radii.iter().zip(counts) {
        for _ in 0..count {
            let (s, c) = (2.0 * PI * uniform(rng)).sin_cos();
            pts.push([
                scale * r * c + noise * normal(rng),
                scale * r * s + noise * normal(rng),
            ]);
        }
    }
    pts
}

/// Radii 1, .75, .5, .25 (`n/4` each, the remainder to .25), times 3, noise `0.08 e`.
fn rings(n: usize, rng: &mut StdRng) -> Vec<[f64; 2]> {
    let q = n / 4;
    let (radii, noise) = RINGS;
    circles_of(&radii, &[q, q, q, n - 3 * q], 3.0, noise, rng)
}

/// Unit circle (`n/2`) and radius 0.5 (the rest), noise `0.08 e`, then times 3.
fn circles(n: usize, rng: &mut StdRng) -> Vec<[f64; 2]> {
    let half = n / 2;
    let (radii, noise) = CIRCLES;
    circles_of(&radii, &[half, n - half], 3.0, noise, rng)
}

/// `t = 1.5 pi (1 + 2U)`, `(t cos t + e, t sin t + e) / 5`.
fn swiss_roll(rng: &mut StdRng) -> [f64; 2] {
    let t = 1.5 * PI * (1.0 + 2.0 * uniform(rng));
    [
        (t * t.cos() + normal(rng)) / 5.0,
        (t * t.sin() + normal(rng)) / 5.0,
    ]
}

/// Points as a flat row-major `Vec` (`n x 2`), the layout tensors take.
pub fn flatten(points: &[Point]) -> Vec<f32> {
    points.iter().flatten().copied().collect()
}

/// Row-major `n x 2` values as points: what [`flatten`] undoes.
pub fn unflatten(values: &[f32]) -> Vec<Point> {
    values.chunks_exact(2).map(|p| [p[0], p[1]]).collect()
}
