//! One OpenAPI 3.0 document per group-version and the `/openapi/v3` index pointing at them,
//! rendered once (the built-in API never changes while the server runs) with each
//! document's hash, as upstream's `serverRelativeURL` carries it.

use std::sync::OnceLock;

use api_types::registry::{builtin, GroupVersionInfo, Verb};
use bytes::Bytes;
use serde_json::{json, Map, Value};

use super::paths;
use super::schemas::{Gvk, SchemaSet};

/// A rendered group-version document.
pub struct Document {
    /// `api/v1` or `apis/apps/v1`: the index key and the path below `/openapi/v3/`.
    pub key: String,
    pub json: Bytes,
    /// Upper-case hex SHA-512 of `json`, as upstream computes its ETag.
    pub hash: String,
}

/// Every document and the index.
pub struct Documents {
    pub docs: Vec<Document>,
    pub index: Bytes,
}

impl Documents {
    /// The document of `key` (`api/v1`, `apis/apps/v1`).
    pub fn get(&self, key: &str) -> Option<&Document> {
        self.docs.iter().find(|d| d.key == key)
    }
}

/// `/openapi/v3/<key>?hash=<hash>`.
pub fn server_relative_url(key: &str, hash: &str) -> String {
    format!("/openapi/v3/{key}?hash={hash}")
}

/// Upper-case hex SHA-512.
pub fn hash(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA512, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02X}")).collect()
}

fn key(gv: &GroupVersionInfo) -> String {
    gv.discovery_path().trim_start_matches('/').to_string()
}

/// The kinds a group-version's paths refer to: its resources' kinds, their subresources'
/// object kinds, and the lists of the listable ones.
fn kinds(gv: &GroupVersionInfo) -> (Vec<Gvk<'static>>, Vec<Gvk<'static>>) {
    let mut kinds = Vec::new();
    let mut lists = Vec::new();
    for r in gv.resources {
        kinds.push((r.group, r.version, r.kind));
        for s in r.subresources {
            let gvk = s.response_kind(r);
            if !gvk.2.ends_with("Options") && !kinds.contains(&gvk) {
                kinds.push(gvk);
            }
        }
        if r.verbs.contains(Verb::List) {
            lists.push((r.group, r.version, r.kind));
        }
    }
    (kinds, lists)
}

/// The document of one group-version.
pub fn render(gv: &GroupVersionInfo) -> Value {
    let (kinds, lists) = kinds(gv);
    let set = SchemaSet::build(kinds, lists);
    let paths = paths::build(gv, &set);
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": crate::version::GIT_VERSION},
        "paths": paths,
        "components": {
            "schemas": set.definitions,
            "securitySchemes": {
                "BearerToken": {
                    "type": "apiKey",
                    "description": "Bearer Token authentication",
                    "name": "authorization",
                    "in": "header",
                },
            },
        },
        "security": [{"BearerToken": []}],
    })
}

fn build() -> Documents {
    let mut docs = Vec::new();
    let mut index = Map::new();
    for gv in builtin().group_versions() {
        let json = serde_json::to_vec(&render(gv)).unwrap_or_default();
        let hash = hash(&json);
        let key = key(gv);
        index.insert(
            key.clone(),
            json!({"serverRelativeURL": server_relative_url(&key, &hash)}),
        );
        docs.push(Document {
            key,
            json: Bytes::from(json),
            hash,
        });
    }
    let index = serde_json::to_vec(&json!({ "paths": index })).unwrap_or_default();
    Documents {
        docs,
        index: Bytes::from(index),
    }
}

/// Every document, rendered on first use.
pub fn documents() -> &'static Documents {
    static DOCS: OnceLock<Documents> = OnceLock::new();
    DOCS.get_or_init(build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lists_every_group_version_with_its_hash() {
        let docs = documents();
        let index: Value = serde_json::from_slice(&docs.index).unwrap();
        let paths = index["paths"].as_object().unwrap();
        assert_eq!(paths.len(), builtin().group_versions().count());
        for key in [
            "api/v1",
            "apis/apps/v1",
            "apis/autoscaling/v2",
            "apis/rbac.authorization.k8s.io/v1",
        ] {
            let doc = docs.get(key).unwrap();
            assert_eq!(doc.hash.len(), 128);
            assert_eq!(
                paths[key]["serverRelativeURL"],
                format!("/openapi/v3/{key}?hash={}", doc.hash)
            );
        }
    }

    #[test]
    fn hash_is_upper_case_sha512_hex() {
        assert_eq!(
            &hash(b"abc")[..16],
            "DDAF35A193617ABA",
            "SHA-512(\"abc\") starts ddaf35a193617aba"
        );
    }

    #[test]
    fn apps_document_has_deployment_schema_and_scale() {
        let doc: Value =
            serde_json::from_slice(&documents().get("apis/apps/v1").unwrap().json).unwrap();
        assert_eq!(doc["openapi"], "3.0.0");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert!(schemas["io.k8s.api.autoscaling.v1.Scale"].is_object());
        assert!(schemas["io.k8s.api.apps.v1.DeploymentList"].is_object());
        assert!(schemas["io.k8s.api.core.v1.PodSpec"].is_object());
        // Only what apps refers to.
        assert!(schemas.get("io.k8s.api.batch.v1.Job").is_none());
        assert_eq!(
            doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["patch"]
                ["x-kubernetes-group-version-kind"]["kind"],
            "Scale"
        );
    }
}
