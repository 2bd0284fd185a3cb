//! `/openapi/v3` and server-side field validation, through raw HTTP and the real kubectl v1.33
//! (whose default `--validate=strict` reads the OpenAPI documents before every `create -f`).

mod common;

use common::{err, have_kubectl, kubectl_output_ok as ok, out, Cluster, Who};
use serde_json::json;

fn write(c: &Cluster, name: &str, text: &str) -> String {
    let path = c.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const CONFIGMAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cm1
data:
  k: v
";

fn deployment(name: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
{extra_spec}  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: c
        image: nginx:1.27
"
    )
}

#[tokio::test]
async fn kubectl_create_validates_through_the_server() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();

    // Plain `create -f`: kubectl finds fieldValidation on the PATCH operations and lets the
    // server validate.
    let cm = write(&c, "cm.yaml", CONFIGMAP);
    ok(&c, &["create", "-f", &cm]);
    let got = c
        .admin("GET", "/api/v1/namespaces/default/configmaps/cm1", None)
        .await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.json()["data"]["k"], "v");
    let deploy = write(&c, "deploy.yaml", &deployment("web", ""));
    ok(&c, &["create", "-f", &deploy]);
    let got = c
        .admin(
            "GET",
            "/apis/apps/v1/namespaces/default/deployments/web",
            None,
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.text());

    // An unknown field: strict by default, nothing stored.
    let bad = write(&c, "bad.yaml", &deployment("bad", "  foo: bar\n"));
    let o = c.kubectl(&["create", "-f", &bad]);
    assert!(
        !o.status.success(),
        "created with an unknown field: {}",
        out(&o)
    );
    assert!(
        err(&o).contains(
            r#"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo""#
        ),
        "{}",
        err(&o)
    );
    let got = c
        .admin(
            "GET",
            "/apis/apps/v1/namespaces/default/deployments/bad",
            None,
        )
        .await;
    assert_eq!(got.status, 404, "{}", got.text());

    // --validate=warn: stored without the field, with the server's warning printed.
    let o = ok(&c, &["create", "--validate=warn", "-f", &bad]);
    assert!(
        err(&o).contains(r#"Warning: unknown field "spec.foo""#),
        "{}",
        err(&o)
    );
    let got = c
        .admin(
            "GET",
            "/apis/apps/v1/namespaces/default/deployments/bad",
            None,
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert!(got.json()["spec"].get("foo").is_none(), "{}", got.text());

    // --validate=false sends Ignore: silent.
    let quiet = write(&c, "quiet.yaml", &deployment("quiet", "  foo: bar\n"));
    let o = ok(&c, &["create", "--validate=false", "-f", &quiet]);
    assert!(!err(&o).contains("Warning"), "{}", err(&o));
}

#[tokio::test]
async fn kubectl_explain_reads_the_schemas() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let o = ok(&c, &["explain", "pods.spec.containers"]);
    let text = out(&o);
    assert!(text.contains("KIND:       Pod"), "{text}");
    assert!(text.contains("FIELD: containers <[]Container>"), "{text}");
    assert!(text.contains("image\t<string>"), "{text}");
    let o = ok(&c, &["explain", "deployments.spec.replicas"]);
    let text = out(&o);
    assert!(text.contains("GROUP:      apps"), "{text}");
    assert!(text.contains("FIELD: replicas <integer>"), "{text}");
}

