//! Annotations with meaning for pods (upstream's `ValidatePodSpecificAnnotations`): the
//! mirror-pod marker, the deletion cost, and the legacy seccomp and AppArmor annotations.

use api_types::validation::{FieldError, FieldPath};
use serde_json::Value;

use super::util::{arr, local_descending_path, s, string_map};

const MIRROR: &str = "kubernetes.io/config.mirror";
const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Upstream's `ValidateSeccompProfile` for the annotation form.
fn seccomp_profile(p: &str, path: &FieldPath) -> Vec<FieldError> {
    match p {
        "runtime/default" | "docker/default" | "unconfined" => Vec::new(),
        _ => match p.strip_prefix("localhost/") {
            Some(local) => local_descending_path(local, path),
            None => vec![FieldError::invalid(
                path,
                p,
                "must be a valid seccomp profile",
            )],
        },
    }
}

fn has_container(spec: &Value, name: &str) -> bool {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|f| arr(spec, f))
        .any(|c| s(c, "name") == name)
}

/// The pod-specific annotation rules; `path` is where the annotations live
/// (`metadata.annotations` for pods, `spec.template.annotations` for templates).
pub fn validate_pod_annotations(meta: &Value, spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let annotations = string_map(meta.get("annotations"));
    let mut errs = Vec::new();
    if let Some(v) = annotations.get(MIRROR) {
        if s(spec, "nodeName").is_empty() {
            errs.push(FieldError::invalid(
                &path.key(MIRROR),
                v.as_str(),
                "must set spec.nodeName if mirror pod annotation is set",
            ));
        }
    }
    if let Some(v) = annotations.get(DELETION_COST) {
        if v.parse::<i32>().is_err() {
            errs.push(FieldError::invalid(
                &path.key(DELETION_COST),
                v.as_str(),
                "must be a 32bit integer",
            ));
        }
    }
    if let Some(p) = annotations.get(SECCOMP_POD) {
        errs.extend(seccomp_profile(p, &path.child(SECCOMP_POD)));
    }
    for (k, p) in &annotations {
        if k.starts_with(SECCOMP_CONTAINER_PREFIX) {
            errs.extend(seccomp_profile(p, &path.child(k.as_str())));
        }
    }
    for (k, p) in &annotations {
        let Some(container) = k.strip_prefix(APPARMOR_PREFIX) else {
            continue;
        };
        if !has_container(spec, container) {
            errs.push(FieldError::invalid(
                &path.key(k.as_str()),
                container,
                "container not found",
            ));
        }
        let known = p.is_empty() || p == "runtime/default" || p == "unconfined";
        if !known && !p.starts_with("localhost/") {
            errs.push(FieldError::invalid(
                &path.key(k.as_str()),
                p.as_str(),
                format!(
                    "invalid AppArmor profile name: {}",
                    api_types::validation::go_quote(p)
                ),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotation_rules() {
        let meta = json!({"annotations": {
            "kubernetes.io/config.mirror": "x",
            "controller.kubernetes.io/pod-deletion-cost": "lots",
            "seccomp.security.alpha.kubernetes.io/pod": "bogus",
            "container.apparmor.security.beta.kubernetes.io/ghost": "strict"}});
        let spec = json!({"containers": [{"name": "app"}]});
        let got: Vec<String> = validate_pod_annotations(
            &meta,
            &spec,
            &FieldPath::from_names(["metadata", "annotations"]),
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            got,
            [
                "metadata.annotations[kubernetes.io/config.mirror]: Invalid value: \"x\": must set spec.nodeName if mirror pod annotation is set",
                "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"lots\": must be a 32bit integer",
                "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: \"bogus\": must be a valid seccomp profile",
                "metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]: Invalid value: \"ghost\": container not found",
                "metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]: Invalid value: \"strict\": invalid AppArmor profile name: \"strict\"",
            ]
        );
        let fine = json!({"annotations": {"controller.kubernetes.io/pod-deletion-cost": "-5",
            "container.apparmor.security.beta.kubernetes.io/app": "localhost/p"}});
        assert!(validate_pod_annotations(&fine, &spec, &FieldPath::new("a")).is_empty());
    }
}
