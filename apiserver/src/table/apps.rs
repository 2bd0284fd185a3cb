//! `apps`: deployments, replica sets, stateful sets, daemon sets and controller revisions.

use serde_json::{json, Value};

use super::format::{
    age, containers_images, items, label_selector, labels, n, name, s, selector_string, CONTAINERS,
    IMAGES, SELECTOR,
};
use super::{col, wide, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "deployments" => p(deployment_columns, deployment_cells),
        "replicasets" => p(replica_set_columns, replica_set_cells),
        "statefulsets" => p(stateful_set_columns, stateful_set_cells),
        "daemonsets" => p(daemon_set_columns, daemon_set_cells),
        "controllerrevisions" => p(revision_columns, revision_cells),
        _ => None,
    }
}

/// CONTAINERS, IMAGES and SELECTOR, the wide columns of the workloads.
fn template_columns(with_selector: bool) -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    let mut cols = vec![wide(c("Containers", CONTAINERS)), wide(c("Images", IMAGES))];
    if with_selector {
        cols.push(wide(c("Selector", SELECTOR)));
    }
    cols
}

fn deployment_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    let mut cols = vec![
        NAME,
        c("Ready", "Number of the pod with ready state"),
        c("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        c("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        AGE,
    ];
    cols.extend(template_columns(true));
    cols
}

fn deployment_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(format!(
            "{}/{}",
            n(obj, "status.readyReplicas"),
            n(obj, "spec.replicas")
        )),
        json!(n(obj, "status.updatedReplicas")),
        json!(n(obj, "status.availableReplicas")),
        age(obj, now),
        c,
        i,
        // Upstream prints the selector's String() here, not FormatLabelSelector.
        json!(selector_string(obj["spec"].get("selector"))),
    ]
}

fn replica_set_columns() -> Vec<Column> {
    let i = |name, desc| col(name, "integer", desc);
    let mut cols = vec![
        NAME,
        i("Desired", "Replicas is the number of desired replicas."),
        i("Current", "Replicas is the most recently observed number of replicas."),
        i("Ready", "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition."),
        AGE,
    ];
    cols.extend(template_columns(true));
    cols
}

fn replica_set_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(n(obj, "spec.replicas")),
        json!(n(obj, "status.replicas")),
        json!(n(obj, "status.readyReplicas")),
        age(obj, now),
        c,
        i,
        label_selector(obj["spec"].get("selector")),
    ]
}

fn stateful_set_columns() -> Vec<Column> {
    let mut cols = vec![
        NAME,
        col("Ready", "string", "Number of the pod with ready state"),
        AGE,
    ];
    cols.extend(template_columns(false));
    cols
}

fn stateful_set_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(format!(
            "{}/{}",
            n(obj, "status.readyReplicas"),
            n(obj, "spec.replicas")
        )),
        age(obj, now),
        c,
        i,
    ]
}

fn daemon_set_columns() -> Vec<Column> {
    let i = |name, desc| col(name, "integer", desc);
    let mut cols = vec![
        NAME,
        i("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
        i("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
        i("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
        i("Up-to-date", "The total number of nodes that are running updated daemon pod"),
        i("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."),
        AGE,
    ];
    cols.extend(template_columns(true));
    cols
}

fn daemon_set_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(n(obj, "status.desiredNumberScheduled")),
        json!(n(obj, "status.currentNumberScheduled")),
        json!(n(obj, "status.numberReady")),
        json!(n(obj, "status.updatedNumberScheduled")),
        json!(n(obj, "status.numberAvailable")),
        labels(obj["spec"]["template"]["spec"].get("nodeSelector")),
        age(obj, now),
        c,
        i,
        label_selector(obj["spec"].get("selector")),
    ]
}

fn revision_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Controller", "Controller of the object"),
        c(
            "Revision",
            "Revision indicates the revision of the state represented by Data.",
        ),
        AGE,
    ]
}

/// `kind.group/name` of the controlling owner (lower case), `<none>` without one.
fn controller(obj: &Value) -> String {
    let Some(owner) = items(&obj["metadata"]["ownerReferences"]).find(|o| o["controller"] == true)
    else {
        return "<none>".to_string();
    };
    let kind = s(owner, "kind");
    let group = s(owner, "apiVersion")
        .split_once('/')
        .map(|(g, _)| g)
        .unwrap_or("");
    let group_kind = match (kind, group) {
        ("", "") => return s(owner, "name").to_string(),
        (k, "") => k.to_string(),
        (k, g) => format!("{k}.{g}"),
    };
    format!("{}/{}", group_kind.to_lowercase(), s(owner, "name"))
}

fn revision_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(controller(obj)),
        json!(n(obj, "revision")),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_rows() {
        let d = json!({"metadata": {"name": "web"}, "spec": {"replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}});
        let row = deployment_cells(&d, 0);
        assert_eq!(&row[..4], [json!("web"), json!("2/3"), json!(3), json!(2)]);
        assert_eq!(&row[5..], [json!("c"), json!("nginx"), json!("app=web")]);
        // An empty selector: String() is empty for deployments, <none> elsewhere.
        let empty = json!({"spec": {"selector": {}}});
        assert_eq!(deployment_cells(&empty, 0)[7], json!(""));
        assert_eq!(replica_set_cells(&empty, 0)[7], json!("<none>"));
        let ss = json!({"spec": {"replicas": 2}, "status": {"readyReplicas": 1}});
        assert_eq!(stateful_set_cells(&ss, 0)[1], json!("1/2"));
        let ds = json!({"spec": {"template": {"spec": {"nodeSelector": {"os": "linux"}}}}});
        assert_eq!(daemon_set_cells(&ds, 0)[6], json!("os=linux"));
        for plural in [
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "controllerrevisions",
        ] {
            let p = printer(plural).unwrap();
            assert_eq!(
                (p.columns)().len(),
                (p.cells)(&json!({}), 0).len(),
                "{plural}"
            );
        }
    }

    #[test]
    fn revision_controller() {
        let cr = json!({"metadata": {"ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "controller": true}]},
            "revision": 4});
        assert_eq!(
            revision_cells(&cr, 0)[1..3],
            [json!("statefulset.apps/db"), json!(4)]
        );
        assert_eq!(revision_cells(&json!({}), 0)[1], json!("<none>"));
    }
}
