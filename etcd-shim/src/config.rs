//! Command-line flags, named and described as etcd's where they apply.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "etcd-shim",
    version,
    about = "A single-member etcd v3 API server on an embedded durable log"
)]
pub struct Config {
    /// Human-readable name for this member.
    #[arg(long, default_value = "default")]
    pub name: String,

    /// Path to the data directory.
    #[arg(long = "data-dir")]
    pub data_dir: Option<PathBuf>,

    /// List of URLs to listen on for client traffic (http://, https://, unix://).
    #[arg(
        long = "listen-client-urls",
        default_value = "http://localhost:2379",
        value_delimiter = ','
    )]
    pub listen_client_urls: Vec<String>,

    /// List of this member's client URLs to advertise to the public.
    #[arg(
        long = "advertise-client-urls",
        default_value = "http://localhost:2379",
        value_delimiter = ','
    )]
    pub advertise_client_urls: Vec<String>,

    /// List of this member's peer URLs to advertise to the rest of the cluster.
    #[arg(
        long = "initial-advertise-peer-urls",
        default_value = "http://localhost:2380",
        value_delimiter = ','
    )]
    pub initial_advertise_peer_urls: Vec<String>,

    /// Path to the client server TLS cert file.
    #[arg(long = "cert-file")]
    pub cert_file: Option<PathBuf>,

    /// Path to the client server TLS key file.
    #[arg(long = "key-file")]
    pub key_file: Option<PathBuf>,

    /// Path to the client server TLS trusted CA cert file.
    #[arg(long = "trusted-ca-file")]
    pub trusted_ca_file: Option<PathBuf>,

    /// Enable client cert authentication.
    #[arg(
        long = "client-cert-auth",
        num_args = 0..=1,
        default_value_t = false,
        default_missing_value = "true",
        action = clap::ArgAction::Set
    )]
    pub client_cert_auth: bool,

    /// Interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for
    /// duration based retention, defaulting to hours if no time unit is provided (e.g.
    /// '5m'). 'revision' for revision number based retention.
    #[arg(long = "auto-compaction-mode", default_value = "periodic")]
    pub auto_compaction_mode: String,

    /// Auto compaction retention for mvcc key value store. 0 means disable auto compaction.
    #[arg(long = "auto-compaction-retention", default_value = "0")]
    pub auto_compaction_retention: String,

    /// Raise alarms when backend size exceeds the given quota. 0 means use the default
    /// quota.
    #[arg(long = "quota-backend-bytes", default_value_t = 0)]
    pub quota_backend_bytes: i64,

    /// Maximum client request size in bytes the server will accept.
    #[arg(long = "max-request-bytes", default_value_t = 1536 * 1024)]
    pub max_request_bytes: usize,

    /// Maximum number of operations permitted in a transaction.
    #[arg(long = "max-txn-ops", default_value_t = 128)]
    pub max_txn_ops: usize,

    /// After a compaction, rewrite the log as a snapshot once it is at least this many bytes
    /// (etcd-shim only).
    #[arg(long = "log-rewrite-min-bytes", default_value_t = 16 << 20)]
    pub log_rewrite_min_bytes: u64,

    /// Duration of periodic watch progress notifications.
    #[arg(
        long = "experimental-watch-progress-notify-interval",
        default_value = "10m",
        value_parser = parse_duration
    )]
    pub watch_progress_notify_interval: Duration,

    /// Log level (error, warn, info, debug).
    #[arg(long = "log-level", default_value = "info")]
    pub log_level: String,

    /// etcd flags that have no meaning for a single member without raft; accepted so that
    /// an etcd command line (e.g. a kubeadm manifest) starts the shim unchanged.
    #[command(flatten)]
    pub ignored: Ignored,
}

/// Accepted and ignored etcd flags (clustering, peer TLS, raft tuning, metrics listener).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Ignored {
    /// Ignored: there are no peers.
    #[arg(long = "listen-peer-urls")]
    pub listen_peer_urls: Option<String>,
    /// Ignored: the cluster is this member.
    #[arg(long = "initial-cluster")]
    pub initial_cluster: Option<String>,
    /// Ignored: the cluster is this member.
    #[arg(long = "initial-cluster-state")]
    pub initial_cluster_state: Option<String>,
    /// Ignored: the cluster is this member.
    #[arg(long = "initial-cluster-token")]
    pub initial_cluster_token: Option<String>,
    /// Ignored: there are no peers.
    #[arg(long = "peer-cert-file")]
    pub peer_cert_file: Option<String>,
    /// Ignored: there are no peers.
    #[arg(long = "peer-key-file")]
    pub peer_key_file: Option<String>,
    /// Ignored: there are no peers.
    #[arg(long = "peer-trusted-ca-file")]
    pub peer_trusted_ca_file: Option<String>,
    /// Ignored: there are no peers.
    #[arg(long = "peer-client-cert-auth", num_args = 0..=1, default_missing_value = "true")]
    pub peer_client_cert_auth: Option<String>,
    /// Ignored: there is no raft log to snapshot.
    #[arg(long = "snapshot-count")]
    pub snapshot_count: Option<String>,
    /// Ignored: there is no raft.
    #[arg(long = "heartbeat-interval")]
    pub heartbeat_interval: Option<String>,
    /// Ignored: there is no raft.
    #[arg(long = "election-timeout")]
    pub election_timeout: Option<String>,
    /// Ignored: the log is checked at every start.
    #[arg(
        long = "experimental-initial-corrupt-check",
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub initial_corrupt_check: Option<String>,
    /// Ignored for now: metrics are served by the component's own endpoint.
    #[arg(long = "listen-metrics-urls")]
    pub listen_metrics_urls: Option<String>,
    /// Ignored: logs go to stderr.
    #[arg(long = "logger")]
    pub logger: Option<String>,
    /// Ignored: logs go to stderr.
    #[arg(long = "log-outputs")]
    pub log_outputs: Option<String>,
}

impl Config {
    /// etcd's default data directory is `${name}.etcd`.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.etcd", self.name)))
    }
}

/// Parses Go-style durations: `500ms`, `10s`, `5m`, `1h`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("invalid duration unit in {s:?}")),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("invalid duration {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn etcd_flag_names() {
        let c = Config::try_parse_from([
            "etcd-shim",
            "--data-dir",
            "/tmp/x",
            "--listen-client-urls",
            "http://127.0.0.1:1,unix:///tmp/s",
            "--auto-compaction-mode",
            "revision",
            "--auto-compaction-retention",
            "100",
            "--quota-backend-bytes",
            "1000",
            "--client-cert-auth",
        ])
        .unwrap();
        assert_eq!(c.listen_client_urls.len(), 2);
        // A kubeadm-style etcd command line is accepted as is.
        let k = Config::try_parse_from([
            "etcd-shim",
            "--name=node1",
            "--listen-peer-urls=https://10.0.0.1:2380",
            "--initial-cluster=node1=https://10.0.0.1:2380",
            "--peer-client-cert-auth=true",
            "--snapshot-count=10000",
            "--experimental-initial-corrupt-check=true",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--client-cert-auth=true",
        ])
        .unwrap();
        assert_eq!(k.name, "node1");
        assert!(k.client_cert_auth);
        assert_eq!(c.data_dir(), PathBuf::from("/tmp/x"));
        assert!(c.client_cert_auth);
    }
}
