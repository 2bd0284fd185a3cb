//! etcd-shim: a single-member etcd v3 API server backed by an embedded durable log.

pub mod config;
pub mod error;
pub mod run;
pub mod server;
pub mod store;
