//! The in-memory MVCC index: for every key its history of revisions, tombstones included,
//! until compaction. Entries above the committed revision are invisible to readers: the
//! writer applies a batch here before its fsync, and publishes it by raising `committed`.

use std::collections::BTreeMap;
use std::ops::Bound;

use etcd_client::proto::{PbEvent as Event, PbKeyValue as KeyValue};

use crate::error::EtcdError;

/// Event type numbers of `mvccpb.Event.EventType`.
pub const EVENT_PUT: i32 = 0;
pub const EVENT_DELETE: i32 = 1;

/// One revision of one key. A tombstone has `version == 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub mod_rev: i64,
    /// Position inside the revision (a txn writes several keys at one revision).
    pub sub: u32,
    pub create_rev: i64,
    pub version: i64,
    pub value: Vec<u8>,
    pub lease: i64,
}

impl Entry {
    pub fn is_tombstone(&self) -> bool {
        self.version == 0
    }

    pub fn to_kv(&self, key: &[u8]) -> KeyValue {
        KeyValue {
            key: key.to_vec(),
            create_revision: self.create_rev,
            mod_revision: self.mod_rev,
            version: self.version,
            value: self.value.clone(),
            lease: self.lease,
        }
    }
}

/// A key interval in etcd's encoding of `key` + `range_end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRange {
    /// `range_end` empty: exactly `key`.
    Single(Vec<u8>),
    /// `range_end` is `\0`: every key `>= key`.
    From(Vec<u8>),
    /// `[key, range_end)`.
    Between(Vec<u8>, Vec<u8>),
}

impl KeyRange {
    pub fn new(key: &[u8], range_end: &[u8]) -> Self {
        if range_end.is_empty() {
            KeyRange::Single(key.to_vec())
        } else if range_end == [0] {
            KeyRange::From(key.to_vec())
        } else {
            KeyRange::Between(key.to_vec(), range_end.to_vec())
        }
    }

    pub fn contains(&self, k: &[u8]) -> bool {
        match self {
            KeyRange::Single(key) => k == key.as_slice(),
            KeyRange::From(key) => k >= key.as_slice(),
            KeyRange::Between(a, b) => k >= a.as_slice() && k < b.as_slice(),
        }
    }

    /// Whether two ranges share a key (used for etcd's duplicate-key check in txns).
    pub fn overlaps(&self, other: &KeyRange) -> bool {
        let (a0, a1) = self.bounds();
        let (b0, b1) = other.bounds();
        let a_before_b_end = match &b1 {
            Bound::Unbounded => true,
            Bound::Excluded(e) => a0 < *e,
            Bound::Included(e) => a0 <= *e,
            // Not produced by bounds().
        };
        let b_before_a_end = match &a1 {
            Bound::Unbounded => true,
            Bound::Excluded(e) => b0 < *e,
            Bound::Included(e) => b0 <= *e,
        };
        a_before_b_end && b_before_a_end
    }

    fn bounds(&self) -> (&[u8], Bound<&[u8]>) {
        match self {
            KeyRange::Single(k) => (k, Bound::Included(k.as_slice())),
            KeyRange::From(k) => (k, Bound::Unbounded),
            KeyRange::Between(a, b) => (a, Bound::Excluded(b.as_slice())),
        }
    }
}

/// The index itself.
#[derive(Debug)]
pub struct Mvcc {
    keys: BTreeMap<Vec<u8>, Vec<Entry>>,
    /// Last revision applied by the writer (may not be durable yet).
    pub current: i64,
    /// Last revision that is durable and visible to readers.
    pub committed: i64,
    /// Revisions below this one are gone; -1 until the first compaction (as in etcd, where
    /// compacting to 0 is a valid first compaction).
    pub compacted: i64,
}

impl Default for Mvcc {
    fn default() -> Self {
        Self::new()
    }
}

