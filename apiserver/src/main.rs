//! kube-apiserver binary: parse flags, set up logging, build the runtime, run.

use apiserver::options::Options;
use clap::Parser;

fn main() -> anyhow::Result<()> {
    let opts = Options::parse();
    opts.logs.init()?;
    let (runtime, workers) = component_base::runtime::build("kube-apiserver")?;
    tracing::info!(workers = workers.count, from = %workers.source, "runtime started");
    runtime.block_on(apiserver::app::run(opts))?;
    Ok(())
}
