//! `admissionregistration.k8s.io`: webhook configurations and validating admission
//! policies and their bindings.

use serde_json::{json, Value};

use super::format::{age, items, len, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "mutatingwebhookconfigurations" | "validatingwebhookconfigurations" => {
            p(webhook_columns, webhook_cells)
        }
        "validatingadmissionpolicies" => p(policy_columns, policy_cells),
        "validatingadmissionpolicybindings" => p(binding_columns, binding_cells),
        _ => None,
    }
}

fn webhook_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Webhooks",
            "integer",
            "Webhooks indicates the number of webhooks registered in this configuration",
        ),
        AGE,
    ]
}

fn webhook_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![name(obj), json!(len(&obj["webhooks"])), age(obj, now)]
}

fn policy_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Validations",
            "integer",
            "Validations indicates the number of validation rules defined in this configuration",
        ),
        col(
            "ParamKind",
            "string",
            "ParamKind specifies the kind of resources used to parameterize this policy",
        ),
        AGE,
    ]
}

fn policy_cells(obj: &Value, now: i64) -> Vec<Value> {
    let kind = &obj["spec"]["paramKind"];
    let param = if kind.is_object() {
        format!("{}/{}", s(kind, "apiVersion"), s(kind, "kind"))
    } else {
        "<unset>".to_string()
    };
    vec![
        name(obj),
        json!(len(&obj["spec"]["validations"])),
        json!(param),
        age(obj, now),
    ]
}

fn binding_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "PolicyName",
            "PolicyName indicates the policy definition which the policy binding binded to",
        ),
        c(
            "ParamRef",
            "ParamRef indicates the param resource which sets the configration param",
        ),
        AGE,
    ]
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_slice(v: &Value) -> String {
    let parts: Vec<&str> = items(v).filter_map(Value::as_str).collect();
    format!("[{}]", parts.join(" "))
}

/// The generated `String()` of a `*metav1.LabelSelector`, which upstream prints for a
/// param reference by selector.
fn selector_go_string(sel: &Value) -> String {
    let mut keys: Vec<(&String, &Value)> = sel["matchLabels"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let labels: String = keys
        .iter()
        .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
        .collect();
    let exprs: String = items(&sel["matchExpressions"])
        .map(|e| {
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:{},}},",
                s(e, "key"),
                s(e, "operator"),
                go_slice(&e["values"])
            )
        })
        .collect();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}"
    )
}

fn binding_cells(obj: &Value, now: i64) -> Vec<Value> {
    let p = &obj["spec"]["paramRef"];
    let param = if !p.is_object() {
        "<unset>".to_string()
    } else if !s(p, "name").is_empty() {
        // Without a namespace the param may be cluster-scoped: upstream prints `*/name`.
        format!(
            "{}/{}",
            super::format::or(s(p, "namespace"), "*"),
            s(p, "name")
        )
    } else if p["selector"].is_object() {
        selector_go_string(&p["selector"])
    } else {
        "<unset>".to_string()
    };
    vec![
        name(obj),
        json!(s(obj, "spec.policyName")),
        json!(param),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_and_binding_rows() {
        let vap = json!({"metadata": {"name": "v"}, "spec": {"validations": [{}, {}],
            "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}}});
        assert_eq!(
            policy_cells(&vap, 0)[..3],
            [json!("v"), json!(2), json!("v1/ConfigMap")]
        );
        assert_eq!(policy_cells(&json!({}), 0)[2], json!("<unset>"));
        let named = json!({"spec": {"policyName": "v", "paramRef": {"name": "cm"}}});
        assert_eq!(binding_cells(&named, 0)[1..3], [json!("v"), json!("*/cm")]);
        let ns = json!({"spec": {"paramRef": {"name": "cm", "namespace": "a"}}});
        assert_eq!(binding_cells(&ns, 0)[2], json!("a/cm"));
        let sel = json!({"spec": {"paramRef": {"selector": {"matchLabels": {"b": "2", "a": "1"},
            "matchExpressions": [{"key": "k", "operator": "In", "values": ["x", "y"]}]}}}});
        assert_eq!(
            binding_cells(&sel, 0)[2],
            json!("&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}")
        );
        assert_eq!(binding_cells(&json!({}), 0)[2], json!("<unset>"));
    }
}
