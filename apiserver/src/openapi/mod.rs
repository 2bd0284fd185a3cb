//! OpenAPI v3: `/openapi/v3` (the index of group-version documents) and
//! `/openapi/v3/<api/v1 | apis/<group>/<version>>`, generated from the api-types registry and
//! k8s-openapi's schemas. kubectl reads them to learn that the server validates fields
//! (`fieldValidation` on each kind's PATCH) and for `kubectl explain`. And `/openapi/v2`
//! (definitions only), which kubectl validates `kind: List` manifests against.

pub mod document;
pub mod kinds;
pub mod parameters;
pub mod paths;
pub mod schemas;
pub mod serve;
pub mod v2;

pub use serve::{serve, serve_v2};
