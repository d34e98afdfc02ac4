//! Sums and orderings of floats that read-outs at every storey share.

/// `ln sum_i exp(v_i)` over the finite values, in f64.
pub fn log_sum_exp(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = values
        .clone()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    m + values
        .filter(|v| v.is_finite())
        .map(|v| (v - m).exp())
        .sum::<f64>()
        .ln()
}

/// Sorts short lists of finite numbers (medians and quantiles of a few hundred values) by
/// insertion: the standard library's sort adds about 4 KB of code per element type to the
/// page's wasm, this a few hundred bytes.
pub fn sort_floats(v: &mut [f64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A tail of a sample as a generalized Pareto distribution: the `count` largest values
/// exceed `threshold` (the next largest) by `Y ~ GPD(shape, scale)`. Its mean is finite for
/// `shape < 1`, its variance for `shape < 1/2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    /// The largest value not in the tail.
    pub threshold: f64,
    /// The shape `xi`: 0 for an exponential tail, above for heavier, below for bounded.
    pub shape: f64,
    /// The scale `sigma`.
    pub scale: f64,
    /// Values in the tail.
    pub count: usize,
    /// The largest of them.
    pub max: f64,
    /// The sum and the sum of squares of those `count` values.
    sums: (f64, f64),
}

impl Tail {
    /// The fit of the upper tail of `values` (finite; at least 50): the largest
    /// `M = min(n / 5, 3 sqrt n)` values (the choice of Pareto-smoothed importance sampling)
    /// over the next largest, by Hosking and Wallis's probability-weighted moments, which
    /// stay finite and nearly unbiased for shapes below 1/2. `None` for fewer values.
    pub fn upper(values: &[f64]) -> Option<Tail> {
        let n = values.len();
        if n < 50 {
            return None;
        }
        let m = ((n as f64 / 5.0).min(3.0 * (n as f64).sqrt())) as usize;
        let top = largest(values, m + 1);
        let threshold = top[0];
        let y: Vec<f64> = top[1..].iter().map(|v| v - threshold).collect();
        // a0 = E[Y], a1 = E[Y (1 - F(Y))] with plotting positions (j - 0.35) / M.
        let mf = m as f64;
        let a0 = y.iter().sum::<f64>() / mf;
        let a1 = y
            .iter()
            .enumerate()
            .map(|(j, v)| (1.0 - (j as f64 + 0.65) / mf) * v)
            .sum::<f64>()
            / mf;
        let (shape, scale) = match (a0, a0 - 2.0 * a1) {
            (a0, _) if a0 <= 0.0 => (-1.0, 0.0),
            (_, d) if d <= 0.0 => (f64::INFINITY, f64::INFINITY),
            (a0, d) => (2.0 - a0 / d, 2.0 * a0 * a1 / d),
        };
        let sums = top[1..]
            .iter()
            .fold((0.0, 0.0), |(a, b), v| (a + v, b + v * v));
        Some(Tail {
            threshold,
            shape,
            scale,
            count: m,
            max: top[m],
            sums,
        })
    }

    /// `E[X]` (finite for shapes below 1) and `E[X^2]` (below 1/2) of a value in this tail.
    fn moments(&self) -> (f64, f64) {
        let (u, k, s) = (self.threshold, self.shape, self.scale);
        let m1 = if k < 1.0 {
            s / (1.0 - k)
        } else {
            f64::INFINITY
        };
        let m2 = if k < 0.5 {
            2.0 * s * s / ((1.0 - k) * (1.0 - 2.0 * k))
        } else {
            f64::INFINITY
        };
        (u + m1, u * u + 2.0 * u * m1 + m2)
    }
}

/// The mean and variance of the distribution a sample was drawn from, with both tails
/// taken as their fitted generalized Pareto distributions ([`Tail::upper`]): a heavy tail's
/// rare large values are missing from most samples, so the sample's moments understate it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailFit {
    /// What the values beyond the sample's largest would add to its mean, as the fitted
    /// upper tail expects: `E[X - mean | X > max] / n` (about one value of the next `n`
    /// passes the largest of `n`; infinite from shape 1). A heavy tail's sample mean is
    /// typically low by about this much.
    pub beyond: f64,
    /// The variance with the fitted tails, never below the sample's; the sample's when a
    /// shape is 1/2 or more (the variance is then infinite and no standard error holds).
    pub variance: f64,
    /// The heavier tail's shape (NaN for fewer than 50 values: then the sample's moments).
    pub shape: f64,
}

impl TailFit {
    /// The fit of finite `values`.
    pub fn of(values: &[f64]) -> TailFit {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
        let sample = centred.iter().map(|v| v * v).sum::<f64>() / (n - 1.0);
        let negated: Vec<f64> = centred.iter().map(|v| -v).collect();
        let (Some(up), Some(down)) = (Tail::upper(&centred), Tail::upper(&negated)) else {
            return TailFit {
                beyond: 0.0,
                variance: sample,
                shape: f64::NAN,
            };
        };
        // The body is every value but the two tails' (by rank); the tails count as fitted.
        let body = (
            centred.iter().sum::<f64>() - up.sums.0 + down.sums.0,
            sample * (n - 1.0) - up.sums.1 - down.sums.1,
        );
        let ((u1, u2), (d1, d2)) = (up.moments(), down.moments());
        let (cu, cd) = (up.count as f64, down.count as f64);
        let first = (body.0 + cu * u1 - cd * d1) / n;
        let second = (body.1 + cu * u2 + cd * d2) / n;
        let shape = up.shape.max(down.shape);
        let variance = if shape < 0.5 {
            ((second - first * first) * n / (n - 1.0)).max(sample)
        } else {
            sample
        };
        let (top, k) = (up.max, up.shape);
        let excess = (up.scale + k * (top - up.threshold)).max(0.0) / (1.0 - k);
        TailFit {
            beyond: if k < 1.0 {
                (top + excess) / n
            } else {
                f64::INFINITY
            },
            variance,
            shape,
        }
    }
}

/// The `k` largest of `values`, ascending (an insertion into a buffer of `k`: cheap for
/// `k` much smaller than the list, and small in the page's wasm).
fn largest(values: &[f64], k: usize) -> Vec<f64> {
    let mut top: Vec<f64> = Vec::with_capacity(k + 1);
    for &v in values {
        if top.len() == k && v <= top[0] {
            continue;
        }
        let at = top.partition_point(|&t| t < v);
        top.insert(at, v);
        if top.len() > k {
            top.remove(0);
        }
    }
    top
}
