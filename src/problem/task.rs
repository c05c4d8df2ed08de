//! Regression tasks: a design X (n×d, rows are samples), labels y, an optional teacher β*
//! and label-noise standard deviation σ. Entries are kept as exact rationals
//! ([`rug::Rational`]) until a computation asks for a float.
//!
//! TOML format (THEORY.md §2 conventions):
//! ```toml
//! X = [[1, 2, 3, 4]]      # rows are samples
//! y = [1]
//! teacher = ["1/10", "1/10", "1/10", "1/10"]   # optional
//! noise_std = 0.0                             # optional
//! ```
//! A TOML float is read as the shortest decimal that round-trips (`0.1` means 1/10); a
//! string holds a decimal (`"1.5e-3"`) or a fraction (`"1/3"`) and is read exactly.
//!
//! ```
//! use normsharp::problem::task::Task;
//! let t = Task::from_toml_str("X = [[1, 2]]\ny = [\"1/3\"]").unwrap();
//! assert_eq!(t.y[0], rug::Rational::from((1, 3)));
//! assert!(Task::from_toml_str("X = [[1, 2]]\ny = [1, 2]").is_err());
//! ```

use crate::error::{Error, Result};
use crate::numeric::real::Real;
use crate::problem::design::Design;
use rug::{Integer, Rational};
use std::str::FromStr;

/// A regression task with exact entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Short name used in reports.
    pub name: String,
    /// Design, `x[sample][feature]`.
    pub x: Vec<Vec<Rational>>,
    /// Labels, one per sample.
    pub y: Vec<Rational>,
    /// Optional teacher β* (length d).
    pub teacher: Option<Vec<Rational>>,
    /// Label-noise standard deviation σ (0 when absent).
    pub noise_std: Rational,
}

/// The largest task file read (256 MB: ~4.6 GB while parsing).
pub const MAX_TASK_FILE_BYTES: u64 = 256 << 20;

/// Parse an exact rational from a decimal (`-1.25e-3`) or a fraction (`"3/7"`).
///
/// ```
/// use normsharp::problem::task::parse_exact;
/// assert_eq!(parse_exact("1.5e-1").unwrap(), rug::Rational::from((3, 20)));
/// assert_eq!(parse_exact("-2/6").unwrap(), rug::Rational::from((-1, 3)));
/// assert!(parse_exact("1/0").is_none() && parse_exact("nan").is_none());
/// ```
pub fn parse_exact(s: &str) -> Option<Rational> {
    let s = s.trim();
    if let Some((num, den)) = s.split_once('/') {
        let num = Integer::from_str(num.trim()).ok()?;
        let den = Integer::from_str(den.trim()).ok()?;
        if den == 0 {
            return None;
        }
        return Some(Rational::from((num, den)));
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], i64::from_str(&s[i + 1..]).ok()?),
        None => (s, 0),
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.chars().chain(frac_part.chars()).all(|c| c.is_ascii_digit())
        || exponent.unsigned_abs() > 100_000
    {
        return None;
    }
    let digits = Integer::from_str(&format!("{int_part}{frac_part}0")).ok()? / 10;
    let scale = exponent - frac_part.len() as i64;
    let ten_pow = Integer::from(Integer::u_pow_u(10, scale.unsigned_abs() as u32));
    let mut q = if scale >= 0 { Rational::from(digits * ten_pow) } else { Rational::from((digits, ten_pow)) };
    if negative {
        q = -q;
    }
    Some(q)
}

fn value_to_rational(v: &toml::Value, field: &str) -> Result<Rational> {
    let allowed = "a finite number, or a string holding a decimal (\"0.25\") or a fraction (\"1/4\")";
    match v {
        toml::Value::Integer(i) => Ok(Rational::from(*i)),
        toml::Value::Float(f) => {
            if !f.is_finite() {
                return Err(Error::field(field, format!("{f} is not finite"), allowed));
            }
            // Shortest round-trip decimal: 0.1 in the file means 1/10.
            parse_exact(&format!("{f:e}")).ok_or_else(|| Error::field(field, "unreadable float", allowed))
        }
        toml::Value::String(s) => {
            let q = parse_exact(s).ok_or_else(|| {
                let shown: String = s.chars().take(40).collect();
                let more = if s.chars().count() > 40 { format!("… ({} characters)", s.chars().count()) } else { String::new() };
                Error::field(field, format!("\"{shown}{more}\" is not a decimal or a fraction"), allowed)
            })?;
            in_f64_range(&q, field)?;
            Ok(q)
        }
        other => Err(Error::field(field, format!("found a {}", other.type_str()), allowed)),
    }
}

