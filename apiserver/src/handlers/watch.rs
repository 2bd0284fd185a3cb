//! WATCH (`?watch=true` and `/watch/` paths), served from the resource's watch cache:
//! newline-delimited `{"type","object"}` events, synthetic ADDED events for the current state
//! when starting from `""`/`"0"` (or `sendInitialEvents=true`), selector transitions as
//! ADDED/DELETED, bookmarks, `timeoutSeconds`, and an in-stream 410 for a compacted start.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http::{header, Response};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;

use super::{Body, RequestContext};
use crate::cacher::{CacheEvent, CachedObject, Message, Start, Subscription};
use crate::codec::{encode_json, encode_json_any, negotiate, Offers, Output, Shape};
use crate::registry::list::ListOptions;
use crate::registry::Store;
use crate::status::ApiError;
use crate::storage::WatchEventKind;
use crate::table::{self, IncludeObject};
use api_types::fields::Selector as FieldSelector;

/// Upstream's default watch lifetime when `timeoutSeconds` is absent (its
/// `--min-request-timeout` of 30 minutes).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often bookmarks are sent to clients that allow them.
const BOOKMARK_INTERVAL: Duration = Duration::from_secs(60);
/// A last bookmark goes out this long before the watch's timeout, as upstream's cacher does,
/// so the client can resume from an up-to-date revision.
const PRE_TIMEOUT_BOOKMARK: Duration = Duration::from_secs(2);

/// When the next bookmark is due (upstream's `nextBookmarkTime`): a minute from now, or just
/// before the deadline if that is sooner; `None` once it is too late for one.
fn next_bookmark(now: Instant, deadline: Instant) -> Option<Instant> {
    let heartbeat = now + BOOKMARK_INTERVAL;
    let pre_timeout = deadline.checked_sub(PRE_TIMEOUT_BOOKMARK)?;
    let next = heartbeat.min(pre_timeout);
    (next > now).then_some(next)
}

/// Encodes events for one watch: JSON objects, or one-row Tables.
struct Encoder {
    output: Output,
    include: IncludeObject,
    store: Arc<Store>,
    sent_columns: bool,
}

impl Encoder {
    fn event(&mut self, kind: &str, obj: &Value) -> Bytes {
        let object = if self.output.shape == Shape::Table && kind != "BOOKMARK" && kind != "ERROR" {
            let t = table::for_objects(
                self.store.info,
                std::slice::from_ref(obj),
                None,
                self.include,
                !self.sent_columns,
            );
            self.sent_columns = true;
            t
        } else {
            return frame(kind, obj);
        };
        Bytes::from(encode_json(&json!({"type": kind, "object": object})))
    }

    /// As [`Encoder::event`] for a change of the watch cache: plain JSON frames are encoded
    /// once per event and type, and shared by every watcher.
    fn change(&mut self, kind: &str, ev: &CacheEvent) -> Bytes {
        if self.output.shape == Shape::Table {
            return self.event(kind, &ev.obj);
        }
        ev.frames
            .get_or_encode(kind, || cached_frame(kind, &ev.obj))
    }

    /// As [`Encoder::event`] for an object of the watch cache, whose JSON is cached with it.
    fn cached(&mut self, kind: &str, obj: &CachedObject) -> Bytes {
        if self.output.shape == Shape::Table {
            return self.event(kind, obj);
        }
        cached_frame(kind, obj)
    }
}

/// [`frame`] of a cached object: its cached JSON copied between the frame's two halves.
fn cached_frame(kind: &str, obj: &CachedObject) -> Bytes {
    let json = obj.json();
    let mut out = BytesMut::with_capacity(json.len() + kind.len() + 24);
    out.put_slice(b"{\"object\":");
    out.put_slice(json);
    out.put_slice(b",\"type\":\"");
    // Event types are plain ASCII words: nothing to escape.
    out.put_slice(kind.as_bytes());
    out.put_slice(b"\"}\n");
    out.freeze()
}

/// One watch event as it goes on the wire, serialized from a reference to the object.
/// The fields are in the order a `Value` would write them.
#[derive(serde::Serialize)]
struct WireEvent<'a> {
    object: &'a Value,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// The plain JSON frame of an event: `{"object":...,"type":...}` and a newline.
fn frame(kind: &str, obj: &Value) -> Bytes {
    Bytes::from(encode_json_any(&WireEvent { object: obj, kind }))
}

fn bookmark(store: &Store, revision: i64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": revision.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": store.info.kind, "apiVersion": store.info.api_version(), "metadata": meta})
}

