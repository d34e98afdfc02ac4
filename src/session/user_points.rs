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
            return Ok(None);
        }
        let set = Arc::new(PointSet::new(drawn.clone())?);
        self.drawn = drawn;
        self.set = Some(set.clone());
        Ok(Some(set))
    }
}
