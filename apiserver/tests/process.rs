//! Process-level behaviour: etcd over mutual TLS and over a unix socket, and a clean exit on
//! SIGTERM.

mod common;

use std::time::Duration;

use common::{Cluster, EtcdMode};
use serde_json::json;

async fn round_trip(c: &Cluster) {
    let created = c
        .admin(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some(json!({"metadata": {"name": "via"}, "data": {"k": "v"}})),
        )
        .await;
    assert_eq!(created.status, 201, "{}\n{}", created.text(), c.log());
    let got = c
        .admin("GET", "/api/v1/namespaces/default/configmaps/via", None)
        .await;
    assert_eq!(got.json()["data"]["k"], "v");
    let mut watch = c
        .watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0")
        .await;
    let ev = watch.next(Duration::from_secs(10)).await.expect("ADDED");
    assert_eq!(ev["object"]["metadata"]["name"], "via");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_over_mutual_tls() {
    let c = Cluster::start_with(EtcdMode::Tls);
    assert!(c.etcd_url.starts_with("https://"));
    round_trip(&c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_over_unix_socket() {
    let c = Cluster::start_with(EtcdMode::Unix);
    assert!(c.etcd_url.starts_with("unix:///"), "{}", c.etcd_url);
    round_trip(&c).await;
}

#[test]
fn exits_cleanly_on_sigterm() {
    let mut c = Cluster::start();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &c.apiserver_pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = c
        .wait_apiserver_exit(Duration::from_secs(10))
        .expect("still running 10s after SIGTERM");
    assert!(exit.success(), "exit status {exit}\n{}", c.log());
}
