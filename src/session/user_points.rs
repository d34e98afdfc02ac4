//! The user's own points as a lab keeps them: as drawn or imported, and the last set of
//! them large enough to train on.

use crate::data::points::{PointSet, MIN_POINTS};
use crate::data::Point;
use crate::Result;
use std::sync::Arc;

/// The user's points: as drawn or imported (any number), and the last set of them large
/// enough to train on.
#[derive(Debug, Default)]
pub struct UserPoints {
    drawn: Vec<Point>,
    set: Option<Arc<PointSet>>,
    /// Whether the set is the points as drawn, all of them (not the last set large
    /// enough while there are too few).
    whole: bool,
}

impl UserPoints {
    /// `points` as they are, a set to train on unless there are none.
    pub(super) fn new(points: &[Point]) -> Result<UserPoints> {
        let set = match points.len() {
            0 => None,
            _ => Some(Arc::new(PointSet::new(points.to_vec())?)),
        };
        Ok(UserPoints {
            drawn: points.to_vec(),
            whole: set.is_some(),
            set,
        })
    }

    /// The points as drawn or imported.
    pub fn drawn(&self) -> &[Point] {
        &self.drawn
    }

    /// The set to train on, once there are enough points.
    pub fn set(&self) -> Option<&Arc<PointSet>> {
        self.set.as_ref()
    }

    /// Replaces the points; from [`MIN_POINTS`] on they are the new set, returned. A set
    /// [`PointSet::new`] refuses changes nothing.
    pub(super) fn replace(&mut self, drawn: Vec<Point>) -> Result<Option<Arc<PointSet>>> {
        if drawn.len() < MIN_POINTS {
            self.drawn = drawn;
            self.whole = false;
            return Ok(None);
        }
        let set = Arc::new(PointSet::new(drawn.clone())?);
        self.drawn = drawn;
        self.set = Some(set.clone());
        self.whole = true;
        Ok(Some(set))
    }

    /// Adds `more` after the points, as [`Self::replace`] with them all would: the set
    /// extended ([`PointSet::extended`]) when it holds every point so far.
    pub(super) fn extend(&mut self, more: &[Point]) -> Result<Option<Arc<PointSet>>> {
        match &self.set {
            Some(set) if self.whole => {
                let set = Arc::new(set.extended(more)?);
                self.drawn.extend_from_slice(more);
                self.set = Some(set.clone());
                Ok(Some(set))
            }
            _ => self.replace([&self.drawn[..], more].concat()),
        }
    }
}
