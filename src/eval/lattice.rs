//! Density grids with one saving: in 2-D the first layer applied to the data sees one
//! coordinate, so on a grid its MADE runs once per column (or row), not once per cell.

use super::plan::Plan;
use crate::flow::layer::Towards;
use crate::flow::transformer::Prepared;
use crate::numeric::grid::{Density, Grid};

/// `log p` on the cells of a 2-D product grid, any range of cells at a time, from one
/// [`Plan`]. The first layer towards the prior sees a single coordinate of the data (its
/// first in the ordering; the other is masked out), and on a grid that coordinate takes
/// one value per column (`x1`) or per row (`x2`): its coefficients are computed once per
/// value, up front, and looked up per cell. The result equals [`Plan::log_prob`] on the
/// same points to the last bit.
#[derive(Debug, Clone)]
pub struct Lattice {
    plan: Plan,
    grid: Grid,
    /// The cell centres, row-major from the top (as [`Grid::points`] lays them out).
    points: Vec<f32>,
    /// The first layer's maps per distinct value, `values x D`.
    table: Vec<Prepared>,
}

impl Lattice {
    /// `plan` (a 2-D flow) over the cells of `grid`.
    pub fn new(plan: Plan, grid: &Grid) -> Lattice {
        assert_eq!(plan.dim, 2, "a lattice is 2-D");
        let (points, nx) = (grid.points(), grid.nx);
        let layer = plan.layers.last().expect("a layer");
        // One representative cell per distinct value: row 0 for x1, column 0 for x2.
        let reps: Vec<f32> = if layer.first == 0 {
            points[..2 * nx].to_vec()
        } else {
            points
                .chunks_exact(2 * nx)
                .flat_map(|r| [r[0], r[1]])
                .collect()
        };
        let table = layer.prepare(&layer.coefficients(&reps, reps.len() / 2, Towards::Prior));
        Lattice {
            plan,
            grid: *grid,
            points,
            table,
        }
    }

    /// The grid it covers.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// `log p` on every cell: the whole [`Density`].
    pub fn density(&self) -> Density {
        Density::new(self.grid, self.log_prob(0..self.len()))
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.points.len() / 2
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// `log p` at cells `range` (row-major indices).
    pub fn log_prob(&self, range: std::ops::Range<usize>) -> Vec<f32> {
        let layer = self.plan.layers.last().expect("a layer");
        let u = &self.points[2 * range.start..2 * range.end];
        let columns = layer.first == 0;
        let nx = self.grid.nx;
        let maps = range.flat_map(|cell| {
            let v = if columns { cell % nx } else { cell / nx };
            &self.table[2 * v..2 * v + 2]
        });
        let (v, ld) = layer.apply_prepared(u, maps, Towards::Prior);
        self.plan.towards_prior(v, ld, self.plan.layers.len() - 1)
    }
}
