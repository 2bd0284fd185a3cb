//! The storage-facing suite, run twice: against real etcd and against the workspace's
//! etcd-shim (built if missing; never skipped). Keys and values as upstream lays them out,
//! conflicts, watch resume across an apiserver restart, compaction and 410.

mod common;

use std::time::Duration;

use common::{on_both, Backend, Cluster, Resp};
use serde_json::{json, Value};

const CMS: &str = "/api/v1/namespaces/default/configmaps";

on_both!(
    keys_values_and_conflicts,
    watch_resumes_across_restart,
    compacted_history_is_expired,
    writes_start_from_the_watch_cache,
);

fn cm(name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})
}

fn rv(obj: &Value) -> i64 {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_else(|| panic!("no resourceVersion: {obj}"))
        .parse()
        .unwrap()
}

fn created(r: Resp) -> Value {
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

async fn keys_values_and_conflicts(backend: Backend) {
    let c = Cluster::start_on(backend);
    let a = created(c.admin("POST", CMS, Some(cm("a", json!({"k": "v"})))).await);

    // Upstream's key layout, a JSON value without resourceVersion, RV = mod revision.
    let mut etcd = c.etcd_client().await;
    let got = etcd
        .get("/registry/configmaps/default/a", None)
        .await
        .unwrap();
    let kv = &got.kvs()[0];
    let stored: Value = serde_json::from_slice(kv.value()).unwrap();
    assert_eq!(stored["kind"], "ConfigMap");
    assert_eq!(stored["apiVersion"], "v1");
    assert_eq!(stored["data"]["k"], "v");
    assert_eq!(stored["metadata"]["uid"], a["metadata"]["uid"]);
    assert!(
        stored["metadata"].get("resourceVersion").is_none(),
        "{stored}"
    );
    assert_eq!(kv.mod_revision(), rv(&a));
    let ns = etcd
        .get("/registry/namespaces/kube-system", None)
        .await
        .unwrap();
    assert_eq!(
        ns.kvs().len(),
        1,
        "cluster-scoped keys have no namespace segment"
    );

    // Create of an existing name: 409 AlreadyExists; nothing changes.
    let again = c
        .admin("POST", CMS, Some(cm("a", json!({"k": "other"}))))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["reason"], "AlreadyExists");
    assert_eq!(again.json()["message"], "configmaps \"a\" already exists");

    // Update with the current RV succeeds; with the old one it is 409 Conflict.
    let mut upd = a.clone();
    upd["data"]["k"] = json!("v2");
    let updated = c.admin("PUT", &format!("{CMS}/a"), Some(upd.clone())).await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    let updated = updated.json();
    assert!(rv(&updated) > rv(&a));
    upd["data"]["k"] = json!("stale");
    let stale = c.admin("PUT", &format!("{CMS}/a"), Some(upd)).await;
    assert_eq!(stale.status, 409);
    let stale = stale.json();
    assert_eq!(stale["reason"], "Conflict");
    assert_eq!(
        stale["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );
    let now = c.admin("GET", &format!("{CMS}/a"), None).await.json();
    assert_eq!(now["data"]["k"], "v2");
    assert_eq!(rv(&now), rv(&updated));

    // A delete with a stale RV precondition is refused too.
    let del = c
        .request(
            common::Who::Admin,
            "DELETE",
            &format!("{CMS}/a"),
            &[("content-type", "application/json")],
            Some(
                serde_json::to_vec(&json!({"kind": "DeleteOptions", "apiVersion": "v1",
                    "preconditions": {"resourceVersion": a["metadata"]["resourceVersion"]}}))
                .unwrap(),
            ),
        )
        .await;
    assert_eq!(del.status, 409, "{}", del.text());
    assert_eq!(c.admin("GET", &format!("{CMS}/a"), None).await.status, 200);
}

/// Collects events until the stream ends (it has a server-side timeout).
async fn drain(w: &mut common::Watch) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    while let Some(ev) = w.next(Duration::from_secs(30)).await {
        out.push((
            ev["type"].as_str().unwrap().to_string(),
            ev["object"]["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            rv(&ev["object"]),
        ));
    }
    out
}

async fn watch_resumes_across_restart(backend: Backend) {
    let mut c = Cluster::start_on(backend);
    let a = created(c.admin("POST", CMS, Some(cm("a", json!({})))).await);
    let mut w = c
        .watch(&format!("{CMS}?watch=true&resourceVersion={}", rv(&a)))
        .await;
    let b = created(c.admin("POST", CMS, Some(cm("b", json!({})))).await);
    let seen = w.next(Duration::from_secs(20)).await.expect("ADDED b");
    assert_eq!(seen["type"], "ADDED");
    let last_seen = rv(&seen["object"]);
    assert_eq!(last_seen, rv(&b));
    drop(w);

    // Missed by the client: two changes to b, and writes elsewhere moving the revision on.
    let mut upd = b.clone();
    upd["data"] = json!({"x": "1"});
    let b2 = c.admin("PUT", &format!("{CMS}/b"), Some(upd)).await.json();
    let mut upd = b2.clone();
    upd["data"] = json!({"x": "2"});
    let b3 = c.admin("PUT", &format!("{CMS}/b"), Some(upd)).await.json();
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    assert_eq!(
        c.admin("POST", "/api/v1/namespaces/default/secrets", Some(secret))
            .await
            .status,
        201
    );

    // Down: someone writes to etcd behind the apiserver's back.
    c.stop_apiserver();
    let direct = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "direct",
        "namespace": "default", "uid": "0f0e0d0c-0000-4000-8000-000000000001",
        "creationTimestamp": "2025-01-01T00:00:00Z"}});
    c.etcd_client()
        .await
        .put(
            "/registry/configmaps/default/direct",
            serde_json::to_vec(&direct).unwrap(),
            None,
        )
        .await
        .unwrap();
    c.start_apiserver();

    created(c.admin("POST", CMS, Some(cm("c", json!({})))).await);
    let del = c.admin("DELETE", &format!("{CMS}/a"), None).await;
    assert_eq!(del.status, 200, "{}", del.text());
    let delete_revision = c
        .etcd_client()
        .await
        .get("/registry/configmaps/default/a", None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();

    let mut resumed = c
        .watch(&format!(
            "{CMS}?watch=true&resourceVersion={last_seen}&timeoutSeconds=3"
        ))
        .await;
    let events = drain(&mut resumed).await;
    let names: Vec<(&str, &str)> = events
        .iter()
        .map(|(t, n, _)| (t.as_str(), n.as_str()))
        .collect();
    if progress_is_reliable(&c, backend).await {
        // etcd's own history: every change, each at its own revision.
        assert_eq!(
            names,
            [
                ("MODIFIED", "b"),
                ("MODIFIED", "b"),
                ("ADDED", "direct"),
                ("ADDED", "c"),
                ("DELETED", "a")
            ],
            "{events:?}"
        );
        assert_eq!(events[0].2, rv(&b2));
        assert_eq!(events[1].2, rv(&b3));
        assert_eq!(events[4].2, delete_revision, "the delete's own revision");
    } else {
        // Older etcd: the difference of two states, so b's two changes are one.
        assert_eq!(
            names,
            [
                ("MODIFIED", "b"),
                ("ADDED", "direct"),
                ("ADDED", "c"),
                ("DELETED", "a")
            ],
            "{events:?}"
        );
        assert_eq!(events[0].2, rv(&b3));
    }
    assert!(
        events.windows(2).all(|w| w[0].2 < w[1].2),
        "resourceVersions must grow: {events:?}"
    );
    assert!(events.iter().all(|e| e.2 > last_seen));
}