#[tokio::test]
async fn field_validation_over_raw_http() {
    let c = Cluster::start();
    let cm = |name: &str| {
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "bogusMeta": 1},
            "data": {"k": "v"},
            "spec": {"foo": 1},
        })
    };
    let base = "/api/v1/namespaces/default/configmaps";

    let strict = c
        .admin(
            "POST",
            &format!("{base}?fieldValidation=Strict"),
            Some(cm("s")),
        )
        .await;
    assert_eq!(strict.status, 400, "{}", strict.text());
    let status = strict.json();
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["reason"], "BadRequest");
    assert_eq!(
        status["message"],
        r#"ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogusMeta", unknown field "spec""#
    );
    assert_eq!(c.admin("GET", &format!("{base}/s"), None).await.status, 404);

    for mode in ["Ignore", "Warn", ""] {
        let name = format!("m{}", mode.to_lowercase());
        let r = c
            .admin(
                "POST",
                &format!("{base}?fieldValidation={mode}"),
                Some(cm(&name)),
            )
            .await;
        assert_eq!(r.status, 201, "{mode}: {}", r.text());
        let stored = c.admin("GET", &format!("{base}/{name}"), None).await.json();
        assert_eq!(stored["data"]["k"], "v");
        assert!(stored.get("spec").is_none(), "{mode}: {stored}");
        assert!(
            stored["metadata"].get("bogusMeta").is_none(),
            "{mode}: {stored}"
        );
    }

    let bogus = c
        .admin(
            "POST",
            &format!("{base}?fieldValidation=bogus"),
            Some(cm("b")),
        )
        .await;
    assert_eq!(bogus.status, 422, "{}", bogus.text());
    assert_eq!(
        bogus.json()["message"],
        r#"CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "bogus": supported values: "", "Ignore", "Strict", "Warn""#
    );

    // Update: the same, against UpdateOptions; a duplicate field in YAML names its line.
    let mut current = c
        .admin("GET", &format!("{base}/mignore"), None)
        .await
        .json();
    current["data"]["k"] = json!("w");
    current["extra"] = json!(true);
    let put = c
        .admin(
            "PUT",
            &format!("{base}/mignore?fieldValidation=Strict"),
            Some(current.clone()),
        )
        .await;
    assert_eq!(put.status, 400, "{}", put.text());
    assert!(
        put.json()["message"]
            .as_str()
            .unwrap()
            .ends_with(r#"strict decoding error: unknown field "extra""#),
        "{}",
        put.text()
    );
    let bogus = c
        .admin(
            "PUT",
            &format!("{base}/mignore?fieldValidation=nope"),
            Some(current),
        )
        .await;
    assert_eq!(bogus.status, 422, "{}", bogus.text());
    assert!(
        bogus.text().contains("UpdateOptions.meta.k8s.io"),
        "{}",
        bogus.text()
    );
    let yaml =
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: \"1\"\n  a: \"2\"\n";
    let r = c
        .request(
            Who::Admin,
            "POST",
            &format!("{base}?fieldValidation=Strict"),
            &[
                ("content-type", "application/yaml"),
                ("accept", "application/json"),
            ],
            Some(yaml.to_vec()),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .ends_with(r#"strict decoding error: line 7: key "a" already set in map"#),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn warn_answers_with_warning_headers() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    // `create --raw` posts the file as it is and prints the response's warnings.
    let body = write(
        &c,
        "raw.json",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"dta":{},"dta":{}}"#,
    );
    let o = ok(
        &c,
        &[
            "create",
            "--raw",
            "/api/v1/namespaces/default/configmaps?fieldValidation=Warn",
            "-f",
            &body,
        ],
    );
    assert!(
        err(&o).contains(r#"Warning: unknown field "dta""#),
        "{}",
        err(&o)
    );
    // Reported once, although it is repeated.
    assert_eq!(err(&o).matches("dta").count(), 1, "{}", err(&o));
    let o = ok(
        &c,
        &[
            "create",
            "--raw",
            "/api/v1/namespaces/kube-system/configmaps?fieldValidation=Ignore",
            "-f",
            &body,
        ],
    );
    assert!(!err(&o).contains("Warning"), "{}", err(&o));
}

#[tokio::test]
async fn openapi_v3_index_and_documents() {
    let c = Cluster::start();
    let index = c.admin("GET", "/openapi/v3", None).await;
    assert_eq!(index.status, 200, "{}", index.text());
    assert_eq!(index.content_type, "application/json");
    let index = index.json();
    let paths = index["paths"].as_object().unwrap();
    for gv in api_types::registry::builtin().group_versions() {
        let key = gv.discovery_path().trim_start_matches('/').to_string();
        let url = paths[&key]["serverRelativeURL"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("/openapi/v3/{key}?hash=")),
            "{url}"
        );
    }

    let url = paths["api/v1"]["serverRelativeURL"].as_str().unwrap();
    let doc = c.admin("GET", url, None).await;
    assert_eq!(doc.status, 200, "{}", doc.text());
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.0.0");
    let patch = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"];
    assert_eq!(patch["x-kubernetes-action"], "patch");
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "", "version": "v1", "kind": "Pod"})
    );
    assert!(patch["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "fieldValidation" && p["in"] == "query"));
    assert_eq!(
        doc["components"]["schemas"]["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"],
        json!([{"group": "", "kind": "Pod", "version": "v1"}])
    );

    // Without the hash: the same document; with a stale one: a redirect to the current URL.
    let plain = c.admin("GET", "/openapi/v3/api/v1", None).await;
    assert_eq!(plain.json(), doc);
    let stale = c
        .admin("GET", "/openapi/v3/apis/apps/v1?hash=0", None)
        .await;
    assert_eq!(stale.status, 301);
    let unknown = c.admin("GET", "/openapi/v3/apis/nope/v1", None).await;
    assert_eq!(unknown.status, 404);
    let pb_only = c
        .request(
            Who::Admin,
            "GET",
            "/openapi/v3/api/v1",
            &[(
                "accept",
                "application/com.github.proto-openapi.spec.v3@v1.0+protobuf",
            )],
            None,
        )
        .await;
    assert_eq!(pb_only.status, 406);
}

/// `kind: List` manifests: kubectl validates their items itself, against `/openapi/v2`
/// (protobuf), so `kubectl get -o yaml` output can be applied back.
#[tokio::test]
async fn kubectl_validates_list_manifests_against_openapi_v2() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let list = "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: l1}
  data: {a: \"1\"}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: l2}
  spec:
    selector: {matchLabels: {app: l2}}
    template:
      metadata: {labels: {app: l2}}
      spec: {containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}]}]}
