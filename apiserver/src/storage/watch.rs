//! One etcd watch on a key prefix, turned into typed events.

use etcd_client::{WatchClient, WatchOptions};

use super::{Kv, StorageError};

/// What happened to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEventKind {
    Put,
    Delete,
}

/// One change, with the value before it when the watch asked for it. The watch cache does
/// not (it holds the previous values already; etcd would look each one up and send it).
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub kind: WatchEventKind,
    /// For a delete: the key with `mod_revision` set to the delete's revision and no value.
    pub kv: Kv,
    pub prev: Option<Kv>,
}

/// What one etcd watch response carried.
#[derive(Debug, Clone)]
pub enum WatchBatch {
    Events(Vec<WatchEvent>),
    /// No events: the store has progressed to this revision (progress notification).
    Progress(i64),
}

/// A live watch; dropping it cancels the etcd watch.
pub struct WatchStream {
    inner: etcd_client::WatchStream,
    start_revision: i64,
}

impl WatchStream {
    pub(super) async fn start(
        mut client: WatchClient,
        prefix: &str,
        start_revision: i64,
        with_prev: bool,
    ) -> Result<Self, StorageError> {
        let mut options = WatchOptions::new()
            .with_range(super::prefix_end(prefix))
            .with_progress_notify();
        if with_prev {
            options = options.with_prev_key();
        }
        if start_revision > 0 {
            options = options.with_start_revision(start_revision);
        }
        let inner = client.watch(prefix, Some(options)).await?;
        Ok(WatchStream {
            inner,
            start_revision,
        })
    }

    /// Asks etcd for a progress notification (answered as [`WatchBatch::Progress`] once every
    /// event before it was sent).
    pub async fn request_progress(&mut self) -> Result<(), StorageError> {
        Ok(self.inner.request_progress().await?)
    }

    /// The next batch; `Ok(None)` when etcd closed the stream. Cancel-safe: nothing is held
    /// across the await but the stream itself.
    pub async fn next(&mut self) -> Result<Option<WatchBatch>, StorageError> {
        loop {
            let Some(resp) = self.inner.message().await? else {
                return Ok(None);
            };
            if resp.compact_revision() > 0 || resp.canceled() {
                return Err(StorageError::Compacted {
                    requested: self.start_revision,
                });
            }
            if resp.created() && resp.events().is_empty() {
                continue;
            }
            if resp.events().is_empty() {
                let rev = resp.header().map(|h| h.revision()).unwrap_or_default();
                return Ok(Some(WatchBatch::Progress(rev)));
            }
            let events = resp
                .events()
                .iter()
                .filter_map(|e| {
                    let kind = match e.0.r#type {
                        0 => WatchEventKind::Put,
                        1 => WatchEventKind::Delete,
                        _ => return None,
                    };
                    Some(WatchEvent {
                        kind,
                        kv: Kv::from_etcd(e.kv()?),
                        prev: e.prev_kv().map(Kv::from_etcd),
                    })
                })
                .collect();
            return Ok(Some(WatchBatch::Events(events)));
        }
    }
}
