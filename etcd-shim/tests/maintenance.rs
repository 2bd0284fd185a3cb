//! Maintenance RPCs whose values cannot be compared with etcd's (hashes use another
//! algorithm): they must be consistent with the store's history.

mod common;

use common::{Kind, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_kv_follows_history() {
    let shim = Server::start(Kind::Shim);
    let mut c = shim.client().await;
    c.put("a", "1", None).await.unwrap();
    let h2 = c.hash_kv(2).await.unwrap();
    assert_eq!(h2.hash_revision(), 2);
    assert_eq!(c.hash_kv(2).await.unwrap().hash(), h2.hash(), "stable");
    c.put("a", "2", None).await.unwrap();
    let h3 = c.hash_kv(0).await.unwrap();
    assert_ne!(h3.hash(), h2.hash(), "a new value changes the hash");
    assert_eq!(
        c.hash_kv(2).await.unwrap().hash(),
        h2.hash(),
        "history is unchanged"
    );
    c.compact(3, None).await.unwrap();
    let old = c.hash_kv(2).await;
    assert!(
        matches!(&old, Err(etcd_client::Error::GRpcStatus(s)) if s.code() == tonic::Code::OutOfRange),
        "{old:?}"
    );
    assert_eq!(c.hash_kv(3).await.unwrap().compact_version(), 3);
    let h = c.hash().await.unwrap();
    assert_eq!(h.hash(), h3.hash(), "Hash covers the current key space");

    // Membership cannot change on a single-member cluster.
    let add = c.member_add(["http://127.0.0.1:1"], None).await;
    assert!(
        matches!(&add, Err(etcd_client::Error::GRpcStatus(s)) if s.code() == tonic::Code::Unimplemented),
        "{add:?}"
    );
}
