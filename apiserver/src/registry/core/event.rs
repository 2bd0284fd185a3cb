//! Core `v1` Events: upstream's `legacyValidateEvent` for requests to `/api/v1` — the
//! involved object's namespace must be the event's, and an event with `eventTime` (the new
//! API's shape) must name its reporter, action and reason within upstream's length limits.

use api_types::registry::ResourceInfo;
use api_types::validation::{is_dns1123_subdomain, is_qualified_name, FieldError, FieldPath};
use serde_json::Value;

use crate::object;
use crate::registry::default::DefaultStrategy;
use crate::registry::Strategy;

const REPORTING_INSTANCE_LIMIT: usize = 128;
const ACTION_LIMIT: usize = 128;
const REASON_LIMIT: usize = 128;
const NOTE_LIMIT: usize = 1024;

pub struct EventStrategy {
    base: DefaultStrategy,
}

impl EventStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        EventStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

fn text<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj[field].as_str().unwrap_or("")
}

impl Strategy for EventStrategy {
    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let namespace = object::namespace(obj);
        let involved_ns = obj["involvedObject"]["namespace"].as_str().unwrap_or("");
        let ns_path = FieldPath::from_names(["involvedObject", "namespace"]);
        let mismatch =
            || FieldError::invalid(&ns_path, involved_ns, "does not match event.namespace");
        if text(obj, "eventTime").is_empty() {
            let ok = if involved_ns.is_empty() {
                namespace.is_empty() || namespace == "default"
            } else {
                namespace == involved_ns
            };
            if !ok {
                errs.push(mismatch());
            }
        } else {
            if involved_ns.is_empty() && namespace != "default" && namespace != "kube-system" {
                errs.push(mismatch());
            }
            let controller = text(obj, "reportingComponent");
            let controller_path = FieldPath::new("reportingComponent");
            if controller.is_empty() {
                errs.push(FieldError::required(&controller_path, ""));
            }
            for msg in is_qualified_name(controller) {
                errs.push(FieldError::invalid(&controller_path, controller, msg));
            }
            for (field, limit) in [
                ("reportingInstance", REPORTING_INSTANCE_LIMIT),
                ("action", ACTION_LIMIT),
                ("reason", REASON_LIMIT),
            ] {
                let value = text(obj, field);
                if value.is_empty() {
                    errs.push(FieldError::required(&FieldPath::new(field), ""));
                }
                if value.len() > limit {
                    errs.push(FieldError::invalid(
                        &FieldPath::new(field),
                        "",
                        format!("can have at most {limit} characters"),
                    ));
                }
            }
            if text(obj, "message").len() > NOTE_LIMIT {
                errs.push(FieldError::invalid(
                    &FieldPath::new("message"),
                    "",
                    format!("can have at most {NOTE_LIMIT} characters"),
                ));
            }
        }
        for msg in is_dns1123_subdomain(namespace) {
            errs.push(FieldError::invalid(
                &FieldPath::new("namespace"),
                namespace,
                msg,
            ));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(obj: &Value) -> Vec<String> {
        let info = api_types::registry::builtin()
            .get("", "v1", "events")
            .unwrap();
        EventStrategy::new(info)
            .validate(obj)
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn legacy_rules() {
        let ok = json!({"metadata": {"namespace": "team"},
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"}});
        assert!(fields(&ok).is_empty());
        let other = json!({"metadata": {"namespace": "team"},
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "elsewhere"}});
        assert_eq!(fields(&other), ["involvedObject.namespace"]);
        let node = json!({"metadata": {"namespace": "default"},
            "involvedObject": {"kind": "Node", "name": "n1"}});
        assert!(fields(&node).is_empty());
        let new_shape = json!({"metadata": {"namespace": "team"},
            "eventTime": "2025-01-01T00:00:00.000000Z",
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"},
            "reason": "r"});
        assert_eq!(
            fields(&new_shape),
            // Required, then both of the empty qualified name's messages, as upstream.
            [
                "reportingComponent",
                "reportingComponent",
                "reportingComponent",
                "reportingInstance",
                "action"
            ]
        );
    }
}
