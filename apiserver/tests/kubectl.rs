//! The real kubectl v1.33 against kube-apiserver and a real etcd.

mod common;

use common::{
    err, have_kubectl, kubectl_fails as fails, kubectl_ok as ok, out, table_lines, Cluster,
};
use serde_json::Value;

#[test]
fn kubectl_configmap_and_namespace_lifecycle() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let version: Value = serde_json::from_str(&ok(&c, &["version", "-o", "json"])).unwrap();
    assert_eq!(version["serverVersion"]["minor"], "33");

    let ns = ok(&c, &["get", "namespaces"]);
    let header = ns.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("NAME") && header.contains("STATUS") && header.contains("AGE"),
        "{ns}"
    );
    assert!(
        ns.lines()
            .any(|l| l.starts_with("kube-system") && l.contains("Active")),
        "{ns}"
    );

    let manifest = c.dir.path().join("cm.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  labels:\n    app: demo\ndata:\n  a: \"1\"\n  b: \"2\"\n",
    )
    .unwrap();
    let file = manifest.display().to_string();
    assert_eq!(
        ok(&c, &["create", "-f", &file, "--validate=false"]).trim(),
        "configmap/app-config created"
    );
    let again = fails(&c, &["create", "-f", &file, "--validate=false"]);
    assert!(
        again.contains("Error from server (AlreadyExists)")
            && again.contains("configmaps \"app-config\" already exists"),
        "{again}"
    );

    let cm: Value =
        serde_json::from_str(&ok(&c, &["get", "configmap", "app-config", "-o", "json"])).unwrap();
    assert_eq!(cm["data"]["b"], "2");
    assert_eq!(cm["metadata"]["labels"]["app"], "demo");

    let table = ok(&c, &["get", "cm", "-l", "app=demo"]);
    let mut lines = table.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(header, ["NAME", "DATA", "AGE"], "{table}");
    let row: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(&row[..2], ["app-config", "2"], "{table}");

    let all = ok(&c, &["get", "configmaps", "-A", "--show-labels"]);
    assert!(
        all.lines()
            .any(|l| l.starts_with("default") && l.contains("app=demo")),
        "{all}"
    );

    assert_eq!(
        ok(&c, &["delete", "configmap", "app-config"]).trim(),
        "configmap \"app-config\" deleted"
    );
    let gone = fails(&c, &["get", "configmap", "app-config"]);
    assert!(
        gone.contains("Error from server (NotFound): configmaps \"app-config\" not found"),
        "{gone}"
    );

    let ns_file = c.dir.path().join("ns.yaml");
    std::fs::write(
        &ns_file,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n",
    )
    .unwrap();
    assert_eq!(
        ok(
            &c,
            &[
                "create",
                "-f",
                &ns_file.display().to_string(),
                "--validate=false"
            ]
        )
        .trim(),
        "namespace/scratch created"
    );
    assert_eq!(
        ok(&c, &["delete", "namespace", "scratch", "--wait=false"]).trim(),
        "namespace \"scratch\" deleted"
    );
    let phase = ok(
        &c,
        &[
            "get",
            "namespace",
            "scratch",
            "-o",
            "jsonpath={.status.phase}",
        ],
    );
    assert_eq!(phase, "Terminating");
    let forbidden = fails(&c, &["delete", "namespace", "kube-system"]);
    assert!(
        forbidden.contains("this namespace may not be deleted"),
        "{forbidden}"
    );
}

#[test]
fn version_dispatcher_picks_1_33() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    // The `kubectl` on PATH asks /version and runs the matching kubectl.1.<minor>.
    let o = std::process::Command::new("kubectl")
        .arg(format!("--kubeconfig={}", c.kubeconfig.display()))
        .args(["version", "-o", "json"])
        .env("HOME", c.dir.path())
        .output();
    let Ok(o) = o else {
        eprintln!("no kubectl on PATH; skipping");
        return;
    };
    assert!(o.status.success(), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["clientVersion"]["minor"], "33", "{v}");
    assert_eq!(v["serverVersion"]["gitVersion"], "v1.33.0-kubeoxide");
}

