//! Standard output that never panics: a closed pipe (`normsharp verify | head`) ends the
//! command quietly, any other write error is an error with exit code 2.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::io::Write;

/// Write `text` to standard output.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::Output {
        what: "standard output".into(),
        reason: e.to_string(),
        broken_pipe: e.kind() == std::io::ErrorKind::BrokenPipe,
    })
}

/// A JSON object, pretty-printed, or `key: value` lines.
pub fn print_object(v: &Map<String, Value>, json: bool) -> Result<()> {
    if json {
        emit(&(serde_json::to_string_pretty(v).unwrap_or_default() + "\n"))
    } else {
        let mut s = String::new();
        for (k, val) in v {
            s += &format!("{k}: {val}\n");
        }
        emit(&s)
    }
}

/// Any serializable value as a JSON object (keys sorted).
pub fn to_object<S: serde::Serialize>(v: &S) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}
