//! ServiceAccounts: upstream's strategy keeps only the name of each `secrets` reference, on
//! create and on update (no scheme defaults apply).

use serde_json::{json, Value};

use crate::registry::Strategy;

/// `cleanSecretReferences`: every secret reference becomes `{name}`.
fn clean_secret_references(obj: &mut Value) {
    if let Some(Value::Array(secrets)) = obj.get_mut("secrets") {
        for secret in secrets.iter_mut() {
            let name = secret.get("name").cloned();
            *secret = match name {
                Some(Value::String(name)) if !name.is_empty() => json!({ "name": name }),
                _ => json!({}),
            };
        }
    }
}

/// `v1` ServiceAccounts (no status, no generation).
pub struct ServiceAccountStrategy;

impl Strategy for ServiceAccountStrategy {
    fn prepare_for_create(&self, obj: &mut Value) {
        clean_secret_references(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, _old: &Value) {
        clean_secret_references(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_references_keep_only_names() {
        let mut sa = json!({"secrets": [
            {"name": "tok", "namespace": "other", "kind": "Secret", "uid": "u", "fieldPath": "x"},
            {"kind": "Secret"}]});
        ServiceAccountStrategy.prepare_for_create(&mut sa);
        assert_eq!(sa["secrets"], json!([{"name": "tok"}, {}]));
        let mut upd = json!({"secrets": [{"name": "a", "apiVersion": "v1"}]});
        ServiceAccountStrategy.prepare_for_update(&mut upd, &json!({}));
        assert_eq!(upd["secrets"], json!([{"name": "a"}]));
    }
}