impl Mvcc {
    /// An empty store is at revision 1, like etcd.
    pub fn new() -> Self {
        Mvcc {
            keys: BTreeMap::new(),
            current: 1,
            committed: 1,
            compacted: -1,
        }
    }

    /// Resolves a requested read revision against `base` (0 means `base`), with etcd's
    /// errors for revisions above `base` or below the compaction point.
    pub fn read_rev(&self, requested: i64, base: i64) -> Result<i64, EtcdError> {
        if requested > base {
            return Err(EtcdError::FutureRev);
        }
        if requested <= 0 {
            return Ok(base);
        }
        if requested < self.compacted {
            return Err(EtcdError::Compacted);
        }
        Ok(requested)
    }

    fn iter(&self, r: &KeyRange) -> Box<dyn Iterator<Item = (&Vec<u8>, &Vec<Entry>)> + '_> {
        match r {
            KeyRange::Single(k) => Box::new(self.keys.get_key_value(k).into_iter()),
            KeyRange::From(k) => Box::new(
                self.keys
                    .range::<[u8], _>((Bound::Included(k.as_slice()), Bound::Unbounded)),
            ),
            KeyRange::Between(a, b) => {
                if a >= b {
                    Box::new(std::iter::empty())
                } else {
                    Box::new(self.keys.range::<[u8], _>((
                        Bound::Included(a.as_slice()),
                        Bound::Excluded(b.as_slice()),
                    )))
                }
            }
        }
    }

    fn visible(hist: &[Entry], rev: i64) -> Option<&Entry> {
        let idx = hist.partition_point(|e| e.mod_rev <= rev);
        if idx == 0 {
            return None;
        }
        let e = &hist[idx - 1];
        (!e.is_tombstone()).then_some(e)
    }

    /// The live entry of `key` at `rev`.
    pub fn get(&self, key: &[u8], rev: i64) -> Option<&Entry> {
        self.keys.get(key).and_then(|h| Self::visible(h, rev))
    }

    /// Live keys of a range at `rev`, in key order: `limit` of them (0: all) and the total.
    pub fn range(
        &self,
        r: &KeyRange,
        rev: i64,
        limit: usize,
        count_only: bool,
    ) -> (Vec<KeyValue>, usize) {
        let mut out = Vec::new();
        let mut count = 0;
        for (k, hist) in self.iter(r) {
            if let Some(e) = Self::visible(hist, rev) {
                count += 1;
                if !count_only && (limit == 0 || out.len() < limit) {
                    out.push(e.to_kv(k));
                }
            }
        }
        (out, count)
    }

    /// Writes `key` at (`rev`, `sub`); returns the previous live value and the new one.
    pub fn put(
        &mut self,
        key: &[u8],
        value: Vec<u8>,
        lease: i64,
        rev: i64,
        sub: u32,
    ) -> (Option<KeyValue>, KeyValue) {
        let hist = self.keys.entry(key.to_vec()).or_default();
        let prev = hist.last().filter(|e| !e.is_tombstone()).cloned();
        let entry = Entry {
            mod_rev: rev,
            sub,
            create_rev: prev.as_ref().map_or(rev, |p| p.create_rev),
            version: prev.as_ref().map_or(1, |p| p.version + 1),
            value,
            lease,
        };
        let kv = entry.to_kv(key);
        hist.push(entry);
        self.current = self.current.max(rev);
        (prev.map(|p| p.to_kv(key)), kv)
    }

    /// Deletes `key` at (`rev`, `sub`) if it is live; returns what was deleted.
    pub fn delete(&mut self, key: &[u8], rev: i64, sub: u32) -> Option<KeyValue> {
        let hist = self.keys.get_mut(key)?;
        let prev = hist.last().filter(|e| !e.is_tombstone())?.to_kv(key);
        hist.push(Entry {
            mod_rev: rev,
            sub,
            create_rev: 0,
            version: 0,
            value: Vec::new(),
            lease: 0,
        });
        self.current = self.current.max(rev);
        Some(prev)
    }

    /// Live keys of a range at the latest applied revision.
    pub fn live_keys(&self, r: &KeyRange) -> Vec<Vec<u8>> {
        self.iter(r)
            .filter(|(_, h)| h.last().is_some_and(|e| !e.is_tombstone()))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Drops history below `rev`, keeping each key's value as of `rev`.
    pub fn compact(&mut self, rev: i64) {
        self.keys.retain(|_, hist| {
            let idx = hist.partition_point(|e| e.mod_rev <= rev);
            if idx > 0 {
                let keep_from = if hist[idx - 1].is_tombstone() {
                    idx
                } else {
                    idx - 1
                };
                hist.drain(..keep_from);
            }
            !hist.is_empty()
        });
        self.compacted = self.compacted.max(rev);
    }

    /// Events of a key range with revisions in `from..=to`, in revision order, each with
    /// the previous value of its key when that is still known.
    pub fn history(&self, r: &KeyRange, from: i64, to: i64) -> Vec<(u32, Event)> {
        let mut out: Vec<(i64, u32, Event)> = Vec::new();
        for (k, hist) in self.iter(r) {
            let start = hist.partition_point(|e| e.mod_rev < from);
            for i in start..hist.len() {
                let e = &hist[i];
                if e.mod_rev > to {
                    break;
                }
                // The value as of the previous revision (etcd's prev_kv), skipping writes of
                // the same txn.
                let prev = hist[..i]
                    .iter()
                    .rev()
                    .find(|p| p.mod_rev < e.mod_rev)
                    .filter(|p| !p.is_tombstone())
                    .map(|p| p.to_kv(k));
                out.push((e.mod_rev, e.sub, make_event(k, e, prev)));
            }
        }
        out.sort_by_key(|(rev, sub, _)| (*rev, *sub));
        out.into_iter().map(|(_, sub, ev)| (sub, ev)).collect()
    }

    /// Every key with its retained history, for snapshots.
    pub fn entries(&self) -> impl Iterator<Item = (&Vec<u8>, &Vec<Entry>)> {
        self.keys.iter()
    }

    /// Appends an entry as it is (snapshot replay); returns the lease of the key's
    /// previous latest entry if it was live.
    pub fn insert_raw(&mut self, key: &[u8], e: Entry) -> i64 {
        let hist = self.keys.entry(key.to_vec()).or_default();
        let old = hist
            .last()
            .filter(|p| !p.is_tombstone())
            .map_or(0, |p| p.lease);
        self.current = self.current.max(e.mod_rev);
        hist.push(e);
        old
    }

    /// Number of keys with any history (live or tombstoned), for status reporting.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }
}

