//! Pod templates (upstream's `ValidatePodTemplateSpec`) and the extra rules workloads put on
//! their templates (`ValidatePodTemplateSpecForReplicaSet`, the DaemonSet, StatefulSet and
//! Job checks).

use api_types::validation::{validate_annotations, validate_labels, FieldError, FieldPath};
use serde_json::Value;

use super::annotations::validate_pod_annotations;
use super::spec::{validate_pod_spec, Options};
use super::util::{arr, s, set, string_map};

/// The template's labels and annotations (reported at `labels`/`annotations` of `path`).
fn template_metadata(template: &Value, path: &FieldPath) -> Vec<FieldError> {
    let meta = &template["metadata"];
    let mut errs = validate_labels(&string_map(meta.get("labels")), &path.child("labels"));
    errs.extend(validate_annotations(
        &string_map(meta.get("annotations")),
        &path.child("annotations"),
    ));
    errs
}

/// Upstream's `ValidatePodTemplateSpec`: the template's labels and annotations, its spec,
/// and no ephemeral containers. `path` is the template's own path (`spec.template`).
pub fn validate_pod_template_spec(template: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = template_metadata(template, path);
    let spec = &template["spec"];
    errs.extend(validate_pod_annotations(
        &template["metadata"],
        spec,
        &path.child("annotations"),
    ));
    errs.extend(validate_pod_spec(
        spec,
        &path.child("spec"),
        Options {
            resource_is_pod: false,
        },
    ));
    if !arr(spec, "ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            &path.child("spec").child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// How a workload's controller runs the template's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controller {
    ReplicaSet,
    ReplicationController,
    StatefulSet,
    DaemonSet,
}

/// A workload template: valid, pods restarting `Always`, no `activeDeadlineSeconds`.
/// StatefulSet templates get only their metadata checked, as upstream: their mounts may
/// name `volumeClaimTemplates` that are not pod volumes yet.
pub fn validate_workload_template(
    template: &Value,
    controller: Controller,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = if controller == Controller::StatefulSet {
        let mut errs = template_metadata(template, path);
        errs.extend(validate_pod_annotations(
            &template["metadata"],
            &template["spec"],
            &path.child("annotations"),
        ));
        errs
    } else {
        validate_pod_template_spec(template, path)
    };
    let spec = &template["spec"];
    let spec_path = path.child("spec");
    let policy = s(spec, "restartPolicy");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            &spec_path.child("restartPolicy"),
            policy,
            &["Always"],
        ));
    }
    if set(spec, "activeDeadlineSeconds") {
        let ads_path = spec_path.child("activeDeadlineSeconds");
        errs.push(match controller {
            Controller::ReplicaSet => FieldError::forbidden(
                &ads_path,
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            ),
            Controller::ReplicationController => FieldError::forbidden(
                &ads_path,
                "activeDeadlineSeconds in ReplicationController is not Supported",
            ),
            Controller::StatefulSet => FieldError::forbidden(
                &ads_path,
                "activeDeadlineSeconds in StatefulSet is not Supported",
            ),
            Controller::DaemonSet => FieldError::forbidden(
                &ads_path,
                "activeDeadlineSeconds in DaemonSet is not Supported",
            ),
        });
    }
    errs
}

/// A Job's template: valid, pods restarting `OnFailure` or `Never`.
pub fn validate_job_template(template: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_pod_template_spec(template, path);
    let policy = s(&template["spec"], "restartPolicy");
    if policy != "OnFailure" && policy != "Never" {
        errs.push(FieldError::not_supported(
            &path.child("spec").child("restartPolicy"),
            policy,
            &["OnFailure", "Never"],
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(policy: &str) -> Value {
        json!({"metadata": {"labels": {"app": "x"}}, "spec": {"restartPolicy": policy, "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30,
            "containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}})
    }

    fn text(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn template_rules() {
        let p = FieldPath::from_names(["spec", "template"]);
        assert!(
            validate_workload_template(&template("Always"), Controller::ReplicaSet, &p).is_empty()
        );
        assert_eq!(
            text(validate_workload_template(&template("Never"), Controller::DaemonSet, &p)),
            ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]
        );
        let mut with_deadline = template("Always");
        with_deadline["spec"]["activeDeadlineSeconds"] = json!(5);
        assert_eq!(
            text(validate_workload_template(&with_deadline, Controller::StatefulSet, &p)),
            ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"]
        );
        assert_eq!(
            text(validate_workload_template(&with_deadline, Controller::DaemonSet, &p)),
            ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"]
        );
        assert_eq!(
            text(validate_job_template(&template("Always"), &p)),
            ["spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""]
        );
        let mut claim_mount = template("Always");
        claim_mount["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "data", "mountPath": "/data"}]);
        assert!(validate_workload_template(&claim_mount, Controller::StatefulSet, &p).is_empty());
        assert_eq!(
            text(validate_workload_template(
                &claim_mount,
                Controller::ReplicaSet,
                &p
            )),
            ["spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\""]
        );
        let mut bad_labels = template("Never");
        bad_labels["metadata"]["labels"] = json!({"a b": "c"});
        bad_labels["spec"]["ephemeralContainers"] = json!([{"name": "e", "image": "x",
            "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]);
        assert_eq!(
            text(validate_job_template(&bad_labels, &p)),
            [
                "spec.template.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template",
            ]
        );
    }
}
