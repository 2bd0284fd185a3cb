//! Command-line flags, with upstream kube-apiserver's names, defaults and help text.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use component_base::logs::LogOptions;

/// kube-apiserver's flags.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "kube-apiserver",
    about = "The Kubernetes API server validates and configures data for the api objects which \
             include pods, services, replicationcontrollers, and others. The API Server services \
             REST operations and provides the frontend to the cluster's shared state through \
             which all other components interact.",
    // As with upstream's pflag, a repeated flag takes its last value.
    args_override_self = true
)]
pub struct Options {
    /// The port on which to serve HTTPS with authentication and authorization. It cannot be
    /// switched off with 0.
    #[arg(
        long = "secure-port",
        default_value_t = 6443,
        help_heading = "Secure serving flags"
    )]
    pub secure_port: u16,

    /// The IP address on which to listen for the --secure-port port. The associated
    /// interface(s) must be reachable by the rest of the cluster, and by CLI/web clients. If
    /// blank or an unspecified address (0.0.0.0 or ::), all interfaces and IP address families
    /// will be used.
    #[arg(
        long = "bind-address",
        default_value = "0.0.0.0",
        help_heading = "Secure serving flags"
    )]
    pub bind_address: IpAddr,

    /// The directory where the TLS certs are located. If --tls-cert-file and
    /// --tls-private-key-file are provided, this flag will be ignored.
    #[arg(
        long = "cert-dir",
        default_value = "/var/run/kubernetes",
        help_heading = "Secure serving flags"
    )]
    pub cert_dir: PathBuf,

    /// File containing the default x509 Certificate for HTTPS. (CA cert, if any, concatenated
    /// after server cert). If HTTPS serving is enabled, and --tls-cert-file and
    /// --tls-private-key-file are not provided, a self-signed certificate and key are generated
    /// for the public address and saved to the directory specified by --cert-dir.
    #[arg(long = "tls-cert-file", value_parser = any_path, help_heading = "Secure serving flags")]
    pub tls_cert_file: Option<PathBuf>,

    /// File containing the default x509 private key matching --tls-cert-file.
    #[arg(long = "tls-private-key-file", value_parser = any_path, help_heading = "Secure serving flags")]
    pub tls_private_key_file: Option<PathBuf>,

    /// If set, any request presenting a client certificate signed by one of the authorities in
    /// the client-ca-file is authenticated with an identity corresponding to the CommonName of
    /// the client certificate.
    #[arg(long = "client-ca-file", help_heading = "Authentication flags")]
    pub client_ca_file: Option<PathBuf>,

    /// If set, the file that will be used to secure the secure port of the API server via token
    /// authentication.
    #[arg(long = "token-auth-file", help_heading = "Authentication flags")]
    pub token_auth_file: Option<PathBuf>,

    /// Enables anonymous requests to the secure port of the API server. Requests that are not
    /// rejected by another authentication method are treated as anonymous requests. Anonymous
    /// requests have a username of system:anonymous, and a group name of
    /// system:unauthenticated.
    #[arg(long = "anonymous-auth", default_value_t = true, action = clap::ArgAction::Set,
          help_heading = "Authentication flags")]
    pub anonymous_auth: bool,

    /// List of etcd servers to connect with (scheme://ip:port), comma separated.
    #[arg(
        long = "etcd-servers",
        value_delimiter = ',',
        help_heading = "Etcd flags"
    )]
    pub etcd_servers: Vec<String>,

    /// SSL Certificate Authority file used to secure etcd communication.
    #[arg(long = "etcd-cafile", help_heading = "Etcd flags")]
    pub etcd_cafile: Option<PathBuf>,

    /// SSL certification file used to secure etcd communication.
    #[arg(long = "etcd-certfile", help_heading = "Etcd flags")]
    pub etcd_certfile: Option<PathBuf>,

    /// SSL key file used to secure etcd communication.
    #[arg(long = "etcd-keyfile", help_heading = "Etcd flags")]
    pub etcd_keyfile: Option<PathBuf>,

    /// The prefix to prepend to all resource paths in etcd.
    #[arg(
        long = "etcd-prefix",
        default_value = "/registry",
        help_heading = "Etcd flags"
    )]
    pub etcd_prefix: String,

    /// The interval of compaction requests. If 0, the compaction request from apiserver is
    /// disabled.
    #[arg(
        long = "etcd-compaction-interval",
        default_value = "5m0s",
        value_parser = parse_duration,
        help_heading = "Etcd flags"
    )]
    pub etcd_compaction_interval: std::time::Duration,

    /// A CIDR notation IP range from which to assign service cluster IPs. This must not
    /// overlap with any IP ranges assigned to nodes or pods. Max of two dual-stack CIDRs is
    /// allowed.
    #[arg(long = "service-cluster-ip-range", help_heading = "Misc flags")]
    pub service_cluster_ip_range: Option<String>,

    /// A port range to reserve for services with NodePort visibility.  This must not overlap
    /// with the ephemeral port range on nodes.  Example: '30000-32767'. Inclusive at both ends
    /// of the range.
    #[arg(
        long = "service-node-port-range",
        default_value = "30000-32767",
        help_heading = "Misc flags"
    )]
    pub service_node_port_range: String,

    /// The IP address on which to advertise the apiserver to members of the cluster. This
    /// address must be reachable by the rest of the cluster. If blank, the --bind-address will
    /// be used. If --bind-address is unspecified, the host's default interface will be used.
    #[arg(long = "advertise-address", help_heading = "Generic flags")]
    pub advertise_address: Option<IpAddr>,

    #[command(flatten)]
    pub logs: LogOptions,
}

