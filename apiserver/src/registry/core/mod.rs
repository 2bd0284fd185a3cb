//! Strategies of core (`/api/v1`) resources that differ from the default.

pub mod configmap;
pub mod namespace;
pub mod pod;
pub mod service;
