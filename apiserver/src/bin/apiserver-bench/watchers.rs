//! Watch fan-out: many watchers on one namespace's ConfigMaps, a paced writer creating
//! objects there, and the delay from each write being sent to each watcher receiving its
//! event (and from the write's acknowledgement, for comparison).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use bytes::Bytes;
use http::Method;
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::json;

use crate::client::{call, request, Conn};
use crate::stats::{quantile_ms, Summary};

/// Name prefix of the objects the writer creates; the watchers look for it.
const PREFIX: &str = "w-";
/// How one watcher spots an event's object name without parsing the whole event.
const MARKER: &[u8] = b"\"name\":\"w-";

/// What one watcher received: (object index, nanoseconds since the run's base instant).
type Received = Vec<(u32, u64)>;

/// What the fan-out measured.
#[derive(Debug, Serialize)]
pub struct FanOut {
    pub watchers: usize,
    pub opened: usize,
    pub events: usize,
    pub expected: usize,
    pub delivered: usize,
    /// From the write being sent to the event reaching a watcher.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// From the write's response to the event reaching a watcher (0 when it came first).
    pub after_ack_p50_ms: f64,
    pub after_ack_p99_ms: f64,
    /// Events delivered per second, first write sent to last event received.
    pub deliveries_per_s: f64,
    pub write: Summary,
    /// CPU per delivered event, in microseconds (set by the caller from `/proc`): the
    /// apiserver's, etcd's and this client's.
    pub apiserver_cpu_us: Option<f64>,
    pub etcd_cpu_us: Option<f64>,
    pub client_cpu_us: Option<f64>,
}

/// The watchers, open and reading.
pub struct Watchers {
    base: Instant,
    events: usize,
    ready: Arc<AtomicUsize>,
    complete: Arc<AtomicUsize>,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<Result<Received>>>,
    sent: Arc<Vec<AtomicU64>>,
    acked: Arc<Vec<AtomicU64>>,
    write: Option<Summary>,
}

