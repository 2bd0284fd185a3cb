//! The strategy every stored resource gets until it has its own: status is owned by the
//! `status` subresource when there is one, and generation is tracked where upstream tracks it.

use api_types::registry::ResourceInfo;
use serde_json::Value;

use super::Strategy;

/// Resources whose upstream strategy sets and bumps `metadata.generation`.
const GENERATION_TRACKED: &[(&str, &str)] = &[
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
    ("policy", "poddisruptionbudgets"),
    ("networking.k8s.io", "ingresses"),
    ("networking.k8s.io", "networkpolicies"),
    ("autoscaling", "horizontalpodautoscalers"),
    ("apiextensions.k8s.io", "customresourcedefinitions"),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
    ),
    ("flowcontrol.apiserver.k8s.io", "flowschemas"),
    (
        "flowcontrol.apiserver.k8s.io",
        "prioritylevelconfigurations",
    ),
];

/// Fields upstream lets field selectors use, per resource (besides metadata.name/namespace).
const SELECTABLE: &[((&str, &str), &[&str])] = &[
    (
        ("", "events"),
        &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
    ),
    (("", "nodes"), &["spec.unschedulable"]),
    (("", "secrets"), &["type"]),
    (("", "replicationcontrollers"), &["status.replicas"]),
    (("apps", "replicasets"), &["status.replicas"]),
    (("batch", "jobs"), &["status.successful"]),
    (
        ("certificates.k8s.io", "certificatesigningrequests"),
        &["spec.signerName"],
    ),
];

/// Generic hooks derived from the resource's registry entry.
pub struct DefaultStrategy {
    /// `(group, plural)`, for the few behaviours that need no strategy of their own.
    resource: (&'static str, &'static str),
    has_status: bool,
    tracks_generation: bool,
    selectable: &'static [&'static str],
}

impl DefaultStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        DefaultStrategy {
            resource: (info.group, info.plural),
            has_status: info.subresource("status").is_some(),
            tracks_generation: GENERATION_TRACKED.contains(&(info.group, info.plural)),
            selectable: SELECTABLE
                .iter()
                .find(|(k, _)| *k == (info.group, info.plural))
                .map(|(_, f)| *f)
                .unwrap_or(&[]),
        }
    }
}

impl Strategy for DefaultStrategy {
    fn orphans_by_default(&self) -> bool {
        self.resource == ("", "replicationcontrollers")
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        if self.has_status {
            if let Some(map) = obj.as_object_mut() {
                map.remove("status");
            }
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        if self.has_status {
            copy_status(new, old);
        }
    }

    fn tracks_generation(&self) -> bool {
        self.tracks_generation
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.selectable
            .iter()
            .map(|path| {
                let value = match crate::object::at_path(obj, path) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Bool(b)) => b.to_string(),
                    Some(Value::Number(n)) => n.to_string(),
                    // Upstream's event `source` field is the reporting component.
                    _ if *path == "source" => crate::object::at_path(obj, "source.component")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                (*path, value)
            })
            .collect()
    }
}

/// Makes `new.status` what `old.status` was (absent stays absent).
pub fn copy_status(new: &mut Value, old: &Value) {
    if let Some(map) = new.as_object_mut() {
        match old.get("status") {
            Some(status) => {
                map.insert("status".to_string(), status.clone());
            }
            None => {
                map.remove("status");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_is_owned_by_the_subresource() {
        let deploy = api_types::registry::builtin()
            .get("apps", "v1", "deployments")
            .unwrap();
        let s = DefaultStrategy::new(deploy);
        assert!(s.tracks_generation());
        let mut obj = json!({"spec": {}, "status": {"replicas": 3}});
        s.prepare_for_create(&mut obj);
        assert!(obj.get("status").is_none());
        let mut new = json!({"spec": {"replicas": 2}, "status": {"replicas": 9}});
        s.prepare_for_update(&mut new, &json!({"status": {"replicas": 1}}));
        assert_eq!(new["status"]["replicas"], 1);
        let cm = api_types::registry::builtin()
            .get("", "v1", "configmaps")
            .unwrap();
        assert!(!DefaultStrategy::new(cm).tracks_generation());
    }
}
