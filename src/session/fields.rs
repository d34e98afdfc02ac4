//! The settings table: every field of [`Settings`] declared once, with its name (the hash
//! key and the control's id), its label (for messages), its kind and limits (which the page
//! reads from here at start), what a change needs, and how it is read and written.

use super::settings::{Change, ExplorerOrder, Mode, Order, Settings};
use crate::data::DataSet;
use crate::flow::{DegreeRule, Direction};
use crate::scale::Scale;
use crate::target::Target;
use crate::{Error, Result};

/// Most layers the page offers (a 12-layer flow still trains live in the browser).
pub const MAX_PAGE_LAYERS: usize = 12;
/// Widest MADE layer the page offers.
pub const MAX_PAGE_WIDTH: usize = 256;
/// Most hidden layers in a MADE on the page.
pub const MAX_PAGE_DEPTH: usize = 4;
/// Largest batch the page offers.
pub const MAX_PAGE_BATCH: usize = 4096;
/// Widest explorer layer: wider diagrams are unreadable.
pub const MAX_EXPLORER_WIDTH: usize = 32;
/// Largest explorer dimension.
pub const MAX_EXPLORER_DIM: usize = 8;

/// The values a choice field takes: `(value, its name in the hash, its label on the page)`.
pub type Options<T> = &'static [(T, &'static str, &'static str)];

/// What kind of value a field holds, with its limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// One of these `(name, label)` pairs.
    Choice(&'static [(&'static str, &'static str)]),
    /// A whole number in `min..=max`.
    Whole {
        /// The least value.
        min: u64,
        /// The greatest value.
        max: u64,
    },
    /// A finite number above zero (or zero too).
    Number {
        /// Whether 0 is allowed (it means "off").
        zero: bool,
    },
    /// Comma-separated widths, e.g. `64,64`.
    Widths {
        /// Most widths in the list.
        depth: usize,
        /// Largest width.
        width: usize,
    },
    /// `1` or `0`, a checkbox.
    Flag,
}

/// One field of the table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The hash key and the control's id.
    pub name: &'static str,
    /// What messages call it.
    pub label: &'static str,
    /// Its kind and limits.
    pub kind: Kind,
    /// What a change needs.
    pub change: Change,
    /// Its text.
    pub get: fn(&Settings) -> String,
    /// Parses and stores a value; a refused value leaves the settings as they were.
    pub set: fn(&mut Settings, &str) -> Result<()>,
}

macro_rules! options {
    ($name:ident: $t:ty = [$(($v:expr, $n:literal, $l:literal)),+ $(,)?]) => {
        const $name: (Options<$t>, &[(&str, &str)]) = (&[$(($v, $n, $l)),+], &[$(($n, $l)),+]);
    };
}

options!(MODES: Mode = [(Mode::Forward, "forward", "forward KL: learn from data"),
    (Mode::Reverse, "reverse", "reverse KL: match an energy U(x)")]);
options!(DATA: DataSet = [(DataSet::Moons, "moons", "moons"),
    (DataSet::EightGaussians, "8gaussians", "8 gaussians"),
    (DataSet::Checkerboard, "checkerboard", "checkerboard"),
    (DataSet::Pinwheel, "pinwheel", "pinwheel"), (DataSet::TwoSpirals, "2spirals", "2 spirals"),
    (DataSet::Rings, "rings", "rings"), (DataSet::Circles, "circles", "circles"),
    (DataSet::SwissRoll, "swissroll", "swiss roll")]);
options!(TARGETS: Target = [(Target::U1, "u1", "U1 ring"), (Target::U2, "u2", "U2 wave (boxed)"),
    (Target::U3, "u3", "U3 (boxed)"), (Target::U4, "u4", "U4 (boxed)")]);
options!(DIRECTIONS: Direction = [(Direction::Maf, "maf", "MAF (masked autoregressive)"),
    (Direction::Iaf, "iaf", "IAF (inverse autoregressive)")]);
