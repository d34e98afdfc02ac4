//! What the panels read from a session besides pictures: the status line's numbers (the
//! test metric and its estimate, rollbacks in words) and the MADE masks of a flow layer and
//! of the explorer.

use super::codec::Progress;
use super::comparison::SCORE_POINTS;
use super::lab::Lab;
use crate::flow::masks::{self, Mask};
use crate::numeric::grid::Density;
use crate::train::objective::Objective;
use crate::train::{ESTIMATE_SAMPLES, TEST_POINTS};
use crate::Result;

/// What the status line shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Where training stands.
    pub progress: Progress,
    /// What `progress.metric` is.
    pub metric_name: &'static str,
    /// What the lab learns.
    pub objective: Objective,
    /// The data entropy (the NLL floor), forward KL only.
    pub floor: Option<f64>,
    /// Mass of the last complete density grid.
    pub grid_mass: Option<f64>,
    /// NaN or `+inf` values in that grid.
    pub non_finite: usize,
    /// `-inf` values in that grid.
    pub neg_infinite: usize,
    /// MADE passes per density evaluation / per sample.
    pub passes: (usize, usize),
    /// Multiply-adds of the longest piece of work the trainer does in one go (a step, or an
    /// evaluation of the test metric): how long a worker may be silent depends on it.
    pub work_macs: f64,
}

/// A metric above this is not a model's score but a diverged one, and is said in words.
pub const MEANINGLESS_METRIC: f64 = 1e3;

impl Status {
    /// The metric as the status line shows it: three decimals (with the standard error
    /// and the sample count for a KL estimate), `diverged` past [`MEANINGLESS_METRIC`], and
    /// for an infinite KL estimate how many samples were not finite.
    pub fn metric_text(&self) -> String {
        let p = &self.progress;
        match (p.metric, p.samples) {
            (None, _) => "–".into(),
            (Some(m), Some((n, bad))) if m.is_infinite() => {
                format!("∞ ({bad} of {} samples not finite)", thousands(n))
            }
            (Some(m), _) if !m.is_finite() || m.abs() > MEANINGLESS_METRIC => "diverged".into(),
            (Some(m), Some((n, _))) => {
                let se = p
                    .metric_se
                    .map_or(String::new(), |se| format!(" ± {}", fixed3(se)));
                format!("{}{se} ({} samples)", fixed3(m), thousands(n))
            }
            (Some(m), None) => fixed3(m),
        }
    }

    /// The digits' test NLL in bits per dimension of the 0..16 data; `None` for the other
    /// objectives, or without a finite metric.
    pub fn bits_per_dim(&self) -> Option<f64> {
        let m = self.progress.metric.filter(|m| m.is_finite())?;
        (self.objective == Objective::Digits).then(|| crate::data::digits::bits_per_dim(m))
    }
}

/// `v` with three decimals (by integer formatting: float formatting with a precision
/// would add its own machinery to the page's wasm).
fn fixed3(v: f64) -> String {
    let r = (v * 1000.0).round() as i64;
    let sign = if r < 0 { "-" } else { "" };
    format!("{sign}{}.{:03}", (r / 1000).abs(), (r % 1000).abs())
}

/// `20,000` for 20000.
fn thousands(n: usize) -> String {
    match n {
        0..1000 => n.to_string(),
        _ => format!("{},{:03}", thousands(n / 1000), n % 1000),
    }
}

/// Steps without a new rollback after which its warning is cleared.
pub const EVENT_CLEARS_AFTER: u64 = 500;

impl Lab {
    /// Puts the trainer's newest rollback into words, and clears the words once training
    /// has gone on for [`EVENT_CLEARS_AFTER`] steps without another.
    pub(super) fn describe_events(&mut self) {
        let h = &self.trainer.history;
        let step = self.trainer.step_count();
        if let Some(e) = h.events.back().filter(|_| h.rollbacks > self.events_seen.0) {
            let lost = e.step - e.restored_step;
            self.progress.event = Some(format!(
                "step {}: {}; rolled back to step {}'s parameters, the last good model, and \
                 training goes on from them ({lost} steps undone; the step count counts every \
                 step taken): learning rate too high?",
                e.step, e.cause, e.restored_step
            ));
            self.events_seen = (h.rollbacks, e.step);
        } else if step >= self.events_seen.1 + EVENT_CLEARS_AFTER {
            self.progress.event = None;
        }
    }