/// The index in `w-000123`-style names inside one event line.
fn event_index(line: &[u8]) -> Option<u32> {
    let at = line.windows(MARKER.len()).position(|w| w == MARKER)? + MARKER.len();
    let digits = &line[at..];
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

fn nanos(base: Instant) -> u64 {
    base.elapsed().as_nanos() as u64
}

/// Reads one watch stream until it has seen every one of `events` objects, or `stop`.
async fn watch_one(
    mut conn: Conn,
    path: String,
    events: usize,
    base: Instant,
    ready: Arc<AtomicUsize>,
    complete: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Received> {
    conn.ready().await?;
    let resp = conn
        .send_request(request(&Method::GET, &path, Bytes::new())?)
        .await?;
    if resp.status() != 200 {
        bail!("watch {path}: status {}", resp.status());
    }
    ready.fetch_add(1, Ordering::Relaxed);
    let mut body = resp.into_body();
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = vec![false; events];
    let mut got = Vec::with_capacity(events);
    while got.len() < events {
        let frame = tokio::select! {
            f = body.frame() => f,
            _ = stop.changed() => break,
        };
        let Some(frame) = frame else { break };
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        let now = nanos(base);
        buf.extend_from_slice(&data);
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            if let Some(i) = event_index(&buf[..pos]) {
                if let Some(s) = seen.get_mut(i as usize) {
                    if !*s {
                        *s = true;
                        got.push((i, now));
                    }
                }
            }
            buf.drain(..=pos);
        }
    }
    if got.len() == events {
        complete.fetch_add(1, Ordering::Relaxed);
    }
    Ok(got)
}

impl Watchers {
    /// Opens `n` watches of `ns`'s ConfigMaps from `rv`, spread round-robin over `conns`.
    pub fn open(conns: &[Conn], ns: &str, rv: &str, n: usize, events: usize) -> Watchers {
        let base = Instant::now();
        let ready = Arc::new(AtomicUsize::new(0));
        let complete = Arc::new(AtomicUsize::new(0));
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let path = format!(
            "/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=600"
        );
        let tasks = (0..n)
            .map(|i| {
                tokio::spawn(watch_one(
                    conns[i % conns.len()].clone(),
                    path.clone(),
                    events,
                    base,
                    ready.clone(),
                    complete.clone(),
                    stop_rx.clone(),
                ))
            })
            .collect();
        let zeros = || Arc::new((0..events).map(|_| AtomicU64::new(0)).collect::<Vec<_>>());
        Watchers {
            base,
            events,
            ready,
            complete,
            stop,
            tasks,
            sent: zeros(),
            acked: zeros(),
            write: None,
        }
    }

    /// Waits until every watch has its response headers, or `limit`; how many did.
    pub async fn wait_ready(&self, limit: Duration) -> usize {
        let until = Instant::now() + limit;
        while self.ready.load(Ordering::Relaxed) < self.tasks.len() && Instant::now() < until {
            if self.tasks.iter().all(|t| t.is_finished()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.ready.load(Ordering::Relaxed)
    }

    /// Creates the objects the watchers wait for, one every `interval`, on `conn`.
    pub async fn write(&mut self, conn: &Conn, ns: &str, interval: Duration) {
        let start = Instant::now();
        let mut tick = tokio::time::interval(interval);
        let mut calls = Vec::with_capacity(self.events);
        for i in 0..self.events {
            tick.tick().await;
            let mut conn = conn.clone();
            let path = format!("/api/v1/namespaces/{ns}/configmaps");
            let body = json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("{PREFIX}{i:06}"), "labels": {"app": "watch-bench"}},
                "data": {"k": "v".repeat(200)},
            });
            let body = Bytes::from(body.to_string());
            let (base, sent, acked) = (self.base, self.sent.clone(), self.acked.clone());
            calls.push(tokio::spawn(async move {
                sent[i].store(nanos(base), Ordering::Relaxed);
                let r = call(
                    &mut conn,
                    &Method::POST,
                    &path,
                    body,
                    Duration::from_secs(30),
                )
                .await;
                acked[i].store(nanos(base), Ordering::Relaxed);
                r
            }));
        }
        let (mut lat, mut errors, mut first_error) = (Vec::new(), 0, None);
        for c in calls {
            match c.await {
                Ok(Ok(reply)) => {
                    lat.push(reply.took.as_micros() as u64);
                    if reply.status != 201 {
                        errors += 1;
                        first_error.get_or_insert_with(|| {
                            format!(
                                "create -> {}: {}",
                                reply.status,
                                String::from_utf8_lossy(&reply.body)
                            )
                        });
                    }
                }
                Ok(Err(e)) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                }
                Err(e) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        self.write = Some(Summary::new(
            "watch-write",
            1,
            lat,
            errors,
            start.elapsed(),
            first_error,
        ));
    }

    /// Waits until every open watcher has every event, or `limit`.
    pub async fn wait_delivered(&self, limit: Duration) {
        let until = Instant::now() + limit;
        let opened = self.ready.load(Ordering::Relaxed);
        while self.complete.load(Ordering::Relaxed) < opened && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops every watcher and summarises the deliveries.
    pub async fn finish(self) -> FanOut {
        let _ = self.stop.send(true);
        let opened = self.ready.load(Ordering::Relaxed);
        let watchers = self.tasks.len();
        let mut from_sent = Vec::new();
        let mut from_ack = Vec::new();
        let mut last = 0u64;
        for t in self.tasks {
            let Ok(Ok(got)) = t.await else { continue };
            for (i, at) in got {
                let sent = self.sent[i as usize].load(Ordering::Relaxed);
                let acked = self.acked[i as usize].load(Ordering::Relaxed);
                from_sent.push(at.saturating_sub(sent) / 1000);
                from_ack.push(at.saturating_sub(acked) / 1000);
                last = last.max(at);
            }
        }
        from_sent.sort_unstable();
        from_ack.sort_unstable();
        let first = self.sent.first().map_or(0, |s| s.load(Ordering::Relaxed));
        let span = Duration::from_nanos(last.saturating_sub(first)).as_secs_f64();
        FanOut {
            watchers,
            opened,
            events: self.events,
            expected: opened * self.events,
            delivered: from_sent.len(),
            p50_ms: quantile_ms(&from_sent, 0.5),
            p99_ms: quantile_ms(&from_sent, 0.99),
            max_ms: from_sent.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
            after_ack_p50_ms: quantile_ms(&from_ack, 0.5),
            after_ack_p99_ms: quantile_ms(&from_ack, 0.99),
            deliveries_per_s: if span > 0.0 {
                from_sent.len() as f64 / span
            } else {
                0.0
            },
            apiserver_cpu_us: None,
            etcd_cpu_us: None,
            client_cpu_us: None,
            write: self.write.unwrap_or_else(|| {
                Summary::new("watch-write", 0, Vec::new(), 0, Duration::ZERO, None)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_index_in_an_event_line() {
        let line = br#"{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"w-000042","namespace":"x"}}}"#;
        assert_eq!(event_index(line), Some(42));
        assert_eq!(event_index(br#"{"type":"BOOKMARK","object":{}}"#), None);
        assert_eq!(event_index(br#"{"metadata":{"name":"w-"}}"#), None);
    }
}