async fn compacted_history_is_expired(backend: Backend) {
    let mut c = Cluster::start_on(backend);
    let a = created(c.admin("POST", CMS, Some(cm("a", json!({})))).await);
    let old = rv(&a);
    created(c.admin("POST", CMS, Some(cm("b", json!({})))).await);
    let page = c.admin("GET", &format!("{CMS}?limit=1"), None).await.json();
    let token = page["metadata"]["continue"].as_str().unwrap().to_string();
    let b2 = created(c.admin("POST", CMS, Some(cm("c", json!({})))).await);
    // What upstream's compactor does every --etcd-compaction-interval.
    c.etcd_client().await.compact(rv(&b2), None).await.unwrap();
    // A fresh watch cache: the old revisions are outside its window, only etcd had them.
    c.restart_apiserver();

    // A watch from before the compaction: 200, then an in-stream 410 Expired.
    let mut w = c
        .watch(&format!("{CMS}?watch=true&resourceVersion={old}"))
        .await;
    let err = w.next(Duration::from_secs(20)).await.expect("ERROR event");
    assert_eq!(err["type"], "ERROR", "{err}");
    assert_eq!(err["object"]["code"], 410);
    assert_eq!(err["object"]["reason"], "Expired");
    assert!(w.next(Duration::from_secs(20)).await.is_none());

    // An exact list at a compacted revision, and a continue token from before: 410.
    let exact = c
        .admin(
            "GET",
            &format!("{CMS}?resourceVersion={old}&resourceVersionMatch=Exact"),
            None,
        )
        .await;
    assert_eq!(exact.status, 410, "{}", exact.text());
    assert_eq!(exact.json()["reason"], "Expired");
    let cont = c
        .admin("GET", &format!("{CMS}?limit=1&continue={token}"), None)
        .await;
    assert_eq!(cont.status, 410, "{}", cont.text());
    assert_eq!(cont.json()["reason"], "Expired");

    // A watch from the compaction revision on still works.
    let mut fine = c
        .watch(&format!("{CMS}?watch=true&resourceVersion={}", rv(&b2)))
        .await;
    created(c.admin("POST", CMS, Some(cm("d", json!({})))).await);
    let ev = fine.next(Duration::from_secs(20)).await.expect("ADDED d");
    assert_eq!(ev["type"], "ADDED");
    assert_eq!(ev["object"]["metadata"]["name"], "d");
}

