//! The page's whole state as one declarative table, which is also the URL hash: every
//! control's id is a field name here, so a copied link reproduces the view, seed included.
//! A hand-edited hash is corrected field by field, never refused.

use crate::data::DataSet;
use crate::flow::{Direction, FlowConfig, LayerOrder, Scale};
use crate::made::{HiddenDegrees, Ordering};
use crate::target::Target;
use crate::train::{Objective, TrainConfig};
use crate::{Error, Result};

/// What a change of one field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new flow and trainer (structure, objective or seed changed).
    Rebuild,
    /// The trainer's live settings (learning rate, batch, clipping).
    Live,
    /// Only what is drawn.
    View,
}

/// Every setting of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `forward` (data) or `reverse` (energy target).
    pub objective: String,
    /// The data set, for forward KL.
    pub data: DataSet,
    /// The energy target, for reverse KL.
    pub target: Target,
    /// MAF or IAF.
    pub flow: Direction,
    /// Layers `K`, 1 to 12.
    pub layers: usize,
    /// MADE hidden widths.
    pub hidden: Vec<usize>,
    /// Ordering across layers.
    pub order: String,
    /// Scale parameterisation.
    pub scale: Scale,
    /// Adam's learning rate.
    pub lr: f64,
    /// Points per step.
    pub batch: usize,
    /// Gradient-norm clip, 0 for none.
    pub clip: f64,
    /// Seed of the parameters, batches and display draws.
    pub seed: u64,
    /// Draw the data (or nothing, for energies) over the heatmap.
    pub overlay: bool,
    /// Which layer's MADE the mask diagram shows (1-based).
    pub layer: usize,
    /// Mask explorer: dimension `D`, 2 to 8.
    pub mdim: usize,
    /// Mask explorer: hidden widths.
    pub mhidden: Vec<usize>,
    /// Mask explorer: `natural`, `reversed` or `random`.
    pub morder: String,
    /// Mask explorer: `deterministic` or `random` hidden degrees.
    pub mdegrees: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            objective: "forward".into(),
            data: DataSet::Moons,
            target: Target::U1,
            flow: Direction::Maf,
            layers: 4,
            hidden: vec![64, 64],
            order: "alternate".into(),
            scale: Scale::Softplus,
            lr: 3e-3,
            batch: 256,
            clip: 0.0,
            seed: 0,
            overlay: true,
            layer: 1,
            mdim: 4,
            mhidden: vec![8, 8],
            morder: "natural".into(),
            mdegrees: "deterministic".into(),
        }
    }
}

/// Field names in hash order.
pub const FIELDS: [&str; 18] = [
    "objective",
    "data",
    "target",
    "flow",
    "layers",
    "hidden",
    "order",
    "scale",
    "lr",
    "batch",
    "clip",
    "seed",
    "overlay",
    "layer",
    "mdim",
    "mhidden",
    "morder",
    "mdegrees",
];

/// Most layers the page offers.
pub const MAX_PAGE_LAYERS: usize = 12;
/// Widest MADE layer the page offers.
pub const MAX_PAGE_WIDTH: usize = 256;
/// Most hidden layers in a MADE on the page.
pub const MAX_PAGE_DEPTH: usize = 4;
/// Largest batch the page offers.
pub const MAX_PAGE_BATCH: usize = 4096;

fn choice<'a>(name: &'static str, value: &str, options: &[&'a str]) -> Result<&'a str> {
    options
        .iter()
        .find(|o| **o == value)
        .copied()
        .ok_or_else(|| {
            Error::Invalid(
                name,
                format!("'{value}' is not one of {}", options.join(", ")),
            )
        })
}

fn whole(name: &'static str, value: &str, lo: u64, hi: u64) -> Result<u64> {
    match value.trim().parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(Error::Invalid(
            name,
            format!("'{value}' is not a whole number from {lo} to {hi}"),
        )),
    }
}

fn positive(name: &'static str, value: &str, allow_zero: bool) -> Result<f64> {
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (v > 0.0 || (allow_zero && v == 0.0)) => Ok(v),
        _ => {
            let what = if allow_zero {
                "zero or a positive number"
            } else {
                "a positive number"
            };
            Err(Error::Invalid(name, format!("'{value}' is not {what}")))
        }
    }
}

