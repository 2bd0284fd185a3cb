//! Small accessors on JSON objects (`serde_json::Value`), the generic store's object form.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// `metadata.<field>` as a string, empty when absent.
pub fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn name(obj: &Value) -> &str {
    meta_str(obj, "name")
}

pub fn namespace(obj: &Value) -> &str {
    meta_str(obj, "namespace")
}

/// The `metadata` map, created when missing (or when not an object).
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    let map = match obj {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    };
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    match meta {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// Sets `metadata.<field>`.
pub fn set_meta(obj: &mut Value, field: &str, value: impl Into<Value>) {
    metadata_mut(obj).insert(field.to_string(), value.into());
}

/// Removes `metadata.<field>`.
pub fn remove_meta(obj: &mut Value, field: &str) -> Option<Value> {
    metadata_mut(obj).remove(field)
}

/// `metadata.labels` as a map (non-string values skipped).
pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    string_map(obj.get("metadata").and_then(|m| m.get("labels")))
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `metadata.finalizers`.
pub fn finalizers(obj: &Value) -> Vec<String> {
    obj.get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A value at a dotted path (`spec.nodeName`), if present.
pub fn at_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(obj, |v, seg| v.get(seg))
}

/// The current time as upstream writes timestamps (RFC 3339, seconds, `Z`).
pub fn now_rfc3339() -> String {
    let now = api_types::k8s_openapi::jiff::Timestamp::now();
    format!("{}", now.strftime("%Y-%m-%dT%H:%M:%SZ"))
}

/// The time `seconds` from now, as [`now_rfc3339`] writes it.
pub fn rfc3339_after(seconds: i64) -> String {
    let now = api_types::k8s_openapi::jiff::Timestamp::now();
    let later = api_types::k8s_openapi::jiff::Timestamp::from_second(
        now.as_second().saturating_add(seconds),
    )
    .unwrap_or(now);
    format!("{}", later.strftime("%Y-%m-%dT%H:%M:%SZ"))
}

/// A random RFC 4122 version-4 UUID (from a thread-local CSPRNG seeded by the OS).
pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Upstream's `generateName` suffix: five characters from its consonant-and-digit alphabet.
pub fn random_suffix() -> String {
    use ring::rand::SecureRandom;
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut b = [0u8; 5];
    let _ = ring::rand::SystemRandom::new().fill(&mut b);
    b.iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors() {
        let mut o = json!({"metadata":{"name":"a","labels":{"x":"1"},"finalizers":["f"]},"spec":{"nodeName":"n"}});
        assert_eq!(name(&o), "a");
        assert_eq!(namespace(&o), "");
        assert_eq!(labels(&o).get("x").map(String::as_str), Some("1"));
        assert_eq!(finalizers(&o), ["f"]);
        assert_eq!(at_path(&o, "spec.nodeName"), Some(&json!("n")));
        set_meta(&mut o, "namespace", "ns");
        assert_eq!(namespace(&o), "ns");
        let mut empty = json!(null);
        set_meta(&mut empty, "name", "b");
        assert_eq!(name(&empty), "b");
    }

    #[test]
    fn uid_and_suffix_shapes() {
        let u = new_uid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(u, new_uid());
        let s = random_suffix();
        assert_eq!(s.len(), 5);
        assert!(s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
        let t = now_rfc3339();
        assert!(t.ends_with('Z') && t.len() == 20, "{t}");
    }
}
