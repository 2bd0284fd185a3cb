//! The same operations against real etcd 3.4 and the shim must give the same responses
//! (keys, values, revisions, versions, more/count, events, error codes). Cluster and member
//! IDs and the raft term are the only fields normalized away.

mod common;

use std::future::Future;
use std::time::Duration;

use common::{outcome, Kind, Server};
use etcd_client::*;

/// Runs `scenario` against a fresh etcd and a fresh shim and compares the transcripts.
async fn differential<F, Fut>(scenario: F)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    differential_with(&[], scenario).await
}

/// Same, with extra flags for both servers.
async fn differential_with<F, Fut>(flags: &[&str], scenario: F)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let etcd = Server::start_with(Kind::Etcd, flags);
    let shim = Server::start_with(Kind::Shim, flags);
    let (ce, cs) = (etcd.client().await, shim.client().await);
    let want = scenario(ce).await;
    let got = scenario(cs).await;
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(g, w, "step {i} differs (left: shim, right: etcd)");
    }
    assert_eq!(got.len(), want.len(), "transcript lengths differ");
    assert!(!want.is_empty());
}

macro_rules! step {
    ($t:expr, $label:expr, $e:expr) => {
        $t.push(format!("{}: {}", $label, outcome($e.await)))
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_range_put_delete() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(t, "get empty", c.get("a", None));
        for (k, v) in [
            ("a", "1"),
            ("b", "22"),
            ("c", "3"),
            ("d", "4444"),
            ("ab", "5"),
        ] {
            step!(t, format!("put {k}"), c.put(k, v, None));
        }
        step!(
            t,
            "put a again prev",
            c.put("a", "11", Some(PutOptions::new().with_prev_key()))
        );
        step!(t, "get a", c.get("a", None));
        step!(
            t,
            "get a@2",
            c.get("a", Some(GetOptions::new().with_revision(2)))
        );
        step!(
            t,
            "get future",
            c.get("a", Some(GetOptions::new().with_revision(1000)))
        );
        step!(
            t,
            "prefix a",
            c.get("a", Some(GetOptions::new().with_prefix()))
        );
        step!(t, "all", c.get("", Some(GetOptions::new().with_all_keys())));
        step!(
            t,
            "from b",
            c.get("b", Some(GetOptions::new().with_from_key()))
        );
        step!(
            t,
            "range b..d",
            c.get("b", Some(GetOptions::new().with_range("d")))
        );
        step!(
            t,
            "inverted",
            c.get("d", Some(GetOptions::new().with_range("b")))
        );
        step!(
            t,
            "limit",
            c.get("", Some(GetOptions::new().with_all_keys().with_limit(2)))
        );
        step!(
            t,
            "limit exact",
            c.get("", Some(GetOptions::new().with_all_keys().with_limit(5)))
        );
        step!(
            t,
            "count only",
            c.get(
                "",
                Some(GetOptions::new().with_all_keys().with_count_only())
            )
        );
        step!(
            t,
            "keys only",
            c.get("", Some(GetOptions::new().with_all_keys().with_keys_only()))
        );
        for (target, order) in [
            (SortTarget::Key, SortOrder::Descend),
            (SortTarget::Value, SortOrder::Ascend),
            (SortTarget::Create, SortOrder::Descend),
            (SortTarget::Mod, SortOrder::Descend),
            (SortTarget::Mod, SortOrder::None),
            (SortTarget::Version, SortOrder::Descend),
        ] {
            step!(
                t,
                format!("sort {target:?} {order:?}"),
                c.get(
                    "",
                    Some(
                        GetOptions::new()
                            .with_all_keys()
                            .with_sort(target, order)
                            .with_limit(3)
                    )
                )
            );
        }
        step!(
            t,
            "min mod",
            c.get(
                "",
                Some(GetOptions::new().with_all_keys().with_min_mod_revision(4))
            )
        );
        step!(
            t,
            "max mod",
            c.get(
                "",
                Some(
                    GetOptions::new()
                        .with_all_keys()
                        .with_max_mod_revision(4)
                        .with_limit(1)
                )
            )
        );
        step!(
            t,
            "min create",
            c.get(
                "",
                Some(
                    GetOptions::new()
                        .with_all_keys()
                        .with_min_create_revision(5)
                )
            )
        );
        step!(
            t,
            "max create",
            c.get(
                "",
                Some(
                    GetOptions::new()
                        .with_all_keys()
                        .with_max_create_revision(3)
                )
            )
        );
        step!(
            t,
            "serializable",
            c.get("a", Some(GetOptions::new().with_serializable()))
        );
        step!(t, "del missing", c.delete("zzz", None));
        step!(
            t,
            "del inverted range",
            c.delete("d", Some(DeleteOptions::new().with_range("b")))
        );
        step!(
            t,
            "del b prev",
            c.delete("b", Some(DeleteOptions::new().with_prev_key()))
        );
        step!(
            t,
            "del prefix a",
            c.delete(
                "a",
                Some(DeleteOptions::new().with_prefix().with_prev_key())
            )
        );
        step!(
            t,
            "get a@7",
            c.get("a", Some(GetOptions::new().with_revision(7)))
        );
        step!(t, "put a new generation", c.put("a", "x", None));
        step!(t, "get a", c.get("a", None));
        step!(
            t,
            "ignore value",
            c.put("a", "", Some(PutOptions::new().with_ignore_value()))
        );
        step!(t, "get a", c.get("a", None));
        step!(
            t,
            "ignore value missing",
            c.put("nope", "", Some(PutOptions::new().with_ignore_value()))
        );
        step!(
            t,
            "ignore value with value",
            c.put("a", "v", Some(PutOptions::new().with_ignore_value()))
        );
        step!(
            t,
            "ignore lease with lease",
            c.put(
                "a",
                "v",
                Some(PutOptions::new().with_ignore_lease().with_lease(5))
            )
        );
        step!(
            t,
            "unknown lease",
            c.put("a", "v", Some(PutOptions::new().with_lease(12345)))
        );
        step!(t, "empty key put", c.put("", "v", None));
        step!(t, "empty key get", c.get("", None));
        step!(t, "empty key del", c.delete("", None));
        step!(t, "compact future", c.compact(1000, None));
        step!(t, "compact 6", c.compact(6, None));
        step!(t, "compact 6 again", c.compact(6, None));
        step!(t, "compact 5", c.compact(5, None));
        step!(
            t,
            "get @5 compacted",
            c.get("a", Some(GetOptions::new().with_revision(5)))
        );
        step!(
            t,
            "get @6",
            c.get("", Some(GetOptions::new().with_all_keys().with_revision(6)))
        );
        step!(
            t,
            "get all",
            c.get("", Some(GetOptions::new().with_all_keys()))
        );
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn txn_semantics() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(t, "put a", c.put("a", "1", None));
        step!(t, "put b", c.put("b", "2", None));
        let cmps = [
            Compare::version("a", CompareOp::Equal, 1),
            Compare::version("a", CompareOp::Greater, 0),
            Compare::create_revision("a", CompareOp::Less, 3),
            Compare::mod_revision("b", CompareOp::NotEqual, 3),
            Compare::value("a", CompareOp::Equal, "1"),
            Compare::value("a", CompareOp::Greater, "0"),
            Compare::value("missing", CompareOp::NotEqual, "x"),
            Compare::version("missing", CompareOp::Equal, 0),
            Compare::lease("a", CompareOp::Equal, 0),
            Compare::version("a", CompareOp::Equal, 1).with_range("c"),
            Compare::version("a", CompareOp::Greater, 0).with_prefix(),
            Compare::mod_revision("a", CompareOp::Less, 3).with_range("c"),
        ];
        for (i, cmp) in cmps.into_iter().enumerate() {
            let txn = Txn::new()
                .when([cmp])
                .and_then([TxnOp::get("a", None)])
                .or_else([TxnOp::get("b", None)]);
            step!(t, format!("cmp {i}"), c.txn(txn));
        }
        let txn = Txn::new()
            .when([Compare::value("a", CompareOp::Equal, "1")])
            .and_then([
                TxnOp::put("x", "10", Some(PutOptions::new().with_prev_key())),
                TxnOp::put("y", "20", None),
                TxnOp::delete("b", Some(DeleteOptions::new().with_prev_key())),
                TxnOp::get("", Some(GetOptions::new().with_all_keys())),
                TxnOp::txn(
                    Txn::new()
                        .when([Compare::version("x", CompareOp::Equal, 0)])
                        .and_then([TxnOp::put("n1", "a", None)])
                        .or_else([TxnOp::put("n2", "b", None)]),
                ),
            ]);
        step!(t, "write txn", c.txn(txn));
        step!(t, "all", c.get("", Some(GetOptions::new().with_all_keys())));
        let ro = Txn::new().and_then([TxnOp::get("a", None), TxnOp::delete("nothing", None)]);
        step!(t, "read-only txn", c.txn(ro));
        let dup = Txn::new().and_then([TxnOp::put("k", "1", None), TxnOp::put("k", "2", None)]);
        step!(t, "duplicate put", c.txn(dup));
        let dup = Txn::new().and_then([
            TxnOp::delete("a", Some(DeleteOptions::new().with_prefix())),
            TxnOp::put("ab", "2", None),
        ]);
        step!(t, "put in deleted range", c.txn(dup));
        let ok = Txn::new().and_then([TxnOp::txn(
            Txn::new()
                .and_then([TxnOp::put("q", "1", None)])
                .or_else([TxnOp::put("q", "2", None)]),
        )]);
        step!(t, "same key in both nested branches", c.txn(ok));
        let many: Vec<TxnOp> = (0..129)
            .map(|i| TxnOp::put(format!("m{i}"), "v", None))
            .collect();
        step!(t, "too many ops", c.txn(Txn::new().and_then(many)));
        let many: Vec<TxnOp> = (0..128)
            .map(|i| TxnOp::put(format!("m{i}"), "v", None))
            .collect();
        step!(t, "128 ops", c.txn(Txn::new().and_then(many)));
        let bad = Txn::new().and_then([TxnOp::put(
            "z",
            "1",
            Some(PutOptions::new().with_lease(777)),
        )]);
        step!(t, "unknown lease in txn", c.txn(bad));
        let bad = Txn::new().when([Compare::version("", CompareOp::Equal, 0)]);
        step!(t, "empty compare key", c.txn(bad));
        let fut = Txn::new().and_then([TxnOp::get(
            "a",
            Some(GetOptions::new().with_revision(99999)),
        )]);
        step!(t, "future rev in txn", c.txn(fut));
        step!(
            t,
            "state unchanged",
            c.get(
                "",
                Some(GetOptions::new().with_all_keys().with_count_only())
            )
        );
        t
    })
    .await;
}

