//! The user's own data: points drawn on the page or imported from a file, as a training
//! distribution. Each step resamples a batch from the training part (with replacement,
//! plus an optional Gaussian jitter); a fixed fifth of the points is held out for the test
//! NLL. Its entropy is unknown (an empirical set has no density to take it from).

use crate::data::Point;
use crate::{Error, Result};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use rand_distr::StandardNormal;

/// Fewest points a set may have: 16 to train on and 4 held out.
pub const MIN_POINTS: usize = 20;
/// Most points a set may have (a larger file is refused before it is parsed).
pub const MAX_POINTS: usize = 200_000;
/// Largest jitter (standard deviation added to each resampled point).
pub const MAX_JITTER: f64 = 1.0;
/// One point in this many is held out for the test NLL.
const HELD_OUT_EVERY: usize = 5;
/// The seed of the split: the same points always split the same way.
const SPLIT_SEED: u64 = 0x0005_B117;

/// A drawn or imported set of 2-D points, split into a training part and a held-out part.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    points: Vec<Point>,
    train: Vec<Point>,
    test: Vec<Point>,
}

impl PointSet {
    /// The set of `points` (in the order given, which [`Self::points`] keeps); refused if
    /// it has fewer than [`MIN_POINTS`] or more than [`MAX_POINTS`] or a value is not finite.
    pub fn new(points: Vec<Point>) -> Result<PointSet> {
        if points.len() < MIN_POINTS {
            let msg = format!(
                "{} points; at least {MIN_POINTS} are needed (some are held out for the test NLL)",
                points.len()
            );
            return Err(Error::Invalid("your points", msg));
        }
        if points.len() > MAX_POINTS {
            let msg = format!("{} points; at most {MAX_POINTS}", points.len());
            return Err(Error::Invalid("your points", msg));
        }
        if let Some(i) = points.iter().position(|p| !p.iter().all(|v| v.is_finite())) {
            let msg = format!("point {} is not finite", i + 1);
            return Err(Error::Invalid("your points", msg));
        }
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(SPLIT_SEED));
        let held = points.len() / HELD_OUT_EVERY;
        let test = order[..held].iter().map(|&i| points[i]).collect();
        let train = order[held..].iter().map(|&i| points[i]).collect();
        Ok(PointSet {
            points,
            train,
            test,
        })
    }

    /// Every point, in the order given.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The part that training resamples from.
    pub fn train(&self) -> &[Point] {
        &self.train
    }

    /// The held-out part (the test NLL's).
    pub fn test(&self) -> &[Point] {
        &self.test
    }

    /// `n` draws from the training part with replacement, each moved by `jitter` times a
    /// standard normal (none for 0).
    pub fn sample(&self, n: usize, jitter: f64, rng: &mut StdRng) -> Vec<Point> {
        (0..n)
            .map(|_| {
                let p = self.train[rng.gen_range(0..self.train.len())];
                if jitter == 0.0 {
                    return p;
                }
                p.map(|v| (v as f64 + jitter * rng.sample::<f64, _>(StandardNormal)) as f32)
            })
            .collect()
    }
}

/// What a click or a drag on the data panel adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// A few points around the pointer (`spread` their standard deviation): a brush.
    Dab,
    /// A Gaussian blob of twice the spread.
    Blob,
    /// A ring of radius five spreads, a third of a spread thick.
    Ring,
    /// A line from where the drag began to the pointer, a third of a spread thick.
    Line,
}

impl Stamp {
    /// The stamp called `name` (`dab`, `blob`, `ring`, `line`).
    pub fn from_name(name: &str) -> Result<Stamp> {
        match name {
            "dab" => Ok(Stamp::Dab),
            "blob" => Ok(Stamp::Blob),
            "ring" => Ok(Stamp::Ring),
            "line" => Ok(Stamp::Line),
            _ => Err(Error::Unknown("stamp", name.to_string())),
        }
    }

    /// How many points one use adds.
    pub fn count(self) -> usize {
        match self {
            Stamp::Dab => 6,
            Stamp::Blob => 150,
            Stamp::Ring => 200,
            Stamp::Line => 120,
        }
    }

    /// The points of one use at `at` (a line runs from `from` to `at`), `spread` the
    /// brush's standard deviation.
    pub fn points(self, from: Point, at: Point, spread: f32, rng: &mut StdRng) -> Vec<Point> {
        let s = spread as f64;
        let mut normal = || rng.sample::<f64, _>(StandardNormal);
        let near = |c: [f64; 2], sd: f64, normal: &mut dyn FnMut() -> f64| {
            [(c[0] + sd * normal()) as f32, (c[1] + sd * normal()) as f32]
        };
        let (a, b) = (from.map(f64::from), at.map(f64::from));
        (0..self.count())
            .map(|i| {
                let t = i as f64 / self.count() as f64;
                match self {
                    Stamp::Dab => near(b, s, &mut normal),
                    Stamp::Blob => near(b, 2.0 * s, &mut normal),
                    Stamp::Ring => {
                        let (sin, cos) = (std::f64::consts::TAU * t).sin_cos();
                        near(
                            [b[0] + 5.0 * s * cos, b[1] + 5.0 * s * sin],
                            s / 3.0,
                            &mut normal,
                        )
                    }
                    Stamp::Line => {
                        let c = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                        near(c, s / 3.0, &mut normal)
                    }
                }
            })
            .collect()
    }
}

/// `points` without those within `radius` of `at`.
pub fn erase(points: &[Point], at: Point, radius: f32) -> Vec<Point> {
    let r2 = radius * radius;
    points
        .iter()
        .filter(|p| (p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2) > r2)
        .copied()
        .collect()
}
