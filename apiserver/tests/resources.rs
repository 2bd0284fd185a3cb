//! Every stored resource of the api-types registry answers every verb it lists: create, get,
//! list (with a label selector), watch (ADDED, MODIFIED, DELETED), update, delete and
//! deletecollection, on its namespaced or cluster-scoped paths. A resource added to the
//! registry without a fixture here fails the test, so none is served untested.

mod common;

use std::time::Duration;

use api_types::registry::{builtin, ResourceInfo, Scope, Verb};
use common::Cluster;
use serde_json::{json, Value};

const NS: &str = "every";
const WAIT: Duration = Duration::from_secs(10);

fn containers() -> Value {
    json!([{"name": "c", "image": "busybox:1.36"}])
}

fn pod_template(restart_policy: &str) -> Value {
    json!({"metadata": {"labels": {"app": "every"}},
        "spec": {"restartPolicy": restart_policy, "containers": containers()}})
}

fn match_labels() -> Value {
    json!({"matchLabels": {"app": "every"}})
}

/// A PEM certificate request, base64 as the API carries it.
fn csr_request() -> String {
    use base64::Engine as _;
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["every.example.com".to_string()]).unwrap();
    let pem = params.serialize_request(&key).unwrap().pem().unwrap();
    base64::engine::general_purpose::STANDARD.encode(pem)
}

fn rbac_subjects() -> Value {
    json!([{"kind": "User", "name": "u", "apiGroup": "rbac.authorization.k8s.io"}])
}

fn webhooks() -> Value {
    json!([{"name": "w.every.example.com", "clientConfig": {"url": "https://example.com/hook"},
        "admissionReviewVersions": ["v1"], "sideEffects": "None"}])
}

