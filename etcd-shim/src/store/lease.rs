//! Lease table, owned by the writer. Expiry deadlines live only in memory: after a restart
//! every lease gets its full TTL again, as etcd does without checkpoints.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// etcd's largest TTL (`lease.MaxLeaseTTL`).
pub const MAX_LEASE_TTL: i64 = 9_000_000_000;
/// etcd's minimum TTL with default election settings: ceil(1.5 * 1s election timeout).
pub const MIN_LEASE_TTL: i64 = 2;

#[derive(Debug)]
pub struct Lease {
    pub ttl: i64,
    pub expiry: Instant,
    pub keys: BTreeSet<Vec<u8>>,
}

#[derive(Debug, Default)]
pub struct Leases {
    map: BTreeMap<i64, Lease>,
}

impl Leases {
    pub fn contains(&self, id: i64) -> bool {
        self.map.contains_key(&id)
    }

    pub fn get(&self, id: i64) -> Option<&Lease> {
        self.map.get(&id)
    }

    pub fn grant(&mut self, id: i64, ttl: i64, now: Instant) {
        self.map.insert(
            id,
            Lease {
                ttl,
                expiry: now + Duration::from_secs(ttl.max(0) as u64),
                keys: BTreeSet::new(),
            },
        );
    }

    pub fn remove(&mut self, id: i64) -> Option<Lease> {
        self.map.remove(&id)
    }

    /// Restarts the TTL; returns it, or None for an unknown lease.
    pub fn renew(&mut self, id: i64, now: Instant) -> Option<i64> {
        let l = self.map.get_mut(&id)?;
        l.expiry = now + Duration::from_secs(l.ttl.max(0) as u64);
        Some(l.ttl)
    }

    pub fn attach(&mut self, id: i64, key: &[u8]) {
        if let Some(l) = self.map.get_mut(&id) {
            l.keys.insert(key.to_vec());
        }
    }

    pub fn detach(&mut self, id: i64, key: &[u8]) {
        if let Some(l) = self.map.get_mut(&id) {
            l.keys.remove(key);
        }
    }

    pub fn ids(&self) -> Vec<i64> {
        self.map.keys().copied().collect()
    }

    /// Leases whose deadline has passed.
    pub fn expired(&self, now: Instant) -> Vec<i64> {
        self.map
            .iter()
            .filter(|(_, l)| l.expiry <= now)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The earliest deadline, to bound the writer's sleep.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.map.values().map(|l| l.expiry).min()
    }
}
