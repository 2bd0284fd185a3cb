//! Pods: upstream's defaults and status on create, a status owned by the kubelet, the narrow
//! set of spec fields an update may change, graceful deletion of scheduled pods, and the
//! `binding` subresource the scheduler uses.

mod defaults;
pub mod templates;
pub mod validation;

use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Value};

use crate::object;
use crate::registry::default::copy_status;
use crate::registry::Strategy;
use crate::status::{ApiError, Qualified};

use defaults::{default_pod_only, DEFAULT_GRACE};
pub use defaults::{default_pod_spec, set_default};

pub struct PodStrategy;

/// Upstream's QoS class from requests and limits.
fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["containers", "initContainers"]
        .iter()
        .filter_map(|f| spec.get(*f).and_then(Value::as_array))
        .flatten()
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let req = c["resources"]["requests"].as_object();
        let lim = c["resources"]["limits"].as_object();
        if req.is_some_and(|r| !r.is_empty()) || lim.is_some_and(|l| !l.is_empty()) {
            any = true;
        }
        for res in ["cpu", "memory"] {
            let l = lim.and_then(|l| l.get(res));
            let r = req.and_then(|r| r.get(res)).or(l);
            if l.is_none() || r != l {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

impl Strategy for PodStrategy {
    fn defaults(&self, obj: &mut Value) {
        if let Some(spec) = obj.get_mut("spec") {
            default_pod_spec(spec);
            default_pod_only(spec);
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        let qos = qos_class(obj.get("spec").unwrap_or(&Value::Null));
        if let Some(map) = obj.as_object_mut() {
            map.insert(
                "status".into(),
                json!({"phase": "Pending", "qosClass": qos}),
            );
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        validation::validate_pod_create(obj)
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        validation::validate_pod_update(new, old)
    }

    fn return_deleted_object(&self) -> bool {
        true
    }

    fn grace_period(&self, obj: &Value, requested: Option<i64>) -> Option<i64> {
        // Unscheduled and finished pods have nobody to wait for.
        let node = object::at_path(obj, "spec.nodeName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let phase = object::at_path(obj, "status.phase")
            .and_then(Value::as_str)
            .unwrap_or("");
        if node.is_empty() || phase == "Succeeded" || phase == "Failed" {
            return None;
        }
        let grace = requested
            .or_else(|| {
                object::at_path(obj, "spec.terminationGracePeriodSeconds").and_then(Value::as_i64)
            })
            .unwrap_or(DEFAULT_GRACE);
        (grace > 0).then_some(grace)
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        let s = |p: &str| {
            object::at_path(obj, p)
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                })
                .unwrap_or_default()
        };
        let host_network = if s("spec.hostNetwork").is_empty() {
            "false".to_string()
        } else {
            s("spec.hostNetwork")
        };
        vec![
            ("spec.nodeName", s("spec.nodeName")),
            ("spec.restartPolicy", s("spec.restartPolicy")),
            ("spec.schedulerName", s("spec.schedulerName")),
            ("spec.serviceAccountName", s("spec.serviceAccountName")),
            ("spec.hostNetwork", host_network),
            ("status.phase", s("status.phase")),
            ("status.podIP", s("status.podIP")),
            ("status.nominatedNodeName", s("status.nominatedNodeName")),
        ]
    }
}

const BINDING: Qualified<'static> = Qualified {
    group: "",
    resource: "pods/binding",
};

/// Applies a `Binding` to a pod (upstream's `assignPod`): sets `spec.nodeName` and the
/// `PodScheduled` condition; a pod bound already or being deleted is a conflict.
pub fn bind(pod: &mut Value, binding: &Value) -> Result<(), ApiError> {
    let name = object::name(pod).to_string();
    let node = binding["target"]["name"].as_str().unwrap_or("");
    if node.is_empty() {
        let errs = vec![FieldError::required(
            &FieldPath::from_names(["target", "name"]),
            "",
        )];
        return Err(ApiError::invalid("", "Binding", &name, &errs.into()));
    }
    if let Some(current) = object::at_path(pod, "spec.nodeName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        return Err(ApiError::conflict_with(
            BINDING,
            &name,
            &format!("pod {name} is already assigned to node \"{current}\""),
        ));
    }
    if !object::meta_str(pod, "deletionTimestamp").is_empty() {
        return Err(ApiError::conflict_with(
            BINDING,
            &name,
            &format!("pod {name} is being deleted, cannot be assigned to a host"),
        ));
    }
    if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("nodeName".into(), json!(node));
    }
    let condition = json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": object::now_rfc3339()});
    if let Some(status) = pod
        .as_object_mut()
        .map(|m| m.entry("status").or_insert_with(|| json!({})))
    {
        if let Some(status) = status.as_object_mut() {
            let conds = status.entry("conditions").or_insert_with(|| json!([]));
            if let Some(list) = conds.as_array_mut() {
                list.retain(|c| c["type"] != "PodScheduled");
                list.push(condition);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_qos() {
        let mut pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        PodStrategy.defaults(&mut pod);
        PodStrategy.prepare_for_create(&mut pod);
        assert_eq!(pod["spec"]["restartPolicy"], "Always");
        assert_eq!(pod["spec"]["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(
            pod["status"],
            json!({"phase": "Pending", "qosClass": "BestEffort"})
        );
        let g = json!({"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]});
        assert_eq!(qos_class(&g), "Guaranteed");
        let b = json!({"containers": [{"resources": {"requests": {"cpu": "1"}}}]});
        assert_eq!(qos_class(&b), "Burstable");
        let mut tagged = json!({"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}});
        PodStrategy.defaults(&mut tagged);
        assert_eq!(
            tagged["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
    }

    #[test]
    fn validation_and_update_rules() {
        let defaulted = |spec: Value| {
            let mut pod = json!({"metadata": {"name": "p"}, "spec": spec});
            PodStrategy.defaults(&mut pod);
            pod
        };
        let errs = PodStrategy.validate(&defaulted(
            json!({"containers": [{"name": "c"}, {"name": "c", "image": "x"}]}),
        ));
        let fields: Vec<&str> = errs.iter().map(|e| e.field()).collect();
        assert_eq!(
            fields,
            ["spec.containers[0].image", "spec.containers[1].name"]
        );
        let old = defaulted(json!({"containers": [{"name": "c", "image": "a"}]}));
        let image = defaulted(json!({"containers": [{"name": "c", "image": "b"}]}));
        assert!(PodStrategy.validate_update(&image, &old).is_empty());
        let other =
            defaulted(json!({"containers": [{"name": "c", "image": "a"}], "nodeName": "n"}));
        assert_eq!(PodStrategy.validate_update(&other, &old).len(), 1);
    }

    #[test]
    fn binding_rules() {
        let mut pod = json!({"metadata": {"name": "p"}, "spec": {}});
        bind(&mut pod, &json!({"target": {"name": "node-1"}})).unwrap();
        assert_eq!(pod["spec"]["nodeName"], "node-1");
        assert_eq!(pod["status"]["conditions"][0]["type"], "PodScheduled");
        let err = bind(&mut pod, &json!({"target": {"name": "node-2"}})).unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(
            err.message,
            "Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"node-1\""
        );
        assert!(PodStrategy.grace_period(&pod, None).is_some());
        assert_eq!(PodStrategy.grace_period(&pod, Some(0)), None);
        assert_eq!(PodStrategy.grace_period(&json!({"spec": {}}), None), None);
    }
}
