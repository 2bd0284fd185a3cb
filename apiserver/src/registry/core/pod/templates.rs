//! Core resources that embed a pod template: PodTemplates (upstream's
//! `ValidatePodTemplate`) and ReplicationControllers (`ValidateReplicationController`),
//! with the pod defaults applied to their templates.

use api_types::registry::ResourceInfo;
use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Value};

use super::default_pod_spec;
use super::defaults::set_default;
use super::validation::util::{go_string_map, invalid_raw, nonnegative, string_map};
use super::validation::{validate_pod_template_spec, validate_workload_template, Controller};
use crate::registry::default::DefaultStrategy;
use crate::registry::Strategy;

/// The `selector does not match template labels` error, with labels printed as Go does.
pub fn selector_mismatch(path: &FieldPath, template: &Value) -> FieldError {
    let labels = string_map(template["metadata"].get("labels"));
    invalid_raw(
        path,
        &go_string_map(&labels),
        "`selector` does not match template `labels`",
    )
}

/// `v1` PodTemplates.
pub struct PodTemplateStrategy {
    base: DefaultStrategy,
}

impl PodTemplateStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        PodTemplateStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for PodTemplateStrategy {
    fn defaults(&self, obj: &mut Value) {
        if let Some(spec) = obj.get_mut("template").and_then(|t| t.get_mut("spec")) {
            default_pod_spec(spec);
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        validate_pod_template_spec(&obj["template"], &FieldPath::new("template"))
    }

    fn tracks_generation(&self) -> bool {
        self.base.tracks_generation()
    }
}

/// `v1` ReplicationControllers.
pub struct ReplicationControllerStrategy {
    base: DefaultStrategy,
}

impl ReplicationControllerStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        ReplicationControllerStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for ReplicationControllerStrategy {
    /// `SetDefaults_ReplicationController`: selector and labels from the template's labels,
    /// one replica.
    fn defaults(&self, obj: &mut Value) {
        let template_labels = obj["spec"]["template"]["metadata"]["labels"].clone();
        let has_labels = template_labels.as_object().is_some_and(|m| !m.is_empty());
        if has_labels {
            let empty = |v: &Value| v.as_object().is_none_or(|m| m.is_empty());
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                if spec.get("selector").is_none_or(empty) {
                    spec.insert("selector".into(), template_labels.clone());
                }
            }
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                if meta.get("labels").is_none_or(empty) {
                    meta.insert("labels".into(), template_labels);
                }
            }
        }
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
            set_default(spec, "replicas", json!(1));
            if let Some(pod_spec) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
                default_pod_spec(pod_spec);
            }
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let spec_path = FieldPath::new("spec");
        let spec = &obj["spec"];
        let mut errs = nonnegative(
            spec["minReadySeconds"].as_i64(),
            &spec_path.child("minReadySeconds"),
        );
        let selector = string_map(spec.get("selector"));
        if selector.is_empty() {
            errs.push(FieldError::required(&spec_path.child("selector"), ""));
        }
        errs.extend(nonnegative(
            spec["replicas"].as_i64(),
            &spec_path.child("replicas"),
        ));
        let template = &spec["template"];
        let template_path = spec_path.child("template");
        if template.is_null() {
            errs.push(FieldError::required(&template_path, ""));
            return errs;
        }
        let labels = string_map(template["metadata"].get("labels"));
        if !selector.is_empty() && !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            errs.push(selector_mismatch(
                &template_path.child("metadata").child("labels"),
                template,
            ));
        }
        errs.extend(validate_workload_template(
            template,
            Controller::ReplicationController,
            &template_path,
        ));
        errs
    }

    fn tracks_generation(&self) -> bool {
        self.base.tracks_generation()
    }

    fn orphans_by_default(&self) -> bool {
        self.base.orphans_by_default()
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("", "v1", plural)
            .unwrap()
    }

    #[test]
    fn replication_controller_rules() {
        let s = ReplicationControllerStrategy::new(info("replicationcontrollers"));
        let mut rc = json!({"metadata": {"name": "rc"}, "spec": {"template": {"metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        s.defaults(&mut rc);
        assert_eq!(rc["spec"]["selector"], json!({"app": "x"}));
        assert_eq!(rc["spec"]["replicas"], 1);
        assert!(s.validate(&rc).is_empty(), "{:?}", s.validate(&rc));
        let mut bad = rc.clone();
        bad["spec"]["selector"] = json!({"app": "y"});
        bad["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
        let got: Vec<String> = s.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ]
        );
    }

    #[test]
    fn pod_template_rules() {
        let s = PodTemplateStrategy::new(info("podtemplates"));
        let mut pt = json!({"metadata": {"name": "pt"}, "template": {"spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Sometimes"}]}}});
        s.defaults(&mut pt);
        let got: Vec<String> = s.validate(&pt).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            ["template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""]
        );
    }
}
