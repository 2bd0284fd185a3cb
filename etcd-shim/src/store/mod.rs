//! The store: an in-memory MVCC index made durable by an append-only log, with one writer
//! thread that group-commits (apply a batch, one `fdatasync`, then publish and reply).

pub mod apply;
pub mod lease;
pub mod mvcc;
pub mod range;
pub mod txn;
pub mod wal;
mod writer;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Instant;

use etcd_client::proto::{
    PbDeleteRequest as DeleteRequest, PbDeleteResponse as DeleteResponse, PbEvent as Event,
    PbPutRequest as PutRequest, PbPutResponse as PutResponse, PbRangeRequest as RangeRequest,
    PbRangeResponse as RangeResponse, PbResponseHeader as ResponseHeader,
    PbTxnRequest as TxnRequest, PbTxnResponse as TxnResponse,
};
use tokio::sync::{broadcast, oneshot};

pub use apply::Limits;
use lease::Leases;
use mvcc::Mvcc;
use wal::Identity;
use writer::Writer;

use crate::error::{EtcdError, StoreError};

/// Committed events of one group commit, in revision order.
#[derive(Debug)]
pub struct Batch {
    /// Revision the store is at after this batch.
    pub revision: i64,
    pub events: Vec<Event>,
}

/// A mutation (or lease query) for the writer.
#[derive(Debug)]
pub enum WriteOp {
    Put(PutRequest),
    Delete(DeleteRequest),
    Txn(TxnRequest),
    Compact(i64),
    LeaseGrant {
        id: i64,
        ttl: i64,
    },
    LeaseRevoke(i64),
    LeaseKeepAlive(i64),
    LeaseTimeToLive {
        id: i64,
        keys: bool,
    },
    LeaseLeases,
    /// The whole state as a log file (Maintenance.Snapshot).
    Snapshot,
}

/// The writer's answer; the header revision is filled in.
#[derive(Debug)]
pub enum WriteResult {
    Put(PutResponse),
    Delete(DeleteResponse),
    Txn(TxnResponse),
    Compact(i64),
    LeaseGrant {
        id: i64,
        ttl: i64,
        rev: i64,
    },
    LeaseRevoke(i64),
    /// TTL, or None for an unknown lease.
    LeaseKeepAlive(Option<i64>),
    /// (remaining ttl, granted ttl, keys), or None for an unknown lease.
    LeaseTimeToLive(Option<(i64, i64, Vec<Vec<u8>>)>),
    LeaseLeases(Vec<i64>),
    /// A complete log (header and snapshot records): a valid `shim.wal` on its own.
    Snapshot(Vec<u8>),
}

pub(crate) struct Request {
    pub(crate) op: WriteOp,
    pub(crate) reply: oneshot::Sender<Result<WriteResult, EtcdError>>,
}

/// State shared by readers and the writer.
#[derive(Debug)]
pub struct Shared {
    mvcc: RwLock<Mvcc>,
    pub identity: Identity,
    pub raft_term: u64,
    pub limits: Limits,
    events: broadcast::Sender<Arc<Batch>>,
    db_size: AtomicU64,
    nospace: AtomicBool,
    /// The writer has stopped (its log failed): no more writes.
    stopped: AtomicBool,
    /// etcd's `etcd_disk_wal_fsync_duration_seconds`: each group commit's log write and
    /// `fdatasync`.
    wal_fsync: prometheus::Histogram,
}

/// A cheap, clonable handle on the store.
#[derive(Clone, Debug)]
pub struct Store {
    shared: Arc<Shared>,
    tx: std_mpsc::Sender<Request>,
}

/// Largest number of requests applied under one fsync.
pub(crate) const MAX_BATCH: usize = 4096;

/// etcd's WAL fsync latency histogram, with etcd's buckets (1 ms doubling to 8 s).
fn wal_fsync_histogram() -> prometheus::Result<prometheus::Histogram> {
    prometheus::Histogram::with_opts(
        prometheus::HistogramOpts::new(
            "etcd_disk_wal_fsync_duration_seconds",
            "The latency distributions of fsync called by WAL.",
        )
        .buckets(prometheus::exponential_buckets(0.001, 2.0, 14)?),
    )
}

impl Store {
    /// The log's fsync latency histogram, to register with a metrics registry.
    pub fn wal_fsync_histogram(&self) -> prometheus::Histogram {
        self.shared.wal_fsync.clone()
    }

