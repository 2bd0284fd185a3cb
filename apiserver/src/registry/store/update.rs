//! Updates: PUT of objects and of their `status`/`finalize` subresources, and server-side
//! read-modify-write.

use api_types::validation::{FieldErrors, FieldPath};
use serde_json::{json, Value};

use super::current::{Current, MAX_WRITE_ATTEMPTS};
use super::{Store, Target, WriteContext};
use crate::object;
use crate::pipeline::admission::Operation;
use crate::registry::Reservation;
use crate::status::ApiError;
use crate::storage::StorageError;

impl Store {
    /// A server-side read-modify-write (upstream's `GuaranteedUpdate`): `change` is applied
    /// to the current object (first the watch cache's copy, as for updates) and written with
    /// a revision precondition, retried on etcd's state when the write lost a race or
    /// `change` refused a copy that may be behind.
    pub async fn guaranteed_update<F>(
        &self,
        namespace: &str,
        name: &str,
        change: F,
    ) -> Result<Value, ApiError>
    where
        F: Fn(&mut Value) -> Result<(), ApiError>,
    {
        let key = self.key(namespace, name);
        let mut current = self.suggested_current(&key).await?;
        for _ in 0..MAX_WRITE_ATTEMPTS {
            let Some(cur) = current.take() else {
                return Err(ApiError::not_found(self.qualified(), name));
            };
            let mut obj = cur.obj;
            if let Err(e) = change(&mut obj) {
                if cur.fresh {
                    return Err(e);
                }
                current = self.fresh_current(&key).await?;
                continue;
            }
            match self
                .storage
                .update(&key, self.encode(&obj), cur.mod_revision)
                .await
            {
                Ok(rev) => {
                    object::set_meta(&mut obj, "resourceVersion", rev.to_string());
                    return Ok(obj);
                }
                Err(StorageError::Conflict { current: now, .. }) => {
                    current = self.current_from(now)?;
                }
                Err(e) => return Err(self.storage_error(e, name)),
            }
        }
        Err(ApiError::conflict(self.qualified(), name))
    }

