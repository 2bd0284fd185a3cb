//! End-to-end checks over HTTPS against a real etcd: authentication rules, discovery, the
//! generic store's CRUD and its error shapes, pagination and watch.

mod common;

use std::time::Duration;

use common::{on_both, Backend, Cluster, Who, ADMIN_TOKEN};

on_both!(pagination_with_continue, watch_streams_changes);
use serde_json::{json, Value};

const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

fn configmap(name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_rules() {
    let c = Cluster::start();
    let health = c
        .request(Who::Anonymous, "GET", "/healthz", &[], None)
        .await;
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    let ready = c
        .request(Who::Anonymous, "GET", "/readyz?verbose", &[], None)
        .await;
    assert_eq!(ready.status, 200, "{}", ready.text());
    assert!(ready.text().contains("[+]etcd ok"), "{}", ready.text());

    let version = c
        .request(Who::Anonymous, "GET", "/version", &[], None)
        .await;
    assert_eq!(version.status, 200);
    let v = version.json();
    assert_eq!(
        (v["major"].as_str(), v["minor"].as_str()),
        (Some("1"), Some("33"))
    );
    assert!(v["gitVersion"].as_str().unwrap().starts_with("v1.33."));

    let anon = c
        .request(Who::Anonymous, "GET", "/api/v1/namespaces", &[], None)
        .await;
    assert_eq!(anon.status, 403);
    let s = anon.json();
    assert_eq!(s["kind"], "Status");
    assert_eq!(s["reason"], "Forbidden");
    assert_eq!(
        s["message"],
        "namespaces is forbidden: User \"system:anonymous\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
    );
    let root = c.request(Who::Anonymous, "GET", "/api", &[], None).await;
    assert_eq!(root.status, 403);
    assert_eq!(
        root.json()["message"],
        "forbidden: User \"system:anonymous\" cannot get path \"/api\""
    );
    let metrics = c
        .request(Who::Anonymous, "GET", "/metrics", &[], None)
        .await;
    assert_eq!(metrics.status, 403);

    // A certificate from another CA completes the handshake and is refused with 401.
    for path in ["/api", "/healthz"] {
        let rogue = c.request(Who::Rogue, "GET", path, &[], None).await;
        assert_eq!(rogue.status, 401, "{path}");
        assert_eq!(rogue.json()["reason"], "Unauthorized");
    }

    let bad = c
        .request(Who::Token("wrong"), "GET", "/api", &[], None)
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.json()["reason"], "Unauthorized");
    let token = c
        .request(
            Who::Token(ADMIN_TOKEN),
            "GET",
            "/api/v1/namespaces",
            &[],
            None,
        )
        .await;
    assert_eq!(token.status, 200, "{}", token.text());
    let cert = c.admin("GET", "/metrics", None).await;
    assert_eq!(cert.status, 200);
    assert!(
        cert.text().contains("apiserver_request_total"),
        "{}",
        cert.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_documents() {
    let c = Cluster::start();
    let api = c.admin("GET", "/api", None).await;
    assert_eq!(api.json()["versions"], json!(["v1"]));
    assert_eq!(api.json()["kind"], "APIVersions");

    let agg = c
        .request(Who::Admin, "GET", "/apis", &[("accept", AGGREGATED)], None)
        .await;
    assert_eq!(agg.status, 200);
    assert_eq!(
        agg.content_type,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    let doc = agg.json();
    assert_eq!(doc["kind"], "APIGroupDiscoveryList");
    let apps = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "apps")
        .expect("apps group");
    assert!(apps["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["resource"] == "deployments" && r["scope"] == "Namespaced"));
    let core = c
        .request(Who::Admin, "GET", "/api", &[("accept", AGGREGATED)], None)
        .await;
    assert_eq!(core.json()["items"][0]["versions"][0]["version"], "v1");

    let groups = c.admin("GET", "/apis", None).await.json();
    assert_eq!(groups["kind"], "APIGroupList");
    assert!(groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "batch"));

    let v1 = c.admin("GET", "/api/v1", None).await.json();
    let names: Vec<&str> = v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    for want in ["pods", "pods/eviction", "namespaces/finalize", "configmaps"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let apps_v1 = c.admin("GET", "/apis/apps/v1", None).await.json();
    assert_eq!(apps_v1["groupVersion"], "apps/v1");
    let missing = c.admin("GET", "/apis/nope/v1", None).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_and_error_shapes() {
    let c = Cluster::start();
    let nss = c.admin("GET", "/api/v1/namespaces", None).await.json();
    let names: Vec<&str> = nss["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["metadata"]["name"].as_str())
        .collect();
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(names.contains(&ns), "{ns} missing: {names:?}");
    }

    let base = "/api/v1/namespaces/default/configmaps";
    let created = c
        .admin("POST", base, Some(configmap("cfg", json!({"a": "1"}))))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let obj = created.json();
    let uid = obj["metadata"]["uid"].as_str().unwrap().to_string();
    let rv = obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uid.len(), 36);
    assert!(rv.parse::<i64>().unwrap() > 0);
    assert!(obj["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(obj["metadata"]["namespace"], "default");

    let again = c
        .admin("POST", base, Some(configmap("cfg", json!({}))))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.json(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
            "message":"configmaps \"cfg\" already exists","reason":"AlreadyExists",
            "details":{"name":"cfg","kind":"configmaps"},"code":409})
    );

    let got = c.admin("GET", &format!("{base}/cfg"), None).await.json();
    assert_eq!(got["data"]["a"], "1");
    assert_eq!(got["metadata"]["resourceVersion"], rv.as_str());

    let mut update = got.clone();
    update["data"]["a"] = json!("2");
    let updated = c
        .admin("PUT", &format!("{base}/cfg"), Some(update.clone()))
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    let new_rv = updated.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_rv, rv);
    assert_eq!(updated.json()["metadata"]["uid"], uid.as_str());

    // The same body again carries the old resourceVersion: a conflict.
    let stale = c.admin("PUT", &format!("{base}/cfg"), Some(update)).await;
    assert_eq!(stale.status, 409);
    let s = stale.json();
    assert_eq!(s["reason"], "Conflict");
    assert_eq!(
        s["message"],
        "Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified; please apply your changes to the latest version and try again"
    );
    assert_eq!(s["details"], json!({"name": "cfg", "kind": "configmaps"}));

    let invalid = c
        .admin(
            "POST",
            base,
            Some(configmap("Bad_Name", json!({"bad key": "x"}))),
        )
        .await;
    assert_eq!(invalid.status, 422);
    let s = invalid.json();
    assert_eq!(s["reason"], "Invalid");
    let fields: Vec<&str> = s["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert!(fields.contains(&"metadata.name"), "{s}");
    assert!(fields.contains(&"data[bad key]"), "{s}");
    assert!(s["message"]
        .as_str()
        .unwrap()
        .starts_with("ConfigMap \"Bad_Name\" is invalid: "));

    let generated = c
        .admin(
            "POST",
            base,
            Some(json!({"metadata": {"generateName": "gen-"}, "data": {}})),
        )
        .await
        .json();
    let gen_name = generated["metadata"]["name"].as_str().unwrap();
    assert!(
        gen_name.starts_with("gen-") && gen_name.len() == 9,
        "{gen_name}"
    );

    let no_ns = c
        .admin(
            "POST",
            "/api/v1/namespaces/nope/configmaps",
            Some(configmap("x", json!({}))),
        )
        .await;
    assert_eq!(no_ns.status, 404);
    assert_eq!(no_ns.json()["message"], "namespaces \"nope\" not found");

    let all = c.admin("GET", "/api/v1/configmaps", None).await.json();
    assert_eq!(all["kind"], "ConfigMapList");
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    let deleted = c.admin("DELETE", &format!("{base}/cfg"), None).await;
    assert_eq!(deleted.status, 200);
    let d = deleted.json();
    assert_eq!(d["status"], "Success");
    assert_eq!(d["details"]["uid"], uid.as_str());
    let gone = c.admin("GET", &format!("{base}/cfg"), None).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.json(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
            "message":"configmaps \"cfg\" not found","reason":"NotFound",
            "details":{"name":"cfg","kind":"configmaps"},"code":404})
    );

    let forbidden = c.admin("DELETE", "/api/v1/namespaces/default", None).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        forbidden.json()["message"],
        "namespaces \"default\" is forbidden: this namespace may not be deleted"
    );
    let unknown = c
        .admin("GET", "/api/v1/namespaces/default/widgets", None)
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_lifecycle_and_cluster_scope() {
    let c = Cluster::start();
    let ns = c
        .admin(
            "POST",
            "/api/v1/namespaces",
            Some(json!({"metadata": {"name": "team"}})),
        )
        .await;
    assert_eq!(ns.status, 201, "{}", ns.text());
    let ns = ns.json();
    assert_eq!(ns["status"]["phase"], "Active");
    assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
    assert_eq!(
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "team"
    );

    let deleted = c.admin("DELETE", "/api/v1/namespaces/team", None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    let d = deleted.json();
    assert_eq!(d["status"]["phase"], "Terminating");
    assert!(d["metadata"]["deletionTimestamp"].is_string());

    let refused = c
        .admin(
            "POST",
            "/api/v1/namespaces/team/configmaps",
            Some(configmap("x", json!({}))),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.json()["message"],
        "configmaps \"x\" is forbidden: unable to create new content in namespace team because it is being terminated"
    );

    // Deleting again while the content is being removed is a conflict.
    let again = c.admin("DELETE", "/api/v1/namespaces/team", None).await;
    assert_eq!(again.status, 409);
    assert!(again.json()["message"]
        .as_str()
        .unwrap()
        .ends_with("The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."));

    // The namespace controller's part: clearing the last finalizer removes the namespace.
    let mut fin = d.clone();
    fin["spec"]["finalizers"] = json!([]);
    let finalized = c
        .admin("PUT", "/api/v1/namespaces/team/finalize", Some(fin))
        .await;
    assert_eq!(finalized.status, 200, "{}", finalized.text());
    assert_eq!(
        c.admin("GET", "/api/v1/namespaces/team", None).await.status,
        404
    );

    // Finalizers hold any object: deletion marks it, removing the last finalizer removes it.
    let base = "/api/v1/namespaces/default/configmaps";
    let held = json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}});
    assert_eq!(c.admin("POST", base, Some(held)).await.status, 201);
    let marked = c.admin("DELETE", &format!("{base}/held"), None).await;
    assert_eq!(marked.status, 200);
    let mut obj = marked.json();
    assert!(obj["metadata"]["deletionTimestamp"].is_string(), "{obj}");
    assert_eq!(
        c.admin("GET", &format!("{base}/held"), None).await.status,
        200
    );
    obj["metadata"]["finalizers"] = json!([]);
    let released = c.admin("PUT", &format!("{base}/held"), Some(obj)).await;
    assert_eq!(released.status, 200, "{}", released.text());
    assert_eq!(
        c.admin("GET", &format!("{base}/held"), None).await.status,
        404
    );

    // A cluster-scoped resource under a namespace path does not exist.
    let wrong = c
        .admin("GET", "/api/v1/namespaces/default/nodes", None)
        .await;
    assert_eq!(wrong.status, 404);
}

