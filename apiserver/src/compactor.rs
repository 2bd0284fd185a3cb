//! Periodic etcd compaction (upstream's `--etcd-compaction-interval`): every interval, the
//! history up to the revision seen one interval earlier is dropped, so a resumed watch or an
//! exact list always has at least one interval of history and anything older is 410 Expired.

use std::time::Duration;

use crate::storage::Storage;

/// Compacts every `interval`, forever (run it on its own task).
pub async fn run(storage: Storage, interval: Duration) {
    let mut previous = 0;
    loop {
        tokio::time::sleep(interval).await;
        if previous > 0 {
            if let Err(error) = storage.compact(previous).await {
                // Someone else (another apiserver, an operator) may have compacted further.
                tracing::debug!(revision = previous, %error, "etcd compaction failed");
            }
        }
        match storage.current_revision().await {
            Ok(revision) => previous = revision,
            Err(error) => tracing::warn!(%error, "reading etcd's revision for compaction"),
        }
    }
}
