//! Store-level tests: group commit, restart replay and log rewrite.

use etcd_client::proto::{PbPutRequest as PutRequest, PbRangeRequest as RangeRequest};

use super::*;

fn limits(rewrite: u64) -> Limits {
    Limits {
        log_rewrite_min_bytes: rewrite,
        ..Limits::default()
    }
}

async fn put(s: &Store, k: &str, v: &str, lease: i64) -> i64 {
    let req = PutRequest {
        key: k.into(),
        value: v.into(),
        lease,
        ..Default::default()
    };
    match s.write(WriteOp::Put(req)).await.unwrap() {
        WriteResult::Put(r) => r.header.unwrap().revision,
        other => panic!("{other:?}"),
    }
}

/// key, value, create, mod, version, lease
type Row = (Vec<u8>, Vec<u8>, i64, i64, i64, i64);

fn all(s: &Store, rev: i64) -> Result<Vec<Row>, EtcdError> {
    let r = s.range(&RangeRequest {
        key: vec![0],
        range_end: vec![0],
        revision: rev,
        ..Default::default()
    })?;
    Ok(r.kvs
        .into_iter()
        .map(|kv| {
            (
                kv.key,
                kv.value,
                kv.create_revision,
                kv.mod_revision,
                kv.version,
                kv.lease,
            )
        })
        .collect())
}

#[tokio::test]
async fn restart_replays_everything_and_rewrite_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let (before, at5, size_before) = {
        let s = Store::open(dir.path(), limits(u64::MAX)).unwrap();
        let lease = match s
            .write(WriteOp::LeaseGrant { id: 7, ttl: 100 })
            .await
            .unwrap()
        {
            WriteResult::LeaseGrant { id, .. } => id,
            other => panic!("{other:?}"),
        };
        for i in 0..20 {
            put(&s, &format!("k{}", i % 5), &format!("v{i}"), 0).await;
        }
        put(&s, "leased", "x", lease).await;
        let at5 = all(&s, 5).unwrap();
        (all(&s, 0).unwrap(), at5, s.db_size())
    };
    // Plain restart: the same state, revision by revision.
    {
        let s = Store::open(dir.path(), limits(1)).unwrap();
        assert_eq!(all(&s, 0).unwrap(), before);
        assert_eq!(all(&s, 5).unwrap(), at5);
        // Compaction with a tiny rewrite threshold rewrites the log as a snapshot.
        s.write(WriteOp::Compact(15)).await.unwrap();
        assert!(s.db_size() < size_before, "the log shrank");
        assert_eq!(all(&s, 5), Err(EtcdError::Compacted));
    }
    let s = Store::open(dir.path(), limits(u64::MAX)).unwrap();
    assert_eq!(all(&s, 0).unwrap(), before, "state survives the rewrite");
    assert_eq!(all(&s, 5), Err(EtcdError::Compacted));
    assert_eq!(s.compact_revision(), 15);
    assert_eq!(s.revision(), 22);
    // The lease and its key survived too: revoking deletes the key.
    match s.write(WriteOp::LeaseRevoke(7)).await.unwrap() {
        WriteResult::LeaseRevoke(rev) => assert_eq!(rev, 23),
        other => panic!("{other:?}"),
    }
    assert_eq!(all(&s, 0).unwrap().len(), 5);
    // New writes continue after the snapshot.
    assert_eq!(put(&s, "k0", "new", 0).await, 24);
}
