//! The generic REST store (upstream's `registry/generic/registry/store.go`): create, get, list,
//! update and delete written once over JSON objects, with the resource's [`Strategy`] hooks
//! and the admission chain called at upstream's points. Updates, deletes and lists live in
//! the submodules.

mod current;
mod delete;
mod list;
mod update;

pub use list::{ListBody, ListItems, FRESHNESS_WAIT};

use std::sync::Arc;

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use api_types::registry::ResourceInfo;
use api_types::validation::{
    validate_object_meta, validate_object_meta_update, FieldErrors, FieldPath,
};
use serde_json::{json, Map, Value};

use super::Strategy;
use crate::cacher::{decode_kv, Cacher, DecodeHook};
use crate::object;
use crate::pipeline::admission::{AdmissionChain, Attributes, Operation};
use crate::pipeline::authn::UserInfo;
use crate::registry::convert::Conversion;
use crate::status::{ApiError, Qualified};
use crate::storage::{Kv, Storage, StorageError};

/// Who writes, through which admission chain, and whether for real.
pub struct WriteContext<'a> {
    pub user: &'a UserInfo,
    pub admission: &'a AdmissionChain,
    pub dry_run: bool,
}

/// Options of a DELETE (body `DeleteOptions` plus query).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
    /// `Foreground`, `Background` or `Orphan`.
    pub propagation_policy: Option<String>,
    pub grace_period_seconds: Option<i64>,
}

/// Which object (or subresource) a write addresses.
#[derive(Clone, Copy)]
struct Target<'a> {
    namespace: &'a str,
    name: &'a str,
    subresource: &'a str,
}

impl<'a> Target<'a> {
    fn new(namespace: &'a str, name: &'a str, subresource: &'a str) -> Self {
        Target {
            namespace,
            name,
            subresource,
        }
    }
}

/// The result of a delete: the HTTP body to answer.
pub struct Deleted {
    pub body: Value,
}

/// Upstream's decode error for a body of another kind or version than the endpoint serves
/// (`transformDecodeError` over the scheme's conversion error), or `None` when it fits.
fn kind_mismatch(info: &ResourceInfo, kind: &str, api_version: &str) -> Option<String> {
    let kind = if kind.is_empty() { info.kind } else { kind };
    let api_version = if api_version.is_empty() {
        info.api_version()
    } else {
        api_version.to_string()
    };
    let (group, version) = api_version.split_once('/').unwrap_or(("", &api_version));
    let want_av = info.api_version();
    if kind == info.kind && api_version == want_av {
        return None;
    }
    let registered = api_types::registry::builtin()
        .by_kind(group, version, kind)
        .is_some();
    let prefix = format!(
        "{kind} in version \"{version}\" cannot be handled as a {}",
        info.kind
    );
    if !registered {
        return Some(format!(
            "{prefix}: no kind \"{kind}\" is registered for version \"{api_version}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""
        ));
    }
    if kind != info.kind {
        // Go's package names: the external version, and the internal group's first label.
        let internal = match info.group {
            "" => "core",
            g => g.split('.').next().unwrap_or(g),
        };
        return Some(format!(
            "{prefix}: converting ({version}.{kind}) to ({internal}.{}): unknown conversion",
            info.kind
        ));
    }
    Some(format!(
        "the API version in the data ({api_version}) does not match the expected API version ({want_av})"
    ))
}

/// Name generation retries on a collision, as upstream's `RetryGenerateName`.
const GENERATE_NAME_ATTEMPTS: usize = 8;
/// Upstream's `maxGeneratedNameLength` (63 minus the 5-character suffix).
const MAX_GENERATED_PREFIX: usize = 58;

/// One resource's storage and hooks.
pub struct Store {
    pub info: &'static ResourceInfo,
    pub strategy: Arc<dyn Strategy>,
    storage: Storage,
    cacher: Arc<Cacher>,
    /// Storage-version conversion, for resources stored in another group's version.
    conversion: Option<Conversion>,
    /// Conversion and defaults applied to every object read from storage.
    on_decode: DecodeHook,
}

