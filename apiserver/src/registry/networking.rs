//! networking.k8s.io/v1: upstream's defaults of NetworkPolicies and IngressClasses
//! (`pkg/apis/networking/v1/defaults.go`). Ingresses have no defaults in v1 (`pathType` is
//! required) and keep the generic strategy, like ServiceCIDRs and IPAddresses.

use std::sync::Arc;

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::default::DefaultStrategy;
use super::defaulting::{each_object_in, is_empty, object_at, set_default, Defaulted};
use super::Strategy;

/// `SetDefaults_NetworkPolicy` and `SetDefaults_NetworkPolicyPort`: a policy without
/// `policyTypes` is an `Ingress` policy, and an `Egress` one too when it has egress rules;
/// ports default to TCP.
pub fn default_network_policy(obj: &mut Value) {
    let Some(spec) = object_at(obj, &["spec"]) else {
        return;
    };
    for direction in ["ingress", "egress"] {
        each_object_in(spec, direction, |rule| {
            each_object_in(rule, "ports", |port| {
                set_default(port, "protocol", json!("TCP"))
            });
        });
    }
    if is_empty(spec.get("policyTypes")) {
        let types = if is_empty(spec.get("egress")) {
            json!(["Ingress"])
        } else {
            json!(["Ingress", "Egress"])
        };
        spec.insert("policyTypes".into(), types);
    }
}

/// `SetDefaults_IngressClass`: parameters without a scope are cluster-scoped.
pub fn default_ingress_class(obj: &mut Value) {
    if let Some(params) = object_at(obj, &["spec", "parameters"]) {
        set_default(params, "scope", json!("Cluster"));
    }
}

/// The strategy of a networking.k8s.io resource.
pub fn strategy(info: &'static ResourceInfo) -> Arc<dyn Strategy> {
    match info.plural {
        "networkpolicies" => Arc::new(Defaulted::new(info, default_network_policy)),
        // Upstream's IngressClass strategy sets and bumps the generation.
        "ingressclasses" => {
            Arc::new(Defaulted::new(info, default_ingress_class).tracking_generation())
        }
        _ => Arc::new(DefaultStrategy::new(info)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("networking.k8s.io", "v1", plural)
            .unwrap()
    }

    #[test]
    fn network_policy_types_follow_egress_rules() {
        let s = strategy(info("networkpolicies"));
        let mut only_ingress =
            json!({"spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}});
        s.defaults(&mut only_ingress);
        assert_eq!(only_ingress["spec"]["policyTypes"], json!(["Ingress"]));
        assert_eq!(
            only_ingress["spec"]["ingress"][0]["ports"][0]["protocol"],
            "TCP"
        );

        let mut with_egress = json!({"spec": {"podSelector": {},
            "egress": [{"ports": [{"port": 53, "protocol": "UDP"}, {"port": 443}]}]}});
        s.defaults(&mut with_egress);
        assert_eq!(
            with_egress["spec"]["policyTypes"],
            json!(["Ingress", "Egress"])
        );
        assert_eq!(
            with_egress["spec"]["egress"][0]["ports"][0]["protocol"],
            "UDP"
        );
        assert_eq!(
            with_egress["spec"]["egress"][0]["ports"][1]["protocol"],
            "TCP"
        );

        let mut given = json!({"spec": {"podSelector": {}, "policyTypes": ["Egress"]}});
        s.defaults(&mut given);
        assert_eq!(given["spec"]["policyTypes"], json!(["Egress"]));
        assert!(s.tracks_generation());
    }

    #[test]
    fn ingress_class_parameters_scope() {
        let s = strategy(info("ingressclasses"));
        let mut ic = json!({"spec": {"controller": "c", "parameters": {"kind": "K", "name": "n"}}});
        s.defaults(&mut ic);
        assert_eq!(ic["spec"]["parameters"]["scope"], "Cluster");
        let mut none = json!({"spec": {"controller": "c"}});
        s.defaults(&mut none);
        assert!(none["spec"].get("parameters").is_none());
        assert!(s.tracks_generation());
    }
}
