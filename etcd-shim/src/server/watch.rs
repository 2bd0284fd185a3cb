//! The Watch service. One task per stream serves all of its watches from one subscription
//! to committed batches; a new watch first replays history from its start revision. A
//! stream that falls behind the broadcast re-reads history instead of slowing the writer.

use std::sync::Arc;
use std::time::Instant;

use etcd_client::proto::{
    PbEvent as Event, PbWatchRequest as WatchRequest, PbWatchRequestUnion as RequestUnion,
    PbWatchResponse as WatchResponse, PbWatchService,
};
use futures::StreamExt;
use tokio::sync::broadcast;
use tonic::{Request, Response, Status, Streaming};

use super::{BoxStream, Services};
use crate::store::mvcc::{KeyRange, EVENT_DELETE, EVENT_PUT};
use crate::store::{Batch, Store};

const FILTER_NOPUT: i32 = 0;
const FILTER_NODELETE: i32 = 1;
/// Events per response when replaying history.
const REPLAY_CHUNK: usize = 1000;

pub struct WatchService(pub Services);

#[tonic::async_trait]
impl PbWatchService for WatchService {
    type WatchStream = BoxStream<WatchResponse>;

    async fn watch(
        &self,
        req: Request<Streaming<WatchRequest>>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let inbound = req.into_inner();
        let stream = StreamTask {
            store: self.0.store.clone(),
            sub: self.0.store.subscribe(),
            out: Default::default(),
            watchers: Vec::new(),
            next_id: 0,
            interval: self.0.info.progress_notify_interval,
        };
        Ok(Response::new(Box::pin(stream.into_stream(inbound))))
    }
}

struct Watcher {
    id: i64,
    range: KeyRange,
    no_put: bool,
    no_delete: bool,
    prev_kv: bool,
    progress_notify: bool,
    fragment: bool,
    /// Events up to this revision have been delivered.
    last: i64,
    last_sent: Instant,
}