async fn pagination_with_continue(backend: Backend) {
    let c = Cluster::start_on(backend);
    let base = "/api/v1/namespaces/default/configmaps";
    for i in 0..5 {
        let r = c
            .admin(
                "POST",
                base,
                Some(configmap(&format!("cm-{i}"), json!({"i": i.to_string()}))),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let mut names = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    let mut first_rv = String::new();
    loop {
        let path = if token.is_empty() {
            format!("{base}?limit=2")
        } else {
            format!("{base}?limit=2&continue={token}")
        };
        let page = c.admin("GET", &path, None).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        pages += 1;
        if pages == 1 {
            assert_eq!(page["metadata"]["remainingItemCount"], 3);
            first_rv = page["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .to_string();
        } else {
            assert_eq!(page["metadata"]["resourceVersion"], first_rv.as_str());
        }
        for item in page["items"].as_array().unwrap() {
            names.push(item["metadata"]["name"].as_str().unwrap().to_string());
        }
        match page["metadata"]["continue"].as_str() {
            Some(t) if !t.is_empty() => token = t.to_string(),
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"]);

    let selected = c
        .admin(
            "GET",
            &format!("{base}?fieldSelector=metadata.name%3Dcm-3"),
            None,
        )
        .await
        .json();
    assert_eq!(selected["items"].as_array().unwrap().len(), 1);
    let bad = c
        .admin("GET", &format!("{base}?continue=garbage"), None)
        .await;
    assert_eq!(bad.status, 400);
}

async fn watch_streams_changes(backend: Backend) {
    let c = Cluster::start_on(backend);
    let base = "/api/v1/namespaces/default/configmaps";
    assert_eq!(
        c.admin("POST", base, Some(configmap("before", json!({}))))
            .await
            .status,
        201
    );
    let list = c.admin("GET", base, None).await.json();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let mut from_rv = c
        .watch(&format!("{base}?watch=true&resourceVersion={rv}"))
        .await;
    let mut from_zero = c
        .watch(
            "/api/v1/watch/namespaces/default/configmaps?resourceVersion=0&labelSelector=app%3Dweb",
        )
        .await;

    let mut cm = configmap("web", json!({"k": "v"}));
    cm["metadata"]["labels"] = json!({"app": "web"});
    let created = c.admin("POST", base, Some(cm)).await.json();
    let mut update = created.clone();
    update["data"]["k"] = json!("v2");
    assert_eq!(
        c.admin("PUT", &format!("{base}/web"), Some(update))
            .await
            .status,
        200
    );
    assert_eq!(
        c.admin("DELETE", &format!("{base}/web"), None).await.status,
        200
    );

    let wait = Duration::from_secs(10);
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let ev = from_rv.next(wait).await.expect("event");
        assert_eq!(ev["object"]["metadata"]["name"], "web");
        kinds.push(ev["type"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds, ["ADDED", "MODIFIED", "DELETED"]);

    // From "0" with a selector: only the labelled object, its history, no "before".
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let ev = from_zero.next(wait).await.expect("event");
        assert_eq!(ev["object"]["metadata"]["name"], "web", "{ev}");
        kinds.push(ev["type"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds, ["ADDED", "MODIFIED", "DELETED"]);

    let mut initial = c.watch(&format!("{base}?watch=1&timeoutSeconds=2")).await;
    let first = initial.next(wait).await.expect("initial ADDED");
    assert_eq!(
        (
            first["type"].as_str(),
            first["object"]["metadata"]["name"].as_str()
        ),
        (Some("ADDED"), Some("before"))
    );
    // timeoutSeconds closes the stream.
    assert!(initial.next(Duration::from_secs(6)).await.is_none());

    // (A start older than etcd's compacted history: tests/storage.rs.)

    let mut bookmarks = c
        .watch(&format!("{base}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"))
        .await;
    let added = bookmarks.next(wait).await.unwrap();
    assert_eq!(added["type"], "ADDED");
    let end = bookmarks.next(wait).await.unwrap();
    assert_eq!(end["type"], "BOOKMARK");
    assert_eq!(
        end["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_output() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/configmaps";
    assert_eq!(
        c.admin(
            "POST",
            base,
            Some(configmap("t", json!({"a": "1", "b": "2"})))
        )
        .await
        .status,
        201
    );
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let table = c
        .request(
            Who::Admin,
            "GET",
            &format!("{base}?limit=500"),
            &[("accept", accept)],
            None,
        )
        .await;
    assert_eq!(table.status, 200);
    let t = table.json();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(cols, ["Name", "Data", "Age"]);
    assert_eq!(t["rows"][0]["cells"][0], "t");
    assert_eq!(t["rows"][0]["cells"][1], 2);
    assert_eq!(t["rows"][0]["object"]["metadata"]["namespace"], "default");
    let nodes = c
        .request(
            Who::Admin,
            "GET",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            &[("accept", accept)],
            None,
        )
        .await
        .json();
    let cols: Vec<&str> = nodes["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(cols, ["Name", "Created At"]);
    let nodes = c
        .request(
            Who::Admin,
            "GET",
            "/api/v1/nodes",
            &[("accept", accept)],
            None,
        )
        .await
        .json();
    let cols: Vec<&str> = nodes["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(&cols[..5], ["Name", "Status", "Roles", "Age", "Version"]);
}

/// Malformed bodies for every stored resource: always an API error, never a dropped
/// connection or a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_never_crash() {
    let c = Cluster::start();
    let bodies = [
        json!([]),
        json!("text"),
        json!({"metadata": "x"}),
        json!({"metadata": {"name": "bad"}, "spec": "x", "status": 7}),
        json!({"metadata": {"name": "bad", "labels": ["x"]}, "spec": {"ports": [1, "a"], "type": "NodePort", "containers": "x", "selector": 5, "template": 3}}),
        json!({"metadata": {"name": "bad"}, "spec": {"type": "NodePort", "ports": [1, {"port": 80}]}, "data": [1]}),
    ];
    let registry = api_types::registry::builtin();
    for info in registry.all().filter(|r| r.etcd_prefix.is_some()) {
        let base = if info.group.is_empty() {
            format!("/api/{}", info.version)
        } else {
            format!("/apis/{}/{}", info.group, info.version)
        };
        let path = if info.is_namespaced() {
            format!("{base}/namespaces/default/{}", info.plural)
        } else {
            format!("{base}/{}", info.plural)
        };
        for body in &bodies {
            let r = c.admin("POST", &path, Some(body.clone())).await;
            assert!(
                r.status < 500,
                "POST {path} {body}: {} {}",
                r.status,
                r.text()
            );
            let r = c
                .admin("PUT", &format!("{path}/bad"), Some(body.clone()))
                .await;
            assert!(
                r.status < 500,
                "PUT {path}/bad {body}: {} {}",
                r.status,
                r.text()
            );
        }
    }
    let health = c
        .request(Who::Anonymous, "GET", "/healthz", &[], None)
        .await;
    assert_eq!(health.status, 200);
}

/// `allowWatchBookmarks`: a BOOKMARK carrying the current revision arrives before
/// `timeoutSeconds` ends the stream (upstream sends one 2 s before the deadline, and every
/// minute); without the option, none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_bookmarks_before_timeout() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/configmaps";
    let list = c.admin("GET", base, None).await.json();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let mut with = c
        .watch(&format!(
            "{base}?watch=1&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=8"
        ))
        .await;
    let mut without = c
        .watch(&format!(
            "{base}?watch=1&resourceVersion={rv}&timeoutSeconds=8"
        ))
        .await;
    let made = c
        .admin("POST", base, Some(configmap("bm", json!({}))))
        .await
        .json();
    let made_rv: i64 = made["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let mut events = Vec::new();
    while let Some(ev) = with.next(Duration::from_secs(30)).await {
        events.push(ev);
    }
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ADDED", "BOOKMARK"], "{events:?}");
    let b = &events[1]["object"];
    assert_eq!(b["kind"], "ConfigMap");
    assert_eq!(b["apiVersion"], "v1");
    let b_rv: i64 = b["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(b_rv >= made_rv, "bookmark {b_rv} behind {made_rv}");

    let mut plain = Vec::new();
    while let Some(ev) = without.next(Duration::from_secs(30)).await {
        plain.push(ev["type"].as_str().unwrap().to_string());
    }
    assert_eq!(plain, ["ADDED"]);
}

/// The value of one series line (`name{labels} value`) in a Prometheus text page.
fn series(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
}

/// `/metrics` carries upstream's series with upstream's labels, and they move.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_series() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/configmaps";
    let created = c
        .admin("POST", base, Some(configmap("m1", json!({}))))
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(c.admin("GET", base, None).await.status, 200);
    assert_eq!(
        c.admin("GET", &format!("{base}/missing"), None)
            .await
            .status,
        404
    );
    let _watch = c.watch(&format!("{base}?watch=1")).await;

    let text = c.admin("GET", "/metrics", None).await.text();
    let post = r#"apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="POST",version="v1"}"#;
    assert_eq!(series(&text, post), Some(1.0), "{text}");
    let missing = r#"apiserver_request_total{code="404",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"}"#;
    assert_eq!(series(&text, missing), Some(1.0), "{text}");
    let list = r#"apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"}"#;
    assert_eq!(series(&text, list), Some(1.0), "{text}");
    let watchers = r#"apiserver_registered_watchers{group="",kind="ConfigMap",version="v1"}"#;
    assert_eq!(series(&text, watchers), Some(1.0), "{text}");
    let namespaces = r#"apiserver_storage_objects{resource="namespaces"}"#;
    assert_eq!(series(&text, namespaces), Some(4.0), "{text}");

    // The object count follows creates and deletes (upstream polls; ours is live, so wait
    // for either).
    let configmaps = r#"apiserver_storage_objects{resource="configmaps"}"#;
    let before = series(&text, configmaps).expect("configmaps count");
    assert!(before >= 1.0, "{text}");
    assert_eq!(
        c.admin("DELETE", &format!("{base}/m1"), None).await.status,
        200
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = c.admin("GET", "/metrics", None).await.text();
        if series(&text, configmaps) == Some(before - 1.0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// DELETE of a collection honours label and field selectors, answers the deleted objects as a
/// list, and refuses a field upstream cannot select on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletecollection_with_selectors() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/configmaps";
    for (name, app) in [("a", "x"), ("b", "x"), ("c", "y")] {
        let mut cm = configmap(name, json!({}));
        cm["metadata"]["labels"] = json!({"app": app});
        assert_eq!(c.admin("POST", base, Some(cm)).await.status, 201);
    }
    let names = |v: &Value| -> Vec<String> {
        let mut n: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    let r = c
        .admin("DELETE", &format!("{base}?labelSelector=app%3Dx"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    assert_eq!(r["kind"], "ConfigMapList");
    assert_eq!(names(&r), ["a", "b"]);
    let left = c.admin("GET", base, None).await.json();
    assert_eq!(names(&left), ["c"]);

    let bad = c
        .admin(
            "DELETE",
            &format!("{base}?fieldSelector=spec.foo%3D1"),
            None,
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert_eq!(names(&c.admin("GET", base, None).await.json()), ["c"]);

    let r = c
        .admin(
            "DELETE",
            &format!("{base}?fieldSelector=metadata.name%3Dc"),
            None,
        )
        .await
        .json();
    assert_eq!(names(&r), ["c"]);
    assert!(names(&c.admin("GET", base, None).await.json()).is_empty());
}

/// One watch cache fans out to many watchers: 400 concurrent watches of one collection all
/// get the same event, `apiserver_registered_watchers` counts them, and the count falls back
/// when they leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watch_fan_out_to_many_watchers() {
    const WATCHERS: usize = 400;
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/configmaps";
    let rv = c.admin("GET", base, None).await.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("{base}?watch=1&resourceVersion={rv}");
    let mut watches = Vec::new();
    for chunk in 0..WATCHERS / 50 {
        let opened = (0..50).map(|_| c.watch(&path));
        watches.extend(futures::future::join_all(opened).await);
        assert_eq!(watches.len(), (chunk + 1) * 50);
    }
    let gauge = r#"apiserver_registered_watchers{group="",kind="ConfigMap",version="v1"}"#;
    let text = c.admin("GET", "/metrics", None).await.text();
    assert_eq!(series(&text, gauge), Some(WATCHERS as f64), "{text}");

    let created = c
        .admin("POST", base, Some(configmap("fan", json!({}))))
        .await
        .json();
    let reads = watches
        .iter_mut()
        .map(|w| async { w.next(Duration::from_secs(60)).await });
    let events = futures::future::join_all(reads).await;
    for ev in &events {
        let ev = ev.as_ref().expect("every watcher gets the event");
        assert_eq!(ev["type"], "ADDED");
        assert_eq!(
            ev["object"]["metadata"]["resourceVersion"],
            created["metadata"]["resourceVersion"]
        );
    }

    drop(watches);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let text = c.admin("GET", "/metrics", None).await.text();
        if series(&text, gauge) == Some(0.0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Health endpoints: per-check sub-paths, `?verbose` listing, unknown checks 404, open to
/// anonymous users.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_sub_paths() {
    let c = Cluster::start();
    for path in [
        "/livez/etcd",
        "/readyz/etcd",
        "/healthz/etcd",
        "/livez/ping",
    ] {
        let r = c.request(Who::Anonymous, "GET", path, &[], None).await;
        assert_eq!((r.status, r.text().as_str()), (200, "ok"), "{path}");
    }
    let verbose = c
        .request(Who::Anonymous, "GET", "/livez?verbose", &[], None)
        .await;
    assert_eq!(verbose.status, 200);
    let text = verbose.text();
    assert!(text.contains("[+]ping ok"), "{text}");
    assert!(text.contains("[+]etcd ok"), "{text}");
    assert!(text.trim_end().ends_with("livez check passed"), "{text}");
    let missing = c
        .request(Who::Anonymous, "GET", "/livez/nope", &[], None)
        .await;
    assert_eq!(missing.status, 404, "{}", missing.text());
}