/// Builds the watch event for one entry, as etcd does: a delete carries only key and
/// mod_revision.
pub fn make_event(key: &[u8], e: &Entry, prev: Option<KeyValue>) -> Event {
    if e.is_tombstone() {
        Event {
            r#type: EVENT_DELETE,
            kv: Some(KeyValue {
                key: key.to_vec(),
                mod_revision: e.mod_rev,
                ..Default::default()
            }),
            prev_kv: prev,
        }
    } else {
        Event {
            r#type: EVENT_PUT,
            kv: Some(e.to_kv(key)),
            prev_kv: prev,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(m: &mut Mvcc, k: &str, v: &str) -> i64 {
        let rev = m.current + 1;
        m.put(k.as_bytes(), v.as_bytes().to_vec(), 0, rev, 0);
        rev
    }

    #[test]
    fn revisions_versions_and_tombstones() {
        let mut m = Mvcc::new();
        assert_eq!(put(&mut m, "a", "1"), 2);
        assert_eq!(put(&mut m, "a", "2"), 3);
        let e = m.get(b"a", 3).unwrap();
        assert_eq!((e.create_rev, e.mod_rev, e.version), (2, 3, 2));
        assert_eq!(m.get(b"a", 2).unwrap().value, b"1");
        assert!(m.delete(b"a", 4, 0).is_some());
        assert!(m.get(b"a", 4).is_none());
        assert!(
            m.delete(b"a", 5, 0).is_none(),
            "deleting a tombstone is no change"
        );
        assert_eq!(put(&mut m, "a", "3"), 5);
        let e = m.get(b"a", 5).unwrap();
        assert_eq!(
            (e.create_rev, e.version),
            (5, 1),
            "a new generation after delete"
        );
    }

    #[test]
    fn ranges_and_limits() {
        let mut m = Mvcc::new();
        for k in ["a", "b", "c", "d"] {
            put(&mut m, k, k);
        }
        let all = KeyRange::new(b"\0", b"\0");
        let (kvs, n) = m.range(&all, m.current, 2, false);
        assert_eq!(n, 4);
        assert_eq!(
            kvs.iter().map(|k| k.key.clone()).collect::<Vec<_>>(),
            [b"a", b"b"]
        );
        let (kvs, n) = m.range(&KeyRange::new(b"b", b"d"), m.current, 0, false);
        assert_eq!((kvs.len(), n), (2, 2));
        let (kvs, n) = m.range(&KeyRange::new(b"d", b"b"), m.current, 0, false);
        assert_eq!((kvs.len(), n), (0, 0), "an inverted range is empty");
        let (kvs, n) = m.range(&KeyRange::new(b"c", b"\0"), 3, 0, false);
        assert_eq!((kvs.len(), n), (0, 0), "c did not exist at revision 3");
    }

    #[test]
    fn compaction_keeps_the_value_at_the_compact_revision() {
        let mut m = Mvcc::new();
        put(&mut m, "a", "1"); // 2
        put(&mut m, "a", "2"); // 3
        put(&mut m, "b", "1"); // 4
        m.delete(b"b", 5, 0);
        m.compact(4);
        assert_eq!(m.read_rev(3, m.current), Err(EtcdError::Compacted));
        assert_eq!(m.read_rev(4, m.current), Ok(4));
        assert_eq!(m.read_rev(9, m.current), Err(EtcdError::FutureRev));
        assert_eq!(m.get(b"a", 4).unwrap().value, b"2");
        assert!(m.get(b"b", 4).is_some());
        m.compact(5);
        assert_eq!(
            m.key_count(),
            1,
            "b's tombstone is gone after compacting past it"
        );
    }

    #[test]
    fn history_is_in_revision_order_with_prev() {
        let mut m = Mvcc::new();
        put(&mut m, "b", "1"); // 2
        put(&mut m, "a", "1"); // 3
        put(&mut m, "b", "2"); // 4
        m.delete(b"a", 5, 0);
        let evs = m.history(&KeyRange::new(b"\0", b"\0"), 3, 5);
        let revs: Vec<_> = evs
            .iter()
            .map(|(_, e)| (e.r#type, e.kv.as_ref().unwrap().mod_revision))
            .collect();
        assert_eq!(revs, [(EVENT_PUT, 3), (EVENT_PUT, 4), (EVENT_DELETE, 5)]);
        assert_eq!(evs[1].1.prev_kv.as_ref().unwrap().value, b"1");
        assert_eq!(evs[2].1.prev_kv.as_ref().unwrap().key, b"a");
    }

    #[test]
    fn overlap() {
        let r = |a: &str, b: &str| KeyRange::new(a.as_bytes(), b.as_bytes());
        assert!(r("a", "").overlaps(&r("a", "")));
        assert!(!r("a", "").overlaps(&r("b", "")));
        assert!(r("b", "").overlaps(&r("a", "c")));
        assert!(!r("c", "").overlaps(&r("a", "c")));
        assert!(r("z", "").overlaps(&r("a", "\0")));
    }
}
