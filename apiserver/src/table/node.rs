//! `node.k8s.io`: runtime classes.

use serde_json::{json, Value};

use super::format::{age, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "runtimeclasses" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    vec![
        NAME,
        col("Handler", "string", "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![name(obj), json!(s(obj, "handler")), age(obj, now)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_cell() {
        let rc = json!({"metadata": {"name": "gvisor"}, "handler": "runsc"});
        assert_eq!(cells(&rc, 0)[..2], [json!("gvisor"), json!("runsc")]);
    }
}
