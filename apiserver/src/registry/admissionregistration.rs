//! admissionregistration.k8s.io/v1: upstream's defaults of webhook configurations and
//! validating admission policies (`pkg/apis/admissionregistration/v1/defaults.go`).
//! In v1 `sideEffects` and `admissionReviewVersions` are required, not defaulted.
//! Every kind here sets `metadata.generation`; a webhook configuration's follows its
//! `webhooks` (it has no `spec`), as upstream's strategies bump it.

use std::sync::Arc;

use api_types::registry::ResourceInfo;
use serde_json::{json, Map, Value};

use super::default::DefaultStrategy;
use super::defaulting::{each_object_in, object_at, set_default, Defaulted};
use super::Strategy;

/// `SetDefaults_Rule`: rules match every scope.
fn default_rules(holder: &mut Map<String, Value>, key: &str) {
    each_object_in(holder, key, |rule| set_default(rule, "scope", json!("*")));
}

/// `SetDefaults_ValidatingWebhook` / `SetDefaults_MutatingWebhook` and what they hold.
fn default_webhook(webhook: &mut Map<String, Value>, mutating: bool) {
    set_default(webhook, "failurePolicy", json!("Fail"));
    set_default(webhook, "matchPolicy", json!("Equivalent"));
    set_default(webhook, "namespaceSelector", json!({}));
    set_default(webhook, "objectSelector", json!({}));
    set_default(webhook, "timeoutSeconds", json!(10));
    if mutating {
        set_default(webhook, "reinvocationPolicy", json!("Never"));
    }
    default_rules(webhook, "rules");
    if let Some(service) = webhook
        .get_mut("clientConfig")
        .and_then(|c| c.get_mut("service"))
        .and_then(Value::as_object_mut)
    {
        set_default(service, "port", json!(443));
    }
}

/// The defaults of a MutatingWebhookConfiguration.
pub fn default_mutating_webhooks(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        each_object_in(map, "webhooks", |w| default_webhook(w, true));
    }
}

/// The defaults of a ValidatingWebhookConfiguration.
pub fn default_validating_webhooks(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        each_object_in(map, "webhooks", |w| default_webhook(w, false));
    }
}

/// `SetDefaults_MatchResources` and the rules it holds.
fn default_match_resources(m: &mut Map<String, Value>) {
    set_default(m, "matchPolicy", json!("Equivalent"));
    set_default(m, "namespaceSelector", json!({}));
    set_default(m, "objectSelector", json!({}));
    default_rules(m, "resourceRules");
    default_rules(m, "excludeResourceRules");
}

/// `SetDefaults_ValidatingAdmissionPolicySpec`: failure policy `Fail`, and the match
/// constraints' defaults.
pub fn default_validating_admission_policy(obj: &mut Value) {
    if let Some(spec) = object_at(obj, &["spec"]) {
        set_default(spec, "failurePolicy", json!("Fail"));
    }
    if let Some(m) = object_at(obj, &["spec", "matchConstraints"]) {
        default_match_resources(m);
    }
}

/// The defaults of a ValidatingAdmissionPolicyBinding's match resources.
pub fn default_validating_admission_policy_binding(obj: &mut Value) {
    if let Some(m) = object_at(obj, &["spec", "matchResources"]) {
        default_match_resources(m);
    }
}

