//! The values of the settings as text: the options of each choice (name in the hash, label
//! on the page) and the parsers of the other kinds, each reading its limits from its
//! [`Kind`]. Every parser names the field in its error.

use super::settings::{ExplorerOrder, MaskView, Mode, Order};
use super::space::Space;
use crate::data::target::Target;
use crate::data::DataSet;
use crate::flow::scale::Scale;
use crate::flow::transformer::Transform;
use crate::flow::{DegreeRule, Direction};
use crate::{Error, Result};

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
    /// A number in `min..=max` (or zero too).
    Number {
        /// Whether 0 is allowed (it means "off").
        zero: bool,
        /// The least value above zero.
        min: f64,
        /// The greatest value.
        max: f64,
    },
    /// Comma-separated widths, e.g. `64,64`, or `none` for none.
    Widths {
        /// Most widths in the list.
        depth: usize,
        /// Largest width.
        width: usize,
    },
    /// `1` or `0`, a checkbox.
    Flag,
    /// A comma-separated set of these names (empty for none), e.g. `loss,masks`.
    Names(&'static [&'static str]),
}

/// The values a choice field takes: `(value, its name in the hash, its label on the page)`.
pub type Options<T> = &'static [(T, &'static str, &'static str)];

macro_rules! options {
    ($name:ident: $t:ty = [$(($v:expr, $n:literal, $l:literal)),+ $(,)?]) => {
        pub(super) const $name: (Options<$t>, &[(&str, &str)]) = (&[$(($v, $n, $l)),+], &[$(($n, $l)),+]);
    };
}

options!(SPACES: Space = [(Space::Toy, "toy", "2-D toy data and energies"),
    (Space::Digits, "digits", "8x8 digits (64-D)")]);
options!(MODES: Mode = [(Mode::Forward, "forward", "forward KL: learn from data"),
    (Mode::Reverse, "reverse", "reverse KL: match an energy U(x)")]);
/// The names and labels of a list of choices, for the page.
const fn names_and_labels<T: Copy, const N: usize>(
    options: &[(T, &'static str, &'static str); N],
) -> [(&'static str, &'static str); N] {
    let mut out = [("", ""); N];
    let mut i = 0;
    while i < N {
        out[i] = (options[i].1, options[i].2);
        i += 1;
    }
    out
}

const DATA_NAMES: [(&str, &str); DataSet::CHOICES.len()] = names_and_labels(&DataSet::CHOICES);
/// The data sets, as `data/` lists them.
pub(super) const DATA: (Options<DataSet>, &[(&str, &str)]) = (&DataSet::CHOICES, &DATA_NAMES);
options!(TARGETS: Target = [(Target::U1, "u1", "U1 ring"), (Target::U2, "u2", "U2 wave (boxed)"),
    (Target::U3, "u3", "U3 (boxed)"), (Target::U4, "u4", "U4 (boxed)")]);
options!(DIRECTIONS: Direction = [(Direction::Maf, "maf", "MAF (masked autoregressive)"),
    (Direction::Iaf, "iaf", "IAF (inverse autoregressive)")]);
options!(ORDERS: Order = [(Order::Alternate, "alternate", "alternate (reverse each layer)"),
    (Order::Same, "same", "same every layer (see what breaks)"),
    (Order::Random, "random", "random permutation per layer")]);
options!(SCALES: Scale = [(Scale::Softplus, "softplus", "softplus(s + c) + 0.001"),
    (Scale::Exp, "exp", "exp(s) (the papers)"), (Scale::Tanh, "tanh", "exp(3 tanh(s/3)) (clamped)")]);
options!(TRANSFORMS: Transform = [(Transform::Affine, "affine", "affine: z = x a + t"),
    (Transform::Spline, "spline", "rational-quadratic spline")]);
options!(COORDS: usize = [(0, "x1", "x1"), (1, "x2", "x2")]);
options!(MASK_VIEWS: MaskView = [(MaskView::Auto, "auto", "matrices when wide"),
    (MaskView::Diagram, "diagram", "diagram"), (MaskView::Matrix, "matrix", "matrices")]);
options!(EXPLORER_ORDERS: ExplorerOrder = [(ExplorerOrder::Natural, "natural", "natural"),
    (ExplorerOrder::Reversed, "reversed", "reversed"), (ExplorerOrder::Random, "random", "random")]);
options!(DEGREES: DegreeRule = [(DegreeRule::Deterministic, "deterministic", "deterministic"),
    (DegreeRule::Random, "random", "random (MADE paper)")]);

/// Most characters of a refused value a message quotes.
pub const QUOTED_CHARS: usize = 40;

/// `value` for a message: at most [`QUOTED_CHARS`] characters, then an ellipsis, so that
/// no input can make a message long, without characters that reorder the line
/// ([`crate::error::echo`]).
pub fn shorten(value: &str) -> String {
    crate::error::echo(value, QUOTED_CHARS)
}

/// [`shorten`]ed `value` in quotes.
pub fn quote(value: &str) -> String {
    format!("'{}'", shorten(value))
}

