//! Sampling made visible: the path of one latent draw to the data, MADE pass by MADE pass.
//! A layer that samples by a solve (MAF's) fixes one coordinate per pass, in its order:
//! after pass `p` the coordinates at positions `0..p` of the order hold their final values,
//! so drawing the iterates fills an image pixel after pixel. A direct layer (IAF's) is one
//! pass. The density side's passes are the probe's ([`crate::views::probe`]).

use crate::flow::layer::Towards;
use crate::flow::Flow;
use crate::numeric::tensor::{matrix, values};

/// One layer `T_k` of the path.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerPasses {
    /// `k` of `T_k` (1 = next to the prior, the first a sample goes through).
    pub layer: usize,
    /// The layer's ordering: `order[p]` is the coordinate fixed by pass `p + 1`.
    pub order: Vec<usize>,
    /// The point after each MADE pass (the last is the layer's output).
    pub iterates: Vec<Vec<f32>>,
}

/// The whole path of one draw.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingPath {
    /// The base's point `z` (`eps` under `N(0, I)`).
    pub z: Vec<f32>,
    /// `T_1, ..., T_K` in the order a sample goes through them.
    pub layers: Vec<LayerPasses>,
    /// The sample `x = T(z)`.
    pub x: Vec<f32>,
}

impl SamplingPath {
    /// MADE passes in all.
    pub fn passes(&self) -> usize {
        self.layers.iter().map(|l| l.iterates.len()).sum()
    }
}

impl Flow {
    /// The path of the latent draw `eps` (`D` values) to its sample, pass by pass.
    pub fn sampling_path(&self, eps: &[f32]) -> SamplingPath {
        let d = self.dim();
        let mut u = matrix(self.device(), eps.to_vec(), d);
        if let Some(base) = &self.base {
            u = base.to_data(u).0;
        }
        let z = values(&u);
        let mut layers = Vec::with_capacity(self.layers.len());
        for (k, layer) in self.layers.iter().enumerate() {
            let mut inputs = Vec::new();
            let (out, _) = layer.pass_with(u, Towards::Data, &mut |v| {
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
        SamplingPath {
            z,
            layers,
            x: values(&u),
        }
    }
}
