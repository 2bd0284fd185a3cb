//! `apiserver-bench`: a load generator for kube-apiserver that pushes harder than the Python
//! `apiload.py`: many HTTP/2 streams over a few TLS connections (as client-go multiplexes),
//! pod creates, gets, lists of 1,000 ConfigMaps, updates, deletes, and a watch fan-out to
//! 1,000 watchers. Prints throughput and p50/p99 per verb, event delivery latency, and the
//! apiserver's RSS (from `/proc/<pid>/status`) with 10,000 pods stored and the watchers open.
//!
//! Every count is bounded and `--time-limit` stops the run; only loopback servers are accepted.
//! The last line is `RESULT {json}` for scripts (`hack/bench.d/apiserver.sh`).

// A binary's root looks for modules next to itself; ours live in the folder of its name.
#[path = "apiserver-bench/client.rs"]
mod client;
#[path = "apiserver-bench/load.rs"]
mod load;
#[path = "apiserver-bench/procfs.rs"]
mod procfs;
#[path = "apiserver-bench/stats.rs"]
mod stats;
#[path = "apiserver-bench/watchers.rs"]
mod watchers;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use clap::Parser;
use http::Method;
use serde_json::{json, Map, Value};

use crate::client::{call, Conn};
use crate::load::{Call, Outcome};
use crate::stats::Summary;

#[derive(Parser, Debug)]
#[command(
    name = "apiserver-bench",
    about = "Load generator for kube-apiserver (HTTP/2)."
)]
struct Args {
    /// Admin kubeconfig (client certificate; data or file paths); the server must be loopback.
    #[arg(long)]
    kubeconfig: PathBuf,
    /// kube-apiserver's PID, to read its RSS (VmRSS) at each stage.
    #[arg(long)]
    apiserver_pid: Option<u32>,
    /// The etcd server's PID, to read its RSS too.
    #[arg(long)]
    etcd_pid: Option<u32>,
    /// HTTP/2 connections for the request phases.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Requests in flight (streams across the connections) for single-object phases; 16 as
    /// apiload.py's 16 connections, where the latency goals apply.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Requests in flight for the second, throughput-only pass of pod creates, gets, deletes.
    #[arg(long, default_value_t = 128)]
    burst_concurrency: usize,
    /// Pods to create (and keep stored for the RSS figure), then delete.
    #[arg(long, default_value_t = 10_000)]
    pods: usize,
    /// Random pod GETs, at each of the two concurrencies.
    #[arg(long, default_value_t = 20_000)]
    gets: usize,
    /// ConfigMaps in the listed namespace.
    #[arg(long, default_value_t = 1_000)]
    list_objects: usize,
    /// Full lists of that namespace.
    #[arg(long, default_value_t = 100)]
    lists: usize,
    /// Lists in flight.
    #[arg(long, default_value_t = 4)]
    list_concurrency: usize,
    /// Concurrent watchers of one namespace's ConfigMaps.
    #[arg(long, default_value_t = 1_000)]
    watchers: usize,
    /// Watch streams per HTTP/2 connection (hyper's server allows 200).
    #[arg(long, default_value_t = 100)]
    watchers_per_connection: usize,
    /// Objects created while the watchers listen; each watcher must receive every one.
    #[arg(long, default_value_t = 200)]
    watch_events: usize,
    /// Milliseconds between those creates.
    #[arg(long, default_value_t = 10)]
    watch_interval_ms: u64,
    /// Hard limit for the whole run, in seconds.
    #[arg(long, default_value_t = 300)]
    time_limit: u64,
    /// Namespace prefix; the process id is appended so runs never collide.
    #[arg(long, default_value = "apibench")]
    namespace_prefix: String,
}

/// Everything measured so far; printed as it grows and once more as JSON at the end.
#[derive(Default)]
struct Report {
    /// The run's sizes, so readers label figures with what was actually run.
    config: Value,
    phases: Vec<Summary>,
    rss: Map<String, Value>,
    fanout: Option<watchers::FanOut>,
    notes: Vec<String>,
    /// The apiserver's, etcd's and this process's PIDs, and their CPU time when the current
    /// phase began (our own shows what the client costs on the same cores).
    pids: [Option<u32>; 3],
    cpu_mark: [Option<u64>; 3],
}

