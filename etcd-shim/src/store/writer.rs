//! The writer thread: group commit (apply a batch, one `fdatasync`, publish, reply), lease
//! expiry, and log rewrites after compaction.

use std::sync::atomic::Ordering;
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use etcd_client::proto::{PbEvent as Event, PbResponseHeader as ResponseHeader};
use tokio::sync::oneshot;

use super::apply::{self, Apply, Output};
use super::lease::Leases;
use super::wal::Wal;
use super::{Batch, Request, Shared, WriteOp, WriteResult, MAX_BATCH};
use crate::error::EtcdError;

pub(crate) struct Writer {
    pub(crate) shared: Arc<Shared>,
    pub(crate) wal: Wal,
    /// Log size right after the last rewrite (or open).
    pub(crate) last_rewrite_len: u64,
    pub(crate) leases: Leases,
    pub(crate) rx: std_mpsc::Receiver<Request>,
}

type Reply = (
    oneshot::Sender<Result<WriteResult, EtcdError>>,
    Result<WriteResult, EtcdError>,
);

impl Writer {
    pub(crate) fn run(mut self) {
        let mut batch: Vec<Request> = Vec::new();
        loop {
            let wait = self
                .leases
                .next_expiry()
                .map(|t| t.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(1))
                .clamp(Duration::from_millis(1), Duration::from_secs(1));
            match self.rx.recv_timeout(wait) {
                Ok(r) => batch.push(r),
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            }
            while batch.len() < MAX_BATCH {
                match self.rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            if !self.commit(std::mem::take(&mut batch)) {
                tracing::error!("log write failed; the store stops accepting writes");
                self.shared.stopped.store(true, Ordering::Relaxed);
                return;
            }
        }
    }

    /// Applies, logs, syncs, publishes and answers one batch. False if the log failed.
    fn commit(&mut self, batch: Vec<Request>) -> bool {
        let now = Instant::now();
        let mut buf = Vec::new();
        let mut events = Vec::new();
        let mut replies: Vec<Reply> = Vec::with_capacity(batch.len());
        let mut compacts = Vec::new();
        let revision;
        {
            let mut m = self.shared.mvcc.write().unwrap_or_else(|e| e.into_inner());
            let mut pending_compact = m.compacted;
            let limits = self.shared.limits;
            let over_quota = limits.effective_quota().is_some_and(|q| self.wal.len() > q);
            let nospace = &self.shared.nospace;
            let identity = self.shared.identity;
            // Expired leases are revoked first, each in its own revision.
            for id in self.leases.expired(now) {
                let a = Apply::new(
                    &mut m,
                    &mut self.leases,
                    limits,
                    now,
                    pending_compact,
                    nospace,
                    over_quota,
                );
                if let Ok(out) = a.lease_revoke(id) {
                    log_output(&out, &mut buf, &mut events, &mut compacts);
                }
            }
            for req in batch {
                let a = Apply::new(
                    &mut m,
                    &mut self.leases,
                    limits,
                    now,
                    pending_compact,
                    nospace,
                    over_quota,
                );
                let res = run_op(a, req.op, identity, &mut buf, &mut events, &mut compacts);
                if let Some(c) = compacts.last() {
                    pending_compact = pending_compact.max(*c);
                }
                replies.push((req.reply, res));
            }
            revision = m.current;
        }
        if !buf.is_empty() {
            let synced = self.shared.wal_fsync.start_timer();
            let appended = self.wal.append_durable(&buf);
            synced.observe_duration();
            if let Err(e) = appended {
                tracing::error!(error = %e, path = %self.wal.path().display(), "fsync of the log failed");
                for (tx, _) in replies {
                    let _ = tx.send(Err(EtcdError::Stopped));
                }
                return false;
            }
            self.shared.db_size.store(self.wal.len(), Ordering::Relaxed);
        }
        let compacted = !compacts.is_empty();
        {
            let mut m = self.shared.mvcc.write().unwrap_or_else(|e| e.into_inner());
            m.committed = m.current;
            for c in compacts {
                m.compact(c);
            }
        }
        if compacted {
            self.maybe_rewrite();
        }
        if !events.is_empty() {
            // No receivers is fine: nobody is watching.
            let _ = self
                .shared
                .events
                .send(Arc::new(Batch { revision, events }));
        }
        let hdr = |rev: i64| ResponseHeader {
            cluster_id: self.shared.identity.cluster_id,
            member_id: self.shared.identity.member_id,
            revision: rev,
            raft_term: self.shared.raft_term,
        };
        for (tx, res) in replies {
            let _ = tx.send(res.map(|r| fill_header(r, &hdr)));
        }
        true
    }
}

impl Writer {
    /// Rewrites the log as a snapshot of the (compacted) state when it has grown enough.
    fn maybe_rewrite(&mut self) {
        let min = self.shared.limits.log_rewrite_min_bytes;
        if self.wal.len() < min.max(self.last_rewrite_len.saturating_mul(2)) {
            return;
        }
        let records = {
            let m = self.shared.mvcc.read().unwrap_or_else(|e| e.into_inner());
            apply::snapshot(&m, &self.leases)
        };
        let before = self.wal.len();
        match self.wal.rewrite(records.into_iter()) {
            Ok(()) => {
                self.last_rewrite_len = self.wal.len();
                self.shared.db_size.store(self.wal.len(), Ordering::Relaxed);
                tracing::info!(
                    before,
                    after = self.wal.len(),
                    "rewrote the log as a snapshot"
                );
            }
            // The old log is still complete and in place: keep appending to it.
            Err(e) => tracing::warn!(error = %e, "log rewrite failed; keeping the old log"),
        }
    }
}

fn log_output<T>(
    out: &Output<T>,
    buf: &mut Vec<u8>,
    events: &mut Vec<Event>,
    compacts: &mut Vec<i64>,
) {
    if let Some(rec) = &out.record {
        Wal::encode(rec, buf);
        if let Some(c) = rec.compact {
            compacts.push(c);
        }
    }
    events.extend(out.events.iter().cloned());
}

fn run_op(
    a: Apply<'_>,
    op: WriteOp,
    identity: super::wal::Identity,
    buf: &mut Vec<u8>,
    events: &mut Vec<Event>,
    compacts: &mut Vec<i64>,
) -> Result<WriteResult, EtcdError> {
    let now = a.now;
    let base = a.mvcc.current;
    macro_rules! logged {
        ($out:expr) => {{
            let out = $out?;
            log_output(&out, buf, events, compacts);
            out.resp
        }};
    }
    Ok(match op {
        WriteOp::Put(r) => WriteResult::Put(logged!(a.put(&r))),
        WriteOp::Delete(r) => WriteResult::Delete(logged!(a.delete(&r))),
        WriteOp::Txn(r) => WriteResult::Txn(logged!(a.txn(&r))),
        WriteOp::Compact(rev) => WriteResult::Compact(logged!(a.compact(rev)).revision),
        WriteOp::LeaseGrant { id, ttl } => {
            let (id, ttl) = logged!(a.lease_grant(id, ttl));
            WriteResult::LeaseGrant { id, ttl, rev: base }
        }
        WriteOp::LeaseRevoke(id) => WriteResult::LeaseRevoke(logged!(a.lease_revoke(id))),
        WriteOp::LeaseKeepAlive(id) => WriteResult::LeaseKeepAlive(a.leases.renew(id, now)),
        WriteOp::LeaseTimeToLive { id, keys } => {
            WriteResult::LeaseTimeToLive(a.leases.get(id).map(|l| {
                let remaining = l.expiry.saturating_duration_since(now).as_secs() as i64;
                let ks = if keys {
                    l.keys.iter().cloned().collect()
                } else {
                    Vec::new()
                };
                (remaining, l.ttl, ks)
            }))
        }
        WriteOp::LeaseLeases => WriteResult::LeaseLeases(a.leases.ids()),
        WriteOp::Snapshot => {
            let records = apply::snapshot(a.mvcc, a.leases);
            WriteResult::Snapshot(Wal::snapshot_file(identity, &records))
        }
    })
}

/// Fills cluster/member/term into the top-level header of a writer result.
fn fill_header(r: WriteResult, hdr: &impl Fn(i64) -> ResponseHeader) -> WriteResult {
    let fix = |h: &mut Option<ResponseHeader>| {
        let rev = h.map(|h| h.revision).unwrap_or_default();
        *h = Some(hdr(rev));
    };
    match r {
        WriteResult::Put(mut p) => {
            fix(&mut p.header);
            WriteResult::Put(p)
        }
        WriteResult::Delete(mut d) => {
            fix(&mut d.header);
            WriteResult::Delete(d)
        }
        WriteResult::Txn(mut t) => {
            fix(&mut t.header);
            WriteResult::Txn(t)
        }
        other => other,
    }
}
