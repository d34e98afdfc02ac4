//! Points as CSV text: the parser a user's file goes through (every refusal says why, and
//! names the lines where a line is at fault), the writer of exports, and the scaling of an
//! imported set into the view window.
//!
//! A file holds two numeric columns (`x1`, `x2`), an optional header line, separated by
//! commas, semicolons or tabs (the first data line decides), with decimal points. Blank
//! lines are skipped; a field may be quoted. Either every other line parses, or the file
//! is refused with the first [`NAMED_LINES`] bad lines named ([`BadRows::Refuse`]), or,
//! when the user asks for it, the bad lines are skipped and counted ([`BadRows::Skip`]).

use crate::data::points::MAX_POINTS;
use crate::data::Point;
use std::fmt;

/// Largest file read, in bytes.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// How many bad lines a refusal names.
pub const NAMED_LINES: usize = 10;
/// The half-width the view window gives imported points (the window is `[-4, 4]^2`).
pub const FIT_HALF_WIDTH: f32 = 3.5;

/// What to do with lines that do not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRows {
    /// Refuse the file, naming the first bad lines.
    Refuse,
    /// Skip them and count them.
    Skip,
}

/// One line that did not parse: its number (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The line's number, counting from 1.
    pub line: usize,
    /// Why it did not parse.
    pub reason: String,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvError {
    /// No line holds anything.
    Empty,
    /// Over [`MAX_BYTES`].
    TooLarge(usize),
    /// Not text: a zero byte or bytes that are not UTF-8, first on this line.
    Binary(usize),
    /// One column on this line (the first data line).
    OneColumn(usize),
    /// More than [`MAX_POINTS`] data lines.
    TooManyRows(usize),
    /// Lines that did not parse: the first [`NAMED_LINES`] and how many in all.
    Rows(Vec<BadLine>, usize),
    /// Nothing but a header (or every line skipped): how many were skipped.
    NoPoints(usize),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Empty => write!(f, "the file is empty"),
            CsvError::TooLarge(n) => write!(
                f,
                "the file has {:.1} MB; at most {} MB can be read",
                *n as f64 / 1048576.0,
                MAX_BYTES / 1048576
            ),
            CsvError::Binary(line) => write!(
                f,
                "this is not a text file (line {line} holds bytes that are not text); a CSV of two numeric columns is expected"
            ),
            CsvError::OneColumn(line) => write!(
                f,
                "line {line} has one column; two numeric columns (x1, x2) separated by commas, semicolons or tabs are expected"
            ),
            CsvError::TooManyRows(n) => write!(f, "the file has {n} rows; at most {MAX_POINTS} can be read"),
            CsvError::Rows(bad, total) => {
                write!(f, "{total} line{} could not be read:", if *total == 1 { "" } else { "s" })?;
                for b in bad {
                    write!(f, " line {}: {};", b.line, b.reason)?;
                }
                if *total > bad.len() {
                    write!(f, " and {} more;", total - bad.len())?;
                }
                write!(f, " nothing was imported (tick \"skip bad lines\" to import the rest)")
            }
            CsvError::NoPoints(skipped) => write!(
                f,
                "the file holds no points{}",
                if *skipped > 0 { format!(" ({skipped} bad lines skipped)") } else { String::new() }
            ),
        }
    }
}

impl std::error::Error for CsvError {}

/// A parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The points, in the file's order.
    pub points: Vec<Point>,
    /// The header's two names, if the file has a header.
    pub header: Option<[String; 2]>,
    /// The separator found.
    pub separator: char,
    /// Bad lines skipped (with [`BadRows::Skip`]).
    pub skipped: usize,
}

