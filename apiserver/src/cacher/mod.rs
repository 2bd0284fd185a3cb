//! The watch cache of one resource (upstream's `Cacher`): one etcd watch per resource keeps
//! the current objects and a window of recent events in memory. Every API watch, and lists
//! with `resourceVersion="0"` or a minimum revision, are served from here, so N clients cost
//! etcd one watch. A watch from a revision older than the window gets 410 Expired.
//!
//! Consistent reads (`resourceVersion=""`) are served here too, as upstream's
//! `ConsistentListFromCache` does: the read takes etcd's current revision and waits until the
//! cache has caught up with it, asking etcd for a progress notification when the cache's own
//! keys are quiet. That needs an etcd whose progress notifications never run ahead of the
//! events (see [`crate::storage::Storage::reliable_progress`]); otherwise reads go to etcd.

mod object;
mod replay;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{broadcast, watch, Notify, OnceCell};
use tokio::time::Instant;

use crate::status::ApiError;
use crate::storage::{Kv, Storage, StorageError, WatchBatch, WatchEventKind};

pub use object::CachedObject;

/// How many events each resource keeps for watches that resume from a revision.
const HISTORY: usize = 1024;
/// Keys per etcd request when (re)filling the cache.
const RELIST_PAGE: i64 = 10_000;
/// Buffer of the live fan-out; a watcher further behind than this is closed.
const FANOUT: usize = 1024;
/// How long a waiting read lets one progress request go unanswered before asking again.
const PROGRESS_RETRY: Duration = Duration::from_millis(50);

/// One change as the cache saw it. `obj` carries its `resourceVersion` (for deletes, the
/// delete's revision).
#[derive(Debug, Clone)]
pub struct CacheEvent {
    pub kind: WatchEventKind,
    pub key: String,
    pub obj: Arc<CachedObject>,
    pub prev: Option<Arc<CachedObject>>,
    pub revision: i64,
    /// Its plain JSON watch frames, encoded once and shared by every watcher.
    pub frames: SharedFrames,
}

/// The plain JSON watch frames of one event, one per event type a watcher may see it as
/// (selectors turn a change into ADDED or DELETED for some watchers). The first watcher
/// that sends a type encodes it; the others share the bytes instead of encoding again.
#[derive(Debug, Clone, Default)]
pub struct SharedFrames {
    added: OnceLock<Bytes>,
    modified: OnceLock<Bytes>,
    deleted: OnceLock<Bytes>,
}

impl SharedFrames {
    /// The frame for `kind`, from `encode` the first time.
    pub fn get_or_encode(&self, kind: &str, encode: impl FnOnce() -> Bytes) -> Bytes {
        let slot = match kind {
            "ADDED" => &self.added,
            "MODIFIED" => &self.modified,
            "DELETED" => &self.deleted,
            _ => return encode(),
        };
        slot.get_or_init(encode).clone()
    }
}

/// What the live fan-out carries.
#[derive(Debug, Clone)]
pub enum Message {
    Event(Arc<CacheEvent>),
    /// The cache was rebuilt from a fresh list: watchers must end (clients re-watch).
    Reset,
}

struct State {
    /// By key; keys are shared so a snapshot copies pointers, not strings.
    objects: BTreeMap<Arc<str>, Arc<CachedObject>>,
    revision: i64,
    history: VecDeque<Arc<CacheEvent>>,
    /// The oldest revision a resumed watch can start after.
    oldest: i64,
}

/// Where a watch starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The current state as synthetic ADDED events, then changes.
    Initial,
    /// Changes after the cache's current revision.
    Now,
    /// Changes after this revision.
    After(i64),
}

/// A registered watch: what to send first, then the live receiver (whose events at or below
/// `revision` must be skipped).
pub struct Subscription {
    pub initial: Vec<Arc<CachedObject>>,
    pub backlog: Vec<Arc<CacheEvent>>,
    /// The revision the initial state or backlog ends at.
    pub revision: i64,
    pub live: broadcast::Receiver<Message>,
}