impl Report {
    /// Notes the servers' CPU time at the start of a phase.
    fn mark(&mut self) {
        self.cpu_mark = self.pids.map(procfs::cpu_us);
    }

    /// CPU per call since [`Report::mark`], in microseconds: apiserver, etcd, this client.
    fn cpu_per_call(&self, calls: usize) -> [Option<f64>; 3] {
        let mut out = [None; 3];
        for (i, pid) in self.pids.iter().enumerate() {
            if let (Some(before), Some(after)) = (self.cpu_mark[i], procfs::cpu_us(*pid)) {
                if calls > 0 {
                    out[i] = Some(after.saturating_sub(before) as f64 / calls as f64);
                }
            }
        }
        out
    }

    fn phase(&mut self, mut s: Summary) {
        [s.apiserver_cpu_us, s.etcd_cpu_us, s.client_cpu_us] = self.cpu_per_call(s.n);
        println!("{}", s.line());
        if let Some(e) = &s.first_error {
            println!("    first error: {e}");
        }
        self.phases.push(s);
    }

    fn rss(&mut self, args: &Args, stage: &str) {
        let (api, etcd) = (
            procfs::rss_kb(args.apiserver_pid),
            procfs::rss_kb(args.etcd_pid),
        );
        if let Some(kb) = api {
            println!("rss {stage:<28} apiserver {:7.1} MB", kb as f64 / 1024.0);
            self.rss.insert(format!("apiserver_{stage}_kb"), json!(kb));
        }
        if let Some(kb) = etcd {
            println!("rss {stage:<28} etcd      {:7.1} MB", kb as f64 / 1024.0);
            self.rss.insert(format!("etcd_{stage}_kb"), json!(kb));
        }
    }

    fn note(&mut self, text: String) {
        println!("note: {text}");
        self.notes.push(text);
    }

    fn json(&self) -> Value {
        json!({
            "config": self.config,
            "phases": self.phases,
            "rss": self.rss,
            "watch": self.fanout,
            "notes": self.notes,
        })
    }

    fn failed(&self) -> bool {
        self.phases.iter().any(|p| p.errors > 0)
            || self
                .fanout
                .as_ref()
                .is_none_or(|f| f.opened < f.watchers || f.delivered < f.expected)
    }
}

fn pod(name: &str) -> Bytes {
    Bytes::from(
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]},
        })
        .to_string(),
    )
}

fn configmap(name: &str) -> Bytes {
    Bytes::from(
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"app": "bench"}},
            "data": {"k": "v".repeat(200)},
        })
        .to_string(),
    )
}

