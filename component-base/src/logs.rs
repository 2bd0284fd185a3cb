//! Logging set-up with upstream's `-v`/`--v` verbosity flag, on `tracing`.
//!
//! klog's verbosity levels map onto tracing levels: `0`–`2` log INFO and above (upstream's
//! steady-state messages live at V(2)), `3`–`4` add DEBUG, `5` and above add TRACE. `RUST_LOG`,
//! when set, overrides the level with a full `tracing` filter.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};
use tracing_subscriber::{fmt, EnvFilter};

/// Logging flags every daemon flattens into its command line.
#[derive(Args, Clone, Debug)]
#[command(next_help_heading = "Logs flags")]
pub struct LogOptions {
    /// number for the log level verbosity
    #[arg(short = 'v', long = "v", value_name = "Level", default_value_t = 0)]
    pub verbosity: u8,

    /// Sets the log format. Permitted formats: "json", "text".
    #[arg(long = "logging-format", value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("invalid RUST_LOG filter: {0}")]
    Filter(#[from] tracing_subscriber::filter::ParseError),
    #[error("a global logger is already installed")]
    AlreadyInstalled,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            verbosity: 0,
            format: LogFormat::Text,
        }
    }
}

impl LogOptions {
    /// The tracing level a klog verbosity stands for.
    pub fn level(&self) -> tracing::Level {
        match self.verbosity {
            0..=2 => tracing::Level::INFO,
            3..=4 => tracing::Level::DEBUG,
            _ => tracing::Level::TRACE,
        }
    }

    /// The filter to install: `RUST_LOG` if set, else the level from `-v`.
    pub fn filter(&self) -> Result<EnvFilter, LogError> {
        match std::env::var("RUST_LOG") {
            Ok(directives) if !directives.trim().is_empty() => Ok(EnvFilter::try_new(directives)?),
            _ => Ok(EnvFilter::new(self.level().as_str())),
        }
    }

    /// Installs the process-wide subscriber, writing structured logs to stderr.
    pub fn init(&self) -> Result<(), LogError> {
        let filter = self.filter()?;
        // Colours only for a terminal: journald and log files get plain text.
        let builder = fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal());
        let installed = match self.format {
            LogFormat::Text => builder.try_init(),
            LogFormat::Json => builder.json().flatten_event(true).try_init(),
        };
        installed.map_err(|_| LogError::AlreadyInstalled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        logs: LogOptions,
    }

    fn parse(args: &[&str]) -> Result<LogOptions, clap::Error> {
        let mut argv = vec!["daemon"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).map(|c| c.logs)
    }

    #[test]
    fn accepts_upstream_verbosity_spellings() {
        for args in [&["-v=4"][..], &["--v=4"], &["-v", "4"], &["--v", "4"]] {
            assert_eq!(parse(args).unwrap().verbosity, 4, "{args:?}");
        }
        assert_eq!(parse(&[]).unwrap().verbosity, 0);
    }

    #[test]
    fn verbosity_maps_to_levels() {
        let at = |v| {
            LogOptions {
                verbosity: v,
                ..Default::default()
            }
            .level()
        };
        assert_eq!(at(0), tracing::Level::INFO);
        assert_eq!(at(2), tracing::Level::INFO);
        assert_eq!(at(3), tracing::Level::DEBUG);
        assert_eq!(at(4), tracing::Level::DEBUG);
        assert_eq!(at(5), tracing::Level::TRACE);
        assert_eq!(at(10), tracing::Level::TRACE);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(parse(&["-v=high"]).is_err());
        assert!(parse(&["--logging-format=xml"]).is_err());
        assert_eq!(
            parse(&["--logging-format=json"]).unwrap().format,
            LogFormat::Json
        );
    }
}
