//! etcd's request semantics on top of the MVCC index: Range (all options), Put, DeleteRange,
//! Txn, Compact and the lease operations. Run by the writer (and Range also by readers).
//! A request either fails with nothing changed or yields one log record.

use std::time::Instant;

use etcd_client::proto::{
    PbDeleteRequest as DeleteRequest, PbDeleteResponse as DeleteResponse, PbEvent as Event,
    PbKeyValue as KeyValue, PbPutRequest as PutRequest, PbPutResponse as PutResponse,
    PbResponseHeader as ResponseHeader, PbResponseOp as ResponseOp, PbTxnOpRequest as OpRequest,
    PbTxnOpResponse as OpResponse, PbTxnRequest as TxnRequest, PbTxnResponse as TxnResponse,
};

use super::lease::{Leases, MAX_LEASE_TTL, MIN_LEASE_TTL};
use super::mvcc::{make_event, Entry, KeyRange, Mvcc};
use super::wal::{random_u64, Grant, Op, RawEntry, Record};
use crate::error::EtcdError;

/// Server-wide limits (etcd's `--max-txn-ops` etc.).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_txn_ops: usize,
    pub max_request_bytes: usize,
    /// etcd's `--quota-backend-bytes`: 0 means the 2 GiB default, negative means none.
    pub quota_backend_bytes: i64,
    /// After a compaction, the log is rewritten as a snapshot once it is at least this big
    /// (and twice its size after the previous rewrite).
    pub log_rewrite_min_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_txn_ops: 128,
            max_request_bytes: 1536 * 1024,
            quota_backend_bytes: 0,
            log_rewrite_min_bytes: 16 << 20,
        }
    }
}

impl Limits {
    /// The quota in force, as etcd computes it; None when disabled.
    pub fn effective_quota(&self) -> Option<u64> {
        match self.quota_backend_bytes {
            q if q < 0 => None,
            0 => Some(2 << 30),
            q => Some(q as u64),
        }
    }
}

pub(crate) fn header(rev: i64) -> Option<ResponseHeader> {
    Some(ResponseHeader {
        revision: rev,
        ..Default::default()
    })
}

/// Applies a record's key changes with lease bookkeeping; shared by live writes and replay.
/// Returns the watch event and the key's previous value as the request saw it (which, in a
/// txn, includes the txn's own earlier writes).
pub fn apply_op(
    mvcc: &mut Mvcc,
    leases: &mut Leases,
    op: &Op,
    rev: i64,
    sub: u32,
) -> (Event, Option<KeyValue>) {
    let old_lease = mvcc
        .get(&op.key, i64::MAX)
        .map(|e| e.lease)
        .unwrap_or_default();
    // Watchers get the value as of the previous revision, as etcd does, even when the same
    // txn wrote the key before.
    let event_prev = mvcc.get(&op.key, rev - 1).map(|e| e.to_kv(&op.key));
    if op.delete {
        if old_lease != 0 {
            leases.detach(old_lease, &op.key);
        }
        let prev = mvcc.delete(&op.key, rev, sub);
        let tomb = Entry {
            mod_rev: rev,
            sub,
            create_rev: 0,
            version: 0,
            value: Vec::new(),
            lease: 0,
        };
        (make_event(&op.key, &tomb, event_prev), prev)
    } else {
        if old_lease != 0 && old_lease != op.lease {
            leases.detach(old_lease, &op.key);
        }
        if op.lease != 0 {
            leases.attach(op.lease, &op.key);
        }
        let (prev, kv) = mvcc.put(&op.key, op.value.clone(), op.lease, rev, sub);
        let ev = Event {
            r#type: super::mvcc::EVENT_PUT,
            kv: Some(kv),
            prev_kv: event_prev,
        };
        (ev, prev)
    }
}