pub async fn handle(ctx: &RequestContext<'_>) -> Result<Response<Body>, ApiError> {
    let store = ctx.store()?.clone();
    let output = negotiate(ctx.accept, Offers::TABLE)?;
    let include = IncludeObject::from_query(ctx.param("includeObject").as_deref())?;
    let mut opts = ListOptions::from_query(ctx.query)?;
    opts.validate(true)?;
    if !ctx.info.name.is_empty() && !opts.field_selector.fields().any(|f| f == "metadata.name") {
        let by_name = FieldSelector::one_term_equal("metadata.name", ctx.info.name.clone());
        opts.field_selector =
            FieldSelector::and([std::mem::take(&mut opts.field_selector), by_name]);
    }
    store.check_field_selector(&opts)?;
    let rv = opts.revision()?;
    let send_initial = opts
        .send_initial_events
        .unwrap_or(matches!(rv, None | Some(0)));
    let start = match rv {
        _ if send_initial => Start::Initial,
        Some(rv) if rv > 0 => Start::After(rv),
        _ => Start::Now,
    };
    let timeout = opts
        .timeout_seconds
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT);
    let prefix = store.collection_prefix(&ctx.info.namespace);
    let content_type = output.content_type();
    let mut encoder = Encoder {
        output,
        include,
        store: store.clone(),
        sent_columns: false,
    };
    if let Start::After(rv) = start {
        store
            .cacher()
            .wait_until_fresh(rv, crate::registry::store::FRESHNESS_WAIT)
            .await?;
    }
    let subscription = match store.cacher().subscribe(&prefix, start).await {
        Ok(sub) => Ok(sub),
        // A too-old start is reported in the stream, as upstream does.
        Err(e) if e.code == 410 => Err(e),
        Err(e) => return Err(e),
    };

    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let deadline = Instant::now() + timeout;
    let info = store.info;
    let registered = crate::metrics::WatcherGuard::new(info.group, info.version, info.kind);
    tokio::spawn(async move {
        let _registered = registered;
        let _ = tokio::time::timeout_at(deadline, async {
            match subscription {
                Ok(sub) => {
                    let end = deadline;
                    follow(&store, &prefix, &opts, sub, &mut encoder, &tx, end).await
                }
                Err(e) => {
                    let _ = tx.send(encoder.event("ERROR", &e.to_status())).await;
                }
            }
        })
        .await;
    });
    let body = StreamBody::new(futures::StreamExt::map(ReceiverStream::new(rx), |b| {
        Ok::<_, Infallible>(Frame::data(b))
    }));
    let mut resp = Response::new(BodyExt::boxed(body));
    if let Ok(v) = content_type.parse() {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(resp)
}

/// The event type (if any) a change means for a watcher with these selectors: objects
/// entering the selection are ADDED, leaving it DELETED. The object sent is `ev.obj`.
fn translate(store: &Store, opts: &ListOptions, ev: &CacheEvent) -> Option<&'static str> {
    let prev_matches = ev.prev.as_ref().is_some_and(|p| store.matches(p, opts));
    match ev.kind {
        WatchEventKind::Put => match (store.matches(&ev.obj, opts), prev_matches) {
            (true, true) => Some("MODIFIED"),
            (true, false) => Some("ADDED"),
            (false, true) => Some("DELETED"),
            (false, false) => None,
        },
        WatchEventKind::Delete => prev_matches.then_some("DELETED"),
    }
}

/// Sends the initial state, the backlog, then live changes until the client leaves, the
/// cache resets or the watcher falls too far behind.
async fn follow(
    store: &Store,
    prefix: &str,
    opts: &ListOptions,
    mut sub: Subscription,
    encoder: &mut Encoder,
    tx: &mpsc::Sender<Bytes>,
    deadline: Instant,
) {
    for obj in &sub.initial {
        if store.matches(obj, opts) && tx.send(encoder.cached("ADDED", obj)).await.is_err() {
            return;
        }
    }
    if opts.send_initial_events == Some(true) && opts.allow_watch_bookmarks {
        let b = bookmark(store, sub.revision, true);
        if tx.send(encoder.event("BOOKMARK", &b)).await.is_err() {
            return;
        }
    }
    let mut last = sub.revision;
    for ev in &sub.backlog {
        if let Some(kind) = translate(store, opts, ev) {
            if tx.send(encoder.change(kind, ev)).await.is_err() {
                return;
            }
        }
    }
    let floor = sub.revision;
    let mut due = next_bookmark(Instant::now(), deadline);
    loop {
        let bookmark_due = async {
            match due {
                Some(at) if opts.allow_watch_bookmarks => tokio::time::sleep_until(at).await,
                _ => std::future::pending().await,
            }
        };
        let msg = tokio::select! {
            m = sub.live.recv() => m,
            _ = bookmark_due => {
                // Every event up to the cache's revision is already in the fan-out (it is
                // sent before the revision moves): deliver those first, so the bookmark never
                // skips an event the client has not seen.
                let revision = store.cacher().revision();
                loop {
                    match sub.live.try_recv() {
                        Ok(Message::Event(ev)) => {
                            let live = Live { store, opts, prefix, floor };
                            if !live.deliver(&ev, encoder, tx, &mut last).await {
                                return;
                            }
                        }
                        Err(broadcast::error::TryRecvError::Empty) => break,
                        Ok(Message::Reset) | Err(_) => return,
                    }
                }
                last = last.max(revision);
                let b = bookmark(store, last, false);
                if tx.send(encoder.event("BOOKMARK", &b)).await.is_err() {
                    return;
                }
                due = next_bookmark(Instant::now(), deadline);
                continue;
            }
            _ = tx.closed() => return,
        };
        let ev = match msg {
            Ok(Message::Event(ev)) => ev,
            // Reset, lagging too far behind, or shutdown: the client re-watches.
            Ok(Message::Reset) | Err(_) => return,
        };
        let live = Live {
            store,
            opts,
            prefix,
            floor,
        };
        if !live.deliver(&ev, encoder, tx, &mut last).await {
            return;
        }
    }
}