/// A flag value that does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error("--etcd-servers must be specified")]
    NoEtcdServers,
    #[error("--tls-cert-file and --tls-private-key-file must both be specified")]
    NoServingCert,
    #[error("--etcd-certfile and --etcd-keyfile must be specified together")]
    EtcdClientCertPair,
    #[error(
        "invalid --service-cluster-ip-range {0:?}: expected an IPv4 CIDR such as 10.96.0.0/12"
    )]
    ServiceCidr(String),
    #[error("invalid --service-node-port-range {0:?}: expected <low>-<high> with low <= high")]
    NodePortRange(String),
}

impl Options {
    /// Checks the combinations clap cannot express.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if self.etcd_servers.iter().all(|s| s.trim().is_empty()) {
            return Err(OptionsError::NoEtcdServers);
        }
        let given = |p: &Option<PathBuf>| p.as_ref().is_some_and(|p| !p.as_os_str().is_empty());
        if given(&self.tls_cert_file) != given(&self.tls_private_key_file) {
            return Err(OptionsError::NoServingCert);
        }
        if self.etcd_certfile.is_some() != self.etcd_keyfile.is_some() {
            return Err(OptionsError::EtcdClientCertPair);
        }
        self.node_port_range()?;
        Ok(())
    }

    /// `--tls-cert-file` and `--tls-private-key-file` when both are given. As with upstream's
    /// string flags, an empty value counts as not given; then a self-signed pair in
    /// `--cert-dir` serves instead.
    pub fn serving_cert_files(&self) -> Option<(&Path, &Path)> {
        let cert = self.tls_cert_file.as_deref()?;
        let key = self.tls_private_key_file.as_deref()?;
        (!cert.as_os_str().is_empty() && !key.as_os_str().is_empty()).then_some((cert, key))
    }

    /// `--service-node-port-range` as inclusive bounds.
    pub fn node_port_range(&self) -> Result<(u16, u16), OptionsError> {
        let bad = || OptionsError::NodePortRange(self.service_node_port_range.clone());
        let (lo, hi) = self
            .service_node_port_range
            .split_once('-')
            .ok_or_else(bad)?;
        let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
        let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
        if lo > hi {
            return Err(bad());
        }
        Ok((lo, hi))
    }

    /// The address clients are told to use: `--advertise-address`, else a specified
    /// `--bind-address`, else loopback.
    pub fn advertised_address(&self) -> IpAddr {
        self.advertise_address
            .unwrap_or(if self.bind_address.is_unspecified() {
                IpAddr::from([127, 0, 0, 1])
            } else {
                self.bind_address
            })
    }
}