/// The watch cache of one resource; started on first use.
pub struct Cacher {
    storage: Storage,
    /// The `resource` label of `apiserver_storage_objects` (`plural` or `plural.group`).
    resource: String,
    /// Applied to every decoded object (storage version → served version).
    on_decode: DecodeHook,
    prefix: String,
    state: Mutex<State>,
    fanout: broadcast::Sender<Message>,
    revision: watch::Sender<i64>,
    /// Wakes the etcd watch loop to ask etcd for a progress notification.
    progress_wanted: Notify,
    started: OnceCell<()>,
}

/// The objects under a prefix at one revision of the cache.
pub struct Snapshot {
    /// In key order, each with its key.
    pub items: Vec<(Arc<str>, Arc<CachedObject>)>,
    pub revision: i64,
}

/// What every object read from storage goes through after decoding: conversion to the
/// served version, then the served version's defaults (upstream defaults on every read, so
/// objects stored before a default existed read as if they had it).
pub type DecodeHook = Arc<dyn Fn(&mut Value) + Send + Sync>;

/// The entries of `objects` whose keys start with `prefix`, in key order.
fn under<'a>(
    objects: &'a BTreeMap<Arc<str>, Arc<CachedObject>>,
    prefix: &'a str,
) -> impl Iterator<Item = (&'a Arc<str>, &'a Arc<CachedObject>)> + 'a {
    use std::ops::Bound;
    objects
        .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(prefix))
}

/// Decodes a stored value and stamps its `resourceVersion`.
pub fn decode_kv(kv: &Kv) -> Result<Value, ApiError> {
    let mut obj: Value = serde_json::from_slice(&kv.value)
        .map_err(|e| ApiError::internal(format!("decoding {}: {e}", kv.key)))?;
    crate::object::set_meta(&mut obj, "resourceVersion", kv.mod_revision.to_string());
    Ok(obj)
}

impl Cacher {
    /// A cache of every key under `prefix` (not started).
    pub fn new(
        storage: Storage,
        resource: String,
        prefix: String,
        on_decode: DecodeHook,
    ) -> Arc<Self> {
        let (fanout, _) = broadcast::channel(FANOUT);
        let (revision, _) = watch::channel(0);
        Arc::new(Cacher {
            storage,
            resource,
            on_decode,
            prefix,
            state: Mutex::new(State {
                objects: BTreeMap::new(),
                revision: 0,
                history: VecDeque::new(),
                oldest: 0,
            }),
            fanout,
            revision,
            progress_wanted: Notify::new(),
            started: OnceCell::new(),
        })
    }

