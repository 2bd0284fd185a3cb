//! WATCH (`?watch=true` and `/watch/` paths), served from the resource's watch cache:
//! newline-delimited `{"type","object"}` events, synthetic ADDED events for the current state
//! when starting from `""`/`"0"` (or `sendInitialEvents=true`), selector transitions as
//! ADDED/DELETED, bookmarks, `timeoutSeconds`, and an in-stream 410 for a compacted start.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{header, Response};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{Body, RequestContext};
use crate::cacher::{CacheEvent, Message, Start, Subscription};
use crate::codec::{encode_json, negotiate, Offers, Output, Shape};
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
            obj.clone()
        };
        Bytes::from(encode_json(&json!({"type": kind, "object": object})))
    }
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
    let output = negotiate(
        ctx.accept,
        Offers {
            table: true,
            ..Offers::default()
        },
    )?;
    let include = IncludeObject::from_query(ctx.param("includeObject").as_deref())?;
    let mut opts = ListOptions::from_query(ctx.query)?;
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
    let subscription = match store.cacher().subscribe(&prefix, start).await {
        Ok(sub) => Ok(sub),
        // A too-old start is reported in the stream, as upstream does.
        Err(e) if e.code == 410 => Err(e),
        Err(e) => return Err(e),
    };

    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let _ = tokio::time::timeout(timeout, async {
            match subscription {
                Ok(sub) => follow(&store, &prefix, &opts, sub, &mut encoder, &tx).await,
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

/// The event (if any) a change means for a watcher with these selectors: objects entering
/// the selection are ADDED, leaving it DELETED.
fn translate<'a>(
    store: &Store,
    opts: &ListOptions,
    ev: &'a CacheEvent,
) -> Option<(&'static str, &'a Value)> {
    let prev_matches = ev.prev.as_ref().is_some_and(|p| store.matches(p, opts));
    match ev.kind {
        WatchEventKind::Put => match (store.matches(&ev.obj, opts), prev_matches) {
            (true, true) => Some(("MODIFIED", &ev.obj)),
            (true, false) => Some(("ADDED", &ev.obj)),
            (false, true) => Some(("DELETED", &ev.obj)),
            (false, false) => None,
        },
        WatchEventKind::Delete => prev_matches.then_some(("DELETED", &*ev.obj)),
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
) {
    for obj in &sub.initial {
        if store.matches(obj, opts) && tx.send(encoder.event("ADDED", obj)).await.is_err() {
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
        if let Some((kind, obj)) = translate(store, opts, ev) {
            if tx.send(encoder.event(kind, obj)).await.is_err() {
                return;
            }
        }
    }
    let floor = sub.revision;
    let mut ticker = tokio::time::interval(BOOKMARK_INTERVAL);
    ticker.tick().await;
    loop {
        let msg = tokio::select! {
            m = sub.live.recv() => m,
            _ = ticker.tick() => {
                if opts.allow_watch_bookmarks {
                    last = last.max(store.cacher().revision());
                    let b = bookmark(store, last, false);
                    if tx.send(encoder.event("BOOKMARK", &b)).await.is_err() {
                        return;
                    }
                }
                continue;
            }
            _ = tx.closed() => return,
        };
        let ev = match msg {
            Ok(Message::Event(ev)) => ev,
            // Reset, lagging too far behind, or shutdown: the client re-watches.
            Ok(Message::Reset) | Err(_) => return,
        };
        if ev.revision <= floor || !ev.key.starts_with(prefix) {
            continue;
        }
        last = last.max(ev.revision);
        if let Some((kind, obj)) = translate(store, opts, &ev) {
            if tx.send(encoder.event(kind, obj)).await.is_err() {
                return;
            }
        }
    }
}