/// Replays one durable record at startup.
pub fn replay(mvcc: &mut Mvcc, leases: &mut Leases, rec: &Record, now: Instant) {
    for g in &rec.grants {
        leases.grant(g.id, g.ttl, now);
    }
    for e in &rec.entries {
        let entry = Entry {
            mod_rev: e.mod_rev,
            sub: e.sub,
            create_rev: e.create_rev,
            version: e.version,
            value: e.value.clone(),
            lease: e.lease,
        };
        let old = mvcc.insert_raw(&e.key, entry);
        if old != 0 {
            leases.detach(old, &e.key);
        }
        if e.version != 0 && e.lease != 0 {
            leases.attach(e.lease, &e.key);
        }
    }
    mvcc.current = mvcc.current.max(rec.snapshot_rev);
    for (sub, op) in rec.ops.iter().enumerate() {
        apply_op(mvcc, leases, op, rec.rev, sub as u32);
    }
    for id in &rec.revokes {
        leases.remove(*id);
    }
    if let Some(c) = rec.compact {
        mvcc.compact(c);
    }
    mvcc.committed = mvcc.current;
}

/// The whole state as snapshot records: leases and compaction point first, then every
/// retained history entry in chunks.
pub fn snapshot(mvcc: &Mvcc, leases: &Leases) -> Vec<Record> {
    const CHUNK: usize = 4096;
    let mut out = vec![Record {
        grants: leases
            .ids()
            .into_iter()
            .filter_map(|id| leases.get(id).map(|l| Grant { id, ttl: l.ttl }))
            .collect(),
        compact: (mvcc.compacted >= 0).then_some(mvcc.compacted),
        snapshot_rev: mvcc.current,
        ..Default::default()
    }];
    let mut cur = Vec::new();
    for (key, hist) in mvcc.entries() {
        for e in hist {
            cur.push(RawEntry {
                key: key.clone(),
                mod_rev: e.mod_rev,
                sub: e.sub,
                create_rev: e.create_rev,
                version: e.version,
                value: e.value.clone(),
                lease: e.lease,
            });
        }
        if cur.len() >= CHUNK {
            out.push(Record {
                entries: std::mem::take(&mut cur),
                snapshot_rev: mvcc.current,
                ..Default::default()
            });
        }
    }
    if !cur.is_empty() {
        out.push(Record {
            entries: cur,
            snapshot_rev: mvcc.current,
            ..Default::default()
        });
    }
    out
}

/// The writer's view for one request: the index, the leases and the revision being built.
pub struct Apply<'a> {
    pub mvcc: &'a mut Mvcc,
    pub leases: &'a mut Leases,
    pub limits: Limits,
    pub now: Instant,
    /// Compaction point including compactions not yet durable.
    pub pending_compact: i64,
    /// The NOSPACE alarm (raised here, cleared by Alarm DEACTIVATE).
    pub nospace: &'a std::sync::atomic::AtomicBool,
    /// Whether the log is over the quota.
    pub over_quota: bool,
    base: i64,
    record: Record,
    events: Vec<Event>,
}

/// The outcome of one request: its log record (if it changed anything) and its events.
pub struct Output<T> {
    pub resp: T,
    pub record: Option<Record>,
    pub events: Vec<Event>,
}

impl<'a> Apply<'a> {
    pub fn new(
        mvcc: &'a mut Mvcc,
        leases: &'a mut Leases,
        limits: Limits,
        now: Instant,
        pending_compact: i64,
        nospace: &'a std::sync::atomic::AtomicBool,
        over_quota: bool,
    ) -> Self {
        let base = mvcc.current;
        Apply {
            mvcc,
            leases,
            limits,
            now,
            pending_compact,
            nospace,
            over_quota,
            base,
            record: Record::default(),
            events: Vec::new(),
        }
    }

    fn rev(&self) -> i64 {
        self.base + 1
    }

    fn changed(&self) -> bool {
        !self.record.ops.is_empty()
    }

    /// Revision a read inside this request sees (its own writes included).
    fn read_rev(&self) -> i64 {
        if self.changed() {
            self.rev()
        } else {
            self.base
        }
    }

    fn write(&mut self, op: Op) -> Option<KeyValue> {
        let (rev, sub) = (self.rev(), self.record.ops.len() as u32);
        let (ev, prev) = apply_op(self.mvcc, self.leases, &op, rev, sub);
        self.record.ops.push(op);
        self.events.push(ev);
        prev
    }

