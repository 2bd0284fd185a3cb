//! Authentication: who is asking. x509 client certificates (verified by the TLS layer against
//! `--client-ca-file`), static bearer tokens (`--token-auth-file`), else `system:anonymous`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use http::HeaderMap;
use rustls_pki_types::CertificateDer;

/// The authenticated user, as upstream's `user.Info`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    pub name: String,
    pub uid: String,
    pub groups: Vec<String>,
}

pub const ANONYMOUS_USER: &str = "system:anonymous";
pub const UNAUTHENTICATED_GROUP: &str = "system:unauthenticated";
pub const AUTHENTICATED_GROUP: &str = "system:authenticated";

impl UserInfo {
    /// The user of requests that carry no credentials.
    pub fn anonymous() -> Self {
        UserInfo {
            name: ANONYMOUS_USER.to_string(),
            uid: String::new(),
            groups: vec![UNAUTHENTICATED_GROUP.to_string()],
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.name == ANONYMOUS_USER || self.groups.iter().any(|g| g == UNAUTHENTICATED_GROUP)
    }

    /// Adds `system:authenticated` as upstream does for every non-anonymous user.
    fn authenticated(mut self) -> Self {
        if !self.groups.iter().any(|g| g == AUTHENTICATED_GROUP) {
            self.groups.push(AUTHENTICATED_GROUP.to_string());
        }
        self
    }
}

/// What an authenticator can look at: the request headers and the TLS client chain.
pub struct AuthnRequest<'a> {
    pub headers: &'a HeaderMap,
    /// The verified client certificate chain, leaf first.
    pub peer_certificates: Option<&'a [CertificateDer<'static>]>,
    /// Where the connection keeps its x509 outcome, so the chain is verified once per
    /// connection rather than once per request (`None`: verify every time).
    pub x509_cache: Option<&'a X509Cache>,
}

/// The x509 outcome of one TLS connection. Its client chain and the client CA never change
/// during the connection, so the costly signature check runs on its first request only;
/// a rejection is cached too, so every request of an untrusted connection still gets a 401.
/// The outcome is kept with the chain's earliest `notAfter` (unix seconds): a connection
/// that outlives its certificate is refused from then on, as a fresh check would.
#[derive(Debug, Clone, Default)]
pub struct X509Cache(OnceLock<(AuthnOutcome, i64)>);

/// The outcome of one authenticator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthnOutcome {
    Authenticated(UserInfo),
    /// The request carries no credentials this authenticator understands.
    NoCredentials,
    /// Credentials were present but invalid: the request gets a 401.
    Rejected,
}

