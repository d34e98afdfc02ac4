//! Small JSON by hand for what the page reads every frame (status, views); model files,
//! read and written rarely, go through serde_json in `session::model_file`.

/// A JSON number, `null` for none or non-finite (JSON has no NaN).
pub fn num(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or("null".into(), |v| v.to_string())
}

/// A JSON string (the texts here have no control characters).
pub fn text(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A JSON array of numbers (`null` for non-finite ones).
pub fn list<T: Copy + Into<f64>>(v: &[T]) -> String {
    let items: Vec<String> = v.iter().map(|&x| num(Some(x.into()))).collect();
    array(&items)
}

/// A JSON array from already-encoded values.
pub fn array(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

/// A JSON object from already-encoded values.
pub fn object(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", text(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}
