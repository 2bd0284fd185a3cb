//! A thin layer over `etcd_client`: the few operations the generic store needs, each one etcd
//! request, with optimistic concurrency through transactions on revisions. Works unchanged
//! against real etcd and `etcd-shim`.

mod channel;
mod coalesce;
mod watch;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::OnceCell;

use etcd_client::{
    Certificate, Client, Compare, CompareOp, ConnectOptions, DeleteOptions, GetOptions, Identity,
    TlsOptions, Txn, TxnOp, TxnOpResponse,
};

pub use watch::{WatchBatch, WatchEvent, WatchEventKind, WatchStream};

/// Largest etcd answer accepted (upstream's client allows 2 GiB; lists stay far below).
const MAX_MESSAGE_BYTES: usize = 512 * 1024 * 1024;

/// One stored key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kv {
    pub key: String,
    pub value: Vec<u8>,
    pub create_revision: i64,
    pub mod_revision: i64,
}

impl Kv {
    fn from_etcd(kv: &etcd_client::KeyValue) -> Self {
        Kv {
            key: String::from_utf8_lossy(kv.key()).into_owned(),
            value: kv.value().to_vec(),
            create_revision: kv.create_revision(),
            mod_revision: kv.mod_revision(),
        }
    }
}

/// Storage failures the store maps to API errors.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("key {0} not found")]
    NotFound(String),
    #[error("key {0} already exists")]
    AlreadyExists(String),
    /// The precondition revision did not match; `current` is the stored value if any.
    #[error("precondition failed for key {key}")]
    Conflict { key: String, current: Option<Kv> },
    #[error("required revision {requested} has been compacted")]
    Compacted { requested: i64 },
    #[error("etcd: {0}")]
    Etcd(#[from] etcd_client::Error),
    #[error("reading etcd TLS file {path}: {source}")]
    TlsFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StorageError {
    /// Classifies etcd's "required revision has been compacted" answers.
    fn from_etcd(err: etcd_client::Error, requested: i64) -> Self {
        if err.to_string().contains("compacted") {
            StorageError::Compacted { requested }
        } else {
            StorageError::Etcd(err)
        }
    }
}

/// Where etcd is and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct EtcdConfig {
    pub servers: Vec<String>,
    pub ca_file: Option<std::path::PathBuf>,
    pub cert_file: Option<std::path::PathBuf>,
    pub key_file: Option<std::path::PathBuf>,
    /// Key prefix, `/registry` by default.
    pub prefix: String,
}

/// A page of a range read.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub kvs: Vec<Kv>,
    /// The revision the read was served at.
    pub revision: i64,
    /// More keys follow the last one returned.
    pub more: bool,
    /// Keys left after this page (etcd's count minus the page).
    pub remaining: i64,
}

/// The apiserver's handle on etcd.
#[derive(Clone)]
pub struct Storage {
    client: Client,
    prefix: String,
    /// Whether etcd's progress notifications can be trusted; asked once.
    reliable_progress: Arc<OnceCell<bool>>,
}

fn read(path: &Path) -> Result<Vec<u8>, StorageError> {
    std::fs::read(path).map_err(|source| StorageError::TlsFile {
        path: path.display().to_string(),
        source,
    })
}

impl Storage {
    /// Connects to the configured etcd servers.
    pub async fn connect(config: &EtcdConfig) -> Result<Self, StorageError> {
        let servers: Vec<String> = config
            .servers
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let tls = if servers.iter().any(|s| s.starts_with("https://")) {
            let mut tls = TlsOptions::new();
            if let Some(ca) = &config.ca_file {
                tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
            }
            if let (Some(cert), Some(key)) = (&config.cert_file, &config.key_file) {
                tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
            }
            Some(tls)
        } else {
            None
        };
        let channel = channel::connect(&servers, tls)?;
        let client = Client::from_channel(channel, Some(ConnectOptions::new())).await?;
        Ok(Storage {
            client,
            prefix: config.prefix.trim_end_matches('/').to_string(),
            reliable_progress: Arc::new(OnceCell::new()),
        })
    }

    /// A KV client that accepts large range answers (big lists), unlike gRPC's 4 MiB default.
    fn kv(&self) -> etcd_client::KvClient {
        self.client
            .kv_client()
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
    }

    /// Records one request in the etcd request metrics.
    fn observe(&self, operation: &'static str, key: &str, started: Instant) {
        crate::metrics::observe_etcd(operation, resource_of(&self.prefix, key), started.elapsed());
    }

