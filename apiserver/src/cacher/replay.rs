//! Watches that start before the cache's window (a client resuming across an apiserver
//! restart): the missed changes are read from etcd's MVCC history. On an etcd with reliable
//! progress notifications that is etcd's own event stream, every change; otherwise the
//! difference of the states at the two revisions (several changes of one key coalesce).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::{CacheEvent, CachedObject, Cacher, SharedFrames, RELIST_PAGE};
use crate::status::ApiError;
use crate::storage::{Kv, StorageError, WatchBatch, WatchEventKind};

/// One replayed change: its kind, the key's value (for a delete: no value, the delete's
/// revision) and the value before it.
type Change = (WatchEventKind, Kv, Option<Kv>);

/// How long etcd may take to stream the missed history before the replay falls back to
/// comparing states.
const HISTORY_WAIT: Duration = Duration::from_secs(10);

impl Cacher {
    /// Every key under `prefix` at `revision`.
    async fn list_at(
        &self,
        prefix: &str,
        revision: i64,
    ) -> Result<BTreeMap<String, Kv>, StorageError> {
        let mut out = BTreeMap::new();
        let mut start = String::new();
        loop {
            let page = self
                .storage
                .list(prefix, &start, revision, RELIST_PAGE)
                .await?;
            let next = page.kvs.last().map(|kv| format!("{}\u{0}", kv.key));
            out.extend(page.kvs.into_iter().map(|kv| (kv.key.clone(), kv)));
            match next {
                Some(next) if page.more => start = next,
                _ => return Ok(out),
            }
        }
    }

    /// The changes under `prefix` after revision `from` up to `to`, oldest first.
    pub(super) async fn replay(
        &self,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Change>, StorageError> {
        if self.storage.reliable_progress().await {
            match tokio::time::timeout(HISTORY_WAIT, self.replay_events(prefix, from, to)).await {
                Ok(Ok(Some(changes))) => return Ok(changes),
                Ok(Err(e @ StorageError::Compacted { .. })) => return Err(e),
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => {
                    tracing::warn!(
                        prefix,
                        from,
                        to,
                        "etcd's history stream ended early; replaying by state comparison"
                    );
                }
            }
        }
        self.replay_diff(prefix, from, to).await
    }

    /// etcd's own events after `from` up to `to`: a watch from `from + 1`, read until an
    /// event after `to`, or a progress notification at or past `to` (which, on an etcd with
    /// reliable progress, comes after every event before it). `None` if the stream ended.
    async fn replay_events(
        &self,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Option<Vec<Change>>, StorageError> {
        let mut stream = self.storage.watch_with_prev(prefix, from + 1).await?;
        stream.request_progress().await?;
        let mut changes = Vec::new();
        loop {
            match stream.next().await? {
                None => return Ok(None),
                Some(WatchBatch::Events(events)) => {
                    for ev in events {
                        if ev.kv.mod_revision > to {
                            return Ok(Some(changes));
                        }
                        changes.push((ev.kind, ev.kv, ev.prev));
                    }
                }
                Some(WatchBatch::Progress(rev)) if rev >= to => return Ok(Some(changes)),
                // Not caught up yet when it answered: ask again.
                Some(WatchBatch::Progress(_)) => stream.request_progress().await?,
            }
        }
    }

    /// The changes as the difference of the states at `from` and `to`, oldest first: (kind,
    /// the key's value, its value at `from`). A deleted key carries its last value and the
    /// revision `to`.
    async fn replay_diff(
        &self,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Change>, StorageError> {
        let before = self.list_at(prefix, from).await?;
        let mut after = self.list_at(prefix, to).await?;
        let mut events = Vec::new();
        for (key, old) in &before {
            match after.get(key) {
                // Deleted (and maybe re-created since): the old object goes first.
                Some(new) if new.create_revision == old.create_revision => {}
                Some(new) => events.push((
                    WatchEventKind::Delete,
                    Kv {
                        mod_revision: new.create_revision,
                        ..old.clone()
                    },
                    Some(old.clone()),
                )),
                None => events.push((
                    WatchEventKind::Delete,
                    Kv {
                        mod_revision: to,
                        ..old.clone()
                    },
                    Some(old.clone()),
                )),
            }
        }
        for (key, new) in std::mem::take(&mut after) {
            if new.mod_revision <= from {
                continue;
            }
            let prev = before
                .get(&key)
                .filter(|old| old.create_revision == new.create_revision)
                .cloned();
            events.push((WatchEventKind::Put, new, prev));
        }
        // By revision; a delete before the re-creation that shares its revision.
        events.sort_by_key(|(kind, kv, _)| (kv.mod_revision, *kind != WatchEventKind::Delete));
        Ok(events)
    }

    /// A replayed change as the cache would have recorded it.
    pub(super) fn replayed(
        &self,
        kind: WatchEventKind,
        kv: Kv,
        prev: Option<Kv>,
    ) -> Result<Arc<CacheEvent>, ApiError> {
        let prev = prev
            .map(|p| self.decode(&p).map(|v| Arc::new(CachedObject::from(v))))
            .transpose()?;
        let revision = kv.mod_revision;
        let obj = match (kind, &prev) {
            (WatchEventKind::Delete, Some(prev)) => {
                let mut gone = prev.to_value();
                crate::object::set_meta(&mut gone, "resourceVersion", revision.to_string());
                Arc::new(gone.into())
            }
            _ => Arc::new(self.decode(&kv)?.into()),
        };
        Ok(Arc::new(CacheEvent {
            kind,
            key: kv.key,
            obj,
            prev,
            revision,
            frames: SharedFrames::default(),
        }))
    }
}
