//! Bad input: malformed JSON and YAML, wrong kind or apiVersion for the path, bad names, a
//! body over 3 MiB, `dryRun=All`. Each gets upstream's status code, reason and message, and
//! nothing is stored.

mod common;

use common::{Cluster, Resp, Who};
use serde_json::{json, Value};

const CMS: &str = "/api/v1/namespaces/default/configmaps";

async fn send(c: &Cluster, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
    c.request(
        Who::Admin,
        method,
        path,
        &[
            ("content-type", content_type),
            ("accept", "application/json"),
        ],
        Some(body),
    )
    .await
}

/// Asserts a Status with this code, reason and (when given) message.
fn status(r: &Resp, code: u16, reason: &str, message: Option<&str>) -> Value {
    assert_eq!(r.status, code, "{}", r.text());
    let s = r.json();
    assert_eq!(s["kind"], "Status", "{s}");
    assert_eq!(s["status"], "Failure");
    assert_eq!(s["code"], code);
    assert_eq!(s["reason"], reason, "{s}");
    if let Some(m) = message {
        assert_eq!(s["message"], m);
    }
    s
}

/// The names of the config maps stored in `default`.
async fn stored(c: &Cluster) -> Vec<String> {
    let list = c.admin("GET", CMS, None).await.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_upstream_errors_and_store_nothing() {
    let c = Cluster::start();
    let before = stored(&c).await;

    // Malformed JSON.
    let r = send(
        &c,
        "POST",
        CMS,
        "application/json",
        br#"{"metadata": {"name": "x""#.to_vec(),
    )
    .await;
    let s = status(&r, 400, "BadRequest", None);
    assert!(s["message"].as_str().unwrap().contains("json"), "{s}");

    // Malformed YAML (and a good YAML body works).
    let r = send(
        &c,
        "POST",
        CMS,
        "application/yaml",
        b"metadata:\n  name: [x\n data: {".to_vec(),
    )
    .await;
    status(&r, 400, "BadRequest", None);
    let ok = send(
        &c,
        "POST",
        CMS,
        "application/yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n".to_vec(),
    )
    .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(ok.json()["data"]["k"], "v");
    assert_eq!(
        c.admin("DELETE", &format!("{CMS}/from-yaml"), None)
            .await
            .status,
        200
    );

    // Another kind, a version the kind does not exist in, another served version.
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "wrong-kind"}});
    let r = c.admin("POST", CMS, Some(secret)).await;
    status(
        &r,
        400,
        "BadRequest",
        Some("Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion"),
    );
    let apps =
        json!({"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "wrong-av"}});
    let r = c.admin("POST", CMS, Some(apps)).await;
    status(
        &r,
        400,
        "BadRequest",
        Some("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: no kind \"ConfigMap\" is registered for version \"apps/v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""),
    );
    let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
    let r = c
        .admin(
            "POST",
            "/apis/batch/v1/namespaces/default/jobs",
            Some(deploy),
        )
        .await;
    status(
        &r,
        400,
        "BadRequest",
        Some("Deployment in version \"v1\" cannot be handled as a Job: converting (v1.Deployment) to (batch.Job): unknown conversion"),
    );
    let event = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "ev"}, "eventTime": "2025-01-01T00:00:00.000000Z",
        "reportingController": "x", "reportingInstance": "y", "action": "a", "reason": "r",
        "type": "Normal", "regarding": {"kind": "Pod", "name": "p", "namespace": "default"}});
    let r = c
        .admin("POST", "/api/v1/namespaces/default/events", Some(event))
        .await;
    status(
        &r,
        400,
        "BadRequest",
        Some("the API version in the data (events.k8s.io/v1) does not match the expected API version (v1)"),
    );

    // A body over 3 MiB: 413 before anything is decoded.
    let big = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
        "data": {"k": "x".repeat(3 * 1024 * 1024 + 1)}});
    let r = c.admin("POST", CMS, Some(big)).await;
    status(
        &r,
        413,
        "RequestEntityTooLarge",
        Some("Request entity too large: limit is 3145728"),
    );
    // Under 3 MiB but over a ConfigMap's 1 MiB: 422.
    let large = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "large"},
        "data": {"k": "x".repeat(2 * 1024 * 1024)}});
    let r = c.admin("POST", CMS, Some(large)).await;
    let s = status(&r, 422, "Invalid", None);
    assert_eq!(s["details"]["causes"][0]["field"], "[]", "{s}");

    // Names: too long, not a subdomain, not a DNS-1035 label (services).
    let long = "a".repeat(254);
    let r = c
        .admin("POST", CMS, Some(json!({"metadata": {"name": long}})))
        .await;
    let s = status(&r, 422, "Invalid", None);
    assert_eq!(s["details"]["causes"][0]["field"], "metadata.name");
    assert!(
        s["details"]["causes"][0]["message"]
            .as_str()
            .unwrap()
            .contains("must be no more than 253 characters"),
        "{s}"
    );
    let r = c
        .admin(
            "POST",
            CMS,
            Some(json!({"metadata": {"name": "Not_Valid"}})),
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    );
    let svc = json!({"metadata": {"name": "a.b"}, "spec": {"ports": [{"port": 80}]}});
    let r = c
        .admin("POST", "/api/v1/namespaces/default/services", Some(svc))
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("Service \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
    );

    // PUT: the body's name must be the URL's.
    let r = c
        .admin(
            "PUT",
            &format!("{CMS}/one"),
            Some(json!({"metadata": {"name": "two"}})),
        )
        .await;
    status(
        &r,
        400,
        "BadRequest",
        Some("the name of the object (two) does not match the name on the URL (one)"),
    );

    assert_eq!(
        stored(&c).await,
        before,
        "a refused request stored something"
    );
    let services = c
        .admin("GET", "/api/v1/namespaces/default/services", None)
        .await
        .json();
    assert_eq!(
        services["items"].as_array().unwrap().len(),
        1,
        "only `kubernetes`"
    );
}

