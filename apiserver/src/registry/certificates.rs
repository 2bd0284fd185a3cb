//! certificates.k8s.io/v1 CertificateSigningRequests. Upstream has no scheme defaults for
//! them; its strategy makes a request immutable once created: the status is cleared on
//! create, an update keeps the stored spec and status, and a status write keeps the spec
//! and the approval conditions (those belong to the `approval` subresource).
//!
//! Upstream also replaces `spec.username`, `uid`, `groups` and `extra` with the requesting
//! user's on create. [`Strategy`] hooks get no request context, so the values a client sends
//! are kept for now.

use api_types::registry::ResourceInfo;
use serde_json::Value;

use super::default::{copy_status, DefaultStrategy};
use super::Strategy;

/// `v1` CertificateSigningRequests.
pub struct CertificateSigningRequestStrategy {
    base: DefaultStrategy,
}

impl CertificateSigningRequestStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        CertificateSigningRequestStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

/// Makes `new`'s field `key` what `old`'s is (absent stays absent).
fn keep(new: &mut Value, old: &Value, key: &str) {
    if let Some(map) = new.as_object_mut() {
        match old.get(key) {
            Some(v) => {
                map.insert(key.to_string(), v.clone());
            }
            None => {
                map.remove(key);
            }
        }
    }
}

impl Strategy for CertificateSigningRequestStrategy {
    /// Users cannot create pre-approved requests.
    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.remove("status");
        }
    }

    /// Upstream's PrepareForCreate: whatever the client wrote, the request's user is who
    /// asked for the certificate.
    fn record_requester(&self, obj: &mut Value, user: &crate::pipeline::authn::UserInfo) {
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        for field in ["username", "uid", "groups", "extra"] {
            spec.remove(field);
        }
        if !user.name.is_empty() {
            spec.insert("username".into(), user.name.clone().into());
        }
        if !user.uid.is_empty() {
            spec.insert("uid".into(), user.uid.clone().into());
        }
        if !user.groups.is_empty() {
            spec.insert("groups".into(), user.groups.clone().into());
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        keep(new, old, "spec");
        copy_status(new, old);
    }

    fn prepare_for_status_update(&self, new: &mut Value, old: &Value) {
        keep(new, old, "spec");
        if let Some(status) = new.get_mut("status").and_then(Value::as_object_mut) {
            match old["status"].get("conditions") {
                Some(c) => {
                    status.insert("conditions".into(), c.clone());
                }
                None => {
                    status.remove("conditions");
                }
            }
        }
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strategy() -> CertificateSigningRequestStrategy {
        CertificateSigningRequestStrategy::new(
            api_types::registry::builtin()
                .get("certificates.k8s.io", "v1", "certificatesigningrequests")
                .unwrap(),
        )
    }

    #[test]
    fn create_clears_status() {
        let mut csr = json!({"spec": {"request": "x", "signerName": "s", "usages": ["client auth"]},
            "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "Y2VydA=="}});
        strategy().prepare_for_create(&mut csr);
        assert!(csr.get("status").is_none());
        assert_eq!(csr["spec"]["signerName"], "s");
    }

    #[test]
    fn spec_is_immutable_and_status_writes_keep_conditions() {
        let s = strategy();
        let old = json!({"spec": {"request": "x", "signerName": "s"},
            "status": {"conditions": [{"type": "Approved", "status": "True"}]}});
        let mut upd = json!({"spec": {"request": "y", "signerName": "t"}, "status": {}});
        s.prepare_for_update(&mut upd, &old);
        assert_eq!(upd["spec"], old["spec"]);
        assert_eq!(upd["status"], old["status"]);
        let mut status = json!({"spec": {"request": "z"}, "status": {"certificate": "Y2VydA==",
            "conditions": [{"type": "Denied", "status": "True"}]}});
        s.prepare_for_status_update(&mut status, &old);
        assert_eq!(status["spec"], old["spec"]);
        assert_eq!(status["status"]["certificate"], "Y2VydA==");
        assert_eq!(status["status"]["conditions"], old["status"]["conditions"]);
        assert_eq!(
            s.extra_fields(&json!({"spec": {"signerName": "s"}})),
            [("spec.signerName", "s".to_string())]
        );
    }
}
