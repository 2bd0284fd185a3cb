//! The `kube` crate (5.x) as a client: typed create/get/list/replace/delete, error shapes
//! decoded by kube, and a watch.

mod common;

use std::collections::BTreeMap;

use api_types::k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use common::Cluster;
use futures::{StreamExt, TryStreamExt};
use kube::api::{Api, DeleteParams, ListParams, ObjectMeta, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

fn cm(name: &str, value: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([("k".to_string(), value.to_string())])),
        ..ConfigMap::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_crate_round_trip() {
    let c = Cluster::start();
    let kubeconfig = Kubeconfig::read_from(&c.kubeconfig).unwrap();
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    let client = Client::try_from(config).unwrap();

    let version = client.apiserver_version().await.unwrap();
    assert_eq!(
        (version.major.as_str(), version.minor.as_str()),
        ("1", "33")
    );

    let namespaces: Api<Namespace> = Api::all(client.clone());
    let names: Vec<String> = namespaces
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    assert!(names.contains(&"kube-node-lease".to_string()), "{names:?}");

    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let mut events = api
        .watch(&WatchParams::default().timeout(20), "0")
        .await
        .unwrap()
        .boxed();

    let created = api
        .create(&PostParams::default(), &cm("kc", "1"))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some());
    let dup = api
        .create(&PostParams::default(), &cm("kc", "1"))
        .await
        .unwrap_err();
    match dup {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 409);
            assert_eq!(s.reason, "AlreadyExists");
        }
        other => panic!("unexpected {other:?}"),
    }

    let mut fresh = api.get("kc").await.unwrap();
    fresh.data = Some(BTreeMap::from([("k".to_string(), "2".to_string())]));
    let replaced = api
        .replace("kc", &PostParams::default(), &fresh)
        .await
        .unwrap();
    assert_eq!(replaced.data.unwrap()["k"], "2");
    // `fresh` still carries the old resourceVersion.
    match api
        .replace("kc", &PostParams::default(), &fresh)
        .await
        .unwrap_err()
    {
        kube::Error::Api(s) => assert_eq!((s.code, s.reason.as_str()), (409, "Conflict")),
        other => panic!("unexpected {other:?}"),
    }

    let listed = api.list(&ListParams::default().limit(1)).await.unwrap();
    assert_eq!(listed.items.len(), 1);

    api.delete("kc", &DeleteParams::default()).await.unwrap();
    assert!(api.get_opt("kc").await.unwrap().is_none());

    let mut seen = Vec::new();
    while seen.len() < 3 {
        match tokio::time::timeout(std::time::Duration::from_secs(10), events.try_next()).await {
            Ok(Ok(Some(WatchEvent::Added(o)))) => seen.push(("ADDED", o.metadata.name)),
            Ok(Ok(Some(WatchEvent::Modified(o)))) => seen.push(("MODIFIED", o.metadata.name)),
            Ok(Ok(Some(WatchEvent::Deleted(o)))) => seen.push(("DELETED", o.metadata.name)),
            Ok(Ok(Some(_))) => {}
            other => panic!("watch ended early: {other:?}"),
        }
    }
    let kc = Some("kc".to_string());
    assert_eq!(
        seen,
        [
            ("ADDED", kc.clone()),
            ("MODIFIED", kc.clone()),
            ("DELETED", kc)
        ]
    );
}
