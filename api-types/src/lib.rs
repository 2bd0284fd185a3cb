//! Shared API vocabulary of kubeoxide.
//!
//! The object types themselves come from [`k8s_openapi`] (re-exported here, API v1.33); this
//! crate adds what every component needs on top of them and must agree on:
//!
//! - [`registry`]: every built-in resource with its group, version, kind, plural, short names,
//!   scope, verbs and subresources, as upstream publishes them in discovery;
//! - [`labels`] and [`fields`]: label and field selectors (parse, print, match);
//! - [`quantity`]: resource quantities (`100m`, `1.5Gi`, `1e3`);
//! - [`validation`]: name and label validation with upstream's messages.

pub use k8s_openapi;

pub mod fields;
pub mod labels;
pub mod quantity;
pub mod registry;
pub mod validation;
