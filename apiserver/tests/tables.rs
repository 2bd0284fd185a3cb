//! Server-side Table output (`kubectl get` and `-o wide`): for each resource, upstream v1.33's
//! column names (wide ones included, marked by priority 1) and the cells upstream prints for
//! the same object (AGE left out).

mod common;

use common::{Cluster, Who};
use serde_json::{json, Value};

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// Creates `obj` at `collection`, then reads the collection as a Table: the column names
/// (wide ones prefixed `+`) and the cells of the row named `name`.
async fn row(c: &Cluster, collection: &str, obj: Value, name: &str) -> (Vec<String>, Vec<Value>) {
    let created = c.admin("POST", collection, Some(obj)).await;
    assert_eq!(created.status, 201, "{collection}: {}", created.text());
    let t = c
        .request(Who::Admin, "GET", collection, &[("accept", TABLE)], None)
        .await;
    assert_eq!(t.status, 200, "{}", t.text());
    let t = t.json();
    assert_eq!(t["kind"], "Table", "{t}");
    let cols: Vec<String> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let wide = if c["priority"] == 1 { "+" } else { "" };
            format!("{wide}{}", c["name"].as_str().unwrap())
        })
        .collect();
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["object"]["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {t}"));
    (cols, row["cells"].as_array().unwrap().clone())
}

/// The cells without the one under `Age`.
fn without_age(cols: &[String], cells: &[Value]) -> Vec<Value> {
    cols.iter()
        .zip(cells)
        .filter(|(c, _)| c.as_str() != "Age")
        .map(|(_, v)| v.clone())
        .collect()
}

