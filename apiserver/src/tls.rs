//! Serving TLS: the server certificate and key, and client certificates. As upstream, the
//! handshake only asks for a client certificate (checking that the client holds its key);
//! whether the chain leads to `--client-ca-file` is the x509 authenticator's question, so a
//! certificate from another CA gets 401 Unauthorized rather than a failed handshake.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("reading {what} from {path}: {message}")]
    Pem {
        what: &'static str,
        path: String,
        message: String,
    },
    #[error("no certificate found in {0}")]
    NoCertificate(String),
    #[error("invalid client CA bundle {path}: {message}")]
    ClientCa { path: String, message: String },
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
    #[error("unable to generate self signed cert: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("writing {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Every certificate of a PEM file.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Pem {
            what: "certificates",
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(path.display().to_string()));
    }
    Ok(certs)
}

/// The private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| TlsError::Pem {
        what: "private key",
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Requests client certificates and checks the handshake signatures, but leaves the chain
/// check to authentication (see [`ClientCa`]).
#[derive(Debug)]
struct DeferredClientVerifier {
    inner: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for DeferredClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The `--client-ca-file` bundle, checking client chains for the x509 authenticator.
#[derive(Debug, Clone)]
pub struct ClientCa {
    verifier: Arc<dyn ClientCertVerifier>,
    /// How many chains were checked: the signature math is costly, so tests assert that
    /// a connection's chain is checked once, not on every request.
    verifications: Arc<std::sync::atomic::AtomicU64>,
}

impl ClientCa {
    /// Loads the CA bundle.
    pub fn load(path: &Path) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        for c in load_certs(path)? {
            roots.add(c).map_err(|e| TlsError::ClientCa {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        }
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .allow_unauthenticated()
            .build()
            .map_err(|e| TlsError::ClientCa {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        Ok(ClientCa {
            verifier,
            verifications: Arc::default(),
        })
    }

    /// Whether `chain` (leaf first) leads to one of the CAs and may be used for client auth.
    pub fn verify(&self, chain: &[CertificateDer<'static>]) -> Result<(), String> {
        let (leaf, intermediates) = chain.split_first().ok_or("no certificate")?;
        self.verifications
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.verifier
            .verify_client_cert(leaf, intermediates, UnixTime::now())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// How many chains [`ClientCa::verify`] has checked so far.
    pub fn verifications(&self) -> u64 {
        self.verifications
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The rustls server configuration: HTTP/2 and HTTP/1.1 by ALPN, client certificates
/// requested when `client_ca` is given (and checked by authentication).
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&ClientCa>,
) -> Result<ServerConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match client_ca {
        Some(ca) => builder.with_client_cert_verifier(Arc::new(DeferredClientVerifier {
            inner: ca.verifier.clone(),
        })),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(load_certs(cert)?, load_key(key)?)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The names a generated serving certificate is valid for, as upstream's
/// `MaybeDefaultWithSelfSignedCerts` picks them.
#[derive(Debug, Clone)]
pub struct ServingNames {
    /// `--advertise-address`: the subject and first SAN.
    pub public_address: IpAddr,
    /// `--bind-address`: a SAN unless unspecified (then `localhost` is).
    pub bind_address: IpAddr,
    /// The `kubernetes` service's IP (first of `--service-cluster-ip-range`).
    pub service_ip: Option<IpAddr>,
}

impl ServingNames {
    /// IP and DNS subject alternative names, in upstream's order, without duplicates. Besides
    /// upstream's, `localhost` and `127.0.0.1` are always included so that local clients can
    /// verify the certificate whatever the bind address.
    pub fn alt_names(&self) -> (Vec<IpAddr>, Vec<String>) {
        let mut ips = vec![self.public_address];
        ips.extend(self.service_ip);
        if !self.bind_address.is_unspecified() {
            ips.push(self.bind_address);
        }
        ips.push(IpAddr::from([127, 0, 0, 1]));
        let mut dns: Vec<String> = ["kubernetes.default.svc", "kubernetes.default", "kubernetes"]
            .map(String::from)
            .to_vec();
        dns.push("localhost".to_string());
        let mut seen = Vec::new();
        ips.retain(|ip| {
            let new = !seen.contains(ip);
            seen.push(*ip);
            new
        });
        (ips, dns)
    }
}

/// The pair upstream writes in `--cert-dir`: `apiserver.crt` and `apiserver.key`.
pub fn self_signed_paths(cert_dir: &Path) -> (PathBuf, PathBuf) {
    (
        cert_dir.join("apiserver.crt"),
        cert_dir.join("apiserver.key"),
    )
}

/// Without `--tls-cert-file`/`--tls-private-key-file`: reuses `apiserver.crt`/`.key` in
/// `cert_dir` when they load and the certificate has not expired, else generates a
/// self-signed CA and a serving certificate signed by it (valid for a year from an hour
/// ago) and writes them there (certificate then CA in the `.crt`, mode 0644; key 0600).
pub fn ensure_self_signed(
    cert_dir: &Path,
    names: &ServingNames,
) -> Result<(PathBuf, PathBuf), TlsError> {
    let (cert, key) = self_signed_paths(cert_dir);
    let now = now_seconds();
    if usable(&cert, &key, now) {
        tracing::info!(cert = %cert.display(), key = %key.display(), "using existing self-signed serving certificate");
        return Ok((cert, key));
    }
    let (cert_pem, key_pem) = generate_self_signed(names, now)?;
    write_file(cert_dir, &cert, &cert_pem, 0o644)?;
    write_file(cert_dir, &key, &key_pem, 0o600)?;
    tracing::info!(cert = %cert.display(), key = %key.display(), "Generated self-signed cert");
    Ok((cert, key))
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Whether a written pair can serve: both parse, the key fits the certificate and the
/// certificate is within its validity period.
fn usable(cert: &Path, key: &Path, now: i64) -> bool {
    let Ok(certs) = load_certs(cert) else {
        return false;
    };
    if server_config(cert, key, None).is_err() {
        return false;
    }
    certs.first().is_some_and(|leaf| {
        x509_parser::parse_x509_certificate(leaf.as_ref()).is_ok_and(|(_, c)| {
            let v = c.validity();
            v.not_before.timestamp() <= now && now < v.not_after.timestamp()
        })
    })
}

/// Creates `dir` (0755) and writes `path` with `mode`.
fn write_file(dir: &Path, path: &Path, text: &str, mode: u32) -> Result<(), TlsError> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let err = |source| TlsError::Write {
        path: path.display().to_string(),
        source,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(err)?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .map_err(err)?;
    // An existing file keeps its mode on open: set it.
    f.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(err)?;
    f.write_all(text.as_bytes()).map_err(err)
}

/// Sets a certificate's validity to `[from, until)` (seconds since the epoch, UTC).
fn set_validity(params: &mut rcgen::CertificateParams, from: i64, until: i64) {
    let at = |seconds: i64| {
        let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
        rcgen::date_time_ymd(y, m, d)
            + std::time::Duration::from_secs(seconds.rem_euclid(86_400).unsigned_abs())
    };
    params.not_before = at(from);
    params.not_after = at(until);
}

/// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// Upstream's `GenerateSelfSignedCertKey`: a CA named `<host>-ca@<unix time>` and a serving
/// certificate `<host>@<unix time>` signed by it, both valid from an hour ago for a year.
/// ECDSA P-256 keys (upstream uses RSA 2048; `rcgen` with `ring` cannot make RSA keys).
/// Returns the certificate PEM (leaf, then CA) and the key PEM.
pub fn generate_self_signed(names: &ServingNames, now: i64) -> Result<(String, String), TlsError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose, SanType,
    };
    let host = names.public_address.to_string();
    let (from, until) = (now - 3600, now - 3600 + 365 * 24 * 3600);

    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = rcgen::DistinguishedName::new();
    ca.distinguished_name
        .push(DnType::CommonName, format!("{host}-ca@{now}"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    set_validity(&mut ca, from, until);
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate()?;
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name = rcgen::DistinguishedName::new();
    leaf.distinguished_name
        .push(DnType::CommonName, format!("{host}@{now}"));
    leaf.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    set_validity(&mut leaf, from, until);
    let (ips, dns) = names.alt_names();
    leaf.subject_alt_names = ips.into_iter().map(SanType::IpAddress).collect();
    for name in dns {
        leaf.subject_alt_names
            .push(SanType::DnsName(name.try_into()?));
    }
    let cert = leaf.signed_by(&key, &issuer)?;
    Ok((
        format!("{}{}", cert.pem(), ca_cert.pem()),
        key.serialize_pem(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> ServingNames {
        ServingNames {
            public_address: IpAddr::from([192, 168, 1, 10]),
            bind_address: IpAddr::from([0, 0, 0, 0]),
            service_ip: Some(IpAddr::from([10, 96, 0, 1])),
        }
    }

    #[test]
    fn alt_names_like_upstream_plus_loopback() {
        let (ips, dns) = names().alt_names();
        let ips: Vec<String> = ips.iter().map(ToString::to_string).collect();
        assert_eq!(ips, ["192.168.1.10", "10.96.0.1", "127.0.0.1"]);
        assert_eq!(
            dns,
            [
                "kubernetes.default.svc",
                "kubernetes.default",
                "kubernetes",
                "localhost"
            ]
        );
        let bound = ServingNames {
            public_address: IpAddr::from([127, 0, 0, 1]),
            bind_address: IpAddr::from([127, 0, 0, 1]),
            service_ip: None,
        };
        assert_eq!(bound.alt_names().0, [IpAddr::from([127, 0, 0, 1])]);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn generated_certificate_is_a_signed_serving_cert() {
        use rustls::client::danger::ServerCertVerifier;
        let now = 1_700_000_000;
        let (cert_pem, key_pem) = generate_self_signed(&names(), now).unwrap();
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(cert_pem.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
        assert_eq!(certs.len(), 2, "leaf then CA");
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
        let (_, leaf) = x509_parser::parse_x509_certificate(certs[0].as_ref()).unwrap();
        let (_, ca) = x509_parser::parse_x509_certificate(certs[1].as_ref()).unwrap();
        assert_eq!(leaf.subject().to_string(), format!("CN=192.168.1.10@{now}"));
        assert_eq!(
            ca.subject().to_string(),
            format!("CN=192.168.1.10-ca@{now}")
        );
        assert_eq!(leaf.issuer(), ca.subject());
        assert!(ca.is_ca());
        assert!(!leaf.is_ca());
        // A client trusting the CA accepts the leaf for each of the names.
        let mut roots = RootCertStore::empty();
        roots.add(certs[1].clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        let when = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_700_000_000));
        for name in [
            "localhost",
            "kubernetes.default.svc",
            "127.0.0.1",
            "10.96.0.1",
            "192.168.1.10",
        ] {
            let server = rustls_pki_types::ServerName::try_from(name).unwrap();
            verifier
                .verify_server_cert(&certs[0], &[], &server, &[], when)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let other = rustls_pki_types::ServerName::try_from("example.com").unwrap();
        assert!(verifier
            .verify_server_cert(&certs[0], &[], &other, &[], when)
            .is_err());
        assert_eq!(leaf.validity().not_before.timestamp(), now - 3600);
        assert_eq!(
            leaf.validity().not_after.timestamp(),
            now - 3600 + 365 * 86_400
        );
        let san = leaf.subject_alternative_name().unwrap().unwrap();
        let text: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| n.to_string())
            .collect();
        for want in [
            "kubernetes.default.svc",
            "kubernetes.default",
            "kubernetes",
            "localhost",
        ] {
            assert!(
                text.iter().any(|t| t.contains(want)),
                "{want} not in {text:?}"
            );
        }
        let eku = leaf.extended_key_usage().unwrap().unwrap();
        assert!(eku.value.server_auth);
    }

    #[test]
    fn written_pair_is_reused_and_a_bad_one_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("nested/certs");
        let (cert, key) = ensure_self_signed(&certs, &names()).unwrap();
        assert_eq!(cert, certs.join("apiserver.crt"));
        assert_eq!(key, certs.join("apiserver.key"));
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&key), 0o600);
        assert_eq!(mode(&cert), 0o644);
        let first = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
        ensure_self_signed(&certs, &names()).unwrap();
        let second = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
        assert_eq!(first, second, "a valid pair is reused");
        std::fs::write(&key, "not a key").unwrap();
        ensure_self_signed(&certs, &names()).unwrap();
        assert_ne!(
            std::fs::read(&cert).unwrap(),
            first.0,
            "a broken pair is replaced"
        );
        assert!(usable(&cert, &key, now_seconds()));
        // Expired: not usable.
        assert!(!usable(&cert, &key, now_seconds() + 400 * 86_400));
    }
}
