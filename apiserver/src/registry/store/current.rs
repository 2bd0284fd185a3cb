//! The stored state an update or delete starts from (upstream's `objState` and
//! `cachedExistingObject`).
//!
//! A write first tries the watch cache's copy of the object, which costs no etcd round
//! trip, and writes with a compare on that copy's revision. The copy may be behind etcd:
//! then the compare fails and etcd's answer (the transaction's else branch) is the state to
//! try again on, and any refusal decided on the cached copy (a precondition, validation,
//! "nothing changed") is decided again on etcd's state before it is returned.

use serde_json::Value;

use super::Store;
use crate::object;
use crate::status::ApiError;
use crate::storage::Kv;

/// An object as stored, with the revision a conditional write compares against.
pub(super) struct Current {
    pub obj: Value,
    pub mod_revision: i64,
    /// Read from etcd: a decision made on it is final. A copy from the watch cache may be
    /// behind, so what it refuses is checked again on etcd's state.
    pub fresh: bool,
}

/// How many times a write is tried when etcd keeps changing under it (upstream retries
/// without a bound; a bound turns a pathological race into a 409 instead of a spin).
pub(super) const MAX_WRITE_ATTEMPTS: usize = 16;

impl Store {
    /// The state to try a write on first: the watch cache's copy, else etcd's (the cache
    /// may not have an object created a moment ago). `None`: etcd has no such object.
    pub(super) async fn suggested_current(&self, key: &str) -> Result<Option<Current>, ApiError> {
        match self.cacher().get(key).await {
            Ok(Some(cached)) => {
                let mod_revision = object::meta_str(&cached, "resourceVersion")
                    .parse()
                    .unwrap_or(0);
                if mod_revision > 0 {
                    return Ok(Some(Current {
                        obj: cached.to_value(),
                        mod_revision,
                        fresh: false,
                    }));
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(key, error = %e.message, "watch cache unavailable for a write")
            }
        }
        self.fresh_current(key).await
    }

    /// The object as etcd has it now.
    pub(super) async fn fresh_current(&self, key: &str) -> Result<Option<Current>, ApiError> {
        let (kv, _) = self
            .storage()
            .get(key)
            .await
            .map_err(|e| self.storage_error(e, key))?;
        self.current_from(kv)
    }

    /// The state etcd returned with a failed compare (`None`: the object is gone).
    pub(super) fn current_from(&self, kv: Option<Kv>) -> Result<Option<Current>, ApiError> {
        kv.map(|kv| {
            Ok(Current {
                obj: self.decode(&kv)?,
                mod_revision: kv.mod_revision,
                fresh: true,
            })
        })
        .transpose()
    }
}
