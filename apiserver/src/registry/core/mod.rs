//! Strategies of core (`/api/v1`) resources that differ from the default.

pub mod configmap;
pub mod event;
pub mod namespace;
pub mod node;
pub mod pod;
pub mod secret;
pub mod service;

// Resources whose strategy is upstream's defaults and status rules only.
pub mod endpoints;
pub mod limitrange;
pub mod persistentvolume;
pub mod serviceaccount;
