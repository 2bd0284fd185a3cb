//! kube-apiserver binary: parse flags, set up logging, run.

use apiserver::options::Options;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = Options::parse();
    opts.logs.init()?;
    apiserver::app::run(opts).await?;
    Ok(())
}