options!(ORDERS: Order = [(Order::Alternate, "alternate", "alternate (reverse each layer)"),
    (Order::Same, "same", "same every layer (see what breaks)"),
    (Order::Random, "random", "random permutation per layer")]);
options!(SCALES: Scale = [(Scale::Softplus, "softplus", "softplus(s + c) + 0.001"),
    (Scale::Exp, "exp", "exp(s) (the papers)"), (Scale::Tanh, "tanh", "exp(3 tanh(s/3)) (clamped)")]);
options!(EXPLORER_ORDERS: ExplorerOrder = [(ExplorerOrder::Natural, "natural", "natural"),
    (ExplorerOrder::Reversed, "reversed", "reversed"), (ExplorerOrder::Random, "random", "random")]);
options!(DEGREES: DegreeRule = [(DegreeRule::Deterministic, "deterministic", "deterministic"),
    (DegreeRule::Random, "random", "random (MADE paper)")]);

/// The option called `value`.
fn pick<T: Copy>(label: &'static str, options: Options<T>, value: &str) -> Result<T> {
    let names = || options.iter().map(|o| o.1).collect::<Vec<_>>().join(", ");
    options
        .iter()
        .find(|o| o.1 == value)
        .map(|o| o.0)
        .ok_or_else(|| Error::Invalid(label, format!("'{value}' is not one of {}", names())))
}

/// The name of option `value`.
fn name<T: PartialEq>(options: Options<T>, value: T) -> String {
    options
        .iter()
        .find(|o| o.0 == value)
        .map_or("", |o| o.1)
        .into()
}

fn whole(label: &'static str, value: &str, lo: u64, hi: u64) -> Result<u64> {
    match value.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(Error::Invalid(
            label,
            format!("'{value}' is not a whole number from {lo} to {hi}"),
        )),
    }
}

fn number(label: &'static str, value: &str, zero: bool) -> Result<f64> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && (v > 0.0 || (zero && v == 0.0)) => Ok(v),
        _ => {
            let what = if zero {
                "zero or a positive number"
            } else {
                "a positive number"
            };
            Err(Error::Invalid(label, format!("'{value}' is not {what}")))
        }
    }
}

