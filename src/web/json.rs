//! Small JSON by hand: keeps serde_json (and its float formatting) out of the page's wasm.

/// A JSON number, `null` for none or non-finite (JSON has no NaN).
pub fn num(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or("null".into(), |v| v.to_string())
}

/// A JSON string (the texts here have no control characters).
pub fn text(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A JSON object from already-encoded values.
pub fn object(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", text(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}
