//! The core (`""`) API group: pods, services, nodes, events, volumes and the small ones.
//! Limit ranges have no printer upstream (default NAME / CREATED AT).

mod event;
mod node;
mod pod;
mod service;
mod volume;

use serde_json::{json, Value};

use super::format::{
    age, containers_images, items, labels, len, n, name, s, CONTAINERS, IMAGES, SELECTOR,
};
use super::{col, wide, Column, Printer, AGE, NAME};

pub(super) use event::{cells as event_cells, columns as event_columns};
pub(super) use pod::row_conditions as pod_row_conditions;
pub(super) use service::load_balancer;

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "pods" => p(pod::columns, pod::cells),
        "podtemplates" => p(pod_template_columns, pod_template_cells),
        "replicationcontrollers" => p(rc_columns, rc_cells),
        "services" => p(service::service_columns, service::service_cells),
        "endpoints" => p(service::endpoints_columns, service::endpoints_cells),
        "nodes" => p(node::columns, node::cells),
        "events" => p(event::columns, event::cells),
        "namespaces" => p(namespace_columns, namespace_cells),
        "secrets" => p(secret_columns, secret_cells),
        "configmaps" => p(configmap_columns, configmap_cells),
        "serviceaccounts" => p(service_account_columns, service_account_cells),
        "persistentvolumes" => p(volume::pv_columns, volume::pv_cells),
        "persistentvolumeclaims" => p(volume::pvc_columns, volume::pvc_cells),
        "resourcequotas" => p(quota_columns, quota_cells),
        "componentstatuses" => p(component_status_columns, component_status_cells),
        _ => None,
    }
}

fn pod_template_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Containers", CONTAINERS),
        c("Images", IMAGES),
        c("Pod Labels", "The labels for the pod template."),
    ]
}

fn pod_template_cells(obj: &Value, _now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["template"]["spec"]);
    vec![
        name(obj),
        c,
        i,
        labels(obj["template"]["metadata"].get("labels")),
    ]
}

fn rc_columns() -> Vec<Column> {
    let i = |name, desc| col(name, "integer", desc);
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        i("Desired", "Replicas is the number of desired replicas."),
        i(
            "Current",
            "Replicas is the most recently observed number of replicas.",
        ),
        i(
            "Ready",
            "The number of ready replicas for this replication controller.",
        ),
        AGE,
        wide(c("Containers", CONTAINERS)),
        wide(c("Images", IMAGES)),
        wide(c("Selector", SELECTOR)),
    ]
}

fn rc_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(n(obj, "spec.replicas")),
        json!(n(obj, "status.replicas")),
        json!(n(obj, "status.readyReplicas")),
        age(obj, now),
        c,
        i,
        labels(obj["spec"].get("selector")),
    ]
}

fn namespace_columns() -> Vec<Column> {
    vec![
        NAME,
        col("Status", "string", "The status of the namespace"),
        AGE,
    ]
}

fn namespace_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![name(obj), json!(s(obj, "status.phase")), age(obj, now)]
}

fn secret_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Type",
            "string",
            "Used to facilitate programmatic handling of secret data.",
        ),
        col("Data", "string", "Data contains the secret data."),
        AGE,
    ]
}

fn secret_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(s(obj, "type")),
        json!(len(&obj["data"])),
        age(obj, now),
    ]
}

fn configmap_columns() -> Vec<Column> {
    vec![
        NAME,
        col("Data", "string", "Data contains the configuration data."),
        AGE,
    ]
}

fn configmap_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(len(&obj["data"]) + len(&obj["binaryData"])),
        age(obj, now),
    ]
}

fn service_account_columns() -> Vec<Column> {
    vec![
        NAME,
        col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        AGE,
    ]
}

fn service_account_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![name(obj), json!(len(&obj["secrets"])), age(obj, now)]
}

fn quota_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
        c("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
        AGE,
    ]
}

/// Upstream's `printResourceQuota`: `name: used/hard` per resource in `status.hard`, sorted,
/// `limits.*` ones in the LIMIT column.
fn quota_columns_text(obj: &Value) -> (String, String) {
    let Some(hard) = obj["status"]["hard"].as_object() else {
        return (String::new(), String::new());
    };
    let mut names: Vec<&String> = hard.keys().collect();
    names.sort();
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for resource in names {
        let used = super::format::quantity(&obj["status"]["used"][resource.as_str()]);
        let entry = format!(
            "{resource}: {used}/{}",
            super::format::quantity(&hard[resource.as_str()])
        );
        match resource.split_once('.') {
            Some(("limits", _)) => limit.push(entry),
            _ => request.push(entry),
        }
    }
    (request.join(", "), limit.join(", "))
}

fn quota_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (request, limit) = quota_columns_text(obj);
    vec![name(obj), json!(request), json!(limit), age(obj, now)]
}

fn component_status_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Status", "Status of the component conditions"),
        c("Message", "Message of the component conditions"),
        c("Error", "Error of the component conditions"),
    ]
}

fn component_status_cells(obj: &Value, _now: i64) -> Vec<Value> {
    let healthy = items(&obj["conditions"]).find(|c| c["type"] == "Healthy");
    let (status, message, error) = match healthy {
        Some(c) => (
            if c["status"] == "True" {
                "Healthy"
            } else {
                "Unhealthy"
            },
            s(c, "message"),
            s(c, "error"),
        ),
        None => ("Unknown", "", ""),
    };
    vec![name(obj), json!(status), json!(message), json!(error)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_splits_limits_and_ages_last() {
        let q = json!({"metadata": {"name": "q"}, "status": {
            "hard": {"pods": "10", "limits.cpu": "4", "requests.memory": "1Gi"},
            "used": {"pods": "3", "limits.cpu": "500m"}}});
        assert_eq!(
            quota_cells(&q, 0)[..3],
            [
                json!("q"),
                json!("pods: 3/10, requests.memory: 0/1Gi"),
                json!("limits.cpu: 500m/4")
            ]
        );
        let names: Vec<&str> = quota_columns().iter().map(|c| c.name).collect();
        assert_eq!(names, ["Name", "Request", "Limit", "Age"]);
        assert_eq!(quota_cells(&json!({}), 0)[1..3], [json!(""), json!("")]);
    }

    #[test]
    fn small_core_printers() {
        let cm = json!({"data": {"a": "1"}, "binaryData": {"b": "AA=="}});
        assert_eq!(configmap_cells(&cm, 0)[1], json!(2));
        let cs = json!({"metadata": {"name": "etcd-0"}, "conditions": [
            {"type": "Other", "status": "False"},
            {"type": "Healthy", "status": "True", "message": "ok"}]});
        assert_eq!(
            component_status_cells(&cs, 0),
            [json!("etcd-0"), json!("Healthy"), json!("ok"), json!("")]
        );
        assert_eq!(component_status_cells(&json!({}), 0)[1], json!("Unknown"));
        let rc = json!({"spec": {"replicas": 2, "selector": {}}});
        assert_eq!(rc_cells(&rc, 0)[7], json!("<none>"));
        for plural in [
            "pods",
            "podtemplates",
            "replicationcontrollers",
            "services",
            "endpoints",
            "nodes",
            "events",
            "namespaces",
            "secrets",
            "configmaps",
            "serviceaccounts",
            "persistentvolumes",
            "persistentvolumeclaims",
            "resourcequotas",
            "componentstatuses",
        ] {
            let p = printer(plural).unwrap();
            assert_eq!(
                (p.columns)().len(),
                (p.cells)(&json!({}), 0).len(),
                "{plural}"
            );
        }
    }
}
