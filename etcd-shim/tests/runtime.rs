//! The shim sizes its runtime as every kubeoxide daemon does (component-base's `runtime`):
//! `TOKIO_WORKER_THREADS`, else `GOMAXPROCS`, else half the CPUs.

mod common;

use common::{Kind, Server};

/// Threads of `pid` named as the runtime's threads (the kernel keeps 15 bytes of a name).
/// Workers start with the runtime; blocking-pool threads, which share the name, come later
/// and only when a task needs one, so an idle, fresh shim has at least its workers.
fn runtime_threads(pid: u32) -> usize {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("process is running");
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.trim_end() == "etcd-shim-worke")
        .count()
}

/// The runtime line the shim logs at start, once it is ready.
async fn started_with(env: &[(&str, &str)]) -> (String, usize) {
    let shim = Server::start_with_env(Kind::Shim, &["--log-level", "info"], env);
    let mut client = shim.client().await;
    client.put("k", "v", None).await.expect("put");
    let line = shim
        .log()
        .lines()
        .find(|l| l.contains("runtime started"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no runtime line in the log:\n{}", shim.log()));
    (line, runtime_threads(shim.pid()))
}

#[tokio::test]
async fn worker_threads_follow_tokio_worker_threads_then_gomaxprocs() {
    let (line, threads) = started_with(&[("GOMAXPROCS", "3")]).await;
    assert!(
        line.contains("workers=3") && line.contains("from=GOMAXPROCS"),
        "{line}"
    );
    assert!(threads >= 3, "{threads} runtime threads");

    let (line, _) = started_with(&[("GOMAXPROCS", "3"), ("TOKIO_WORKER_THREADS", "1")]).await;
    assert!(
        line.contains("workers=1") && line.contains("from=TOKIO_WORKER_THREADS"),
        "{line}"
    );

    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (line, _) = started_with(&[]).await;
    let want = format!("workers={} from=half of {cpus} CPUs", cpus.div_ceil(2));
    assert!(line.contains(&want), "{line} (want {want})");
}
