//! Events, as upstream's `printEvent`. The `events.k8s.io/v1` Event is the same object
//! with renamed fields, so both APIs print through here.

use serde_json::{json, Value};

use super::super::format::{n, or, s, since};
use super::super::{col, wide, Column, NAME};

pub(in super::super) fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        c("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        c("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        c("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        c("Object", "The object that this event is about."),
        wide(c("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].")),
        wide(c("Source", "The component reporting this event. Should be a short machine understandable string.")),
        c("Message", "A human-readable description of the status of this operation."),
        wide(c("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)")),
        wide(c("Count", "The number of times this event has occurred.")),
        wide(NAME),
    ]
}

/// A field under its core/v1 name, else under its events.k8s.io/v1 name.
fn field<'a>(obj: &'a Value, core: &str, events: &str) -> &'a Value {
    match obj.get(core) {
        Some(v) if !v.is_null() => v,
        _ => &obj[events],
    }
}

pub(in super::super) fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let text = |core: &str, events: &str| field(obj, core, events).as_str().unwrap_or("");
    let first = match text("firstTimestamp", "deprecatedFirstTimestamp") {
        "" => since(s(obj, "eventTime"), now),
        t => since(t, now),
    };
    let mut last = match text("lastTimestamp", "deprecatedLastTimestamp") {
        "" => first.clone(),
        t => since(t, now),
    };
    let mut count = field(obj, "count", "deprecatedCount").as_i64().unwrap_or(0);
    if obj.get("series").is_some_and(Value::is_object) {
        last = since(s(obj, "series.lastObservedTime"), now);
        count = n(obj, "series.count");
    } else if count == 0 {
        // Singleton events of the new API carry no count.
        count = 1;
    }
    let involved = field(obj, "involvedObject", "regarding");
    let kind = s(involved, "kind").to_lowercase();
    let target = match s(involved, "name") {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let source = field(obj, "source", "deprecatedSource");
    let component = or(
        s(source, "component"),
        text("reportingComponent", "reportingController"),
    );
    let instance = or(s(source, "host"), s(obj, "reportingInstance"));
    let source = if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        json!(s(obj, "type")),
        json!(s(obj, "reason")),
        json!(target),
        json!(s(involved, "fieldPath")),
        json!(source),
        json!(text("message", "note").trim()),
        json!(first),
        json!(count),
        json!(crate::object::name(obj)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_and_events_k8s_io_shapes_print_alike() {
        let now = 1_000_000;
        let core = json!({"metadata": {"name": "e"}, "type": "Normal", "reason": "Pulled",
            "involvedObject": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{a}"},
            "message": " pulled \n", "count": 3, "source": {"component": "kubelet", "host": "n1"},
            "firstTimestamp": "1970-01-12T13:46:00Z", "lastTimestamp": "1970-01-12T13:46:30Z"});
        let events = json!({"metadata": {"name": "e"}, "type": "Normal", "reason": "Pulled",
            "regarding": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{a}"},
            "note": " pulled \n", "deprecatedCount": 3, "deprecatedSource": {"component": "kubelet", "host": "n1"},
            "deprecatedFirstTimestamp": "1970-01-12T13:46:00Z", "deprecatedLastTimestamp": "1970-01-12T13:46:30Z"});
        let want = [
            json!("10s"),
            json!("Normal"),
            json!("Pulled"),
            json!("pod/p"),
            json!("spec.containers{a}"),
            json!("kubelet, n1"),
            json!("pulled"),
            json!("40s"),
            json!(3),
            json!("e"),
        ];
        assert_eq!(cells(&core, now), want);
        assert_eq!(cells(&events, now), want);
        // A new-API singleton: eventTime, reporting controller, count 1.
        let single = json!({"eventTime": "1970-01-12T13:46:00.000000Z", "reportingController": "sched",
            "regarding": {"kind": "Node"}});
        let row = cells(&single, now);
        assert_eq!(row[0], json!("40s"));
        assert_eq!(row[3], json!("node"));
        assert_eq!(row[5], json!("sched"));
        assert_eq!(row[8], json!(1));
    }
}