    /// The full key of `suffix` (`pods/ns/name`) under the configured prefix.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}/{}", self.prefix, suffix)
    }

    /// Reads one key.
    pub async fn get(&self, key: &str) -> Result<(Option<Kv>, i64), StorageError> {
        let started = Instant::now();
        let resp = self.kv().get(key, None).await;
        self.observe("get", key, started);
        let resp = resp?;
        let revision = resp.header().map(|h| h.revision()).unwrap_or_default();
        Ok((resp.kvs().first().map(Kv::from_etcd), revision))
    }

    /// Reads keys under `prefix` starting at `start` (inclusive), at `revision` (0 = latest),
    /// at most `limit` (0 = all).
    pub async fn list(
        &self,
        prefix: &str,
        start: &str,
        revision: i64,
        limit: i64,
    ) -> Result<ListPage, StorageError> {
        let end = prefix_end(prefix);
        let from = if start.is_empty() { prefix } else { start };
        let mut options = GetOptions::new().with_range(end);
        if revision > 0 {
            options = options.with_revision(revision);
        }
        if limit > 0 {
            options = options.with_limit(limit);
        }
        let started = Instant::now();
        let resp = self.kv().get(from, Some(options)).await;
        self.observe("list", prefix, started);
        let resp = resp.map_err(|e| StorageError::from_etcd(e, revision))?;
        let kvs: Vec<Kv> = resp.kvs().iter().map(Kv::from_etcd).collect();
        let remaining = (resp.count() - kvs.len() as i64).max(0);
        Ok(ListPage {
            revision: resp.header().map(|h| h.revision()).unwrap_or_default(),
            more: resp.more(),
            remaining,
            kvs,
        })
    }

    /// Creates `key` if it does not exist; returns the new revision.
    pub async fn create(&self, key: &str, value: Vec<u8>) -> Result<i64, StorageError> {
        let txn = Txn::new()
            .when([Compare::create_revision(key, CompareOp::Equal, 0)])
            .and_then([TxnOp::put(key, value, None)]);
        let started = Instant::now();
        let resp = self.kv().txn(txn).await;
        self.observe("create", key, started);
        let resp = resp?;
        if !resp.succeeded() {
            return Err(StorageError::AlreadyExists(key.to_string()));
        }
        Ok(resp.header().map(|h| h.revision()).unwrap_or_default())
    }

    /// Replaces `key` if its mod revision is still `expected`; returns the new revision.
    pub async fn update(
        &self,
        key: &str,
        value: Vec<u8>,
        expected: i64,
    ) -> Result<i64, StorageError> {
        let txn = Txn::new()
            .when([Compare::mod_revision(key, CompareOp::Equal, expected)])
            .and_then([TxnOp::put(key, value, None)])
            .or_else([TxnOp::get(key, None)]);
        let started = Instant::now();
        let resp = self.kv().txn(txn).await;
        self.observe("update", key, started);
        let resp = resp?;
        if resp.succeeded() {
            return Ok(resp.header().map(|h| h.revision()).unwrap_or_default());
        }
        Err(conflict(key, &resp))
    }

    /// Deletes `key` if its mod revision is still `expected`; returns the delete's revision.
    pub async fn delete(&self, key: &str, expected: i64) -> Result<i64, StorageError> {
        let txn = Txn::new()
            .when([Compare::mod_revision(key, CompareOp::Equal, expected)])
            .and_then([TxnOp::delete(key, None::<DeleteOptions>)])
            .or_else([TxnOp::get(key, None)]);
        let started = Instant::now();
        let resp = self.kv().txn(txn).await;
        self.observe("delete", key, started);
        let resp = resp?;
        if resp.succeeded() {
            return Ok(resp.header().map(|h| h.revision()).unwrap_or_default());
        }
        Err(conflict(key, &resp))
    }

    /// Drops etcd's history before `revision` (watches and reads at older revisions then
    /// fail as compacted).
    pub async fn compact(&self, revision: i64) -> Result<(), StorageError> {
        self.kv().compact(revision, None).await?;
        Ok(())
    }

    /// The current revision of the store: the header of a read of one key (no range scan).
    pub async fn current_revision(&self) -> Result<i64, StorageError> {
        let resp = self.kv().get(self.prefix.as_str(), None).await?;
        Ok(resp.header().map(|h| h.revision()).unwrap_or_default())
    }

    /// Whether etcd answers a progress request only after sending every event up to the
    /// revision it reports, which consistent reads from the watch cache rely on. Older etcd
    /// releases could report a revision before its events (fixed in 3.4.31 and 3.5.13, the
    /// versions upstream's apiserver checks for). Asked once; an unreachable etcd is "no"
    /// until it answers.
    pub async fn reliable_progress(&self) -> bool {
        let probe = self
            .reliable_progress
            .get_or_try_init(|| async {
                let status = self.client.maintenance_client().status().await?;
                Ok::<_, etcd_client::Error>(progress_is_reliable(status.version()))
            })
            .await;
        match probe {
            Ok(reliable) => *reliable,
            Err(error) => {
                tracing::warn!(%error, "cannot read etcd's version; consistent reads go to etcd");
                false
            }
        }
    }

    /// Watches every key under `prefix` from `start_revision` (inclusive).
    pub async fn watch(
        &self,
        prefix: &str,
        start_revision: i64,
    ) -> Result<WatchStream, StorageError> {
        self.open_watch(prefix, start_revision, false).await
    }

    /// As [`Storage::watch`], with each event's previous value (for replaying history).
    pub async fn watch_with_prev(
        &self,
        prefix: &str,
        start_revision: i64,
    ) -> Result<WatchStream, StorageError> {
        self.open_watch(prefix, start_revision, true).await
    }

    async fn open_watch(
        &self,
        prefix: &str,
        start_revision: i64,
        with_prev: bool,
    ) -> Result<WatchStream, StorageError> {
        let client = self
            .client
            .watch_client()
            .max_decoding_message_size(MAX_MESSAGE_BYTES);
        WatchStream::start(client, prefix, start_revision, with_prev).await
    }
}

