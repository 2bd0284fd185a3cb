//! `coordination.k8s.io`: leases.

use serde_json::{json, Value};

use super::format::{age, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "leases" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Holder",
            "string",
            "holderIdentity contains the identity of the holder of a current lease.",
        ),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(s(obj, "spec.holderIdentity")),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_is_empty_when_unset() {
        let lease = json!({"metadata": {"name": "l"}, "spec": {"holderIdentity": "node-1"}});
        assert_eq!(cells(&lease, 0)[..2], [json!("l"), json!("node-1")]);
        assert_eq!(cells(&json!({}), 0)[1], json!(""));
    }
}
