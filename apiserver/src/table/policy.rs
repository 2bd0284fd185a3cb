//! `policy`: pod disruption budgets.

use serde_json::{json, Value};

use super::format::{age, int_or_string, n, name};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "poddisruptionbudgets" => Some(Printer { columns, cells }),
        _ => None,
    }
}

fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "Min Available",
            "The minimum number of pods that must be available.",
        ),
        c(
            "Max Unavailable",
            "The maximum number of pods that may be unavailable.",
        ),
        col(
            "Allowed Disruptions",
            "integer",
            "Calculated number of pods that may be disrupted at this time.",
        ),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        int_or_string(&obj["spec"]["minAvailable"]),
        int_or_string(&obj["spec"]["maxUnavailable"]),
        json!(n(obj, "status.disruptionsAllowed")),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_row() {
        let pdb = json!({"metadata": {"name": "pdb"}, "spec": {"maxUnavailable": "25%"},
            "status": {"disruptionsAllowed": 1}});
        assert_eq!(
            cells(&pdb, 0)[..4],
            [json!("pdb"), json!("N/A"), json!("25%"), json!(1)]
        );
    }
}
