//! Secrets: upstream's defaults (`type: Opaque`, `stringData` folded into `data`) and
//! `ValidateSecret` / `ValidateSecretUpdate` (keys, total size, the keys each built-in type
//! requires, immutable type and `immutable` secrets).

use api_types::validation::{is_config_map_key, FieldError, FieldPath};
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::registry::Strategy;

/// Upstream's `MaxSecretSize`.
const MAX_SIZE: usize = 1024 * 1024;

pub struct SecretStrategy;

fn data(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("data").and_then(Value::as_object)
}

fn has_key(obj: &Value, key: &str) -> bool {
    data(obj).is_some_and(|d| d.contains_key(key))
}

/// The decoded value of `data[key]` (values are base64 on the wire).
fn decoded(obj: &Value, key: &str) -> Option<Vec<u8>> {
    let text = data(obj)?.get(key)?.as_str()?;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The type-specific rules of upstream's `ValidateSecret`.
fn validate_type(obj: &Value, errs: &mut Vec<FieldError>) {
    let data_path = FieldPath::new("data");
    let require = |errs: &mut Vec<FieldError>, key: &str| {
        if !has_key(obj, key) {
            errs.push(FieldError::required(&data_path.key(key), ""));
        }
    };
    let json_key = |errs: &mut Vec<FieldError>, key: &str| {
        if !has_key(obj, key) {
            errs.push(FieldError::required(&data_path.key(key), ""));
        } else if let Some(bytes) = decoded(obj, key) {
            if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
                errs.push(FieldError::invalid(
                    &data_path.key(key),
                    "<secret contents redacted>",
                    e.to_string(),
                ));
            }
        }
    };
    match obj["type"].as_str().unwrap_or("") {
        "kubernetes.io/service-account-token" => {
            let named = obj["metadata"]["annotations"]["kubernetes.io/service-account.name"]
                .as_str()
                .is_some_and(|n| !n.is_empty());
            if !named {
                errs.push(FieldError::required(
                    &FieldPath::from_names(["metadata", "annotations"])
                        .key("kubernetes.io/service-account.name"),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => json_key(errs, ".dockercfg"),
        "kubernetes.io/dockerconfigjson" => json_key(errs, ".dockerconfigjson"),
        "kubernetes.io/basic-auth" if !has_key(obj, "username") && !has_key(obj, "password") => {
            require(errs, "username");
            require(errs, "password");
        }
        "kubernetes.io/ssh-auth" => require(errs, "ssh-privatekey"),
        "kubernetes.io/tls" => {
            require(errs, "tls.key");
            require(errs, "tls.crt");
        }
        _ => {}
    }
}

impl Strategy for SecretStrategy {
    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        vec![("type", obj["type"].as_str().unwrap_or("").to_string())]
    }

    fn defaults(&self, obj: &mut Value) {
        let Some(map) = obj.as_object_mut() else {
            return;
        };
        if map
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            map.insert("type".into(), Value::String("Opaque".into()));
        }
        // `stringData` is write-only: upstream's conversion merges it into `data`, where it
        // wins over a key of the same name.
        if let Some(Value::Object(strings)) = map.remove("stringData") {
            if !map.get("data").is_some_and(Value::is_object) {
                map.insert("data".into(), Value::Object(Map::new()));
            }
            if let Some(Value::Object(data)) = map.get_mut("data") {
                for (k, v) in strings {
                    let text = v.as_str().unwrap_or_default();
                    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                    data.insert(k, Value::String(encoded));
                }
            }
        }
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut total = 0;
        for (key, value) in data(obj).into_iter().flatten() {
            let path = FieldPath::new("data").key(key.as_str());
            for msg in is_config_map_key(key) {
                errs.push(FieldError::invalid(&path, key.as_str(), msg));
            }
            total += decoded(obj, key)
                .map(|b| b.len())
                .unwrap_or_else(|| value.as_str().map(str::len).unwrap_or(0));
        }
        if total > MAX_SIZE {
            errs.push(FieldError::too_long(
                &FieldPath::new("data"),
                "",
                MAX_SIZE as i64,
            ));
        }
        validate_type(obj, &mut errs);
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if new["type"] != old["type"] {
            errs.push(FieldError::invalid(
                &FieldPath::new("type"),
                new["type"].as_str().unwrap_or(""),
                "field is immutable",
            ));
        }
        if old.get("immutable").and_then(Value::as_bool) == Some(true) {
            if new.get("immutable").and_then(Value::as_bool) != Some(true) {
                errs.push(FieldError::forbidden(
                    &FieldPath::new("immutable"),
                    "field is immutable when `immutable` is set",
                ));
            }
            if new.get("data").unwrap_or(&Value::Null) != old.get("data").unwrap_or(&Value::Null) {
                errs.push(FieldError::forbidden(
                    &FieldPath::new("data"),
                    "field is immutable when `immutable` is set",
                ));
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

    fn fields(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn string_data_is_folded_into_data() {
        let mut s = json!({"data": {"a": "eA=="}, "stringData": {"a": "new", "b": "two"}});
        SecretStrategy.defaults(&mut s);
        assert_eq!(s["type"], "Opaque");
        assert!(s.get("stringData").is_none());
        assert_eq!(s["data"], json!({"a": "bmV3", "b": "dHdv"}));
    }

    #[test]
    fn type_specific_keys() {
        let tls = json!({"type": "kubernetes.io/tls", "data": {"tls.crt": "eA=="}});
        assert_eq!(fields(&SecretStrategy.validate(&tls)), ["data[tls.key]"]);
        let basic = json!({"type": "kubernetes.io/basic-auth", "data": {}});
        assert_eq!(
            fields(&SecretStrategy.validate(&basic)),
            ["data[username]", "data[password]"]
        );
        let bad_json = json!({"type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": "bm90IGpzb24="}});
        assert_eq!(
            fields(&SecretStrategy.validate(&bad_json)),
            ["data[.dockerconfigjson]"]
        );
        let sa = json!({"type": "kubernetes.io/service-account-token", "metadata": {}});
        assert_eq!(
            fields(&SecretStrategy.validate(&sa)),
            ["metadata.annotations[kubernetes.io/service-account.name]"]
        );
        assert!(SecretStrategy
            .validate(&json!({"type": "Opaque", "data": {"ok.key": "eA=="}}))
            .is_empty());
        assert_eq!(
            fields(&SecretStrategy.validate(&json!({"data": {"bad key": ""}}))),
            ["data[bad key]"]
        );
    }

    #[test]
    fn updates_keep_type_and_immutable_data() {
        let old = json!({"type": "Opaque", "immutable": true, "data": {"a": "eA=="}});
        let new = json!({"type": "kubernetes.io/ssh-auth", "immutable": true,
            "data": {"ssh-privatekey": "eA=="}});
        assert_eq!(
            fields(&SecretStrategy.validate_update(&new, &old)),
            ["type", "data"]
        );
    }
}
