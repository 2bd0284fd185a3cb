//! Conversion between a served version and the storage version, for resources that two API
//! groups serve from one etcd prefix. `events.k8s.io/v1` Events are stored as core `v1`
//! Events (upstream's storage version), so both APIs see every event.

use serde_json::{Map, Value};

use api_types::registry::ResourceInfo;

/// A pair of in-place conversions.
#[derive(Clone, Copy)]
pub struct Conversion {
    pub to_storage: fn(&mut Value),
    pub from_storage: fn(&mut Value),
}

/// The conversion a resource needs, if it is not stored in the version it is served in.
pub fn for_resource(info: &ResourceInfo) -> Option<Conversion> {
    match (info.group, info.version, info.plural) {
        ("events.k8s.io", "v1", "events") => Some(Conversion {
            to_storage: events_to_core,
            from_storage: core_to_events,
        }),
        _ => None,
    }
}

/// `(events.k8s.io/v1 field, core/v1 field)`.
const EVENT_FIELDS: &[(&str, &str)] = &[
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

fn rename(
    obj: &mut Value,
    pairs: impl Iterator<Item = (&'static str, &'static str)>,
    api_version: &str,
) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    let mut renamed = Map::new();
    for (from, to) in pairs {
        if let Some(v) = map.remove(from) {
            renamed.insert(to.to_string(), v);
        }
    }
    map.extend(renamed);
    map.insert("apiVersion".into(), Value::String(api_version.to_string()));
    map.insert("kind".into(), Value::String("Event".into()));
}

fn events_to_core(obj: &mut Value) {
    rename(obj, EVENT_FIELDS.iter().copied(), "v1");
}

fn core_to_events(obj: &mut Value) {
    rename(
        obj,
        EVENT_FIELDS.iter().map(|(a, b)| (*b, *a)),
        "events.k8s.io/v1",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_round_trip_through_core() {
        let info = api_types::registry::builtin()
            .get("events.k8s.io", "v1", "events")
            .unwrap();
        let conv = for_resource(info).unwrap();
        let original = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"},
            "regarding": {"kind": "Pod", "name": "p"}, "note": "pulled", "reason": "Pulled",
            "reportingController": "kubelet", "eventTime": "2026-01-01T00:00:00.000000Z"});
        let mut stored = original.clone();
        (conv.to_storage)(&mut stored);
        assert_eq!(stored["apiVersion"], "v1");
        assert_eq!(stored["involvedObject"]["name"], "p");
        assert_eq!(stored["message"], "pulled");
        assert_eq!(stored["reportingComponent"], "kubelet");
        assert!(stored.get("note").is_none());
        (conv.from_storage)(&mut stored);
        assert_eq!(stored, original);
        let core = api_types::registry::builtin()
            .get("", "v1", "events")
            .unwrap();
        assert!(for_resource(core).is_none());
    }
}