/// The failed-precondition answer: not found when the `or_else` read found nothing.
fn conflict(key: &str, resp: &etcd_client::TxnResponse) -> StorageError {
    let current = resp.op_responses().into_iter().find_map(|op| match op {
        TxnOpResponse::Get(get) => get.kvs().first().map(Kv::from_etcd),
        _ => None,
    });
    match current {
        None => StorageError::NotFound(key.to_string()),
        current => StorageError::Conflict {
            key: key.to_string(),
            current,
        },
    }
}

/// Whether an etcd of this version sends progress notifications in order with events
/// (3.4.31+ on 3.4, 3.5.13+ on 3.5, every later minor).
fn progress_is_reliable(version: &str) -> bool {
    let mut parts = version
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    match (major, minor) {
        (3, 4) => patch >= 31,
        (3, 5) => patch >= 13,
        (3, m) => m > 5,
        (m, _) => m > 3,
    }
}

/// The first key after every key starting with `prefix` (etcd's range end for a prefix).
pub fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

/// The resource a key under `prefix` belongs to, as upstream's etcd metrics name it
/// (`pods`, `deployments.apps`): the built-in resource stored under the key's first one or
/// two segments (`minions` are nodes), else the first segment.
fn resource_of<'k>(prefix: &str, key: &'k str) -> &'k str {
    let rest = key
        .strip_prefix(prefix)
        .unwrap_or(key)
        .trim_start_matches('/');
    let mut segments = rest.splitn(3, '/');
    let first = segments.next().unwrap_or("");
    let two = segments
        .next()
        .map(|second| &rest[..first.len() + 1 + second.len()]);
    let by_prefix = resources_by_etcd_prefix();
    two.and_then(|t| by_prefix.get(t))
        .or_else(|| by_prefix.get(first))
        .map(|r| &**r)
        .unwrap_or(first)
}

/// Built-in resources by where they are stored (`minions` -> `nodes`,
/// `deployments` -> `deployments.apps`).
fn resources_by_etcd_prefix() -> &'static std::collections::HashMap<&'static str, String> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<&'static str, String>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        api_types::registry::builtin()
            .all()
            .fold(std::collections::HashMap::new(), |mut map, r| {
                // The first group to store a prefix names it (the core group comes first:
                // `events` are core events, not events.k8s.io's view of them).
                map.entry(r.etcd_prefix.unwrap_or(r.plural))
                    .or_insert_with(|| match r.group {
                        "" => r.plural.to_string(),
                        group => format!("{}.{group}", r.plural),
                    });
                map
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_reliable_from_the_fixed_releases_on() {
        for (version, reliable) in [
            ("3.4.23", false),
            ("3.4.30", false),
            ("3.4.31", true),
            ("3.5.12", false),
            ("3.5.13", true),
            ("3.5.21", true),
            ("3.6.0", true),
            ("v3.6.1", true),
            ("3.3.27", false),
            ("4.0.0", true),
            ("", false),
            ("garbage", false),
        ] {
            assert_eq!(progress_is_reliable(version), reliable, "{version}");
        }
    }

    #[test]
    fn keys_are_labelled_with_upstreams_resource_names() {
        for (key, resource) in [
            ("/registry/pods/default/a", "pods"),
            ("/registry/minions/node-1", "nodes"),
            ("/registry/deployments/default/web", "deployments.apps"),
            ("/registry/events/default/e", "events"),
            (
                "/registry/apiextensions.k8s.io/customresourcedefinitions/x",
                "customresourcedefinitions.apiextensions.k8s.io",
            ),
            ("/registry/configmaps/", "configmaps"),
            ("/registry/unknown/thing", "unknown"),
            ("/registry", ""),
        ] {
            assert_eq!(resource_of("/registry", key), resource, "{key}");
        }
    }

    #[test]
    fn prefix_end_increments_last_byte() {
        assert_eq!(prefix_end("/registry/pods/"), b"/registry/pods0".to_vec());
        assert_eq!(prefix_end("a"), b"b".to_vec());
    }
}
