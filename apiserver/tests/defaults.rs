//! Upstream v1.33's scheme defaults and create/update status rules, through the real server:
//! a minimal object of each built-in type is created, and the defaults upstream fills in
//! (`pkg/apis/<group>/v1/defaults.go`, the declarative `+default` markers, and the
//! strategies' `PrepareForCreate`) must be in the answer and in a later GET. Expected values
//! are upstream's documented defaults, written out here by hand.

mod common;

use common::Cluster;
use serde_json::{json, Value};

/// Creates `obj` in `collection`, reads it back, and returns both.
async fn create_and_get(c: &Cluster, collection: &str, obj: Value) -> [Value; 2] {
    let name = obj["metadata"]["name"].as_str().unwrap().to_string();
    let created = c.admin("POST", collection, Some(obj)).await;
    assert_eq!(created.status, 201, "{collection}: {}", created.text());
    let got = c.admin("GET", &format!("{collection}/{name}"), None).await;
    assert_eq!(got.status, 200, "{collection}/{name}: {}", got.text());
    [created.json(), got.json()]
}

/// Checks that each JSON pointer holds its expected value in every copy.
fn expect(copies: &[Value; 2], what: &str, pairs: &[(&str, Value)]) {
    for (i, obj) in copies.iter().enumerate() {
        let copy = if i == 0 { "create answer" } else { "GET" };
        for (pointer, want) in pairs {
            assert_eq!(
                obj.pointer(pointer).unwrap_or(&Value::Null),
                want,
                "{what} {copy}: {pointer} in {obj}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_defaults() {
    let c = Cluster::start();
    let ns = "/api/v1/namespaces/default";

    // PersistentVolume: reclaim policy, volume mode, host path type; status Pending since now.
    let pv = create_and_get(
        &c,
        "/api/v1/persistentvolumes",
        json!({"metadata": {"name": "pv"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/pv"}},
        "status": {"phase": "Bound"}}),
    )
    .await;
    expect(
        &pv,
        "pv",
        &[
            ("/spec/persistentVolumeReclaimPolicy", json!("Retain")),
            ("/spec/volumeMode", json!("Filesystem")),
            ("/spec/hostPath/type", json!("")),
            ("/status/phase", json!("Pending")),
        ],
    );
    let since = pv[0]["status"]["lastPhaseTransitionTime"].clone();
    assert!(since.is_string(), "{}", pv[0]);
    assert_eq!(pv[1]["status"]["lastPhaseTransitionTime"], since);

    // An update of the volume keeps the status; a status write moving the phase stamps it.
    let mut upd = pv[1].clone();
    upd["spec"]["persistentVolumeReclaimPolicy"] = json!("Delete");
    upd["status"] = json!({"phase": "Failed"});
    let put = c
        .admin("PUT", "/api/v1/persistentvolumes/pv", Some(upd))
        .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let put = put.json();
    assert_eq!(put["spec"]["persistentVolumeReclaimPolicy"], "Delete");
    assert_eq!(put["status"]["phase"], "Pending");
    assert_eq!(put["status"]["lastPhaseTransitionTime"], since);
    let mut bound = put.clone();
    bound["status"] = json!({"phase": "Available"});
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let st = c
        .admin("PUT", "/api/v1/persistentvolumes/pv/status", Some(bound))
        .await;
    assert_eq!(st.status, 200, "{}", st.text());
    let st = st.json();
    assert_eq!(st["status"]["phase"], "Available");
    let moved = st["status"]["lastPhaseTransitionTime"].as_str().unwrap();
    assert_ne!(moved, since.as_str().unwrap(), "{st}");

    // PersistentVolumeClaim: volume mode and a Pending status whatever the client sent.
    let pvc = create_and_get(
        &c,
        &format!("{ns}/persistentvolumeclaims"),
        json!({"metadata": {"name": "pvc"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Bound"}}),
    )
    .await;
    expect(
        &pvc,
        "pvc",
        &[
            ("/spec/volumeMode", json!("Filesystem")),
            ("/status", json!({"phase": "Pending"})),
        ],
    );

    // LimitRange: a container item's default from max, default request from default/min.
    let lr = create_and_get(&c, &format!("{ns}/limitranges"), json!({"metadata": {"name": "lr"},
        "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"}}]}}))
    .await;
    expect(
        &lr,
        "limitrange",
        &[
            ("/spec/limits/0/default", json!({"cpu": "2"})),
            (
                "/spec/limits/0/defaultRequest",
                json!({"cpu": "2", "memory": "64Mi"}),
            ),
        ],
    );

    // Endpoints: ports are TCP.
    let ep = create_and_get(
        &c,
        &format!("{ns}/endpoints"),
        json!({"metadata": {"name": "ep"},
        "subsets": [{"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}]}]}),
    )
    .await;
    expect(
        &ep,
        "endpoints",
        &[("/subsets/0/ports/0/protocol", json!("TCP"))],
    );

    // ServiceAccount: secret references keep only their names.
    let sa = create_and_get(
        &c,
        &format!("{ns}/serviceaccounts"),
        json!({"metadata": {"name": "sa"},
        "secrets": [{"name": "tok", "namespace": "elsewhere", "kind": "Secret"}]}),
    )
    .await;
    expect(
        &sa,
        "serviceaccount",
        &[("/secrets", json!([{"name": "tok"}]))],
    );

    // ReplicationController: one replica, selector and labels from the template, pod defaults.
    let rc = create_and_get(
        &c,
        &format!("{ns}/replicationcontrollers"),
        json!({"metadata": {"name": "rc"},
        "spec": {"template": {"metadata": {"labels": {"app": "rc"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}),
    )
    .await;
    expect(
        &rc,
        "replicationcontroller",
        &[
            ("/spec/replicas", json!(1)),
            ("/spec/selector", json!({"app": "rc"})),
            ("/metadata/labels", json!({"app": "rc"})),
            ("/metadata/generation", json!(1)),
            ("/spec/template/spec/restartPolicy", json!("Always")),
            ("/spec/template/spec/dnsPolicy", json!("ClusterFirst")),
            (
                "/spec/template/spec/containers/0/imagePullPolicy",
                json!("IfNotPresent"),
            ),
        ],
    );

    // PodTemplate: pod spec defaults.
    let pt = create_and_get(
        &c,
        &format!("{ns}/podtemplates"),
        json!({"metadata": {"name": "pt"},
        "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}),
    )
    .await;
    expect(
        &pt,
        "podtemplate",
        &[
            ("/template/spec/restartPolicy", json!("Always")),
            ("/template/spec/schedulerName", json!("default-scheduler")),
            ("/template/spec/terminationGracePeriodSeconds", json!(30)),
            (
                "/template/spec/containers/0/terminationMessagePath",
                json!("/dev/termination-log"),
            ),
            (
                "/template/spec/containers/0/imagePullPolicy",
                json!("Always"),
            ),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_defaults() {
    let c = Cluster::start();

    // storage.k8s.io
    let storage = "/apis/storage.k8s.io/v1";
    let sc = create_and_get(
        &c,
        &format!("{storage}/storageclasses"),
        json!({"metadata": {"name": "sc"}, "provisioner": "example.com/p"}),
    )
    .await;
    expect(
        &sc,
        "storageclass",
        &[
            ("/reclaimPolicy", json!("Delete")),
            ("/volumeBindingMode", json!("Immediate")),
        ],
    );
    let csi = create_and_get(
        &c,
        &format!("{storage}/csidrivers"),
        json!({"metadata": {"name": "d.example.com"}, "spec": {}}),
    )
    .await;
    expect(
        &csi,
        "csidriver",
        &[
            ("/spec/attachRequired", json!(true)),
            ("/spec/podInfoOnMount", json!(false)),
            ("/spec/volumeLifecycleModes", json!(["Persistent"])),
            ("/spec/fsGroupPolicy", json!("ReadWriteOnceWithFSType")),
            ("/spec/storageCapacity", json!(false)),
            ("/spec/requiresRepublish", json!(false)),
            ("/spec/seLinuxMount", json!(false)),
        ],
    );
    let va = create_and_get(&c, &format!("{storage}/volumeattachments"), json!({"metadata": {"name": "va"},
        "spec": {"attacher": "d.example.com", "nodeName": "n1", "source": {"persistentVolumeName": "pv"}},
        "status": {"attached": true}}))
    .await;
    expect(
        &va,
        "volumeattachment",
        &[("/status", json!({"attached": false}))],
    );

    // networking.k8s.io
    let net = "/apis/networking.k8s.io/v1";
    let np = create_and_get(
        &c,
        &format!("{net}/namespaces/default/networkpolicies"),
        json!({
        "metadata": {"name": "np"},
        "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}}),
    )
    .await;
    expect(
        &np,
        "networkpolicy",
        &[
            ("/spec/policyTypes", json!(["Ingress", "Egress"])),
            ("/spec/egress/0/ports/0/protocol", json!("TCP")),
            ("/metadata/generation", json!(1)),
        ],
    );
    let ic = create_and_get(
        &c,
        &format!("{net}/ingressclasses"),
        json!({"metadata": {"name": "ic"},
        "spec": {"controller": "example.com/ingress",
            "parameters": {"apiGroup": "example.com", "kind": "Params", "name": "p"}}}),
    )
    .await;
    expect(
        &ic,
        "ingressclass",
        &[
            ("/spec/parameters/scope", json!("Cluster")),
            ("/metadata/generation", json!(1)),
        ],
    );

    // scheduling.k8s.io
    let pc = create_and_get(
        &c,
        "/apis/scheduling.k8s.io/v1/priorityclasses",
        json!({"metadata": {"name": "pc"}, "value": 1000}),
    )
    .await;
    expect(
        &pc,
        "priorityclass",
        &[("/preemptionPolicy", json!("PreemptLowerPriority"))],
    );

    // policy
    let pdb = create_and_get(
        &c,
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        json!({
        "metadata": {"name": "pdb"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "x"}}},
        "status": {"disruptionsAllowed": 3}}),
    )
    .await;
    expect(
        &pdb,
        "poddisruptionbudget",
        &[
            ("/status/disruptionsAllowed", json!(0)),
            ("/status/expectedPods", json!(0)),
            ("/metadata/generation", json!(1)),
            ("/spec/unhealthyPodEvictionPolicy", Value::Null),
        ],
    );

    // rbac.authorization.k8s.io
    let rb = create_and_get(&c, "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", json!({
        "metadata": {"name": "rb"}, "roleRef": {"kind": "Role", "name": "r"},
        "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "default"}]}))
    .await;
    expect(
        &rb,
        "rolebinding",
        &[
            ("/roleRef/apiGroup", json!("rbac.authorization.k8s.io")),
            ("/subjects/0/apiGroup", json!("rbac.authorization.k8s.io")),
            ("/subjects/1/apiGroup", Value::Null),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_plane_defaults() {
    let c = Cluster::start();

    // admissionregistration.k8s.io
    let adm = "/apis/admissionregistration.k8s.io/v1";
    let hook = json!({"name": "w.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
        "clientConfig": {"service": {"namespace": "default", "name": "hook"}},
        "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]});
    let common = [
        ("/webhooks/0/failurePolicy", json!("Fail")),
        ("/webhooks/0/matchPolicy", json!("Equivalent")),
        ("/webhooks/0/namespaceSelector", json!({})),
        ("/webhooks/0/objectSelector", json!({})),
        ("/webhooks/0/timeoutSeconds", json!(10)),
        ("/webhooks/0/rules/0/scope", json!("*")),
        ("/webhooks/0/clientConfig/service/port", json!(443)),
        ("/metadata/generation", json!(1)),
    ];
    let mwc = create_and_get(
        &c,
        &format!("{adm}/mutatingwebhookconfigurations"),
        json!({"metadata": {"name": "mwc"}, "webhooks": [hook.clone()]}),
    )
    .await;
    expect(&mwc, "mutatingwebhookconfiguration", &common);
    expect(
        &mwc,
        "mutatingwebhookconfiguration",
        &[("/webhooks/0/reinvocationPolicy", json!("Never"))],
    );
    let vwc = create_and_get(
        &c,
        &format!("{adm}/validatingwebhookconfigurations"),
        json!({"metadata": {"name": "vwc"}, "webhooks": [hook]}),
    )
    .await;
    expect(&vwc, "validatingwebhookconfiguration", &common);
    expect(
        &vwc,
        "validatingwebhookconfiguration",
        &[("/webhooks/0/reinvocationPolicy", Value::Null)],
    );

    let vap = create_and_get(&c, &format!("{adm}/validatingadmissionpolicies"), json!({
        "metadata": {"name": "vap"},
        "spec": {"matchConstraints": {"resourceRules": [{"operations": ["CREATE"], "apiGroups": ["apps"],
            "apiVersions": ["v1"], "resources": ["deployments"]}]},
            "validations": [{"expression": "object.spec.replicas <= 5"}]}}))
    .await;
    expect(
        &vap,
        "validatingadmissionpolicy",
        &[
            ("/spec/failurePolicy", json!("Fail")),
            ("/spec/matchConstraints/matchPolicy", json!("Equivalent")),
            ("/spec/matchConstraints/namespaceSelector", json!({})),
            ("/spec/matchConstraints/objectSelector", json!({})),
            ("/spec/matchConstraints/resourceRules/0/scope", json!("*")),
            ("/metadata/generation", json!(1)),
        ],
    );
    let vapb = create_and_get(
        &c,
        &format!("{adm}/validatingadmissionpolicybindings"),
        json!({
        "metadata": {"name": "vapb"},
        "spec": {"policyName": "vap", "validationActions": ["Deny"], "matchResources": {}}}),
    )
    .await;
    expect(
        &vapb,
        "validatingadmissionpolicybinding",
        &[
            ("/spec/matchResources/matchPolicy", json!("Equivalent")),
            ("/spec/matchResources/namespaceSelector", json!({})),
            ("/metadata/generation", json!(1)),
        ],
    );

    // flowcontrol.apiserver.k8s.io
    let fc = "/apis/flowcontrol.apiserver.k8s.io/v1";
    let plc = create_and_get(&c, &format!("{fc}/prioritylevelconfigurations"), json!({
        "metadata": {"name": "plc"},
        "spec": {"type": "Limited", "limited": {"limitResponse": {"type": "Queue", "queuing": {}}}}}))
    .await;
    expect(
        &plc,
        "prioritylevelconfiguration",
        &[
            ("/spec/limited/nominalConcurrencyShares", json!(30)),
            ("/spec/limited/lendablePercent", json!(0)),
            (
                "/spec/limited/limitResponse/queuing",
                json!({"handSize": 8, "queues": 64, "queueLengthLimit": 50}),
            ),
            ("/metadata/generation", json!(1)),
        ],
    );
    let fs = create_and_get(
        &c,
        &format!("{fc}/flowschemas"),
        json!({"metadata": {"name": "fs"},
        "spec": {"priorityLevelConfiguration": {"name": "plc"}}}),
    )
    .await;
    expect(
        &fs,
        "flowschema",
        &[("/spec/matchingPrecedence", json!(1000))],
    );

    // apiextensions.k8s.io
    let crd = create_and_get(&c, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json!({
        "metadata": {"name": "gadgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "gadgets", "kind": "Gadget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object"}}}]}}))
    .await;
    expect(
        &crd,
        "customresourcedefinition",
        &[
            ("/spec/names/singular", json!("gadget")),
            ("/spec/names/listKind", json!("GadgetList")),
            ("/spec/conversion", json!({"strategy": "None"})),
            ("/status/storedVersions", json!(["v1"])),
            ("/metadata/generation", json!(1)),
        ],
    );

    // apiregistration.k8s.io: a local APIService is available at once; a remote one's port
    // is 443 and its status starts empty.
    let apis = "/apis/apiregistration.k8s.io/v1/apiservices";
    let local = create_and_get(&c, apis, json!({"metadata": {"name": "v1.example.com"},
        "spec": {"group": "example.com", "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 10}}))
    .await;
    expect(
        &local,
        "local apiservice",
        &[
            ("/status/conditions/0/type", json!("Available")),
            ("/status/conditions/0/status", json!("True")),
            ("/status/conditions/0/reason", json!("Local")),
            (
                "/status/conditions/0/message",
                json!("Local APIServices are always available"),
            ),
        ],
    );
    let remote = create_and_get(
        &c,
        apis,
        json!({"metadata": {"name": "v1beta1.metrics.k8s.io"},
        "spec": {"group": "metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100,
            "versionPriority": 100, "insecureSkipTLSVerify": true,
            "service": {"namespace": "kube-system", "name": "metrics-server"}},
        "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Forged"}]}}),
    )
    .await;
    expect(
        &remote,
        "remote apiservice",
        &[
            ("/spec/service/port", json!(443)),
            ("/status/conditions", Value::Null),
        ],
    );

    // certificates.k8s.io: the status is not settable on create, the spec not on update.
    use base64::Engine as _;
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["d.example.com".to_string()]).unwrap();
    let request = base64::engine::general_purpose::STANDARD
        .encode(params.serialize_request(&key).unwrap().pem().unwrap());
    let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    let csr = create_and_get(&c, csrs, json!({"metadata": {"name": "csr"},
        "spec": {"request": request, "signerName": "example.com/signer", "usages": ["digital signature"],
            "username": "mallory", "groups": ["system:masters", "evil"], "uid": "1"},
        "status": {"conditions": [{"type": "Approved", "status": "True", "reason": "Self"}]}}))
    .await;
    expect(
        &csr,
        "certificatesigningrequest",
        &[("/status/conditions", Value::Null)],
    );
    // The requester is the authenticated user, whatever the body said (upstream's
    // PrepareForCreate): the harness's admin certificate.
    for got in &csr {
        assert_eq!(got["spec"]["username"], "kubernetes-admin", "{got}");
        assert_eq!(
            got["spec"]["groups"],
            json!(["system:masters", "system:authenticated"]),
            "{got}"
        );
        assert!(got["spec"].get("uid").is_none(), "{got}");
    }
    let mut upd = csr[1].clone();
    upd["spec"]["signerName"] = json!("example.com/other");
    let put = c.admin("PUT", &format!("{csrs}/csr"), Some(upd)).await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.json()["spec"]["signerName"], "example.com/signer");
}

/// Quantities are stored and answered as upstream's `Quantity` marshals them: canonical
/// (`0.5` -> `500m`, `1024Mi` -> `1Gi`), numbers as strings, in every kind that holds them,
/// also through a patch and through kubectl.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quantities_are_canonical() {
    let c = Cluster::start();
    let ns = "/api/v1/namespaces/default";
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
        "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {
            "limits": {"cpu": 0.5, "memory": "1.5Gi"},
            "requests": {"cpu": "250m", "memory": "1024Mi"}}}]}});
    let pod = create_and_get(&c, &format!("{ns}/pods"), pod).await;
    expect(
        &pod,
        "pod",
        &[
            ("/spec/containers/0/resources/limits/cpu", json!("500m")),
            (
                "/spec/containers/0/resources/limits/memory",
                json!("1536Mi"),
            ),
            ("/spec/containers/0/resources/requests/cpu", json!("250m")),
            ("/spec/containers/0/resources/requests/memory", json!("1Gi")),
        ],
    );
    let quota = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
        "spec": {"hard": {"pods": 10, "requests.cpu": "2000m", "requests.storage": "2048Gi"}}});
    let quota = create_and_get(&c, &format!("{ns}/resourcequotas"), quota).await;
    expect(
        &quota,
        "quota",
        &[
            ("/spec/hard/pods", json!("10")),
            ("/spec/hard/requests.cpu", json!("2")),
            ("/spec/hard/requests.storage", json!("2Ti")),
        ],
    );
    let patch = json!({"spec": {"hard": {"requests.memory": "0.5Gi"}}});
    let r = c
        .request(
            common::Who::Admin,
            "PATCH",
            &format!("{ns}/resourcequotas/q"),
            &[("content-type", "application/merge-patch+json")],
            Some(serde_json::to_vec(&patch).unwrap()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["spec"]["hard"]["requests.memory"], "512Mi");
    if common::have_kubectl() {
        let manifest = c.dir.path().join("limits.yaml");
        std::fs::write(
            &manifest,
            "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\nspec:\n  limits:\n  - type: Container\n    default:\n      cpu: 0.1\n      memory: 131072Ki\n",
        )
        .unwrap();
        common::kubectl_ok(&c, &["create", "-f", manifest.to_str().unwrap()]);
        let out = common::kubectl_ok(
            &c,
            &[
                "get",
                "limitrange",
                "l",
                "-o",
                "jsonpath={.spec.limits[0].default}",
            ],
        );
        let got: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(got, json!({"cpu": "100m", "memory": "128Mi"}));
    }
}

/// A webhook configuration has no `spec`: its generation is 1 on create and follows its
/// `webhooks`, as upstream's strategy bumps it; a label change leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_configuration_generation_follows_webhooks() {
    let c = Cluster::start();
    let base = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
    let hook = |timeout: i64| {
        json!({"name": "w.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
            "timeoutSeconds": timeout, "clientConfig": {"url": "https://example.com/hook"}})
    };
    let vwc = json!({"apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration", "metadata": {"name": "v"}, "webhooks": [hook(5)]});
    let [created, _] = create_and_get(&c, base, vwc).await;
    assert_eq!(created["metadata"]["generation"], 1, "{created}");
    let mut labelled = created.clone();
    labelled["metadata"]["labels"] = json!({"a": "b"});
    let r = c.admin("PUT", &format!("{base}/v"), Some(labelled)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let labelled = r.json();
    assert_eq!(labelled["metadata"]["generation"], 1, "{labelled}");
    let mut changed = labelled.clone();
    changed["webhooks"] = json!([hook(7)]);
    let r = c.admin("PUT", &format!("{base}/v"), Some(changed)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["metadata"]["generation"], 2, "{}", r.text());
}
