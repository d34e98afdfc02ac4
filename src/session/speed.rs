//! The training speed the status line shows.

use std::collections::VecDeque;

/// The speed the status line shows: steps per second of wall time over the last second,
/// from `(time in ms, step)` at the ends of the recent stretches of training.
#[derive(Debug, Default)]
pub struct Speed {
    recent: VecDeque<(f64, u64)>,
}

impl Speed {
    /// A stretch of training starts at `start` (ms) at `step`; after a pause of over half
    /// a second the clock starts afresh.
    pub(super) fn start(&mut self, start: f64, step: u64) {
        if self.recent.back().is_some_and(|&(t, _)| start - t > 500.0) {
            self.recent.clear();
        }
        if self.recent.is_empty() {
            self.recent.push_back((start, step));
        }
    }

    /// A stretch ended at `end` at `step`: the speed over the last second, once the clock
    /// spans at least 100 ms.
    pub(super) fn end(&mut self, end: f64, step: u64) -> Option<f64> {
        self.recent.push_back((end, step));
        while self.recent.len() > 2 && end - self.recent[1].0 > 1000.0 {
            self.recent.pop_front();
        }
        let (t0, s0) = self.recent.front().copied().unwrap_or((end, 0));
        (end - t0 >= 100.0).then(|| (step - s0) as f64 / ((end - t0) / 1000.0))
    }

    /// A new flow: no speed yet.
    pub(super) fn clear(&mut self) {
        self.recent.clear();
    }
}
