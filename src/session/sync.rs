//! The training worker's message to the page, as one pure codec. The worker trains its own
//! [`super::lab::Lab`] and, after each chunk of steps, posts
//! `{type: 'state', gen, params, progress, event}`: `params` is
//! [`crate::flow::Flow::parameters`] as a `Float32Array`, `event` the last rollback in words
//! (empty for none), and `progress` is [`Update::encode`]'s numbers:
//!
//! `[step, steps/s, metric, ess, samples, non-finite samples, metric se, loss from, n,
//! (step, loss) x n, test from, m, (step, test) x m]`
//!
//! with NaN for a missing metric, ESS, sample count or standard error (a metric may be
//! `+inf`). The page decodes it with [`Update::decode`].

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
    /// The last rollback, in words.
    pub event: Option<String>,
}

/// One message's worth of training: the progress and the history points made since the
/// previous message, each series as `(from, points)` for
/// [`crate::history::Series::replace_from`].
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
        ];
        for (from, series) in [(self.loss_from, &self.loss), (self.test_from, &self.test)] {
            out.push(from as f64);
            out.push(series.len() as f64);
            out.extend(series.iter().flat_map(|&(s, v)| [s as f64, v]));
        }
        out
    }

    /// The update [`Self::encode`] made, with its event; an error for any other list.
    pub fn decode(numbers: &[f64], event: &str) -> Result<Update> {
        let bad = || Error::Invalid("worker message", "malformed progress numbers".into());
        let mut it = numbers.iter().copied();
        let mut next = || it.next().ok_or_else(bad);
        let (step, sps, metric, ess) = (next()?, next()?, next()?, next()?);
        let (samples, non_finite, se) = (next()?, next()?, next()?);
        let count = |v: f64| {
            (v >= 0.0 && v.fract() == 0.0 && v <= crate::history::SERIES_CAP as f64)
                .then_some(v as usize)
                .ok_or_else(bad)
        };
        let mut series = [(0, Vec::new()), (0, Vec::new())];
        for (from, s) in &mut series {
            *from = count(next()?)?;
            for _ in 0..count(next()?)? {
                s.push((next()? as u64, next()?));
            }
        }
        if next().is_ok() || !(step >= 0.0 && step.fract() == 0.0) {
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
                event: Some(event.to_string()).filter(|e| !e.is_empty()),
            },
            loss_from,
            loss,
            test_from,
            test,
        })
    }
}
