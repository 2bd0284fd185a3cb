//! Upstream's `NamespaceLifecycle` admission plugin: no new content in a namespace that does
//! not exist or is being terminated, and the system namespaces may not be deleted.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use super::admission::{AdmissionPlugin, Attributes, Operation};
use crate::cacher::Cacher;
use crate::status::{ApiError, Qualified};
use crate::storage::Storage;

/// Namespaces that can never be deleted.
pub const IMMORTAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public"];

pub struct NamespaceLifecycle {
    storage: Storage,
    /// The namespaces' watch cache (upstream's plugin reads an informer's lister).
    namespaces: Option<Arc<Cacher>>,
}

impl NamespaceLifecycle {
    pub fn new(storage: Storage, namespaces: Option<Arc<Cacher>>) -> Self {
        NamespaceLifecycle {
            storage,
            namespaces,
        }
    }

    /// Whether the namespace is terminating (`None`: it does not exist), from the watch
    /// cache; one the cache does not have (yet: it may have been created a moment ago) is
    /// looked up in etcd, as upstream's live lookup does.
    async fn terminating(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let key = self.storage.key(&format!("namespaces/{name}"));
        if let Some(cache) = &self.namespaces {
            if let Some(ns) = cache.get(&key).await? {
                return Ok(Some(is_terminating(&ns)));
            }
        }
        let (kv, _) = self.storage.get(&key).await.map_err(ApiError::internal)?;
        let Some(kv) = kv else { return Ok(None) };
        let ns: Value = serde_json::from_slice(&kv.value).map_err(ApiError::internal)?;
        Ok(Some(is_terminating(&ns)))
    }
}

fn is_terminating(ns: &Value) -> bool {
    crate::object::at_path(ns, "status.phase").and_then(Value::as_str) == Some("Terminating")
        || !crate::object::meta_str(ns, "deletionTimestamp").is_empty()
}

const NAMESPACES: Qualified<'static> = Qualified {
    group: "",
    resource: "namespaces",
};

impl AdmissionPlugin for NamespaceLifecycle {
    fn name(&self) -> &'static str {
        "NamespaceLifecycle"
    }

    fn validate<'a>(&'a self, attrs: &'a Attributes<'_>) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            if attrs.resource == "namespaces" && attrs.group.is_empty() {
                if attrs.operation == Operation::Delete
                    && attrs.subresource.is_empty()
                    && IMMORTAL_NAMESPACES.contains(&attrs.name)
                {
                    return Err(ApiError::forbidden(
                        NAMESPACES,
                        attrs.name,
                        "this namespace may not be deleted",
                    ));
                }
                return Ok(());
            }
            if attrs.operation != Operation::Create || attrs.namespace.is_empty() {
                return Ok(());
            }
            let Some(terminating) = self.terminating(attrs.namespace).await? else {
                return Err(ApiError::not_found(NAMESPACES, attrs.namespace));
            };
            if terminating {
                let what = Qualified {
                    group: attrs.group,
                    resource: attrs.resource,
                };
                let mut err = ApiError::forbidden(
                    what,
                    attrs.name,
                    &format!(
                        "unable to create new content in namespace {} because it is being terminated",
                        attrs.namespace
                    ),
                );
                if let Some(Value::Object(d)) = err.details.as_mut() {
                    d.insert(
                        "causes".into(),
                        serde_json::json!([{
                            "reason": "NamespaceTerminating",
                            "message": format!("namespace {} is being terminated", attrs.namespace),
                            "field": "metadata.namespace"
                        }]),
                    );
                }
                return Err(err);
            }
            Ok(())
        })
    }
}
