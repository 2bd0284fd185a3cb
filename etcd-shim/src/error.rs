//! Errors: the etcd API errors clients see (with etcd's exact gRPC codes and messages, from
//! etcd's `api/v3rpc/rpctypes/error.go`) and the startup errors of the data directory.

use std::path::PathBuf;

/// An error returned to an etcd client. `Display` is etcd's message, word for word, because
/// clients (etcdctl, the Kubernetes apiserver) match on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EtcdError {
    #[error("etcdserver: key is not provided")]
    EmptyKey,
    #[error("etcdserver: key not found")]
    KeyNotFound,
    #[error("etcdserver: value is provided")]
    ValueProvided,
    #[error("etcdserver: lease is provided")]
    LeaseProvided,
    #[error("etcdserver: too many operations in txn request")]
    TooManyOps,
    #[error("etcdserver: duplicate key given in txn request")]
    DuplicateKey,
    #[error("etcdserver: invalid sort option")]
    InvalidSortOption,
    #[error("etcdserver: mvcc: required revision has been compacted")]
    Compacted,
    #[error("etcdserver: mvcc: required revision is a future revision")]
    FutureRev,
    #[error("etcdserver: mvcc: database space exceeded")]
    NoSpace,
    #[error("etcdserver: requested lease not found")]
    LeaseNotFound,
    #[error("etcdserver: lease already exists")]
    LeaseExist,
    #[error("etcdserver: too large lease TTL")]
    LeaseTtlTooLarge,
    #[error("etcdserver: request is too large")]
    RequestTooLarge,
    #[error("etcdserver: member not found")]
    MemberNotFound,
    #[error("etcdserver: server stopped")]
    Stopped,
    #[error("etcdserver: not capable")]
    NotCapable,
}

impl From<EtcdError> for tonic::Status {
    fn from(e: EtcdError) -> Self {
        use tonic::Code;
        let code = match e {
            EtcdError::EmptyKey
            | EtcdError::KeyNotFound
            | EtcdError::ValueProvided
            | EtcdError::LeaseProvided
            | EtcdError::TooManyOps
            | EtcdError::DuplicateKey
            | EtcdError::InvalidSortOption
            | EtcdError::RequestTooLarge => Code::InvalidArgument,
            EtcdError::Compacted | EtcdError::FutureRev | EtcdError::LeaseTtlTooLarge => {
                Code::OutOfRange
            }
            EtcdError::NoSpace => Code::ResourceExhausted,
            EtcdError::LeaseNotFound | EtcdError::MemberNotFound => Code::NotFound,
            EtcdError::LeaseExist => Code::FailedPrecondition,
            EtcdError::Stopped | EtcdError::NotCapable => Code::Unavailable,
        };
        tonic::Status::new(code, e.to_string())
    }
}

/// Why the store could not be opened. Each one stops the server at start: a data directory
/// is never silently reset.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("i/o error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not an etcd-shim data directory ({reason}); refusing to start")]
    Foreign { path: PathBuf, reason: String },
    #[error(
        "{path}: unsupported log format version {version} (this binary reads version {supported})"
    )]
    UnknownVersion {
        path: PathBuf,
        version: u32,
        supported: u32,
    },
    #[error("{path}: corrupt log at byte offset {offset}: {reason}; refusing to start")]
    Corrupt {
        path: PathBuf,
        offset: u64,
        reason: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, #[source] std::io::Error),
    #[error("serving failed: {0}")]
    Serve(String),
}