    /// Opens the data directory, replays the log and starts the writer thread.
    pub fn open(dir: &Path, limits: Limits) -> Result<Store, StoreError> {
        let opened = wal::open(dir)?;
        if opened.truncated > 0 {
            tracing::warn!(
                bytes = opened.truncated,
                "cut a torn final record from the log (an unacknowledged write)"
            );
        }
        let now = Instant::now();
        let mut mvcc = Mvcc::new();
        let mut leases = Leases::default();
        for rec in &opened.records {
            apply::replay(&mut mvcc, &mut leases, rec, now);
        }
        tracing::info!(
            revision = mvcc.current,
            records = opened.records.len(),
            "replayed log"
        );
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            mvcc: RwLock::new(mvcc),
            identity: opened.identity,
            raft_term: 2,
            limits,
            events,
            db_size: AtomicU64::new(opened.wal.len()),
            nospace: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            wal_fsync: wal_fsync_histogram()
                .map_err(|e| StoreError::io(dir, std::io::Error::other(e)))?,
        });
        let (tx, rx) = std_mpsc::channel();
        let writer = Writer {
            shared: shared.clone(),
            last_rewrite_len: 0,
            wal: opened.wal,
            leases,
            rx,
        };
        std::thread::Builder::new()
            .name("etcd-shim-writer".into())
            .spawn(move || writer.run())
            .map_err(|e| StoreError::io(dir, e))?;
        Ok(Store { shared, tx })
    }

    /// A response header as etcd fills it.
    pub fn header(&self, revision: i64) -> ResponseHeader {
        ResponseHeader {
            cluster_id: self.shared.identity.cluster_id,
            member_id: self.shared.identity.member_id,
            revision,
            raft_term: self.shared.raft_term,
        }
    }

    pub fn identity(&self) -> Identity {
        self.shared.identity
    }

    pub fn raft_term(&self) -> u64 {
        self.shared.raft_term
    }

    pub fn limits(&self) -> Limits {
        self.shared.limits
    }

    /// Bytes of the durable log.
    pub fn db_size(&self) -> u64 {
        self.shared.db_size.load(Ordering::Relaxed)
    }

    /// Whether writes can still be made durable.
    pub fn writable(&self) -> bool {
        !self.shared.stopped.load(Ordering::Relaxed)
    }

    /// Whether the NOSPACE alarm is raised.
    pub fn nospace_alarm(&self) -> bool {
        self.shared.nospace.load(Ordering::Relaxed)
    }

    /// Raises or clears the NOSPACE alarm (Maintenance.Alarm).
    pub fn set_nospace_alarm(&self, on: bool) {
        self.shared.nospace.store(on, Ordering::Relaxed);
    }

    /// Read access to the committed index.
    pub fn read(&self) -> RwLockReadGuard<'_, Mvcc> {
        // A poisoned lock means a panic while holding it; the data is still consistent
        // (entries above `committed` are invisible), so keep serving.
        self.shared.mvcc.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn revision(&self) -> i64 {
        self.read().committed
    }

    pub fn compact_revision(&self) -> i64 {
        self.read().compacted
    }

    /// Range at the committed revision, without going through the writer.
    pub fn range(&self, req: &RangeRequest) -> Result<RangeResponse, EtcdError> {
        let m = self.read();
        let mut resp = apply::range(&m, req, m.committed)?;
        resp.header = Some(self.header(m.committed));
        Ok(resp)
    }

    /// A txn that cannot write (only compares and ranges), at the committed revision,
    /// without going through the writer.
    pub fn read_txn(&self, req: &TxnRequest) -> Result<TxnResponse, EtcdError> {
        txn::check_txn(req, self.shared.limits.max_txn_ops)?;
        let m = self.read();
        let base = m.committed;
        let mut path = Vec::new();
        txn::compare_path(&m, base, req, &mut path);
        let mut resp = read_txn(&m, req, base, &mut path.into_iter())?;
        resp.header = Some(self.header(base));
        Ok(resp)
    }

    /// Events after every future commit.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Batch>> {
        self.shared.events.subscribe()
    }

    /// Sends a request to the writer and waits until it is durable (or failed).
    pub async fn write(&self, op: WriteOp) -> Result<WriteResult, EtcdError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Request { op, reply })
            .map_err(|_| EtcdError::Stopped)?;
        rx.await.map_err(|_| EtcdError::Stopped)?
    }
}

fn read_txn(
    m: &Mvcc,
    req: &TxnRequest,
    base: i64,
    path: &mut impl Iterator<Item = bool>,
) -> Result<TxnResponse, EtcdError> {
    use etcd_client::proto::PbTxnOpResponse as OpResponse;
    use etcd_client::proto::{PbResponseOp as ResponseOp, PbTxnOpRequest as OpRequest};
    let ok = path.next().unwrap_or(false);
    let mut responses = Vec::new();
    for op in if ok { &req.success } else { &req.failure } {
        let response = match &op.request {
            Some(OpRequest::RequestRange(r)) => {
                Some(OpResponse::ResponseRange(apply::range(m, r, base)?))
            }
            Some(OpRequest::RequestTxn(t)) => {
                let mut tr = read_txn(m, t, base, path)?;
                tr.header = Some(ResponseHeader::default());
                Some(OpResponse::ResponseTxn(tr))
            }
            // Excluded by `txn::may_write`.
            Some(OpRequest::RequestPut(_)) | Some(OpRequest::RequestDeleteRange(_)) | None => None,
        };
        responses.push(ResponseOp { response });
    }
    Ok(TxnResponse {
        header: None,
        succeeded: ok,
        responses,
    })
}
