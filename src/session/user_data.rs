//! The user's own points in a lab: drawn with the brush and its stamps, erased, imported
//! from a CSV (with the fit into the view window shown), exported; and how a training
//! flow takes them in (live: the model stays, the batches and held-out points change).

use super::lab::Lab;
use crate::data::csv_file::{self, BadRows};
use crate::data::digits::images_csv;
use crate::data::points::{dominating, erase, readable, PointSet, Stamp, MAX_POINTS, MIN_POINTS};
use crate::data::{flatten, unflatten, Point};
use crate::{Error, Result};
use rand::{rngs::StdRng, SeedableRng};
use std::sync::Arc;

impl Lab {
    /// The user's points as drawn or imported, row-major `n x 2`.
    pub fn drawn_flat(&self) -> Vec<f32> {
        flatten(self.points.drawn())
    }

    /// At most `most` of the user's points to draw, row-major `n x 2`: all of them if there
    /// are no more, else the newest `most / 2` (the strokes being drawn show in full) and an
    /// even sample of the older ones. Drawing 200,000 points took a second a frame.
    pub fn drawn_shown(&self, most: usize) -> Vec<f32> {
        let drawn = self.points.drawn();
        if drawn.len() <= most {
            return flatten(drawn);
        }
        let (older, newest) = drawn.split_at(drawn.len() - most / 2);
        let every = older.len().div_ceil(most - most / 2);
        let sample = older.iter().step_by(every);
        sample.chain(newest).flat_map(|p| *p).collect()
    }

    /// The user's points after the first `from`, row-major.
    pub fn drawn_since(&self, from: usize) -> Vec<f32> {
        let drawn = self.points.drawn();
        flatten(&drawn[from.min(drawn.len())..])
    }

    /// The user's points as a set to train on, once there are enough.
    pub fn point_set(&self) -> Option<&Arc<PointSet>> {
        self.points.set()
    }

    /// How many of the user's points there are, and how many the current set to train on
    /// holds (0 until there are [`MIN_POINTS`]).
    pub fn drawn_counts(&self) -> (usize, usize) {
        let set = self.points.set().map_or(0, |p| p.points().len());
        (self.points.drawn().len(), set)
    }

    /// Replaces the user's points with row-major `values`; refused, nothing changed, if
    /// they are not pairs of finite numbers or too many. From [`MIN_POINTS`] on they are
    /// the set a flow learning "your points" trains on, from its next step.
    pub fn set_points(&mut self, values: &[f32]) -> Result<()> {
        if !values.len().is_multiple_of(2) {
            let msg = format!("{} numbers, not pairs", values.len());
            return Err(Error::Invalid("your points", msg));
        }
        self.replace_points(unflatten(values))
    }

    /// [`Self::set_points`] for points as pairs.
    fn replace_points(&mut self, points: Vec<Point>) -> Result<()> {
        usable(points.len(), &points)?;
        let set = self.points.replace(points)?;
        self.take_set(set);
        Ok(())
    }

    /// Adds `more` after the user's points: the set's split is extended, not redone.
    fn add_points(&mut self, more: &[Point]) -> Result<()> {
        usable(self.points.drawn().len() + more.len(), more)?;
        let set = self.points.extend(more)?;
        self.take_set(set);
        Ok(())
    }

    /// A new set of the user's points (if there is one) is the one to train on.
    fn take_set(&mut self, set: Option<Arc<PointSet>>) {
        if let Some(set) = set {
            self.marginals.clear();
            if self.trainer.set_points(set) {
                self.metric_due = true;
                self.redraw();
            }
        }
    }

    /// Adds one use of `stamp` at `at` (a line from `from`), `spread` the brush's size;
    /// the draws are seeded by the points so far, so the same strokes give the same set.
    pub fn stamp(&mut self, stamp: Stamp, from: Point, at: Point, spread: f32) -> Result<()> {
        if !(spread.is_finite() && spread > 0.0 && spread <= 2.0) {
            let msg = format!("must be above 0 and at most 2, got {spread}");
            return Err(Error::Invalid("brush size", msg));
        }
        let drawn = self.points.drawn();
        let seed = (drawn.len() as u64) << 32 ^ u64::from(at[0].to_bits() ^ at[1].to_bits());
        self.add_points(&stamp.points(from, at, spread, &mut StdRng::seed_from_u64(seed)))
    }

    /// Removes the user's points within `radius` of `at`.
    pub fn erase_points(&mut self, at: Point, radius: f32) -> Result<()> {
        self.replace_points(erase(self.points.drawn(), at, radius))
    }

    /// Replaces the user's points with a CSV file's (`bytes`), moved into the view window
    /// if `fit`; bad lines refuse the file unless `skip_bad`. On any refusal nothing
    /// changes. Returns what was done, in words.
    pub fn import_csv(&mut self, bytes: &[u8], skip_bad: bool, fit: bool) -> Result<String> {
        let policy = if skip_bad {
            BadRows::Skip
        } else {
            BadRows::Refuse
        };
        let parsed =
            csv_file::parse(bytes, policy).map_err(|e| Error::Invalid("CSV", e.to_string()))?;
        if parsed.points.len() < MIN_POINTS {
            let msg = format!(
                "{} points; at least {MIN_POINTS} are needed",
                parsed.points.len()
            );
            return Err(Error::Invalid("CSV", msg));
        }
        if let Some((i, axis, ratio)) = dominating(&parsed.points) {
            let [x, y] = parsed.points[i].map(|v| readable(v as f64));
            let msg = format!(
                "point {} at ({x}, {y}) dominates the scale: along {} the points span {} times \
                 their middle half (at most {}); remove it and import again",
                i + 1,
                ["x", "y"][axis],
                readable(ratio),
                crate::data::points::MAX_RANGE_TO_MIDDLE
            );
            return Err(Error::Invalid("CSV", msg));
        }
        let mut words = format!("Imported {} points", parsed.points.len());
        if let Some([a, b]) = &parsed.header {
            let [a, b] = [a, b].map(|n| super::values::quote(n));
            words += &format!(" (columns {a} and {b})");
        }
        if parsed.skipped > 0 {
            words += &format!("; {} bad lines skipped", parsed.skipped);
        }
        let points = if fit {
            let f = csv_file::fit(&parsed.points);
            words += &format!(
                "; moved into the view: x' = (x - ({}, {})) x {}",
                readable(f.centre[0] as f64),
                readable(f.centre[1] as f64),
                readable(f.factor as f64)
            );
            f.apply(&parsed.points)
        } else {
            parsed.points
        };
        self.set_points(&flatten(&points))?;
        Ok(words + ".")
    }

    /// The user's points as CSV.
    pub fn points_csv(&self) -> String {
        csv_file::write(self.points.drawn())
    }

    /// The model samples on screen as CSV.
    pub fn samples_csv(&self) -> String {
        if !self.has_map() {
            return images_csv(self.model_images().unwrap_or_default());
        }
        csv_file::write(&unflatten(&self.samples()))
    }
}

/// Refuses points that would make `total` or that hold a value that is not finite.
fn usable(total: usize, points: &[Point]) -> Result<()> {
    if total > MAX_POINTS {
        let msg = format!("{total} points; at most {MAX_POINTS}");
        return Err(Error::Invalid("your points", msg));
    }
    if points.iter().flatten().any(|v| !v.is_finite()) {
        let msg = "a value is not a finite number".to_string();
        return Err(Error::Invalid("your points", msg));
    }
    Ok(())
}