#[test]
fn kubectl_discovery_and_watch() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let resources = ok(&c, &["api-resources"]);
    let row = |name: &str| {
        resources
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        row("configmaps"),
        ["configmaps", "cm", "v1", "true", "ConfigMap"],
        "{resources}"
    );
    assert_eq!(
        row("deployments"),
        ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    );
    assert_eq!(row("nodes"), ["nodes", "no", "v1", "false", "Node"]);

    let all = ok(&c, &["get", "all"]);
    assert!(all.contains("service/kubernetes"), "{all}");

    let mut watcher = std::process::Command::new(common::kubectl_binary())
        .arg(format!("--kubeconfig={}", c.kubeconfig.display()))
        .arg(format!(
            "--cache-dir={}",
            c.dir.path().join("kube-cache").display()
        ))
        .args(["get", "configmaps", "--watch", "--output-watch-events"])
        .env("HOME", c.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start kubectl --watch");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let manifest = c.dir.path().join("w.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\ndata:\n  x: y\n",
    )
    .unwrap();
    ok(
        &c,
        &[
            "create",
            "-f",
            &manifest.display().to_string(),
            "--validate=false",
        ],
    );
    ok(&c, &["delete", "configmap", "watched"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _ = watcher.kill();
    let o = watcher.wait_with_output().unwrap();
    let text = out(&o);
    let events: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        events
            .first()
            .is_some_and(|h| h[..3] == ["EVENT", "NAME", "DATA"]),
        "{text}\n{}",
        err(&o)
    );
    assert!(
        events.iter().any(|e| e[..3] == ["ADDED", "watched", "1"]),
        "{text}"
    );
    assert!(
        events.iter().any(|e| e[..2] == ["DELETED", "watched"]),
        "{text}"
    );
}

/// kubectl's typed `create` commands send protobuf bodies.
#[test]
fn kubectl_typed_create_commands() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    assert_eq!(
        ok(&c, &["create", "namespace", "team"]).trim(),
        "namespace/team created"
    );
    assert_eq!(
        ok(
            &c,
            &[
                "create",
                "configmap",
                "cfg",
                "-n",
                "team",
                "--from-literal=a=1",
                "--from-literal=b=2"
            ]
        )
        .trim(),
        "configmap/cfg created"
    );
    let cm: Value =
        serde_json::from_str(&ok(&c, &["get", "cm", "cfg", "-n", "team", "-o", "json"])).unwrap();
    assert_eq!(cm["data"], serde_json::json!({"a": "1", "b": "2"}));
    assert_eq!(
        ok(
            &c,
            &[
                "create",
                "secret",
                "generic",
                "s",
                "--from-literal=password=hunter2"
            ]
        )
        .trim(),
        "secret/s created"
    );
    let s: Value = serde_json::from_str(&ok(&c, &["get", "secret", "s", "-o", "json"])).unwrap();
    assert_eq!(s["data"]["password"], "aHVudGVyMg==");
    assert_eq!(s["type"], "Opaque");
    assert_eq!(
        ok(
            &c,
            &[
                "create",
                "deployment",
                "web",
                "--image=nginx:1.27",
                "--replicas=2",
                "--port=80"
            ]
        )
        .trim(),
        "deployment.apps/web created"
    );
    let d: Value = serde_json::from_str(&ok(&c, &["get", "deploy", "web", "-o", "json"])).unwrap();
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        80
    );
    assert_eq!(d["spec"]["selector"]["matchLabels"]["app"], "web");
    assert_eq!(
        ok(
            &c,
            &["create", "service", "clusterip", "web", "--tcp=80:8080"]
        )
        .trim(),
        "service/web created"
    );
    let svc: Value = serde_json::from_str(&ok(&c, &["get", "svc", "web", "-o", "json"])).unwrap();
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 8080);
    assert!(svc["spec"]["clusterIP"]
        .as_str()
        .is_some_and(|ip| ip.starts_with("10.")));
    assert_eq!(
        ok(
            &c,
            &[
                "create",
                "job",
                "pi",
                "--image=perl",
                "--",
                "perl",
                "-e",
                "print 1"
            ]
        )
        .trim(),
        "job.batch/pi created"
    );
    let job: Value = serde_json::from_str(&ok(&c, &["get", "job", "pi", "-o", "json"])).unwrap();
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["command"],
        serde_json::json!(["perl", "-e", "print 1"])
    );
    assert_eq!(
        ok(&c, &["create", "serviceaccount", "robot"]).trim(),
        "serviceaccount/robot created"
    );
    let who = ok(&c, &["auth", "whoami"]);
    assert!(
        who.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Username", "kubernetes-admin"]),
        "{who}"
    );
    assert_eq!(ok(&c, &["auth", "can-i", "create", "pods"]).trim(), "yes");
    let cs = ok(&c, &["get", "componentstatuses"]);
    assert!(
        cs.lines().any(
            |l| l.split_whitespace().take(3).collect::<Vec<_>>() == ["etcd-0", "Healthy", "ok"]
        ),
        "{cs}"
    );
    let listed = ok(&c, &["get", "deploy,svc,sa,secret,cm", "-o", "name"]);
    for want in [
        "deployment.apps/web",
        "service/web",
        "serviceaccount/robot",
        "secret/s",
    ] {
        assert!(
            listed.lines().any(|l| l == want),
            "{want} missing:\n{listed}"
        );
    }
}