fn widths(name: &'static str, value: &str, max_depth: usize) -> Result<Vec<usize>> {
    let bad = || {
        let msg = format!("'{value}' is not a list like 64,64 (0 to {max_depth} widths, each 1 to {MAX_PAGE_WIDTH})");
        Error::Invalid(name, msg)
    };
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let list = value
        .split(',')
        .map(|w| {
            w.trim()
                .parse::<usize>()
                .ok()
                .filter(|w| (1..=MAX_PAGE_WIDTH).contains(w))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)?;
    if list.len() > max_depth {
        return Err(bad());
    }
    Ok(list)
}

fn list(v: &[usize]) -> String {
    v.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Settings {
    /// Sets one field from its text, as a control or the hash gives it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Change> {
        let value = value.trim();
        match key {
            "objective" => {
                self.objective = choice("objective", value, &["forward", "reverse"])?.into()
            }
            "data" => self.data = DataSet::from_name(value)?,
            "target" => self.target = Target::from_name(value)?,
            "flow" => {
                self.flow = match choice("flow", value, &["maf", "iaf"])? {
                    "maf" => Direction::Maf,
                    _ => Direction::Iaf,
                }
            }
            "layers" => {
                self.layers = whole("layers", value, 1, MAX_PAGE_LAYERS as u64)? as usize;
                self.layer = self.layer.min(self.layers);
            }
            "hidden" => self.hidden = widths("hidden widths", value, MAX_PAGE_DEPTH)?,
            "order" => {
                self.order = choice("order", value, &["alternate", "same", "random"])?.into()
            }
            "scale" => {
                self.scale = match choice("scale", value, &["softplus", "exp", "tanh"])? {
                    "softplus" => Scale::Softplus,
                    "exp" => Scale::Exp,
                    _ => Scale::Tanh,
                }
            }
            "lr" => {
                self.lr = positive("learning rate", value, false)?;
                return Ok(Change::Live);
            }
            "batch" => {
                self.batch = whole("batch size", value, 1, MAX_PAGE_BATCH as u64)? as usize;
                return Ok(Change::Live);
            }
            "clip" => {
                self.clip = positive("gradient clip", value, true)?;
                return Ok(Change::Live);
            }
            "seed" => self.seed = whole("seed", value, 0, u32::MAX as u64)?,
            "overlay" => {
                self.overlay = choice("overlay", value, &["0", "1"])? == "1";
                return Ok(Change::View);
            }
            "layer" => {
                self.layer = whole("layer", value, 1, self.layers as u64)? as usize;
                return Ok(Change::View);
            }
            "mdim" => {
                self.mdim = whole("explorer D", value, 2, 8)? as usize;
                return Ok(Change::View);
            }
            "mhidden" => {
                self.mhidden = widths("explorer hidden widths", value, MAX_PAGE_DEPTH)?;
                if self.mhidden.iter().any(|&w| w > 32) {
                    self.mhidden = self.mhidden.iter().map(|&w| w.min(32)).collect();
                    return Err(Error::Invalid(
                        "explorer hidden widths",
                        "at most 32 units per layer, to stay readable".into(),
                    ));
                }
                return Ok(Change::View);
            }
            "morder" => {
                self.morder =
                    choice("explorer order", value, &["natural", "reversed", "random"])?.into();
                return Ok(Change::View);
            }
            "mdegrees" => {
                self.mdegrees =
                    choice("explorer degrees", value, &["deterministic", "random"])?.into();
                return Ok(Change::View);
            }
            _ => return Err(Error::Unknown("setting", key.to_string())),
        }
        Ok(Change::Rebuild)
    }

    /// The text of one field, as the hash and the controls show it.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "objective" => self.objective.clone(),
            "data" => self.data.name().into(),
            "target" => self.target.name().into(),
            "flow" => if self.flow == Direction::Maf {
                "maf"
            } else {
                "iaf"
            }
            .into(),
            "layers" => self.layers.to_string(),
            "hidden" => list(&self.hidden),
            "order" => self.order.clone(),
            "scale" => match self.scale {
                Scale::Softplus => "softplus",
                Scale::Exp => "exp",
                Scale::Tanh => "tanh",
            }
            .into(),
            "lr" => self.lr.to_string(),
            "batch" => self.batch.to_string(),
            "clip" => self.clip.to_string(),
            "seed" => self.seed.to_string(),
            "overlay" => if self.overlay { "1" } else { "0" }.into(),
            "layer" => self.layer.to_string(),
            "mdim" => self.mdim.to_string(),
            "mhidden" => list(&self.mhidden),
            "morder" => self.morder.clone(),
            "mdegrees" => self.mdegrees.clone(),
            _ => return None,
        })
    }

    /// `key=value&...` for every field, in a fixed order.
    pub fn to_hash(&self) -> String {
        FIELDS
            .iter()
            .map(|k| format!("{k}={}", self.get(k).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Settings from a hash (with or without `#`), and a message for every part that was
    /// wrong and is left at its default.
    pub fn from_hash(hash: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notes = Vec::new();
        let hash = hash.trim_start_matches('#');
        // `layers` first, so that `layer` is checked against the right K.
        let mut pairs: Vec<(&str, &str)> = hash
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        pairs.sort_by_key(|(k, _)| *k != "layers");
        for (key, raw) in pairs {
            let value = decode(raw);
            if let Err(e) = s.set(key, &value) {
                let kept = s
                    .get(key)
                    .map(|v| format!("; using {v}"))
                    .unwrap_or_default();
                notes.push(format!("link: {e}{kept}"));
            }
        }
        (s, notes)
    }

    /// The flow these settings describe.
    pub fn flow_config(&self) -> FlowConfig {
        FlowConfig {
            dim: 2,
            layers: self.layers,
            hidden: self.hidden.clone(),
            direction: self.flow,
            scale: self.scale,
            order: match self.order.as_str() {
                "same" => LayerOrder::Same,
                "random" => LayerOrder::Random(self.seed),
                _ => LayerOrder::Alternate,
            },
            random_degrees: false,
            seed: self.seed,
            kernels: Default::default(),
        }
    }

    /// The training these settings describe.
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            objective: self.objective(),
            batch: self.batch,
            lr: self.lr,
            clip: (self.clip > 0.0).then_some(self.clip),
            seed: self.seed,
        }
    }

    /// Forward KL on the data set or reverse KL on the target.
    pub fn objective(&self) -> Objective {
        if self.objective == "reverse" {
            Objective::ReverseKl(self.target)
        } else {
            Objective::ForwardKl(self.data)
        }
    }

    /// The explorer's input ordering and hidden-degree rule.
    pub fn explorer(&self) -> (Ordering, HiddenDegrees) {
        let order = match self.morder.as_str() {
            "reversed" => Ordering::Reversed,
            "random" => Ordering::Random(self.seed),
            _ => Ordering::Natural,
        };
        let degrees = if self.mdegrees == "random" {
            HiddenDegrees::Random(self.seed)
        } else {
            HiddenDegrees::Deterministic
        };
        (order, degrees)
    }
}

/// Undoes `%XX` escapes (a browser may escape `,` in a copied link).
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
