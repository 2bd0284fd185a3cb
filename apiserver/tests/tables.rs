//! Server-side Table output (`kubectl get` and `-o wide`): for each resource, upstream v1.33's
//! column names (wide ones included, marked by priority 1) and the cells upstream prints for
//! the same object (AGE left out). The expected values are read off upstream's printers
//! (`pkg/printers/internalversion/printers.go`), not produced by ours.

mod common;

use common::{have_kubectl, table_lines, Cluster, Who};
use serde_json::{json, Value};

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// Creates `obj` at `collection`, then reads the collection as a Table: the column names
/// (wide ones prefixed `+`) and the cells of the row named `name`.
async fn row(c: &Cluster, collection: &str, obj: Value, name: &str) -> (Vec<String>, Vec<Value>) {
    // `null`: the object exists already.
    if !obj.is_null() {
        let created = c.admin("POST", collection, Some(obj)).await;
        assert_eq!(created.status, 201, "{collection}: {}", created.text());
    }
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
    // v1.33 moved AGE after REQUEST and LIMIT.
    assert_eq!(cols, ["Name", "Request", "Limit", "Age"]);
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

/// Creates `obj` at `collection`, then replaces its status through the `status` subresource.
async fn with_status(c: &Cluster, collection: &str, obj: Value, name: &str, status: Value) {
    let created = c.admin("POST", collection, Some(obj)).await;
    assert_eq!(created.status, 201, "{collection}: {}", created.text());
    let mut obj = created.json();
    obj["status"] = status;
    let put = c
        .admin("PUT", &format!("{collection}/{name}/status"), Some(obj))
        .await;
    assert_eq!(
        put.status,
        200,
        "{collection}/{name}/status: {}",
        put.text()
    );
}

/// Creates `obj` at `collection` and checks the Table's columns (`+` marks wide ones, joined
/// by commas) and the cells of the row named `name`, AGE left out.
async fn check(c: &Cluster, collection: &str, obj: Value, name: &str, cols: &str, cells: Value) {
    let (got_cols, got_cells) = row(c, collection, obj, name).await;
    assert_eq!(got_cols.join(","), cols, "{collection}");
    assert_eq!(
        Value::Array(without_age(&got_cols, &got_cells)),
        cells,
        "{collection}"
    );
}

/// The default convertor's NAME and CREATED AT (RFC 3339, UTC).
async fn check_default(c: &Cluster, collection: &str, obj: Value, name: &str) {
    let (cols, cells) = row(c, collection, obj, name).await;
    assert_eq!(cols, ["Name", "Created At"], "{collection}");
    assert_eq!(cells[0], name);
    let created = cells[1].as_str().unwrap();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{collection}: {created}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_and_apps_tables_match_upstream() {
    let c = Cluster::start();
    let ns = "/api/v1/namespaces/default";
    let apps = "/apis/apps/v1/namespaces/default";
    let images = json!(["app,side", "nginx:1.27,busybox"]);

    check(
        &c,
        &format!("{ns}/secrets"),
        json!({"metadata": {"name": "s"}, "type": "Opaque",
        "data": {"a": "eA==", "b": "eQ=="}}),
        "s",
        "Name,Type,Data,Age",
        json!(["s", "Opaque", 2]),
    )
    .await;
    check(
        &c,
        &format!("{ns}/configmaps"),
        json!({"metadata": {"name": "cm"}, "data": {"a": "1"},
        "binaryData": {"b": "eQ=="}}),
        "cm",
        "Name,Data,Age",
        json!(["cm", 2]),
    )
    .await;
    check(
        &c,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "team-a"}}),
        "team-a",
        "Name,Status,Age",
        json!(["team-a", "Active"]),
    )
    .await;
    check(&c, &format!("{ns}/podtemplates"), json!({"metadata": {"name": "pt"},
        "template": {"metadata": {"labels": {"tier": "fe", "app": "web"}}, "spec": template()["spec"].clone()}}),
        "pt", "Name,Containers,Images,Pod Labels",
        json!(["pt", images[0], images[1], "app=web,tier=fe"])).await;
    check(
        &c,
        &format!("{ns}/replicationcontrollers"),
        json!({"metadata": {"name": "rc"},
        "spec": {"replicas": 2, "selector": {"app": "web"}, "template": template()}}),
        "rc",
        "Name,Desired,Current,Ready,Age,+Containers,+Images,+Selector",
        json!(["rc", 2, 0, 0, images[0], images[1], "app=web"]),
    )
    .await;
    check(&c, &format!("{ns}/endpoints"), json!({"metadata": {"name": "ep"},
        "subsets": [{"addresses": [{"ip": "10.1.0.1"}, {"ip": "10.1.0.2"}], "ports": [{"port": 8080}]}]}),
        "ep", "Name,Endpoints,Age", json!(["ep", "10.1.0.1:8080,10.1.0.2:8080"])).await;
    // Status is not settable on create: set it through /status, then read the table.
    let pv = json!({"metadata": {"name": "pv1"},
        "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
            "hostPath": {"path": "/tmp/pv1"}, "storageClassName": "fast",
            "persistentVolumeReclaimPolicy": "Retain", "volumeMode": "Filesystem",
            "claimRef": {"namespace": "default", "name": "data"}}});
    with_status(
        &c,
        "/api/v1/persistentvolumes",
        pv,
        "pv1",
        json!({"phase": "Bound", "reason": "Recycled"}),
    )
    .await;
    check(&c, "/api/v1/persistentvolumes", json!(null), "pv1",
        "Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,VolumeAttributesClass,Reason,Age,+VolumeMode",
        json!(["pv1", "5Gi", "RWO,ROX", "Retain", "Bound", "default/data", "fast", "<unset>", "Recycled", "Filesystem"])).await;
    let pvc = json!({"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
            "storageClassName": "fast", "volumeMode": "Block", "volumeName": "pv1"}});
    with_status(&c, &format!("{ns}/persistentvolumeclaims"), pvc, "data",
        json!({"phase": "Bound", "capacity": {"storage": "5Gi"}, "accessModes": ["ReadOnlyMany", "ReadWriteOnce"]})).await;
    check(&c, &format!("{ns}/persistentvolumeclaims"), json!(null), "data",
        "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,+VolumeMode",
        json!(["data", "Bound", "pv1", "5Gi", "RWO,ROX", "fast", "<unset>", "Block"])).await;
    // Unbound: no capacity or access modes even if the status has them.
    check(&c, &format!("{ns}/persistentvolumeclaims"), json!({"metadata": {"name": "loose"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
            "volumeMode": "Filesystem"}}), "loose",
        "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,+VolumeMode",
        json!(["loose", "Pending", "", "", "", "", "<unset>", "Filesystem"]))
    .await;
    check_default(
        &c,
        &format!("{ns}/limitranges"),
        json!({"metadata": {"name": "lr"},
        "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}}]}}),
        "lr",
    )
    .await;

    let (cols, cells) = row(&c, "/api/v1/nodes", json!({"metadata": {"name": "n1",
        "labels": {"node-role.kubernetes.io/worker": "", "kubernetes.io/role": "edge"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "InternalIP", "address": "10.0.0.6"}],
            "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Debian GNU/Linux 12",
                "kernelVersion": "6.1.0", "containerRuntimeVersion": "containerd://1.7.0"}}}), "n1").await;
    assert_eq!(cols.join(","), "Name,Status,Roles,Age,Version,+Internal-IP,+External-IP,+OS-Image,+Kernel-Version,+Container-Runtime");
    assert_eq!(
        Value::Array(without_age(&cols, &cells)),
        json!([
            "n1",
            "Ready",
            "edge,worker",
            "v1.33.0",
            "10.0.0.5",
            "<none>",
            "Debian GNU/Linux 12",
            "6.1.0",
            "containerd://1.7.0"
        ])
    );

    check(&c, &format!("{apps}/replicasets"), json!({"metadata": {"name": "rs"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template()}}), "rs",
        "Name,Desired,Current,Ready,Age,+Containers,+Images,+Selector",
        json!(["rs", 2, 0, 0, images[0], images[1], "app=web"])).await;
    check(&c, &format!("{apps}/statefulsets"), json!({"metadata": {"name": "db"},
        "spec": {"replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "web"}}, "template": template()}}),
        "db", "Name,Ready,Age,+Containers,+Images", json!(["db", "0/2", images[0], images[1]])).await;
    let mut ds_template = template();
    ds_template["spec"]["nodeSelector"] = json!({"disk": "ssd"});
    check(&c, &format!("{apps}/daemonsets"), json!({"metadata": {"name": "ds"},
        "spec": {"selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}, "template": ds_template}}),
        "ds", "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age,+Containers,+Images,+Selector",
        json!(["ds", 0, 0, 0, 0, 0, "disk=ssd", images[0], images[1], "app in (web)"])).await;
    check(&c, &format!("{apps}/controllerrevisions"), json!({"metadata": {"name": "rev",
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "uid": "u-1", "controller": true}]},
        "data": {}, "revision": 3}), "rev", "Name,Controller,Revision,Age", json!(["rev", "statefulset.apps/db", 3])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_group_tables_match_upstream() {
    let c = Cluster::start();
    let storage = "/apis/storage.k8s.io/v1";
    let net = "/apis/networking.k8s.io/v1";
    let adm = "/apis/admissionregistration.k8s.io/v1";
    let fc = "/apis/flowcontrol.apiserver.k8s.io/v1";
    let webhook = json!([{"name": "a.example.com", "clientConfig": {"url": "https://a.example.com/"},
        "admissionReviewVersions": ["v1"], "sideEffects": "None"}]);

    check(
        &c,
        &format!("{storage}/namespaces/default/csistoragecapacities"),
        json!({"metadata": {"name": "cap"},
        "storageClassName": "fast", "capacity": "10Gi"}),
        "cap",
        "Name,StorageClassName,Capacity",
        json!(["cap", "fast", "10Gi"]),
    )
    .await;
    check(
        &c,
        &format!("{storage}/namespaces/default/csistoragecapacities"),
        json!({"metadata": {"name": "none"},
        "storageClassName": "slow"}),
        "none",
        "Name,StorageClassName,Capacity",
        json!(["none", "slow", "<unset>"]),
    )
    .await;
    check(&c, &format!("{storage}/csidrivers"), json!({"metadata": {"name": "d.example.com"},
        "spec": {"attachRequired": false, "podInfoOnMount": true, "volumeLifecycleModes": ["Persistent", "Ephemeral"],
            "tokenRequests": [{"audience": "vault"}]}}), "d.example.com",
        "Name,AttachRequired,PodInfoOnMount,StorageCapacity,TokenRequests,RequiresRepublish,Modes,Age",
        json!(["d.example.com", false, true, false, "vault", false, "Persistent,Ephemeral"])).await;
    check(
        &c,
        &format!("{storage}/csinodes"),
        json!({"metadata": {"name": "n1"},
        "spec": {"drivers": [{"name": "d.example.com", "nodeID": "n1"}]}}),
        "n1",
        "Name,Drivers,Age",
        json!(["n1", 1]),
    )
    .await;
    check(&c, &format!("{storage}/volumeattachments"), json!({"metadata": {"name": "va"},
        "spec": {"attacher": "d.example.com", "nodeName": "n1", "source": {"persistentVolumeName": "pv1"}}}), "va",
        "Name,Attacher,PV,Node,Attached,Age", json!(["va", "d.example.com", "pv1", "n1", false])).await;

    check(&c, &format!("{net}/ingressclasses"), json!({"metadata": {"name": "nginx"},
        "spec": {"controller": "k8s.io/ingress-nginx",
            "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "p", "scope": "Cluster"}}}),
        "nginx", "Name,Controller,Parameters,Age",
        json!(["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/p"])).await;
    check(
        &c,
        &format!("{net}/namespaces/default/networkpolicies"),
        json!({"metadata": {"name": "np"},
        "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}}),
        "np",
        "Name,Pod-Selector,Age",
        json!(["np", "app=web"]),
    )
    .await;
    check(
        &c,
        &format!("{net}/servicecidrs"),
        json!({"metadata": {"name": "extra"},
        "spec": {"cidrs": ["10.200.0.0/24"]}}),
        "extra",
        "Name,CIDRs,Age",
        json!(["extra", "10.200.0.0/24"]),
    )
    .await;
    let (cols, cells) = row(&c, &format!("{net}/ipaddresses"), json!({"metadata": {"name": "10.200.0.5"},
        "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "s"}}}),
        "10.200.0.5").await;
    // Upstream declares no AGE column here yet sends the age as a third cell.
    assert_eq!(cols, ["Name", "ParentRef"]);
    assert_eq!(
        cells[..2],
        [json!("10.200.0.5"), json!("services/default/s")]
    );
    assert_eq!(cells.len(), 3);

    check(
        &c,
        "/apis/scheduling.k8s.io/v1/priorityclasses",
        json!({"metadata": {"name": "high"},
        "value": 1000, "preemptionPolicy": "Never"}),
        "high",
        "Name,Value,Global-Default,Age,PreemptionPolicy",
        json!(["high", 1000, false, "Never"]),
    )
    .await;
    check(
        &c,
        "/apis/node.k8s.io/v1/runtimeclasses",
        json!({"metadata": {"name": "gvisor"}, "handler": "runsc"}),
        "gvisor",
        "Name,Handler,Age",
        json!(["gvisor", "runsc"]),
    )
    .await;
    check(
        &c,
        "/apis/coordination.k8s.io/v1/namespaces/default/leases",
        json!({"metadata": {"name": "l"},
        "spec": {"holderIdentity": "node-1"}}),
        "l",
        "Name,Holder,Age",
        json!(["l", "node-1"]),
    )
    .await;

    check(
        &c,
        &format!("{adm}/mutatingwebhookconfigurations"),
        json!({"metadata": {"name": "mw"}, "webhooks": webhook}),
        "mw",
        "Name,Webhooks,Age",
        json!(["mw", 1]),
    )
    .await;
    check(
        &c,
        &format!("{adm}/validatingwebhookconfigurations"),
        json!({"metadata": {"name": "vw"}, "webhooks": webhook}),
        "vw",
        "Name,Webhooks,Age",
        json!(["vw", 1]),
    )
    .await;
    check(
        &c,
        &format!("{adm}/validatingadmissionpolicies"),
        json!({"metadata": {"name": "vap"},
        "spec": {"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
            "matchConstraints": {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                "operations": ["CREATE"], "resources": ["deployments"]}]},
            "validations": [{"expression": "object.spec.replicas <= 5"}]}}),
        "vap",
        "Name,Validations,ParamKind,Age",
        json!(["vap", 1, "v1/ConfigMap"]),
    )
    .await;
    check(
        &c,
        &format!("{adm}/validatingadmissionpolicybindings"),
        json!({"metadata": {"name": "vapb"},
        "spec": {"policyName": "vap", "validationActions": ["Deny"],
            "paramRef": {"name": "limits", "parameterNotFoundAction": "Deny"}}}),
        "vapb",
        "Name,PolicyName,ParamRef,Age",
        json!(["vapb", "vap", "*/limits"]),
    )
    .await;

    check(&c, &format!("{fc}/prioritylevelconfigurations"), json!({"metadata": {"name": "plc"},
        "spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 10,
            "limitResponse": {"type": "Queue", "queuing": {"queues": 16, "handSize": 4, "queueLengthLimit": 20}}}}}),
        "plc", "Name,Type,NominalConcurrencyShares,Queues,HandSize,QueueLengthLimit,Age",
        json!(["plc", "Limited", 10, 16, 4, 20])).await;
    check(&c, &format!("{fc}/flowschemas"), json!({"metadata": {"name": "fs"},
        "spec": {"priorityLevelConfiguration": {"name": "plc"}, "matchingPrecedence": 500,
            "distinguisherMethod": {"type": "ByUser"},
            "rules": [{"subjects": [{"kind": "Group", "group": {"name": "system:authenticated"}}],
                "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"], "namespaces": ["*"]}]}]}}),
        "fs", "Name,PriorityLevel,MatchingPrecedence,DistinguisherMethod,Age,MissingPL",
        json!(["fs", "plc", 500, "ByUser", "?"])).await;

    check(&c, "/apis/batch/v1/namespaces/default/jobs", json!({"metadata": {"name": "j"},
        "spec": {"completions": 3, "parallelism": 2, "selector": {"matchLabels": {"job": "j"}}, "manualSelector": true,
            "template": {"metadata": {"labels": {"job": "j"}}, "spec": {"restartPolicy": "Never",
                "containers": [{"name": "c", "image": "busybox"}]}}}}), "j",
        "Name,Status,Completions,Duration,Age,+Containers,+Images,+Selector",
        json!(["j", "Running", "0/3", "", "c", "busybox", "job=j"])).await;

    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "alice");
    let request = params.serialize_request(&key).unwrap().pem().unwrap();
    use base64::Engine as _;
    let request = base64::engine::general_purpose::STANDARD.encode(request);
    let (cols, cells) = row(
        &c,
        "/apis/certificates.k8s.io/v1/certificatesigningrequests",
        json!({"metadata": {"name": "csr"},
        "spec": {"request": request, "signerName": "kubernetes.io/kube-apiserver-client",
            // Upstream overwrites the username with the creating user's (the same name here).
            "username": "kubernetes-admin",
            "usages": ["client auth"], "expirationSeconds": 86400}}),
        "csr",
    )
    .await;
    assert_eq!(
        cols.join(","),
        "Name,Age,SignerName,Requestor,RequestedDuration,Condition"
    );
    assert_eq!(
        Value::Array(without_age(&cols, &cells)),
        json!([
            "csr",
            "kubernetes.io/kube-apiserver-client",
            "kubernetes-admin",
            "24h",
            "Pending"
        ])
    );

    check_default(&c, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json!({
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}),
        "widgets.example.com").await;
    check_default(
        &c,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
        json!({"metadata": {"name": "r"}, "rules": []}),
        "r",
    )
    .await;

    let (cols, cells) = row(&c, "/apis/events.k8s.io/v1/namespaces/default/events", json!({"metadata": {"name": "ev2"},
        "eventTime": "2020-01-01T00:00:00.000000Z", "reportingController": "example.com/ctl",
        "reportingInstance": "ctl-1", "action": "Scale", "reason": "Scaled", "type": "Normal", "note": "scaled up",
        "regarding": {"kind": "Deployment", "name": "web", "namespace": "default"}}), "ev2").await;
    assert_eq!(
        cols.join(","),
        "Last Seen,Type,Reason,Object,+Subobject,+Source,Message,+First Seen,+Count,+Name"
    );
    assert_eq!(
        [&cells[1..7], &cells[8..]].concat(),
        [
            json!("Normal"),
            json!("Scaled"),
            json!("deployment/web"),
            json!(""),
            json!("example.com/ctl, ctl-1"),
            json!("scaled up"),
            json!(1),
            json!("ev2")
        ]
    );
    // Without lastTimestamp or a series, both times are eventTime's: years ago.
    assert!(cells[0].as_str().unwrap().contains('y'), "{cells:?}");
    assert_eq!(cells[0], cells[7]);

    check(
        &c,
        "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers",
        json!({"metadata": {"name": "h1"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2, "maxReplicas": 5, "targetCPUUtilizationPercentage": 70}}),
        "h1",
        "Name,Reference,Targets,MinPods,MaxPods,Replicas,Age",
        json!(["h1", "Deployment/web", "cpu: <unknown>/70%", "2", 5, 0]),
    )
    .await;
}

/// kubectl renders our Tables for the printers added for v1.33 parity: headers and cells
/// as upstream's printers produce them (AGE cells left out).
#[test]
fn kubectl_get_wide_of_added_printers() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let manifest = c.dir.path().join("more.yaml");
    std::fs::write(
        &manifest,
        r#"apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata:
  name: cap
storageClassName: fast
capacity: 10Gi
---
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata:
  name: extra
spec:
  cidrs: ["10.200.0.0/24"]
---
apiVersion: networking.k8s.io/v1
kind: IPAddress
metadata:
  name: 10.200.0.7
spec:
  parentRef:
    group: ""
    resource: services
    namespace: default
    name: web
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: rq
spec:
  hard:
    pods: "10"
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 1000
globalDefault: false
preemptionPolicy: Never
"#,
    )
    .unwrap();
    let created = c.kubectl(&[
        "create",
        "--validate=false",
        "-f",
        &manifest.display().to_string(),
    ]);
    assert!(
        created.status.success(),
        "{}{}",
        String::from_utf8_lossy(&created.stdout),
        String::from_utf8_lossy(&created.stderr)
    );
    let get = |what: &str| {
        let o = c.kubectl(&["get", what, "-o", "wide"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        table_lines(&String::from_utf8_lossy(&o.stdout))
    };
    let no_age = |t: &[Vec<String>]| -> Vec<Vec<String>> {
        let header = &t[0];
        t.iter()
            .map(|l| {
                header
                    .iter()
                    .zip(l)
                    .filter(|(h, _)| h.as_str() != "AGE")
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .collect()
    };

    // No AGE column for CSI storage capacities.
    assert_eq!(
        get("csistoragecapacities"),
        [
            ["NAME", "STORAGECLASSNAME", "CAPACITY"],
            ["cap", "fast", "10Gi"]
        ]
    );
    assert_eq!(
        no_age(&get("servicecidrs")),
        [["NAME", "CIDRS"], ["extra", "10.200.0.0/24"]]
    );
    // Two columns; the extra age cell upstream sends is not shown.
    assert_eq!(
        get("ipaddresses"),
        [
            ["NAME", "PARENTREF"],
            ["10.200.0.7", "services/default/web"]
        ]
    );
    let quota = get("resourcequotas");
    assert_eq!(quota[0], ["NAME", "REQUEST", "LIMIT", "AGE"]);
    assert_eq!(quota[1][0], "rq");
    assert_eq!(
        no_age(&get("priorityclasses")),
        [
            ["NAME", "VALUE", "GLOBAL-DEFAULT", "PREEMPTIONPOLICY"],
            ["high", "1000", "false", "Never"]
        ]
    );
}
