//! Nodes, as upstream's `printNode`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::super::format::{age, items, name, or, s};
use super::super::{col, wide, Column, AGE, NAME};

pub(super) fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Status", "The status of the node"),
        c("Roles", "The roles of the node"),
        AGE,
        c("Version", "Kubelet Version reported by the node."),
        wide(c("Internal-IP", "List of addresses reachable to the node.")),
        wide(c("External-IP", "List of addresses reachable to the node.")),
        wide(c("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).")),
        wide(c("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")),
        wide(c("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")),
    ]
}

/// Roles from `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value.
fn roles(obj: &Value) -> String {
    let mut roles = BTreeSet::new();
    for (k, v) in obj["metadata"]["labels"].as_object().into_iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" {
            if let Some(v) = v.as_str().filter(|v| !v.is_empty()) {
                roles.insert(v.to_string());
            }
        }
    }
    or(&roles.into_iter().collect::<Vec<_>>().join(","), "<none>").to_string()
}

pub(super) fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let mut status: Vec<&str> = match items(&obj["status"]["conditions"])
        .filter(|c| c["type"] == "Ready")
        .last()
    {
        Some(c) if c["status"] == "True" => vec!["Ready"],
        Some(_) => vec!["NotReady"],
        None => vec!["Unknown"],
    };
    if obj["spec"]["unschedulable"] == true {
        status.push("SchedulingDisabled");
    }
    // The first address of a kind.
    let address = |kind: &str| {
        items(&obj["status"]["addresses"])
            .find(|a| a["type"] == kind)
            .map(|a| s(a, "address"))
            .unwrap_or("<none>")
            .to_string()
    };
    let info = |field: &str| json!(or(s(&obj["status"]["nodeInfo"], field), "<unknown>"));
    vec![
        name(obj),
        json!(status.join(",")),
        json!(roles(obj)),
        age(obj, now),
        json!(s(obj, "status.nodeInfo.kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_roles_and_addresses() {
        let node = json!({"metadata": {"name": "n1", "labels": {"node-role.kubernetes.io/control-plane": "",
                "kubernetes.io/role": "master", "node-role.kubernetes.io/": ""}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "False"}],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "InternalIP", "address": "10.0.0.2"}],
                "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Debian"}}});
        let row = cells(&node, 0);
        assert_eq!(
            [&row[..3], &row[4..]].concat(),
            [
                json!("n1"),
                json!("NotReady,SchedulingDisabled"),
                json!("control-plane,master"),
                json!("v1.33.0"),
                json!("10.0.0.1"),
                json!("<none>"),
                json!("Debian"),
                json!("<unknown>"),
                json!("<unknown>")
            ]
        );
        assert_eq!(row.len(), columns().len());
        assert_eq!(cells(&json!({}), 0)[1], json!("Unknown"));
    }
}
