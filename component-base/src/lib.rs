//! Daemon plumbing shared by every kubeoxide component (upstream: `k8s.io/component-base`).
//!
//! A daemon's `main` stays short: it flattens [`logs::LogOptions`] (and, for API clients,
//! `client::ClientOptions` (feature `client`)) into its flags, calls
//! [`logs::LogOptions::init`], builds its runtime with [`runtime::build`], its
//! [`health::HealthChecks`] and [`metrics::Metrics`], and serves them with
//! [`serving::serve`] until [`signals::Shutdown`] fires on SIGTERM or SIGINT.

#[cfg(feature = "client")]
pub mod client;
pub mod health;
pub mod logs;
pub mod metrics;
pub mod runtime;
pub mod serving;
pub mod signals;
