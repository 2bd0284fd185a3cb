//! `certificates.k8s.io`: certificate signing requests.

use serde_json::{json, Value};

use super::format::{age, items, name, or, s};
use super::{col, human_duration, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "certificatesigningrequests" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        AGE,
        c("SignerName", "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`."),
        c("Requestor", "Base64-encoded PKCS#10 CSR data"),
        c("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued certificate."),
        c("Condition", "Conditions applied to the request, such as approval or denial."),
    ]
}

/// `Approved,Issued`, `Denied`, `Pending`... as upstream's `extractCSRStatus`.
fn condition(obj: &Value) -> String {
    let has = |t: &str| items(&obj["status"]["conditions"]).any(|c| c["type"] == t);
    let mut status = if has("Denied") {
        "Denied"
    } else if has("Approved") {
        "Approved"
    } else {
        "Pending"
    }
    .to_string();
    if has("Failed") {
        status.push_str(",Failed");
    }
    if !s(obj, "status.certificate").is_empty() {
        status.push_str(",Issued");
    }
    status
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let duration = obj["spec"]["expirationSeconds"]
        .as_i64()
        .map(human_duration)
        .unwrap_or_else(|| "<none>".to_string());
    vec![
        name(obj),
        age(obj, now),
        json!(or(s(obj, "spec.signerName"), "<none>")),
        json!(s(obj, "spec.username")),
        json!(duration),
        json!(condition(obj)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_condition_and_duration() {
        let csr = json!({"spec": {"signerName": "kubernetes.io/kube-apiserver-client",
                "username": "alice", "expirationSeconds": 86400},
            "status": {"conditions": [{"type": "Approved"}], "certificate": "x"}});
        assert_eq!(
            cells(&csr, 0)[2..],
            [
                json!("kubernetes.io/kube-apiserver-client"),
                json!("alice"),
                json!("24h"),
                json!("Approved,Issued")
            ]
        );
        assert_eq!(
            cells(&json!({}), 0)[2..],
            [
                json!("<none>"),
                json!(""),
                json!("<none>"),
                json!("Pending")
            ]
        );
        let denied = json!({"status": {"conditions": [{"type": "Approved"}, {"type": "Denied"}, {"type": "Failed"}]}});
        assert_eq!(condition(&denied), "Denied,Failed");
    }
}