/// Metadata the stored value leaves out: etcd's revision is the version.
const UNSTORED_META: [&str; 2] = ["resourceVersion", "selfLink"];

/// `obj` as etcd stores it: compact JSON without [`UNSTORED_META`], serialized from the
/// tree as it is (no copy of the object on every write).
fn encode_stored(obj: &Value) -> Vec<u8> {
    struct Filtered<'a>(&'a Map<String, Value>, &'a [&'a str]);
    impl serde::Serialize for Filtered<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().filter(|(k, _)| !self.1.contains(&k.as_str())))
        }
    }
    struct Stored<'a>(&'a Map<String, Value>);
    impl serde::Serialize for Stored<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(None)?;
            for (k, v) in self.0 {
                match v {
                    Value::Object(meta) if k == "metadata" => {
                        map.serialize_entry(k, &Filtered(meta, &UNSTORED_META))?
                    }
                    _ => map.serialize_entry(k, v)?,
                }
            }
            map.end()
        }
    }
    match obj {
        Value::Object(map) => serde_json::to_vec(&Stored(map)),
        other => serde_json::to_vec(other),
    }
    .unwrap_or_default()
}

impl Store {
    pub fn new(info: &'static ResourceInfo, strategy: Arc<dyn Strategy>, storage: Storage) -> Self {
        let prefix = storage.key(&format!("{}/", info.etcd_prefix.unwrap_or(info.plural)));
        let conversion = crate::registry::convert::for_resource(info);
        let on_decode: DecodeHook = {
            let strategy = strategy.clone();
            Arc::new(move |obj: &mut Value| {
                if let Some(c) = &conversion {
                    (c.from_storage)(obj);
                }
                strategy.defaults(obj);
            })
        };
        Store {
            info,
            strategy,
            cacher: Cacher::new(
                storage.clone(),
                match info.group {
                    "" => info.plural.to_string(),
                    group => format!("{}.{group}", info.plural),
                },
                prefix,
                on_decode.clone(),
            ),
            on_decode,
            storage,
            conversion,
        }
    }

    /// The resource's watch cache.
    pub fn cacher(&self) -> &Arc<Cacher> {
        &self.cacher
    }