/// The fields of a minimal valid object of `r` besides apiVersion/kind/metadata, and the
/// name to give it when the resource constrains names (else `None`: a generated one).
fn fixture(r: &ResourceInfo, n: usize) -> Option<(Value, Option<String>)> {
    let pod_spec = json!({"containers": containers()});
    let body = match (r.group, r.plural) {
        ("", "configmaps") => json!({"data": {"a": "b"}}),
        ("", "endpoints") => json!({"subsets": [{"addresses": [{"ip": "10.1.2.3"}],
            "ports": [{"port": 80}]}]}),
        ("", "events") => json!({"involvedObject": {"kind": "Pod", "name": "p", "namespace": NS},
            "reason": "Why", "message": "m", "type": "Normal", "source": {"component": "c"}}),
        ("", "limitranges") => json!({"spec": {"limits": [{"type": "Container",
            "max": {"cpu": "1"}}]}}),
        ("", "namespaces") | ("", "nodes") | ("", "serviceaccounts") => json!({}),
        ("", "persistentvolumeclaims") => json!({"spec": {"accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}}}}),
        ("", "persistentvolumes") => json!({"spec": {"capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/tmp/every"}}}),
        ("", "pods") => json!({"spec": pod_spec}),
        ("", "podtemplates") => json!({"template": pod_template("Always")}),
        ("", "replicationcontrollers") => json!({"spec": {"replicas": 1,
            "selector": {"app": "every"}, "template": pod_template("Always")}}),
        ("", "resourcequotas") => json!({"spec": {"hard": {"pods": "10"}}}),
        ("", "secrets") => json!({"data": {"a": "Yg=="}}),
        ("", "services") => json!({"spec": {"ports": [{"port": 80}]}}),
        ("apiregistration.k8s.io", "apiservices") => {
            let group = format!("g{n}.every.example.com");
            return Some((
                json!({"spec": {"group": group, "version": "v1", "groupPriorityMinimum": 100,
                    "versionPriority": 100, "service": {"namespace": NS, "name": "s"}}}),
                Some(format!("v1.{group}")),
            ));
        }
        ("apps", "controllerrevisions") => json!({"revision": 1}),
        ("apps", "daemonsets") => json!({"spec": {"selector": match_labels(),
            "template": pod_template("Always")}}),
        ("apps", "deployments" | "replicasets") => json!({"spec": {"replicas": 1,
            "selector": match_labels(), "template": pod_template("Always")}}),
        ("apps", "statefulsets") => json!({"spec": {"serviceName": "s",
            "selector": match_labels(), "template": pod_template("Always")}}),
        ("events.k8s.io", "events") => json!({"eventTime": "2025-01-01T00:00:00.000000Z",
            "reportingController": "every.example.com/c", "reportingInstance": "i",
            "action": "Act", "reason": "Why", "type": "Normal", "note": "n",
            "regarding": {"kind": "Pod", "name": "p", "namespace": NS}}),
        ("autoscaling", "horizontalpodautoscalers") => json!({"spec": {"scaleTargetRef":
            {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"}, "maxReplicas": 3}}),
        ("batch", "cronjobs") => json!({"spec": {"schedule": "*/5 * * * *",
            "jobTemplate": {"spec": {"template": pod_template("OnFailure")}}}}),
        ("batch", "jobs") => json!({"spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": containers()}}}}),
        ("certificates.k8s.io", "certificatesigningrequests") => json!({"spec": {
            "request": csr_request(), "signerName": "kubernetes.io/kube-apiserver-client",
            "usages": ["client auth"]}}),
        ("networking.k8s.io", "ingressclasses") => {
            json!({"spec": {"controller": "example.com/c"}})
        }
        ("networking.k8s.io", "ingresses") => json!({"spec": {"defaultBackend":
            {"service": {"name": "s", "port": {"number": 80}}}}}),
        ("networking.k8s.io", "ipaddresses") => {
            return Some((
                json!({"spec": {"parentRef": {"group": "", "resource": "services",
                    "namespace": NS, "name": "s"}}}),
                Some(format!("192.168.77.{}", n + 1)),
            ))
        }
        ("networking.k8s.io", "networkpolicies") => json!({"spec": {"podSelector": {}}}),
        ("networking.k8s.io", "servicecidrs") => {
            json!({"spec": {"cidrs": [format!("10.{}.0.0/24", 200 + n)]}})
        }
        ("policy", "poddisruptionbudgets") => json!({"spec": {"minAvailable": 1,
            "selector": match_labels()}}),
        ("rbac.authorization.k8s.io", "clusterrolebindings") => json!({"roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": rbac_subjects()}),
        ("rbac.authorization.k8s.io", "rolebindings") => json!({"roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
            "subjects": rbac_subjects()}),
        ("rbac.authorization.k8s.io", "clusterroles" | "roles") => json!({"rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
        ("storage.k8s.io", "csidrivers") => json!({"spec": {"attachRequired": true}}),
        ("storage.k8s.io", "csinodes") => json!({"spec": {"drivers": []}}),
        ("storage.k8s.io", "csistoragecapacities") => json!({"storageClassName": "sc"}),
        ("storage.k8s.io", "storageclasses") => json!({"provisioner": "example.com/p"}),
        ("storage.k8s.io", "volumeattachments") => json!({"spec": {
            "attacher": "example.com/a", "nodeName": "n",
            "source": {"persistentVolumeName": "pv"}}}),
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
        ) => json!({"webhooks": webhooks()}),
        ("admissionregistration.k8s.io", "validatingadmissionpolicies") => json!({"spec": {
            "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"],
                "operations": ["CREATE"], "resources": ["pods"]}]},
            "validations": [{"expression": "true"}]}}),
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings") => {
            json!({"spec": {"policyName": "p", "validationActions": ["Deny"]}})
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => {
            let (plural, group) = (format!("widgets{n}"), "every.example.com");
            return Some((
                json!({"spec": {"group": group, "scope": "Namespaced",
                    "names": {"plural": plural, "singular": format!("widget{n}"),
                        "kind": format!("Widget{n}"), "listKind": format!("Widget{n}List")},
                    "versions": [{"name": "v1", "served": true, "storage": true,
                        "schema": {"openAPIV3Schema": {"type": "object"}}}]}}),
                Some(format!("{plural}.{group}")),
            ));
        }
        ("scheduling.k8s.io", "priorityclasses") => json!({"value": 1000}),
        ("coordination.k8s.io", "leases") => json!({"spec": {"holderIdentity": "h"}}),
        ("node.k8s.io", "runtimeclasses") => json!({"handler": "runc"}),
        ("discovery.k8s.io", "endpointslices") => json!({"addressType": "IPv4",
            "endpoints": [{"addresses": ["10.1.2.3"]}], "ports": [{"port": 80}]}),
        ("flowcontrol.apiserver.k8s.io", "flowschemas") => json!({"spec": {
            "priorityLevelConfiguration": {"name": "every"}, "matchingPrecedence": 1000}}),
        ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations") => json!({"spec": {
            "type": "Limited", "limited": {"nominalConcurrencyShares": 5,
                "limitResponse": {"type": "Reject"}}}}),
        _ => return None,
    };
    Some((body, None))
}

fn stored(r: &ResourceInfo) -> bool {
    [
        Verb::Create,
        Verb::Get,
        Verb::List,
        Verb::Watch,
        Verb::Update,
        Verb::Delete,
    ]
    .iter()
    .all(|v| r.verbs.contains(*v))
}

fn collection(r: &ResourceInfo) -> String {
    let base = match r.group {
        "" => format!("/api/{}", r.version),
        g => format!("/apis/{g}/{}", r.version),
    };
    match r.scope {
        Scope::Namespaced => format!("{base}/namespaces/{NS}/{}", r.plural),
        Scope::Cluster => format!("{base}/{}", r.plural),
    }
}

