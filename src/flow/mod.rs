//! Autoregressive flows: MAF (Papamakarios et al., 2017) and IAF (Kingma et al., 2016), with
//! affine or spline layers (Durkan et al., 2019).
//!
//! A layer is `T_k`, mapping the prior side `u` to the data side; a flow is
//! `T = T_K o ... o T_1` on a base `N(0, I)` (or a learnable `N(mu, diag sigma^2)`,
//! [`Base`]), so `x = T(z)` and `log p(x) = log p_base(T^-1(x)) + sum_k log|det dT_k^-1|`.
//! Both directions of every layer return `(output, log_det)`.

pub mod base;
pub mod config;
pub mod layer;
pub mod made;
pub mod masks;
pub mod scale;
pub mod spline;
pub mod spline_grad;
pub mod spline_tensor;
pub mod transformer;

use crate::flow::base::Base;
use crate::flow::config::mix;
pub use crate::flow::config::{DegreeRule, FlowConfig, LayerOrder, MAX_LAYERS, MAX_WIDTH};
pub use crate::flow::layer::{ArLayer, Direction, Towards};
use crate::flow::made::Kernels;
use crate::flow::masks::HiddenDegrees;
pub use crate::flow::transformer::Transform;
use crate::numeric::tensor::{device, log_normal, Col, Dev, Mat};
use crate::{Error, Result};
use dfdx::prelude::*;

/// What one spline of `K` bins costs, in multiply-adds per bin: measured natively, a
/// spline of 8 bins is built and evaluated in about 116 ns, some 1,200 multiply-adds of the
/// blocked products (its softmaxes' exponentials dominate).
const SPLINE_MACS_PER_BIN: usize = 150;

/// A base and `K` autoregressive layers, `T = T_K o ... o T_1`.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The structure this flow was built from.
    pub config: FlowConfig,
    /// `T_1, ..., T_K` (`T_1` next to the prior).
    pub layers: Vec<ArLayer>,
    /// The learnable base, if the config asks for one (else `N(0, I)`).
    pub base: Option<Base>,
    /// Which code computes the masked layers (the flow's only copy of that choice).
    pub kernels: Kernels,
    dev: Dev,
}

/// A flow initialised one layer at a time (a page builds a large one over several frames),
/// with the same parameters as [`Flow::new`]: the layers draw from one seeded generator in
/// turn.
#[derive(Debug)]
pub struct FlowBuilder {
    config: FlowConfig,
    dev: Dev,
    layers: Vec<ArLayer>,
}

impl FlowBuilder {
    /// A flow of `config` with no layer yet.
    pub fn new(config: FlowConfig) -> Result<FlowBuilder> {
        config.validate()?;
        Ok(FlowBuilder {
            dev: device(config.seed),
            config,
            layers: Vec::new(),
        })
    }

    /// Initialises the next layer; true once every layer is there.
    pub fn add_layer(&mut self) -> Result<bool> {
        let (config, k) = (&self.config, self.layers.len());
        if k < config.layers {
            let rule = match config.degrees {
                DegreeRule::Random => HiddenDegrees::Random(mix(config.seed ^ 0xD1CE, k as u64)),
                DegreeRule::Deterministic => HiddenDegrees::Deterministic,
            };
            let order = config.layer_ordering(k);
            self.layers.push(ArLayer::new(
                &self.dev,
                &order,
                &config.hidden,
                config.direction,
                config.transformer(),
                rule,
            )?);
        }
        Ok(self.layers.len() == config.layers)
    }

    /// The flow, once [`Self::add_layer`] has said it is complete.
    pub fn finish(self) -> Flow {
        assert_eq!(self.layers.len(), self.config.layers, "every layer added");
        Flow {
            base: self
                .config
                .learn_base
                .then(|| Base::new(&self.dev, self.config.dim)),
            kernels: Kernels::Fast,
            config: self.config,
            layers: self.layers,
            dev: self.dev,
        }
    }
}

impl Flow {
    /// A freshly initialised flow; all randomness follows from `config.seed`.
    pub fn new(config: FlowConfig) -> Result<Flow> {
        let mut builder = FlowBuilder::new(config)?;
        while !builder.add_layer()? {}
        Ok(builder.finish())
    }

    /// The device (and its seeded generator) this flow draws from.
    pub fn device(&self) -> &Dev {
        &self.dev
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.config.dim
    }

    /// The latent `eps = T^-1(x)` (standardised by a learnable base:
    /// `eps = (z - mu) / sigma`) and `log|det d eps/dx|` per row (`sum_k log|det dT_k^-1|`,
    /// and the base's `-sum ln sigma`).
    pub fn to_prior<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> (Mat<T>, Col<T>) {
        let mut u = x;
        let mut total: Option<Col<T>> = None;
        for layer in self.layers.iter().rev() {
            let (v, ld) = layer.to_prior(u);
            u = v;
            total = Some(match total {
                Some(acc) => acc + ld,
                None => ld,
            });
        }
        let total = total.expect("a flow has at least one layer");
        match &self.base {
            Some(base) => {
                let (eps, ld) = base.to_prior(u);
                (eps, total + ld)
            }
            None => (u, total),
        }
    }

