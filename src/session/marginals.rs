//! The data's (or the target's) curves a lab has computed for the slice panel: they do not
//! change while the model trains, so each is computed once.

use crate::train::objective::Objective;
use crate::views::slice::Curve;

/// Which true conditional: the objective, the axis the line fixes, the line's `c` (its
/// bits) and the cells.
type LineKey = (Objective, usize, u32, usize);

/// The data's (or the target's) marginals computed so far, by objective and axis, and the
/// last true conditional: they never change for an objective (new points of the user's
/// clear them).
#[derive(Debug, Default)]
pub struct Marginals {
    marginals: Vec<(Objective, usize, Option<Curve>)>,
    conditional: Option<(LineKey, Option<Curve>)>,
}

impl Marginals {
    pub(super) fn get(&self, objective: Objective, axis: usize) -> Option<&Option<Curve>> {
        let found = self
            .marginals
            .iter()
            .find(|m| (m.0, m.1) == (objective, axis));
        found.map(|(_, _, curve)| curve)
    }

    /// Keeps `curve`, the marginal of `objective` along `axis`.
    pub(super) fn put(&mut self, objective: Objective, axis: usize, curve: Option<Curve>) {
        self.marginals.push((objective, axis, curve));
    }

    /// The true conditional of `objective` on the line `x_axis = at` on `cells` cells:
    /// the one kept if it is that line's, else `make()`'s, kept.
    pub(super) fn conditional(
        &mut self,
        (objective, axis, at, cells): (Objective, usize, f32, usize),
        make: impl FnOnce() -> Option<Curve>,
    ) -> Option<Curve> {
        let key = (objective, axis, at.to_bits(), cells);
        match &self.conditional {
            Some((k, curve)) if *k == key => curve.clone(),
            _ => {
                let curve = make();
                self.conditional = Some((key, curve.clone()));
                curve
            }
        }
    }

    /// Forgets them all (the user's points changed).
    pub(super) fn clear(&mut self) {
        *self = Marginals::default();
    }
}
