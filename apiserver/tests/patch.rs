//! PATCH: the real kubectl's patching commands, and the patch types, errors and options
//! over plain HTTP.

mod common;

use common::{have_kubectl, kubectl_fails as fails, kubectl_ok as ok, Cluster, Who};
use serde_json::{json, Value};

fn get(c: &Cluster, what: &str) -> Value {
    serde_json::from_str(&ok(c, &["get", what, "-n", "p", "-o", "json"])).unwrap()
}

#[test]
fn kubectl_patching_commands() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    ok(&c, &["create", "namespace", "p"]);
    ok(
        &c,
        &[
            "create",
            "deployment",
            "web",
            "-n",
            "p",
            "--image=nginx:1.27",
            "--port=80",
        ],
    );

    // scale: a merge patch on the scale subresource.
    ok(&c, &["scale", "deploy/web", "-n", "p", "--replicas=3"]);
    assert_eq!(get(&c, "deploy/web")["spec"]["replicas"], 3);

    // label / annotate, overwrite and removal.
    ok(&c, &["label", "deploy/web", "-n", "p", "tier=frontend"]);
    let d = get(&c, "deploy/web");
    assert_eq!(
        d["metadata"]["labels"],
        json!({"app": "web", "tier": "frontend"})
    );
    let e = fails(&c, &["label", "deploy/web", "-n", "p", "tier=backend"]);
    assert!(e.contains("already has a value"), "{e}");
    ok(
        &c,
        &[
            "label",
            "--overwrite",
            "deploy/web",
            "-n",
            "p",
            "tier=backend",
        ],
    );
    assert_eq!(
        get(&c, "deploy/web")["metadata"]["labels"]["tier"],
        "backend"
    );
    ok(&c, &["label", "deploy/web", "-n", "p", "tier-"]);
    assert_eq!(
        get(&c, "deploy/web")["metadata"]["labels"],
        json!({"app": "web"})
    );
    ok(&c, &["annotate", "deploy/web", "-n", "p", "note=hello"]);
    assert_eq!(
        get(&c, "deploy/web")["metadata"]["annotations"]["note"],
        "hello"
    );

    // rollout restart: a strategic patch of the template's annotations bumps generation.
    let before = get(&c, "deploy/web")["metadata"]["generation"]
        .as_i64()
        .unwrap();
    ok(&c, &["rollout", "restart", "deploy/web", "-n", "p"]);
    let d = get(&c, "deploy/web");
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string(),
        "{d}"
    );
    assert_eq!(d["metadata"]["generation"].as_i64().unwrap(), before + 1);

    // set image: the container is merged by name, its other fields kept.
    ok(
        &c,
        &["set", "image", "deploy/web", "-n", "p", "nginx=nginx:1.28"],
    );
    let ctrs = get(&c, "deploy/web")["spec"]["template"]["spec"]["containers"].clone();
    assert_eq!(ctrs.as_array().unwrap().len(), 1, "{ctrs}");
    assert_eq!(ctrs[0]["image"], "nginx:1.28");
    assert_eq!(ctrs[0]["ports"][0]["containerPort"], 80);

    // strategic patch: add a container, then delete it with `$patch: delete`.
    ok(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}"#,
        ],
    );
    let ctrs = get(&c, "deploy/web")["spec"]["template"]["spec"]["containers"].clone();
    let names: Vec<&str> = ctrs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sidecar", "nginx"]);
    ok(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}"#,
        ],
    );
    let ctrs = get(&c, "deploy/web")["spec"]["template"]["spec"]["containers"].clone();
    assert_eq!(ctrs.as_array().unwrap().len(), 1, "{ctrs}");
    assert_eq!(ctrs[0]["name"], "nginx");
    assert_eq!(ctrs[0]["image"], "nginx:1.28");

    // JSON patch: add, replace, remove; a failing test changes nothing.
    ok(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/metadata/labels/j","value":"1"},{"op":"replace","path":"/spec/replicas","value":2},{"op":"remove","path":"/metadata/annotations/note"}]"#,
        ],
    );
    let d = get(&c, "deploy/web");
    assert_eq!(d["metadata"]["labels"]["j"], "1");
    assert_eq!(d["spec"]["replicas"], 2);
    assert!(d["metadata"]["annotations"].get("note").is_none(), "{d}");
    let e = fails(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":9},{"op":"test","path":"/metadata/labels/j","value":"2"}]"#,
        ],
    );
    assert!(e.contains("testing value /metadata/labels/j failed"), "{e}");
    assert_eq!(get(&c, "deploy/web")["spec"]["replicas"], 2);

    // merge patch.
    ok(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"j":null,"m":"1"}}}"#,
        ],
    );
    assert_eq!(
        get(&c, "deploy/web")["metadata"]["labels"],
        json!({"app": "web", "m": "1"})
    );

    // status subresource: status changes, spec does not.
    ok(
        &c,
        &[
            "patch",
            "deploy/web",
            "-n",
            "p",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"replicas":2},"spec":{"replicas":7}}"#,
        ],
    );
    let d = get(&c, "deploy/web");
    assert_eq!(d["status"]["replicas"], 2);
    assert_eq!(d["spec"]["replicas"], 2);

    // Client-side apply: the second apply is a strategic patch from the last-applied state.
    let manifest = |image: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "p"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}},
                "template": {"metadata": {"labels": {"app": "api"}},
                    "spec": {"containers": [{"name": "api", "image": image, "env": [{"name": "A", "value": "1"}]}]}}}})
        .to_string()
    };
    let file = c.dir.path().join("api.json");
    std::fs::write(&file, manifest("api:1")).unwrap();
    ok(&c, &["apply", "-f", file.to_str().unwrap()]);
    std::fs::write(&file, manifest("api:2")).unwrap();
    let o = ok(&c, &["apply", "-f", file.to_str().unwrap()]);
    assert!(o.contains("configured"), "{o}");
    let api = get(&c, "deploy/api");
    assert_eq!(
        api["spec"]["template"]["spec"]["containers"][0]["image"],
        "api:2"
    );
    assert_eq!(
        api["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        "1"
    );
    // Server-side apply is not served.
    let e = fails(
        &c,
        &["apply", "--server-side", "-f", file.to_str().unwrap()],
    );
    assert!(e.contains("server-side apply"), "{e}");

    // cordon / uncordon a node.
    let node = c.dir.path().join("node.json");
    std::fs::write(
        &node,
        r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}"#,
    )
    .unwrap();
    ok(&c, &["create", "-f", node.to_str().unwrap()]);
    ok(&c, &["cordon", "n1"]);
    let n: Value = serde_json::from_str(&ok(&c, &["get", "node", "n1", "-o", "json"])).unwrap();
    assert_eq!(n["spec"]["unschedulable"], true);
    ok(&c, &["uncordon", "n1"]);
    let n: Value = serde_json::from_str(&ok(&c, &["get", "node", "n1", "-o", "json"])).unwrap();
    assert_ne!(n["spec"]["unschedulable"], true, "{n}");
}

