//! Deletes: graceful deletion, finalizers, propagation policies and preconditions, and
//! DELETE of a collection.

use serde_json::{json, Value};

use super::{DeleteOptions, Deleted, Store, Target, WriteContext};
use crate::object;
use crate::pipeline::admission::Operation;
use crate::registry::list::ListOptions;
use crate::registry::DeleteBehaviour;
use crate::status::{success_status, ApiError};

/// The garbage collector's finalizers.
const ORPHAN: &str = "orphan";
const FOREGROUND: &str = "foregroundDeletion";

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
        let (old, kv) = self.read(namespace, name).await?;
        if let Some(uid) = &options.precondition_uid {
            let actual = object::meta_str(&old, "uid");
            if uid != actual {
                return Err(ApiError::conflict_with(
                    self.qualified(),
                    name,
                    &format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {actual}"),
                ));
            }
        }
        if let Some(rv) = &options.precondition_rv {
            let actual = kv.mod_revision.to_string();
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
            Some(&old),
        )
        .await?;

        let graceful = self.strategy.delete_behaviour() == DeleteBehaviour::Graceful
            && !self.strategy.ready_to_remove(&old);
        let finalizers = self.gc_finalizers(&object::finalizers(&old), options);
        let grace = self
            .strategy
            .grace_period(&old, options.grace_period_seconds);
        if graceful || !finalizers.is_empty() || grace.is_some() {
            let already = !object::meta_str(&old, "deletionTimestamp").is_empty();
            if already && graceful && finalizers == object::finalizers(&old) {
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
            if finalizers != object::finalizers(&old) {
                if finalizers.is_empty() {
                    object::remove_meta(&mut marked, "finalizers");
                } else {
                    object::set_meta(&mut marked, "finalizers", json!(finalizers));
                }
            }
            if ctx.dry_run || marked == old {
                return Ok(Deleted { body: marked });
            }
            let rev = self
                .storage
                .update(&kv.key, self.encode(&marked), kv.mod_revision)
                .await
                .map_err(|e| self.storage_error(e, name))?;
            self.settle(rev).await;
            object::set_meta(&mut marked, "resourceVersion", rev.to_string());
            return Ok(Deleted { body: marked });
        }
        if !ctx.dry_run {
            self.storage
                .delete(&kv.key, kv.mod_revision)
                .await
                .map_err(|e| self.storage_error(e, name))?;
        }
        let body = if self.strategy.return_deleted_object() {
            old
        } else {
            success_status(self.qualified(), name, Some(object::meta_str(&old, "uid")))
        };
        Ok(Deleted { body })
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
