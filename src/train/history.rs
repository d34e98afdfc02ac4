//! A trainer's history in constant memory: the rollbacks (the newest few and a count) and
//! two series at a fixed resolution, `(step, value)` points, at most [`SERIES_CAP`] of them
//! however long training runs. When the list is full, neighbouring pairs merge into
//! their mean (at the later step) and each new point averages twice as many raw values as
//! before, so a lecture-long session keeps the whole curve in constant memory.

use std::collections::VecDeque;

/// A record of a rollback, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// The step that failed.
    pub step: u64,
    /// The step whose parameters were restored.
    pub restored_step: u64,
    /// What went wrong, in words (see [`crate::train::guard::Guard`]).
    pub cause: &'static str,
}

/// Losses and evaluations over time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// `(step, batch loss)` of the successful steps, at a fixed resolution.
    pub loss: Series,
    /// `(step, test NLL or KL estimate)` of the evaluations, at a fixed resolution.
    pub test: Series,
    /// The newest evaluation, exactly (the series averages once it is long).
    pub latest: Option<(u64, f64)>,
    /// The newest rollbacks (at most [`EVENTS_KEPT`]).
    pub events: VecDeque<Event>,
    /// Rollbacks so far.
    pub rollbacks: usize,
}

/// Rollbacks a history keeps (it counts them all).
pub const EVENTS_KEPT: usize = 64;

impl History {
    /// Records a rollback.
    pub fn record(&mut self, event: Event) {
        if self.events.len() == EVENTS_KEPT {
            self.events.pop_front();
        }
        self.events.push_back(event);
        self.rollbacks += 1;
    }

    /// The lowest finite point of the test series, `(step, value)`: where a model that
    /// overfits was best (the trainer keeps that model, `best.rs`).
    pub fn best_test(&self) -> Option<(u64, f64)> {
        self.test
            .points()
            .iter()
            .filter(|p| p.1.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .copied()
    }

    /// Overfitting, if the history shows it: at least [`OVERFIT_EVALUATIONS`] evaluations
    /// since the best one, every one of them above it, while the training loss fell (its
    /// mean since the best step below its mean over as many steps before it).
    pub fn overfitting(&self) -> Option<Overfitting> {
        let (step, best) = self.best_test()?;
        let since: Vec<f64> = self
            .test
            .points()
            .iter()
            .filter(|p| p.0 > step)
            .map(|p| p.1)
            .collect();
        if since.len() < OVERFIT_EVALUATIONS || since.iter().any(|&v| v.is_nan() || v <= best) {
            return None;
        }
        let now = self.test.last()?.0;
        let span = now - step;
        let mean = |from: u64, to: u64| {
            let v: Vec<f64> = self
                .loss
                .points()
                .iter()
                .filter(|p| p.0 > from && p.0 <= to && p.1.is_finite())
                .map(|p| p.1)
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let (before, after) = (mean(step.saturating_sub(span), step)?, mean(step, now)?);
        (after < before).then(|| Overfitting {
            best_step: step,
            best,
            rise: since[since.len() - 1] - best,
            evaluations: since.len(),
            loss_fall: before - after,
        })
    }
}

/// Evaluations above the best in a row that count as overfitting (with a falling loss).
pub const OVERFIT_EVALUATIONS: usize = 3;

/// What [`History::overfitting`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overfitting {
    /// The step of the lowest test metric.
    pub best_step: u64,
    /// That metric.
    pub best: f64,
    /// How far the latest one is above it.
    pub rise: f64,
    /// Evaluations since the best.
    pub evaluations: usize,
    /// How far the training loss's mean fell meanwhile.
    pub loss_fall: f64,
}

/// Most points a series holds.
pub const SERIES_CAP: usize = 2048;

/// A decimating `(step, value)` series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    points: Vec<(u64, f64)>,
    /// Raw values per point now (a power of two).
    per_point: u64,
    /// Sum and count of the raw values of the point being filled.
    pending: (f64, u64),
    /// How many times the points were merged: a copy kept elsewhere by index is out of
    /// date when this changes (see [`Self::mark`]).
    merges: u64,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            points: Vec::new(),
            per_point: 1,
            pending: (0.0, 0),
            merges: 0,
        }
    }
}

/// Where a copy of a series stands: its length and the series' merges when it was taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    len: usize,
    merges: u64,
}

impl Series {
    /// Adds one raw value at `step`.
    pub fn push(&mut self, step: u64, value: f64) {
        if self.pending.1 == 0 && self.points.len() == SERIES_CAP {
            self.merge();
        }
        self.pending = (self.pending.0 + value, self.pending.1 + 1);
        if self.pending.1 < self.per_point {
            return;
        }
        let (sum, n) = std::mem::take(&mut self.pending);
        self.points.push((step, sum / n as f64));
    }

    /// Halves the points in place: each pair becomes its mean at the later step.
    fn merge(&mut self) {
        let pairs = self.points.len() / 2;
        for i in 0..pairs {
            let (a, b) = (self.points[2 * i], self.points[2 * i + 1]);
            self.points[i] = (b.0, (a.1 + b.1) / 2.0);
        }
        self.points.truncate(pairs);
        self.per_point *= 2;
        self.merges += 1;
    }

    /// The points, oldest first.
    pub fn points(&self) -> &[(u64, f64)] {
        &self.points
    }

    /// The newest point.
    pub fn last(&self) -> Option<&(u64, f64)> {
        self.points.last()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Raw values each point stands for now.
    pub fn per_point(&self) -> u64 {
        self.per_point
    }

    /// Bytes the series holds on the heap (its capacity, for the memory bound's test).
    pub fn heap_bytes(&self) -> usize {
        self.points.capacity() * std::mem::size_of::<(u64, f64)>()
    }

    /// Where the series stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            len: self.points.len(),
            merges: self.merges,
        }
    }

    /// What a copy taken at `mark` lacks: `(from, points)`, to give to
    /// [`Self::replace_from`]. After a merge the whole series travels again (`from` = 0).
    pub fn since(&self, mark: Mark) -> (usize, &[(u64, f64)]) {
        let from = if mark.merges == self.merges {
            mark.len.min(self.points.len())
        } else {
            0
        };
        (from, &self.points[from..])
    }

    /// Makes this copy equal to the original: keeps the first `from` points and appends
    /// `points` (from the original's [`Self::since`]); at most [`SERIES_CAP`] are kept.
    pub fn replace_from(&mut self, from: usize, points: &[(u64, f64)]) {
        self.points.truncate(from);
        let room = SERIES_CAP.saturating_sub(self.points.len());
        self.points
            .extend(&points[points.len().saturating_sub(room)..]);
    }
}
