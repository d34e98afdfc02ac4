//! The user's own data: points drawn on the page or imported from a file, as a training
//! distribution. Each step resamples a batch from the training part (with replacement,
//! plus an optional Gaussian jitter); a fixed fifth of the points is held out for the test
//! NLL. Its entropy is unknown (an empirical set has no density to take it from).

use crate::data::Point;
use crate::{Error, Result};
use rand::{rngs::StdRng, Rng};
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
/// Largest coordinate a set may have. The view window is `[-4, 4]^2` and every flow starts
/// near the identity on a standard normal; a file in other units is scaled into the view.
pub const MAX_COORD: f32 = 1e3;
/// Smallest standard deviation a set may have along each axis: below it the points are a
/// spot or a line, with no area for a density (its NLL falls without bound).
pub const MIN_SPREAD: f64 = 1e-3;

/// A drawn or imported set of 2-D points, split into a training part and a held-out part.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    points: Vec<Point>,
    train: Vec<Point>,
    test: Vec<Point>,
}

impl PointSet {
    /// The set of `points` (in the order given, which [`Self::points`] keeps); refused if
    /// it has fewer than [`MIN_POINTS`] or more than [`MAX_POINTS`], a value is not finite
    /// or beyond [`MAX_COORD`], or the points spread less than [`MIN_SPREAD`] along an axis.
    pub fn new(points: Vec<Point>) -> Result<PointSet> {
        check(&points, 0)?;
        let mut set = PointSet {
            points: Vec::new(),
            train: Vec::new(),
            test: Vec::new(),
        };
        set.push(&points);
        Ok(set)
    }

    /// This set with `more` points after its own, refused as [`Self::new`] refuses: the
    /// same set as `new` of them all, without redoing the split (each point's part never
    /// changes as points come after it), so that a brush stroke on a large set costs
    /// little more than copying it.
    pub fn extended(&self, more: &[Point]) -> Result<PointSet> {
        let mut set = self.clone();
        set.push(more);
        check(&set.points, self.points.len())?;
        Ok(set)
    }

    /// Adds `more` after the points, each to its part.
    fn push(&mut self, more: &[Point]) {
        for (i, &p) in (self.points.len()..).zip(more) {
            match held_out(i) {
                true => self.test.push(p),
                false => self.train.push(p),
            }
        }
        self.points.extend_from_slice(more);
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

/// Refuses `points` as [`PointSet::new`] says, checking values from `new_from` on (the
/// ones before were checked already).
fn check(points: &[Point], new_from: usize) -> Result<()> {
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
    let new = &points[new_from..];
    if let Some(i) = new.iter().position(|p| !p.iter().all(|v| v.is_finite())) {
        let msg = format!("point {} is not finite", new_from + i + 1);
        return Err(Error::Invalid("your points", msg));
    }
    if let Some(i) = new
        .iter()
        .position(|p| p.iter().any(|v| v.abs() > MAX_COORD))
    {
        let [x, y] = new[i].map(|v| readable(v as f64));
        let msg = format!(
            "point {} at ({x}, {y}) lies beyond ±{MAX_COORD} (the view window is [-4, 4]); \
             scale the points into the view",
            new_from + i + 1
        );
        return Err(Error::Invalid("your points", msg));
    }
    if let Some((axis, sd)) = thinnest(points).filter(|&(_, sd)| sd < MIN_SPREAD) {
        let msg = format!(
            "they do not spread along {} (standard deviation {}, under {MIN_SPREAD}): \
             a density needs an area to spread over",
            ["x", "y"][axis],
            readable(sd)
        );
        return Err(Error::Invalid("your points", msg));
    }
    Ok(())
}

/// Whether point `i` (from 0, in the order given) is held out: one in each run of
/// [`HELD_OUT_EVERY`] points, at the place a seeded hash of the run picks (a mixer of
/// SplitMix64's), so that no pattern in the order (a file sorted by cluster, say) lines up
/// with the split, and a point's part depends on its place alone.
fn held_out(i: usize) -> bool {
    let run = (i / HELD_OUT_EVERY) as u64;
    let mut z = (run ^ SPLIT_SEED).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    z % HELD_OUT_EVERY as u64 == (i % HELD_OUT_EVERY) as u64
}

/// The axis along which `points` spread least, and their standard deviation along it.
fn thinnest(points: &[Point]) -> Option<(usize, f64)> {
    let n = points.len() as f64;
    (0..2)
        .map(|i| {
            let mean = points.iter().map(|p| p[i] as f64).sum::<f64>() / n;
            let var = points
                .iter()
                .map(|p| (p[i] as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            (i, var.sqrt())
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Most times its middle half's width the range of an imported set may be along an axis.
/// A set beyond it, scaled into the view, would show its middle half as one spot.
pub const MAX_RANGE_TO_MIDDLE: f64 = 100.0;

/// The point that dominates the scale of `points`, if one does: where the range along an
/// axis is over [`MAX_RANGE_TO_MIDDLE`] times the width of the middle half (the
/// interquartile range), the point farthest from the median along it. Returns its index,
/// the axis and the ratio.
pub fn dominating(points: &[Point]) -> Option<(usize, usize, f64)> {
    (0..2).find_map(|axis| {
        let mut values: Vec<f64> = points.iter().map(|p| p[axis] as f64).collect();
        let n = values.len();
        let mut at = |q: usize| *values.select_nth_unstable_by(q, f64::total_cmp).1;
        let (lo, median, hi) = (at(n / 4), at(n / 2), at(3 * n / 4));
        let (min, max) = (at(0), at(n - 1));
        let ratio = (max - min) / (hi - lo);
        // A set with no spread at all is the spread check's to refuse.
        if max == min || ratio <= MAX_RANGE_TO_MIDDLE {
            return None;
        }
        let far = (0..n).max_by(|&i, &j| {
            let d = |k: usize| (points[k][axis] as f64 - median).abs();
            d(i).total_cmp(&d(j))
        })?;
        Some((far, axis, ratio))
    })
}

/// `v` for a message, readable at any size: four decimals from 0.001 to 100,000, else
/// three significant digits in exponent form (`3.000e38`, not 39 digits).
pub fn readable(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-3..1e5).contains(&v.abs()) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
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
