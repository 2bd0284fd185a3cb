//! `etcdctl snapshot save` against the shim yields a log that restores the same state.

mod common;

use common::{Kind, Server};
use etcd_client::{GetOptions, LeaseGrantOptions, PutOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_save_and_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let shim = Server::start_in(Kind::Shim, &tmp.path().join("a"), &[]);
    let mut c = shim.client().await;
    for i in 0..50 {
        c.put(format!("k{}", i % 7), format!("v{i}"), None)
            .await
            .unwrap();
    }
    c.delete("k3", None).await.unwrap();
    c.compact(30, None).await.unwrap();
    c.lease_grant(600, Some(LeaseGrantOptions::new().with_id(9)))
        .await
        .unwrap();
    c.put("leased", "x", Some(PutOptions::new().with_lease(9)))
        .await
        .unwrap();
    let all = GetOptions::new().with_all_keys();
    let before = c.get("", Some(all.clone())).await.unwrap();
    let at40 = c
        .get("", Some(all.clone().with_revision(40)))
        .await
        .unwrap();

    let file = tmp.path().join("snap.db");
    let out = std::process::Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={}", shim.endpoint))
        .args(["snapshot", "save"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored = tmp.path().join("b");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&file, restored.join("shim.wal")).unwrap();
    let shim2 = Server::start_in(Kind::Shim, &restored, &[]);
    let mut c2 = shim2.client().await;
    let after = c2.get("", Some(all.clone())).await.unwrap();
    assert_eq!(common::norm(&after.0), common::norm(&before.0));
    let after40 = c2
        .get("", Some(all.clone().with_revision(40)))
        .await
        .unwrap();
    assert_eq!(common::norm(&after40.0), common::norm(&at40.0));
    let compacted = c2.get("", Some(all.with_revision(29))).await;
    assert!(compacted.is_err(), "the compaction point is restored");
    let ttl = c2.lease_time_to_live(9, None).await.unwrap();
    assert_eq!(ttl.granted_ttl(), 600);
}