/// Parses `bytes` as a CSV of two numeric columns; see the module's documentation.
pub fn parse(bytes: &[u8], bad_rows: BadRows) -> Result<Parsed, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge(bytes.len()));
    }
    let line_of = |at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(CsvError::Binary(line_of(at)));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| CsvError::Binary(line_of(e.valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_matches(SPACE)))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let Some(&(first_no, first)) = lines.peek() else {
        return Err(CsvError::Empty);
    };
    // The first that splits the first line outside quotes.
    let separator = ['\t', ';', ',']
        .into_iter()
        .find(|&c| fields(first, c).len() > 1)
        .unwrap_or(',');
    let header = match fields(first, separator)[..] {
        [a, b] if number(a).is_err() && number(b).is_err() => {
            lines.next();
            Some([unquote(a).to_string(), unquote(b).to_string()])
        }
        [_] => return Err(CsvError::OneColumn(first_no)),
        _ => None,
    };
    let rows = lines.clone().count();
    if rows > MAX_POINTS {
        return Err(CsvError::TooManyRows(rows));
    }
    let mut points = Vec::with_capacity(rows);
    let (mut bad, mut total_bad) = (Vec::new(), 0);
    for (no, line) in lines {
        match row(line, separator) {
            Ok(p) => points.push(p),
            Err(reason) => {
                total_bad += 1;
                if bad.len() < NAMED_LINES {
                    bad.push(BadLine { line: no, reason });
                }
            }
        }
    }
    if total_bad > 0 && bad_rows == BadRows::Refuse {
        return Err(CsvError::Rows(bad, total_bad));
    }
    if points.is_empty() {
        return Err(CsvError::NoPoints(total_bad));
    }
    Ok(Parsed {
        points,
        header,
        separator,
        skipped: total_bad,
    })
}

/// What is trimmed around lines and fields (not tabs: a tab may separate an empty field).
const SPACE: &[char] = &[' ', '\r'];

/// The fields of `line`, split at each `separator` outside double quotes (a quoted column
/// name may hold one).
fn fields(line: &str, separator: char) -> Vec<&str> {
    let (mut out, mut start, mut quoted) = (Vec::new(), 0, false);
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            out.push(line[start..i].trim_matches(SPACE));
            start = i + c.len_utf8();
        }
    }
    out.push(line[start..].trim_matches(SPACE));
    out
}

fn unquote(field: &str) -> &str {
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
        .trim_matches(SPACE)
}

/// One field as a finite `f32`, or why not.
fn number(field: &str) -> Result<f32, String> {
    let f = unquote(field);
    let shown = crate::error::echo(f, 20);
    if f.is_empty() {
        return Err("an empty field".to_string());
    }
    // Rust also reads "inf", "NaN" and "infinity"; a CSV of points means digits.
    if !f
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return Err(format!("'{shown}' is not a number"));
    }
    match f.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("'{shown}' is too large for a 32-bit number")),
        Err(_) => Err(format!("'{shown}' is not a number")),
    }
}

fn row(line: &str, separator: char) -> Result<Point, String> {
    match fields(line, separator)[..] {
        [a, b] => Ok([number(a)?, number(b)?]),
        ref f => Err(format!("{} columns, not 2", f.len())),
    }
}

/// `points` as CSV with the header `x1,x2`, each value in the shortest form that reads
/// back to the same `f32`.
pub fn write(points: &[Point]) -> String {
    let mut out = String::with_capacity(16 * points.len() + 6);
    out.push_str("x1,x2\n");
    for [a, b] in points {
        out.push_str(&format!("{a},{b}\n"));
    }
    out
}

/// How an imported set was moved into the view window: `x' = (x - centre) * factor`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The centre of the points' bounding box.
    pub centre: [f32; 2],
    /// One factor for both axes (the shape is kept).
    pub factor: f32,
}

/// The fit that centres `points`' bounding box and scales its longer side to
/// `2 FIT_HALF_WIDTH`; a single point (or a set with no extent) is only centred.
pub fn fit(points: &[Point]) -> Fit {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    for p in points {
        for i in 0..2 {
            lo[i] = lo[i].min(p[i]);
            hi[i] = hi[i].max(p[i]);
        }
    }
    let centre = [0, 1].map(|i| lo[i] / 2.0 + hi[i] / 2.0);
    let extent = (0..2)
        .map(|i| hi[i] / 2.0 - lo[i] / 2.0)
        .fold(0.0, f32::max);
    let factor = FIT_HALF_WIDTH / extent;
    let factor = if factor.is_finite() && extent > 0.0 {
        factor
    } else {
        1.0
    };
    Fit { centre, factor }
}

impl Fit {
    /// The points moved into the window.
    pub fn apply(&self, points: &[Point]) -> Vec<Point> {
        points
            .iter()
            .map(|p| [0, 1].map(|i| (p[i] - self.centre[i]) * self.factor))
            .collect()
    }
}