impl Watcher {
    fn wants(&self, ev: &Event) -> bool {
        let Some(kv) = &ev.kv else { return false };
        if kv.mod_revision <= self.last || !self.range.contains(&kv.key) {
            return false;
        }
        !(ev.r#type == EVENT_PUT && self.no_put || ev.r#type == EVENT_DELETE && self.no_delete)
    }

    fn shape(&self, ev: &Event) -> Event {
        let mut ev = ev.clone();
        if !self.prev_kv {
            ev.prev_kv = None;
        }
        ev
    }
}

struct StreamTask {
    store: Store,
    sub: broadcast::Receiver<Arc<Batch>>,
    /// Responses ready to go. The stream is driven by the connection polling it, so new
    /// input is only read once these are taken: backpressure without a queue of our own.
    out: std::sync::Mutex<std::collections::VecDeque<WatchResponse>>,
    watchers: Vec<Watcher>,
    next_id: i64,
    interval: std::time::Duration,
}

/// The client went away (or the store stopped).
struct Gone;

impl StreamTask {
    /// The response stream: each poll first hands out ready responses, then waits for the
    /// next request, committed batch or progress tick.
    fn into_stream(
        self,
        inbound: Streaming<WatchRequest>,
    ) -> impl futures::Stream<Item = Result<WatchResponse, Status>> + Send + 'static {
        let mut tick =
            tokio::time::interval(self.interval.max(std::time::Duration::from_millis(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let state = (self, inbound, tick, false);
        futures::stream::unfold(
            state,
            |(mut st, mut inbound, mut tick, mut done)| async move {
                loop {
                    let next = st.out.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    if let Some(resp) = next {
                        return Some((Ok(resp), (st, inbound, tick, done)));
                    }
                    if done {
                        return None;
                    }
                    let res = tokio::select! {
                        msg = inbound.next() => match msg {
                            Some(Ok(m)) => st.on_request(m).await,
                            _ => Err(Gone),
                        },
                        b = st.sub.recv() => match b {
                            Ok(batch) => st.on_batch(&batch).await,
                            Err(broadcast::error::RecvError::Lagged(_)) => st.resync().await,
                            Err(broadcast::error::RecvError::Closed) => Err(Gone),
                        },
                        _ = tick.tick() => st.on_tick().await,
                    };
                    done = res.is_err();
                }
            },
        )
    }

    async fn send(&self, resp: WatchResponse) -> Result<(), Gone> {
        self.out
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(resp);
        Ok(())
    }

    fn header(&self, rev: i64) -> Option<etcd_client::proto::PbResponseHeader> {
        Some(self.store.header(rev))
    }

    async fn on_request(&mut self, req: WatchRequest) -> Result<(), Gone> {
        match req.request_union {
            Some(RequestUnion::CreateRequest(c)) => {
                let rev = self.store.revision();
                let id = if c.watch_id != 0 {
                    c.watch_id
                } else {
                    while self.watchers.iter().any(|w| w.id == self.next_id) {
                        self.next_id += 1;
                    }
                    self.next_id += 1;
                    self.next_id - 1
                };
                if self.watchers.iter().any(|w| w.id == id) {
                    return self
                        .send(WatchResponse {
                            header: self.header(rev),
                            // etcd answers a refused watch with ID -1.
                            watch_id: -1,
                            created: true,
                            canceled: true,
                            cancel_reason: "mvcc: duplicate watch ID provided on the WatchStream"
                                .into(),
                            ..Default::default()
                        })
                        .await;
                }
                let start = if c.start_revision == 0 {
                    rev + 1
                } else {
                    c.start_revision
                };
                let mut w = Watcher {
                    id,
                    range: KeyRange::new(&c.key, &c.range_end),
                    no_put: c.filters.contains(&FILTER_NOPUT),
                    no_delete: c.filters.contains(&FILTER_NODELETE),
                    prev_kv: c.prev_kv,
                    progress_notify: c.progress_notify,
                    fragment: c.fragment,
                    last: start - 1,
                    last_sent: Instant::now(),
                };
                self.send(WatchResponse {
                    header: self.header(rev),
                    watch_id: id,
                    created: true,
                    ..Default::default()
                })
                .await?;
                if self.catch_up(&mut w).await? {
                    self.watchers.push(w);
                }
                Ok(())
            }
            Some(RequestUnion::CancelRequest(c)) => {
                if let Some(pos) = self.watchers.iter().position(|w| w.id == c.watch_id) {
                    self.watchers.remove(pos);
                    let rev = self.store.revision();
                    self.send(WatchResponse {
                        header: self.header(rev),
                        watch_id: c.watch_id,
                        canceled: true,
                        ..Default::default()
                    })
                    .await?;
                }
                Ok(())
            }
            Some(RequestUnion::ProgressRequest(_)) => {
                // Deliver everything committed so far, then report that revision.
                loop {
                    match self.sub.try_recv() {
                        Ok(batch) => self.on_batch(&batch).await?,
                        Err(broadcast::error::TryRecvError::Lagged(_)) => self.resync().await?,
                        Err(_) => break,
                    }
                }
                // A watch waiting for a future start revision does not raise the answer
                // above what is committed.
                let current = self.store.revision();
                let rev = self
                    .watchers
                    .iter()
                    .map(|w| w.last)
                    .min()
                    .map_or(current, |m| m.min(current));
                self.send(WatchResponse {
                    header: self.header(rev),
                    watch_id: -1,
                    ..Default::default()
                })
                .await
            }
            None => Ok(()),
        }
    }

    /// Sends events of one watch; with `fragment`, a response over the request size limit
    /// is split as etcd does (every piece but the last has `fragment` set).
    async fn send_events(&self, w: &Watcher, rev: i64, events: Vec<Event>) -> Result<(), Gone> {
        let whole = WatchResponse {
            header: self.header(rev),
            watch_id: w.id,
            events,
            ..Default::default()
        };
        let max = self.store.limits().max_request_bytes;
        if !w.fragment || whole.events.len() < 2 || prost::Message::encoded_len(&whole) < max {
            return self.send(whole).await;
        }
        let (header, watch_id) = (whole.header, whole.watch_id);
        let mut rest = whole.events.into_iter().peekable();
        while rest.peek().is_some() {
            let mut cur = WatchResponse {
                header,
                watch_id,
                fragment: true,
                ..Default::default()
            };
            while let Some(ev) = rest.peek() {
                cur.events.push(ev.clone());
                if cur.events.len() > 1 && prost::Message::encoded_len(&cur) >= max {
                    cur.events.pop();
                    break;
                }
                rest.next();
            }
            cur.fragment = rest.peek().is_some();
            self.send(cur).await?;
        }
        Ok(())
    }

    /// Replays history from `w.last + 1`; false if the watch was cancelled for compaction.
    async fn catch_up(&self, w: &mut Watcher) -> Result<bool, Gone> {
        let (events, rev, compacted) = {
            let m = self.store.read();
            let rev = m.committed;
            if w.last + 1 < m.compacted {
                (Vec::new(), rev, Some(m.compacted))
            } else if w.last < rev {
                (m.history(&w.range, w.last + 1, rev), rev, None)
            } else {
                (Vec::new(), rev, None)
            }
        };
        if let Some(compact_revision) = compacted {
            self.send(WatchResponse {
                header: self.header(rev),
                watch_id: w.id,
                canceled: true,
                compact_revision,
                ..Default::default()
            })
            .await?;
            return Ok(false);
        }
        let events: Vec<Event> = events
            .into_iter()
            .map(|(_, e)| e)
            .filter(|e| w.wants(e))
            .map(|e| w.shape(&e))
            .collect();
        for chunk in events.chunks(REPLAY_CHUNK) {
            self.send_events(w, rev, chunk.to_vec()).await?;
        }
        if !events.is_empty() {
            w.last_sent = Instant::now();
        }
        w.last = w.last.max(rev);
        Ok(true)
    }

    async fn on_batch(&mut self, batch: &Batch) -> Result<(), Gone> {
        for i in 0..self.watchers.len() {
            let w = &self.watchers[i];
            let events: Vec<Event> = batch
                .events
                .iter()
                .filter(|e| w.wants(e))
                .map(|e| w.shape(e))
                .collect();
            if !events.is_empty() {
                self.send_events(w, batch.revision, events).await?;
                self.watchers[i].last_sent = Instant::now();
            }
            let w = &mut self.watchers[i];
            w.last = w.last.max(batch.revision);
        }
        Ok(())
    }

    /// After missing broadcasts, every watch re-reads what it missed from the index.
    async fn resync(&mut self) -> Result<(), Gone> {
        let mut watchers = std::mem::take(&mut self.watchers);
        let mut kept = Vec::with_capacity(watchers.len());
        for mut w in watchers.drain(..) {
            if self.catch_up(&mut w).await? {
                kept.push(w);
            }
        }
        self.watchers = kept;
        Ok(())
    }

    /// etcd's progress notification: an empty response for a quiet watch.
    async fn on_tick(&mut self) -> Result<(), Gone> {
        let rev = self.store.revision();
        for i in 0..self.watchers.len() {
            let w = &self.watchers[i];
            if w.progress_notify && w.last_sent.elapsed() >= self.interval && w.last >= rev {
                self.send(WatchResponse {
                    header: self.header(rev),
                    watch_id: w.id,
                    ..Default::default()
                })
                .await?;
                self.watchers[i].last_sent = Instant::now();
            }
        }
        Ok(())
    }
}
