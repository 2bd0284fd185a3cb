//! `etcd-shim`: flags → config → run.

use std::io::IsTerminal;

use clap::Parser;
use component_base::signals::Shutdown;
use etcd_shim::config::Config;

fn main() -> std::process::ExitCode {
    let cfg = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cfg.log_level)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let rt = match component_base::runtime::build("etcd-shim") {
        Ok((rt, workers)) => {
            tracing::info!(workers = workers.count, from = %workers.source, "runtime started");
            rt
        }
        Err(e) => {
            eprintln!("etcd-shim: cannot start runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let served = rt.block_on(async {
        let shutdown =
            Shutdown::on_signals().map_err(|e| format!("cannot install signal handlers: {e}"))?;
        etcd_shim::run::run(cfg, async move { shutdown.wait().await })
            .await
            .map_err(|e| e.to_string())
    });
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("etcd-shim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
