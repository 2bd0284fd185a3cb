//! Pod and pod template validation over HTTP: each bad object is refused with upstream's
//! 422 `Invalid` causes and is not stored; a complex valid pod is accepted.

mod common;

use common::Cluster;
use serde_json::{json, Value};

fn container(extra: Value) -> Value {
    let mut c = json!({"name": "app", "image": "nginx:1.27"});
    if let (Some(m), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    c
}

fn pod(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})
}

fn pod_template(labels: Value, spec: Value) -> Value {
    json!({"metadata": {"labels": labels}, "spec": spec})
}

/// The `(field, message)` pairs of a 422's causes.
fn causes(body: &Value) -> Vec<(String, String)> {
    body["details"]["causes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["field"].as_str().unwrap_or("").to_string(),
                c["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// POSTs `obj`, expects 422 Invalid with exactly `want` causes, then that `name` is absent.
async fn refused(c: &Cluster, collection: &str, name: &str, obj: Value, want: &[(&str, &str)]) {
    let resp = c.admin("POST", collection, Some(obj)).await;
    assert_eq!(resp.status, 422, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["reason"], "Invalid", "{body}");
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    assert_eq!(causes(&body), want, "{body}");
    let get = c.admin("GET", &format!("{collection}/{name}"), None).await;
    assert_eq!(get.status, 404, "{name} was stored: {}", get.text());
}

const PODS: &str = "/api/v1/namespaces/default/pods";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_pods_are_refused_with_upstream_causes() {
    let c = Cluster::start();
    refused(
        &c,
        PODS,
        "restart",
        pod("restart", json!({"restartPolicy": "Sometimes", "containers": [container(json!({}))]})),
        &[(
            "spec.restartPolicy",
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
        )],
    )
    .await;
    refused(
        &c,
        PODS,
        "port",
        pod(
            "port",
            json!({"containers": [container(json!({"ports": [{"containerPort": 70000}]}))]}),
        ),
        &[(
            "spec.containers[0].ports[0].containerPort",
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        )],
    )
    .await;
    refused(
        &c,
        PODS,
        "pull",
        pod("pull", json!({"containers": [container(json!({"imagePullPolicy": "Sometimes"}))]})),
        &[(
            "spec.containers[0].imagePullPolicy",
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
        )],
    )
    .await;
    refused(
        &c,
        PODS,
        "mount",
        pod(
            "mount",
            json!({"containers": [container(json!({"volumeMounts": [{"name": "missing", "mountPath": "/data"}]}))]}),
        ),
        &[("spec.containers[0].volumeMounts[0].name", "Not found: \"missing\"")],
    )
    .await;
    refused(
        &c,
        PODS,
        "cpu",
        pod(
            "cpu",
            json!({"containers": [container(json!({"resources": {"requests": {"cpu": "200m"}, "limits": {"cpu": "100m"}}}))]}),
        ),
        &[(
            "spec.containers[0].resources.requests",
            "Invalid value: \"200m\": must be less than or equal to cpu limit of 100m",
        )],
    )
    .await;
    refused(
        &c,
        PODS,
        "env",
        pod("env", json!({"containers": [container(json!({"env": [{"name": "A=B", "value": "x"}]}))]})),
        &[(
            "spec.containers[0].env[0].name",
            "Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        )],
    )
    .await;
    refused(
        &c,
        PODS,
        "ephemeral",
        pod(
            "ephemeral",
            json!({"containers": [container(json!({}))], "ephemeralContainers": [{"name": "debug", "image": "busybox"}]}),
        ),
        &[("spec.ephemeralContainers", "Forbidden: cannot be set on create")],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complex_valid_pod_is_accepted() {
    let c = Cluster::start();
    let probe = json!({"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 5});
    let spec = json!({
        "serviceAccountName": "default",
        "initContainers": [
            {"name": "setup", "image": "busybox:1.36", "command": ["sh", "-c", "true"],
             "volumeMounts": [{"name": "work", "mountPath": "/work"}]},
            {"name": "proxy", "image": "envoy:1.30", "restartPolicy": "Always",
             "readinessProbe": {"tcpSocket": {"port": 9901}}}
        ],
        "containers": [container(json!({
            "ports": [{"name": "http", "containerPort": 8080}],
            "env": [
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}}
            ],
            "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
            "livenessProbe": probe,
            "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}},
            "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
            "volumeMounts": [
                {"name": "work", "mountPath": "/work"},
                {"name": "config", "mountPath": "/etc/app", "readOnly": true},
                {"name": "token", "mountPath": "/var/run/token"}
            ],
            "securityContext": {"runAsUser": 1000, "allowPrivilegeEscalation": false}
        }))],
        "volumes": [
            {"name": "work", "emptyDir": {"sizeLimit": "1Gi"}},
            {"name": "config", "configMap": {"name": "settings", "items": [{"key": "a", "path": "a.conf"}]}},
            {"name": "token", "projected": {"sources": [
                {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}
            ]}}
        ],
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 50, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}}
        ]}},
        "dnsConfig": {"options": [{"name": "ndots", "value": "2"}]}
    });
    let resp = c.admin("POST", PODS, Some(pod("complex", spec))).await;
    assert_eq!(resp.status, 201, "{}", resp.text());
    let stored = resp.json();
    let app = &stored["spec"]["containers"][0];
    assert_eq!(app["livenessProbe"]["successThreshold"], 1);
    assert_eq!(app["env"][0]["valueFrom"]["fieldRef"]["apiVersion"], "v1");
    assert_eq!(stored["status"]["qosClass"], "Burstable");

    // Updates: a new image is fine; any other spec change is refused as upstream words it.
    let path = format!("{PODS}/complex");
    let mut newer = stored.clone();
    newer["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    let resp = c.admin("PUT", &path, Some(newer.clone())).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let mut moved = resp.json();
    moved["spec"]["hostname"] = json!("elsewhere");
    let resp = c.admin("PUT", &path, Some(moved)).await;
    assert_eq!(resp.status, 422, "{}", resp.text());
    let got = causes(&resp.json());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "spec");
    assert!(
        got[0].1.starts_with("Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"),
        "{}",
        got[0].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workload_templates_and_other_resources() {
    let c = Cluster::start();
    let labels = json!({"app": "web"});
    let never = pod_template(
        labels.clone(),
        json!({"restartPolicy": "Never", "containers": [container(json!({}))]}),
    );
    let restart_cause = [(
        "spec.template.spec.restartPolicy",
        "Unsupported value: \"Never\": supported values: \"Always\"",
    )];
    for (collection, kind) in [
        ("/apis/apps/v1/namespaces/default/daemonsets", "DaemonSet"),
        ("/apis/apps/v1/namespaces/default/deployments", "Deployment"),
    ] {
        let obj = json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "never"},
            "spec": {"selector": {"matchLabels": labels}, "template": never}});
        refused(&c, collection, "never", obj, &restart_cause).await;
    }

    let mismatch = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "mismatch"},
        "spec": {"selector": {"matchLabels": {"a": "b"}},
            "template": pod_template(json!({"a": "c"}), json!({"containers": [container(json!({}))]}))}});
    refused(
        &c,
        "/apis/apps/v1/namespaces/default/deployments",
        "mismatch",
        mismatch,
        &[(
            "spec.template.metadata.labels",
            "Invalid value: map[string]string{\"a\":\"c\"}: `selector` does not match template `labels`",
        )],
    )
    .await;

    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cron"},
        "spec": {"schedule": "not a schedule", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "OnFailure", "containers": [container(json!({}))]}}}}}});
    refused(
        &c,
        "/apis/batch/v1/namespaces/default/cronjobs",
        "cron",
        cron,
        &[(
            "spec.schedule",
            "Invalid value: \"not a schedule\": expected exactly 5 fields, found 3: [not a schedule]",
        )],
    )
    .await;

    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "job"},
        "spec": {"template": {"spec": {"restartPolicy": "Always", "containers": [container(json!({}))]}}}});
    refused(
        &c,
        "/apis/batch/v1/namespaces/default/jobs",
        "job",
        job,
        &[(
            "spec.template.spec.restartPolicy",
            "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
        )],
    )
    .await;

    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
        "spec": {"ports": [{"port": 80, "protocol": "XTP"}]}});
    refused(
        &c,
        "/api/v1/namespaces/default/services",
        "svc",
        svc,
        &[(
            "spec.ports[0].protocol",
            "Unsupported value: \"XTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        )],
    )
    .await;

    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "spec": {"podCIDR": "bad"}});
    refused(
        &c,
        "/api/v1/nodes",
        "n1",
        node,
        &[(
            "spec.podCIDRs[0]",
            "Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        )],
    )
    .await;

    let good = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "good"},
        "spec": {"selector": {"matchLabels": labels},
            "template": pod_template(labels.clone(), json!({"containers": [container(json!({}))]}))}});
    let resp = c
        .admin(
            "POST",
            "/apis/apps/v1/namespaces/default/deployments",
            Some(good),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text());
}
