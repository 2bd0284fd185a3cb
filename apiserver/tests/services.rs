//! Services: the `kubernetes` service, ClusterIP and NodePort allocation.

mod common;

use std::collections::BTreeSet;

use common::{Backend, Cluster, Opts};
use serde_json::{json, Value};

fn svc(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_ip_and_node_port_allocation() {
    let c = Cluster::start();
    let base = "/api/v1/namespaces/default/services";
    let k = c.admin("GET", &format!("{base}/kubernetes"), None).await;
    assert_eq!(k.status, 200, "{}", k.text());
    let k = k.json();
    assert_eq!(k["spec"]["clusterIP"], "10.96.0.1");
    assert_eq!(k["spec"]["ports"][0]["port"], 443);
    assert_eq!(k["spec"]["ports"][0]["targetPort"], c.port);
    let ep = c
        .admin(
            "GET",
            "/api/v1/namespaces/default/endpoints/kubernetes",
            None,
        )
        .await
        .json();
    assert_eq!(ep["subsets"][0]["ports"][0]["port"], c.port);

    let a = c
        .admin(
            "POST",
            base,
            Some(svc("a", json!({"ports": [{"port": 80}]}))),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    let a = a.json();
    let ip_a = a["spec"]["clusterIP"].as_str().unwrap().to_string();
    assert!(ip_a.starts_with("10.") && ip_a != "10.96.0.1", "{ip_a}");
    assert_eq!(a["spec"]["clusterIPs"], json!([ip_a.clone()]));
    assert_eq!(a["spec"]["ports"][0]["targetPort"], 80);
    assert_eq!(a["spec"]["type"], "ClusterIP");
    let b = c
        .admin(
            "POST",
            base,
            Some(svc("b", json!({"ports": [{"port": 80}]}))),
        )
        .await
        .json();
    assert_ne!(b["spec"]["clusterIP"], ip_a.as_str());

    let taken = c
        .admin(
            "POST",
            base,
            Some(svc(
                "c",
                json!({"clusterIP": ip_a, "ports": [{"port": 80}]}),
            )),
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken.json()["message"]
            .as_str()
            .unwrap()
            .contains("provided IP is already allocated"),
        "{}",
        taken.text()
    );
    let outside = c
        .admin(
            "POST",
            base,
            Some(svc(
                "d",
                json!({"clusterIP": "192.168.0.1", "ports": [{"port": 80}]}),
            )),
        )
        .await;
    assert_eq!(outside.status, 422);
    assert!(
        outside
            .text()
            .contains("The range of valid IPs is 10.96.0.0/12"),
        "{}",
        outside.text()
    );

    let np = c
        .admin(
            "POST",
            base,
            Some(svc(
                "np",
                json!({"type": "NodePort", "ports": [{"port": 80}]}),
            )),
        )
        .await;
    assert_eq!(np.status, 201, "{}", np.text());
    let np = np.json();
    let port = np["spec"]["ports"][0]["nodePort"].as_i64().unwrap();
    assert!((30000..=32767).contains(&port), "{port}");
    let clash = c
        .admin(
            "POST",
            base,
            Some(svc(
                "np2",
                json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": port}]}),
            )),
        )
        .await;
    assert_eq!(clash.status, 422);
    assert_eq!(
        clash.json()["details"]["causes"][0]["field"],
        "spec.ports[0].nodePort"
    );

    // An update that leaves allocated values out keeps them; changing the IP is refused.
    let mut upd = np.clone();
    upd["spec"].as_object_mut().unwrap().remove("clusterIP");
    upd["spec"].as_object_mut().unwrap().remove("clusterIPs");
    upd["spec"]["ports"][0]
        .as_object_mut()
        .unwrap()
        .remove("nodePort");
    let kept = c.admin("PUT", &format!("{base}/np"), Some(upd)).await;
    assert_eq!(kept.status, 200, "{}", kept.text());
    assert_eq!(kept.json()["spec"]["clusterIP"], np["spec"]["clusterIP"]);
    assert_eq!(kept.json()["spec"]["ports"][0]["nodePort"], port);
    let mut moved = kept.json();
    moved["spec"]["clusterIP"] = json!("10.96.0.77");
    moved["spec"]["clusterIPs"] = json!(["10.96.0.77"]);
    assert_eq!(
        c.admin("PUT", &format!("{base}/np"), Some(moved))
            .await
            .status,
        422
    );

    let headless = c
        .admin(
            "POST",
            base,
            Some(svc(
                "h",
                json!({"clusterIP": "None", "ports": [{"port": 80}]}),
            )),
        )
        .await
        .json();
    assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));

    // Deleting frees the IP for a new claim.
    assert_eq!(
        c.admin("DELETE", &format!("{base}/a"), None).await.status,
        200
    );
    let reuse = c
        .admin(
            "POST",
            base,
            Some(svc(
                "e",
                json!({"clusterIP": ip_a, "ports": [{"port": 80}]}),
            )),
        )
        .await;
    assert_eq!(reuse.status, 201, "{}", reuse.text());
}

