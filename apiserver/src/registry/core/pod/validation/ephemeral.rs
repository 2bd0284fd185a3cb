//! Ephemeral (debug) containers (upstream's `validateEphemeralContainers`): the common
//! container checks, names unique across all containers, a known target, and none of the
//! fields that would make them part of the workload.

use std::collections::BTreeSet;

use api_types::validation::{FieldError, FieldPath};
use serde_json::Value;

use super::containers::{container_common, PodContext};
use super::util::{arr, s};

/// Container fields an ephemeral container may not set, in upstream's struct order.
const FORBIDDEN: [&str; 8] = [
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

const NOT_FOR_EPHEMERAL: &str = "cannot be set for an Ephemeral Container";

/// Whether a field holds something other than Go's zero value.
fn non_zero(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Object(m)) => m.values().any(|v| non_zero(Some(v))),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
    }
}

/// `spec.ephemeralContainers`.
pub fn validate_ephemeral_containers(
    spec: &Value,
    ctx: &PodContext,
    path: &FieldPath,
) -> Vec<FieldError> {
    let ephemeral = arr(spec, "ephemeralContainers");
    if ephemeral.is_empty() {
        return Vec::new();
    }
    let others: BTreeSet<&str> = arr(spec, "containers")
        .iter()
        .chain(arr(spec, "initContainers"))
        .map(|c| s(c, "name"))
        .collect();
    let mut all = others.clone();
    let mut errs = Vec::new();
    for (i, ec) in ephemeral.iter().enumerate() {
        let at = path.index(i);
        errs.extend(container_common(ec, ctx, &at));
        let image = s(ec, "image");
        if image.trim() != image {
            errs.push(FieldError::invalid(
                &at.child("image"),
                image,
                "must not have leading or trailing whitespace",
            ));
        }
        let name = s(ec, "name");
        if !all.insert(name) {
            errs.push(FieldError::duplicate(&at.child("name"), name));
        }
        let target = s(ec, "targetContainerName");
        if !target.is_empty() && !others.contains(target) {
            errs.push(FieldError::not_found(
                &at.child("targetContainerName"),
                target,
            ));
        }
        for field in FORBIDDEN {
            if non_zero(ec.get(field)) {
                errs.push(FieldError::forbidden(&at.child(field), NOT_FOR_EPHEMERAL));
            }
        }
        for (j, m) in arr(ec, "volumeMounts").iter().enumerate() {
            for sub in ["subPath", "subPathExpr"] {
                if !s(m, sub).is_empty() {
                    let sub_path = at.child("volumeMounts").index(j).child(sub);
                    errs.push(FieldError::forbidden(&sub_path, NOT_FOR_EPHEMERAL));
                }
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn ephemeral_rules() {
        let empty = json!({"emptyDir": {}});
        let volumes: BTreeMap<String, &Value> =
            [("data".to_string(), &empty)].into_iter().collect();
        let ctx = PodContext {
            volumes: &volumes,
            grace: Some(30),
            restart_policy: "Always",
            host_users: true,
        };
        let base = |extra: Value| {
            let mut c = json!({"name": "debug", "image": "busybox", "imagePullPolicy": "Always",
                "terminationMessagePolicy": "File", "resources": {}});
            if let (Some(m), Some(e)) = (c.as_object_mut(), extra.as_object()) {
                m.extend(e.clone());
            }
            c
        };
        let spec = json!({"containers": [{"name": "app"}], "ephemeralContainers": [
            base(json!({})),
            base(json!({"name": "app", "targetContainerName": "nope",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "volumeMounts": [{"name": "data", "mountPath": "/d", "subPath": "x"}]})),
        ]});
        let got: Vec<String> = validate_ephemeral_containers(
            &spec,
            &ctx,
            &FieldPath::from_names(["spec", "ephemeralContainers"]),
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            got,
            [
                "spec.ephemeralContainers[1].name: Duplicate value: \"app\"",
                "spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\"",
                "spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[1].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
            ]
        );
    }
}
