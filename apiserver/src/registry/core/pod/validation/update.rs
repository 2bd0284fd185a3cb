//! What a pod update may change (upstream's `ValidatePodUpdate`): images, a shrinking
//! `activeDeadlineSeconds`, added tolerations, removed scheduling gates, and
//! `terminationGracePeriodSeconds` from negative to 1; nothing else in the spec.

use api_types::validation::{inclusive_range_error, FieldError, FieldPath};
use serde_json::{Map, Value};

use super::scheduling::validate_tolerations;
use super::util::{arr, int, s, set};

const MAX_INT32: i64 = 2_147_483_647;

const UPDATABLE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// Images may change but must stay set and unpadded; the number of containers may not.
fn container_updates(new: &[Value], old: &[Value], path: &FieldPath) -> (Vec<FieldError>, bool) {
    if new.len() != old.len() {
        return (
            vec![FieldError::forbidden(
                path,
                "pod updates may not add or remove containers",
            )],
            true,
        );
    }
    let mut errs = Vec::new();
    for (i, c) in new.iter().enumerate() {
        let image = s(c, "image");
        if image.is_empty() {
            errs.push(FieldError::required(&path.index(i).child("image"), ""));
        }
        if image.trim() != image {
            errs.push(FieldError::invalid(
                &path.index(i).child("image"),
                image,
                "must not have leading or trailing whitespace",
            ));
        }
    }
    (errs, false)
}

/// Drops null members everywhere, so an explicit null equals an absent field.
fn pruned(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), pruned(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(pruned).collect()),
        other => other.clone(),
    }
}

/// Tolerations equal ignoring `tolerationSeconds`.
fn same_toleration(a: &Value, b: &Value) -> bool {
    let strip = |t: &Value| {
        let mut t = pruned(t);
        if let Some(m) = t.as_object_mut() {
            m.remove("tolerationSeconds");
        }
        t
    };
    strip(a) == strip(b)
}

/// The update rules; the new pod's spec is validated separately.
pub fn validate_pod_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let spec_path = FieldPath::new("spec");
    let (new_spec, old_spec) = (&new["spec"], &old["spec"]);
    let mut errs = Vec::new();
    for field in ["containers", "initContainers"] {
        let (e, stop) = container_updates(
            arr(new_spec, field),
            arr(old_spec, field),
            &spec_path.child(field),
        );
        errs.extend(e);
        if stop {
            return errs;
        }
    }
    let ads_path = spec_path.child("activeDeadlineSeconds");
    match (
        int(new_spec, "activeDeadlineSeconds"),
        int(old_spec, "activeDeadlineSeconds"),
    ) {
        (Some(n), _) if !(0..=MAX_INT32).contains(&n) => {
            errs.push(FieldError::invalid(
                &ads_path,
                n,
                inclusive_range_error(0, MAX_INT32),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(FieldError::invalid(
                &ads_path,
                n,
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(FieldError::invalid(
            &ads_path,
            Value::Null,
            "must not update from a positive integer to nil value",
        )),
        _ => {}
    }
    let tol_path = spec_path.child("tolerations");
    let (new_tol, old_tol) = (arr(new_spec, "tolerations"), arr(old_spec, "tolerations"));
    if old_tol
        .iter()
        .all(|o| new_tol.iter().any(|n| same_toleration(o, n)))
    {
        errs.extend(validate_tolerations(new_tol, &tol_path));
    } else {
        errs.push(FieldError::forbidden(
            &tol_path,
            "existing toleration can not be modified except its tolerationSeconds",
        ));
    }
    let old_gates: Vec<&str> = arr(old_spec, "schedulingGates")
        .iter()
        .map(|g| s(g, "name"))
        .collect();
    for (i, gate) in arr(new_spec, "schedulingGates").iter().enumerate() {
        let name = s(gate, "name");
        if !old_gates.contains(&name) {
            errs.push(FieldError::forbidden(
                &spec_path.child("schedulingGates").index(i).child("name"),
                format!("only deletion is allowed, but found new scheduling gate '{name}'"),
            ));
        }
    }
    if munged(new_spec, old_spec) != pruned(old_spec) {
        errs.push(FieldError::forbidden(&spec_path, UPDATABLE));
    }
    errs
}

/// The new spec with every updatable field taken from the old one.
fn munged(new_spec: &Value, old_spec: &Value) -> Value {
    let mut m = pruned(new_spec);
    let old = pruned(old_spec);
    for field in ["containers", "initContainers"] {
        if let Some(cs) = m.get_mut(field).and_then(Value::as_array_mut) {
            for (i, c) in cs.iter_mut().enumerate() {
                let old_image = old[field][i].get("image").cloned();
                if let Some(cm) = c.as_object_mut() {
                    match old_image {
                        Some(img) => cm.insert("image".into(), img),
                        None => cm.remove("image"),
                    };
                }
            }
        }
    }
    let negative_grace = int(&old, "terminationGracePeriodSeconds").is_some_and(|g| g < 0)
        && int(&m, "terminationGracePeriodSeconds") == Some(1);
    if let Some(map) = m.as_object_mut() {
        for field in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
            match old.get(field) {
                Some(v) if set(&old, field) => map.insert(field.into(), v.clone()),
                _ => map.remove(field),
            };
        }
        if negative_grace {
            map.insert(
                "terminationGracePeriodSeconds".into(),
                old["terminationGracePeriodSeconds"].clone(),
            );
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(spec: Value) -> Value {
        json!({"spec": spec})
    }

    fn text(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn update_rules() {
        let old = pod(
            json!({"containers": [{"name": "c", "image": "a"}], "activeDeadlineSeconds": 100,
            "tolerations": [{"key": "k", "operator": "Exists"}], "terminationGracePeriodSeconds": -1}),
        );
        let ok = pod(
            json!({"containers": [{"name": "c", "image": "b"}], "activeDeadlineSeconds": 50,
            "tolerations": [{"key": "k", "operator": "Exists"}, {"key": "j", "operator": "Exists"}],
            "terminationGracePeriodSeconds": 1}),
        );
        assert!(
            validate_pod_update(&ok, &old).is_empty(),
            "{:?}",
            validate_pod_update(&ok, &old)
        );
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                json!({"containers": [], "activeDeadlineSeconds": 100}),
                vec!["spec.containers: Forbidden: pod updates may not add or remove containers"],
            ),
            (
                json!({"containers": [{"name": "c", "image": "a"}], "activeDeadlineSeconds": 200,
                    "tolerations": [{"key": "k", "operator": "Exists"}], "terminationGracePeriodSeconds": -1}),
                vec!["spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"],
            ),
            (
                json!({"containers": [{"name": "c", "image": "a"}],
                    "tolerations": [{"key": "k", "operator": "Exists"}], "terminationGracePeriodSeconds": -1}),
                vec!["spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to nil value"],
            ),
            (
                json!({"containers": [{"name": "c", "image": "a"}], "activeDeadlineSeconds": 100,
                    "tolerations": [], "terminationGracePeriodSeconds": -1}),
                vec!["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"],
            ),
            (
                json!({"containers": [{"name": "c", "image": "a"}], "activeDeadlineSeconds": 100,
                    "tolerations": [{"key": "k", "operator": "Exists"}], "terminationGracePeriodSeconds": -1, "nodeName": "n"}),
                vec![UPDATABLE_TEXT],
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(
                text(validate_pod_update(&pod(spec.clone()), &old)),
                want,
                "{spec}"
            );
        }
    }

    const UPDATABLE_TEXT: &str = "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
}