async fn patch(c: &Cluster, path: &str, content_type: &str, body: &str) -> common::Resp {
    c.request(
        Who::Admin,
        "PATCH",
        path,
        &[
            ("content-type", content_type),
            ("accept", "application/json"),
        ],
        Some(body.as_bytes().to_vec()),
    )
    .await
}

const MERGE: &str = "application/merge-patch+json";
const JSON_PATCH: &str = "application/json-patch+json";
const SMP: &str = "application/strategic-merge-patch+json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_types_errors_and_options() {
    let c = Cluster::start();
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "p"}});
    assert_eq!(
        c.admin("POST", "/api/v1/namespaces", Some(ns)).await.status,
        201
    );
    let base = "/api/v1/namespaces/p/configmaps";
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}});
    let created = c.admin("POST", base, Some(cm)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let uid = created.json()["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("{base}/cm");
    let data = |r: &common::Resp| r.json()["data"].clone();
    let stored = || async { c.admin("GET", &path, None).await.json() };

    // Each type, 200 with the updated object.
    let r = patch(&c, &path, MERGE, r#"{"data":{"b":"2"}}"#).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(data(&r), json!({"a": "1", "b": "2"}));
    let r = patch(
        &c,
        &path,
        JSON_PATCH,
        r#"[{"op":"remove","path":"/data/a"}]"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(data(&r), json!({"b": "2"}));
    let r = patch(&c, &path, SMP, r#"{"data":{"b":null,"c":"3"}}"#).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(data(&r), json!({"c": "3"}));

    // Apply and unknown types: 415, nothing changed.
    for ct in [
        "application/apply-patch+yaml",
        "application/json",
        "text/plain",
    ] {
        let r = patch(&c, &path, ct, r#"{"data":{"x":"y"}}"#).await;
        assert_eq!(r.status, 415, "{ct}: {}", r.text());
        let s = r.json();
        assert_eq!(s["reason"], "UnsupportedMediaType");
        assert!(
            s["message"]
                .as_str()
                .unwrap()
                .contains("application/strategic-merge-patch+json"),
            "{s}"
        );
    }
    let r = patch(&c, &path, "application/apply-patch+yaml", "data: {}").await;
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("server-side apply"));

    // JSON patch failures: 422 Invalid, nothing stored.
    let r = patch(
        &c,
        &path,
        JSON_PATCH,
        r#"[{"op":"add","path":"/data/z","value":"1"},{"op":"test","path":"/data/c","value":"x"}]"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["reason"], "Invalid");
    assert!(
        r.text().contains("testing value /data/c failed"),
        "{}",
        r.text()
    );
    let r = patch(
        &c,
        &path,
        JSON_PATCH,
        r#"[{"op":"remove","path":"/data/nope"}]"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["reason"], "Invalid");
    let r = patch(&c, &path, JSON_PATCH, r#"{"op":"remove"}"#).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(stored().await["data"], json!({"c": "3"}));

    // A stale resourceVersion in the patch: 409; the current one: 200.
    let r = patch(
        &c,
        &path,
        MERGE,
        r#"{"metadata":{"resourceVersion":"1"},"data":{"d":"4"}}"#,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json()["reason"], "Conflict");
    let rv = stored().await["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let body = json!({"metadata": {"resourceVersion": rv}, "data": {"d": "4"}}).to_string();
    let r = patch(&c, &path, MERGE, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());

    // An invalid result: 422 from validation, nothing stored.
    let r = patch(
        &c,
        &path,
        MERGE,
        r#"{"metadata":{"labels":{"bad key!":"x"}}}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(stored().await["metadata"].get("labels").is_none());

    // Identity: name (400), namespace (400), uid (422).
    let r = patch(&c, &path, MERGE, r#"{"metadata":{"name":"other"}}"#).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text().contains("does not match the name on the URL"),
        "{}",
        r.text()
    );
    let r = patch(&c, &path, MERGE, r#"{"metadata":{"namespace":"other"}}"#).await;
    assert_eq!(r.status, 400, "{}", r.text());
    let r = patch(&c, &path, MERGE, r#"{"metadata":{"uid":"0000"}}"#).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("field is immutable"), "{}", r.text());
    assert_eq!(stored().await["metadata"]["uid"], uid.as_str());

    // A missing object: 404, not created.
    let r = patch(
        &c,
        &format!("{base}/missing"),
        MERGE,
        r#"{"data":{"a":"1"}}"#,
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(
        c.admin("GET", &format!("{base}/missing"), None)
            .await
            .status,
        404
    );

    // Options: force is only for apply; dryRun changes nothing; Strict refuses unknown fields.
    let r = patch(
        &c,
        &format!("{path}?force=true"),
        MERGE,
        r#"{"data":{"e":"5"}}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.text()
            .contains("force: Forbidden: may not be specified for non-apply patch"),
        "{}",
        r.text()
    );
    let r = patch(
        &c,
        &format!("{path}?dryRun=All"),
        MERGE,
        r#"{"data":{"e":"5"}}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(data(&r)["e"], "5");
    assert!(stored().await["data"].get("e").is_none());
    let r = patch(
        &c,
        &format!("{path}?fieldValidation=Strict"),
        MERGE,
        r#"{"bogus":1}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("unknown field"), "{}", r.text());
    let r = patch(
        &c,
        &format!("{path}?fieldValidation=Ignore"),
        MERGE,
        r#"{"bogus":1}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json().get("bogus").is_none());

    // Strategic merge patch directive errors: 400, nothing changed.
    let r = patch(&c, &path, SMP, r#"{"data":{"$patch":"explode"}}"#).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("explode"), "{}", r.text());

    // Concurrent patches that do not set resourceVersion all land (retried on conflict).
    let mut tasks = Vec::new();
    for i in 0..6 {
        let body = format!(r#"[{{"op":"add","path":"/data/k{i}","value":"{i}"}}]"#);
        tasks.push(patch(
            &c,
            &path,
            JSON_PATCH,
            Box::leak(body.into_boxed_str()),
        ));
    }
    for r in futures::future::join_all(tasks).await {
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let d = stored().await["data"].clone();
    for i in 0..6 {
        assert_eq!(d[format!("k{i}")], i.to_string(), "{d}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_scale_and_status_subresources() {
    let c = Cluster::start();
    let base = "/apis/apps/v1/namespaces/default/deployments";
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    assert_eq!(c.admin("POST", base, Some(d)).await.status, 201);
    let scale = format!("{base}/web/scale");
    let r = patch(&c, &scale, MERGE, r#"{"spec":{"replicas":4}}"#).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    assert_eq!(s["kind"], "Scale");
    assert_eq!(s["spec"]["replicas"], 4);
    assert_eq!(
        c.admin("GET", &format!("{base}/web"), None).await.json()["spec"]["replicas"],
        4
    );
    let r = patch(&c, &scale, MERGE, r#"{"spec":{"replicas":-1}}"#).await;
    assert_eq!(r.status, 422, "{}", r.text());
    let r = patch(
        &c,
        &scale,
        MERGE,
        r#"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":5}}"#,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(
        c.admin("GET", &format!("{base}/web"), None).await.json()["spec"]["replicas"],
        4
    );

    let status = format!("{base}/web/status");
    let r = patch(
        &c,
        &status,
        SMP,
        r#"{"status":{"conditions":[{"type":"Available","status":"True"}]},"spec":{"replicas":9}}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = patch(
        &c,
        &status,
        SMP,
        r#"{"status":{"conditions":[{"type":"Progressing","status":"True"}]}}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let got = c.admin("GET", &format!("{base}/web"), None).await.json();
    assert_eq!(got["spec"]["replicas"], 4);
    let types: Vec<&str> = got["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["Progressing", "Available"],
        "conditions merge by type"
    );
}
