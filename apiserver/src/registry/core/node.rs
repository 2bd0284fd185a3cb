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

/// Upstream's pod CIDR checks: each a valid CIDR; several only one per IP family and
/// without duplicates.
fn pod_cidrs(obj: &Value) -> Vec<FieldError> {
    let path = FieldPath::from_names(["spec", "podCIDRs"]);
    let cidrs: Vec<&str> = obj["spec"]["podCIDRs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap_or(""))
        .collect();
    let mut errs = Vec::new();
    for (i, cidr) in cidrs.iter().enumerate() {
        if !valid_cidr(cidr) {
            errs.push(FieldError::invalid(
                &path.index(i),
                *cidr,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            ));
        }
    }
    if cidrs.len() > 1 {
        let family = |c: &str| c.split('/').next().map(|ip| ip.contains(':'));
        let dual_stack = cidrs.len() == 2
            && cidrs.iter().all(|c| valid_cidr(c))
            && family(cidrs[0]) != family(cidrs[1]);
        if !dual_stack {
            errs.push(FieldError::invalid(
                &path,
                obj["spec"]["podCIDRs"].clone(),
                "may specify no more than one CIDR for each IP family",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, cidr) in cidrs.iter().enumerate() {
            if !seen.insert(*cidr) {
                errs.push(FieldError::duplicate(&path.index(i), *cidr));
            }
        }
    }
    errs
}

impl Strategy for NodeStrategy {
    /// The v1 `podCIDR` is the first of `podCIDRs` (upstream's conversion keeps them in step).
    fn defaults(&self, obj: &mut Value) {
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        let single = spec
            .get("podCIDR")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let list_empty = spec
            .get("podCIDRs")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        if list_empty && !single.is_empty() {
            spec.insert("podCIDRs".into(), Value::from(vec![single]));
        }
        if let Some(first) = spec
            .get("podCIDRs")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .cloned()
        {
            spec.insert("podCIDR".into(), first);
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        taints(obj, &mut errs);
        errs.extend(pod_cidrs(obj));
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        let once = |field: &str, path: FieldPath, errs: &mut Vec<FieldError>| {
            let (o, n) = (&old["spec"][field], &new["spec"][field]);
            let unset = o.is_null() || o == "" || o.as_array().is_some_and(Vec::is_empty);
            if !unset && o != n {
                // Upstream names the singular field in this message.
                let name = field.trim_end_matches('s');
                errs.push(FieldError::forbidden(
                    &path,
                    format!("node updates may not change {name} except from \"\" to valid"),
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
                "spec.podCIDRs[1]",
                "spec.podCIDRs"
            ]
        );
        assert!(strategy()
            .validate(&json!({"spec": {"podCIDRs": ["10.244.0.0/24", "fd00::/64"]}}))
            .is_empty());
    }

    #[test]
    fn single_pod_cidr_is_validated_as_the_list() {
        let s = strategy();
        let mut node = json!({"spec": {"podCIDR": "bad"}});
        s.defaults(&mut node);
        assert_eq!(node["spec"]["podCIDRs"], json!(["bad"]));
        let got: Vec<String> = s.validate(&node).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            ["spec.podCIDRs[0]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
        );
        let two_v4 = json!({"spec": {"podCIDRs": ["10.0.0.0/24", "10.0.0.0/24"]}});
        let got: Vec<String> = s
            .validate(&two_v4)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "spec.podCIDRs: Invalid value: []string{\"10.0.0.0/24\", \"10.0.0.0/24\"}: may specify no more than one CIDR for each IP family",
                "spec.podCIDRs[1]: Duplicate value: \"10.0.0.0/24\"",
            ]
        );
        let mut listed = json!({"spec": {"podCIDR": "10.0.0.0/24", "podCIDRs": ["10.1.0.0/24"]}});
        s.defaults(&mut listed);
        assert_eq!(listed["spec"]["podCIDR"], "10.1.0.0/24");
        let old = json!({"spec": {"podCIDRs": ["10.1.0.0/24"]}});
        let moved = json!({"spec": {"podCIDRs": ["10.2.0.0/24"]}});
        assert_eq!(
            s.validate_update(&moved, &old)[0].to_string(),
            "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"
        );
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
