//! Txn rules that need no writes: etcd's request checks (empty keys, too many ops,
//! duplicate keys) and compare evaluation.

use std::collections::HashSet;

use etcd_client::proto::{
    PbCompare as Compare, PbKeyValue as KeyValue, PbPutRequest as PutRequest,
    PbTargetUnion as TargetUnion, PbTxnOpRequest as OpRequest, PbTxnRequest as TxnRequest,
    PbTxnRequestOp as RequestOp,
};

use super::mvcc::{KeyRange, Mvcc};
use crate::error::EtcdError;

/// Whether the chosen branches of a txn contain a put or delete.
pub fn txn_writes(req: &TxnRequest, path: &mut impl Iterator<Item = bool>) -> bool {
    let ok = path.next().unwrap_or(false);
    let mut writes = false;
    for op in if ok { &req.success } else { &req.failure } {
        match &op.request {
            Some(OpRequest::RequestPut(_)) | Some(OpRequest::RequestDeleteRange(_)) => {
                writes = true
            }
            Some(OpRequest::RequestTxn(t)) => writes |= txn_writes(t, path),
            _ => {}
        }
    }
    writes
}

/// Evaluates all compares of a txn tree (depth first, chosen branches only).
pub fn compare_path(m: &Mvcc, rev: i64, req: &TxnRequest, path: &mut Vec<bool>) {
    let ok = req.compare.iter().all(|c| compare(m, rev, c));
    path.push(ok);
    for op in if ok { &req.success } else { &req.failure } {
        if let Some(OpRequest::RequestTxn(t)) = &op.request {
            compare_path(m, rev, t, path);
        }
    }
}

const CMP_EQUAL: i32 = 0;
const CMP_GREATER: i32 = 1;
const CMP_LESS: i32 = 2;
const CMP_NOT_EQUAL: i32 = 3;
const TARGET_VERSION: i32 = 0;
const TARGET_CREATE: i32 = 1;
const TARGET_MOD: i32 = 2;
const TARGET_VALUE: i32 = 3;
const TARGET_LEASE: i32 = 4;

fn compare(m: &Mvcc, rev: i64, c: &Compare) -> bool {
    let (kvs, _) = m.range(&KeyRange::new(&c.key, &c.range_end), rev, 0, false);
    if kvs.is_empty() {
        if c.target == TARGET_VALUE {
            // A missing key has no value to compare: always false, as in etcd.
            return false;
        }
        return compare_kv(c, &KeyValue::default());
    }
    kvs.iter().all(|kv| compare_kv(c, kv))
}

fn compare_kv(c: &Compare, kv: &KeyValue) -> bool {
    let int = |want: Option<i64>, have: i64| have.cmp(&want.unwrap_or(0));
    let u = c.target_union.as_ref();
    let ord = match c.target {
        TARGET_VERSION => int(
            u.and_then(|t| match t {
                TargetUnion::Version(v) => Some(*v),
                _ => None,
            }),
            kv.version,
        ),
        TARGET_CREATE => int(
            u.and_then(|t| match t {
                TargetUnion::CreateRevision(v) => Some(*v),
                _ => None,
            }),
            kv.create_revision,
        ),
        TARGET_MOD => int(
            u.and_then(|t| match t {
                TargetUnion::ModRevision(v) => Some(*v),
                _ => None,
            }),
            kv.mod_revision,
        ),
        TARGET_LEASE => int(
            u.and_then(|t| match t {
                TargetUnion::Lease(v) => Some(*v),
                _ => None,
            }),
            kv.lease,
        ),
        TARGET_VALUE => {
            let want: &[u8] = match u {
                Some(TargetUnion::Value(v)) => v,
                _ => &[],
            };
            kv.value.as_slice().cmp(want)
        }
        // etcd compares nothing for an unknown target: the operands count as equal.
        _ => std::cmp::Ordering::Equal,
    };
    match c.result {
        CMP_EQUAL => ord.is_eq(),
        CMP_GREATER => ord.is_gt(),
        CMP_LESS => ord.is_lt(),
        CMP_NOT_EQUAL => ord.is_ne(),
        // ... and an unknown result holds.
        _ => true,
    }
}

