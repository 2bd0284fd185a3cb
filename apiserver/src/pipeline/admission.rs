//! Admission: plugins that may mutate or refuse a write after authorization and before
//! validation and storage (upstream's `admission.Interface`). The chain runs every mutating
//! step, then every validating step, in registration order.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::status::ApiError;

use super::authn::UserInfo;

/// The write being admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

/// Everything a plugin may look at (upstream's `admission.Attributes`).
pub struct Attributes<'a> {
    pub operation: Operation,
    pub user: &'a UserInfo,
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    /// The object after this write (None for deletes).
    pub object: Option<&'a mut Value>,
    /// The stored object before the write (updates and deletes).
    pub old_object: Option<&'a Value>,
    pub dry_run: bool,
}

/// One admission plugin. Both steps default to "admit unchanged".
pub trait AdmissionPlugin: Send + Sync {
    fn name(&self) -> &'static str;

    /// May change `attrs.object`.
    fn admit<'a>(&'a self, _attrs: &'a mut Attributes<'_>) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async { Ok(()) })
    }

    /// May only refuse.
    fn validate<'a>(&'a self, _attrs: &'a Attributes<'_>) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The configured plugins, applied in order.
#[derive(Clone, Default)]
pub struct AdmissionChain {
    plugins: Vec<Arc<dyn AdmissionPlugin>>,
}

impl AdmissionChain {
    pub fn new(plugins: Vec<Arc<dyn AdmissionPlugin>>) -> Self {
        AdmissionChain { plugins }
    }

    /// Names of the plugins, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.plugins.iter().map(|p| p.name()).collect()
    }

    /// Runs every mutating step, then every validating step.
    pub async fn run(&self, attrs: &mut Attributes<'_>) -> Result<(), ApiError> {
        for plugin in &self.plugins {
            plugin.admit(attrs).await?;
        }
        for plugin in &self.plugins {
            plugin.validate(attrs).await?;
        }
        Ok(())
    }
}
