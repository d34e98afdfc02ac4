//! The data's (or the target's) marginals a lab has computed, for the slice panel.

use crate::train::objective::Objective;
use crate::views::slice::Curve;

/// The data's (or the target's) marginals computed so far, by objective and axis: they
/// never change for an objective (new points of the user's clear them).
#[derive(Debug, Default)]
pub struct Marginals(Vec<(Objective, usize, Option<Curve>)>);

impl Marginals {
    pub(super) fn get(&self, objective: Objective, axis: usize) -> Option<&Option<Curve>> {
        let found = self.0.iter().find(|m| (m.0, m.1) == (objective, axis));
        found.map(|(_, _, curve)| curve)
    }

    /// Keeps `curve`, the marginal of `objective` along `axis`.
    pub(super) fn put(&mut self, objective: Objective, axis: usize, curve: Option<Curve>) {
        self.0.push((objective, axis, curve));
    }

    /// Forgets them all (the user's points changed).
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}
