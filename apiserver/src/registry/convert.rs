//! Conversion between a served version and the storage version, for resources that two API
//! versions serve from one etcd prefix: `events.k8s.io/v1` Events are stored as core `v1`
//! Events, and HorizontalPodAutoscalers as `autoscaling/v2` (upstream's storage versions), so
//! both APIs see every object.

use serde_json::{Map, Value};

use api_types::registry::ResourceInfo;

use crate::registry::autoscaling::v1 as hpa;

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
        ("autoscaling", "v1", "horizontalpodautoscalers") => Some(Conversion {
            to_storage: hpa_v1_to_storage,
            from_storage: hpa_v1_from_storage,
        }),
        ("autoscaling", "v2", "horizontalpodautoscalers") => Some(Conversion {
            to_storage: hpa_v2_to_storage,
            from_storage: hpa_v2_from_storage,
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

/// An `events.k8s.io/v1` Event in core `v1` shape.
pub fn events_to_core(obj: &mut Value) {
    rename(obj, EVENT_FIELDS.iter().copied(), "v1");
}

fn core_to_events(obj: &mut Value) {
    rename(
        obj,
        EVENT_FIELDS.iter().map(|(a, b)| (*b, *a)),
        "events.k8s.io/v1",
    );
}

/// A stored HPA in the v2 shape: stored v2 as is, a v1 object (written before the storage
/// version was v2) converted; either way with the v2 defaults the storage decoder applies.
fn stored_hpa_as_v2(obj: &mut Value) {
    if obj["apiVersion"] == "autoscaling/v1" {
        *obj = hpa::v1_to_v2(obj).0;
    }
    hpa::drop_round_trip_annotations(obj);
    crate::registry::autoscaling::defaults_v2(obj);
}

fn hpa_v1_to_storage(obj: &mut Value) {
    *obj = hpa::v1_to_v2(obj).0;
}

fn hpa_v1_from_storage(obj: &mut Value) {
    stored_hpa_as_v2(obj);
    *obj = hpa::v2_to_v1(obj);
}

fn hpa_v2_to_storage(obj: &mut Value) {
    hpa::drop_round_trip_annotations(obj);
    if let Some(map) = obj.as_object_mut() {
        map.insert("apiVersion".into(), Value::String("autoscaling/v2".into()));
    }
}

fn hpa_v2_from_storage(obj: &mut Value) {
    stored_hpa_as_v2(obj);
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

    fn hpa_conversion(version: &str) -> Conversion {
        let info = api_types::registry::builtin()
            .get("autoscaling", version, "horizontalpodautoscalers")
            .unwrap();
        for_resource(info).unwrap()
    }

    #[test]
    fn hpa_versions_share_the_v2_storage() {
        let (v1, v2) = (hpa_conversion("v1"), hpa_conversion("v2"));
        // Written as v2 with a CPU metric and an extra metric: read as v1.
        let mut stored = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h", "annotations": {"autoscaling.alpha.kubernetes.io/metrics": "[]"}},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d"}, "minReplicas": 1, "maxReplicas": 4,
                "metrics": [{"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}},
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 55}}}]}});
        (v2.to_storage)(&mut stored);
        assert!(
            stored["metadata"].get("annotations").is_none(),
            "v2 never stores round-trip annotations"
        );
        let mut as_v1 = stored.clone();
        (v1.from_storage)(&mut as_v1);
        assert_eq!(as_v1["apiVersion"], "autoscaling/v1");
        assert_eq!(as_v1["spec"]["targetCPUUtilizationPercentage"], 55);
        assert_eq!(
            as_v1["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"],
            "[{\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"1Gi\"},\"type\":\"Resource\"}]"
        );
        // Written back through v1 unchanged: the same stored object (upstream puts the v1 CPU
        // target after the annotation's metrics, the order used here).
        let mut again = as_v1.clone();
        (v1.to_storage)(&mut again);
        assert_eq!(again, stored);
        let mut as_v2 = stored.clone();
        (v2.from_storage)(&mut as_v2);
        assert_eq!(as_v2, stored);

        // Written as v1 without a target: read as v2 with upstream's 80% CPU default.
        let mut stored = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d"}, "maxReplicas": 4}});
        (v1.to_storage)(&mut stored);
        assert_eq!(stored["apiVersion"], "autoscaling/v2");
        (v2.from_storage)(&mut stored);
        assert_eq!(stored["spec"]["minReplicas"], 1);
        assert_eq!(
            stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            80
        );
    }
}
