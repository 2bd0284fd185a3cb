//! Debian's `etcdctl` (v3 API) works against the shim.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Kind, Server};

fn ctl(ep: &str, args: &[&str]) -> String {
    let out = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={ep}"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "etcdctl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ctl_stdin(ep: &str, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={ep}"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The expectations are etcd's own answers: the same script runs against real etcd.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcdctl_against_real_etcd() {
    etcdctl_commands(Kind::Etcd).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcdctl_against_shim() {
    etcdctl_commands(Kind::Shim).await;
}

async fn etcdctl_commands(kind: Kind) {
    let shim = Server::start(kind);
    let _ = shim.client().await;
    let ep = shim.endpoint.clone();
    let ep = ep.as_str();

    assert_eq!(ctl(ep, &["put", "k1", "v1"]), "OK\n");
    assert_eq!(ctl(ep, &["put", "k2", "v2"]), "OK\n");
    assert_eq!(ctl(ep, &["put", "k1", "v1b"]), "OK\n");
    assert_eq!(ctl(ep, &["get", "k1"]), "k1\nv1b\n");
    assert_eq!(ctl(ep, &["get", "--prefix", "k"]), "k1\nv1b\nk2\nv2\n");
    assert_eq!(ctl(ep, &["get", "k1", "--rev=2"]), "k1\nv1\n");
    assert_eq!(ctl(ep, &["get", "--prefix", "k", "--limit=1"]), "k1\nv1b\n");
    let json = ctl(ep, &["get", "k1", "-w", "json"]);
    assert!(json.contains("\"revision\":4"), "{json}");
    assert!(json.contains("\"create_revision\":2"), "{json}");
    assert!(json.contains("\"version\":2"), "{json}");

    // A watch from revision 1 replays history, then sees live events.
    let mut watch = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={ep}"))
        .args(["watch", "--rev=1", "--prefix", "k"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = watch.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });

    assert_eq!(ctl(ep, &["del", "k2"]), "1\n");
    let txn = ctl_stdin(
        ep,
        &["txn"],
        "value(\"k1\") = \"v1b\"\n\nput k3 v3\n\nput k4 v4\n\n",
    );
    assert!(txn.starts_with("SUCCESS"), "{txn}");

    let want = [
        "PUT", "k1", "v1", "PUT", "k2", "v2", "PUT", "k1", "v1b", "DELETE", "k2", "", "PUT", "k3",
        "v3",
    ];
    let mut got = Vec::new();
    while got.len() < want.len() {
        got.push(
            rx.recv_timeout(Duration::from_secs(30))
                .expect("watch output"),
        );
    }
    let _ = watch.kill();
    let _ = watch.wait();
    assert_eq!(got, want);

    // Leases: grant, attach, keep-alive, revoke deletes the key.
    let grant = ctl(ep, &["lease", "grant", "100"]);
    let id = grant.split_whitespace().nth(1).unwrap().to_string();
    assert!(grant.contains("granted with TTL(100s)"), "{grant}");
    assert_eq!(
        ctl(ep, &["put", "lk", "v", &format!("--lease={id}")]),
        "OK\n"
    );
    let ka = ctl(ep, &["lease", "keep-alive", "--once", &id]);
    assert!(ka.contains("keepalived with TTL(100)"), "{ka}");
    let ttl = ctl(ep, &["lease", "timetolive", &id, "--keys"]);
    assert!(ttl.contains("attached keys([lk])"), "{ttl}");
    assert!(ctl(ep, &["lease", "list"]).contains(&id));
    assert!(ctl(ep, &["lease", "revoke", &id]).contains("revoked"));
    assert_eq!(ctl(ep, &["get", "lk"]), "");

    // Compaction, then history below it is gone.
    assert_eq!(ctl(ep, &["compaction", "4"]), "compacted revision 4\n");
    let out = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={ep}"))
        .args(["get", "k1", "--rev=2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("required revision has been compacted"));

    // etcdctl prints the health line on stderr.
    let out = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={ep}"))
        .args(["endpoint", "health"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let health = String::from_utf8_lossy(&out.stderr);
    assert!(health.contains("is healthy"), "{health}");
    let defrag = ctl(ep, &["defrag"]);
    assert!(defrag.contains("Finished defragmenting"), "{defrag}");
    assert_eq!(ctl(ep, &["alarm", "list"]), "");
    let status = ctl(ep, &["endpoint", "status", "-w", "json"]);
    assert!(status.contains("\"leader\""), "{status}");
    let members = ctl(ep, &["member", "list"]);
    assert!(members.contains("started, t,"), "{members}");
    assert!(members.contains(ep), "{members}");
}
