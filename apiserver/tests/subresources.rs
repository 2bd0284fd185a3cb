//! Pods (defaults, binding, graceful deletion, eviction), status and scale subresources.

mod common;

use common::Cluster;
use serde_json::json;

fn pod(name: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_binding_deletion_and_eviction() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/pods";
    let created = c.admin("POST", base, Some(pod("web"))).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let p = created.json();
    assert_eq!(p["status"]["phase"], "Pending");
    assert_eq!(p["spec"]["restartPolicy"], "Always");
    assert_eq!(
        p["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );

    let invalid = c
        .admin(
            "POST",
            base,
            Some(json!({"metadata": {"name": "x"}, "spec": {"containers": [{"name": "c"}]}})),
        )
        .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(
        invalid.json()["details"]["causes"][0]["field"],
        "spec.containers[0].image"
    );

    let binding = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web"}, "target": {"kind": "Node", "name": "node-1"}});
    let bound = c
        .admin(
            "POST",
            &format!("{base}/web/binding"),
            Some(binding.clone()),
        )
        .await;
    assert_eq!(bound.status, 201, "{}", bound.text());
    assert_eq!(bound.json()["status"], "Success");
    let again = c
        .admin("POST", &format!("{base}/web/binding"), Some(binding))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.json()["message"],
        "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node-1\""
    );
    let on_node = c
        .admin(
            "GET",
            "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1",
            None,
        )
        .await
        .json();
    assert_eq!(on_node["items"].as_array().unwrap().len(), 1);

    // Status updates change only the status.
    let mut current = c.admin("GET", &format!("{base}/web"), None).await.json();
    current["status"]["phase"] = json!("Running");
    current["spec"]["containers"][0]["image"] = json!("ignored:2");
    let st = c
        .admin("PUT", &format!("{base}/web/status"), Some(current))
        .await;
    assert_eq!(st.status, 200, "{}", st.text());
    assert_eq!(st.json()["status"]["phase"], "Running");
    assert_eq!(st.json()["spec"]["containers"][0]["image"], "nginx:1.27");

    // A scheduled pod is deleted gracefully: marked, still readable.
    let marked = c.admin("DELETE", &format!("{base}/web"), None).await;
    assert_eq!(marked.status, 200);
    let m = marked.json();
    assert_eq!(m["kind"], "Pod");
    assert_eq!(m["metadata"]["deletionGracePeriodSeconds"], 30);
    assert!(m["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(
        c.admin("GET", &format!("{base}/web"), None).await.status,
        200
    );
    // The kubelet's final delete with grace 0 removes it.
    let gone = c
        .admin("DELETE", &format!("{base}/web?gracePeriodSeconds=0"), None)
        .await;
    assert_eq!(gone.status, 200);
    assert_eq!(
        c.admin("GET", &format!("{base}/web"), None).await.status,
        404
    );

    assert_eq!(c.admin("POST", base, Some(pod("victim"))).await.status, 201);
    let eviction = json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "victim", "namespace": "default"}});
    let evicted = c
        .admin("POST", &format!("{base}/victim/eviction"), Some(eviction))
        .await;
    assert_eq!(evicted.status, 201, "{}", evicted.text());
    assert_eq!(
        c.admin("GET", &format!("{base}/victim"), None).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployment_scale_and_generation() {
    let c = Cluster::start();
    let base = "/apis/apps/v1/namespaces/default/deployments";
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
        "status": {"replicas": 99}});
    let created = c.admin("POST", base, Some(d)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    assert_eq!(created["metadata"]["generation"], 1);
    assert!(
        created.get("status").is_none(),
        "status is cleared on create"
    );
    assert_eq!(created["spec"]["strategy"]["type"], "RollingUpdate");
    assert_eq!(created["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(
        created["spec"]["template"]["spec"]["restartPolicy"],
        "Always"
    );

    let mismatch = json!({"metadata": {"name": "bad"}, "spec": {"selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "y"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    let refused = c.admin("POST", base, Some(mismatch)).await;
    assert_eq!(refused.status, 422);
    let s = refused.json();
    assert_eq!(
        s["details"]["causes"][0]["field"],
        "spec.template.metadata.labels"
    );
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment.apps \"bad\" is invalid"),
        "{s}"
    );

    let job = json!({"metadata": {"name": "pi"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
        "containers": [{"name": "pi", "image": "perl"}]}}}});
    let job = c
        .admin("POST", "/apis/batch/v1/namespaces/default/jobs", Some(job))
        .await;
    assert_eq!(job.status, 201, "{}", job.text());
    let job = job.json();
    let uid = job["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
        uid
    );
    assert_eq!(
        job["spec"]["template"]["metadata"]["labels"]["job-name"],
        "pi"
    );

    let scale = c.admin("GET", &format!("{base}/web/scale"), None).await;
    assert_eq!(scale.status, 200, "{}", scale.text());
    let scale = scale.json();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["spec"]["replicas"], 1);
    assert_eq!(scale["status"]["selector"], "app=web");

    let mut up = scale.clone();
    up["spec"]["replicas"] = json!(3);
    let scaled = c
        .admin("PUT", &format!("{base}/web/scale"), Some(up.clone()))
        .await;
    assert_eq!(scaled.status, 200, "{}", scaled.text());
    assert_eq!(scaled.json()["spec"]["replicas"], 3);
    let d = c.admin("GET", &format!("{base}/web"), None).await.json();
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(d["metadata"]["generation"], 2);
    // The same Scale again is stale now.
    assert_eq!(
        c.admin("PUT", &format!("{base}/web/scale"), Some(up))
            .await
            .status,
        409
    );

    // Metadata-only updates keep the generation.
    let mut labelled = d.clone();
    labelled["metadata"]["labels"] = json!({"tier": "fe"});
    let l = c
        .admin("PUT", &format!("{base}/web"), Some(labelled))
        .await
        .json();
    assert_eq!(l["metadata"]["generation"], 2);
    assert_eq!(
        c.admin("GET", "/apis/apps/v1/deployments", None)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// events.k8s.io/v1 and core v1 Events share storage (stored as core v1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_shared_between_apis() {
    let c = Cluster::start();
    let ev = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "web.1"}, "eventTime": "2026-01-01T00:00:00.000000Z",
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Pulled", "note": "image pulled", "type": "Normal",
        "reportingController": "kubelet", "reportingInstance": "node-1", "action": "Pull"});
    let created = c
        .admin(
            "POST",
            "/apis/events.k8s.io/v1/namespaces/default/events",
            Some(ev),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["note"], "image pulled");

    let core = c
        .admin(
            "GET",
            "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb",
            None,
        )
        .await
        .json();
    let items = core["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{core}");
    assert_eq!(items[0]["apiVersion"], "v1");
    assert_eq!(items[0]["message"], "image pulled");
    assert_eq!(items[0]["reportingComponent"], "kubelet");

    let new_api = c
        .admin(
            "GET",
            "/apis/events.k8s.io/v1/namespaces/default/events/web.1",
            None,
        )
        .await
        .json();
    assert_eq!(new_api["regarding"]["name"], "web");
    assert_eq!(new_api["apiVersion"], "events.k8s.io/v1");
}