/// A path flag that, like upstream's string flags, may be given empty.
fn any_path(text: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(text))
}

/// Parses a Go duration (`5m0s`, `1h30m`, `300ms`, `0`), as upstream's duration flags take.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("invalid duration {text:?}");
    if text == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    let mut rest = text;
    let mut nanos: u128 = 0;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(bad)?;
        let number: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale: f64 = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        nanos += (number * scale) as u128;
    }
    u64::try_from(nanos)
        .map(std::time::Duration::from_nanos)
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        let mut argv = vec!["kube-apiserver"];
        argv.extend_from_slice(args);
        Options::try_parse_from(argv).unwrap()
    }

    #[test]
    fn upstream_defaults() {
        let o = parse(&[]);
        assert_eq!(o.secure_port, 6443);
        assert_eq!(o.bind_address.to_string(), "0.0.0.0");
        assert_eq!(o.etcd_prefix, "/registry");
        assert_eq!(o.etcd_compaction_interval.as_secs(), 300);
        assert_eq!(o.node_port_range().unwrap(), (30000, 32767));
        assert!(o.anonymous_auth);
        assert!(matches!(o.validate(), Err(OptionsError::NoEtcdServers)));
    }

    #[test]
    fn parses_lists_and_validates() {
        let o = parse(&[
            "--etcd-servers=http://127.0.0.1:2379,https://10.0.0.1:2379",
            "--tls-cert-file",
            "/c.pem",
            "--tls-private-key-file=/k.pem",
            "--secure-port=7443",
            "--anonymous-auth=false",
            "-v=4",
        ]);
        assert_eq!(o.etcd_servers.len(), 2);
        assert_eq!(o.secure_port, 7443);
        assert!(!o.anonymous_auth);
        assert_eq!(o.logs.verbosity, 4);
        o.validate().unwrap();
        let bad = parse(&[
            "--etcd-servers=http://x:1",
            "--tls-cert-file=/c",
            "--tls-private-key-file=/k",
            "--service-node-port-range=9-3",
        ]);
        assert!(matches!(
            bad.validate(),
            Err(OptionsError::NodePortRange(_))
        ));
    }

    #[test]
    fn serving_cert_flags() {
        let o = parse(&["--etcd-servers=http://x:1"]);
        assert_eq!(o.cert_dir, PathBuf::from("/var/run/kubernetes"));
        assert!(o.serving_cert_files().is_none());
        o.validate().unwrap();
        let o = parse(&[
            "--etcd-servers=http://x:1",
            "--tls-cert-file=/c",
            "--tls-private-key-file=/k",
            "--cert-dir=/tmp/certs",
        ]);
        assert_eq!(
            o.serving_cert_files(),
            Some((Path::new("/c"), Path::new("/k")))
        );
        assert_eq!(o.cert_dir, PathBuf::from("/tmp/certs"));
        // Emptied again by later flags: not given.
        let o = parse(&[
            "--etcd-servers=http://x:1",
            "--tls-cert-file=/c",
            "--tls-private-key-file=/k",
            "--tls-cert-file=",
            "--tls-private-key-file=",
        ]);
        assert!(o.serving_cert_files().is_none());
        o.validate().unwrap();
        let half = parse(&["--etcd-servers=http://x:1", "--tls-cert-file=/c"]);
        assert!(matches!(half.validate(), Err(OptionsError::NoServingCert)));
    }

    #[test]
    fn go_durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("5m0s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "5", "5x", "m", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        let o = parse(&["--etcd-compaction-interval=0"]);
        assert!(o.etcd_compaction_interval.is_zero());
        // pflag: a repeated scalar flag takes its last value, a repeated list flag appends.
        let o = parse(&[
            "--secure-port=1",
            "--secure-port=2",
            "--etcd-servers=http://a:1",
            "--etcd-servers=http://b:1,http://c:1",
        ]);
        assert_eq!(o.secure_port, 2);
        assert_eq!(o.etcd_servers, ["http://a:1", "http://b:1", "http://c:1"]);
    }
}
