//! `scheduling.k8s.io`: priority classes.

use serde_json::{json, Value};

use super::format::{age, n, name, or, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "priorityclasses" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    vec![
        NAME,
        col("Value", "integer", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
        col("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
        AGE,
        col("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority."),
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(n(obj, "value")),
        json!(obj["globalDefault"].as_bool().unwrap_or(false)),
        age(obj, now),
        // Upstream's value after defaulting.
        json!(or(s(obj, "preemptionPolicy"), "PreemptLowerPriority")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_class_row() {
        let pc = json!({"metadata": {"name": "high"}, "value": 1000, "globalDefault": true,
            "preemptionPolicy": "Never"});
        let row = cells(&pc, 0);
        assert_eq!(
            [&row[..3], &row[4..]].concat(),
            [json!("high"), json!(1000), json!(true), json!("Never")]
        );
        assert_eq!(cells(&json!({}), 0)[4], json!("PreemptLowerPriority"));
    }
}
