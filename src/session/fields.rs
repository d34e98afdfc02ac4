//! The settings table: every field of [`Settings`] declared once, with its name (the hash
//! key and the control's id), its label (for messages), its kind and limits (which the page
//! reads from here at start), what a change needs, and how it is read and written.

use super::settings::{Change, Settings, PANELS};
pub use super::values::Kind;
use super::values::{
    count, flag, list, name, names, names_text, number, number_text, pick, seed, whole, widths,
    COORDS, DATA, DEGREES, DIRECTIONS, EXPLORER_ORDERS, MASK_VIEWS, MODES, ORDERS, SCALES, SPACES,
    TARGETS, TRANSFORMS,
};
use crate::flow::transformer::BINS_RANGE;
use crate::Result;

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
                s.$f = pick($label, $opts, v)?;
                Ok(())
            },
        }
    };
}
/// A field of `Settings.$f` of any other kind, parsed by `$parse` (from [`super::values`])
/// within the limits of `$kind`, written back by `$text`.
macro_rules! field {
    ($name:literal, $label:literal, $f:ident, $kind:expr, $change:expr, $parse:ident, $text:expr) => {
        Field {
            name: $name,
            label: $label,
            kind: $kind,
            change: $change,
            get: |s| $text(&s.$f),
            set: |s, v| {
                s.$f = $parse($kind, $label, v)?;
                Ok(())
            },
        }
    };
}

/// A panel's choice of layer, `Settings.$f`: its upper limit is the current number of
/// layers (the page updates the control's).
macro_rules! layer_field {
    ($name:literal, $label:literal, $f:ident) => {
        Field {
            name: $name,
            label: $label,
            kind: LAYERS,
            change: Change::View,
            get: |s| s.$f.to_string(),
            set: |s, v| {
                s.$f = whole($label, v, 1, s.layers as u64)? as usize;
                Ok(())
            },
        }
    };
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
const BATCH: Kind = Kind::Whole {
    min: 1,
    max: MAX_PAGE_BATCH as u64,
};
const SEED: Kind = Kind::Whole {
    min: 0,
    max: u32::MAX as u64,
};
const MDIM: Kind = Kind::Whole {
    min: 2,
    max: MAX_EXPLORER_DIM as u64,
};
const BINS: Kind = Kind::Whole {
    min: *BINS_RANGE.start() as u64,
    max: *BINS_RANGE.end() as u64,
};
const RATE: Kind = Kind::Number {
    zero: false,
    min: 1e-6,
    max: 10.0,
};
const CLIP: Kind = Kind::Number {
    zero: true,
    min: 1e-3,
    max: 1e3,
};
const PSCALE: Kind = Kind::Number {
    zero: false,
    min: *super::settings::PRESENT_SCALES.start(),
    max: *super::settings::PRESENT_SCALES.end(),
};
const JITTER: Kind = Kind::Number {
    zero: true,
    min: 1e-3,
    max: crate::data::points::MAX_JITTER,
};

fn text<T: ToString>(v: &T) -> String {
    v.to_string()
}

fn widths_text(v: &[usize]) -> String {
    list(v)
}

fn flag_text(v: &bool) -> String {
    u8::from(*v).to_string()
}

/// Every field, in hash order.
pub const FIELDS: [Field; 32] = [
    choice!("space", "data space", space, SPACES, Change::Rebuild),
    choice!("objective", "objective", objective, MODES, Change::Rebuild),
    field!(
        "compare",
        "compare objectives",
        compare,
        Kind::Flag,
        Change::Rebuild,
        flag,
        flag_text
    ),
    choice!("data", "data set", data, DATA, Change::Rebuild),
    choice!("target", "target", target, TARGETS, Change::Rebuild),
    choice!("flow", "flow type", direction, DIRECTIONS, Change::Rebuild),
    field!(
        "layers",
        "layers",
        layers,
        LAYERS,
        Change::Rebuild,
        count,
        text
    ),
    field!(
        "hidden",
        "hidden widths",
        hidden,
        HIDDEN,
        Change::Rebuild,
        widths,
        widths_text
    ),
    choice!("order", "order", order, ORDERS, Change::Rebuild),
    choice!(
        "transform",
        "transform",
        transform,
        TRANSFORMS,
        Change::Rebuild
    ),
    choice!("scale", "scale", scale, SCALES, Change::Rebuild),
    field!("bins", "bins", bins, BINS, Change::Rebuild, count, text),
    field!(
        "learnbase",
        "learnable base",
        learn_base,
        Kind::Flag,
        Change::Rebuild,
        flag,
        flag_text
    ),
    field!(
        "lr",
        "learning rate",
        lr,
        RATE,
        Change::Live,
        number,
        number_text
    ),
    field!(
        "batch",
        "batch size",
        batch,
        BATCH,
        Change::Live,
        count,
        text
    ),
    field!(
        "clip",
        "gradient clip",
        clip,
        CLIP,
        Change::Live,
        number,
        number_text
    ),
    field!(
        "jitter",
        "jitter",
        jitter,
        JITTER,
        Change::Live,
        number,
        number_text
    ),
    field!("seed", "seed", seed, SEED, Change::Rebuild, seed, text),
    field!(
        "overlay",
        "overlay",
        overlay,
        Kind::Flag,
        Change::View,
        flag,
        flag_text
    ),
    layer_field!("layer", "layer", layer),
    layer_field!("tlayer", "transform layer", tlayer),
    choice!("coord", "transform coordinate", coord, COORDS, Change::View),
    field!(
        "slice",
        "slice along the other coordinate",
        slice_other,
        Kind::Flag,
        Change::View,
        flag,
        flag_text
    ),
    field!(
        "stages",
        "density at each stage",
        stage_density,
        Kind::Flag,
        Change::View,
        flag,
        flag_text
    ),
    choice!("maskview", "MADE view", mask_view, MASK_VIEWS, Change::View),
    field!(
        "present",
        "presentation",
        present,
        Kind::Flag,
        Change::View,
        flag,
        flag_text
    ),
    field!(
        "pscale",
        "presentation size",
        present_scale,
        PSCALE,
        Change::View,
        number,
        number_text
    ),
    field!(
        "hide",
        "panels left out",
        hide,
        Kind::Names(PANELS),
        Change::View,
        names,
        names_text
    ),
    field!("mdim", "explorer D", mdim, MDIM, Change::View, count, text),
    field!(
        "mhidden",
        "explorer hidden widths",
        mhidden,
        MHIDDEN,
        Change::View,
        widths,
        widths_text
    ),
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
