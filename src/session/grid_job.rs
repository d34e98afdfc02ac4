//! A density grid evaluated a slice at a time, so that the page never stalls: one picture
//! from one snapshot of the parameters.

use crate::eval::{Lattice, Plan};
use crate::flow::Flow;
use crate::numeric::grid::{Density, Grid, Window};

/// A density grid being evaluated slice by slice.
#[derive(Debug, Clone)]
pub struct GridJob {
    /// The flow as it was when the job began, over the job's grid.
    lattice: Lattice,
    log_p: Vec<f32>,
}

impl GridJob {
    /// The `res x res` grid over the view window for `flow` as it is now.
    pub fn new(flow: &Flow, res: usize) -> GridJob {
        let grid = Grid::new(Window::default(), res, res).expect("a valid resolution");
        GridJob {
            lattice: Lattice::new(Plan::new(flow), &grid),
            log_p: Vec::with_capacity(res * res),
        }
    }

    /// Its resolution.
    pub fn res(&self) -> usize {
        self.lattice.grid().nx
    }

    /// Evaluates `rows` cells at a time until done or `budget_ms` (by `now()`) is spent;
    /// true when every cell is done.
    pub fn work(&mut self, rows: usize, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> bool {
        let start = now();
        while self.log_p.len() < self.lattice.len() {
            let from = self.log_p.len();
            let to = (from + rows).min(self.lattice.len());
            self.log_p.extend(self.lattice.log_prob(from..to));
            if now() - start >= budget_ms {
                break;
            }
        }
        self.log_p.len() == self.lattice.len()
    }

    /// The finished grid.
    pub fn into_density(self) -> Density {
        Density::new(*self.lattice.grid(), self.log_p)
    }
}
