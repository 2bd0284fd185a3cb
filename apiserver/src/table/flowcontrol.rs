//! `flowcontrol.apiserver.k8s.io`: flow schemas and priority levels.

use serde_json::{json, Value};

use super::format::{age, items, n, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "flowschemas" => p(flow_schema_columns, flow_schema_cells),
        "prioritylevelconfigurations" => p(priority_level_columns, priority_level_cells),
        _ => None,
    }
}

fn flow_schema_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("PriorityLevel", "`name` is the name of the priority level configuration being referenced Required."),
        c("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request."),
        c("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema."),
        AGE,
        c("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
    ]
}

fn flow_schema_cells(obj: &Value, now: i64) -> Vec<Value> {
    let method = if obj["spec"]["distinguisherMethod"].is_object() {
        s(obj, "spec.distinguisherMethod.type")
    } else {
        "<none>"
    };
    let missing = items(&obj["status"]["conditions"])
        .find(|c| c["type"] == "Dangling")
        .map(|c| s(c, "status"))
        .unwrap_or("?");
    vec![
        name(obj),
        json!(s(obj, "spec.priorityLevelConfiguration.name")),
        json!(n(obj, "spec.matchingPrecedence")),
        json!(method),
        age(obj, now),
        json!(missing),
    ]
}

fn priority_level_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Type", "`type` indicates whether this priority level is subject to limitation on request execution."),
        c("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
        c("Queues", "`queues` is the number of queues for this priority level."),
        c("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
        c("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time."),
        AGE,
    ]
}

/// The numbers print as numbers, `<none>` for an exempt level or one that rejects.
fn priority_level_cells(obj: &Value, now: i64) -> Vec<Value> {
    let none = || json!("<none>");
    let limited = &obj["spec"]["limited"];
    let (mut shares, mut queues, mut hand, mut length) = (none(), none(), none(), none());
    if limited.is_object() {
        shares = json!(n(limited, "nominalConcurrencyShares"));
        let q = &limited["limitResponse"]["queuing"];
        if q.is_object() {
            queues = json!(n(q, "queues"));
            hand = json!(n(q, "handSize"));
            length = json!(n(q, "queueLengthLimit"));
        }
    }
    vec![
        name(obj),
        json!(s(obj, "spec.type")),
        shares,
        queues,
        hand,
        length,
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_schema_and_priority_level_rows() {
        let fs = json!({"spec": {"priorityLevelConfiguration": {"name": "global-default"},
            "matchingPrecedence": 9900, "distinguisherMethod": {"type": "ByUser"}},
            "status": {"conditions": [{"type": "Dangling", "status": "False"}]}});
        let row = flow_schema_cells(&fs, 0);
        assert_eq!(
            [&row[1..4], &row[5..]].concat(),
            [
                json!("global-default"),
                json!(9900),
                json!("ByUser"),
                json!("False")
            ]
        );
        assert_eq!(flow_schema_cells(&json!({}), 0)[3], json!("<none>"));
        assert_eq!(flow_schema_cells(&json!({}), 0)[5], json!("?"));
        let plc = json!({"spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 30,
            "limitResponse": {"type": "Queue", "queuing": {"queues": 64, "handSize": 6, "queueLengthLimit": 50}}}}});
        assert_eq!(
            priority_level_cells(&plc, 0)[1..6],
            [json!("Limited"), json!(30), json!(64), json!(6), json!(50)]
        );
        let exempt = json!({"spec": {"type": "Exempt", "exempt": {}}});
        assert_eq!(
            priority_level_cells(&exempt, 0)[1..6],
            [
                json!("Exempt"),
                json!("<none>"),
                json!("<none>"),
                json!("<none>"),
                json!("<none>")
            ]
        );
    }
}