/// What decides whether a live change reaches this watcher.
struct Live<'a> {
    store: &'a Store,
    opts: &'a ListOptions,
    prefix: &'a str,
    /// Changes at or below this revision were in the initial state or backlog.
    floor: i64,
}

impl Live<'_> {
    /// Sends the change if it concerns this watcher; false once the client is gone.
    async fn deliver(
        &self,
        ev: &CacheEvent,
        encoder: &mut Encoder,
        tx: &mpsc::Sender<Bytes>,
        last: &mut i64,
    ) -> bool {
        if ev.revision <= self.floor || !ev.key.starts_with(self.prefix) {
            return true;
        }
        *last = (*last).max(ev.revision);
        match translate(self.store, self.opts, ev) {
            Some(kind) => tx.send(encoder.change(kind, ev)).await.is_ok(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_come_every_minute_and_just_before_the_timeout() {
        let now = Instant::now();
        let long = now + Duration::from_secs(1800);
        assert_eq!(next_bookmark(now, long), Some(now + BOOKMARK_INTERVAL));
        let short = now + Duration::from_secs(10);
        assert_eq!(
            next_bookmark(now, short),
            Some(short - PRE_TIMEOUT_BOOKMARK)
        );
        // Too late for another one.
        assert_eq!(next_bookmark(now, now + Duration::from_secs(1)), None);
        assert_eq!(next_bookmark(short - PRE_TIMEOUT_BOOKMARK, short), None);
    }

    #[test]
    fn frames_match_the_value_encoding() {
        let obj = json!({"kind": "ConfigMap", "metadata": {"name": "a", "resourceVersion": "5"}});
        let expected = encode_json(&json!({"type": "MODIFIED", "object": obj.clone()}));
        assert_eq!(&frame("MODIFIED", &obj)[..], &expected[..]);
    }

    #[test]
    fn cached_frames_match_the_value_encoding() {
        let obj =
            json!({"kind": "Pod", "metadata": {"name": "a\"b", "labels": {"z": "1", "a": "é"}}});
        for kind in ["ADDED", "MODIFIED", "DELETED"] {
            let expected = encode_json(&json!({"type": kind, "object": obj.clone()}));
            let cached = CachedObject::new(obj.clone());
            assert_eq!(&cached_frame(kind, &cached)[..], &expected[..], "{kind}");
        }
    }

    #[test]
    fn change_frames_are_encoded_once_and_shared() {
        let frames = crate::cacher::SharedFrames::default();
        let obj = json!({"metadata": {"name": "a"}});
        let mut encodes = 0;
        let mut first = None;
        for _ in 0..3 {
            let b = frames.get_or_encode("MODIFIED", || {
                encodes += 1;
                frame("MODIFIED", &obj)
            });
            // Every watcher gets the very same buffer.
            let ptr = *first.get_or_insert(b.as_ptr());
            assert_eq!(b.as_ptr(), ptr);
        }
        assert_eq!(encodes, 1);
        // Another type (a watcher whose selector the object just entered) is its own frame.
        let added = frames.get_or_encode("ADDED", || {
            encodes += 1;
            frame("ADDED", &obj)
        });
        assert_eq!(encodes, 2);
        assert!(std::str::from_utf8(&added)
            .unwrap()
            .contains("\"type\":\"ADDED\""));
    }
}