    /// `log p(x) = log N(z) + log|det dz/dx|` per row, `z = T^-1(x)`.
    pub fn log_prob<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> Col<T> {
        let (z, log_det) = self.to_prior(x);
        log_normal(z) + log_det
    }

    /// `x = T(z)` from the latent `eps ~ N(0, I)` (`z = mu + sigma eps` under a learnable
    /// base, else `z = eps`) and `log q(x) = log N(eps) - log|det dx/d eps|` per row.
    pub fn to_data<T: Tape<f32, Dev>>(&self, eps: Mat<T>) -> (Mat<T>, Col<T>) {
        let mut log_q = log_normal(eps.with_empty_tape());
        let mut u = match &self.base {
            Some(base) => {
                let (z, ld) = base.to_data(eps);
                log_q = log_q - ld;
                z
            }
            None => eps,
        };
        for layer in &self.layers {
            let (v, ld) = layer.to_data(u);
            u = v;
            log_q = log_q - ld;
        }
        (u, log_q)
    }

    /// `n` latent draws `z ~ N(0, I)` from the flow's seeded generator.
    pub fn draw_latent(&self, n: usize) -> Mat {
        self.dev.sample_normal_like(&(n, self.dim()))
    }

    /// MADE passes one density evaluation costs: `K` for MAF, `K * D` for IAF.
    pub fn passes_per_density(&self) -> usize {
        self.passes_for(Towards::Prior)
    }

    /// MADE passes one sample costs: `K * D` for MAF, `K` for IAF.
    pub fn passes_per_sample(&self) -> usize {
        self.passes_for(Towards::Data)
    }

    fn passes_for(&self, towards: Towards) -> usize {
        let per_layer = if self.config.direction.solves(towards) {
            self.dim()
        } else {
            1
        };
        per_layer * self.layers.len()
    }

    /// Multiply-adds per point for `passes` MADE passes in all (about one per weight per
    /// pass, and for spline layers the splines' work in multiply-add equivalents): what a
    /// density or a sample costs, for sizing slices of work.
    pub fn macs_per_point(&self, passes: usize) -> usize {
        let splines = match self.config.transform {
            Transform::Spline => SPLINE_MACS_PER_BIN * self.config.bins * self.dim(),
            Transform::Affine => 0,
        };
        (self.parameters_len() / self.layers.len() + splines) * passes
    }

    /// Every trainable scalar, flattened in a fixed order (layer, then weight and bias;
    /// then the base's mean and log-std).
    pub fn parameters(&self) -> Vec<f32> {
        let mut out = Vec::new();
        self.parameters_into(&mut out);
        out
    }

    /// [`Self::parameters`] into `out` (resized; no allocation once it is large enough).
    pub fn parameters_into(&self, out: &mut Vec<f32>) {
        out.resize(self.parameters_len(), 0.0);
        let mut rest = &mut out[..];
        for l in self.layers.iter().flat_map(|l| &l.made.layers) {
            let (w, r) = rest.split_at_mut(l.weight.shape().num_elements());
            l.weight.copy_into(w);
            let (b, r) = r.split_at_mut(l.bias.shape().0);
            l.bias.copy_into(b);
            rest = r;
        }
        if let Some(base) = &self.base {
            let (mean, log_std) = rest.split_at_mut(base.mean.shape().0);
            base.mean.copy_into(mean);
            base.log_std.copy_into(log_std);
        }
    }

    /// Restores what [`Self::parameters`] returned.
    pub fn set_parameters(&mut self, values: &[f32]) -> Result<()> {
        let expected = self.parameters_len();
        if values.len() != expected {
            let msg = format!("expected {expected} values, got {}", values.len());
            return Err(Error::Invalid("parameters", msg));
        }
        let mut rest = values;
        for l in self.layers.iter_mut().flat_map(|l| &mut l.made.layers) {
            let (w, r) = rest.split_at(l.weight.shape().num_elements());
            l.weight.copy_from(w);
            let (b, r) = r.split_at(l.bias.shape().0);
            l.bias.copy_from(b);
            rest = r;
        }
        if let Some(base) = &mut self.base {
            let (mean, log_std) = rest.split_at(base.mean.shape().0);
            base.mean.copy_from(mean);
            base.log_std.copy_from(log_std);
        }
        Ok(())
    }

    /// The number of trainable scalars.
    pub fn parameters_len(&self) -> usize {
        let base = self.base.as_ref().map_or(0, |_| 2 * self.dim());
        self.layers
            .iter()
            .map(|l| l.made.num_params())
            .sum::<usize>()
            + base
    }
}
