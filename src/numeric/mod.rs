//! The numbers every storey shares: dfdx's runtime-shaped tensors ([`tensor`]), the lattice
//! over the view window and a density on it ([`grid`]), the prior's log-density ([`normal`]), and sums and sorts of floats
//! ([`stats`]).

pub mod grid;
pub mod normal;
pub mod stats;
pub mod tensor;
