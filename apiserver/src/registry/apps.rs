//! apps/v1 workloads (deployments, replicasets, statefulsets, daemonsets): upstream's defaults
//! and the selector checks of their validation; status stays with the `status` subresource.

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use api_types::labels::Selector;
use api_types::registry::ResourceInfo;
use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Value};

use super::core::pod::templates::selector_mismatch;
use super::core::pod::validation::{validate_workload_template, Controller};
use super::core::pod::{default_pod_spec, set_default};
use super::default::DefaultStrategy;
use super::Strategy;

/// Which workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
}

pub struct WorkloadStrategy {
    kind: Kind,
    base: DefaultStrategy,
}

impl WorkloadStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        let kind = match info.plural {
            "deployments" => Kind::Deployment,
            "replicasets" => Kind::ReplicaSet,
            "statefulsets" => Kind::StatefulSet,
            _ => Kind::DaemonSet,
        };
        WorkloadStrategy {
            kind,
            base: DefaultStrategy::new(info),
        }
    }
}

/// Checks shared by every workload: a non-empty selector that matches the template's labels.
pub fn validate_selector(obj: &Value) -> Vec<FieldError> {
    let spec = FieldPath::new("spec");
    let raw = &obj["spec"]["selector"];
    if raw.is_null() {
        return vec![FieldError::required(&spec.child("selector"), "")];
    }
    let parsed = serde_json::from_value::<LabelSelector>(raw.clone())
        .ok()
        .and_then(|ls| Selector::from_label_selector(Some(&ls)).ok());
    let Some(selector) = parsed else {
        return vec![FieldError::invalid(
            &spec.child("selector"),
            raw.clone(),
            "invalid label selector",
        )];
    };
    if selector.is_empty() {
        return vec![FieldError::invalid(
            &spec.child("selector"),
            raw.clone(),
            "empty selector is invalid for deployment",
        )];
    }
    let labels = crate::object::labels(&obj["spec"]["template"]);
    if !selector.matches(&labels) {
        let path = FieldPath::from_names(["spec", "template", "metadata", "labels"]);
        return vec![selector_mismatch(&path, &obj["spec"]["template"])];
    }
    Vec::new()
}

impl Strategy for WorkloadStrategy {
    fn defaults(&self, obj: &mut Value) {
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        match self.kind {
            Kind::Deployment => {
                set_default(spec, "replicas", json!(1));
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(spec, "progressDeadlineSeconds", json!(600));
                let strategy = spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(s) = strategy.as_object_mut() {
                    set_default(s, "type", json!("RollingUpdate"));
                    if s.get("type") == Some(&json!("RollingUpdate")) {
                        let ru = s.entry("rollingUpdate").or_insert_with(|| json!({}));
                        if let Some(ru) = ru.as_object_mut() {
                            set_default(ru, "maxUnavailable", json!("25%"));
                            set_default(ru, "maxSurge", json!("25%"));
                        }
                    }
                }
            }
            Kind::ReplicaSet => set_default(spec, "replicas", json!(1)),
            Kind::StatefulSet => {
                set_default(spec, "replicas", json!(1));
                set_default(spec, "podManagementPolicy", json!("OrderedReady"));
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
                set_default(
                    spec,
                    "persistentVolumeClaimRetentionPolicy",
                    json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
            }
            Kind::DaemonSet => {
                set_default(spec, "revisionHistoryLimit", json!(10));
                set_default(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
                );
            }
        }
        if let Some(pod_spec) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
            default_pod_spec(pod_spec);
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = validate_selector(obj);
        if let Some(r) = obj["spec"]["replicas"].as_i64().filter(|r| *r < 0) {
            errs.push(FieldError::invalid(
                &FieldPath::from_names(["spec", "replicas"]),
                r,
                "must be greater than or equal to 0",
            ));
        }
        let controller = match self.kind {
            Kind::Deployment | Kind::ReplicaSet => Controller::ReplicaSet,
            Kind::StatefulSet => Controller::StatefulSet,
            Kind::DaemonSet => Controller::DaemonSet,
        };
        errs.extend(validate_workload_template(
            &obj["spec"]["template"],
            controller,
            &FieldPath::from_names(["spec", "template"]),
        ));
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        // apps/v1 selectors are immutable.
        if new["spec"]["selector"] != old["spec"]["selector"] {
            errs.push(FieldError::invalid(
                &FieldPath::from_names(["spec", "selector"]),
                new["spec"]["selector"].clone(),
                "field is immutable",
            ));
        }
        errs
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(plural: &str) -> WorkloadStrategy {
        WorkloadStrategy::new(
            api_types::registry::builtin()
                .get("apps", "v1", plural)
                .unwrap(),
        )
    }

    #[test]
    fn deployment_defaults() {
        let mut d = json!({"spec": {"selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        strategy("deployments").defaults(&mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
        assert!(strategy("deployments").validate(&d).is_empty());
    }

    #[test]
    fn selector_must_match_template() {
        let mut d = json!({"spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "c"}},
            "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        let s = strategy("replicasets");
        s.defaults(&mut d);
        let errs = s.validate(&d);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "spec.template.metadata.labels: Invalid value: map[string]string{\"a\":\"c\"}: `selector` does not match template `labels`"
        );
        let none = strategy("statefulsets").validate(&json!({"spec": {}}));
        assert_eq!(none[0].field(), "spec.selector");
    }

    #[test]
    fn templates_must_restart_always() {
        let mut ds = json!({"spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}});
        let s = strategy("daemonsets");
        s.defaults(&mut ds);
        let got: Vec<String> = s.validate(&ds).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]
        );
    }
}
