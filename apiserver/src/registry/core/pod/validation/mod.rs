//! Upstream's pod validation (`pkg/apis/core/validation`), over pods held as JSON: the pod
//! spec (`spec`) split by topic, pod templates and workload template rules (`template`),
//! and the pod update rules (`update`). Object metadata is checked by the store.

mod annotations;
mod containers;
mod env;
mod ephemeral;
mod probes;
mod resources;
mod scheduling;
mod security;
mod spec;
mod template;
mod update;
pub mod util;
mod volumes;

use api_types::validation::{FieldError, FieldPath};
use serde_json::Value;

pub use probes::port_num_or_name;
pub use spec::{validate_pod_spec, Options};
pub use template::{
    validate_job_template, validate_pod_template_spec, validate_workload_template, Controller,
};

use util::{arr, s};

/// Upstream's `validatePodMetadataAndSpec` minus the object metadata: the spec, plus what
/// only applies to pods (no padded images, no token projection without a service account).
pub fn validate_pod_spec_of_pod(pod: &Value) -> Vec<FieldError> {
    let spec_path = FieldPath::new("spec");
    let spec = &pod["spec"];
    let mut errs = annotations::validate_pod_annotations(
        &pod["metadata"],
        spec,
        &FieldPath::from_names(["metadata", "annotations"]),
    );
    errs.extend(validate_pod_spec(
        spec,
        &spec_path,
        Options {
            resource_is_pod: true,
        },
    ));
    if s(spec, "serviceAccountName").is_empty() {
        for (vi, vol) in arr(spec, "volumes").iter().enumerate() {
            for (si, src) in arr(&vol["projected"], "sources").iter().enumerate() {
                if !src["serviceAccountToken"].is_null() {
                    let at = spec_path
                        .child("volumes")
                        .index(vi)
                        .child("projected")
                        .child("sources")
                        .index(si)
                        .child("serviceAccountToken");
                    errs.push(FieldError::forbidden(
                        &at,
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    for field in ["containers", "initContainers"] {
        for (i, c) in arr(spec, field).iter().enumerate() {
            let image = s(c, "image");
            if image.trim() != image {
                errs.push(FieldError::invalid(
                    &spec_path.child(field).index(i).child("image"),
                    image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    errs
}

/// Upstream's `ValidatePodCreate` (minus object metadata).
pub fn validate_pod_create(pod: &Value) -> Vec<FieldError> {
    let mut errs = validate_pod_spec_of_pod(pod);
    let spec = &pod["spec"];
    let spec_path = FieldPath::new("spec");
    if !arr(spec, "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            &spec_path.child("ephemeralContainers"),
            "cannot be set on create",
        ));
    }
    if !s(spec, "nodeName").is_empty() && !arr(spec, "schedulingGates").is_empty() {
        errs.push(FieldError::forbidden(
            &spec_path.child("nodeName"),
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

/// Upstream's `ValidatePodUpdate` (minus object metadata).
pub fn validate_pod_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate_pod_spec_of_pod(new);
    errs.extend(update::validate_pod_update(new, old));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_only_rules() {
        let pod = json!({"spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
            "containers": [{"name": "c", "image": " nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}],
            "ephemeralContainers": [{"name": "e", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}],
            "volumes": [{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}}]}});
        let got: Vec<String> = validate_pod_create(&pod)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set",
                "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace",
                "spec.ephemeralContainers: Forbidden: cannot be set on create",
            ]
        );
    }
}