/// The strategy of an admissionregistration.k8s.io resource. Every one of them sets
/// `metadata.generation` on create, as upstream's strategies do.
pub fn strategy(info: &'static ResourceInfo) -> Arc<dyn Strategy> {
    let defaults: fn(&mut Value) = match info.plural {
        "mutatingwebhookconfigurations" => default_mutating_webhooks,
        "validatingwebhookconfigurations" => default_validating_webhooks,
        "validatingadmissionpolicies" => default_validating_admission_policy,
        "validatingadmissionpolicybindings" => default_validating_admission_policy_binding,
        _ => return Arc::new(DefaultStrategy::new(info)),
    };
    let strategy = Defaulted::new(info, defaults);
    Arc::new(match info.plural {
        "mutatingwebhookconfigurations" | "validatingwebhookconfigurations" => {
            strategy.tracking_generation_of("webhooks")
        }
        _ => strategy.tracking_generation(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("admissionregistration.k8s.io", "v1", plural)
            .unwrap()
    }

    fn webhook() -> Value {
        json!({"name": "w.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
            "clientConfig": {"service": {"namespace": "ns", "name": "svc"}},
            "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]})
    }

    #[test]
    fn mutating_webhook_defaults() {
        let s = strategy(info("mutatingwebhookconfigurations"));
        let mut mwc = json!({"webhooks": [webhook()]});
        s.defaults(&mut mwc);
        let w = &mwc["webhooks"][0];
        assert_eq!(w["failurePolicy"], "Fail");
        assert_eq!(w["matchPolicy"], "Equivalent");
        assert_eq!(w["namespaceSelector"], json!({}));
        assert_eq!(w["objectSelector"], json!({}));
        assert_eq!(w["timeoutSeconds"], 10);
        assert_eq!(w["reinvocationPolicy"], "Never");
        assert_eq!(w["rules"][0]["scope"], "*");
        assert_eq!(w["clientConfig"]["service"]["port"], 443);
        assert_eq!(w["sideEffects"], "None");
        assert!(s.tracks_generation());
        assert_eq!(s.generation_field(), "webhooks");
    }

    #[test]
    fn validating_webhook_defaults() {
        let s = strategy(info("validatingwebhookconfigurations"));
        let mut hook = webhook();
        hook["failurePolicy"] = json!("Ignore");
        hook["timeoutSeconds"] = json!(5);
        hook.as_object_mut().unwrap().remove("sideEffects");
        let mut vwc = json!({"webhooks": [hook]});
        s.defaults(&mut vwc);
        let w = &vwc["webhooks"][0];
        assert_eq!(w["failurePolicy"], "Ignore");
        assert_eq!(w["timeoutSeconds"], 5);
        assert!(w.get("reinvocationPolicy").is_none());
        // Required in v1: not defaulted.
        assert!(w.get("sideEffects").is_none());
        assert_eq!(w["rules"][0]["scope"], "*");
    }

    #[test]
    fn policy_and_binding_defaults() {
        let s = strategy(info("validatingadmissionpolicies"));
        let mut vap = json!({"spec": {"matchConstraints": {"resourceRules": [{"operations": ["CREATE"],
            "apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments"]}]},
            "validations": [{"expression": "true"}]}, "status": {"typeChecking": {}}});
        s.defaults(&mut vap);
        s.prepare_for_create(&mut vap);
        let m = &vap["spec"]["matchConstraints"];
        assert_eq!(vap["spec"]["failurePolicy"], "Fail");
        assert_eq!(m["matchPolicy"], "Equivalent");
        assert_eq!(m["namespaceSelector"], json!({}));
        assert_eq!(m["objectSelector"], json!({}));
        assert_eq!(m["resourceRules"][0]["scope"], "*");
        assert!(vap.get("status").is_none());
        assert!(s.tracks_generation());

        let b = strategy(info("validatingadmissionpolicybindings"));
        let mut binding = json!({"spec": {"policyName": "p", "validationActions": ["Deny"],
            "matchResources": {"excludeResourceRules": [{"operations": ["*"], "apiGroups": ["*"],
                "apiVersions": ["*"], "resources": ["*"]}]}}});
        b.defaults(&mut binding);
        let m = &binding["spec"]["matchResources"];
        assert_eq!(m["matchPolicy"], "Equivalent");
        assert_eq!(m["excludeResourceRules"][0]["scope"], "*");
        assert!(b.tracks_generation());
        let mut bare = json!({"spec": {"policyName": "p", "validationActions": ["Deny"]}});
        b.defaults(&mut bare);
        assert!(bare["spec"].get("matchResources").is_none());
    }
}