    fn finish<T>(mut self, resp: T) -> Output<T> {
        let has = self.changed()
            || !self.record.grants.is_empty()
            || !self.record.revokes.is_empty()
            || self.record.compact.is_some();
        if self.changed() {
            self.record.rev = self.rev();
        }
        Output {
            resp,
            record: has.then_some(self.record),
            events: std::mem::take(&mut self.events),
        }
    }

    /// etcd's quota: once the backend is over it, the NOSPACE alarm rejects requests
    /// that need space (puts, writing txns, lease grants) until it is disarmed.
    fn check_space(&self) -> Result<(), EtcdError> {
        use std::sync::atomic::Ordering;
        if self.over_quota {
            self.nospace.store(true, Ordering::Relaxed);
        }
        if self.nospace.load(Ordering::Relaxed) {
            return Err(EtcdError::NoSpace);
        }
        Ok(())
    }

    pub fn put(mut self, req: &PutRequest) -> Result<Output<PutResponse>, EtcdError> {
        check_put(req)?;
        self.check_space()?;
        self.validate_put(req)?;
        let resp = self.exec_put(req);
        Ok(self.finish(resp))
    }

    pub fn delete(mut self, req: &DeleteRequest) -> Result<Output<DeleteResponse>, EtcdError> {
        if req.key.is_empty() {
            return Err(EtcdError::EmptyKey);
        }
        let resp = self.exec_delete(req);
        Ok(self.finish(resp))
    }

    pub fn txn(mut self, req: &TxnRequest) -> Result<Output<TxnResponse>, EtcdError> {
        check_txn(req, self.limits.max_txn_ops)?;
        check_intervals(&req.success)?;
        check_intervals(&req.failure)?;
        // Like etcd, every compare of the tree is evaluated on the state before the txn.
        let mut path = Vec::new();
        compare_path(self.mvcc, self.base, req, &mut path);
        let mut it = path.iter().copied();
        self.validate_txn(req, &mut it)?;
        if txn_writes(req, &mut path.iter().copied()) {
            self.check_space()?;
        }
        let mut it = path.iter().copied();
        let mut resp = self.exec_txn(req, &mut it)?;
        resp.header = header(self.read_rev());
        Ok(self.finish(resp))
    }

    pub fn compact(mut self, rev: i64) -> Result<Output<ResponseHeader>, EtcdError> {
        if rev <= self.pending_compact {
            return Err(EtcdError::Compacted);
        }
        if rev > self.base {
            return Err(EtcdError::FutureRev);
        }
        self.record.compact = Some(rev);
        let base = self.base;
        Ok(self.finish(ResponseHeader {
            revision: base,
            ..Default::default()
        }))
    }

    /// Grants a lease; returns (id, ttl).
    pub fn lease_grant(mut self, id: i64, ttl: i64) -> Result<Output<(i64, i64)>, EtcdError> {
        self.check_space()?;
        let mut id = id;
        while id == 0 {
            // The server picks a free positive ID, like etcd's ID generator.
            id = (random_u64() >> 1) as i64;
            if self.leases.contains(id) {
                id = 0;
            }
        }
        if ttl > MAX_LEASE_TTL {
            return Err(EtcdError::LeaseTtlTooLarge);
        }
        if self.leases.contains(id) {
            return Err(EtcdError::LeaseExist);
        }
        let ttl = ttl.max(MIN_LEASE_TTL);
        self.leases.grant(id, ttl, self.now);
        self.record.grants.push(Grant { id, ttl });
        Ok(self.finish((id, ttl)))
    }

    /// Revokes a lease, deleting its keys in one revision.
    pub fn lease_revoke(mut self, id: i64) -> Result<Output<i64>, EtcdError> {
        let keys: Vec<Vec<u8>> = match self.leases.get(id) {
            Some(l) => l.keys.iter().cloned().collect(),
            None => return Err(EtcdError::LeaseNotFound),
        };
        for key in keys {
            self.write(Op {
                delete: true,
                key,
                value: Vec::new(),
                lease: 0,
            });
        }
        self.leases.remove(id);
        self.record.revokes.push(id);
        let rev = self.read_rev();
        Ok(self.finish(rev))
    }