/// `dryRun=All` runs the whole pipeline (defaults, allocation, validation) and answers what
/// would be stored, but writes nothing, for create, update and delete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_stores_nothing() {
    let c = Cluster::start();
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry"}, "data": {"k": "v"}});
    let r = c
        .admin("POST", &format!("{CMS}?dryRun=All"), Some(cm.clone()))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let answered = r.json();
    assert_eq!(answered["data"]["k"], "v");
    assert_eq!(answered["metadata"]["uid"].as_str().unwrap().len(), 36);
    assert!(answered["metadata"]["creationTimestamp"].is_string());
    assert_eq!(
        c.admin("GET", &format!("{CMS}/dry"), None).await.status,
        404
    );

    // Invalid objects still fail in a dry run.
    let bad = c
        .admin(
            "POST",
            &format!("{CMS}?dryRun=All"),
            Some(json!({"metadata": {"name": "Bad"}})),
        )
        .await;
    assert_eq!(bad.status, 422);
    // Unknown dryRun values are refused as upstream does.
    let unknown = c
        .admin("POST", &format!("{CMS}?dryRun=Some"), Some(cm.clone()))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());

    let real = c.admin("POST", CMS, Some(cm)).await.json();
    let mut upd = real.clone();
    upd["data"]["k"] = json!("changed");
    let r = c
        .admin("PUT", &format!("{CMS}/dry?dryRun=All"), Some(upd))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["k"], "changed");
    let now = c.admin("GET", &format!("{CMS}/dry"), None).await.json();
    assert_eq!(now["data"]["k"], "v");
    assert_eq!(
        now["metadata"]["resourceVersion"],
        real["metadata"]["resourceVersion"]
    );

    let r = c
        .admin("DELETE", &format!("{CMS}/dry?dryRun=All"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        c.admin("GET", &format!("{CMS}/dry"), None).await.status,
        200
    );

    // A dry-run service gets an address but holds none: a real one may take it later, and
    // nothing is listed.
    let svc = json!({"metadata": {"name": "dry-svc"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}});
    let r = c
        .admin(
            "POST",
            "/api/v1/namespaces/default/services?dryRun=All",
            Some(svc),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(r.json()["spec"]["clusterIP"].is_string());
    assert_eq!(
        c.admin("GET", "/api/v1/namespaces/default/services/dry-svc", None)
            .await
            .status,
        404
    );

    // Deletecollection in a dry run keeps everything.
    let r = c.admin("DELETE", &format!("{CMS}?dryRun=All"), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        c.admin("GET", &format!("{CMS}/dry"), None).await.status,
        200
    );
}

/// Validation of Secrets, Leases and EndpointSlices: 422 `Invalid` naming the fields, with
/// upstream's messages; `stringData` lands in `data`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_leases_and_slices_are_validated() {
    let c = Cluster::start();
    let secrets = "/api/v1/namespaces/default/secrets";
    let r = c
        .admin(
            "POST",
            secrets,
            Some(
                json!({"metadata": {"name": "tls"}, "type": "kubernetes.io/tls",
                "data": {"tls.crt": "eA=="}}),
            ),
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("Secret \"tls\" is invalid: data[tls.key]: Required value"),
    );
    let r = c
        .admin(
            "POST",
            secrets,
            Some(json!({"metadata": {"name": "s"}, "stringData": {"user": "admin"}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let s = r.json();
    assert_eq!(s["data"], json!({"user": "YWRtaW4="}));
    assert_eq!(s["type"], "Opaque");
    assert!(s.get("stringData").is_none());
    let mut retype = s.clone();
    retype["type"] = json!("kubernetes.io/basic-auth");
    let r = c.admin("PUT", &format!("{secrets}/s"), Some(retype)).await;
    let st = status(&r, 422, "Invalid", None);
    assert_eq!(st["details"]["causes"][0]["field"], "type", "{st}");
    let by_type = c
        .admin(
            "GET",
            &format!("{secrets}?fieldSelector=type%3DOpaque"),
            None,
        )
        .await
        .json();
    assert_eq!(by_type["items"].as_array().unwrap().len(), 1);

    let r = c
        .admin(
            "POST",
            "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            Some(json!({"metadata": {"name": "l"}, "spec": {"leaseDurationSeconds": 0}})),
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("Lease.coordination.k8s.io \"l\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"),
    );

    let slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
    let r = c
        .admin(
            "POST",
            slices,
            Some(json!({"metadata": {"name": "es"}, "addressType": "IPv4",
                "endpoints": [{"addresses": ["300.1.1.1"]}], "ports": [{"port": 80, "protocol": "ICMP"}]})),
        )
        .await;
    let st = status(&r, 422, "Invalid", None);
    let fields: Vec<&str> = st["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["endpoints[0].addresses[0]", "ports[0].protocol"],
        "{st}"
    );
    let ok = c
        .admin(
            "POST",
            slices,
            Some(json!({"metadata": {"name": "es"}, "addressType": "IPv4",
                "endpoints": [{"addresses": ["10.1.1.1"]}], "ports": [{"port": 80}]})),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(
        ok.json()["ports"],
        json!([{"name": "", "port": 80, "protocol": "TCP"}])
    );

    // Core events: the involved object's namespace must be the event's.
    let r = c
        .admin(
            "POST",
            "/api/v1/namespaces/default/events",
            Some(json!({"metadata": {"name": "e"}, "reason": "R",
                "involvedObject": {"kind": "Pod", "name": "p", "namespace": "other"}})),
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("Event \"e\" is invalid: involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"),
    );

    // List options upstream refuses in combination.
    let r = c
        .admin(
            "GET",
            "/api/v1/namespaces/default/configmaps?resourceVersionMatch=NotOlderThan",
            None,
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"),
    );
    let r = c
        .admin(
            "GET",
            "/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true",
            None,
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
    );

    // fieldManager: at most 128 bytes, as upstream's ValidateFieldManager.
    let long = "m".repeat(129);
    let r = c
        .admin(
            "POST",
            &format!("/api/v1/namespaces/default/configmaps?fieldManager={long}"),
            Some(json!({"metadata": {"name": "fm"}})),
        )
        .await;
    status(
        &r,
        422,
        "Invalid",
        Some("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes"),
    );
    let r = c
        .admin(
            "POST",
            "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create",
            Some(json!({"metadata": {"name": "fm"}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
}