/// A number as the hash and the controls write it: the shortest text that reads back as
/// the same number, in exponent form below 0.001 (`1e-6`, not `0.000001`), and 0 for -0.
pub fn number_text(v: &f64) -> String {
    if *v == 0.0 {
        "0".into()
    } else if v.abs() < 1e-3 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// The option called `value`, from a table [`options!`] made.
pub(super) fn pick<T: Copy>(
    label: &'static str,
    (options, names): (Options<T>, &[(&str, &str)]),
    value: &str,
) -> Result<T> {
    position(label, names, value).map(|i| options[i].0)
}

/// Where `value` stands among the `(name, label)` pairs; the message lists the names.
#[inline(never)]
fn position(label: &'static str, names: &[(&str, &str)], value: &str) -> Result<usize> {
    names.iter().position(|o| o.0 == value).ok_or_else(|| {
        let all = names.iter().map(|o| o.0).collect::<Vec<_>>().join(", ");
        Error::Invalid(label, format!("{} is not one of {all}", quote(value)))
    })
}

/// The name of option `value`.
pub(super) fn name<T: PartialEq>(options: Options<T>, value: T) -> String {
    options
        .iter()
        .find(|o| o.0 == value)
        .map_or("", |o| o.1)
        .into()
}

/// A whole number in `lo..=hi`.
#[inline(never)]
pub(super) fn whole(label: &'static str, value: &str, lo: u64, hi: u64) -> Result<u64> {
    match value.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(Error::Invalid(
            label,
            format!("{} is not a whole number from {lo} to {hi}", quote(value)),
        )),
    }
}

/// A whole number of a [`Kind::Whole`] field.
#[inline(never)]
pub(super) fn count(kind: Kind, label: &'static str, value: &str) -> Result<usize> {
    let Kind::Whole { min, max } = kind else {
        unreachable!("a whole-number field")
    };
    whole(label, value, min, max).map(|v| v as usize)
}

/// The seed, a whole number of a [`Kind::Whole`] field.
#[inline(never)]
pub(super) fn seed(kind: Kind, label: &'static str, value: &str) -> Result<u64> {
    let Kind::Whole { min, max } = kind else {
        unreachable!("a whole-number field")
    };
    whole(label, value, min, max)
}

/// A number of a [`Kind::Number`] field.
#[inline(never)]
pub(super) fn number(kind: Kind, label: &'static str, value: &str) -> Result<f64> {
    let Kind::Number { zero, min, max } = kind else {
        unreachable!("a number field")
    };
    match value.parse::<f64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        Ok(v) if zero && v == 0.0 => Ok(0.0),
        _ => {
            let range = format!(
                "a number from {} to {}",
                number_text(&min),
                number_text(&max)
            );
            let what = if zero {
                format!("0 (off) or {range}")
            } else {
                range
            };
            Err(Error::Invalid(
                label,
                format!("{} is not {what}", quote(value)),
            ))
        }
    }
}

/// The widths of a [`Kind::Widths`] field.
#[inline(never)]
pub(super) fn widths(kind: Kind, label: &'static str, value: &str) -> Result<Vec<usize>> {
    let Kind::Widths { depth, width } = kind else {
        unreachable!("a widths field")
    };
    if value == NO_WIDTHS {
        return Ok(Vec::new());
    }
    let list = value
        .split(',')
        .map(|w| w.trim().parse().ok().filter(|w| (1..=width).contains(w)))
        .collect::<Option<Vec<usize>>>()
        .filter(|l| l.len() <= depth);
    list.ok_or_else(|| {
        let msg = format!(
            "{} is not a list like 8,8 (up to {depth} widths, each 1 to {width}; \
             {NO_WIDTHS} for no hidden layer)",
            quote(value)
        );
        Error::Invalid(label, msg)
    })
}

/// A [`Kind::Flag`]: `1` or `0`.
#[inline(never)]
pub(super) fn flag(_: Kind, label: &'static str, value: &str) -> Result<bool> {
    position(label, &[("1", ""), ("0", "")], value).map(|i| i == 0)
}

/// How widths say "no hidden layer" (an empty value is refused: it is more often a slip).
pub const NO_WIDTHS: &str = "none";

/// Widths as the hash writes them: `64,64`, or [`NO_WIDTHS`].
pub(super) fn list(v: &[usize]) -> String {
    if v.is_empty() {
        return NO_WIDTHS.into();
    }
    v.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A set of names of a [`Kind::Names`] field, in the order the kind lists them.
#[inline(never)]
pub(super) fn names(kind: Kind, label: &'static str, value: &str) -> Result<Vec<&'static str>> {
    let Kind::Names(all) = kind else {
        unreachable!("a names field")
    };
    let given: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if let Some(bad) = given.iter().find(|v| !all.contains(v)) {
        return Err(Error::Invalid(
            label,
            format!("{} is not one of {}", quote(bad), all.join(", ")),
        ));
    }
    Ok(all.iter().copied().filter(|n| given.contains(n)).collect())
}

/// A set of names as text: comma-separated.
pub(super) fn names_text(v: &[&'static str]) -> String {
    v.join(",")
}
