//! The watch cache of one resource (upstream's `Cacher`): one etcd watch per resource keeps
//! the current objects and a window of recent events in memory. Every API watch, and lists
//! with `resourceVersion="0"` or a minimum revision, are served from here, so N clients cost
//! etcd one watch. A watch from a revision older than the window gets 410 Expired.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{broadcast, watch, OnceCell};

use crate::status::ApiError;
use crate::storage::{Kv, Storage, WatchBatch, WatchEventKind};

/// How many events each resource keeps for watches that resume from a revision.
const HISTORY: usize = 1024;
/// Keys per etcd request when (re)filling the cache.
const RELIST_PAGE: i64 = 10_000;
/// Buffer of the live fan-out; a watcher further behind than this is closed.
const FANOUT: usize = 1024;

/// One change as the cache saw it. `obj` carries its `resourceVersion` (for deletes, the
/// delete's revision).
#[derive(Debug, Clone)]
pub struct CacheEvent {
    pub kind: WatchEventKind,
    pub key: String,
    pub obj: Arc<Value>,
    pub prev: Option<Arc<Value>>,
    pub revision: i64,
}

/// What the live fan-out carries.
#[derive(Debug, Clone)]
pub enum Message {
    Event(Arc<CacheEvent>),
    /// The cache was rebuilt from a fresh list: watchers must end (clients re-watch).
    Reset,
}

struct State {
    objects: BTreeMap<String, Arc<Value>>,
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
    pub initial: Vec<Arc<Value>>,
    pub backlog: Vec<Arc<CacheEvent>>,
    /// The revision the initial state or backlog ends at.
    pub revision: i64,
    pub live: broadcast::Receiver<Message>,
}

/// The watch cache of one resource; started on first use.
pub struct Cacher {
    storage: Storage,
    /// Applied to every decoded object (storage version → served version).
    from_storage: Option<fn(&mut Value)>,
    prefix: String,
    state: Mutex<State>,
    fanout: broadcast::Sender<Message>,
    revision: watch::Sender<i64>,
    started: OnceCell<()>,
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
        prefix: String,
        from_storage: Option<fn(&mut Value)>,
    ) -> Arc<Self> {
        let (fanout, _) = broadcast::channel(FANOUT);
        let (revision, _) = watch::channel(0);
        Arc::new(Cacher {
            storage,
            from_storage,
            prefix,
            state: Mutex::new(State {
                objects: BTreeMap::new(),
                revision: 0,
                history: VecDeque::new(),
                oldest: 0,
            }),
            fanout,
            revision,
            started: OnceCell::new(),
        })
    }

    fn decode(&self, kv: &Kv) -> Result<Value, ApiError> {
        let mut obj = decode_kv(kv)?;
        if let Some(convert) = self.from_storage {
            convert(&mut obj);
        }
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
                objects.insert(kv.key.clone(), Arc::new(self.decode(kv)?));
            }
            match page.kvs.last() {
                Some(last) if page.more => start = format!("{}\u{0}", last.key),
                _ => break,
            }
        }
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
                    match stream.next().await {
                        Ok(Some(WatchBatch::Events(events))) => {
                            for ev in events {
                                revision = revision.max(ev.kv.mod_revision);
                                self.apply(ev);
                            }
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

    fn apply(&self, ev: crate::storage::WatchEvent) {
        let revision = ev.kv.mod_revision;
        let mut state = self.lock();
        let prev = state.objects.get(&ev.kv.key).cloned();
        let obj = match ev.kind {
            WatchEventKind::Put => match self.decode(&ev.kv) {
                Ok(obj) => {
                    let obj = Arc::new(obj);
                    state.objects.insert(ev.kv.key.clone(), obj.clone());
                    obj
                }
                Err(error) => {
                    tracing::warn!(key = %ev.kv.key, %error, "undecodable object in etcd");
                    return;
                }
            },
            WatchEventKind::Delete => {
                state.objects.remove(&ev.kv.key);
                let Some(prev) = &prev else { return };
                let mut gone = (**prev).clone();
                crate::object::set_meta(&mut gone, "resourceVersion", revision.to_string());
                Arc::new(gone)
            }
        };
        let event = Arc::new(CacheEvent {
            kind: ev.kind,
            key: ev.kv.key,
            obj,
            prev,
            revision,
        });
        state.revision = revision;
        state.history.push_back(event.clone());
        while state.history.len() > HISTORY {
            if let Some(old) = state.history.pop_front() {
                state.oldest = old.revision;
            }
        }
        // Sent under the lock so a subscriber sees each event exactly once.
        let _ = self.fanout.send(Message::Event(event));
        drop(state);
        self.revision.send_replace(revision);
    }

    /// The current objects under `prefix` and the cache's revision.
    pub async fn snapshot(
        self: &Arc<Self>,
        prefix: &str,
    ) -> Result<(Vec<Arc<Value>>, i64), ApiError> {
        self.ensure_started().await?;
        let state = self.lock();
        let items = state
            .objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect();
        Ok((items, state.revision))
    }

    /// Registers a watch of the keys under `prefix`.
    pub async fn subscribe(
        self: &Arc<Self>,
        prefix: &str,
        start: Start,
    ) -> Result<Subscription, ApiError> {
        self.ensure_started().await?;
        let state = self.lock();
        let live = self.fanout.subscribe();
        let in_prefix = |k: &String| k.starts_with(prefix);
        match start {
            Start::Initial => Ok(Subscription {
                initial: state
                    .objects
                    .range(prefix.to_string()..)
                    .take_while(|(k, _)| in_prefix(k))
                    .map(|(_, v)| v.clone())
                    .collect(),
                backlog: Vec::new(),
                revision: state.revision,
                live,
            }),
            Start::Now => Ok(Subscription {
                initial: Vec::new(),
                backlog: Vec::new(),
                revision: state.revision,
                live,
            }),
            Start::After(rev) => {
                if rev < state.oldest {
                    return Err(ApiError::expired(format!(
                        "too old resource version: {rev} ({})",
                        state.oldest
                    )));
                }
                Ok(Subscription {
                    initial: Vec::new(),
                    backlog: state
                        .history
                        .iter()
                        .filter(|e| e.revision > rev && in_prefix(&e.key))
                        .cloned()
                        .collect(),
                    // Live events at or below `rev` are skipped by the reader, so a start
                    // ahead of the cache needs no wait.
                    revision: state.revision.max(rev),
                    live,
                })
            }
        }
    }

    /// The revision the cache has caught up to.
    pub fn revision(&self) -> i64 {
        *self.revision.borrow()
    }
}