";
    let file = write(&c, "list.yaml", list);
    let created = out(&ok(&c, &["create", "-f", &file]));
    assert_eq!(
        created.lines().collect::<Vec<_>>(),
        ["configmap/l1 created", "deployment.apps/l2 created"]
    );
    // An unknown field in an item: kubectl's own error, naming the field and definition.
    let bad = write(
        &c,
        "bad.yaml",
        &list.replace("  data: {a: \"1\"}", "  data: {a: \"1\"}\n  bogus: 1"),
    );
    let o = c.kubectl(&["apply", "-f", &bad]);
    assert!(!o.status.success(), "{}", out(&o));
    assert!(
        err(&o).contains(
            "ValidationError(ConfigMap): unknown field \"bogus\" in io.k8s.api.core.v1.ConfigMap"
        ),
        "{}",
        err(&o)
    );
    // A wrong type inside a nested definition.
    let wrong = write(
        &c,
        "wrong.yaml",
        &list.replace("containerPort: 80", "containerPort: [80]"),
    );
    let o = c.kubectl(&["apply", "-f", &wrong]);
    assert!(!o.status.success(), "{}", out(&o));
    assert!(err(&o).contains("containerPort"), "{}", err(&o));

    // A backup made with `get -o yaml` (a List) goes back in after the objects are gone.
    let backup = out(&ok(
        &c,
        &["get", "configmap/l1", "deployment/l2", "-o", "yaml"],
    ));
    assert!(backup.contains("kind: List"), "{backup}");
    let backup = write(&c, "backup.yaml", &backup);
    ok(&c, &["delete", "-f", &file]);
    let applied = out(&ok(&c, &["apply", "-f", &backup]));
    assert!(applied.contains("configmap/l1 created"), "{applied}");
    let got = c
        .admin(
            "GET",
            "/apis/apps/v1/namespaces/default/deployments/l2",
            None,
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.text());

    // The document itself: protobuf as kubectl asks, JSON otherwise, 406 for neither.
    let get = |accept: &'static str| {
        let c = &c;
        async move {
            c.request(
                Who::Admin,
                "GET",
                "/openapi/v2",
                &[("accept", accept)],
                None,
            )
            .await
        }
    };
    let pb = get("application/com.github.proto-openapi.spec.v2@v1.0+protobuf").await;
    assert_eq!(pb.status, 200);
    assert_eq!(
        pb.content_type,
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    );
    let doc = get("application/json").await;
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert_eq!(doc["swagger"], "2.0");
    assert_eq!(
        doc["definitions"]["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"],
        json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
    );
    assert_eq!(get("application/yaml").await.status, 406);
}