/// A new object of `r` labelled `every=<tag>`, from its fixture.
fn object(r: &ResourceInfo, n: usize, tag: &str) -> Value {
    let (mut body, name) =
        fixture(r, n).unwrap_or_else(|| panic!("no fixture for {}.{}", r.plural, r.group));
    let api_version = match r.group {
        "" => r.version.to_string(),
        g => format!("{g}/{}", r.version),
    };
    let name = name.unwrap_or_else(|| format!("every-{}-{}-{n}", r.plural, r.version));
    body["apiVersion"] = json!(api_version);
    body["kind"] = json!(r.kind);
    body["metadata"] = json!({"name": name, "labels": {"every": tag}});
    body
}

fn event_names(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_string(),
                e["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stored_resource_serves_every_verb() {
    let c = Cluster::start();
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}});
    assert_eq!(
        c.admin("POST", "/api/v1/namespaces", Some(ns)).await.status,
        201
    );

    let mut checked = Vec::new();
    for (i, r) in builtin().all().filter(|r| stored(r)).enumerate() {
        let what = format!("{}/{} {}", r.group, r.version, r.plural);
        let base = collection(r);
        let tag = format!("t{i}");
        let selector = format!("labelSelector=every%3D{tag}");
        let mut watch = c
            .watch(&format!("{base}?watch=true&{selector}&resourceVersion=0"))
            .await;

        // create
        let obj = object(r, i, &tag);
        let r1 = c.admin("POST", &base, Some(obj.clone())).await;
        assert_eq!(r1.status, 201, "{what} create: {}", r1.text());
        let created = r1.json();
        let name = created["metadata"]["name"].as_str().unwrap().to_string();
        assert_eq!(created["kind"], r.kind, "{what}");
        assert!(created["metadata"]["uid"].is_string(), "{what}: {created}");
        let item = format!("{base}/{name}");

        // get
        let got = c.admin("GET", &item, None).await;
        assert_eq!(got.status, 200, "{what} get: {}", got.text());
        assert_eq!(
            got.json()["metadata"]["uid"],
            created["metadata"]["uid"],
            "{what}"
        );

        // list, by label
        let list = c.admin("GET", &format!("{base}?{selector}"), None).await;
        assert_eq!(list.status, 200, "{what} list: {}", list.text());
        let list = list.json();
        assert_eq!(list["kind"], r.list_kind, "{what}");
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [name.as_str()], "{what} list");

        // update
        let mut changed = got.json();
        changed["metadata"]["labels"]["touched"] = json!("yes");
        let up = c.admin("PUT", &item, Some(changed)).await;
        assert_eq!(up.status, 200, "{what} update: {}", up.text());
        let updated = up.json();
        assert_eq!(updated["metadata"]["labels"]["touched"], "yes", "{what}");
        assert_ne!(
            updated["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"],
            "{what}"
        );

        // delete: gone, or (finalizers, namespaces) marked for deletion
        let del = c.admin("DELETE", &item, None).await;
        assert!(
            matches!(del.status, 200 | 202),
            "{what} delete: {}",
            del.text()
        );
        let after = c.admin("GET", &item, None).await;
        assert!(
            after.status == 404
                || (after.status == 200
                    && after.json()["metadata"]["deletionTimestamp"].is_string()),
            "{what} after delete: {} {}",
            after.status,
            after.text()
        );

        // watch saw it all, in order
        let mut events = Vec::new();
        while events.len() < 3 {
            match watch.next(WAIT).await {
                Some(ev) => events.push(ev),
                None => break,
            }
        }
        let kinds: Vec<String> = event_names(&events).into_iter().map(|(t, _)| t).collect();
        if after.status == 404 {
            assert_eq!(
                kinds,
                ["ADDED", "MODIFIED", "DELETED"],
                "{what} watch: {events:?}"
            );
        } else {
            assert_eq!(
                &kinds[..2],
                ["ADDED", "MODIFIED"],
                "{what} watch: {events:?}"
            );
        }
        assert!(
            event_names(&events).iter().all(|(_, n)| *n == name),
            "{what} watch: {events:?}"
        );

        // deletecollection (where listed): two more, removed by one call
        if r.verbs.contains(Verb::DeleteCollection) {
            let batch = format!("{tag}b");
            for j in [1000 + i, 2000 + i] {
                let o = object(r, j, &batch);
                let made = c.admin("POST", &base, Some(o)).await;
                assert_eq!(
                    made.status,
                    201,
                    "{what} create for deletecollection: {}",
                    made.text()
                );
            }
            let sel = format!("labelSelector=every%3D{batch}");
            let dc = c.admin("DELETE", &format!("{base}?{sel}"), None).await;
            assert_eq!(dc.status, 200, "{what} deletecollection: {}", dc.text());
            let left = c.admin("GET", &format!("{base}?{sel}"), None).await.json();
            let left: Vec<&Value> = left["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["metadata"]["deletionTimestamp"].is_null())
                .collect();
            assert!(
                left.is_empty(),
                "{what} left after deletecollection: {left:?}"
            );
        }
        checked.push(what);
    }
    // The filter above did not quietly skip the registry (53 stored resources in v1.33's).
    assert!(
        checked.len() >= 50,
        "only {} resources checked: {checked:?}",
        checked.len()
    );
}