    fn validate_put(&self, req: &PutRequest) -> Result<(), EtcdError> {
        if req.ignore_value || req.ignore_lease {
            // The key must exist before the request.
            if self.mvcc.get(&req.key, self.base).is_none() {
                return Err(EtcdError::KeyNotFound);
            }
        }
        if !req.ignore_lease && req.lease != 0 && !self.leases.contains(req.lease) {
            return Err(EtcdError::LeaseNotFound);
        }
        Ok(())
    }

    fn exec_put(&mut self, req: &PutRequest) -> PutResponse {
        let cur = self.mvcc.get(&req.key, i64::MAX).cloned();
        let value = match (&cur, req.ignore_value) {
            (Some(c), true) => c.value.clone(),
            _ => req.value.clone(),
        };
        let lease = match (&cur, req.ignore_lease) {
            (Some(c), true) => c.lease,
            _ => req.lease,
        };
        let prev = self.write(Op {
            delete: false,
            key: req.key.clone(),
            value,
            lease,
        });
        PutResponse {
            header: header(self.rev()),
            prev_kv: if req.prev_kv { prev } else { None },
        }
    }

    fn exec_delete(&mut self, req: &DeleteRequest) -> DeleteResponse {
        let keys = self
            .mvcc
            .live_keys(&KeyRange::new(&req.key, &req.range_end));
        let mut prev_kvs = Vec::new();
        let deleted = keys.len() as i64;
        for key in keys {
            let prev = self.write(Op {
                delete: true,
                key,
                value: Vec::new(),
                lease: 0,
            });
            if req.prev_kv {
                prev_kvs.extend(prev);
            }
        }
        DeleteResponse {
            header: header(self.read_rev()),
            deleted,
            prev_kvs,
        }
    }

    fn validate_txn(
        &self,
        req: &TxnRequest,
        path: &mut impl Iterator<Item = bool>,
    ) -> Result<(), EtcdError> {
        let ok = path.next().unwrap_or(false);
        for op in if ok { &req.success } else { &req.failure } {
            match &op.request {
                Some(OpRequest::RequestRange(r)) => {
                    self.mvcc.read_rev(r.revision, self.base)?;
                }
                Some(OpRequest::RequestPut(p)) => self.validate_put(p)?,
                Some(OpRequest::RequestTxn(t)) => self.validate_txn(t, path)?,
                Some(OpRequest::RequestDeleteRange(_)) | None => {}
            }
        }
        Ok(())
    }

    fn exec_txn(
        &mut self,
        req: &TxnRequest,
        path: &mut impl Iterator<Item = bool>,
    ) -> Result<TxnResponse, EtcdError> {
        let ok = path.next().unwrap_or(false);
        let mut responses = Vec::new();
        for op in if ok { &req.success } else { &req.failure } {
            let resp = match &op.request {
                Some(OpRequest::RequestRange(r)) => {
                    let rr = range(self.mvcc, r, self.read_rev())?;
                    Some(OpResponse::ResponseRange(rr))
                }
                Some(OpRequest::RequestPut(p)) => Some(OpResponse::ResponsePut(self.exec_put(p))),
                Some(OpRequest::RequestDeleteRange(d)) => {
                    Some(OpResponse::ResponseDeleteRange(self.exec_delete(d)))
                }
                Some(OpRequest::RequestTxn(t)) => {
                    let mut tr = self.exec_txn(t, path)?;
                    // etcd leaves a nested txn's header empty.
                    tr.header = Some(ResponseHeader::default());
                    Some(OpResponse::ResponseTxn(tr))
                }
                None => None,
            };
            responses.push(ResponseOp { response: resp });
        }
        Ok(TxnResponse {
            header: None,
            succeeded: ok,
            responses,
        })
    }
}

pub use super::range::range;
use super::txn::{check_intervals, check_put, check_txn, compare_path, txn_writes};
