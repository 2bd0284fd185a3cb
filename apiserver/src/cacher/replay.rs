//! Watches that start before the cache's window (a client resuming across an apiserver
//! restart): the missed changes are read from etcd's MVCC history.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{CacheEvent, CachedObject, Cacher, SharedFrames, RELIST_PAGE};
use crate::status::ApiError;
use crate::storage::{Kv, StorageError, WatchEventKind};

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

    /// The changes under `prefix` between revisions `from` and `to`, read from etcd's MVCC
    /// history as the difference of the two states, oldest first: (kind, the key's value,
    /// its value at `from`). A deleted key carries its last value and the revision `to`.
    pub(super) async fn replay(
        &self,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(WatchEventKind, Kv, Option<Kv>)>, StorageError> {
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
