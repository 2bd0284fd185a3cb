//! ConfigMaps: keys checked like upstream's `ValidateConfigMap`, and `immutable` enforced.

use api_types::validation::{is_config_map_key, FieldError, FieldPath};
use serde_json::Value;

use crate::registry::Strategy;

/// Upstream's `MaxSecretSize`, which also bounds a ConfigMap's total data.
const MAX_SIZE: usize = 1024 * 1024;

pub struct ConfigMapStrategy;

fn keys(obj: &Value, field: &str) -> Vec<(String, usize)> {
    obj.get(field)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::len).unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

impl Strategy for ConfigMapStrategy {
    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let data = keys(obj, "data");
        let binary = keys(obj, "binaryData");
        let mut total = 0;
        for (field, mine, other, other_name) in [
            ("data", &data, &binary, "binaryData"),
            ("binaryData", &binary, &data, "data"),
        ] {
            for (key, len) in mine {
                let path = FieldPath::new(field).key(key.as_str());
                for msg in is_config_map_key(key) {
                    errs.push(FieldError::invalid(&path, key.as_str(), msg));
                }
                if other.iter().any(|(k, _)| k == key) {
                    errs.push(FieldError::invalid(
                        &path,
                        key.as_str(),
                        format!("duplicate of key present in {other_name}"),
                    ));
                }
                total += len;
            }
        }
        if total > MAX_SIZE {
            errs.push(FieldError::too_long(
                &FieldPath::new(""),
                "",
                MAX_SIZE as i64,
            ));
        }
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if old.get("immutable").and_then(Value::as_bool) == Some(true) {
            if new.get("immutable").and_then(Value::as_bool) != Some(true) {
                errs.push(FieldError::forbidden(
                    &FieldPath::new("immutable"),
                    "field is immutable when `immutable` is set",
                ));
            }
            for field in ["data", "binaryData"] {
                let empty = Value::Null;
                if new.get(field).unwrap_or(&empty) != old.get(field).unwrap_or(&empty) {
                    errs.push(FieldError::forbidden(
                        &FieldPath::new(field),
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
        }
        errs.extend(self.validate(new));
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_and_duplicate_keys() {
        let errs = ConfigMapStrategy
            .validate(&json!({"data": {"a b": "1", "k": "v"}, "binaryData": {"k": "dg=="}}));
        let fields: Vec<&str> = errs.iter().map(|e| e.field()).collect();
        assert!(fields.contains(&"data[a b]"), "{fields:?}");
        assert!(fields.contains(&"data[k]"), "{fields:?}");
        assert!(fields.contains(&"binaryData[k]"), "{fields:?}");
        assert!(ConfigMapStrategy
            .validate(&json!({"data": {"ok.key": "v"}}))
            .is_empty());
    }

    #[test]
    fn immutable_blocks_data_changes() {
        let old = json!({"immutable": true, "data": {"a": "1"}});
        let new = json!({"immutable": true, "data": {"a": "2"}});
        let errs = ConfigMapStrategy.validate_update(&new, &old);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field(), "data");
        assert!(ConfigMapStrategy.validate_update(&old, &old).is_empty());
    }
}
