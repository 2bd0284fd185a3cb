//! kube-apiserver: the only component that talks to storage.
//!
//! One request path ([`handlers::handle`]): TLS ([`server`]) → [`request_info`] →
//! authentication, authorization and admission ([`pipeline`]) → a verb handler → the generic
//! store ([`registry`]) over etcd ([`storage`]). Errors are [`status::ApiError`]s rendered as
//! `metav1.Status`; bodies go through the [`codec`] seam; [`discovery`] and [`table`] are
//! generated from the api-types registry.

pub mod app;
pub mod cacher;
pub mod codec;
pub mod compactor;
pub mod componentstatus;
pub mod discovery;
pub mod handlers;
pub mod metrics;
pub mod object;
pub mod openapi;
pub mod options;
pub mod pipeline;
pub mod registry;
pub mod request_info;
pub mod reviews;
pub mod server;
pub mod status;
pub mod storage;
pub mod table;
pub mod tls;
pub mod version;
