//! etcd's Range over the index: revisions, limits, sorting and filters.

use etcd_client::proto::{
    PbKeyValue as KeyValue, PbRangeRequest as RangeRequest, PbRangeResponse as RangeResponse,
};

use super::apply::header;
use super::mvcc::{KeyRange, Mvcc};
use crate::error::EtcdError;

const SORT_NONE: i32 = 0;
const SORT_ASCEND: i32 = 1;
const SORT_DESCEND: i32 = 2;

/// etcd's Range over the index, reading at `base` unless the request names a revision.
pub fn range(m: &Mvcc, r: &RangeRequest, base: i64) -> Result<RangeResponse, EtcdError> {
    if r.key.is_empty() {
        return Err(EtcdError::EmptyKey);
    }
    if !(SORT_NONE..=SORT_DESCEND).contains(&r.sort_order) || !(0..=4).contains(&r.sort_target) {
        return Err(EtcdError::InvalidSortOption);
    }
    let rev = m.read_rev(r.revision, base)?;
    let fetch_all = r.sort_order != SORT_NONE
        || r.min_mod_revision != 0
        || r.max_mod_revision != 0
        || r.min_create_revision != 0
        || r.max_create_revision != 0;
    let limit = if fetch_all || r.limit <= 0 {
        0
    } else {
        r.limit as usize + 1
    };
    let (mut kvs, count) = m.range(
        &KeyRange::new(&r.key, &r.range_end),
        rev,
        limit,
        r.count_only,
    );
    kvs.retain(|kv| {
        !(r.max_mod_revision != 0 && kv.mod_revision > r.max_mod_revision
            || r.min_mod_revision != 0 && kv.mod_revision < r.min_mod_revision
            || r.max_create_revision != 0 && kv.create_revision > r.max_create_revision
            || r.min_create_revision != 0 && kv.create_revision < r.min_create_revision)
    });
    let mut order = r.sort_order;
    if r.sort_target != 0 && order == SORT_NONE {
        order = SORT_ASCEND;
    }
    if order != SORT_NONE {
        let key = |a: &KeyValue, b: &KeyValue| match r.sort_target {
            1 => a.version.cmp(&b.version),
            2 => a.create_revision.cmp(&b.create_revision),
            3 => a.mod_revision.cmp(&b.mod_revision),
            4 => a.value.cmp(&b.value),
            _ => a.key.cmp(&b.key),
        };
        if order == SORT_ASCEND {
            kvs.sort_by(key);
        } else {
            kvs.sort_by(|a, b| key(b, a));
        }
    }
    let mut more = false;
    if r.limit > 0 && kvs.len() > r.limit as usize {
        kvs.truncate(r.limit as usize);
        more = true;
    }
    if r.keys_only {
        for kv in &mut kvs {
            kv.value.clear();
        }
    }
    Ok(RangeResponse {
        header: header(base),
        kvs,
        more,
        count: count as i64,
    })
}
