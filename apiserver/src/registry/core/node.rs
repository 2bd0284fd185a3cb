//! Nodes: status may be set on create (the kubelet registers with it), updates of the main
//! resource keep the stored status, and upstream's `ValidateNode` rules for taints, pod
//! CIDRs and the once-set `providerID`.

use std::collections::BTreeSet;
use std::net::IpAddr;

use api_types::registry::ResourceInfo;
use api_types::validation::{is_valid_label_value, validate_label_name, FieldError, FieldPath};
use serde_json::Value;

use crate::registry::default::DefaultStrategy;
use crate::registry::Strategy;

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

pub struct NodeStrategy {
    base: DefaultStrategy,
}

impl NodeStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        NodeStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

fn valid_cidr(text: &str) -> bool {
    let Some((ip, len)) = text.split_once('/') else {
        return false;
    };
    let Ok(ip) = ip.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    len.parse::<u8>().is_ok_and(|l| l <= max) && !len.starts_with('+')
}

fn taints(obj: &Value, errs: &mut Vec<FieldError>) {
    let path = FieldPath::from_names(["spec", "taints"]);
    let mut seen = BTreeSet::new();
    for (i, t) in obj["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = path.index(i);
        let key = t["key"].as_str().unwrap_or("");
        errs.extend(validate_label_name(key, &at.child("key")));
        let value = t["value"].as_str().unwrap_or("");
        let msgs = is_valid_label_value(value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                &at.child("value"),
                value,
                msgs.join(";"),
            ));
        }
        let effect = t["effect"].as_str().unwrap_or("");
        if effect.is_empty() {
            errs.push(FieldError::required(&at.child("effect"), ""));
        } else if !EFFECTS.contains(&effect) {
            errs.push(FieldError::not_supported(
                &at.child("effect"),
                effect,
                &EFFECTS,
            ));
        }
        if !seen.insert((effect.to_string(), key.to_string())) {
            let mut dup = FieldError::duplicate(&at, t.clone());
            dup.detail = "taints must be unique by key and effect pair".to_string();
            errs.push(dup);
        }
    }
}

impl Strategy for NodeStrategy {
    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        taints(obj, &mut errs);
        let path = FieldPath::from_names(["spec", "podCIDRs"]);
        let cidrs: Vec<&str> = obj["spec"]["podCIDRs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (i, cidr) in cidrs.iter().enumerate() {
            if !valid_cidr(cidr) {
                errs.push(FieldError::invalid(
                    &path.index(i),
                    *cidr,
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                ));
            }
        }
        if cidrs.len() > 2 {
            errs.push(FieldError::too_many(&path, cidrs.len() as i64, 2));
        }
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        let once = |field: &str, path: FieldPath, errs: &mut Vec<FieldError>| {
            let (o, n) = (&old["spec"][field], &new["spec"][field]);
            let unset = o.is_null() || o == "" || o.as_array().is_some_and(Vec::is_empty);
            if !unset && o != n {
                errs.push(FieldError::forbidden(
                    &path,
                    format!("node updates may not change {field} except from \"\" to valid"),
                ));
            }
        };
        once(
            "providerID",
            FieldPath::from_names(["spec", "providerID"]),
            &mut errs,
        );
        once(
            "podCIDRs",
            FieldPath::from_names(["spec", "podCIDRs"]),
            &mut errs,
        );
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strategy() -> NodeStrategy {
        NodeStrategy::new(
            api_types::registry::builtin()
                .get("", "v1", "nodes")
                .unwrap(),
        )
    }

    #[test]
    fn taint_and_cidr_rules() {
        let node = json!({"spec": {"taints": [
            {"key": "a", "effect": "NoSchedule"},
            {"key": "a", "effect": "NoSchedule"},
            {"key": "b", "effect": "Sometimes"},
            {"key": "bad key!", "effect": "NoExecute"},
            {"key": "c"}],
            "podCIDRs": ["10.244.0.0/24", "10.0.0.1/40"]}});
        let fields: Vec<String> = strategy()
            .validate(&node)
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(
            fields,
            [
                "spec.taints[1]",
                "spec.taints[2].effect",
                "spec.taints[3].key",
                "spec.taints[4].effect",
                "spec.podCIDRs[1]"
            ]
        );
        assert!(strategy()
            .validate(&json!({"spec": {"podCIDRs": ["10.244.0.0/24", "fd00::/64"]}}))
            .is_empty());
    }

    #[test]
    fn status_is_kept_on_create_and_owned_by_the_subresource() {
        let s = strategy();
        let mut node = json!({"status": {"capacity": {"cpu": "2"}}});
        s.prepare_for_create(&mut node);
        assert_eq!(node["status"]["capacity"]["cpu"], "2");
        let mut new = json!({"status": {"capacity": {"cpu": "9"}}});
        s.prepare_for_update(&mut new, &node);
        assert_eq!(new["status"]["capacity"]["cpu"], "2");
    }

    #[test]
    fn provider_id_is_set_once() {
        let s = strategy();
        let none = json!({"spec": {}});
        let set = json!({"spec": {"providerID": "kubeoxide://n1"}});
        assert!(s.validate_update(&set, &none).is_empty());
        let moved = json!({"spec": {"providerID": "kubeoxide://n2"}});
        let errs = s.validate_update(&moved, &set);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "spec.providerID");
    }
}
