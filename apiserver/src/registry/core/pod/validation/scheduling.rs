//! Where a pod may run: tolerations, node selectors in affinity, pod (anti-)affinity terms
//! and topology spread constraints (upstream's `ValidateTolerations`, `validateAffinity`,
//! `validateTopologySpreadConstraints`).

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use api_types::validation::{
    is_valid_label_value, validate_label_name, validate_label_selector, validate_namespace_name,
    FieldError, FieldPath, LabelSelectorValidationOptions,
};
use serde_json::Value;

use super::util::{arr, each, int, s, set};

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `tolerations` (also used for updates, which may only add to them).
pub fn validate_tolerations(tolerations: &[Value], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let at = path.index(i);
        let (key, op, value, effect) =
            (s(t, "key"), s(t, "operator"), s(t, "value"), s(t, "effect"));
        if !key.is_empty() {
            errs.extend(validate_label_name(key, &at.child("key")));
        }
        if key.is_empty() && op != "Exists" {
            errs.push(FieldError::invalid(
                &at.child("operator"),
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if set(t, "tolerationSeconds") && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                &at.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match op {
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        &at.child("operator"),
                        value,
                        msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(FieldError::invalid(
                        &at.child("operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(FieldError::not_supported(
                &at.child("operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !EFFECTS.contains(&effect) {
            errs.push(FieldError::not_supported(
                &at.child("effect"),
                effect,
                &EFFECTS,
            ));
        }
    }
    errs
}

fn node_selector_requirement(
    rq: &Value,
    allow_invalid_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = arr(rq, "values");
    match s(rq, "operator") {
        "In" | "NotIn" if values.is_empty() => errs.push(FieldError::required(
            &path.child("values"),
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(FieldError::forbidden(
            &path.child("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "Gt" | "Lt" if values.len() != 1 => errs.push(FieldError::required(
            &path.child("values"),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        other => errs.push(FieldError::invalid(
            &path.child("operator"),
            other,
            "not a valid selector operator",
        )),
    }
    errs.extend(validate_label_name(s(rq, "key"), &path.child("key")));
    if !allow_invalid_values {
        for (i, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            errs.extend(each(
                v,
                is_valid_label_value(v),
                &path.child("values").index(i),
            ));
        }
    }
    errs
}

fn node_field_requirement(rq: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match s(rq, "operator") {
        "In" | "NotIn" => {
            if arr(rq, "values").len() != 1 {
                errs.push(FieldError::required(
                    &path.child("values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ));
            }
        }
        other => errs.push(FieldError::invalid(
            &path.child("operator"),
            other,
            "not a valid selector operator",
        )),
    }
    if s(rq, "key") != "metadata.name" {
        errs.push(FieldError::invalid(
            &path.child("key"),
            s(rq, "key"),
            "not a valid field selector key",
        ));
    }
    errs
}

fn node_selector_term(
    term: &Value,
    allow_invalid_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (j, rq) in arr(term, "matchExpressions").iter().enumerate() {
        errs.extend(node_selector_requirement(
            rq,
            allow_invalid_values,
            &path.child("matchExpressions").index(j),
        ));
    }
    for (j, rq) in arr(term, "matchFields").iter().enumerate() {
        errs.extend(node_field_requirement(
            rq,
            &path.child("matchFields").index(j),
        ));
    }
    errs
}

fn weight(term: &Value, path: &FieldPath) -> Vec<FieldError> {
    let w = int(term, "weight").unwrap_or(0);
    if w <= 0 || w > 100 {
        vec![FieldError::invalid(
            &path.child("weight"),
            w,
            "must be in the range 1-100",
        )]
    } else {
        Vec::new()
    }
}

fn node_affinity(na: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if set(na, "requiredDuringSchedulingIgnoredDuringExecution") {
        let req_path = path.child("requiredDuringSchedulingIgnoredDuringExecution");
        let terms = arr(
            &na["requiredDuringSchedulingIgnoredDuringExecution"],
            "nodeSelectorTerms",
        );
        let terms_path = req_path.child("nodeSelectorTerms");
        if terms.is_empty() {
            errs.push(FieldError::required(
                &terms_path,
                "must have at least one node selector term",
            ));
        }
        for (i, term) in terms.iter().enumerate() {
            errs.extend(node_selector_term(term, false, &terms_path.index(i)));
        }
    }
    let pref_path = path.child("preferredDuringSchedulingIgnoredDuringExecution");
    for (i, term) in arr(na, "preferredDuringSchedulingIgnoredDuringExecution")
        .iter()
        .enumerate()
    {
        let at = pref_path.index(i);
        errs.extend(weight(term, &at));
        errs.extend(node_selector_term(
            &term["preference"],
            true,
            &at.child("preference"),
        ));
    }
    errs
}

fn selector(v: &Value, path: &FieldPath) -> Vec<FieldError> {
    if v.is_null() {
        return Vec::new();
    }
    match serde_json::from_value::<LabelSelector>(v.clone()) {
        Ok(ls) => {
            validate_label_selector(Some(&ls), LabelSelectorValidationOptions::default(), path)
        }
        Err(e) => vec![FieldError::invalid(path, v.clone(), e.to_string())],
    }
}

fn pod_affinity_term(term: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = selector(&term["labelSelector"], &path.child("labelSelector"));
    errs.extend(selector(
        &term["namespaceSelector"],
        &path.child("namespaceSelector"),
    ));
    for ns in arr(term, "namespaces") {
        let ns = ns.as_str().unwrap_or("");
        errs.extend(each(
            ns,
            validate_namespace_name(ns, false),
            &path.child("namespace"),
        ));
    }
    let key = s(term, "topologyKey");
    if key.is_empty() {
        errs.push(FieldError::required(
            &path.child("topologyKey"),
            "can not be empty",
        ));
    }
    errs.extend(validate_label_name(key, &path.child("topologyKey")));
    errs
}

fn pod_affinity(pa: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let req = "requiredDuringSchedulingIgnoredDuringExecution";
    for (i, term) in arr(pa, req).iter().enumerate() {
        errs.extend(pod_affinity_term(term, &path.child(req).index(i)));
    }
    let pref = "preferredDuringSchedulingIgnoredDuringExecution";
    for (i, term) in arr(pa, pref).iter().enumerate() {
        let at = path.child(pref).index(i);
        errs.extend(weight(term, &at));
        errs.extend(pod_affinity_term(
            &term["podAffinityTerm"],
            &at.child("podAffinityTerm"),
        ));
    }
    errs
}

/// `spec.affinity`.
pub fn validate_affinity(affinity: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if set(affinity, "nodeAffinity") {
        errs.extend(node_affinity(
            &affinity["nodeAffinity"],
            &path.child("nodeAffinity"),
        ));
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        if set(affinity, kind) {
            errs.extend(pod_affinity(&affinity[kind], &path.child(kind)));
        }
    }
    errs
}

/// `spec.topologySpreadConstraints`: the basic per-constraint rules.
pub fn validate_topology_spread(constraints: &[Value], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, c) in constraints.iter().enumerate() {
        let at = path.index(i);
        let skew = int(c, "maxSkew").unwrap_or(0);
        if skew <= 0 {
            errs.push(FieldError::invalid(
                &at.child("maxSkew"),
                skew,
                "must be greater than zero",
            ));
        }
        if s(c, "topologyKey").is_empty() {
            errs.push(FieldError::required(
                &at.child("topologyKey"),
                "can not be empty",
            ));
        }
        let wu = s(c, "whenUnsatisfiable");
        let valid = ["DoNotSchedule", "ScheduleAnyway"];
        if !valid.contains(&wu) {
            errs.push(FieldError::not_supported(
                &at.child("whenUnsatisfiable"),
                wu,
                &valid,
            ));
        }
        errs.extend(selector(&c["labelSelector"], &at.child("labelSelector")));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn toleration_rules() {
        let p = FieldPath::new("t");
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!([{"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}]), vec![]),
            (json!([{"operator": "Exists"}]), vec![]),
            (
                json!([{"operator": "Equal", "value": "v"}]),
                vec!["t[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""],
            ),
            (
                json!([{"key": "k", "operator": "Exists", "value": "v"}]),
                vec!["t[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"],
            ),
            (
                json!([{"key": "k", "operator": "Exists", "tolerationSeconds": 5, "effect": "NoSchedule"}]),
                vec!["t[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
            ),
            (
                json!([{"key": "k", "operator": "Maybe"}]),
                vec!["t[0].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\""],
            ),
            (
                json!([{"key": "k", "operator": "Exists", "effect": "Never"}]),
                vec!["t[0].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""],
            ),
        ];
        for (t, want) in cases {
            let list = t.as_array().cloned().unwrap_or_default();
            assert_eq!(text(validate_tolerations(&list, &p)), want, "{t}");
        }
    }

    #[test]
    fn affinity_rules() {
        let p = FieldPath::new("a");
        let ok = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": {"matchExpressions": [{"key": "x", "operator": "Exists"}]}}]},
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname"}]}});
        assert!(validate_affinity(&ok, &p).is_empty());
        let bad = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {"matchExpressions": [{"key": "x", "operator": "In"}]}}]}});
        assert_eq!(
            text(validate_affinity(&bad, &p)),
            [
                "a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term",
                "a.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100",
                "a.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            ]
        );
        let spread = json!([{"maxSkew": 0, "topologyKey": "", "whenUnsatisfiable": ""}]);
        let list = spread.as_array().cloned().unwrap_or_default();
        assert_eq!(
            text(validate_topology_spread(&list, &FieldPath::new("t"))),
            [
                "t[0].maxSkew: Invalid value: 0: must be greater than zero",
                "t[0].topologyKey: Required value: can not be empty",
                "t[0].whenUnsatisfiable: Unsupported value: \"\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
            ]
        );
        let no_key = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"a": "b"}}, "topologyKey": ""}]}});
        assert_eq!(
            text(validate_affinity(&no_key, &p))[0],
            "a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty"
        );
    }
}
