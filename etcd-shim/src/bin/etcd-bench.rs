//! `etcd-bench`: the shim vs real etcd (fsync on for both) on the lines of the issue:
//! sequential put p50/p99, put throughput with 1 and 64 clients, a 10k-key prefix range,
//! watch fan-out to 1,000 watchers and RSS after 100k keys. Starts both servers itself on
//! loopback ports (etcd from PATH, etcd-shim next to this binary) in temporary directories.
//! Build with `--release`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use etcd_client::{Client, GetOptions};

struct Proc {
    child: Child,
    endpoint: String,
    _dir: PathBuf,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn start(kind: &str) -> Result<Proc, Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("etcd-bench-{kind}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    let data = dir.join("data");
    let mut cmd = if kind == "etcd" {
        let peer = format!("http://127.0.0.1:{}", free_port()?);
        let mut c = Command::new("etcd");
        c.args(["--name", "b", "--log-level", "error"])
            .args([
                "--listen-peer-urls",
                &peer,
                "--initial-advertise-peer-urls",
                &peer,
            ])
            .args(["--initial-cluster", &format!("b={peer}")]);
        c
    } else {
        let exe = std::env::current_exe()?;
        let shim = exe.with_file_name("etcd-shim");
        let mut c = Command::new(shim);
        c.args(["--log-level", "warn"]);
        c
    };
    cmd.arg("--data-dir")
        .arg(&data)
        .args([
            "--listen-client-urls",
            &url,
            "--advertise-client-urls",
            &url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Ok(Proc {
        child: cmd.spawn()?,
        endpoint: format!("127.0.0.1:{port}"),
        _dir: dir,
    })
}

async fn connect(ep: &str) -> Result<Client, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut c) = Client::connect([ep], None).await {
            if c.status().await.is_ok() {
                return Ok(c);
            }
        }
        if Instant::now() > deadline {
            return Err(format!("{ep} did not start").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn pct(v: &mut [Duration], q: f64) -> f64 {
    v.sort();
    v[((v.len() as f64 * q) as usize).min(v.len() - 1)].as_secs_f64() * 1e3
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// Puts `n` keys `prefix{i}` from `clients` concurrent clients; returns writes/s.
async fn load(c: &Client, clients: usize, n: usize, prefix: &str, value: &[u8]) -> f64 {
    let t = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let mut c = c.clone();
        let next = next.clone();
        let (prefix, value) = (prefix.to_string(), value.to_vec());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let _ = c.put(format!("{prefix}{i:08}"), value.clone(), None).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    n as f64 / t.elapsed().as_secs_f64()
}

async fn bench(kind: &str) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let p = start(kind)?;
    let mut c = connect(&p.endpoint).await?;
    let mut out = Vec::new();
    let value = vec![b'v'; 256];

    let mut lat = Vec::new();
    let t = Instant::now();
    for i in 0..1000 {
        let s = Instant::now();
        c.put(format!("/seq/{i:08}"), value.clone(), None).await?;
        lat.push(s.elapsed());
    }
    let one = 1000.0 / t.elapsed().as_secs_f64();
    out.push((
        "sequential put p50 (ms)".into(),
        format!("{:.2}", pct(&mut lat, 0.5)),
    ));
    out.push((
        "sequential put p99 (ms)".into(),
        format!("{:.2}", pct(&mut lat, 0.99)),
    ));
    out.push(("put throughput, 1 client (/s)".into(), format!("{one:.0}")));
    let many = load(&c, 64, 20_000, "/many/", &value).await;
    out.push((
        "put throughput, 64 clients (/s)".into(),
        format!("{many:.0}"),
    ));

    load(&c, 64, 10_000, "/range/", &value).await;
    let mut lat = Vec::new();
    for _ in 0..20 {
        let s = Instant::now();
        let r = c
            .get("/range/", Some(GetOptions::new().with_prefix()))
            .await?;
        lat.push(s.elapsed());
        if r.kvs().len() != 10_000 {
            return Err(format!("range returned {} keys", r.kvs().len()).into());
        }
    }
    out.push((
        "10k-key prefix range p50 (ms)".into(),
        format!("{:.1}", pct(&mut lat, 0.5)),
    ));

    // Watch fan-out: 1,000 watchers of one prefix. First 100 puts back to back (events/s
    // until every watcher has every event), then single puts one at a time: the time until
    // the last of the 1,000 watchers has seen each one.
    const WATCHERS: usize = 1000;
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let mut watchers = Vec::with_capacity(WATCHERS);
    for _ in 0..WATCHERS {
        let mut ws = c
            .watch(
                "/fan/",
                Some(etcd_client::WatchOptions::new().with_prefix()),
            )
            .await?;
        ws.message().await?; // created
        let seen_tx = seen_tx.clone();
        watchers.push(tokio::spawn(async move {
            while let Ok(Some(m)) = ws.message().await {
                let at = Instant::now();
                for _ in m.events() {
                    if seen_tx.send(at).is_err() {
                        return;
                    }
                }
            }
        }));
    }
    // Waits for `n` deliveries; the time of the last one, or an error if they stop coming.
    async fn deliveries(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<Instant>,
        n: usize,
    ) -> Result<Instant, String> {
        let mut last = Instant::now();
        for got in 0..n {
            match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
                Ok(Some(at)) => last = last.max(at),
                _ => return Err(format!("watchers stopped after {got} of {n} events")),
            }
        }
        Ok(last)
    }
    let t = Instant::now();
    for i in 0..100 {
        c.put(format!("/fan/burst/{i:03}"), value.clone(), None)
            .await?;
    }
    let last = deliveries(&mut seen_rx, 100 * WATCHERS).await?;
    let events_per_sec = (100 * WATCHERS) as f64 / (last - t).as_secs_f64();
    let mut lat = Vec::new();
    for i in 0..20 {
        let t0 = Instant::now();
        c.put(format!("/fan/single/{i:03}"), value.clone(), None)
            .await?;
        let last = deliveries(&mut seen_rx, WATCHERS).await?;
        lat.push(last.saturating_duration_since(t0));
    }
    for w in &watchers {
        w.abort();
    }
    out.push((
        "watch fan-out, 1000 watchers x 100 puts (events/s)".into(),
        format!("{events_per_sec:.0}"),
    ));
    out.push((
        "watch fan-out, put until all 1000 watchers saw it p50 (ms)".into(),
        format!("{:.2}", pct(&mut lat, 0.5)),
    ));

    let total = 1000 + 20_000 + 10_000 + 100 + 20; // keys written above
    load(&c, 64, 100_000 - total, "/fill/", &value).await;
    out.push((
        "RSS after 100k keys (MiB)".into(),
        format!("{:.1}", rss_kib(p.child.id()) as f64 / 1024.0),
    ));
    Ok(out)
}

/// Runs the same workload against real etcd 3.4 and etcd-shim and prints both side by side.
#[derive(clap::Parser)]
#[command(
    name = "etcd-bench",
    version,
    about = "Benchmarks etcd-shim against real etcd 3.4 (fsync on for both), same workload, one run"
)]
struct Cli {
    /// Benchmark only etcd-shim (no reference run).
    #[arg(long, env = "ETCD_BENCH_SHIM_ONLY")]
    shim_only: bool,
}

/// How much better the shim is than etcd on one line (> 1 means the shim wins): throughput
/// lines (`/s`) are better higher, latency and memory lines better lower.
fn advantage(name: &str, etcd: &str, shim: &str) -> Option<f64> {
    let (e, s): (f64, f64) = (etcd.parse().ok()?, shim.parse().ok()?);
    if e <= 0.0 || s <= 0.0 {
        return None;
    }
    Some(if name.contains("/s)") { s / e } else { e / s })
}

/// The mean of two runs' figures, line by line (a line that does not parse keeps the first).
fn mean_of(a: &[(String, String)], b: &[(String, String)]) -> Vec<(String, String)> {
    a.iter()
        .zip(b)
        .map(|((name, x), (_, y))| {
            let mean = match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(xv), Ok(yv)) => {
                    let decimals = x.split('.').nth(1).map_or(0, str::len);
                    format!("{:.*}", decimals, (xv + yv) / 2.0)
                }
                _ => x.clone(),
            };
            (name.clone(), mean)
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cli = <Cli as clap::Parser>::parse();
    if cli.shim_only {
        for (name, s) in &bench("shim").await? {
            println!("| {name} | {s} |");
        }
        return Ok(());
    }
    // Runs in the order shim, etcd, etcd, shim and averages each side's two runs, so load
    // that drifts during the benchmark falls on both sides alike.
    let shim_first = bench("shim").await?;
    let etcd_first = bench("etcd").await?;
    let etcd_second = bench("etcd").await?;
    let shim_second = bench("shim").await?;
    let shim = mean_of(&shim_first, &shim_second);
    let etcd = mean_of(&etcd_first, &etcd_second);
    println!(
        "| benchmark (mean of 2 runs each, ABBA order) | etcd 3.4 | etcd-shim | shim advantage |"
    );
    println!("|---|---|---|---|");
    for ((name, e), (_, s)) in etcd.iter().zip(&shim) {
        let ratio = advantage(name, e, s).map_or_else(|| "-".to_string(), |r| format!("{r:.2}x"));
        println!("| {name} | {e} | {s} | {ratio} |");
    }
    Ok(())
}
