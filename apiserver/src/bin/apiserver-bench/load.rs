//! Runs a fixed list of calls with a fixed number of requests in flight, spread over the
//! HTTP/2 connections, and measures each call's latency.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;

use crate::client::{call, Conn};
use crate::stats::Summary;

/// One request to make and the statuses that count as success.
pub struct Call {
    pub method: Method,
    pub path: String,
    pub body: Bytes,
    pub ok: &'static [u16],
}

/// A phase's summary and, when asked for, each successful call's response body by index.
pub struct Outcome {
    pub summary: Summary,
    pub bodies: Vec<Option<Bytes>>,
}

/// How long one call may take before it counts as failed.
const CALL_LIMIT: Duration = Duration::from_secs(30);

struct Worker {
    lat_us: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
    bodies: Vec<(usize, Bytes)>,
}

/// Runs `calls` with `concurrency` in flight; stops early (the rest not counted) at `deadline`.
pub async fn run(
    name: &str,
    conns: &[Conn],
    concurrency: usize,
    calls: Vec<Call>,
    keep_bodies: bool,
    deadline: Instant,
) -> Outcome {
    let total = calls.len();
    let calls = Arc::new(calls);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..concurrency.max(1) {
        let mut conn = conns[i % conns.len()].clone();
        let calls = calls.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut w = Worker {
                lat_us: Vec::new(),
                errors: 0,
                first_error: None,
                bodies: Vec::new(),
            };
            loop {
                let idx = next.fetch_add(1, Ordering::Relaxed);
                if idx >= calls.len() || Instant::now() >= deadline {
                    break;
                }
                let c = &calls[idx];
                match call(&mut conn, &c.method, &c.path, c.body.clone(), CALL_LIMIT).await {
                    Ok(reply) => {
                        w.lat_us.push(reply.took.as_micros() as u64);
                        if c.ok.contains(&reply.status) {
                            if keep_bodies {
                                w.bodies.push((idx, reply.body));
                            }
                        } else {
                            w.errors += 1;
                            w.first_error.get_or_insert_with(|| {
                                let text = String::from_utf8_lossy(&reply.body);
                                let text: String = text.chars().take(300).collect();
                                format!("{} {} -> {}: {text}", c.method, c.path, reply.status)
                            });
                        }
                    }
                    Err(e) => {
                        w.errors += 1;
                        w.first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            w
        }));
    }
    let mut lat = Vec::with_capacity(total);
    let mut errors = 0;
    let mut first_error = None;
    let mut bodies = vec![None; if keep_bodies { total } else { 0 }];
    for t in tasks {
        match t.await {
            Ok(w) => {
                lat.extend(w.lat_us);
                errors += w.errors;
                if first_error.is_none() {
                    first_error = w.first_error;
                }
                for (i, b) in w.bodies {
                    bodies[i] = Some(b);
                }
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert_with(|| format!("worker failed: {e}"));
            }
        }
    }
    let wall = start.elapsed();
    Outcome {
        summary: Summary::new(name, concurrency, lat, errors, wall, first_error),
        bodies,
    }
}
