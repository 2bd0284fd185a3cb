//! `apiregistration.k8s.io`: API services, as kube-aggregator's own table convertor.

use serde_json::{json, Value};

use super::format::{age, items, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "apiservices" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "Service",
            "The reference to the service that hosts this API endpoint.",
        ),
        c("Available", "Whether this service is available."),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let service = if obj["spec"]["service"].is_object() {
        format!(
            "{}/{}",
            s(obj, "spec.service.namespace"),
            s(obj, "spec.service.name")
        )
    } else {
        "Local".to_string()
    };
    let available = items(&obj["status"]["conditions"])
        .find(|c| c["type"] == "Available")
        .map(|c| match (s(c, "status"), s(c, "reason")) {
            ("True", _) | (_, "") => s(c, "status").to_string(),
            (status, reason) => format!("{status} ({reason})"),
        })
        .unwrap_or_else(|| "Unknown".to_string());
    vec![name(obj), json!(service), json!(available), age(obj, now)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_and_availability() {
        let local = json!({"metadata": {"name": "v1.apps"}, "spec": {"group": "apps"},
            "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local"}]}});
        assert_eq!(
            cells(&local, 0)[..3],
            [json!("v1.apps"), json!("Local"), json!("True")]
        );
        let down = json!({"spec": {"service": {"namespace": "ns", "name": "m"}},
            "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints"}]}});
        assert_eq!(
            cells(&down, 0)[1..3],
            [json!("ns/m"), json!("False (MissingEndpoints)")]
        );
        assert_eq!(cells(&json!({}), 0)[2], json!("Unknown"));
    }
}