/// `--etcd-compaction-interval`: the apiserver compacts etcd itself, so an exact list at an
/// old revision soon becomes 410 Expired while current reads keep working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apiserver_compacts_etcd() {
    let c = Cluster::start_opts(common::Opts {
        apiserver_args: vec!["--etcd-compaction-interval=1s".to_string()],
        ..common::Opts::default()
    });
    let a = created(c.admin("POST", CMS, Some(cm("a", json!({})))).await);
    let old = rv(&a);
    created(c.admin("POST", CMS, Some(cm("b", json!({})))).await);
    let exact = format!("{CMS}?resourceVersion={old}&resourceVersionMatch=Exact");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let r = c.admin("GET", &exact, None).await;
        if r.status == 410 {
            assert_eq!(r.json()["reason"], "Expired");
            break;
        }
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            std::time::Instant::now() < deadline,
            "never compacted:\n{}",
            c.log()
        );
        // Writes move the revision on, so each interval has something to compact.
        let _ = c.admin("POST", CMS, Some(cm("tick", json!({})))).await;
        let _ = c.admin("DELETE", &format!("{CMS}/tick"), None).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(c.admin("GET", &format!("{CMS}/a"), None).await.status, 200);
}

/// A `resourceVersion` the storage has not reached: lists and watches wait for it briefly,
/// then answer upstream's 504 "Too large resource version"; one just reached is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_resource_version() {
    let c = Cluster::start();
    let a = created(c.admin("POST", CMS, Some(cm("a", json!({})))).await);
    let ahead = rv(&a) + 1000;
    for path in [
        format!("{CMS}?resourceVersion={ahead}"),
        format!("{CMS}?resourceVersion={ahead}&resourceVersionMatch=NotOlderThan"),
        format!("{CMS}?watch=1&resourceVersion={ahead}"),
    ] {
        let r = c.admin("GET", &path, None).await;
        assert_eq!(r.status, 504, "{path}: {}", r.text());
        let s = r.json();
        assert_eq!(s["reason"], "Timeout");
        assert!(
            s["message"].as_str().unwrap().starts_with(&format!(
                "Timeout: Too large resource version: {ahead}, current: "
            )),
            "{s}"
        );
        assert_eq!(
            s["details"]["causes"][0]["reason"],
            "ResourceVersionTooLarge"
        );
    }
    let ok = c
        .admin("GET", &format!("{CMS}?resourceVersion={}", rv(&a)), None)
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["items"].as_array().unwrap().len(), 1);

    // A revision reached by another resource only (the config map cache saw no change since)
    // is not "too large".
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let s = created(
        c.admin("POST", "/api/v1/namespaces/default/secrets", Some(secret))
            .await,
    );
    let global = rv(&s);
    let r = c
        .admin("GET", &format!("{CMS}?resourceVersion={global}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut w = c
        .watch(&format!("{CMS}?watch=1&resourceVersion={global}"))
        .await;
    created(c.admin("POST", CMS, Some(cm("after", json!({})))).await);
    let ev = w.next(Duration::from_secs(20)).await.expect("ADDED after");
    assert_eq!(ev["object"]["metadata"]["name"], "after");
}

on_both!(consistent_lists);

/// Whether the backend's progress notifications are reliable (etcd-shim; etcd 3.4.31+ and
/// 3.5.13+), which decides what the apiserver serves from its watch cache.
async fn progress_is_reliable(c: &Cluster, backend: Backend) -> bool {
    if backend == Backend::Shim {
        return true;
    }
    let version = c
        .etcd_client()
        .await
        .status()
        .await
        .unwrap()
        .version()
        .to_string();
    let v: Vec<u64> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    matches!(v[..], [3, 4, p, ..] if p >= 31)
        || matches!(v[..], [3, 5, p, ..] if p >= 13)
        || matches!(v[..], [3, m, ..] if m > 5)
}

/// The value of one series in the apiserver's `/metrics` (0 when absent).
async fn metric(c: &Cluster, series: &str) -> f64 {
    let r = c.admin("GET", "/metrics", None).await;
    assert_eq!(r.status, 200);
    r.text()
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// Lists without a `resourceVersion` are consistent reads (they see every write made before
/// them, even one written to etcd behind the apiserver's back) and, on an etcd whose progress
/// notifications are reliable (etcd-shim, etcd >= 3.4.31/3.5.13), are served by the watch
/// cache, paged with `limit`/`continue` at one revision.
async fn consistent_lists(backend: Backend) {
    let c = Cluster::start_on(backend);
    let mut etcd = c.etcd_client().await;
    let version = etcd.status().await.unwrap().version().to_string();
    let cached = progress_is_reliable(&c, backend).await;
    let served = r#"apiserver_watch_cache_consistent_read_total{fallback="false",resource="configmaps",success="true"}"#;
    let fallbacks = r#"apiserver_watch_cache_consistent_read_total{fallback="true",resource="configmaps",success="false"}"#;
    let before = metric(&c, served).await;

    // Read your own writes, many times over.
    for i in 0..30 {
        let name = format!("w{i:02}");
        created(c.admin("POST", CMS, Some(cm(&name, json!({})))).await);
        let list = c.admin("GET", CMS, None).await.json();
        assert!(names(&list).contains(&name), "{name} missing from {list}");
    }
    // A write that bypasses the apiserver is seen by the next consistent list.
    let raw = cm("raw", json!({"k": "v"}));
    etcd.put(
        "/registry/configmaps/default/raw",
        serde_json::to_vec(&raw).unwrap(),
        None,
    )
    .await
    .unwrap();
    let list = c.admin("GET", CMS, None).await.json();
    assert!(names(&list).contains(&"raw".to_string()), "{list}");

    // The config map cache is quiet while another resource moves etcd's revision on: the
    // next consistent list still answers from the cache (a progress notification), at a
    // revision at least the other write's.
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let s = created(
        c.admin("POST", "/api/v1/namespaces/default/secrets", Some(secret))
            .await,
    );
    let list = c.admin("GET", CMS, None).await.json();
    assert!(
        rv(&list) >= rv(&s),
        "list at {} before {}",
        rv(&list),
        rv(&s)
    );

    // Paging: each page is a slice of one revision; the rest comes with `continue`.
    let mut pages = Vec::new();
    let mut path = format!("{CMS}?limit=7");
    loop {
        let page = c.admin("GET", &path, None).await.json();
        pages.push(page.clone());
        match page["metadata"]["continue"].as_str() {
            Some(token) if !token.is_empty() => path = format!("{CMS}?limit=7&continue={token}"),
            _ => break,
        }
    }
    assert_eq!(pages.len(), 5, "31 objects in pages of 7");
    assert_eq!(pages[0]["metadata"]["remainingItemCount"], 24);
    let first_rv = rv(&pages[0]);
    let all: Vec<String> = pages.iter().flat_map(names).collect();
    let mut expected: Vec<String> = (0..30).map(|i| format!("w{i:02}")).collect();
    expected.insert(0, "raw".into());
    expected.sort();
    assert_eq!(all, expected);
    for page in &pages {
        assert_eq!(
            rv(page),
            first_rv,
            "every page at the first page's revision"
        );
    }

    let served_now = metric(&c, served).await - before;
    if cached {
        assert!(
            served_now >= 33.0,
            "consistent reads from the cache: {served_now}"
        );
        assert_eq!(metric(&c, fallbacks).await, 0.0);
    } else {
        // etcd {version}: progress notifications may run ahead of events; etcd serves.
        assert_eq!(
            served_now, 0.0,
            "etcd {version} must not serve consistent reads from the cache"
        );
    }
}

/// Objects are defaulted when read, as upstream's storage codec does: a pod stored without
/// the defaults (by an older server, or behind the apiserver's back) reads with them from
/// etcd (GET), from the watch cache (list, watch) and can be updated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_objects_read_with_defaults() {
    let c = Cluster::start();
    let bare = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "bare", "namespace": "default",
            "uid": "0f0e0d0c-0000-4000-8000-000000000002",
            "creationTimestamp": "2025-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}});
    c.etcd_client()
        .await
        .put(
            "/registry/pods/default/bare",
            serde_json::to_vec(&bare).unwrap(),
            None,
        )
        .await
        .unwrap();
    let pods = "/api/v1/namespaces/default/pods";
    let got = c.admin("GET", &format!("{pods}/bare"), None).await;
    assert_eq!(got.status, 200, "{}", got.text());
    let got = got.json();
    assert_eq!(got["spec"]["restartPolicy"], "Always", "{got}");
    assert_eq!(got["spec"]["dnsPolicy"], "ClusterFirst");
    assert_eq!(
        got["spec"]["containers"][0]["terminationMessagePath"],
        "/dev/termination-log"
    );
    let listed = c
        .admin("GET", &format!("{pods}?resourceVersion=0"), None)
        .await
        .json();
    let item = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["metadata"]["name"] == "bare")
        .cloned()
        .expect("listed");
    assert_eq!(item["spec"]["restartPolicy"], "Always", "{item}");
    // An update of the read object (now with every default) is accepted.
    let mut upd = got.clone();
    upd["metadata"]["labels"] = json!({"x": "y"});
    let r = c.admin("PUT", &format!("{pods}/bare"), Some(upd)).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

/// NamespaceLifecycle reads namespaces from the watch cache, and looks one up in etcd when
/// the cache does not have it (yet): content in a namespace written a moment ago behind the
/// apiserver's back is admitted, in a missing one refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_admission_falls_back_to_etcd() {
    let c = Cluster::start();
    let ns = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "behind", "uid": "0f0e0d0c-0000-4000-8000-000000000003",
            "creationTimestamp": "2025-01-01T00:00:00Z"},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
    c.etcd_client()
        .await
        .put(
            "/registry/namespaces/behind",
            serde_json::to_vec(&ns).unwrap(),
            None,
        )
        .await
        .unwrap();
    let r = c
        .admin(
            "POST",
            "/api/v1/namespaces/behind/configmaps",
            Some(cm("a", json!({}))),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = c
        .admin(
            "POST",
            "/api/v1/namespaces/nowhere/configmaps",
            Some(cm("a", json!({}))),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(r.json()["message"], "namespaces \"nowhere\" not found");
}

/// Waits until the configmaps watch cache has reached `revision` (a NotOlderThan list is
/// served by the cache once it has).
async fn cache_reached(c: &Cluster, revision: i64) {
    let path = format!("{CMS}?resourceVersion={revision}&resourceVersionMatch=NotOlderThan");
    let r = c.admin("GET", &path, None).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Updates and deletes start from the watch cache's copy and write with a compare on its
/// revision, as upstream's store does with `cachedExistingObject`: once the cache holds an
/// object, a PUT and a DELETE are one etcd request each (`etcd_requests_total`). A copy
/// that is behind etcd never decides the outcome: objects rewritten behind the apiserver's
/// back are updated and deleted with the revision etcd has (not 409), and a stale
/// precondition is still refused. (Real etcd sends its watch events after the write's
/// answer, so there the request reliably meets a cache that is behind; the shim is often
/// quicker.)
async fn writes_start_from_the_watch_cache(backend: Backend) {
    let c = Cluster::start_on(backend);
    let gets = r#"etcd_requests_total{operation="get",type="configmaps"}"#;
    let updates = r#"etcd_requests_total{operation="update",type="configmaps"}"#;
    let deletes = r#"etcd_requests_total{operation="delete",type="configmaps"}"#;

    let a = created(c.admin("POST", CMS, Some(cm("a", json!({"k": "1"})))).await);
    cache_reached(&c, rv(&a)).await;
    let (g0, u0) = (metric(&c, gets).await, metric(&c, updates).await);
    let mut upd = a.clone();
    upd["data"]["k"] = json!("2");
    let r = c.admin("PUT", &format!("{CMS}/a"), Some(upd)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let a = r.json();
    assert_eq!(a["data"]["k"], "2");
    cache_reached(&c, rv(&a)).await;
    let d0 = metric(&c, deletes).await;
    let r = c.admin("DELETE", &format!("{CMS}/a"), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        metric(&c, gets).await,
        g0,
        "no etcd reads for the PUT and DELETE"
    );
    assert_eq!(metric(&c, updates).await, u0 + 1.0);
    assert_eq!(metric(&c, deletes).await, d0 + 1.0);

    // Rewritten behind the apiserver's back, then at once updated with etcd's revision.
    // Each rewrite shares its etcd transaction with a megabyte of other configmaps, which
    // keeps the watch cache busy (and behind) while the PUT arrives.
    let mut etcd = c.etcd_client().await;
    let b = created(c.admin("POST", CMS, Some(cm("b", json!({"n": "0"})))).await);
    let key = "/registry/configmaps/default/b";
    let mut stored = b.clone();
    stored["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("resourceVersion");
    let template = stored.clone();
    let filler = |i: usize, round: usize| {
        let mut f = template.clone();
        f["metadata"]["name"] = json!(format!("filler-{i}"));
        f["metadata"]["uid"] = json!(format!("00000000-0000-4000-8000-{i:012}"));
        f["data"] = json!({"x": format!("{round}{}", "x".repeat(50_000))});
        (
            format!("/registry/configmaps/default/filler-{i}"),
            serde_json::to_vec(&f).unwrap(),
        )
    };
    let behind_at = |key: &str, value: &Value, round: usize| {
        let mut ops = vec![etcd_client::TxnOp::put(
            key,
            serde_json::to_vec(value).unwrap(),
            None,
        )];
        ops.extend((0..20).map(|i| {
            let (k, v) = filler(i, round);
            etcd_client::TxnOp::put(k, v, None)
        }));
        etcd_client::Txn::new().and_then(ops)
    };
    let behind = |value: &Value, round: usize| behind_at(key, value, round);
    let mut conn = c.open(common::Who::Admin).await;
    for i in 1..=10 {
        stored["data"]["behind"] = json!(i.to_string());
        let txn = etcd.txn(behind(&stored, i)).await.unwrap();
        let behind_rv = txn.header().unwrap().revision();
        let mut upd = stored.clone();
        upd["metadata"]["resourceVersion"] = json!(behind_rv.to_string());
        upd["data"]["n"] = json!(i.to_string());
        let r = conn
            .json("PUT", &format!("{CMS}/b"), Some(upd.clone()))
            .await;
        assert_eq!(r.status, 200, "round {i}: {}", r.text());
        let got = r.json();
        let i_str = i.to_string();
        assert_eq!(got["data"]["n"].as_str(), Some(i_str.as_str()), "{got}");
        assert_eq!(
            got["data"]["behind"].as_str(),
            Some(i_str.as_str()),
            "{got}"
        );
        assert!(rv(&got) > behind_rv);
        // The revision just replaced is stale now: refused, whatever the cache holds.
        let r = c.admin("PUT", &format!("{CMS}/b"), Some(upd)).await;
        assert_eq!(r.status, 409, "round {i}: {}", r.text());
        stored["data"]["n"] = json!(i_str);
    }
    // A delete with a precondition on the revision etcd has right now succeeds at once.
    for i in 0..5 {
        let name = format!("d{i}");
        let r = conn
            .json("POST", CMS, Some(cm(&name, json!({"n": "0"}))))
            .await;
        let mut d = created(r);
        d["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        d["data"]["behind"] = json!("yes");
        let d_key = format!("/registry/configmaps/default/{name}");
        let txn = etcd.txn(behind_at(&d_key, &d, 100 + i)).await.unwrap();
        let behind_rv = txn.header().unwrap().revision();
        let opts = json!({"kind": "DeleteOptions", "apiVersion": "v1",
            "preconditions": {"resourceVersion": behind_rv.to_string()}});
        let r = conn
            .json("DELETE", &format!("{CMS}/{name}"), Some(opts))
            .await;
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert!(etcd.get(d_key, None).await.unwrap().kvs().is_empty());
    }
}
