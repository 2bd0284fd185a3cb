//! Leases (`coordination.k8s.io/v1`): upstream's `ValidateLeaseSpec`.

use api_types::validation::{FieldError, FieldPath};
use serde_json::Value;

use crate::registry::Strategy;

pub struct LeaseStrategy;

impl Strategy for LeaseStrategy {
    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let spec = FieldPath::new("spec");
        let mut errs = Vec::new();
        if let Some(d) = obj["spec"]["leaseDurationSeconds"].as_i64() {
            if d <= 0 {
                errs.push(FieldError::invalid(
                    &spec.child("leaseDurationSeconds"),
                    d,
                    "must be greater than 0",
                ));
            }
        }
        if let Some(t) = obj["spec"]["leaseTransitions"].as_i64() {
            if t < 0 {
                errs.push(FieldError::invalid(
                    &spec.child("leaseTransitions"),
                    t,
                    "must be greater than or equal to 0",
                ));
            }
        }
        let preferred = obj["spec"]["preferredHolder"]
            .as_str()
            .is_some_and(|p| !p.is_empty());
        let strategy = obj["spec"]["strategy"]
            .as_str()
            .is_some_and(|s| !s.is_empty());
        if preferred && !strategy {
            errs.push(FieldError::forbidden(
                &spec.child("preferredHolder"),
                "may only be specified if `strategy` is defined",
            ));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_rules() {
        let bad = json!({"spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1,
            "preferredHolder": "x"}});
        let fields: Vec<String> = LeaseStrategy
            .validate(&bad)
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(
            fields,
            [
                "spec.leaseDurationSeconds",
                "spec.leaseTransitions",
                "spec.preferredHolder"
            ]
        );
        let good = json!({"spec": {"holderIdentity": "a", "leaseDurationSeconds": 40,
            "leaseTransitions": 0}});
        assert!(LeaseStrategy.validate(&good).is_empty());
    }
}