/// Request checks that need no state (etcd's `v3rpc/key.go`).
pub fn check_put(req: &PutRequest) -> Result<(), EtcdError> {
    if req.key.is_empty() {
        return Err(EtcdError::EmptyKey);
    }
    if req.ignore_value && !req.value.is_empty() {
        return Err(EtcdError::ValueProvided);
    }
    if req.ignore_lease && req.lease != 0 {
        return Err(EtcdError::LeaseProvided);
    }
    Ok(())
}

pub fn check_txn(req: &TxnRequest, max_ops: usize) -> Result<(), EtcdError> {
    let opc = req
        .compare
        .len()
        .max(req.success.len())
        .max(req.failure.len());
    if opc > max_ops {
        return Err(EtcdError::TooManyOps);
    }
    if req.compare.iter().any(|c| c.key.is_empty()) {
        return Err(EtcdError::EmptyKey);
    }
    for op in req.success.iter().chain(&req.failure) {
        match &op.request {
            Some(OpRequest::RequestRange(r)) if r.key.is_empty() => {
                return Err(EtcdError::EmptyKey)
            }
            Some(OpRequest::RequestDeleteRange(d)) if d.key.is_empty() => {
                return Err(EtcdError::EmptyKey)
            }
            Some(OpRequest::RequestPut(p)) => check_put(p)?,
            Some(OpRequest::RequestTxn(t)) => check_txn(t, max_ops)?,
            _ => {}
        }
    }
    Ok(())
}

/// etcd's duplicate-key rule: within one branch, no key may be put twice or put and
/// deleted; puts in the two branches of a nested txn may repeat each other.
pub fn check_intervals(ops: &[RequestOp]) -> Result<(HashSet<Vec<u8>>, Vec<KeyRange>), EtcdError> {
    let mut dels: Vec<KeyRange> = ops
        .iter()
        .filter_map(|op| match &op.request {
            Some(OpRequest::RequestDeleteRange(d)) => Some(KeyRange::new(&d.key, &d.range_end)),
            _ => None,
        })
        .collect();
    let in_dels = |dels: &[KeyRange], k: &[u8]| dels.iter().any(|d| d.contains(k));
    let mut puts: HashSet<Vec<u8>> = HashSet::new();
    for op in ops {
        let Some(OpRequest::RequestTxn(t)) = &op.request else {
            continue;
        };
        let (puts_then, dels_then) = check_intervals(&t.success)?;
        let (puts_else, dels_else) = check_intervals(&t.failure)?;
        for k in &puts_then {
            if puts.contains(k) || in_dels(&dels, k) {
                return Err(EtcdError::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        for k in &puts_else {
            if (puts.contains(k) && !puts_then.contains(k)) || in_dels(&dels, k) {
                return Err(EtcdError::DuplicateKey);
            }
            puts.insert(k.clone());
        }
        dels.extend(dels_then);
        dels.extend(dels_else);
    }
    for op in ops {
        if let Some(OpRequest::RequestPut(p)) = &op.request {
            if puts.contains(&p.key) || in_dels(&dels, &p.key) {
                return Err(EtcdError::DuplicateKey);
            }
            puts.insert(p.key.clone());
        }
    }
    Ok((puts, dels))
}

/// Whether any branch of the txn tree writes; a txn that cannot write is served on the
/// read path.
pub fn may_write(req: &TxnRequest) -> bool {
    req.success
        .iter()
        .chain(&req.failure)
        .any(|op| match &op.request {
            Some(OpRequest::RequestPut(_)) | Some(OpRequest::RequestDeleteRange(_)) => true,
            Some(OpRequest::RequestTxn(t)) => may_write(t),
            _ => false,
        })
}