/// `kubectl get -o wide` prints upstream's headers and cells for objects made with
/// `kubectl create -f` (the AGE cell left out).
#[test]
fn kubectl_get_wide_matches_upstream() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let manifest = c.dir.path().join("objects.yaml");
    std::fs::write(
        &manifest,
        r#"apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: c
            image: busybox
---
apiVersion: v1
kind: Event
metadata:
  name: p.pulled
involvedObject:
  kind: Pod
  name: p
  namespace: default
  fieldPath: spec.containers{app}
reason: Pulled
message: pulled the image
type: Normal
count: 2
source:
  component: kubelet
  host: node-1
firstTimestamp: "2020-01-01T00:00:00Z"
lastTimestamp: "2020-01-01T00:00:00Z"
"#,
    )
    .unwrap();
    // No OpenAPI document is served yet, so client-side validation is off.
    ok(
        &c,
        &[
            "create",
            "--validate=false",
            "-f",
            &manifest.display().to_string(),
        ],
    );

    let age = |line: &[String], header: &[String]| -> Vec<String> {
        header
            .iter()
            .zip(line)
            .filter(|(h, _)| h.as_str() != "AGE")
            .map(|(_, v)| v.clone())
            .collect()
    };

    let pods = table_lines(&ok(&c, &["get", "pods", "-o", "wide"]));
    assert_eq!(
        pods[0],
        [
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED NODE",
            "READINESS GATES"
        ]
    );
    assert_eq!(
        age(&pods[1], &pods[0]),
        ["p", "0/1", "Pending", "0", "<none>", "<none>", "<none>", "<none>"]
    );

    let deploy = table_lines(&ok(&c, &["get", "deployments", "-o", "wide"]));
    assert_eq!(
        deploy[0],
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert_eq!(
        age(&deploy[1], &deploy[0]),
        ["web", "0/3", "0", "0", "app", "nginx:1.27", "app=web"]
    );

    let svc = table_lines(&ok(&c, &["get", "service", "web", "-o", "wide"]));
    assert_eq!(
        svc[0],
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
            "SELECTOR"
        ]
    );
    let row = age(&svc[1], &svc[0]);
    assert_eq!(
        [&row[..2], &row[3..]].concat(),
        ["web", "ClusterIP", "<none>", "80/TCP", "app=web"]
    );

    let cj = table_lines(&ok(&c, &["get", "cronjobs", "-o", "wide"]));
    assert_eq!(
        cj[0],
        [
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert_eq!(
        age(&cj[1], &cj[0]),
        ["tick", "@hourly", "<none>", "False", "0", "<none>", "c", "busybox", "<none>"]
    );

    let events = table_lines(&ok(&c, &["get", "events", "-o", "wide"]));
    assert_eq!(
        events[0],
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let row = &events[1];
    assert_eq!(
        [&row[1..7], &row[8..]].concat(),
        [
            "Normal",
            "Pulled",
            "pod/p",
            "spec.containers{app}",
            "kubelet, node-1",
            "pulled the image",
            "2",
            "p.pulled"
        ]
    );

    // Without -o wide, only the priority-0 columns.
    let plain = table_lines(&ok(&c, &["get", "pods"]));
    assert_eq!(plain[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
}

/// `kubectl logs`, `exec` and `attach` on a pod no node has yet: what upstream prints.
#[test]
fn kubectl_logs_and_exec_on_an_unscheduled_pod() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    ok(&c, &["run", "web", "--image=nginx:1.27"]);
    let logs = common::kubectl_output_ok(&c, &["logs", "web"]);
    assert_eq!(out(&logs), "", "{}", err(&logs));
    assert_eq!(err(&logs), "");
    let wrong = fails(&c, &["logs", "web", "-c", "nope"]);
    assert!(
        wrong.contains("container nope is not valid for pod web"),
        "{wrong}"
    );
    for args in [
        &["exec", "web", "--", "ls"][..],
        &["exec", "-it", "web", "--", "sh"][..],
        &["attach", "web"][..],
    ] {
        let e = fails(&c, args);
        assert!(
            e.contains("Error from server (BadRequest): pod web does not have a host assigned"),
            "kubectl {args:?}: {e}"
        );
    }
}

/// The typed creates of the other API groups (kubectl sends them as protobuf): what is
/// stored is what the flags said.
#[test]
fn kubectl_typed_create_commands_of_every_group() {
    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let c = Cluster::start();
    let get = |what: &[&str]| -> Value {
        let mut args = vec!["get"];
        args.extend_from_slice(what);
        args.extend_from_slice(&["-o", "json"]);
        serde_json::from_str(&ok(&c, &args)).unwrap()
    };
    for (args, said) in [
        (
            &[
                "create",
                "role",
                "reader",
                "--verb=get,list",
                "--resource=pods",
                "--resource-name=web",
            ][..],
            "role.rbac.authorization.k8s.io/reader created",
        ),
        (
            &[
                "create",
                "rolebinding",
                "rb",
                "--role=reader",
                "--user=bob",
                "--group=devs",
                "--serviceaccount=default:robot",
            ][..],
            "rolebinding.rbac.authorization.k8s.io/rb created",
        ),
        (
            &[
                "create",
                "clusterrole",
                "logs",
                "--verb=get",
                "--non-resource-url=/logs/*",
            ][..],
            "clusterrole.rbac.authorization.k8s.io/logs created",
        ),
        (
            &[
                "create",
                "clusterrolebinding",
                "crb",
                "--clusterrole=logs",
                "--user=alice",
            ][..],
            "clusterrolebinding.rbac.authorization.k8s.io/crb created",
        ),
        (
            &[
                "create",
                "priorityclass",
                "low",
                "--value=0",
                "--description=batch",
            ][..],
            "priorityclass.scheduling.k8s.io/low created",
        ),
        (
            &[
                "create",
                "ingress",
                "site",
                "--class=nginx",
                "--rule=example.com/api*=api:http,tls=cert",
            ][..],
            "ingress.networking.k8s.io/site created",
        ),
        (
            &["create", "deployment", "web", "--image=nginx:1.27"][..],
            "deployment.apps/web created",
        ),
        (
            &[
                "autoscale",
                "deployment",
                "web",
                "--min=2",
                "--max=5",
                "--cpu-percent=60",
            ][..],
            "horizontalpodautoscaler.autoscaling/web autoscaled",
        ),
    ] {
        assert_eq!(ok(&c, args).trim(), said, "kubectl {args:?}");
    }
    let role = get(&["role", "reader"]);
    assert_eq!(
        role["rules"],
        serde_json::json!([{"apiGroups": [""], "resources": ["pods"], "resourceNames": ["web"], "verbs": ["get", "list"]}])
    );
    let rb = get(&["rolebinding", "rb"]);
    assert_eq!(
        rb["roleRef"],
        serde_json::json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"})
    );
    let subjects: Vec<String> = rb["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                s["kind"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(subjects, ["User/bob", "Group/devs", "ServiceAccount/robot"]);
    assert_eq!(
        get(&["clusterrole", "logs"])["rules"],
        serde_json::json!([{"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}])
    );
    // A zero that was set (a non-omitempty int) is kept, not dropped.
    let pc = get(&["priorityclass", "low"]);
    assert_eq!(
        (pc["value"].clone(), pc["description"].clone()),
        (serde_json::json!(0), serde_json::json!("batch"))
    );
    let ing = get(&["ingress", "site"]);
    assert_eq!(ing["spec"]["ingressClassName"], "nginx");
    assert_eq!(
        ing["spec"]["rules"][0]["http"]["paths"][0],
        serde_json::json!({"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"name": "http"}}}})
    );
    assert_eq!(
        ing["spec"]["tls"],
        serde_json::json!([{"hosts": ["example.com"], "secretName": "cert"}])
    );
    // The scale subresource prints upstream's Scale columns.
    let scale = table_lines(&ok(
        &c,
        &["get", "deployment", "web", "--subresource=scale"],
    ));
    assert_eq!(
        scale[0],
        ["NAME", "DESIRED", "AVAILABLE", "AGE"],
        "{scale:?}"
    );
    assert_eq!(scale[1][..3], ["web", "1", "0"], "{scale:?}");
    let hpa = get(&["horizontalpodautoscalers.v1.autoscaling", "web"]);
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 5);
    assert_eq!(hpa["spec"]["targetCPUUtilizationPercentage"], 60);
    assert_eq!(hpa["spec"]["scaleTargetRef"]["name"], "web");
}
