//! `discovery.k8s.io`: endpoint slices.

use serde_json::{json, Value};

use super::format::{age, items, name, s, with_more};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "endpointslices" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "AddressType",
            "addressType specifies the type of address carried by this EndpointSlice.",
        ),
        c(
            "Ports",
            "ports specifies the list of network ports exposed by each endpoint in this slice.",
        ),
        c(
            "Endpoints",
            "endpoints is a list of unique endpoints in this slice.",
        ),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    // A port prints its number, else its name, else `*`.
    let ports: Vec<String> = items(&obj["ports"])
        .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses: Vec<String> = items(&obj["endpoints"])
        .flat_map(|e| items(&e["addresses"]))
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    vec![
        name(obj),
        json!(s(obj, "addressType")),
        json!(with_more(&ports, 3)),
        json!(with_more(&addresses, 3)),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_endpoints() {
        let es = json!({"addressType": "IPv4", "ports": [{"port": 80}, {"name": "metrics"}, {}],
            "endpoints": [{"addresses": ["10.0.0.1", "10.0.0.2"]}, {"addresses": ["10.0.0.3", "10.0.0.4"]}]});
        assert_eq!(
            cells(&es, 0)[1..4],
            [
                json!("IPv4"),
                json!("80,metrics,*"),
                json!("10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...")
            ]
        );
        assert_eq!(
            cells(&json!({}), 0)[2..4],
            [json!("<unset>"), json!("<unset>")]
        );
    }
}
