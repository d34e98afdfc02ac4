//! The training worker's message to the page, as one pure codec. The worker trains its own
//! [`super::lab::Lab`] and, after each chunk of steps, posts
//! `{type: 'state', gen, params, progress, event}`: `params` is
//! [`crate::flow::Flow::parameters`] as a `Float32Array`, `event` the last rollback in words
//! (empty for none), and `progress` is [`Update::encode`]'s numbers:
//!
//! `[step, steps/s, metric, ess, samples, non-finite samples, metric se, coverage, loss
//! from, n, (step, loss) x n, test from, m, (step, test) x m]`
//!
//! with NaN for a missing metric, ESS, sample count, standard error or coverage (a metric may be
//! `+inf`), and, in the compare view, the scores and their series after them:
//!
//! `[score step (NaN for none), steps x 2, seconds x 2, rollbacks x 2, (value, se, n, tail
//! shape, beyond) x 4,
//! modes x 2 (NaN for none),
//! (from, k, (step, value) x k) x 4]`
//!
//! The page decodes it with [`Update::decode`].

use super::comparison::Scores;
use crate::train::divergence::Estimate;
use crate::{Error, Result};

/// Where training stands: from a lab's own steps, or received from a worker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Steps taken (rolled-back ones included).
    pub step: u64,
    /// Steps per second of wall time over the last second.
    pub steps_per_second: f64,
    /// Test NLL or KL estimate at the last evaluation.
    pub metric: Option<f64>,
    /// Effective sample size fraction (reverse KL).
    pub ess: Option<f64>,
    /// Reverse KL: the samples behind the estimate, and how many were not finite.
    pub samples: Option<(usize, usize)>,
    /// Reverse KL: the standard error of the KL estimate.
    pub metric_se: Option<f64>,
    /// Reverse KL on an energy: the share of the target's mass the model covers.
    pub coverage: Option<f64>,
    /// The last rollback, in words.
    pub event: Option<String>,
}

/// One message's worth of training: the progress and the history points made since the
/// previous message, each series as `(from, points)` for
/// [`crate::train::history::Series::replace_from`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Update {
    /// Where training stands.
    pub progress: Progress,
    /// Where the new loss points start, and the `(step, loss)` points.
    pub loss_from: usize,
    /// The new `(step, loss)` points.
    pub loss: Vec<(u64, f64)>,
    /// Where the new test points start.
    pub test_from: usize,
    /// The new `(step, test metric)` points.
    pub test: Vec<(u64, f64)>,
    /// The compare view's scores, if it is on.
    pub comparison: Option<ComparisonUpdate>,
}

/// The compare view's part of an update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComparisonUpdate {
    /// The latest scores.
    pub scores: Option<Scores>,
    /// Where each score series' new points start, and the points.
    pub series: [(usize, Vec<(u64, f64)>); 4],
}

fn push_series(out: &mut Vec<f64>, from: usize, series: &[(u64, f64)]) {
    out.push(from as f64);
    out.push(series.len() as f64);
    out.extend(series.iter().flat_map(|&(s, v)| [s as f64, v]));
}

impl Update {
    /// The numbers of the message (the event travels as its own string).
    pub fn encode(&self) -> Vec<f64> {
        let p = &self.progress;
        let (samples, non_finite) = p
            .samples
            .map_or((f64::NAN, f64::NAN), |(n, b)| (n as f64, b as f64));
        let mut out = vec![
            p.step as f64,
            p.steps_per_second,
            p.metric.unwrap_or(f64::NAN),
            p.ess.unwrap_or(f64::NAN),
            samples,
            non_finite,
            p.metric_se.unwrap_or(f64::NAN),
            p.coverage.unwrap_or(f64::NAN),
        ];
        push_series(&mut out, self.loss_from, &self.loss);
        push_series(&mut out, self.test_from, &self.test);
        if let Some(comparison) = &self.comparison {
            match &comparison.scores {
                Some(s) => {
                    out.push(s.step as f64);
                    out.extend(s.steps.map(|v| v as f64));
                    out.extend(s.seconds);
                    out.extend(s.rollbacks.map(|v| v as f64));
                    for e in s.kl.iter().flatten() {
                        out.extend([e.value, e.se, e.n as f64, e.tail, e.beyond]);
                    }
                    let modes = s.modes.map(|m| m.map(|c| c as f64));
                    out.extend(modes.unwrap_or([f64::NAN; 2]));
                }
                None => out.extend([f64::NAN; 29]),
            }
            for (from, series) in &comparison.series {
                push_series(&mut out, *from, series);
            }
        }
        out
    }