    fn decode(&self, kv: &Kv) -> Result<Value, ApiError> {
        let mut obj = decode_kv(kv)?;
        (self.on_decode)(&mut obj);
        Ok(obj)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Fills the cache and starts following etcd, once.
    pub async fn ensure_started(self: &Arc<Self>) -> Result<(), ApiError> {
        self.started
            .get_or_try_init(|| async {
                let revision = self.relist().await?;
                let me = self.clone();
                tokio::spawn(async move { me.follow(revision).await });
                Ok::<(), ApiError>(())
            })
            .await
            .map(|_| ())
    }

    /// Replaces the cache with a fresh list (read in pages at one revision, as upstream's
    /// cacher does); returns its revision.
    async fn relist(&self) -> Result<i64, ApiError> {
        let mut objects = BTreeMap::new();
        let (mut revision, mut start) = (0, String::new());
        loop {
            let page = self
                .storage
                .list(&self.prefix, &start, revision, RELIST_PAGE)
                .await
                .map_err(ApiError::internal)?;
            revision = page.revision;
            for kv in &page.kvs {
                objects.insert(
                    Arc::from(kv.key.as_str()),
                    Arc::new(self.decode(kv)?.into()),
                );
            }
            match page.kvs.last() {
                Some(last) if page.more => start = format!("{}\u{0}", last.key),
                _ => break,
            }
        }
        crate::metrics::set_storage_objects(&self.resource, objects.len());
        let mut state = self.lock();
        state.objects = objects;
        state.revision = revision;
        state.history.clear();
        state.oldest = revision;
        drop(state);
        self.revision.send_replace(revision);
        Ok(revision)
    }

    /// Follows etcd from `revision`, re-listing after a failure, forever.
    async fn follow(self: Arc<Self>, mut revision: i64) {
        loop {
            match self.storage.watch(&self.prefix, revision + 1).await {
                Ok(mut stream) => loop {
                    let batch = tokio::select! {
                        batch = stream.next() => batch,
                        () = self.progress_wanted.notified() => {
                            if let Err(error) = stream.request_progress().await {
                                tracing::warn!(prefix = %self.prefix, %error, "cannot ask etcd for watch progress");
                                break;
                            }
                            continue;
                        }
                    };
                    match batch {
                        Ok(Some(WatchBatch::Events(events))) => {
                            if let Some(last) = events.iter().map(|ev| ev.kv.mod_revision).max() {
                                revision = revision.max(last);
                            }
                            self.apply_batch(events);
                        }
                        Ok(Some(WatchBatch::Progress(rev))) => {
                            revision = revision.max(rev);
                            self.lock().revision = revision;
                            self.revision.send_replace(revision);
                        }
                        Ok(None) => break,
                        Err(error) => {
                            tracing::warn!(prefix = %self.prefix, %error, "watch cache lost its etcd watch");
                            break;
                        }
                    }
                },
                Err(error) => {
                    tracing::warn!(prefix = %self.prefix, %error, "watch cache cannot watch etcd")
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            match self.relist().await {
                Ok(rev) => {
                    revision = rev;
                    let _ = self.fanout.send(Message::Reset);
                }
                Err(error) => {
                    tracing::warn!(prefix = %self.prefix, %error, "watch cache re-list failed")
                }
            }
        }
    }

    /// Applies one etcd watch response. Its events are applied under one lock and the
    /// cache's revision moves only once all of them are in, so no reader sees a revision
    /// with part of its changes (a multi-key transaction's events share one revision).
    /// Objects are decoded before the lock is taken: readers do not wait on JSON parsing.
    fn apply_batch(&self, events: Vec<crate::storage::WatchEvent>) {
        let Some(revision) = events.iter().map(|ev| ev.kv.mod_revision).max() else {
            return;
        };
        let decoded: Vec<_> = events
            .into_iter()
            .filter_map(|ev| match ev.kind {
                WatchEventKind::Delete => Some((ev, None)),
                WatchEventKind::Put => match self.decode(&ev.kv) {
                    Ok(obj) => Some((ev, Some(Arc::new(CachedObject::from(obj))))),
                    Err(error) => {
                        tracing::warn!(key = %ev.kv.key, %error, "undecodable object in etcd");
                        None
                    }
                },
            })
            .collect();
        let mut state = self.lock();
        for (ev, decoded) in decoded {
            let prev = state.objects.get(ev.kv.key.as_str()).cloned();
            let obj = match decoded {
                Some(obj) => {
                    state
                        .objects
                        .insert(Arc::from(ev.kv.key.as_str()), obj.clone());
                    obj
                }
                None => {
                    state.objects.remove(ev.kv.key.as_str());
                    let Some(prev) = &prev else { continue };
                    let mut gone = prev.to_value();
                    let rv = ev.kv.mod_revision.to_string();
                    crate::object::set_meta(&mut gone, "resourceVersion", rv);
                    Arc::new(gone.into())
                }
            };
            let event = Arc::new(CacheEvent {
                kind: ev.kind,
                revision: ev.kv.mod_revision,
                key: ev.kv.key,
                obj,
                prev,
                frames: SharedFrames::default(),
            });
            state.history.push_back(event.clone());
            while state.history.len() > HISTORY {
                if let Some(old) = state.history.pop_front() {
                    state.oldest = old.revision;
                }
            }
            // Sent under the lock so a subscriber sees each event exactly once.
            let _ = self.fanout.send(Message::Event(event));
        }
        state.revision = state.revision.max(revision);
        let now = state.revision;
        crate::metrics::set_storage_objects(&self.resource, state.objects.len());
        drop(state);
        self.revision.send_replace(now);
    }

    /// The cached object at `key`, if the cache holds one.
    pub async fn get(self: &Arc<Self>, key: &str) -> Result<Option<Arc<CachedObject>>, ApiError> {
        self.ensure_started().await?;
        Ok(self.lock().objects.get(key).cloned())
    }

    /// The current objects under `prefix` and the cache's revision.
    pub async fn snapshot(self: &Arc<Self>, prefix: &str) -> Result<Snapshot, ApiError> {
        self.ensure_started().await?;
        let state = self.lock();
        let items = under(&state.objects, prefix)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Snapshot {
            items,
            revision: state.revision,
        })
    }

    /// Waits (at most `wait`) until the cache has applied every change up to `revision`;
    /// whether it got there. While waiting it asks etcd for progress notifications, which
    /// raise the cache's revision when none of its keys changed.
    pub async fn wait_caught_up(
        self: &Arc<Self>,
        revision: i64,
        wait: Duration,
    ) -> Result<bool, ApiError> {
        self.ensure_started().await?;
        let deadline = Instant::now() + wait;
        let mut seen = self.revision.subscribe();
        loop {
            if *seen.borrow_and_update() >= revision {
                return Ok(true);
            }
            self.progress_wanted.notify_one();
            let retry = deadline.min(Instant::now() + PROGRESS_RETRY);
            loop {
                match tokio::time::timeout_at(retry, seen.changed()).await {
                    Ok(Ok(())) if *seen.borrow_and_update() >= revision => return Ok(true),
                    Ok(Ok(())) => {}
                    // The cache is gone (process shutting down).
                    Ok(Err(_)) => return Ok(false),
                    Err(_) => break,
                }
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
        }
    }

    /// Registers a watch of the keys under `prefix`.
    pub async fn subscribe(
        self: &Arc<Self>,
        prefix: &str,
        start: Start,
    ) -> Result<Subscription, ApiError> {
        self.ensure_started().await?;
        let (mut sub, replay) = self.subscribe_locked(prefix, start);
        if let Some((rev, oldest)) = replay {
            // Older than the window (e.g. a client resuming across an apiserver restart):
            // replay from etcd's history, then continue live after the cache's revision.
            let changes = self
                .replay(prefix, rev, sub.revision)
                .await
                .map_err(|e| match e {
                    StorageError::Compacted { .. } => {
                        ApiError::expired(format!("too old resource version: {rev} ({oldest})"))
                    }
                    other => ApiError::internal(other),
                })?;
            sub.backlog = changes
                .into_iter()
                .map(|(kind, kv, prev)| self.replayed(kind, kv, prev))
                .collect::<Result<Vec<_>, _>>()?;
        }
        Ok(sub)
    }

    /// The subscription as far as memory can serve it, and (start, oldest) when the start is
    /// older than the window and its backlog must come from etcd.
    fn subscribe_locked(&self, prefix: &str, start: Start) -> (Subscription, Option<(i64, i64)>) {
        let state = self.lock();
        let live = self.fanout.subscribe();
        let in_prefix = |k: &String| k.starts_with(prefix);
        let mut sub = Subscription {
            initial: Vec::new(),
            backlog: Vec::new(),
            revision: state.revision,
            live,
        };
        match start {
            Start::Initial => {
                sub.initial = under(&state.objects, prefix)
                    .map(|(_, v)| v.clone())
                    .collect();
            }
            Start::Now => {}
            Start::After(rev) if rev < state.oldest => return (sub, Some((rev, state.oldest))),
            Start::After(rev) => {
                sub.backlog = state
                    .history
                    .iter()
                    .filter(|e| e.revision > rev && in_prefix(&e.key))
                    .cloned()
                    .collect();
                // Live events at or below `rev` are skipped by the reader, so a start ahead of
                // the cache needs no wait.
                sub.revision = state.revision.max(rev);
            }
        }
        (sub, None)
    }

    /// Waits (at most `wait`) until `revision` exists, as upstream's
    /// `waitUntilFreshAndBlock`; a revision still ahead of etcd then is upstream's 504 "Too
    /// large resource version". etcd's own revision decides, not only the cache's: a cache
    /// whose keys have not changed lately is behind the global revision without being stale.
    pub async fn wait_until_fresh(
        self: &Arc<Self>,
        revision: i64,
        wait: Duration,
    ) -> Result<(), ApiError> {
        self.ensure_started().await?;
        if self.revision() >= revision {
            return Ok(());
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let current = self
                .storage
                .current_revision()
                .await
                .map_err(ApiError::internal)?;
            if current >= revision {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ApiError::too_large_resource_version(revision, current));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `resource` label of the cache's series (`plural` or `plural.group`).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The revision the cache has caught up to.
    pub fn revision(&self) -> i64 {
        *self.revision.borrow()
    }
}
