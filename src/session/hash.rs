//! The settings as text: one field at a time (a control) or all of them (the URL hash), by
//! the table of [`super::fields`]. A refused value changes nothing; a hand-edited hash is
//! corrected field by field, never refused.

use super::fields::{Field, FIELDS};
use super::settings::{Change, Settings};
use super::space::Space;
use super::values::shorten;
use crate::{Error, Result};

/// The field called `key`.
fn field(key: &str) -> Result<&'static Field> {
    FIELDS
        .iter()
        .find(|f| f.name == key)
        .ok_or_else(|| Error::Unknown("setting", shorten(key)))
}

impl Settings {
    /// Sets one field from its text, as a control or the hash gives it. A refused value
    /// changes nothing and the error names the field.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Change> {
        let f = field(key)?;
        let (before, space) = (self.direction, self.space);
        (f.set)(self, value.trim())?;
        // What a change does to other fields: the layer shown stays within the layers, and
        // the scale follows the flow type while it is that type's default.
        match f.name {
            "layers" => {
                self.layer = self.layer.min(self.layers);
                self.tlayer = self.tlayer.min(self.layers);
            }
            "space" if self.space != space => self.follow_space(space),
            "flow" if self.scale == before.default_scale() => {
                self.scale = self.direction.default_scale();
            }
            _ => {}
        }
        Ok(f.change)
    }

    /// The text of one field, as the hash and the controls show it.
    pub fn get(&self, key: &str) -> Option<String> {
        field(key).ok().map(|f| (f.get)(self))
    }

    /// `key=value&...` for every field, in the table's order.
    pub fn to_hash(&self) -> String {
        FIELDS
            .iter()
            .map(|f| format!("{}={}", f.name, (f.get)(self)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Settings from a hash (with or without `#`), and a message for every part that was
    /// wrong and is left at its default; the defaults, with a message, if the fields do
    /// not make a valid flow together.
    pub fn from_hash(hash: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notes = Vec::new();
        let hash = hash.trim_start_matches('#');
        // `space` first, so that the fields in the hash override its defaults; `layers`
        // next, so that `layer` is checked against the right K; `flow` too, so that a
        // `scale` in the hash overrides the flow type's default.
        let mut pairs: Vec<(&str, &str)> = hash
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        pairs.sort_by_key(|(k, _)| match *k {
            "space" => 0,
            "layers" | "flow" => 1,
            _ => 2,
        });
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
        // A link to a compare view of a target it cannot compare keeps the rest.
        if s.compare && s.objective().opposite().is_none() {
            s.compare = false;
            notes.push(format!(
                "link: compare objectives needs a target with a density that is positive \
                 everywhere, and {} has none; comparing off",
                s.objective().target_name()
            ));
        }
        if let Err(e) = s.validate() {
            notes.insert(0, format!("link: {e}; using the defaults"));
            s = Settings::default();
        }
        if notes.len() > MAX_NOTES {
            let more = notes.len() - (MAX_NOTES - 1);
            notes.truncate(MAX_NOTES - 1);
            notes.push(format!("link: and {more} more corrections"));
        }
        (s, notes)
    }
}

/// Most notes a corrected hash gets (the last says how many more there were).
pub const MAX_NOTES: usize = 6;

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

impl Settings {
    /// After the space changed from `before`: each field still at `before`'s default
    /// takes the new space's, and the layer panels stay within the layers.
    pub(super) fn follow_space(&mut self, before: Space) {
        let (old, new) = (before.defaults(), self.space.defaults());
        if self.layers == old.layers {
            self.layers = new.layers;
        }
        if self.hidden == old.hidden {
            self.hidden = new.hidden;
        }
        if self.lr == old.lr {
            self.lr = new.lr;
        }
        if self.batch == old.batch {
            self.batch = new.batch;
        }
        self.layer = self.layer.min(self.layers);
        self.tlayer = self.tlayer.min(self.layers);
    }
}