    /// PUT of the object (`subresource` empty) or of its `status`/`finalize` subresource.
    pub async fn update(
        &self,
        ctx: &WriteContext<'_>,
        namespace: &str,
        name: &str,
        subresource: &str,
        mut obj: Value,
    ) -> Result<(Value, bool), ApiError> {
        self.check_kind(&mut obj)?;
        self.check_namespace(&mut obj, namespace)?;
        if object::name(&obj) != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                object::name(&obj)
            )));
        }
        let key = self.key(namespace, name);
        // A dry run answers for etcd's state, as upstream's dry-run storage reads it.
        let mut current = if ctx.dry_run {
            self.fresh_current(&key).await?
        } else {
            self.suggested_current(&key).await?
        };
        for _ in 0..MAX_WRITE_ATTEMPTS {
            let Some(cur) = current.take() else {
                if subresource.is_empty() && self.strategy.allow_create_on_update() {
                    object::remove_meta(&mut obj, "resourceVersion");
                    return self.create(ctx, namespace, obj).await.map(|o| (o, true));
                }
                return Err(ApiError::not_found(self.qualified(), name));
            };
            let target = Target::new(namespace, name, subresource);
            // Held until the write below is done.
            let (planned, _reservation) = match self.plan_update(ctx, target, &cur, &obj).await {
                Ok(planned) => planned,
                Err(_) if !cur.fresh => {
                    current = self.fresh_current(&key).await?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let written = match planned {
                UpdatePlan::Unchanged(new) | UpdatePlan::Remove(new) | UpdatePlan::Write(new)
                    if ctx.dry_run =>
                {
                    return Ok((new, false));
                }
                // Upstream skips the write of an unchanged object and returns it as stored,
                // once it knows the object is unchanged against etcd's state.
                UpdatePlan::Unchanged(_) if !cur.fresh => {
                    current = self.fresh_current(&key).await?;
                    continue;
                }
                UpdatePlan::Unchanged(_) => return Ok((cur.obj, false)),
                // The last finalizer of an object being deleted is gone: remove it now.
                UpdatePlan::Remove(new) => self
                    .storage
                    .delete(&key, cur.mod_revision)
                    .await
                    .map(|_| (new, None)),
                UpdatePlan::Write(new) => self
                    .storage
                    .update(&key, self.encode(&new), cur.mod_revision)
                    .await
                    .map(|rev| (new, Some(rev))),
            };
            match written {
                Ok((new, None)) => return Ok((new, false)),
                Ok((mut new, Some(rev))) => {
                    self.settle(rev).await;
                    object::set_meta(&mut new, "resourceVersion", rev.to_string());
                    return Ok((new, false));
                }
                Err(StorageError::Conflict { current: now, .. }) => {
                    current = self.current_from(now)?;
                }
                Err(e) => return Err(self.storage_error(e, name)),
            }
        }
        Err(ApiError::conflict(self.qualified(), name))
    }

    /// Everything an update decides on one state of the stored object: the request's
    /// revision precondition, the new object (defaults, strategy, allocations, admission)
    /// and its validation. Writes nothing.
    async fn plan_update(
        &self,
        ctx: &WriteContext<'_>,
        target: Target<'_>,
        cur: &Current,
        obj: &Value,
    ) -> Result<(UpdatePlan, Reservation), ApiError> {
        let old = &cur.obj;
        let requested_rv = object::meta_str(obj, "resourceVersion");
        if requested_rv.is_empty() {
            if !self.strategy.allow_unconditional_update() {
                let errs: FieldErrors = vec![api_types::validation::FieldError::invalid(
                    &FieldPath::from_names(["metadata", "resourceVersion"]),
                    "",
                    "must be specified for an update",
                )]
                .into();
                return Err(self.invalid(obj, errs));
            }
        } else if requested_rv != cur.mod_revision.to_string() {
            return Err(ApiError::conflict(self.qualified(), target.name));
        }
        let mut reservation = None;
        let mut new = match target.subresource {
            "" => {
                let mut new = obj.clone();
                self.strategy.defaults(&mut new);
                self.strategy.prepare_for_update(&mut new, old);
                reservation = self.strategy.allocate(&mut new, Some(old)).await?;
                new
            }
            "status" => {
                let mut new = status_update(old, obj);
                self.strategy.prepare_for_status_update(&mut new, old);
                new
            }
            "finalize" => finalize_update(old, obj),
            _ => return Err(ApiError::method_not_allowed()),
        };
        self.before_update(&mut new, old);
        self.admit(ctx, Operation::Update, target, Some(&mut new), Some(old))
            .await?;
        self.validate_update(&new, old)?;
        let plan = if same_but_resource_version(&new, old) {
            UpdatePlan::Unchanged(new)
        } else if self.should_delete_during_update(&new) {
            UpdatePlan::Remove(new)
        } else {
            UpdatePlan::Write(new)
        };
        Ok((plan, reservation))
    }

    /// Upstream's `ShouldDeleteDuringUpdate`: deletion requested, no finalizer left, no grace
    /// period running, and the strategy agrees (a namespace also needs empty
    /// `spec.finalizers`).
    fn should_delete_during_update(&self, obj: &Value) -> bool {
        let grace = obj
            .get("metadata")
            .and_then(|m| m.get("deletionGracePeriodSeconds"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        !object::meta_str(obj, "deletionTimestamp").is_empty()
            && object::finalizers(obj).is_empty()
            && grace == 0
            && self.strategy.ready_to_remove(obj)
    }

    /// Upstream's `rest.BeforeUpdate`: identity and server-owned fields are kept from the
    /// stored object, and generation bumps when the strategy's generation field (`spec`)
    /// changed.
    fn before_update(&self, new: &mut Value, old: &Value) {
        for field in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match old.get("metadata").and_then(|m| m.get(field)) {
                Some(v) => object::set_meta(new, field, v.clone()),
                None => {
                    object::remove_meta(new, field);
                }
            }
        }
        object::remove_meta(new, "selfLink");
        if self.strategy.tracks_generation() {
            let old_gen = old
                .get("metadata")
                .and_then(|m| m.get("generation"))
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let field = self.strategy.generation_field();
            let changed = new.get(field) != old.get(field);
            object::set_meta(
                new,
                "generation",
                if changed { old_gen + 1 } else { old_gen },
            );
        } else {
            object::remove_meta(new, "generation");
        }
    }
}

/// What an update does to storage.
enum UpdatePlan {
    /// Nothing but (at most) the resourceVersion differs: no write.
    Unchanged(Value),
    /// The last finalizer of an object being deleted went: the object goes.
    Remove(Value),
    Write(Value),
}

/// Whether two objects are equal but for `metadata.resourceVersion` (a no-op update),
/// compared in place.
fn same_but_resource_version(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    if a.len() != b.len() {
        return false;
    }
    a.iter().all(|(k, va)| match (k.as_str(), b.get(k)) {
        (_, None) => false,
        ("metadata", Some(vb)) => match (va.as_object(), vb.as_object()) {
            (Some(ma), Some(mb)) => {
                let rest = |m: &serde_json::Map<String, Value>| {
                    m.keys().filter(|k| *k != "resourceVersion").count()
                };
                rest(ma) == rest(mb)
                    && ma
                        .iter()
                        .filter(|(k, _)| *k != "resourceVersion")
                        .all(|(k, v)| mb.get(k) == Some(v))
            }
            _ => va == vb,
        },
        (_, Some(vb)) => va == vb,
    })
}

/// A status update changes only `status` (and labels/annotations, as upstream allows).
fn status_update(old: &Value, new: &Value) -> Value {
    let mut out = old.clone();
    if let Some(map) = out.as_object_mut() {
        match new.get("status") {
            Some(s) => {
                map.insert("status".into(), s.clone());
            }
            None => {
                map.remove("status");
            }
        }
    }
    for field in ["labels", "annotations", "resourceVersion"] {
        match new.get("metadata").and_then(|m| m.get(field)) {
            Some(v) => object::set_meta(&mut out, field, v.clone()),
            None => {
                object::remove_meta(&mut out, field);
            }
        }
    }
    out
}

/// A namespace finalize changes only `spec.finalizers`.
fn finalize_update(old: &Value, new: &Value) -> Value {
    let mut out = old.clone();
    let finalizers = new
        .get("spec")
        .and_then(|s| s.get("finalizers"))
        .cloned()
        .unwrap_or(json!([]));
    if let Some(map) = out.as_object_mut() {
        let spec = map.entry("spec").or_insert_with(|| json!({}));
        if let Some(spec) = spec.as_object_mut() {
            spec.insert("finalizers".into(), finalizers);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_op_updates_differ_at_most_in_resource_version() {
        let a = json!({"metadata": {"name": "a", "resourceVersion": "5", "uid": "u"}, "data": {"k": "v"}});
        let b = json!({"metadata": {"name": "a", "resourceVersion": "9", "uid": "u"}, "data": {"k": "v"}});
        assert!(same_but_resource_version(&a, &b));
        let no_rv = json!({"metadata": {"name": "a", "uid": "u"}, "data": {"k": "v"}});
        assert!(same_but_resource_version(&a, &no_rv));
        assert!(same_but_resource_version(&no_rv, &a));
        let changed = json!({"metadata": {"name": "a", "resourceVersion": "5", "uid": "u"}, "data": {"k": "w"}});
        assert!(!same_but_resource_version(&a, &changed));
        let labelled = json!({"metadata": {"name": "a", "resourceVersion": "5", "uid": "u", "labels": {}}, "data": {"k": "v"}});
        assert!(!same_but_resource_version(&a, &labelled));
        let extra = json!({"metadata": {"name": "a", "resourceVersion": "5", "uid": "u"}, "data": {"k": "v"}, "x": 1});
        assert!(!same_but_resource_version(&a, &extra));
        assert!(!same_but_resource_version(&extra, &a));
    }

    #[test]
    fn status_update_keeps_spec() {
        let old =
            json!({"metadata": {"name": "a", "uid": "1"}, "spec": {"x": 1}, "status": {"s": 1}});
        let new = json!({"metadata": {"name": "a", "labels": {"l": "v"}}, "spec": {"x": 2}, "status": {"s": 2}});
        let out = status_update(&old, &new);
        assert_eq!(out["spec"]["x"], 1);
        assert_eq!(out["status"]["s"], 2);
        assert_eq!(out["metadata"]["uid"], "1");
        assert_eq!(out["metadata"]["labels"]["l"], "v");
    }

    #[test]
    fn finalize_update_only_touches_finalizers() {
        let old = json!({"metadata": {"name": "n"}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Terminating"}});
        let new = json!({"metadata": {"name": "n"}, "spec": {"finalizers": []}, "status": {"phase": "Active"}});
        let out = finalize_update(&old, &new);
        assert_eq!(out["spec"]["finalizers"], json!([]));
        assert_eq!(out["status"]["phase"], "Terminating");
    }
}