    /// The update [`Self::encode`] made, with its event; an error for any other list.
    pub fn decode(numbers: &[f64], event: &str) -> Result<Update> {
        let mut r = Reader(numbers.iter().copied());
        let (step, sps, metric, ess) = (r.next()?, r.next()?, r.next()?, r.next()?);
        let (samples, non_finite, se) = (r.next()?, r.next()?, r.next()?);
        let coverage = r.next()?;
        let mut series: [(usize, Vec<(u64, f64)>); 2] = Default::default();
        r.series(&mut series)?;
        let comparison = match r.next() {
            Err(_) => None,
            Ok(score_step) => {
                let steps = [r.next()?, r.next()?];
                let seconds = [r.next()?, r.next()?];
                let rollbacks = [r.next()?, r.next()?];
                let mut kl = [[Estimate::of(&[]); 2]; 2];
                for e in kl.iter_mut().flatten() {
                    let (value, se) = (r.next()?, r.next()?);
                    let (n, tail, beyond) = (r.next()?, r.next()?, r.next()?);
                    let n = if score_step.is_nan() {
                        0
                    } else {
                        r.whole(n, u32::MAX as f64)?
                    };
                    *e = Estimate {
                        value,
                        se,
                        n,
                        tail,
                        beyond,
                    };
                }
                let modes = [r.next()?, r.next()?];
                let modes = modes
                    .iter()
                    .all(|m| m.is_finite())
                    .then(|| modes.map(|m| m as usize));
                let mut comparison = ComparisonUpdate {
                    scores: (score_step >= 0.0).then_some(Scores {
                        step: score_step as u64,
                        steps: steps.map(|s| s as u64),
                        seconds,
                        rollbacks: rollbacks.map(|v| v as usize),
                        kl,
                        modes,
                    }),
                    series: Default::default(),
                };
                r.series(&mut comparison.series)?;
                Some(comparison)
            }
        };
        if r.next().is_ok() || !(step >= 0.0 && step.fract() == 0.0) {
            return Err(bad());
        }
        let [(loss_from, loss), (test_from, test)] = series;
        Ok(Update {
            progress: Progress {
                step: step as u64,
                steps_per_second: sps,
                metric: Some(metric).filter(|m| !m.is_nan()),
                ess: Some(ess).filter(|e| e.is_finite()),
                samples: (!samples.is_nan()).then_some((samples as usize, non_finite as usize)),
                metric_se: Some(se).filter(|e| e.is_finite()),
                coverage: Some(coverage).filter(|c| c.is_finite()),
                event: Some(event.to_string()).filter(|e| !e.is_empty()),
            },
            loss_from,
            loss,
            test_from,
            test,
            comparison,
        })
    }
}

fn bad() -> Error {
    Error::Invalid("worker message", "malformed progress numbers".into())
}

/// Reads a message's numbers in order.
struct Reader<I: Iterator<Item = f64>>(I);

impl<I: Iterator<Item = f64>> Reader<I> {
    fn next(&mut self) -> Result<f64> {
        self.0.next().ok_or_else(bad)
    }

    /// A whole number from 0 to `max`.
    fn whole(&self, v: f64, max: f64) -> Result<usize> {
        (v >= 0.0 && v.fract() == 0.0 && v <= max)
            .then_some(v as usize)
            .ok_or_else(bad)
    }

    /// Series as `(from, k, (step, value) x k)` each.
    fn series(&mut self, series: &mut [(usize, Vec<(u64, f64)>)]) -> Result<()> {
        let cap = crate::train::history::SERIES_CAP as f64;
        for (from, s) in series {
            let f = self.next()?;
            *from = self.whole(f, cap)?;
            let k = self.next()?;
            for _ in 0..self.whole(k, cap)? {
                s.push((self.next()? as u64, self.next()?));
            }
        }
        Ok(())
    }
}
