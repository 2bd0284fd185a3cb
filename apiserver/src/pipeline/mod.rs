//! The request pipeline stages, each a trait with pluggable implementations:
//! authenticate ([`authn`]) → authorize ([`authz`]) → admit ([`admission`]); validation and
//! storage follow in the registry's generic store.

pub mod admission;
pub mod authn;
pub mod authz;
pub mod namespace_lifecycle;