/// Reads watch responses until `n` events arrived; returns the created/cancel responses and
/// the events, flattened (etcd may group events of several revisions in one response).
async fn collect_events(ws: &mut WatchStream, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut per_watch: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    let mut events = 0;
    while events < n {
        let msg = tokio::time::timeout(Duration::from_secs(30), ws.message())
            .await
            .expect("watch events did not arrive in time")
            .unwrap()
            .expect("watch stream ended");
        if msg.events().is_empty() {
            out.push(format!(
                "watch resp id={} created={} canceled={} compact={} rev={}",
                msg.watch_id(),
                msg.created(),
                msg.canceled(),
                msg.compact_revision(),
                msg.header().map(|h| h.revision()).unwrap_or_default()
            ));
        }
        for e in msg.events() {
            // Several watches of one stream see the same revision in any order; each
            // watch's own sequence is what must match.
            per_watch.entry(msg.watch_id()).or_default().push(format!(
                "event {} {}",
                msg.watch_id(),
                common::norm(&e.0)
            ));
            events += 1;
        }
    }
    out.extend(per_watch.into_values().flatten());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_semantics() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(t, "put a", c.put("a", "1", None));
        step!(t, "put b", c.put("b", "1", None));
        step!(t, "put a", c.put("a", "2", None));
        step!(t, "del a", c.delete("a", None));
        // History replay including the delete, with prev_kv.
        let mut ws = c
            .watch(
                "",
                Some(
                    WatchOptions::new()
                        .with_all_keys()
                        .with_start_revision(2)
                        .with_prev_key(),
                ),
            )
            .await
            .unwrap();
        t.extend(collect_events(&mut ws, 4).await);
        // Live events; a second watch on the same stream with filters.
        ws.watch(
            "b",
            Some(WatchOptions::new().with_filters([WatchFilterType::NoDelete])),
        )
        .await
        .unwrap();
        t.extend(collect_events(&mut ws, 0).await);
        let msg = ws.message().await.unwrap().unwrap();
        t.push(format!(
            "created id={} created={}",
            msg.watch_id(),
            msg.created()
        ));
        step!(t, "put b", c.put("b", "2", None));
        step!(t, "del b", c.delete("b", None));
        t.extend(collect_events(&mut ws, 3).await);
        // Progress request after everything was delivered.
        ws.request_progress().await.unwrap();
        let msg = ws.message().await.unwrap().unwrap();
        t.push(format!(
            "progress id={} rev={} events={}",
            msg.watch_id(),
            msg.header().map(|h| h.revision()).unwrap_or_default(),
            msg.events().len()
        ));
        ws.cancel(1).await.unwrap();
        let msg = ws.message().await.unwrap().unwrap();
        t.push(format!(
            "cancel id={} canceled={}",
            msg.watch_id(),
            msg.canceled()
        ));
        step!(t, "put b", c.put("b", "3", None));
        t.extend(collect_events(&mut ws, 1).await);
        // A watch from a compacted revision is cancelled with compact_revision.
        step!(t, "compact", c.compact(5, None));
        let mut ws2 = c
            .watch("a", Some(WatchOptions::new().with_start_revision(2)))
            .await
            .unwrap();
        for _ in 0..2 {
            let msg = ws2.message().await.unwrap().unwrap();
            t.push(format!(
                "compacted watch created={} canceled={} compact={}",
                msg.created(),
                msg.canceled(),
                msg.compact_revision()
            ));
        }
        // Prefix watch with NOPUT sees only deletes.
        let mut ws3 = c
            .watch(
                "p",
                Some(
                    WatchOptions::new()
                        .with_prefix()
                        .with_filters([WatchFilterType::NoPut]),
                ),
            )
            .await
            .unwrap();
        t.extend(collect_events(&mut ws3, 0).await);
        let _ = ws3.message().await.unwrap();
        step!(t, "put p1", c.put("p1", "x", None));
        step!(
            t,
            "del p",
            c.delete("p", Some(DeleteOptions::new().with_prefix()))
        );
        t.extend(collect_events(&mut ws3, 1).await);
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(
            t,
            "grant",
            c.lease_grant(60, Some(LeaseGrantOptions::new().with_id(1000)))
        );
        step!(
            t,
            "grant dup",
            c.lease_grant(60, Some(LeaseGrantOptions::new().with_id(1000)))
        );
        step!(
            t,
            "grant too large",
            c.lease_grant(9_000_000_001, Some(LeaseGrantOptions::new().with_id(1001)))
        );
        step!(
            t,
            "grant short",
            c.lease_grant(1, Some(LeaseGrantOptions::new().with_id(1002)))
        );
        step!(
            t,
            "put k1",
            c.put("k1", "v", Some(PutOptions::new().with_lease(1000)))
        );
        step!(
            t,
            "put k2",
            c.put("k2", "v", Some(PutOptions::new().with_lease(1000)))
        );
        step!(t, "get k1", c.get("k1", None));
        step!(
            t,
            "ignore lease",
            c.put("k1", "w", Some(PutOptions::new().with_ignore_lease()))
        );
        step!(t, "get k1", c.get("k1", None));
        let r = c
            .lease_time_to_live(1000, Some(LeaseTimeToLiveOptions::new().with_keys()))
            .await
            .unwrap();
        let mut keys = r.keys().to_vec();
        keys.sort(); // etcd lists a lease's keys in map order
        t.push(format!(
            "ttl id={} granted={} keys={keys:?}",
            r.id(),
            r.granted_ttl()
        ));
        let r = c.lease_time_to_live(4242, None).await.unwrap();
        t.push(format!("ttl unknown id={} ttl={}", r.id(), r.ttl()));
        let mut ids: Vec<i64> = c
            .leases()
            .await
            .unwrap()
            .leases()
            .iter()
            .map(|l| l.id())
            .collect();
        // The 2-second leases may already have expired on a slow machine.
        ids.retain(|id| ![1002, 1003, 1004].contains(id));
        ids.sort();
        t.push(format!("leases {ids:?}"));
        let (mut keeper, mut stream) = c.lease_keep_alive(1000).await.unwrap();
        keeper.keep_alive().await.unwrap();
        let r = stream.message().await.unwrap().unwrap();
        t.push(format!("keepalive id={} ttl={}", r.id(), r.ttl()));
        let r = c.lease_keep_alive(5555).await.map(|_| ());
        t.push(format!("keepalive unknown {}", outcome(r)));
        // A revoke deletes all attached keys in one revision; watchers see the deletes.
        let mut ws = c
            .watch("k", Some(WatchOptions::new().with_prefix()))
            .await
            .unwrap();
        t.extend(collect_events(&mut ws, 0).await);
        step!(t, "revoke", c.lease_revoke(1000));
        t.extend(collect_events(&mut ws, 2).await);
        step!(t, "revoke again", c.lease_revoke(1000));
        step!(
            t,
            "get k",
            c.get("k", Some(GetOptions::new().with_prefix()))
        );
        // Expiry: a short lease expires and deletes its key in one revision.
        step!(
            t,
            "grant 5s",
            c.lease_grant(5, Some(LeaseGrantOptions::new().with_id(1005)))
        );
        step!(
            t,
            "put k3",
            c.put("k3", "v", Some(PutOptions::new().with_lease(1005)))
        );
        t.extend(collect_events(&mut ws, 2).await);
        let r = c.lease_time_to_live(1005, None).await.unwrap();
        t.push(format!("expired ttl={}", r.ttl()));
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_cluster_and_bad_input() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(t, "put", c.put("a", "1", None));
        let s = c.status().await.unwrap();
        t.push(format!(
            "status rev={} leader_is_member={} term_nonzero={}",
            s.header().map(|h| h.revision()).unwrap_or_default(),
            s.leader() == s.header().map(|h| h.member_id()).unwrap_or_default(),
            s.raft_term() > 0
        ));
        let m = c.member_list().await.unwrap();
        t.push(format!(
            "members n={} name={} clients={:?} rev={}",
            m.members().len(),
            m.members()[0].name(),
            m.members()[0].client_urls().len(),
            m.header().map(|h| h.revision()).unwrap_or_default()
        ));
        step!(t, "defrag", c.defragment());
        // etcd starts at compact revision -1: compacting to 0 is a first compaction.
        step!(t, "compact 0 first", c.compact(0, None));
        step!(t, "compact 0 again", c.compact(0, None));
        let big = vec![b'x'; 1536 * 1024];
        step!(t, "too large", c.put("big", big, None));
        let huge = vec![b'x'; 3 * 1024 * 1024];
        let r = c.put("huge", huge, None).await;
        t.push(format!("huge {}", outcome(r)));
        step!(t, "revoke unknown", c.lease_revoke(31337));
        step!(
            t,
            "nothing changed",
            c.get("", Some(GetOptions::new().with_all_keys()))
        );
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers() {
    differential(|c| async move {
        let mut tasks = Vec::new();
        for w in 0..8 {
            let mut c = c.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..25 {
                    c.put(format!("w{w}/k{}", i % 10), format!("{w}-{i}"), None)
                        .await
                        .unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut c = c;
        let r = c
            .get("w", Some(GetOptions::new().with_prefix()))
            .await
            .unwrap();
        let mut t = vec![format!(
            "count={} rev={}",
            r.count(),
            r.header().map(|h| h.revision()).unwrap_or_default()
        )];
        for kv in r.kvs() {
            t.push(format!(
                "{:?}={:?} v{}",
                kv.key_str(),
                kv.value_str(),
                kv.version()
            ));
        }
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_nospace_alarm() {
    differential_with(&["--quota-backend-bytes", "1"], |mut c| async move {
        let mut t = Vec::new();
        step!(t, "put over quota", c.put("a", "1", None));
        let alarms = |r: Result<AlarmResponse, Error>| {
            r.map(|r| {
                r.alarms()
                    .iter()
                    .map(|a| format!("{:?}", a.alarm()))
                    .collect::<Vec<_>>()
            })
        };
        t.push(format!(
            "alarms {}",
            outcome(alarms(
                c.alarm(AlarmAction::Get, AlarmType::None, None).await
            ))
        ));
        step!(t, "delete is allowed", c.delete("a", None));
        step!(t, "get is allowed", c.get("a", None));
        step!(
            t,
            "lease grant",
            c.lease_grant(60, Some(LeaseGrantOptions::new().with_id(5)))
        );
        step!(
            t,
            "txn with put",
            c.txn(Txn::new().and_then([TxnOp::put("b", "1", None)]))
        );
        step!(
            t,
            "read-only txn",
            c.txn(Txn::new().and_then([TxnOp::get("b", None)]))
        );
        let member = c.status().await.unwrap().header().unwrap().member_id();
        let mut opts = AlarmOptions::new();
        opts.with_member(member);
        t.push(format!(
            "disarm {}",
            outcome(alarms(
                c.alarm(AlarmAction::Deactivate, AlarmType::Nospace, Some(opts))
                    .await
            ))
        ));
        t.push(format!(
            "alarms after disarm {}",
            outcome(alarms(
                c.alarm(AlarmAction::Get, AlarmType::None, None).await
            ))
        ));
        step!(t, "still over quota", c.put("a", "1", None));
        t
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_fragment_and_progress_notify() {
    let flags = ["--experimental-watch-progress-notify-interval", "1s"];
    differential_with(&flags, |mut c| async move {
        let mut t = Vec::new();
        // Three values of 700 KiB: replayed together they exceed the 1.5 MiB request
        // limit, so a fragmenting watch gets them in pieces.
        for k in ["f1", "f2", "f3"] {
            let r = c.put(k, vec![b'v'; 700 * 1024], None).await.map(|_| ());
            t.push(format!("put {k} {}", outcome(r)));
        }
        let mut ws = c
            .watch(
                "f",
                Some(
                    WatchOptions::new()
                        .with_prefix()
                        .with_start_revision(1)
                        .with_fragment(),
                ),
            )
            .await
            .unwrap();
        let mut events = 0;
        while events < 3 {
            let m = tokio::time::timeout(Duration::from_secs(30), ws.message())
                .await
                .expect("fragments in time")
                .unwrap()
                .unwrap();
            events += m.events().len();
            let keys: Vec<_> = m
                .events()
                .iter()
                .map(|e| e.kv().unwrap().key_str().unwrap().to_string())
                .collect();
            t.push(format!(
                "fragment={} keys={keys:?} created={}",
                m.0.fragment,
                m.created()
            ));
        }
        // A quiet watch with progress_notify gets an empty response at the current revision.
        let mut ws = c
            .watch("quiet", Some(WatchOptions::new().with_progress_notify()))
            .await
            .unwrap();
        for _ in 0..2 {
            let m = tokio::time::timeout(Duration::from_secs(30), ws.message())
                .await
                .expect("progress notification in time")
                .unwrap()
                .unwrap();
            t.push(format!(
                "quiet watch created={} events={} rev={}",
                m.created(),
                m.events().len(),
                m.header().map(|h| h.revision()).unwrap_or_default()
            ));
        }
        t
    })
    .await;
}

/// Sends a request the typed client cannot build (unknown enum values, negative limits).
async fn raw<Req, Resp>(endpoint: &str, path: &'static str, req: Req) -> String
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + std::fmt::Debug + Send + Sync + 'static,
{
    let channel = tonic::transport::Channel::from_shared(format!("http://{endpoint}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    let path = http::uri::PathAndQuery::from_static(path);
    match grpc.unary(tonic::Request::new(req), path, codec).await {
        Ok(r) => common::norm(r.into_inner()),
        Err(s) => format!("ERR {:?} {}", s.code(), s.message()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_enum_values_and_odd_limits() {
    use etcd_client::proto::{
        PbCompare, PbRangeRequest, PbRangeResponse, PbTxnRequest, PbTxnResponse,
    };
    let mut transcripts = Vec::new();
    for kind in [Kind::Etcd, Kind::Shim] {
        let server = Server::start(kind);
        let mut c = server.client().await;
        c.put("a", "1", None).await.unwrap();
        c.put("b", "2", None).await.unwrap();
        let ep = server.endpoint.as_str();
        let mut t = Vec::new();
        for (target, result) in [(99, 0), (99, 3), (0, 99), (3, 99)] {
            let req = PbTxnRequest {
                compare: vec![PbCompare {
                    result,
                    target,
                    key: b"a".to_vec(),
                    ..Default::default()
                }],
                ..Default::default()
            };
            let out = raw::<_, PbTxnResponse>(ep, "/etcdserverpb.KV/Txn", req).await;
            t.push(format!("compare target={target} result={result}: {out}"));
        }
        for limit in [-1, 0, 1] {
            let req = PbRangeRequest {
                key: vec![0],
                range_end: vec![0],
                limit,
                ..Default::default()
            };
            let out = raw::<_, PbRangeResponse>(ep, "/etcdserverpb.KV/Range", req).await;
            t.push(format!("limit {limit}: {out}"));
        }
        transcripts.push(t);
    }
    assert_eq!(transcripts[1], transcripts[0], "left: shim, right: etcd");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_chosen_watch_ids() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        let mut ws = c
            .watch("x", Some(WatchOptions::new().with_watch_id(7)))
            .await
            .unwrap();
        ws.watch("y", Some(WatchOptions::new().with_watch_id(7)))
            .await
            .unwrap();
        ws.watch("z", None).await.unwrap();
        for _ in 0..3 {
            let m = tokio::time::timeout(Duration::from_secs(30), ws.message())
                .await
                .expect("watch responses in time")
                .unwrap()
                .unwrap();
            t.push(format!(
                "id={} created={} canceled={} reason={:?}",
                m.watch_id(),
                m.created(),
                m.canceled(),
                m.cancel_reason()
            ));
        }
        step!(t, "put x", c.put("x", "1", None));
        t.extend(collect_events(&mut ws, 1).await);
        t
    })
    .await;
}

/// A plain HTTP/1.1 GET: (status code, body).
fn http_get(endpoint: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(endpoint).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {endpoint}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let code = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_health_and_version() {
    let mut answers = Vec::new();
    for kind in [Kind::Etcd, Kind::Shim] {
        let server = Server::start(kind);
        let _ = server.client().await;
        let ep = server.endpoint.clone();
        let (health, version) = tokio::task::spawn_blocking(move || {
            (http_get(&ep, "/health"), http_get(&ep, "/version"))
        })
        .await
        .unwrap();
        assert_eq!(version.0, 200);
        assert!(version.1.contains(r#""etcdserver":"3."#), "{}", version.1);
        assert!(version.1.contains(r#""etcdcluster":"3."#), "{}", version.1);
        answers.push(health);
    }
    assert_eq!(answers[1], answers[0], "left: shim, right: etcd");
    assert_eq!(answers[0], (200, r#"{"health":"true"}"#.to_string()));
}

/// The house endpoints every kubeoxide daemon serves (shim only: etcd 3.4 has no /livez).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn house_health_and_metrics_endpoints() {
    let server = Server::start(Kind::Shim);
    let mut client = server.client().await;
    let put = client.put("metrics-key", "v", None).await.unwrap();
    let revision = put.header().unwrap().revision();
    let ep = server.endpoint.clone();
    let (livez, readyz, metrics) = tokio::task::spawn_blocking(move || {
        (
            http_get(&ep, "/livez"),
            http_get(&ep, "/readyz?verbose"),
            http_get(&ep, "/metrics"),
        )
    })
    .await
    .unwrap();
    assert_eq!(livez, (200, "ok".to_string()));
    assert_eq!(readyz.0, 200);
    assert!(readyz.1.contains("[+]store ok"), "{}", readyz.1);
    assert_eq!(metrics.0, 200);
    let expected = format!("etcd_debugging_mvcc_current_revision {revision}");
    assert!(metrics.1.lines().any(|l| l == expected), "{}", metrics.1);
    assert!(
        metrics.1.contains("etcd_server_has_leader 1"),
        "{}",
        metrics.1
    );
    // The put above was one group commit: one fsync observed.
    let fsyncs = metrics
        .1
        .lines()
        .find_map(|l| l.strip_prefix("etcd_disk_wal_fsync_duration_seconds_count "))
        .and_then(|n| n.parse::<u64>().ok());
    assert!(fsyncs.is_some_and(|n| n >= 1), "{}", metrics.1);
    assert!(
        metrics.1.contains("process_resident_memory_bytes"),
        "{}",
        metrics.1
    );
}

/// Two sibling nested txns may put and then delete the same key in one revision (etcd's
/// duplicate-key check does not compare siblings); the delete event's prev_kv is the value
/// before the txn, while the DeleteRange response shows the txn's own put.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_key_written_twice_in_one_txn() {
    differential(|mut c| async move {
        let mut t = Vec::new();
        step!(t, "put a", c.put("a", "old", None));
        let mut ws = c
            .watch("a", Some(WatchOptions::new().with_prefix().with_prev_key()))
            .await
            .unwrap();
        t.extend(collect_events(&mut ws, 0).await);
        let txn = Txn::new().and_then([
            TxnOp::txn(Txn::new().and_then([TxnOp::put("a", "new", None)])),
            TxnOp::txn(Txn::new().and_then([TxnOp::delete(
                "a",
                Some(DeleteOptions::new().with_prefix().with_prev_key()),
            )])),
        ]);
        step!(t, "txn", c.txn(txn));
        t.extend(collect_events(&mut ws, 2).await);
        t
    })
    .await;
}
