//! Cell formatting shared by the per-group printers: field access on untyped JSON and
//! upstream's helpers (`labels.FormatLabels`, `metav1.FormatLabelSelector`,
//! `layoutContainerCells`, `translateTimestampSince`, ...).

use serde_json::{json, Value};

use super::human_duration;
use crate::object;

/// The string at a dotted path, `""` when absent or not a string.
pub(super) fn s<'a>(obj: &'a Value, path: &str) -> &'a str {
    object::at_path(obj, path)
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The integer at a dotted path, 0 when absent (Go's zero value).
pub(super) fn n(obj: &Value, path: &str) -> i64 {
    object::at_path(obj, path)
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// The string at a dotted path, `None` when the field is absent (a nil pointer upstream).
pub(super) fn opt<'a>(obj: &'a Value, path: &str) -> Option<&'a str> {
    object::at_path(obj, path).and_then(Value::as_str)
}

/// The elements of an array, none when it is not one.
pub(super) fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// The length of an array or object (Go's `len` of a slice or map), 0 otherwise.
pub(super) fn len(v: &Value) -> i64 {
    let n = match v {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        _ => 0,
    };
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `v`, or `default` when `v` is empty.
pub(super) fn or<'a>(v: &'a str, default: &'a str) -> &'a str {
    if v.is_empty() {
        default
    } else {
        v
    }
}

/// `v`, or `<none>` when it is empty.
pub(super) fn or_none(v: &str) -> Value {
    json!(or(v, "<none>"))
}

/// The object's name cell.
pub(super) fn name(obj: &Value) -> Value {
    json!(object::name(obj))
}

/// Upstream's `translateTimestampSince`: the time since an RFC 3339 timestamp, `<unknown>`
/// when it is unset or unreadable.
pub(super) fn since(timestamp: &str, now: i64) -> String {
    match timestamp.parse::<api_types::k8s_openapi::jiff::Timestamp>() {
        Ok(t) => human_duration(now - t.as_second()),
        Err(_) => "<unknown>".to_string(),
    }
}

/// The AGE cell: time since `metadata.creationTimestamp`.
pub(super) fn age(obj: &Value, now: i64) -> Value {
    json!(since(object::meta_str(obj, "creationTimestamp"), now))
}

/// `labels.FormatLabels`: `a=b,c=d` sorted by key, `<none>` when empty.
pub(super) fn labels(map: Option<&Value>) -> Value {
    let mut pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    or_none(&pairs.join(","))
}

/// `metav1.LabelSelectorAsSelector(..).String()`: requirements sorted by key, values of
/// `in`/`notin` sorted; `""` for an empty or absent selector, `<error>` for a bad operator.
pub(super) fn selector_string(v: Option<&Value>) -> String {
    let Some(v) = v.filter(|v| v.is_object()) else {
        return String::new();
    };
    let mut reqs: Vec<(String, String)> = v["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))))
                .collect()
        })
        .unwrap_or_default();
    for e in items(&v["matchExpressions"]) {
        let key = s(e, "key");
        let mut values: Vec<&str> = items(&e["values"]).filter_map(Value::as_str).collect();
        values.sort_unstable();
        values.dedup();
        let text = match s(e, "operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".to_string(),
        };
        reqs.push((key.to_string(), text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: [`selector_string`], `<none>` when empty.
pub(super) fn label_selector(v: Option<&Value>) -> Value {
    or_none(&selector_string(v))
}

/// `layoutContainerCells`: container names and images of a pod spec, comma-separated.
pub(super) fn containers_images(spec: &Value) -> (Value, Value) {
    let cs: Vec<&Value> = items(&spec["containers"]).collect();
    let names: Vec<&str> = cs.iter().map(|c| s(c, "name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "image")).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

/// `listWithMoreString`: the first `max` entries and `+ N more...`, `<unset>` when empty.
pub(super) fn with_more(list: &[String], max: usize) -> String {
    if list.is_empty() {
        return "<unset>".to_string();
    }
    let shown = list[..list.len().min(max)].join(",");
    if list.len() > max {
        format!("{shown} + {} more...", list.len() - max)
    } else {
        shown
    }
}

/// A `*bool` as upstream's `printBoolPtr`: `True`, `False` or `<unset>` (a string cell).
pub(super) fn bool_ptr(v: &Value) -> Value {
    json!(match v.as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    })
}

/// An `IntOrString` as its `String()`, `N/A` when nil.
pub(super) fn int_or_string(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.to_string()),
        Value::String(s) => json!(s),
        _ => json!("N/A"),
    }
}

/// A quantity's text (upstream prints the canonical form; ours is the stored text), `"0"`
/// for the zero value of an absent one.
pub(super) fn quantity(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".to_string(),
    }
}

pub(super) const CONTAINERS: &str = "Names of each container in the template.";
pub(super) const IMAGES: &str = "Images referenced by each container in the template.";
pub(super) const SELECTOR: &str = "The label selector to select the objects.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_print_like_labels_selector_string() {
        let sel = json!({"matchLabels": {"tier": "db", "app": "web"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "gone", "operator": "DoesNotExist"}]});
        assert_eq!(
            selector_string(Some(&sel)),
            "app=web,env in (dev,prod),!gone,tier=db"
        );
        assert_eq!(selector_string(Some(&json!({}))), "");
        assert_eq!(label_selector(None), json!("<none>"));
        let bad = json!({"matchExpressions": [{"key": "k", "operator": "Near"}]});
        assert_eq!(selector_string(Some(&bad)), "<error>");
        assert_eq!(labels(Some(&json!({"b": "2", "a": "1"}))), json!("a=1,b=2"));
        assert_eq!(labels(Some(&json!({}))), json!("<none>"));
    }

    #[test]
    fn small_helpers() {
        let four: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(with_more(&four, 3), "a,b,c + 1 more...");
        assert_eq!(with_more(&four[..2], 3), "a,b");
        assert_eq!(with_more(&[], 3), "<unset>");
        assert_eq!(int_or_string(&json!(2)), json!("2"));
        assert_eq!(int_or_string(&json!("50%")), json!("50%"));
        assert_eq!(int_or_string(&Value::Null), json!("N/A"));
        assert_eq!(bool_ptr(&json!(true)), json!("True"));
        assert_eq!(bool_ptr(&Value::Null), json!("<unset>"));
        assert_eq!(since("", 0), "<unknown>");
        assert_eq!(since("1970-01-01T00:00:00Z", 90), "90s");
        assert_eq!(quantity(&Value::Null), "0");
        assert_eq!(len(&json!({"a": 1, "b": 2})), 2);
    }
}
