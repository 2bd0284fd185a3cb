//! `--auto-compaction-mode` / `--auto-compaction-retention` compact history by themselves.

mod common;

use std::time::{Duration, Instant};

use common::{Kind, Server};
use etcd_client::GetOptions;

async fn wait_compacted(shim: &Server, flags_desc: &str) {
    let mut c = shim.client().await;
    for i in 0..20 {
        c.put("k", format!("{i}"), None).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = c.get("k", Some(GetOptions::new().with_revision(2))).await;
        match r {
            Err(etcd_client::Error::GRpcStatus(s)) => {
                assert_eq!(
                    s.message(),
                    "etcdserver: mvcc: required revision has been compacted"
                );
                break;
            }
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
        assert!(
            Instant::now() < deadline,
            "{flags_desc}: no compaction happened"
        );
        // Keep the revision moving so that periodic mode has newer samples.
        c.put("tick", "x", None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The latest value is of course still there.
    let r = c.get("k", None).await.unwrap();
    assert_eq!(r.kvs()[0].value_str().unwrap(), "19");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_retention() {
    let shim = Server::start_with(
        Kind::Shim,
        &[
            "--auto-compaction-mode",
            "periodic",
            "--auto-compaction-retention",
            "1s",
        ],
    );
    wait_compacted(&shim, "periodic 1s").await;
}

#[tokio::test]
async fn bad_mode_is_a_startup_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_etcd-shim"))
        .args(["--auto-compaction-mode", "sometimes", "--data-dir"])
        .arg(tempfile::tempdir().unwrap().path().join("d"))
        .args(["--listen-client-urls", "http://127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("auto-compaction-mode"));
}
