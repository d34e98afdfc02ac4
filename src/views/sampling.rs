//! The sequential side made visible: the path of one point through the flow, MADE pass by
//! MADE pass, either way. A layer that goes by a solve (MAF's towards the data, IAF's
//! towards the prior) fixes one coordinate per pass, in its order: after pass `p` the
//! coordinates at positions `0..p` of the order hold their final values, so drawing the
//! iterates fills an image pixel after pixel. A direct layer is one pass.

use crate::flow::layer::Towards;
use crate::flow::Flow;
use crate::numeric::tensor::{matrix, values};

/// One layer `T_k` of the path.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerPasses {
    /// `k` of `T_k` (1 = next to the prior, the first a sample goes through).
    pub layer: usize,
    /// The layer's ordering: `order[p]` is the coordinate a solve fixes at pass `p + 1`.
    pub order: Vec<usize>,
    /// The point after each MADE pass (the last is the layer's output).
    pub iterates: Vec<Vec<f32>>,
}

/// The whole path of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Which way: a sample (latent to data) or a density (data to latent).
    pub towards: Towards,
    /// Where it starts: the base's point `z` of a sample (`eps` under `N(0, I)`), or the
    /// data point `x` of a density.
    pub from: Vec<f32>,
    /// The layers in the order the point goes through them (`T_1, ..., T_K` for a sample,
    /// the reverse for a density).
    pub layers: Vec<LayerPasses>,
    /// Where it ends: the sample `x = T(z)`, or the base's point `z = T^-1(x)`.
    pub to: Vec<f32>,
}

impl Path {
    /// MADE passes in all.
    pub fn passes(&self) -> usize {
        self.layers.iter().map(|l| l.iterates.len()).sum()
    }
}

impl Flow {
    /// The path of the latent draw `eps` (`D` values) to its sample, pass by pass.
    pub fn sampling_path(&self, eps: &[f32]) -> Path {
        let mut u = matrix(self.device(), eps.to_vec(), self.dim());
        if let Some(base) = &self.base {
            u = base.to_data(u).0;
        }
        let order: Vec<usize> = (0..self.layers.len()).collect();
        self.path(values(&u), &order, Towards::Data)
    }

    /// The path of the data point `x` (`D` values) to the base's point `z`, pass by pass:
    /// what a density evaluation computes.
    pub fn density_path(&self, x: &[f32]) -> Path {
        let order: Vec<usize> = (0..self.layers.len()).rev().collect();
        self.path(x.to_vec(), &order, Towards::Prior)
    }

    /// `from` through the layers `order` (0-based) `towards` the data or the prior.
    fn path(&self, from: Vec<f32>, order: &[usize], towards: Towards) -> Path {
        let mut u = matrix(self.device(), from.clone(), self.dim());
        let mut layers = Vec::with_capacity(order.len());
        for &k in order {
            let layer = &self.layers[k];
            let mut inputs = Vec::new();
            let (out, _) = layer.pass_with(u, towards, &mut |v| {
                inputs.push(values(&v));
                layer.conditioner(v)
            });
            // Each pass's input is the previous pass's output; the first is the layer's input.
            let mut iterates: Vec<Vec<f32>> = inputs.drain(..).skip(1).collect();
            iterates.push(values(&out));
            layers.push(LayerPasses {
                layer: k + 1,
                order: self.config.layer_ordering(k),
                iterates,
            });
            u = out;
        }
        Path {
            towards,
            from,
            layers,
            to: values(&u),
        }
    }
}
