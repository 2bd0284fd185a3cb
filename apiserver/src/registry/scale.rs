//! The `scale` subresource: an `autoscaling/v1` Scale view of any resource with
//! `spec.replicas` (deployments, replicasets, statefulsets, replicationcontrollers).

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use api_types::labels::Selector;
use api_types::registry::ResourceInfo;
use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Value};

use crate::object;
use crate::status::ApiError;

/// The label selector as a string (`app=web`), from a `LabelSelector` or, for
/// replicationcontrollers, a plain map.
fn selector_string(info: &ResourceInfo, obj: &Value) -> String {
    let raw = object::at_path(obj, "spec.selector")
        .cloned()
        .unwrap_or(Value::Null);
    if info.group.is_empty() {
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_value(raw).unwrap_or_default();
        return Selector::from_set(map).to_string();
    }
    serde_json::from_value::<LabelSelector>(raw)
        .ok()
        .and_then(|ls| Selector::from_label_selector(Some(&ls)).ok())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The Scale of an object.
pub fn to_scale(info: &ResourceInfo, obj: &Value) -> Value {
    let mut metadata = json!({});
    for field in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = obj.get("metadata").and_then(|m| m.get(field)) {
            metadata[field] = v.clone();
        }
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": {"replicas": object::at_path(obj, "spec.replicas").and_then(Value::as_i64).unwrap_or(0)},
        "status": {
            "replicas": object::at_path(obj, "status.replicas").and_then(Value::as_i64).unwrap_or(0),
            "selector": selector_string(info, obj),
        },
    })
}

/// Sets `spec.replicas` of `obj` from a Scale body, validated like upstream's `ValidateScale`.
pub fn apply_scale(obj: &mut Value, scale: &Value) -> Result<(), ApiError> {
    let name = object::name(obj).to_string();
    let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
    if replicas < 0 {
        let errs = vec![FieldError::invalid(
            &FieldPath::from_names(["spec", "replicas"]),
            replicas,
            "must be greater than or equal to 0",
        )];
        return Err(ApiError::invalid(
            "autoscaling",
            "Scale",
            &name,
            &errs.into(),
        ));
    }
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("replicas".into(), json!(replicas));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_scale_view() {
        let info = api_types::registry::builtin()
            .get("apps", "v1", "deployments")
            .unwrap();
        let mut d = json!({"metadata": {"name": "web", "namespace": "ns", "resourceVersion": "5"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}}, "status": {"replicas": 1}});
        let s = to_scale(info, &d);
        assert_eq!(s["spec"]["replicas"], 2);
        assert_eq!(s["status"], json!({"replicas": 1, "selector": "app=web"}));
        assert_eq!(s["metadata"]["resourceVersion"], "5");
        apply_scale(&mut d, &json!({"spec": {"replicas": 4}})).unwrap();
        assert_eq!(d["spec"]["replicas"], 4);
        let err = apply_scale(&mut d, &json!({"spec": {"replicas": -1}})).unwrap_err();
        assert_eq!(err.code, 422);
        let rc = api_types::registry::builtin()
            .get("", "v1", "replicationcontrollers")
            .unwrap();
        let r = to_scale(rc, &json!({"spec": {"selector": {"a": "b"}}}));
        assert_eq!(r["status"]["selector"], "a=b");
    }
}