    /// Re-evaluates the test metric now (the KL estimate, its ESS, sample count and
    /// standard error from one draw).
    pub fn refresh_metric(&mut self) {
        self.trainer.test_metric();
        self.read_metric();
    }

    pub(super) fn read_metric(&mut self) {
        let metric = self.trainer.history.latest.map(|t| t.1);
        self.progress.metric = metric.filter(|m| !m.is_nan());
        let e = self.trainer.last_estimate();
        self.progress.ess = e.map(|e| e.ess);
        self.progress.samples = e.map(|e| (e.n, e.non_finite));
        self.progress.metric_se = e.map(|e| e.loss_se);
        self.progress.coverage = self.trainer.last_coverage().map(|c| c.value);
    }

    /// Degrees and masks of layer `layer` (1-based) of the flow.
    pub fn layer_masks(&self) -> (Vec<Vec<usize>>, Vec<Mask>) {
        let k = self.settings.layer.clamp(1, self.trainer.flow.layers.len()) - 1;
        let made = &self.trainer.flow.layers[k].made;
        (
            made.degrees.clone(),
            made.masks().into_iter().cloned().collect(),
        )
    }

    /// Degrees and masks of the explorer's MADE.
    pub fn explorer_masks(&self) -> Result<(Vec<Vec<usize>>, Vec<Mask>)> {
        let s = &self.settings;
        let (o, rule) = s.explorer();
        let degrees = masks::degrees(&masks::ordering(s.mdim, o), &s.mhidden, rule)?;
        let masks = masks::masks(&degrees, 2);
        Ok((degrees, masks))
    }

    /// What the status line shows.
    pub fn status(&self) -> Status {
        let forward = self.settings.objective().is_forward();
        let floor = match self.settings.objective() {
            // Unknown (NaN) for the user's own points: no floor is drawn.
            Objective::ForwardKl(d) => Some(d.entropy()).filter(|h| h.is_finite()),
            _ => None,
        };
        Status {
            progress: self.progress.clone(),
            metric_name: if forward { "test NLL" } else { "KL estimate" },
            objective: self.settings.objective(),
            floor,
            grid_mass: self.density().map(Density::mass),
            non_finite: self.density().map_or(0, |d| d.non_finite),
            neg_infinite: self.density().map_or(0, |d| d.neg_infinite),
            passes: (
                self.trainer.flow.passes_per_density(),
                self.trainer.flow.passes_per_sample(),
            ),
            work_macs: self.work_macs(forward),
        }
    }

    /// See [`Status::work_macs`]: a step's forward and backward pass over the batch (about
    /// three evaluations), or the test NLL of the held-out points (forward KL), or the KL
    /// estimate's samples with their density (reverse KL); in the compare view all of them
    /// and the scores.
    fn work_macs(&self, forward: bool) -> f64 {
        let flow = &self.trainer.flow;
        let (density, sample) = (flow.passes_per_density(), flow.passes_per_sample());
        let per = |passes: usize| flow.macs_per_point(passes) as f64;
        let step = 3.0 * self.settings.batch as f64 * per(if forward { density } else { sample });
        let evaluation = if forward {
            TEST_POINTS as f64 * per(density)
        } else {
            ESTIMATE_SAMPLES as f64 * per(sample + density)
        };
        if self.comparison.is_none() {
            return step.max(evaluation);
        }
        // The compare view: both objectives' steps and evaluations, and the scores, may
        // fall between two messages.
        let both = 3.0 * self.settings.batch as f64 * per(density + sample)
            + TEST_POINTS as f64 * per(density)
            + ESTIMATE_SAMPLES as f64 * per(sample + density);
        both + (2 * SCORE_POINTS) as f64 * per(2 * density + sample)
    }
}
