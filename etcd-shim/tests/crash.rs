//! Durability: concurrent writers, `kill -9` of the shim in the middle of the load, restart:
//! every acknowledged write is there with its value, and the store is consistent.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Kind, Server};
use etcd_client::GetOptions;

const REWRITE_OFTEN: &[&str] = &["--log-rewrite-min-bytes", "1"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    for cycle in 0..3 {
        // Every compaction rewrites the log, so kills also land in the middle of rewrites.
        let mut shim = Server::start_in(Kind::Shim, &dir, REWRITE_OFTEN);
        let client = shim.client().await;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        {
            let mut c = client.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(Ok(r)) = tokio::time::timeout(Duration::from_secs(10), c.status()).await
                    else {
                        break;
                    };
                    let rev = r.header().map(|h| h.revision()).unwrap_or_default();
                    if rev > 20 {
                        let _ = c.compact(rev - 10, None).await;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }));
        }
        for w in 0..16 {
            let mut c = client.clone();
            let acked = acked.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let (k, v) = (
                        format!("c{cycle}/w{w}/{i}"),
                        format!("value-{cycle}-{w}-{i}"),
                    );
                    let r = tokio::time::timeout(
                        Duration::from_secs(10),
                        c.put(k.clone(), v.clone(), None),
                    )
                    .await;
                    match r {
                        Ok(Ok(_)) => acked.lock().unwrap().push((k, v)),
                        _ => break, // the server is gone
                    }
                }
            }));
        }
        // Let a few hundred writes through, then kill the server mid-load.
        let before = acked.lock().unwrap().len();
        for _ in 0..600 {
            if acked.lock().unwrap().len() >= before + 300 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        shim.kill();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
        drop(client);

        let shim = Server::start_in(Kind::Shim, &dir, REWRITE_OFTEN);
        let mut c = shim.client().await;
        let all = c
            .get("", Some(GetOptions::new().with_all_keys()))
            .await
            .unwrap();
        let found: std::collections::HashMap<String, (String, i64, i64)> = all
            .kvs()
            .iter()
            .map(|kv| {
                (
                    kv.key_str().unwrap().to_string(),
                    (
                        kv.value_str().unwrap().to_string(),
                        kv.version(),
                        kv.mod_revision(),
                    ),
                )
            })
            .collect();
        let acked = acked.lock().unwrap().clone();
        assert!(
            acked.len() > before,
            "cycle {cycle}: no write was acknowledged"
        );
        for (k, v) in &acked {
            let got = found
                .get(k)
                .unwrap_or_else(|| panic!("acknowledged key {k} lost"));
            assert_eq!(&got.0, v, "value of {k}");
            assert_eq!(got.1, 1, "each key was written once");
        }
        // Compactions (and with them log rewrites) happened under load and persisted.
        let old = c.get("x", Some(GetOptions::new().with_revision(2))).await;
        assert!(
            matches!(&old, Err(etcd_client::Error::GRpcStatus(s)) if s.message().contains("compacted")),
            "{old:?}"
        );
        // Consistency: one revision per put, no gaps.
        let mut revs: Vec<i64> = found.values().map(|v| v.2).collect();
        revs.sort();
        let expect: Vec<i64> = (2..2 + revs.len() as i64).collect();
        assert_eq!(revs, expect, "revisions are dense");
        assert_eq!(
            all.header().unwrap().revision(),
            1 + found.len() as i64,
            "store revision matches the writes"
        );
    }
}

#[test]
fn foreign_or_corrupt_data_dir_is_a_clear_startup_error() {
    let run = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_etcd-shim"))
            .args(["--listen-client-urls", "http://127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .output()
            .unwrap()
    };
    // An etcd data directory.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("member/wal")).unwrap();
    let out = run(tmp.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an etcd-shim data directory"), "{err}");
    assert!(
        tmp.path().join("member/wal").exists(),
        "nothing was removed"
    );

    // A log whose middle is damaged.
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("shim.wal");
    let mut data = b"ETCDSHIM".to_vec();
    data.extend_from_slice(&1u32.to_le_bytes());
    data.extend_from_slice(&[0u8; 16]);
    let crc = crc32fast::hash(&data);
    data.extend_from_slice(&crc.to_le_bytes());
    for _ in 0..2 {
        data.extend_from_slice(&3u32.to_le_bytes());
        data.extend_from_slice(&0xdeadbeefu32.to_le_bytes()); // wrong CRC
        data.extend_from_slice(b"abc");
    }
    std::fs::write(&log, &data).unwrap();
    let out = run(tmp.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corrupt log"), "{err}");
    assert_eq!(
        std::fs::read(&log).unwrap(),
        data,
        "the log was not touched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_survive_kill_9_and_still_expire() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    {
        let mut shim = Server::start_in(Kind::Shim, &dir, &[]);
        let mut c = shim.client().await;
        let opts = etcd_client::LeaseGrantOptions::new().with_id(77);
        c.lease_grant(3, Some(opts)).await.unwrap();
        let put = etcd_client::PutOptions::new().with_lease(77);
        c.put("leased", "v", Some(put)).await.unwrap();
        c.put("plain", "v", None).await.unwrap();
        shim.kill();
    }
    let shim = Server::start_in(Kind::Shim, &dir, &[]);
    let mut c = shim.client().await;
    let ttl = c.lease_time_to_live(77, None).await.unwrap();
    assert_eq!(ttl.granted_ttl(), 3, "the lease was restored");
    // After a restart the lease gets its full TTL again, then expires and takes its key.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let r = c.get("leased", None).await.unwrap();
        if r.kvs().is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "lease never expired");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(c.get("plain", None).await.unwrap().kvs().len(), 1);
    assert_eq!(c.lease_time_to_live(77, None).await.unwrap().ttl(), -1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let shim = Server::start_in(Kind::Shim, &dir, &[]);
    let mut c = shim.client().await;
    c.put("k", "v", None).await.unwrap();
    // An open watch must not keep the server from stopping.
    let _watch = c.watch("k", None).await.unwrap();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &shim.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(s) = shim.exited() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit}");
    drop(shim);
    let shim = Server::start_in(Kind::Shim, &dir, &[]);
    let mut c = shim.client().await;
    assert_eq!(c.get("k", None).await.unwrap().kvs()[0].value(), b"v");
}
