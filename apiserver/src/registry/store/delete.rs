//! Deletes: graceful deletion, finalizers, propagation policies and preconditions, and
//! DELETE of a collection.

use serde_json::{json, Value};

use super::current::{Current, MAX_WRITE_ATTEMPTS};
use super::{DeleteOptions, Deleted, Store, Target, WriteContext};
use crate::object;
use crate::pipeline::admission::Operation;
use crate::registry::list::ListOptions;
use crate::registry::DeleteBehaviour;
use crate::status::{success_status, ApiError};
use crate::storage::StorageError;

/// The garbage collector's finalizers.
const ORPHAN: &str = "orphan";
const FOREGROUND: &str = "foregroundDeletion";

/// What a delete does to storage.
enum DeletePlan {
    /// Remove the object now.
    Remove,
    /// Mark it (deletionTimestamp, grace period, finalizers): something else removes it.
    Mark(Value),
    /// It is marked as asked already: nothing to write.
    Unchanged(Value),
}

/// What happens to an object's dependents when it is deleted.
enum Propagation {
    Orphan,
    Foreground,
    Background,
}

impl Store {
    /// DELETE of one object.
    pub async fn delete(
        &self,
        ctx: &WriteContext<'_>,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<Deleted, ApiError> {
        let key = self.key(namespace, name);
        // A dry run answers for etcd's state, as upstream's dry-run storage reads it.
        let mut current = if ctx.dry_run {
            self.fresh_current(&key).await?
        } else {
            self.suggested_current(&key).await?
        };
        for _ in 0..MAX_WRITE_ATTEMPTS {
            let Some(cur) = current.take() else {
                return Err(ApiError::not_found(self.qualified(), name));
            };
            let plan = match self.plan_delete(ctx, namespace, name, &cur, options).await {
                Ok(plan) => plan,
                Err(_) if !cur.fresh => {
                    current = self.fresh_current(&key).await?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            // `Some`: the object was marked at that revision; `None`: it is gone.
            let written = match plan {
                DeletePlan::Unchanged(_) if !cur.fresh => {
                    current = self.fresh_current(&key).await?;
                    continue;
                }
                DeletePlan::Unchanged(marked) => return Ok(Deleted { body: marked }),
                DeletePlan::Mark(marked) if ctx.dry_run => return Ok(Deleted { body: marked }),
                DeletePlan::Mark(marked) => self
                    .storage
                    .update(&key, self.encode(&marked), cur.mod_revision)
                    .await
                    .map(|rev| Some((marked, rev))),
                DeletePlan::Remove if ctx.dry_run => Ok(None),
                DeletePlan::Remove => self
                    .storage
                    .delete(&key, cur.mod_revision)
                    .await
                    .map(|_| None),
            };
            match written {
                Ok(Some((mut marked, rev))) => {
                    self.settle(rev).await;
                    object::set_meta(&mut marked, "resourceVersion", rev.to_string());
                    return Ok(Deleted { body: marked });
                }
                Ok(None) => {
                    let body = if self.strategy.return_deleted_object() {
                        cur.obj
                    } else {
                        let uid = object::meta_str(&cur.obj, "uid");
                        success_status(self.qualified(), name, Some(uid))
                    };
                    return Ok(Deleted { body });
                }
                Err(StorageError::Conflict { current: now, .. }) => {
                    current = self.current_from(now)?;
                }
                Err(e) => return Err(self.storage_error(e, name)),
            }
        }
        Err(ApiError::conflict(self.qualified(), name))
    }

    /// Everything a delete decides on one state of the stored object: preconditions,
    /// admission, and whether the object goes now or is marked (graceful deletion,
    /// finalizers). Writes nothing.
    async fn plan_delete(
        &self,
        ctx: &WriteContext<'_>,
        namespace: &str,
        name: &str,
        cur: &Current,
        options: &DeleteOptions,
    ) -> Result<DeletePlan, ApiError> {
        let old = &cur.obj;
        if let Some(uid) = &options.precondition_uid {
            let actual = object::meta_str(old, "uid");
            if uid != actual {
                return Err(ApiError::conflict_with(
                    self.qualified(),
                    name,
                    &format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {actual}"),
                ));
            }
        }
        if let Some(rv) = &options.precondition_rv {
            let actual = cur.mod_revision.to_string();
            if *rv != actual {
                return Err(ApiError::conflict_with(
                    self.qualified(),
                    name,
                    &format!("Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {actual}"),
                ));
            }
        }
        self.admit(
            ctx,
            Operation::Delete,
            Target::new(namespace, name, ""),
            None,
            Some(old),
        )
        .await?;

        let graceful = self.strategy.delete_behaviour() == DeleteBehaviour::Graceful
            && !self.strategy.ready_to_remove(old);
        let finalizers = self.gc_finalizers(&object::finalizers(old), options);
        let grace = self
            .strategy
            .grace_period(old, options.grace_period_seconds);
        if !graceful && finalizers.is_empty() && grace.is_none() {
            return Ok(DeletePlan::Remove);
        }
        let already = !object::meta_str(old, "deletionTimestamp").is_empty();
        if already && graceful && finalizers == object::finalizers(old) {
            return Err(ApiError::conflict_with(
                self.qualified(),
                name,
                crate::registry::core::namespace::PENDING_DELETION_MESSAGE,
            ));
        }
        let mut marked = old.clone();
        let current_grace = old
            .get("metadata")
            .and_then(|m| m.get("deletionGracePeriodSeconds"))
            .and_then(Value::as_i64);
        match grace {
            // A shorter grace period than the one running shortens it.
            Some(g) if !already || current_grace.is_some_and(|c| g < c) => {
                object::set_meta(&mut marked, "deletionTimestamp", object::rfc3339_after(g));
                object::set_meta(&mut marked, "deletionGracePeriodSeconds", g);
            }
            Some(_) => {}
            None if !already => {
                object::set_meta(&mut marked, "deletionTimestamp", object::now_rfc3339());
                object::set_meta(&mut marked, "deletionGracePeriodSeconds", 0);
            }
            None => {}
        }
        if !already && graceful {
            self.strategy.prepare_for_graceful_delete(&mut marked);
        }
        if finalizers != object::finalizers(old) {
            if finalizers.is_empty() {
                object::remove_meta(&mut marked, "finalizers");
            } else {
                object::set_meta(&mut marked, "finalizers", json!(finalizers));
            }
        }
        Ok(if marked == *old {
            DeletePlan::Unchanged(marked)
        } else {
            DeletePlan::Mark(marked)
        })
    }

    /// Upstream's `deletionFinalizersForGarbageCollection`: the object's finalizers with
    /// `orphan` / `foregroundDeletion` set as the delete's propagation policy (else the
    /// finalizers already there, else the resource's default) asks.
    fn gc_finalizers(&self, current: &[String], options: &DeleteOptions) -> Vec<String> {
        let from_finalizers = || {
            current.iter().find_map(|f| match f.as_str() {
                ORPHAN => Some(Propagation::Orphan),
                FOREGROUND => Some(Propagation::Foreground),
                _ => None,
            })
        };
        let policy = match options.propagation_policy.as_deref() {
            Some("Orphan") => Propagation::Orphan,
            Some("Foreground") => Propagation::Foreground,
            Some(_) => Propagation::Background,
            None => from_finalizers().unwrap_or(if self.strategy.orphans_by_default() {
                Propagation::Orphan
            } else {
                Propagation::Background
            }),
        };
        let mut out: Vec<String> = current
            .iter()
            .filter(|f| *f != ORPHAN && *f != FOREGROUND)
            .cloned()
            .collect();
        match policy {
            Propagation::Orphan => out.push(ORPHAN.into()),
            Propagation::Foreground => out.push(FOREGROUND.into()),
            Propagation::Background => {}
        }
        let same = out.len() == current.len() && out.iter().all(|f| current.contains(f));
        if same {
            current.to_vec()
        } else {
            out
        }
    }

    /// DELETECOLLECTION: deletes every object the list options select; answers the list of
    /// what was deleted (or marked for deletion).
    pub async fn delete_collection(
        &self,
        ctx: &WriteContext<'_>,
        namespace: &str,
        list_opts: &ListOptions,
        options: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let list = self.list(namespace, list_opts).await?;
        let mut deleted = Vec::new();
        for item in list["items"].as_array().into_iter().flatten() {
            let (ns, name) = (object::namespace(item), object::name(item));
            match self.delete(ctx, ns, name, options).await {
                Ok(d) if d.body.get("kind").and_then(Value::as_str) == Some("Status") => {
                    deleted.push(item.clone())
                }
                Ok(d) => deleted.push(d.body),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(json!({
            "kind": self.info.list_kind,
            "apiVersion": self.info.api_version(),
            "metadata": {"resourceVersion": list["metadata"]["resourceVersion"].clone()},
            "items": deleted,
        }))
    }
}