/// A small xorshift generator: random GET targets without another dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One call outside the measured phases; its body when the status is in `ok`.
async fn admin(conn: &Conn, method: Method, path: &str, body: Bytes, ok: &[u16]) -> Result<Bytes> {
    let mut conn = conn.clone();
    let reply = call(&mut conn, &method, path, body, Duration::from_secs(30)).await?;
    if !ok.contains(&reply.status) {
        return Err(anyhow!(
            "{method} {path} -> {}: {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        ));
    }
    Ok(reply.body)
}

/// The calls of one phase: one `method` request per (path, body).
fn calls(
    method: &Method,
    paths: impl Iterator<Item = (String, Bytes)>,
    ok: &'static [u16],
) -> Vec<Call> {
    paths
        .map(|(path, body)| Call {
            method: method.clone(),
            path,
            body,
            ok,
        })
        .collect()
}

async fn run(args: &Args, report: &mut Report, deadline: Instant) -> Result<()> {
    let target = client::from_kubeconfig(&args.kubeconfig)?;
    let conns = client::pool(&target, args.connections).await?;
    let c0 = &conns[0];
    let prefix = format!("{}-{}", args.namespace_prefix, std::process::id());
    let (ns_pods, ns_list, ns_watch) = (
        format!("{prefix}-pods"),
        format!("{prefix}-list"),
        format!("{prefix}-watch"),
    );
    for ns in [&ns_pods, &ns_list, &ns_watch] {
        let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        admin(
            c0,
            Method::POST,
            "/api/v1/namespaces",
            Bytes::from(body.to_string()),
            &[201],
        )
        .await?;
    }
    report.rss(args, "start");
    let (conc, burst) = (args.concurrency, args.burst_concurrency);

    // Pods: create (half at the moderate concurrency, half as a burst), then random gets
    // at both while all of them are stored.
    let pods_path = format!("/api/v1/namespaces/{ns_pods}/pods");
    let names: Vec<String> = (0..args.pods).map(|i| format!("pod-{i:06}")).collect();
    let (first, second) = names.split_at(names.len() / 2);
    for (part, c) in [(first, conc), (second, burst)] {
        let create = calls(
            &Method::POST,
            part.iter().map(|n| (pods_path.clone(), pod(n))),
            &[201],
        );
        report.mark();
        let out = load::run("create pod", &conns, c, create, false, deadline).await;
        report.phase(out.summary);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(std::process::id()));
    for c in [conc, burst] {
        if names.is_empty() {
            break;
        }
        let gets = calls(
            &Method::GET,
            (0..args.gets).map(|_| {
                let n = &names[rng.below(names.len())];
                (format!("{pods_path}/{n}"), Bytes::new())
            }),
            &[200],
        );
        report.mark();
        let out = load::run("get pod", &conns, c, gets, false, deadline).await;
        report.phase(out.summary);
    }
    report.rss(args, "pods_stored");

    // ConfigMaps: create, list the namespace, update each (with its resourceVersion).
    let cm_path = format!("/api/v1/namespaces/{ns_list}/configmaps");
    let cm_names: Vec<String> = (0..args.list_objects)
        .map(|i| format!("cm-{i:06}"))
        .collect();
    let create = calls(
        &Method::POST,
        cm_names.iter().map(|n| (cm_path.clone(), configmap(n))),
        &[201],
    );
    report.mark();
    let Outcome { summary, bodies } =
        load::run("create configmap", &conns, conc, create, true, deadline).await;
    report.phase(summary);
    let listed = admin(c0, Method::GET, &cm_path, Bytes::new(), &[200]).await?;
    let listed: Value = serde_json::from_slice(&listed).context("list is not JSON")?;
    let items = listed["items"].as_array().map_or(0, Vec::len);
    if items != args.list_objects {
        report.note(format!(
            "list returned {items} items, expected {}",
            args.list_objects
        ));
    }
    let lists = calls(
        &Method::GET,
        (0..args.lists).map(|_| (cm_path.clone(), Bytes::new())),
        &[200],
    );
    let name = format!("list {items} configmaps");
    report.mark();
    report.phase(
        load::run(&name, &conns, args.list_concurrency, lists, false, deadline)
            .await
            .summary,
    );
    let updates = calls(
        &Method::PUT,
        bodies.iter().zip(&cm_names).filter_map(|(b, n)| {
            let mut obj: Value = serde_json::from_slice(b.as_ref()?).ok()?;
            obj["data"]["k"] = json!("w".repeat(200));
            Some((format!("{cm_path}/{n}"), Bytes::from(obj.to_string())))
        }),
        &[200],
    );
    report.mark();
    report.phase(
        load::run("update configmap", &conns, conc, updates, false, deadline)
            .await
            .summary,
    );

    // Watch fan-out, with the pods still stored.
    let per = args.watchers_per_connection.max(1);
    let watch_conns = client::pool(&target, args.watchers.div_ceil(per)).await?;
    let watch_path = format!("/api/v1/namespaces/{ns_watch}/configmaps");
    let listed = admin(c0, Method::GET, &watch_path, Bytes::new(), &[200]).await?;
    let listed: Value = serde_json::from_slice(&listed).context("list is not JSON")?;
    let rv = listed["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("0")
        .to_string();
    let mut w = watchers::Watchers::open(
        &watch_conns,
        &ns_watch,
        &rv,
        args.watchers,
        args.watch_events,
    );
    let opened = w.wait_ready(Duration::from_secs(60)).await;
    println!("watch: {opened}/{} watchers open", args.watchers);
    report.rss(args, "pods_stored_watchers_open");
    w.write(
        c0,
        &ns_watch,
        Duration::from_millis(args.watch_interval_ms.max(1)),
    )
    .await;
    let left = deadline.saturating_duration_since(Instant::now());
    w.wait_delivered(left.min(Duration::from_secs(60))).await;
    report.rss(args, "after_fanout");
    let mut fanout = w.finish().await;
    [
        fanout.apiserver_cpu_us,
        fanout.etcd_cpu_us,
        fanout.client_cpu_us,
    ] = report.cpu_per_call(fanout.delivered);
    println!("{}", fanout.write.line());
    println!(
        "watch fan-out      watchers={}/{} events={} delivered={}/{} rate={:9.1}/s p50={:7.2}ms p99={:7.2}ms max={:8.2}ms (after ack: p50={:.2}ms p99={:.2}ms) apiserver-cpu={}us/event client-cpu={}us/event",
        fanout.opened, fanout.watchers, fanout.events, fanout.delivered, fanout.expected,
        fanout.deliveries_per_s, fanout.p50_ms, fanout.p99_ms, fanout.max_ms,
        fanout.after_ack_p50_ms, fanout.after_ack_p99_ms,
        fanout.apiserver_cpu_us.map_or("?".to_string(), |us| format!("{us:.1}")),
        fanout.client_cpu_us.map_or("?".to_string(), |us| format!("{us:.1}"))
    );
    report.fanout = Some(fanout);
    drop(watch_conns);

    // Pods: delete, half at each concurrency.
    for (part, c) in [(first, conc), (second, burst)] {
        let deletes = calls(
            &Method::DELETE,
            part.iter()
                .map(|n| (format!("{pods_path}/{n}"), Bytes::new())),
            &[200, 202],
        );
        report.mark();
        let out = load::run("delete pod", &conns, c, deletes, false, deadline).await;
        report.phase(out.summary);
    }
    report.rss(args, "end");

    // Best-effort clean-up for long-lived clusters.
    for ns in [&ns_list, &ns_watch] {
        let path = format!("/api/v1/namespaces/{ns}/configmaps");
        let _ = admin(c0, Method::DELETE, &path, Bytes::new(), &[200]).await;
    }
    for ns in [&ns_pods, &ns_list, &ns_watch] {
        let path = format!("/api/v1/namespaces/{ns}");
        let _ = admin(c0, Method::DELETE, &path, Bytes::new(), &[200, 202]).await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let limit = Duration::from_secs(args.time_limit);
    let deadline = Instant::now() + limit;
    let mut report = Report {
        config: json!({
            "pods": args.pods, "gets": args.gets, "list_objects": args.list_objects,
            "lists": args.lists, "watchers": args.watchers, "watch_events": args.watch_events,
            "connections": args.connections, "concurrency": args.concurrency,
            "burst_concurrency": args.burst_concurrency,
        }),
        pids: [args.apiserver_pid, args.etcd_pid, Some(std::process::id())],
        ..Report::default()
    };
    // Phases stop themselves at the deadline; the timeout is the backstop.
    let outcome = tokio::time::timeout(
        limit + Duration::from_secs(15),
        run(&args, &mut report, deadline),
    )
    .await;
    let mut code = ExitCode::SUCCESS;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            report.note(format!("run failed: {e:#}"));
            code = ExitCode::from(1);
        }
        Err(_) => {
            report.note(format!("hard time limit of {}s reached", args.time_limit));
            code = ExitCode::from(2);
        }
    }
    if Instant::now() >= deadline {
        report.note("some phases were cut short by --time-limit".to_string());
    }
    if report.failed() && code == ExitCode::SUCCESS {
        code = ExitCode::from(1);
    }
    println!("RESULT {}", report.json());
    code
}
