//! Small helpers for validating objects held as JSON, and the generic checks api-types does
//! not have (Go's `%#v` of a `map[string]string`, paths without `..`, label maps).

use std::collections::BTreeMap;

use api_types::validation::{go_quote, FieldError, FieldPath, IS_NEGATIVE_ERROR_MSG};
use serde_json::{Map, Value};

/// The string at `key`, or `""` when absent or not a string (Go's zero value).
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The array at `key`, or an empty slice.
pub fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The object at `key`, if set.
pub fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

/// Whether `key` is set to something other than null (a Go pointer that is not nil).
pub fn set(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|x| !x.is_null())
}

/// The integer at `key`, if set.
pub fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// The boolean at `key` (false when unset).
pub fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A map of strings (labels, node selectors); non-string values are skipped.
pub fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect()
}

/// Go's `%#v` of a `map[string]string`: keys sorted, as upstream prints labels.
pub fn go_string_map(map: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

/// An `Invalid` error whose value is printed verbatim (already in Go syntax).
pub fn invalid_raw(path: &FieldPath, rendered: &str, detail: &str) -> FieldError {
    let mut err = FieldError::invalid(path, "", "");
    err.bad_value = None;
    err.detail = format!("{rendered}: {detail}");
    err
}

/// `value` must not be negative (upstream's `ValidateNonnegativeField`).
pub fn nonnegative(value: Option<i64>, path: &FieldPath) -> Vec<FieldError> {
    match value {
        Some(v) if v < 0 => vec![FieldError::invalid(path, v, IS_NEGATIVE_ERROR_MSG)],
        _ => Vec::new(),
    }
}

/// A string that must be one of `valid`: `Required` when empty, else `NotSupported`.
pub fn one_of(value: &str, valid: &[&str], path: &FieldPath) -> Vec<FieldError> {
    if value.is_empty() {
        vec![FieldError::required(path, "")]
    } else if !valid.contains(&value) {
        vec![FieldError::not_supported(path, value, valid)]
    } else {
        Vec::new()
    }
}

/// No `..` path element (upstream's `validatePathNoBacksteps`).
pub fn no_backsteps(target: &str, path: &FieldPath) -> Vec<FieldError> {
    if target.split(['/', '\\']).any(|p| p == "..") {
        vec![FieldError::invalid(path, target, "must not contain '..'")]
    } else {
        Vec::new()
    }
}

/// A relative path without `..` elements (upstream's `validateLocalDescendingPath`).
pub fn local_descending_path(target: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(path, target, "must be a relative path"));
    }
    errs.extend(no_backsteps(target, path));
    errs
}

/// Upstream's `ValidateLocalNonReservedPath`: relative, no `..` elements, not starting
/// with `..`.
pub fn local_non_reserved_path(target: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = local_descending_path(target, path);
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(FieldError::invalid(
            path,
            target,
            "must not start with '..'",
        ));
    }
    errs
}

/// `Invalid` errors for each message of a string check, as upstream's loops build them.
pub fn each(value: &str, msgs: Vec<String>, path: &FieldPath) -> Vec<FieldError> {
    msgs.into_iter()
        .map(|m| FieldError::invalid(path, value, m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_map_and_paths() {
        let m: BTreeMap<String, String> = [("b", "2"), ("a", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(go_string_map(&m), r#"map[string]string{"a":"1", "b":"2"}"#);
        let e = invalid_raw(&FieldPath::new("x"), "map[string]string{}", "bad");
        assert_eq!(e.to_string(), "x: Invalid value: map[string]string{}: bad");
        let p = FieldPath::new("p");
        assert_eq!(
            local_non_reserved_path("/abs", &p)[0].to_string(),
            "p: Invalid value: \"/abs\": must be a relative path"
        );
        assert_eq!(
            local_non_reserved_path("a/../b", &p)[0].to_string(),
            "p: Invalid value: \"a/../b\": must not contain '..'"
        );
        assert_eq!(
            local_non_reserved_path("..a", &p)[0].to_string(),
            "p: Invalid value: \"..a\": must not start with '..'"
        );
        assert_eq!(
            nonnegative(Some(-1), &p)[0].to_string(),
            "p: Invalid value: -1: must be greater than or equal to 0"
        );
    }
}