/// One way of authenticating requests.
pub trait Authenticator: Send + Sync {
    fn authenticate(&self, req: &AuthnRequest<'_>) -> AuthnOutcome;
}

/// Client certificates whose chain leads to `--client-ca-file`: CN is the user, O the groups.
pub struct X509Authenticator {
    ca: crate::tls::ClientCa,
}

impl X509Authenticator {
    pub fn new(ca: crate::tls::ClientCa) -> Self {
        X509Authenticator { ca }
    }
}

impl Authenticator for X509Authenticator {
    fn authenticate(&self, req: &AuthnRequest<'_>) -> AuthnOutcome {
        let Some(chain) = req.peer_certificates.filter(|c| !c.is_empty()) else {
            return AuthnOutcome::NoCredentials;
        };
        let Some(cache) = req.x509_cache else {
            return self.check(chain);
        };
        let (outcome, expires) = cache
            .0
            .get_or_init(|| (self.check(chain), chain_expiry(chain)));
        if unix_now() >= *expires {
            return AuthnOutcome::Rejected;
        }
        outcome.clone()
    }
}

/// The earliest `notAfter` of the chain's certificates, in unix seconds.
fn chain_expiry(chain: &[CertificateDer<'static>]) -> i64 {
    chain
        .iter()
        .filter_map(|c| x509_parser::parse_x509_certificate(c.as_ref()).ok())
        .map(|(_, cert)| cert.validity().not_after.timestamp())
        .min()
        .unwrap_or(i64::MAX)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl X509Authenticator {
    /// Verifies `chain` against the client CA and reads the user from its leaf.
    fn check(&self, chain: &[CertificateDer<'static>]) -> AuthnOutcome {
        if let Err(error) = self.ca.verify(chain) {
            tracing::debug!(%error, "client certificate rejected");
            return AuthnOutcome::Rejected;
        }
        let Some(leaf) = chain.first() else {
            return AuthnOutcome::NoCredentials;
        };
        match x509_parser::parse_x509_certificate(leaf.as_ref()) {
            Ok((_, cert)) => {
                let subject = cert.subject();
                let name = subject
                    .iter_common_name()
                    .find_map(|cn| cn.as_str().ok())
                    .unwrap_or_default()
                    .to_string();
                if name.is_empty() {
                    return AuthnOutcome::Rejected;
                }
                let groups = subject
                    .iter_organization()
                    .filter_map(|o| o.as_str().ok())
                    .map(str::to_string)
                    .collect();
                AuthnOutcome::Authenticated(UserInfo {
                    name,
                    uid: String::new(),
                    groups,
                })
            }
            Err(_) => AuthnOutcome::Rejected,
        }
    }
}

/// A token file could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("failed to read token file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("token file '{path}' must have at least 3 columns (token, user name, user uid), found {found}")]
    Columns { path: String, found: usize },
}

/// Static bearer tokens from upstream's CSV format: `token,user,uid,"group1,group2"`.
pub struct TokenFileAuthenticator {
    tokens: HashMap<String, UserInfo>,
}

impl TokenFileAuthenticator {
    pub fn from_file(path: &Path) -> Result<Self, TokenFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses the CSV text; `path` is only for messages.
    pub fn parse(text: &str, path: &str) -> Result<Self, TokenFileError> {
        let mut tokens = HashMap::new();
        for (line_no, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record = parse_csv_line(line);
            if record.len() < 3 {
                return Err(TokenFileError::Columns {
                    path: path.to_string(),
                    found: record.len(),
                });
            }
            let token = record[0].trim().to_string();
            if token.is_empty() {
                tracing::warn!(
                    line = line_no + 1,
                    path,
                    "empty token in token file, skipping"
                );
                continue;
            }
            let groups = record
                .get(3)
                .map(|g| {
                    g.split(',')
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let user = UserInfo {
                name: record[1].clone(),
                uid: record[2].clone(),
                groups,
            };
            if tokens.insert(token, user).is_some() {
                tracing::warn!(line = line_no + 1, path, "duplicate token in token file");
            }
        }
        Ok(TokenFileAuthenticator { tokens })
    }
}

/// One CSV record: comma-separated, fields optionally double-quoted with `""` escapes.
fn parse_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

impl Authenticator for TokenFileAuthenticator {
    fn authenticate(&self, req: &AuthnRequest<'_>) -> AuthnOutcome {
        let Some(value) = req.headers.get(http::header::AUTHORIZATION) else {
            return AuthnOutcome::NoCredentials;
        };
        let Ok(value) = value.to_str() else {
            return AuthnOutcome::NoCredentials;
        };
        let mut parts = value.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or_default();
        let token = parts.next().unwrap_or_default().trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return AuthnOutcome::NoCredentials;
        }
        match self.tokens.get(token) {
            Some(user) => AuthnOutcome::Authenticated(user.clone()),
            None => AuthnOutcome::Rejected,
        }
    }
}

/// Tries each authenticator in turn (upstream's union), then falls back to anonymous.
#[derive(Clone)]
pub struct AuthenticatorChain {
    authenticators: Vec<Arc<dyn Authenticator>>,
    anonymous: bool,
}

impl AuthenticatorChain {
    pub fn new(authenticators: Vec<Arc<dyn Authenticator>>, anonymous: bool) -> Self {
        AuthenticatorChain {
            authenticators,
            anonymous,
        }
    }

    /// The user, or `None` when the request must be answered 401.
    pub fn authenticate(&self, req: &AuthnRequest<'_>) -> Option<UserInfo> {
        let mut rejected = false;
        for a in &self.authenticators {
            match a.authenticate(req) {
                AuthnOutcome::Authenticated(user) => return Some(user.authenticated()),
                AuthnOutcome::Rejected => rejected = true,
                AuthnOutcome::NoCredentials => {}
            }
        }
        (!rejected && self.anonymous).then(UserInfo::anonymous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
    }

    #[test]
    fn token_file_csv() {
        let a = TokenFileAuthenticator::parse(
            "secret,admin,uid1,\"system:masters,devs\"\nother,bob,uid2\n",
            "t.csv",
        )
        .unwrap();
        let h = bearer("secret");
        let req = AuthnRequest {
            headers: &h,
            peer_certificates: None,
            x509_cache: None,
        };
        assert_eq!(
            a.authenticate(&req),
            AuthnOutcome::Authenticated(UserInfo {
                name: "admin".into(),
                uid: "uid1".into(),
                groups: vec!["system:masters".into(), "devs".into()],
            })
        );
        let h = bearer("nope");
        let req = AuthnRequest {
            headers: &h,
            peer_certificates: None,
            x509_cache: None,
        };
        assert_eq!(a.authenticate(&req), AuthnOutcome::Rejected);
        assert!(matches!(
            TokenFileAuthenticator::parse("a,b\n", "t.csv"),
            Err(TokenFileError::Columns { found: 2, .. })
        ));
    }

    #[test]
    fn chain_falls_back_to_anonymous_unless_rejected() {
        let tokens = TokenFileAuthenticator::parse("t,u,1\n", "t").unwrap();
        let chain = AuthenticatorChain::new(vec![Arc::new(tokens)], true);
        let none = HeaderMap::new();
        let anon = chain
            .authenticate(&AuthnRequest {
                headers: &none,
                peer_certificates: None,
                x509_cache: None,
            })
            .unwrap();
        assert!(anon.is_anonymous());
        assert_eq!(anon.name, "system:anonymous");
        let bad = bearer("x");
        assert_eq!(
            chain.authenticate(&AuthnRequest {
                headers: &bad,
                peer_certificates: None,
                x509_cache: None,
            }),
            None
        );
        let good = bearer("t");
        let user = chain
            .authenticate(&AuthnRequest {
                headers: &good,
                peer_certificates: None,
                x509_cache: None,
            })
            .unwrap();
        assert_eq!(user.groups, ["system:authenticated"]);
        let no_anon = AuthenticatorChain::new(vec![], false);
        assert_eq!(
            no_anon.authenticate(&AuthnRequest {
                headers: &none,
                peer_certificates: None,
                x509_cache: None,
            }),
            None
        );
    }

    /// A self-signed CA: its issuer and its PEM.
    fn test_ca(ca_name: &str) -> (rcgen::Issuer<'static, rcgen::KeyPair>, String) {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, ca_name);
        let pem = params.self_signed(&key).unwrap().pem();
        (Issuer::new(params, key), pem)
    }

    fn leaf(issuer: &rcgen::Issuer<'static, rcgen::KeyPair>) -> Vec<CertificateDer<'static>> {
        use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair};
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "alice");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "devs");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        vec![params.signed_by(&key, issuer).unwrap().der().clone()]
    }

    #[test]
    fn x509_chain_is_verified_once_per_connection() {
        let (issuer, ca_pem) = test_ca("test-ca");
        let (rogue_issuer, _) = test_ca("rogue-ca");
        let dir = tempfile::tempdir().unwrap();
        let ca_path = dir.path().join("ca.crt");
        std::fs::write(&ca_path, ca_pem).unwrap();
        let ca = crate::tls::ClientCa::load(&ca_path).unwrap();
        let authn = X509Authenticator::new(ca.clone());
        let none = HeaderMap::new();
        let alice = AuthnOutcome::Authenticated(UserInfo {
            name: "alice".into(),
            uid: String::new(),
            groups: vec!["devs".into()],
        });

        let good = leaf(&issuer);
        let conn = X509Cache::default();
        for _ in 0..3 {
            let req = AuthnRequest {
                headers: &none,
                peer_certificates: Some(&good),
                x509_cache: Some(&conn),
            };
            assert_eq!(authn.authenticate(&req), alice);
        }
        assert_eq!(ca.verifications(), 1);

        // An untrusted chain is refused on every request, and checked once too.
        let rogue = leaf(&rogue_issuer);
        let conn = X509Cache::default();
        for _ in 0..3 {
            let req = AuthnRequest {
                headers: &none,
                peer_certificates: Some(&rogue),
                x509_cache: Some(&conn),
            };
            assert_eq!(authn.authenticate(&req), AuthnOutcome::Rejected);
        }
        assert_eq!(ca.verifications(), 2);

        // Without a cache every call verifies.
        for _ in 0..2 {
            let req = AuthnRequest {
                headers: &none,
                peer_certificates: Some(&good),
                x509_cache: None,
            };
            assert_eq!(authn.authenticate(&req), alice);
        }
        assert_eq!(ca.verifications(), 4);

        // A connection that outlives its certificate is refused from its expiry on.
        let expired = X509Cache(OnceLock::from((alice.clone(), unix_now() - 1)));
        let req = AuthnRequest {
            headers: &none,
            peer_certificates: Some(&good),
            x509_cache: Some(&expired),
        };
        assert_eq!(authn.authenticate(&req), AuthnOutcome::Rejected);
        assert_eq!(ca.verifications(), 4);
        // A fresh connection caches the leaf's real expiry (rcgen's default is far ahead).
        let fresh = X509Cache::default();
        let req = AuthnRequest {
            headers: &none,
            peer_certificates: Some(&good),
            x509_cache: Some(&fresh),
        };
        assert_eq!(authn.authenticate(&req), alice);
        assert!(fresh.0.get().is_some_and(|(_, exp)| *exp > unix_now()));
    }
}