/// `propagationPolicy` on DELETE: Foreground and Orphan hold the object with the garbage
/// collector's finalizer, Background deletes at once, batch/v1 Jobs orphan by default (as
/// upstream keeps for compatibility), and the object goes when its last finalizer does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propagation_policies() {
    let c = Cluster::start();
    let cms = "/api/v1/namespaces/default/configmaps";
    for name in ["fg", "or", "bg", "plain"] {
        let cm = json!({"metadata": {"name": name}});
        assert_eq!(c.admin("POST", cms, Some(cm)).await.status, 201);
    }
    let fg = c
        .admin(
            "DELETE",
            &format!("{cms}/fg"),
            Some(json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"})),
        )
        .await;
    assert_eq!(fg.status, 200, "{}", fg.text());
    let fg = fg.json();
    assert_eq!(fg["metadata"]["finalizers"], json!(["foregroundDeletion"]));
    assert!(fg["metadata"]["deletionTimestamp"].is_string(), "{fg}");
    let or = c
        .admin(
            "DELETE",
            &format!("{cms}/or?propagationPolicy=Orphan"),
            None,
        )
        .await
        .json();
    assert_eq!(or["metadata"]["finalizers"], json!(["orphan"]));
    let bg = c
        .admin(
            "DELETE",
            &format!("{cms}/bg?propagationPolicy=Background"),
            None,
        )
        .await;
    assert_eq!(bg.status, 200);
    assert_eq!(bg.json()["kind"], "Status");
    assert_eq!(c.admin("GET", &format!("{cms}/bg"), None).await.status, 404);
    let bad = c
        .admin(
            "DELETE",
            &format!("{cms}/plain?propagationPolicy=Sideways"),
            None,
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert_eq!(
        c.admin("GET", &format!("{cms}/plain"), None).await.status,
        200
    );

    // A held object stays readable until its finalizer is removed, then it is gone.
    let held = c.admin("GET", &format!("{cms}/fg"), None).await.json();
    assert_eq!(
        held["metadata"]["finalizers"],
        json!(["foregroundDeletion"])
    );
    let mut release = held.clone();
    release["metadata"]["finalizers"] = json!([]);
    let r = c.admin("PUT", &format!("{cms}/fg"), Some(release)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(c.admin("GET", &format!("{cms}/fg"), None).await.status, 404);

    // Deleting again with Background swaps the held object's orphan finalizer out and
    // removes it.
    let r = c
        .admin(
            "DELETE",
            &format!("{cms}/or?propagationPolicy=Background"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(c.admin("GET", &format!("{cms}/or"), None).await.status, 404);

    // batch/v1 Jobs: no policy = Orphan.
    let jobs = "/apis/batch/v1/namespaces/default/jobs";
    let job = |name: &str| {
        json!({"metadata": {"name": name}, "spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})
    };
    for name in ["j1", "j2"] {
        let r = c.admin("POST", jobs, Some(job(name))).await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let j1 = c.admin("DELETE", &format!("{jobs}/j1"), None).await.json();
    assert_eq!(j1["metadata"]["finalizers"], json!(["orphan"]), "{j1}");
    assert_eq!(
        c.admin("GET", &format!("{jobs}/j1"), None).await.status,
        200
    );
    let j2 = c
        .admin(
            "DELETE",
            &format!("{jobs}/j2?propagationPolicy=Background"),
            None,
        )
        .await;
    assert_eq!(j2.status, 200);
    assert_eq!(
        c.admin("GET", &format!("{jobs}/j2"), None).await.status,
        404
    );
}

/// `pods/eviction` consults the PodDisruptionBudget covering the pod: 429 while it allows no
/// disruption (with upstream's message and cause), and once it does, the eviction spends one
/// and records the pod in `status.disruptedPods`. Pending pods are never protected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eviction_respects_disruption_budgets() {
    let c = Cluster::start();
    let pods = "/api/v1/namespaces/default/pods";
    let pdbs = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    let mut running = pod("web-1");
    running["metadata"]["labels"] = json!({"app": "web"});
    let p = c.admin("POST", pods, Some(running)).await.json();
    let mut st = p.clone();
    st["status"] = json!({"phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}]});
    let r = c
        .admin("PUT", &format!("{pods}/web-1/status"), Some(st))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut pending = pod("web-2");
    pending["metadata"]["labels"] = json!({"app": "web"});
    assert_eq!(c.admin("POST", pods, Some(pending)).await.status, 201);

    let pdb = c
        .admin(
            "POST",
            pdbs,
            Some(
                json!({"metadata": {"name": "b"}, "spec": {"minAvailable": 1,
                "selector": {"matchLabels": {"app": "web"}}}}),
            ),
        )
        .await;
    assert_eq!(pdb.status, 201, "{}", pdb.text());
    let set_status = |allowed: i64| {
        let c = &c;
        async move {
            let mut b = c.admin("GET", &format!("{pdbs}/b"), None).await.json();
            b["status"] = json!({"observedGeneration": 1, "disruptionsAllowed": allowed,
                "desiredHealthy": 1, "currentHealthy": 1, "expectedPods": 1});
            let r = c.admin("PUT", &format!("{pdbs}/b/status"), Some(b)).await;
            assert_eq!(r.status, 200, "{}", r.text());
        }
    };
    set_status(0).await;

    let evict = |name: &str| {
        let c = &c;
        let body = json!({"apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": name, "namespace": "default"}});
        let path = format!("{pods}/{name}/eviction");
        async move { c.admin("POST", &path, Some(body)).await }
    };
    let refused = evict("web-1").await;
    assert_eq!(refused.status, 429, "{}", refused.text());
    let s = refused.json();
    assert_eq!(s["reason"], "TooManyRequests");
    assert_eq!(
        s["message"],
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert_eq!(
        s["details"]["causes"][0],
        json!({"reason": "DisruptionBudget",
            "message": "The disruption budget b needs 1 healthy pods and has 1 currently"})
    );
    assert_eq!(
        c.admin("GET", &format!("{pods}/web-1"), None).await.status,
        200
    );

    // A pending pod is not protected.
    assert_eq!(evict("web-2").await.status, 201);

    set_status(1).await;
    let ok = evict("web-1").await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    let b = c.admin("GET", &format!("{pdbs}/b"), None).await.json();
    assert_eq!(b["status"]["disruptionsAllowed"], 0);
    assert!(b["status"]["disruptedPods"]["web-1"].is_string(), "{b}");
    assert_eq!(
        c.admin("GET", &format!("{pods}/web-1"), None).await.status,
        404
    );
}

/// `pods/log`, `exec`, `attach` and `portforward` before the kubelet: options and container
/// checked as upstream, an unscheduled pod has empty logs and no host to exec on, and a
/// scheduled pod's node is looked up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_streaming_subresources_before_a_kubelet() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/pods";
    let mut two = pod("two");
    two["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "sidecar", "image": "busybox"}));
    for p in [pod("web"), two] {
        let created = c.admin("POST", base, Some(p)).await;
        assert_eq!(created.status, 201, "{}", created.text());
    }

    let logs = c.admin("GET", &format!("{base}/web/log"), None).await;
    assert_eq!(logs.status, 200, "{}", logs.text());
    assert_eq!(logs.content_type, "text/plain");
    assert!(logs.body.is_empty(), "{}", logs.text());

    let cases = [
        ("GET", "web/log?container=nope", 400, "BadRequest", "container nope is not valid for pod web"),
        ("GET", "two/log", 400, "BadRequest", "a container name must be specified for pod two, choose one of: [app sidecar]"),
        ("GET", "web/log?tailLines=-1", 422, "Invalid", "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0"),
        ("GET", "web/log?tailLines=ten", 400, "BadRequest", "strconv.ParseInt: parsing \"ten\": invalid syntax"),
        ("GET", "missing/log", 404, "NotFound", "pods \"missing\" not found"),
        ("POST", "web/exec?command=ls&stdout=true", 400, "BadRequest", "pod web does not have a host assigned"),
        ("GET", "web/exec?command=ls&stdout=true", 400, "BadRequest", "pod web does not have a host assigned"),
        ("POST", "two/exec?command=ls&container=sidecar", 400, "BadRequest", "pod two does not have a host assigned"),
        ("POST", "two/exec?command=ls&container=other", 400, "BadRequest", "container other is not valid for pod two"),
        ("POST", "web/attach?stdout=true", 400, "BadRequest", "pod web does not have a host assigned"),
        ("POST", "two/portforward?ports=80", 400, "BadRequest", "pod two does not have a host assigned"),
        ("PUT", "web/exec", 405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
    ];
    for (method, path, code, reason, message) in cases {
        let r = c.admin(method, &format!("{base}/{path}"), None).await;
        assert_eq!(r.status, code, "{method} {path}: {}", r.text());
        let status = r.json();
        assert_eq!(status["kind"], "Status", "{method} {path}");
        assert_eq!(status["reason"], reason, "{method} {path}");
        assert_eq!(status["message"], message, "{method} {path}");
    }

    // Scheduled onto a node that does not exist: the node is what is missing.
    let bind = |node: &str| {
        json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web"},
            "target": {"kind": "Node", "name": node}})
    };
    let bound = c
        .admin("POST", &format!("{base}/web/binding"), Some(bind("node-1")))
        .await;
    assert_eq!(bound.status, 201, "{}", bound.text());
    let r = c.admin("GET", &format!("{base}/web/log"), None).await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(r.json()["message"], "nodes \"node-1\" not found");

    // With the node there, the kubelet connection is what is missing, and said so.
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}});
    assert_eq!(
        c.admin("POST", "/api/v1/nodes", Some(node)).await.status,
        201
    );
    for (method, path) in [("GET", "web/log"), ("POST", "web/exec?command=ls&stdout=1")] {
        let r = c.admin(method, &format!("{base}/{path}"), None).await;
        assert_eq!(r.status, 503, "{path}: {}", r.text());
        let message = r.json()["message"].as_str().unwrap_or_default().to_string();
        assert!(
            message.contains("kubelet on node node-1"),
            "{path}: {message}"
        );
    }
}