fn template() -> Value {
    json!({"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_match_upstream() {
    let c = Cluster::start();
    let ns = "/api/v1/namespaces/default";

    let (cols, cells) = row(
        &c,
        &format!("{ns}/pods"),
        json!({"metadata": {"name": "p"},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]}}),
        "p",
    )
    .await;
    assert_eq!(
        cols,
        [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "+IP",
            "+Node",
            "+Nominated Node",
            "+Readiness Gates"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        json!(["p", "0/1", "Pending", "0", "<none>", "<none>", "<none>", "<none>"])
            .as_array()
            .unwrap()
            .clone()
    );

    let (cols, cells) = row(&c, "/apis/apps/v1/namespaces/default/deployments", json!({"metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template()}}), "web").await;
    assert_eq!(
        cols,
        [
            "Name",
            "Ready",
            "Up-to-date",
            "Available",
            "Age",
            "+Containers",
            "+Images",
            "+Selector"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("web"),
            json!("0/2"),
            json!(0),
            json!(0),
            json!("app,side"),
            json!("nginx:1.27,busybox"),
            json!("app=web")
        ]
    );

    let (cols, cells) = row(&c, &format!("{ns}/services"), json!({"metadata": {"name": "s"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30080}]}}), "s").await;
    assert_eq!(
        cols,
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age",
            "+Selector"
        ]
    );
    let cells = without_age(&cols, &cells);
    assert_eq!(cells[..2], [json!("s"), json!("NodePort")]);
    assert!(cells[2].as_str().unwrap().starts_with("10."), "{cells:?}");
    assert_eq!(
        cells[3..],
        [json!("<none>"), json!("80:30080/TCP"), json!("app=web")]
    );

    let (cols, cells) = row(
        &c,
        &format!("{ns}/serviceaccounts"),
        json!({"metadata": {"name": "sa"}}),
        "sa",
    )
    .await;
    assert_eq!(cols, ["Name", "Secrets", "Age"]);
    assert_eq!(without_age(&cols, &cells), vec![json!("sa"), json!(0)]);

    let (cols, cells) = row(&c, &format!("{ns}/events"), json!({"metadata": {"name": "e1"},
        "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default", "fieldPath": "spec.containers{app}"},
        "reason": "Pulled", "message": " pulled \n", "type": "Normal", "count": 3,
        "source": {"component": "kubelet", "host": "node1"},
        "firstTimestamp": "2020-01-01T00:00:00Z", "lastTimestamp": "2020-01-01T00:00:00Z"}), "e1").await;
    assert_eq!(
        cols,
        [
            "Last Seen",
            "Type",
            "Reason",
            "Object",
            "+Subobject",
            "+Source",
            "Message",
            "+First Seen",
            "+Count",
            "+Name"
        ]
    );
    assert_eq!(
        cells[1..7],
        [
            json!("Normal"),
            json!("Pulled"),
            json!("pod/p"),
            json!("spec.containers{app}"),
            json!("kubelet, node1"),
            json!("pulled")
        ]
    );
    assert_eq!(cells[8..], [json!(3), json!("e1")]);
    // Both times are years ago.
    assert!(cells[0].as_str().unwrap().contains('y'), "{cells:?}");
    assert!(cells[7].as_str().unwrap().contains('y'), "{cells:?}");

    let (cols, cells) = row(
        &c,
        "/apis/batch/v1/namespaces/default/cronjobs",
        json!({"metadata": {"name": "cj"},
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
        "cj",
    )
    .await;
    assert_eq!(
        cols,
        [
            "Name",
            "Schedule",
            "Timezone",
            "Suspend",
            "Active",
            "Last Schedule",
            "Age",
            "+Containers",
            "+Images",
            "+Selector"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("cj"),
            json!("*/5 * * * *"),
            json!("<none>"),
            json!("False"),
            json!(0),
            json!("<none>"),
            json!("c"),
            json!("busybox"),
            json!("<none>")
        ]
    );

    let (cols, cells) = row(&c, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", json!({"metadata": {"name": "es"},
        "addressType": "IPv4", "ports": [{"port": 80}, {"name": "metrics"}],
        "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}, {"addresses": ["10.0.0.3"]}, {"addresses": ["10.0.0.4"]}]}), "es").await;
    assert_eq!(cols, ["Name", "AddressType", "Ports", "Endpoints", "Age"]);
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("es"),
            json!("IPv4"),
            json!("80,metrics"),
            json!("10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...")
        ]
    );

    let (cols, cells) = row(&c, "/apis/networking.k8s.io/v1/namespaces/default/ingresses", json!({"metadata": {"name": "in"},
        "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"]}],
            "rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}), "in").await;
    assert_eq!(cols, ["Name", "Class", "Hosts", "Address", "Ports", "Age"]);
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("in"),
            json!("nginx"),
            json!("a.example.com"),
            json!(""),
            json!("80, 443")
        ]
    );

    let (cols, cells) = row(
        &c,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
        json!({"metadata": {"name": "rb"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "ServiceAccount", "name": "sa", "namespace": "default"}]}),
        "rb",
    )
    .await;
    assert_eq!(
        cols,
        [
            "Name",
            "Role",
            "Age",
            "+Users",
            "+Groups",
            "+ServiceAccounts"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("rb"),
            json!("ClusterRole/view"),
            json!("alice"),
            json!(""),
            json!("default/sa")
        ]
    );

    let (cols, cells) = row(&c, "/apis/storage.k8s.io/v1/storageclasses", json!({"metadata": {"name": "fast",
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "example.com/disk"}), "fast").await;
    assert_eq!(
        cols,
        [
            "Name",
            "Provisioner",
            "ReclaimPolicy",
            "VolumeBindingMode",
            "AllowVolumeExpansion",
            "Age"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("fast (default)"),
            json!("example.com/disk"),
            json!("Delete"),
            json!("Immediate"),
            json!(false)
        ]
    );

    let (cols, cells) = row(
        &c,
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        json!({"metadata": {"name": "pdb"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}}),
        "pdb",
    )
    .await;
    assert_eq!(
        cols,
        [
            "Name",
            "Min Available",
            "Max Unavailable",
            "Allowed Disruptions",
            "Age"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![json!("pdb"), json!("1"), json!("N/A"), json!(0)]
    );

    let (cols, cells) = row(
        &c,
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        json!({"metadata": {"name": "cr"}, "rules": []}),
        "cr",
    )
    .await;
    assert_eq!(cols, ["Name", "Created At"]);
    assert!(cells[1].as_str().unwrap().ends_with('Z'), "{cells:?}");

    let (cols, cells) = row(
        &c,
        &format!("{ns}/resourcequotas"),
        json!({"metadata": {"name": "rq"}, "spec": {"hard": {"pods": "10"}}}),
        "rq",
    )
    .await;
    assert_eq!(cols, ["Name", "Age", "Request", "Limit"]);
    // Status (filled by the quota controller) is not settable on create: empty columns.
    assert_eq!(
        without_age(&cols, &cells),
        vec![json!("rq"), json!(""), json!("")]
    );

    let (cols, cells) = row(
        &c,
        "/apis/apiregistration.k8s.io/v1/apiservices",
        json!({"metadata": {"name": "v1.example.com"}, "spec": {"group": "example.com",
            "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 10,
            "service": {"namespace": "default", "name": "ext"}}}),
        "v1.example.com",
    )
    .await;
    assert_eq!(cols, ["Name", "Service", "Available", "Age"]);
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("v1.example.com"),
            json!("default/ext"),
            json!("Unknown")
        ]
    );

    let (cols, cells) = row(
        &c,
        "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers",
        json!({"metadata": {"name": "h"}, "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}}}]}}),
        "h",
    )
    .await;
    assert_eq!(
        cols,
        [
            "Name",
            "Reference",
            "Targets",
            "MinPods",
            "MaxPods",
            "Replicas",
            "Age"
        ]
    );
    assert_eq!(
        without_age(&cols, &cells),
        vec![
            json!("h"),
            json!("Deployment/web"),
            json!("cpu: <unknown>/50%"),
            json!("1"),
            json!(10),
            json!(0)
        ]
    );
}
