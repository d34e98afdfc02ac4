//! The long lists of numbers in a model file (parameters, Adam's moments), written and read
//! without a JSON tree: a tree holds each number in 32 bytes or more, and the largest flow's
//! file (millions of numbers) took 700 MB to read that way. Written, each `f32` is the
//! shortest decimal of its exact value (as an `f64`), so it reads back bit for bit; read,
//! every entry is kept as an `f32`, and the first that is not a finite one is remembered
//! for the message, so that a file is refused whole with its first bad entry named.

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde::Deserialize;
use std::fmt;

/// `f32`s written as a JSON list of their exact values.
pub struct Written<'a>(pub &'a [f32]);

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&v| f64::from(v)))
    }
}

/// A list of numbers as read: the `f32`s, or why it is not a list of finite ones.
#[derive(Debug, Default)]
pub enum Read {
    /// Every entry a finite `f32`.
    Numbers(Vec<f32>),
    /// Entry `n` (from 1) is not a finite 32-bit number.
    BadEntry(usize),
    /// Not a list (absent, `null`, or another JSON value).
    #[default]
    NotAList,
}

impl<'de> Deserialize<'de> for Read {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Read;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Read, A::Error> {
                let mut numbers = Vec::with_capacity(a.size_hint().unwrap_or(0).min(1 << 20));
                let mut bad = None;
                while let Some(x) = a.next_element::<serde_json::Value>()? {
                    match x.as_f64().map(|x| x as f32) {
                        Some(x) if x.is_finite() => numbers.push(x),
                        _ => {
                            bad.get_or_insert(numbers.len() + 1);
                            numbers.push(0.0);
                        }
                    }
                }
                Ok(bad.map_or(Read::Numbers(numbers), Read::BadEntry))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Read, E> {
                Ok(Read::NotAList)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Read, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Read::NotAList)
            }
        }
        d.deserialize_any(V)
    }
}
