//! apiregistration.k8s.io/v1 APIServices: upstream's defaults (`SetDefaults_ServiceReference`:
//! port 443) and strategy (kube-aggregator's): the status is cleared on create, except that
//! a local APIService (no `spec.service`) is available at once; updates keep the status and
//! need a `resourceVersion`.

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::default::{copy_status, DefaultStrategy};
use super::defaulting::{object_at, set_default};
use super::Strategy;
use crate::object;

/// The service reference's port defaults to 443.
pub fn default_api_service(obj: &mut Value) {
    if let Some(service) = object_at(obj, &["spec", "service"]) {
        set_default(service, "port", json!(443));
    }
}

/// `v1` APIServices.
pub struct ApiServiceStrategy {
    base: DefaultStrategy,
}

impl ApiServiceStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        ApiServiceStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for ApiServiceStrategy {
    fn defaults(&self, obj: &mut Value) {
        default_api_service(obj);
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        let local = obj["spec"].get("service").is_none_or(Value::is_null);
        let Some(map) = obj.as_object_mut() else {
            return;
        };
        if local {
            map.insert(
                "status".into(),
                json!({"conditions": [{"type": "Available", "status": "True",
                    "lastTransitionTime": object::now_rfc3339(), "reason": "Local",
                    "message": "Local APIServices are always available"}]}),
            );
        } else {
            map.remove("status");
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
    }

    fn allow_unconditional_update(&self) -> bool {
        false
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy() -> ApiServiceStrategy {
        ApiServiceStrategy::new(
            api_types::registry::builtin()
                .get("apiregistration.k8s.io", "v1", "apiservices")
                .unwrap(),
        )
    }

    #[test]
    fn remote_service_port_and_cleared_status() {
        let s = strategy();
        let mut remote = json!({"spec": {"group": "metrics.k8s.io", "version": "v1beta1",
            "service": {"namespace": "kube-system", "name": "metrics-server"}},
            "status": {"conditions": [{"type": "Available", "status": "True"}]}});
        s.defaults(&mut remote);
        s.prepare_for_create(&mut remote);
        assert_eq!(remote["spec"]["service"]["port"], 443);
        assert!(remote.get("status").is_none());
        assert!(!s.allow_unconditional_update());
    }

    #[test]
    fn local_services_are_available_on_create() {
        let s = strategy();
        let mut local = json!({"spec": {"group": "apps", "version": "v1"}});
        s.defaults(&mut local);
        s.prepare_for_create(&mut local);
        let cond = &local["status"]["conditions"][0];
        assert_eq!(cond["type"], "Available");
        assert_eq!(cond["status"], "True");
        assert_eq!(cond["reason"], "Local");
        assert_eq!(cond["message"], "Local APIServices are always available");
        assert!(cond["lastTransitionTime"].is_string());
        let mut new = json!({"spec": {}, "status": {}});
        s.prepare_for_update(&mut new, &local);
        assert_eq!(new["status"], local["status"]);
    }
}