    pub fn qualified(&self) -> Qualified<'static> {
        Qualified {
            group: self.info.group,
            resource: self.info.plural,
        }
    }

    fn etcd_prefix(&self) -> &'static str {
        self.info.etcd_prefix.unwrap_or(self.info.plural)
    }

    /// The etcd key of one object.
    pub fn key(&self, namespace: &str, name: &str) -> String {
        if self.info.is_namespaced() {
            self.storage
                .key(&format!("{}/{namespace}/{name}", self.etcd_prefix()))
        } else {
            self.storage.key(&format!("{}/{name}", self.etcd_prefix()))
        }
    }

    /// The key prefix of a collection (one namespace, or all).
    pub fn collection_prefix(&self, namespace: &str) -> String {
        if self.info.is_namespaced() && !namespace.is_empty() {
            self.storage
                .key(&format!("{}/{namespace}/", self.etcd_prefix()))
        } else {
            self.storage.key(&format!("{}/", self.etcd_prefix()))
        }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Waits (at most a second) until the watch cache has the write at `revision`, when
    /// the strategy asks for it ([`Strategy::settles_writes_in_cache`]).
    pub(super) async fn settle(&self, revision: i64) {
        if self.strategy.settles_writes_in_cache() {
            let wait = std::time::Duration::from_secs(1);
            if !matches!(self.cacher.wait_caught_up(revision, wait).await, Ok(true)) {
                tracing::warn!(
                    resource = self.info.plural,
                    revision,
                    "watch cache did not see our write in time"
                );
            }
        }
    }

    /// Decodes a stored value and stamps its `resourceVersion`.
    pub fn decode(&self, kv: &Kv) -> Result<Value, ApiError> {
        let mut obj = decode_kv(kv)?;
        (self.on_decode)(&mut obj);
        Ok(obj)
    }

    fn encode(&self, obj: &Value) -> Vec<u8> {
        let Some(c) = &self.conversion else {
            return encode_stored(obj);
        };
        let mut stored = obj.clone();
        (c.to_storage)(&mut stored);
        encode_stored(&stored)
    }

    fn storage_error(&self, err: StorageError, name: &str) -> ApiError {
        match err {
            StorageError::NotFound(_) => ApiError::not_found(self.qualified(), name),
            StorageError::AlreadyExists(_) => ApiError::already_exists(self.qualified(), name),
            StorageError::Conflict { .. } => ApiError::conflict(self.qualified(), name),
            StorageError::Compacted { .. } => {
                ApiError::expired("The resourceVersion for the provided list is too old.")
            }
            other => ApiError::internal(other),
        }
    }

    /// Reads one object with its key-value (for revisions).
    async fn read(&self, namespace: &str, name: &str) -> Result<(Value, Kv), ApiError> {
        let (kv, _) = self
            .storage
            .get(&self.key(namespace, name))
            .await
            .map_err(|e| self.storage_error(e, name))?;
        let kv = kv.ok_or_else(|| ApiError::not_found(self.qualified(), name))?;
        Ok((self.decode(&kv)?, kv))
    }

    /// GET of one object.
    pub async fn get(&self, namespace: &str, name: &str) -> Result<Value, ApiError> {
        Ok(self.read(namespace, name).await?.0)
    }

    /// Puts `apiVersion`/`kind` on an object, refusing a body of another kind.
    fn check_kind(&self, obj: &mut Value) -> Result<(), ApiError> {
        let Some(map) = obj.as_object_mut() else {
            return Err(ApiError::bad_request(
                "the object provided is unrecognized (must be of type object)",
            ));
        };
        let want_av = self.info.api_version();
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
        let av = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if let Some(message) = kind_mismatch(self.info, kind, av) {
            return Err(ApiError::bad_request(message));
        }
        map.insert("kind".into(), self.info.kind.into());
        map.insert("apiVersion".into(), want_av.into());
        Ok(())
    }

    /// Makes the object's namespace agree with the request path.
    fn check_namespace(&self, obj: &mut Value, namespace: &str) -> Result<(), ApiError> {
        if self.info.is_namespaced() {
            let current = object::namespace(obj).to_string();
            if current.is_empty() {
                object::set_meta(obj, "namespace", namespace);
            } else if current != namespace {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
        } else {
            object::remove_meta(obj, "namespace");
        }
        Ok(())
    }

    fn object_meta(&self, obj: &Value) -> Result<ObjectMeta, ApiError> {
        serde_json::from_value(obj.get("metadata").cloned().unwrap_or(json!({})))
            .map_err(|e| ApiError::bad_request(format!("invalid metadata: {e}")))
    }

    fn invalid(&self, obj: &Value, errors: FieldErrors) -> ApiError {
        ApiError::invalid(self.info.group, self.info.kind, object::name(obj), &errors)
    }

    fn validate_create(&self, obj: &Value) -> Result<(), ApiError> {
        let meta = self.object_meta(obj)?;
        let mut errs: FieldErrors = validate_object_meta(
            &meta,
            self.info.is_namespaced(),
            self.strategy.name_validator(),
            &FieldPath::new("metadata"),
        )
        .into();
        errs.extend(self.strategy.validate(obj));
        if errs.is_empty() {
            Ok(())
        } else {
            Err(self.invalid(obj, errs))
        }
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Result<(), ApiError> {
        let new_meta = self.object_meta(new)?;
        let old_meta = self.object_meta(old)?;
        let mut errs: FieldErrors = validate_object_meta(
            &new_meta,
            self.info.is_namespaced(),
            self.strategy.name_validator(),
            &FieldPath::new("metadata"),
        )
        .into();
        errs.extend(validate_object_meta_update(
            &new_meta,
            &old_meta,
            &FieldPath::new("metadata"),
        ));
        errs.extend(self.strategy.validate_update(new, old));
        if errs.is_empty() {
            Ok(())
        } else {
            Err(self.invalid(new, errs))
        }
    }

    async fn admit(
        &self,
        ctx: &WriteContext<'_>,
        operation: Operation,
        target: Target<'_>,
        obj: Option<&mut Value>,
        old: Option<&Value>,
    ) -> Result<(), ApiError> {
        let mut attrs = Attributes {
            operation,
            user: ctx.user,
            group: self.info.group,
            version: self.info.version,
            kind: self.info.kind,
            resource: self.info.plural,
            subresource: target.subresource,
            namespace: target.namespace,
            name: target.name,
            object: obj,
            old_object: old,
            dry_run: ctx.dry_run,
        };
        ctx.admission.run(&mut attrs).await
    }

    /// POST: create an object in `namespace` (ignored for cluster-scoped resources).
    pub async fn create(
        &self,
        ctx: &WriteContext<'_>,
        namespace: &str,
        mut obj: Value,
    ) -> Result<Value, ApiError> {
        self.check_kind(&mut obj)?;
        self.check_namespace(&mut obj, namespace)?;
        if !object::meta_str(&obj, "resourceVersion").is_empty() {
            return Err(ApiError::internal(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        self.strategy.defaults(&mut obj);
        let name = object::name(&obj).to_string();
        self.admit(
            ctx,
            Operation::Create,
            Target::new(namespace, &name, ""),
            Some(&mut obj),
            None,
        )
        .await?;
        self.before_create(&mut obj);
        self.strategy.record_requester(&mut obj, ctx.user);
        // Held until the write below is done.
        let _reservation = self.strategy.allocate(&mut obj, None).await?;
        let generate =
            object::name(&obj).is_empty() && !object::meta_str(&obj, "generateName").is_empty();
        let attempts = if generate { GENERATE_NAME_ATTEMPTS } else { 1 };
        for attempt in 0..attempts {
            if generate {
                let prefix: String = object::meta_str(&obj, "generateName")
                    .chars()
                    .take(MAX_GENERATED_PREFIX)
                    .collect();
                object::set_meta(
                    &mut obj,
                    "name",
                    format!("{prefix}{}", object::random_suffix()),
                );
            }
            self.validate_create(&obj)?;
            let name = object::name(&obj).to_string();
            if ctx.dry_run {
                return Ok(obj);
            }
            let key = self.key(object::namespace(&obj), &name);
            match self.storage.create(&key, self.encode(&obj)).await {
                Ok(rev) => {
                    self.settle(rev).await;
                    object::set_meta(&mut obj, "resourceVersion", rev.to_string());
                    return Ok(obj);
                }
                Err(StorageError::AlreadyExists(_)) if generate && attempt + 1 < attempts => {
                    continue
                }
                Err(e) => return Err(self.storage_error(e, &name)),
            }
        }
        Err(ApiError::internal("name generation failed"))
    }

    /// Upstream's `rest.BeforeCreate`: server-owned metadata and the strategy's preparation.
    fn before_create(&self, obj: &mut Value) {
        for field in [
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
            "resourceVersion",
        ] {
            object::remove_meta(obj, field);
        }
        object::set_meta(obj, "uid", object::new_uid());
        object::set_meta(obj, "creationTimestamp", object::now_rfc3339());
        self.strategy.prepare_for_create(obj);
        if self.strategy.tracks_generation() {
            object::set_meta(obj, "generation", 1);
        } else {
            object::remove_meta(obj, "generation");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_encoding_drops_resource_version_and_self_link_only() {
        let obj = json!({"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "a", "resourceVersion": "7", "selfLink": "/x", "uid": "u",
                "labels": {"resourceVersion": "kept"}},
            "data": {"resourceVersion": "kept", "k": "v"}});
        let mut expected = obj.clone();
        object::remove_meta(&mut expected, "resourceVersion");
        object::remove_meta(&mut expected, "selfLink");
        assert_eq!(encode_stored(&obj), serde_json::to_vec(&expected).unwrap());
    }
}