/// Entries must be 0 or of magnitude in [1e-300, 1e300], so that the f64 computations see
/// (up to rounding) the number the exact ones do.
fn in_f64_range(q: &Rational, field: &str) -> Result<()> {
    if *q == 0 {
        return Ok(());
    }
    let a = q.to_f64().abs();
    if !(1e-300..=1e300).contains(&a) {
        let text = q.to_string();
        let shown: String = text.chars().take(40).collect();
        let more = if text.chars().count() > 40 { "…" } else { "" };
        return Err(Error::field(
            field,
            format!("{shown}{more} is outside what f64 represents faithfully"),
            "0 or a magnitude between 1e-300 and 1e300",
        ));
    }
    Ok(())
}

fn value_to_vector(v: &toml::Value, field: &str) -> Result<Vec<Rational>> {
    let arr = v.as_array().ok_or_else(|| Error::field(field, format!("found a {}", v.type_str()), "an array of numbers"))?;
    arr.iter().enumerate().map(|(i, e)| value_to_rational(e, &format!("{field}[{i}]"))).collect()
}

impl Task {
    /// Parse and validate a task from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Task> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Toml(e.to_string()))?;
        for key in table.keys() {
            if !["X", "y", "teacher", "noise_std", "name"].contains(&key.as_str()) {
                return Err(Error::field(key, "unknown field", "X, y, teacher, noise_std, name"));
            }
        }
        let xv = table.get("X").ok_or_else(|| Error::field("X", "missing", "an array of rows, each an array of d numbers"))?;
        let rows = xv.as_array().ok_or_else(|| Error::field("X", format!("found a {}", xv.type_str()), "an array of rows"))?;
        let x = rows.iter().enumerate().map(|(i, r)| value_to_vector(r, &format!("X[{i}]"))).collect::<Result<Vec<_>>>()?;
        let yv = table.get("y").ok_or_else(|| Error::field("y", "missing", "an array of n numbers"))?;
        let y = value_to_vector(yv, "y")?;
        let teacher = table.get("teacher").map(|v| value_to_vector(v, "teacher")).transpose()?;
        let noise_std = table.get("noise_std").map(|v| value_to_rational(v, "noise_std")).transpose()?.unwrap_or_default();
        let name = match table.get("name") {
            Some(toml::Value::String(s)) => s.clone(),
            Some(v) => return Err(Error::field("name", format!("found a {}", v.type_str()), "a string")),
            None => "task".to_string(),
        };
        Task::new(name, x, y, teacher, noise_std)
    }

    /// Read a task file (see the module docs for the format).
    pub fn from_file(path: &str) -> Result<Task> {
        // The TOML parse holds ~18 bytes per byte of file (measured: 20 MB → 367 MB peak), then
        // the exact rationals; past this size a task is refused before it is read.
        if let Ok(m) = std::fs::metadata(path) {
            if m.is_file() && m.len() > MAX_TASK_FILE_BYTES {
                return Err(Error::Io {
                    path: path.to_string(),
                    reason: format!(
                        "the file has {} MB; task files up to {} MB are read (parsing takes ~18 bytes of memory per byte of TOML)",
                        m.len() >> 20,
                        MAX_TASK_FILE_BYTES >> 20
                    ),
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.to_string(), reason: e.to_string() })?;
        let mut t = Task::from_toml_str(&text)?;
        if t.name == "task" {
            t.name = path.to_string();
        }
        Ok(t)
    }

    /// Build a task and check its shape: X non-empty and rectangular, len(y) = n,
    /// len(teacher) = d, σ ≥ 0.
    pub fn new(
        name: impl Into<String>,
        x: Vec<Vec<Rational>>,
        y: Vec<Rational>,
        teacher: Option<Vec<Rational>>,
        noise_std: Rational,
    ) -> Result<Task> {
        if x.is_empty() {
            return Err(Error::field("X", "has no rows", "at least one sample (row)"));
        }
        let d = x[0].len();
        if d == 0 {
            return Err(Error::field("X[0]", "is empty", "rows with at least one feature"));
        }
        for (i, row) in x.iter().enumerate() {
            if row.len() != d {
                return Err(Error::field(
                    format!("X[{i}]"),
                    format!("has {} entries but X[0] has {d}", row.len()),
                    "a rectangular X: every row of the same length",
                ));
            }
        }
        if y.len() != x.len() {
            return Err(Error::field("y", format!("has {} entries but X has {} rows", y.len(), x.len()), "one label per row of X"));
        }
        if let Some(t) = &teacher {
            if t.len() != d {
                return Err(Error::field(
                    "teacher",
                    format!("has {} entries but X has {d} columns", t.len()),
                    "one entry per feature (column of X)",
                ));
            }
        }
        if noise_std < 0 {
            return Err(Error::field("noise_std", "is negative", "a number ≥ 0"));
        }
        Ok(Task { name: name.into(), x, y, teacher, noise_std })
    }

    /// Number of samples n.
    pub fn n(&self) -> usize {
        self.x.len()
    }
    /// Number of features d.
    pub fn d(&self) -> usize {
        self.x[0].len()
    }

    /// The single-sample hypotheses of THEORY.md §3 (SW): n = 1, x_i > 0, y > 0.
    /// Returns (x, y) when they hold.
    pub fn single_sample_positive(&self) -> Result<(&[Rational], &Rational)> {
        if self.n() != 1 {
            return Err(Error::field(
                "X",
                format!("has {} rows", self.n()),
                "exactly one sample (one row) for the single-sample SW predictions",
            ));
        }
        for (i, xi) in self.x[0].iter().enumerate() {
            if *xi <= 0 {
                return Err(Error::field(format!("X[0][{i}]"), format!("is {xi}"), "x_i > 0 (single-sample SW hypothesis)"));
            }
        }
        if self.y[0] <= 0 {
            return Err(Error::field("y[0]", format!("is {}", self.y[0]), "y > 0 (single-sample SW hypothesis)"));
        }
        Ok((&self.x[0], &self.y[0]))
    }

    /// The hypotheses of the SW gradient-flow limit for n samples: a nonnegative
    /// interpolator must exist; we require every entry of X to be positive and y > 0.
    pub fn positive_design(&self) -> Result<()> {
        for (i, row) in self.x.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if *v <= 0 {
                    return Err(Error::field(
                        format!("X[{i}][{j}]"),
                        format!("is {v}"),
                        "X > 0 entrywise for the SW multi-sample predictions",
                    ));
                }
            }
        }
        for (i, v) in self.y.iter().enumerate() {
            if *v <= 0 {
                return Err(Error::field(format!("y[{i}]"), format!("is {v}"), "y > 0 for the SW multi-sample predictions"));
            }
        }
        Ok(())
    }

    /// The design and labels rounded into a real type.
    pub fn design<T: Real>(&self, ctx: T::Ctx) -> Design<T> {
        let x = self.x.iter().flat_map(|r| r.iter().map(|v| T::from_rational(v, ctx))).collect();
        let y = self.y.iter().map(|v| T::from_rational(v, ctx)).collect();
        Design::new(self.n(), self.d(), x, y, ctx)
    }

    /// The task's TOML text (exact fractions as strings), so a generated task can be saved.
    pub fn to_toml(&self) -> String {
        let vec = |v: &[Rational]| v.iter().map(|q| format!("\"{q}\"")).collect::<Vec<_>>().join(", ");
        let mut s = format!("name = \"{}\"\nX = [\n", self.name);
        for r in &self.x {
            s += &format!("  [{}],\n", vec(r));
        }
        s += &format!("]\ny = [{}]\n", vec(&self.y));
        if let Some(t) = &self.teacher {
            s += &format!("teacher = [{}]\n", vec(t));
        }
        s += &format!("noise_std = \"{}\"\n", self.noise_std);
        s
    }
}
