//! flowcontrol.apiserver.k8s.io/v1: upstream's defaults of FlowSchemas and
//! PriorityLevelConfigurations (`pkg/apis/flowcontrol/v1/defaults.go`). Status and
//! generation follow the generic strategy (status cleared on create, generation tracked).

use std::sync::Arc;

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::default::DefaultStrategy;
use super::defaulting::{object_at, set_default, set_default_if_zero, Defaulted};
use super::Strategy;

/// `SetDefaults_FlowSchemaSpec`: matching precedence 1000.
pub fn default_flow_schema(obj: &mut Value) {
    if let Some(spec) = object_at(obj, &["spec"]) {
        set_default_if_zero(spec, "matchingPrecedence", json!(1000));
    }
}

/// The defaults of a PriorityLevelConfiguration's `exempt` or `limited` part and of its
/// queuing configuration.
pub fn default_priority_level(obj: &mut Value) {
    if let Some(exempt) = object_at(obj, &["spec", "exempt"]) {
        set_default(exempt, "nominalConcurrencyShares", json!(0));
        set_default(exempt, "lendablePercent", json!(0));
    }
    if let Some(limited) = object_at(obj, &["spec", "limited"]) {
        // A pointer in v1: an explicit 0 stays.
        set_default(limited, "nominalConcurrencyShares", json!(30));
        set_default(limited, "lendablePercent", json!(0));
    }
    if let Some(queuing) = object_at(obj, &["spec", "limited", "limitResponse", "queuing"]) {
        set_default_if_zero(queuing, "handSize", json!(8));
        set_default_if_zero(queuing, "queues", json!(64));
        set_default_if_zero(queuing, "queueLengthLimit", json!(50));
    }
}

/// The strategy of a flowcontrol resource.
pub fn strategy(info: &'static ResourceInfo) -> Arc<dyn Strategy> {
    match info.plural {
        "flowschemas" => Arc::new(Defaulted::new(info, default_flow_schema)),
        "prioritylevelconfigurations" => Arc::new(Defaulted::new(info, default_priority_level)),
        _ => Arc::new(DefaultStrategy::new(info)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("flowcontrol.apiserver.k8s.io", "v1", plural)
            .unwrap()
    }

    #[test]
    fn flow_schema_precedence() {
        let s = strategy(info("flowschemas"));
        let mut fs = json!({"spec": {"priorityLevelConfiguration": {"name": "p"}}});
        s.defaults(&mut fs);
        assert_eq!(fs["spec"]["matchingPrecedence"], 1000);
        let mut zero = json!({"spec": {"matchingPrecedence": 0}});
        s.defaults(&mut zero);
        assert_eq!(zero["spec"]["matchingPrecedence"], 1000);
        let mut set = json!({"spec": {"matchingPrecedence": 500}});
        s.defaults(&mut set);
        assert_eq!(set["spec"]["matchingPrecedence"], 500);
        assert!(s.tracks_generation());
        let mut with_status = json!({"spec": {}, "status": {"conditions": []}});
        s.prepare_for_create(&mut with_status);
        assert!(with_status.get("status").is_none());
    }

    #[test]
    fn priority_level_defaults() {
        let s = strategy(info("prioritylevelconfigurations"));
        let mut limited = json!({"spec": {"type": "Limited", "limited": {
            "limitResponse": {"type": "Queue", "queuing": {}}}}});
        s.defaults(&mut limited);
        let l = &limited["spec"]["limited"];
        assert_eq!(l["nominalConcurrencyShares"], 30);
        assert_eq!(l["lendablePercent"], 0);
        assert_eq!(
            l["limitResponse"]["queuing"],
            json!({"handSize": 8, "queues": 64, "queueLengthLimit": 50})
        );
        let mut jail = json!({"spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 0,
            "limitResponse": {"type": "Reject"}}}});
        s.defaults(&mut jail);
        assert_eq!(jail["spec"]["limited"]["nominalConcurrencyShares"], 0);
        assert!(jail["spec"]["limited"]["limitResponse"]
            .get("queuing")
            .is_none());
        let mut exempt = json!({"spec": {"type": "Exempt", "exempt": {}}});
        s.defaults(&mut exempt);
        assert_eq!(
            exempt["spec"]["exempt"],
            json!({"nominalConcurrencyShares": 0, "lendablePercent": 0})
        );
    }
}