fn widths(label: &'static str, value: &str, kind: Kind) -> Result<Vec<usize>> {
    let Kind::Widths { depth, width } = kind else {
        unreachable!("a widths field")
    };
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let list = value
        .split(',')
        .map(|w| {
            w.trim()
                .parse::<usize>()
                .ok()
                .filter(|w| (1..=width).contains(w))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|l| l.len() <= depth);
    list.ok_or_else(|| {
        let msg =
            format!("'{value}' is not a list like 8,8 (0 to {depth} widths, each 1 to {width})");
        Error::Invalid(label, msg)
    })
}

fn list(v: &[usize]) -> String {
    v.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

const LAYERS: Kind = Kind::Whole {
    min: 1,
    max: MAX_PAGE_LAYERS as u64,
};
const HIDDEN: Kind = Kind::Widths {
    depth: MAX_PAGE_DEPTH,
    width: MAX_PAGE_WIDTH,
};
const MHIDDEN: Kind = Kind::Widths {
    depth: MAX_PAGE_DEPTH,
    width: MAX_EXPLORER_WIDTH,
};

/// A choice field of `Settings.$f`.
macro_rules! choice {
    ($name:literal, $label:literal, $f:ident, $opts:ident, $change:expr) => {
        Field {
            name: $name,
            label: $label,
            kind: Kind::Choice($opts.1),
            change: $change,
            get: |s| name($opts.0, s.$f),
            set: |s, v| {
                s.$f = pick($label, $opts.0, v)?;
                Ok(())
            },
        }
    };
}

/// Every field, in hash order.
pub const FIELDS: [Field; 18] = [
    choice!("objective", "objective", objective, MODES, Change::Rebuild),
    choice!("data", "data set", data, DATA, Change::Rebuild),
    choice!("target", "target", target, TARGETS, Change::Rebuild),
    choice!("flow", "flow type", direction, DIRECTIONS, Change::Rebuild),
    Field {
        name: "layers",
        label: "layers",
        kind: LAYERS,
        change: Change::Rebuild,
        get: |s| s.layers.to_string(),
        set: |s, v| {
            s.layers = whole("layers", v, 1, MAX_PAGE_LAYERS as u64)? as usize;
            Ok(())
        },
    },
    Field {
        name: "hidden",
        label: "hidden widths",
        kind: HIDDEN,
        change: Change::Rebuild,
        get: |s| list(&s.hidden),
        set: |s, v| {
            s.hidden = widths("hidden widths", v, HIDDEN)?;
            Ok(())
        },
    },
    choice!("order", "order", order, ORDERS, Change::Rebuild),
    choice!("scale", "scale", scale, SCALES, Change::Rebuild),
    Field {
        name: "lr",
        label: "learning rate",
        kind: Kind::Number { zero: false },
        change: Change::Live,
        get: |s| s.lr.to_string(),
        set: |s, v| {
            s.lr = number("learning rate", v, false)?;
            Ok(())
        },
    },
    Field {
        name: "batch",
        label: "batch size",
        kind: Kind::Whole {
            min: 1,
            max: MAX_PAGE_BATCH as u64,
        },
        change: Change::Live,
        get: |s| s.batch.to_string(),
        set: |s, v| {
            s.batch = whole("batch size", v, 1, MAX_PAGE_BATCH as u64)? as usize;
            Ok(())
        },
    },
    Field {
        name: "clip",
        label: "gradient clip",
        kind: Kind::Number { zero: true },
        change: Change::Live,
        get: |s| s.clip.to_string(),
        set: |s, v| {
            s.clip = number("gradient clip", v, true)?;
            Ok(())
        },
    },
    Field {
        name: "seed",
        label: "seed",
        kind: Kind::Whole {
            min: 0,
            max: u32::MAX as u64,
        },
        change: Change::Rebuild,
        get: |s| s.seed.to_string(),
        set: |s, v| {
            s.seed = whole("seed", v, 0, u32::MAX as u64)?;
            Ok(())
        },
    },
    Field {
        name: "overlay",
        label: "overlay",
        kind: Kind::Flag,
        change: Change::View,
        get: |s| if s.overlay { "1" } else { "0" }.into(),
        set: |s, v| {
            s.overlay = pick("overlay", &[(true, "1", ""), (false, "0", "")], v)?;
            Ok(())
        },
    },
    // Its upper limit is the current number of layers; the page updates the control's.
    Field {
        name: "layer",
        label: "layer",
        kind: LAYERS,
        change: Change::View,
        get: |s| s.layer.to_string(),
        set: |s, v| {
            s.layer = whole("layer", v, 1, s.layers as u64)? as usize;
            Ok(())
        },
    },
    Field {
        name: "mdim",
        label: "explorer D",
        kind: Kind::Whole {
            min: 2,
            max: MAX_EXPLORER_DIM as u64,
        },
        change: Change::View,
        get: |s| s.mdim.to_string(),
        set: |s, v| {
            s.mdim = whole("explorer D", v, 2, MAX_EXPLORER_DIM as u64)? as usize;
            Ok(())
        },
    },
    Field {
        name: "mhidden",
        label: "explorer hidden widths",
        kind: MHIDDEN,
        change: Change::View,
        get: |s| list(&s.mhidden),
        set: |s, v| {
            s.mhidden = widths("explorer hidden widths", v, MHIDDEN)?;
            Ok(())
        },
    },
    choice!(
        "morder",
        "explorer order",
        morder,
        EXPLORER_ORDERS,
        Change::View
    ),
    choice!(
        "mdegrees",
        "explorer degrees",
        mdegrees,
        DEGREES,
        Change::View
    ),
];