/// Many services created at the same moment never share a ClusterIP or a NodePort: a tiny
/// range (13 free addresses, 13 node ports) is filled exactly by concurrent creates, and the
/// next one is refused as upstream refuses a full range.
async fn concurrent_allocation_is_unique(backend: Backend) {
    let c = Cluster::start_opts(Opts {
        backend,
        apiserver_args: vec![
            "--service-cluster-ip-range=10.96.0.0/28".to_string(),
            "--service-node-port-range=30000-30012".to_string(),
        ],
        ..Opts::default()
    });
    let base = "/api/v1/namespaces/default/services";
    let creates = (0..13).map(|i| {
        let c = &c;
        async move {
            c.admin(
                "POST",
                base,
                Some(svc(
                    &format!("s{i}"),
                    json!({"type": "NodePort", "ports": [{"port": 80}]}),
                )),
            )
            .await
        }
    });
    let results = futures::future::join_all(creates).await;
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for r in &results {
        assert_eq!(r.status, 201, "{}", r.text());
        let s = r.json();
        let ip = s["spec"]["clusterIP"].as_str().unwrap().to_string();
        assert!(ip.starts_with("10.96.0.") && ip != "10.96.0.1", "{ip}");
        assert!(ips.insert(ip.clone()), "ClusterIP {ip} handed out twice");
        let port = s["spec"]["ports"][0]["nodePort"].as_i64().unwrap();
        assert!((30000..=30012).contains(&port), "{port}");
        assert!(ports.insert(port), "NodePort {port} handed out twice");
    }
    // What is stored agrees with what was answered.
    let list = c.admin("GET", base, None).await.json();
    let stored: BTreeSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["metadata"]["name"] != "kubernetes")
        .map(|s| s["spec"]["clusterIP"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stored, ips);

    let full = c
        .admin(
            "POST",
            base,
            Some(svc("one-too-many", json!({"ports": [{"port": 80}]}))),
        )
        .await;
    assert_eq!(full.status, 500, "{}", full.text());
    assert!(full.text().contains("range is full"), "{}", full.text());
    // Deleting one frees exactly its address for the next service.
    let freed = results[3].json()["spec"]["clusterIP"].clone();
    assert_eq!(
        c.admin("DELETE", &format!("{base}/s3"), None).await.status,
        200
    );
    let again = c
        .admin(
            "POST",
            base,
            Some(svc("again", json!({"ports": [{"port": 80}]}))),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json()["spec"]["clusterIP"], freed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_allocation_is_unique_on_etcd() {
    concurrent_allocation_is_unique(Backend::Etcd).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_allocation_is_unique_on_shim() {
    concurrent_allocation_is_unique(Backend::Shim).await;
}
