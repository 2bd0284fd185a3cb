//! Events, served as core `v1` and as `events.k8s.io/v1` from one storage (core v1).
//!
//! Upstream's `ValidateEventCreate`/`ValidateEventUpdate`: every event passes the legacy
//! rules (`legacyValidateEvent`); requests to `/api/v1` stop there for backwards
//! compatibility, while `events.k8s.io/v1` adds the strict rules (eventTime, type, series,
//! the deprecated fields unset, and on update most fields immutable). Upstream validates the
//! internal (core-shaped) object, so its field paths use the core names (`involvedObject`,
//! `message`, `series.count`) except for the reporting controller, which it names after the
//! API asked (`reportingComponent` in core v1, `reportingController` in events.k8s.io).

use api_types::registry::ResourceInfo;
use api_types::validation::{
    is_dns1123_subdomain, is_qualified_name, FieldError, FieldPath, FIELD_IMMUTABLE_ERROR_MSG,
};
use serde_json::{Map, Value};

use crate::object;
use crate::registry::convert::events_to_core;
use crate::registry::default::DefaultStrategy;
use crate::registry::Strategy;

const REPORTING_INSTANCE_LIMIT: usize = 128;
const ACTION_LIMIT: usize = 128;
const REASON_LIMIT: usize = 128;
const NOTE_LIMIT: usize = 1024;

/// Which API an event arrives through: the rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventApi {
    /// `/api/v1`: legacy rules only.
    CoreV1,
    /// `events.k8s.io/v1`: legacy plus strict rules.
    EventsV1,
}

pub struct EventStrategy {
    base: DefaultStrategy,
    api: EventApi,
}

impl EventStrategy {
    /// The strategy of `info`'s events API (core `v1` or `events.k8s.io/v1`).
    pub fn new(info: &ResourceInfo) -> Self {
        EventStrategy {
            base: DefaultStrategy::new(info),
            api: if info.group == "events.k8s.io" {
                EventApi::EventsV1
            } else {
                EventApi::CoreV1
            },
        }
    }

    /// The object in core shape, which upstream validates.
    fn core_shape(&self, obj: &Value) -> Value {
        let mut core = obj.clone();
        if self.api == EventApi::EventsV1 {
            events_to_core(&mut core);
        }
        core
    }
}

fn text<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj[field].as_str().unwrap_or("")
}

/// Whether a `metav1.Time`/`MicroTime` field holds Go's zero time (absent, null or empty).
fn is_zero_time(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty() || s.starts_with("0001-01-01T00:00:00"),
        _ => false,
    }
}

/// The value with Go zero values dropped, so `absent`, `null` and `""` compare equal as
/// upstream's typed comparison does.
fn pruned(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let kept: Map<String, Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), pruned(v)))
                .filter(|(_, v)| !is_go_zero(v))
                .collect();
            Value::Object(kept)
        }
        Value::Array(items) => Value::Array(items.iter().map(pruned).collect()),
        other => other.clone(),
    }
}

fn is_go_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
    }
}

fn too_long(path: &str, limit: usize) -> FieldError {
    FieldError::invalid(
        &FieldPath::new(path),
        "",
        format!("can have at most {limit} characters"),
    )
}

/// Upstream's `legacyValidateEvent` over a core-shaped event; `controller_field` names the
/// reporting controller in the API asked.
fn legacy_validate(obj: &Value, controller_field: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let namespace = object::namespace(obj);
    let involved_ns = obj["involvedObject"]["namespace"].as_str().unwrap_or("");
    let ns_path = FieldPath::from_names(["involvedObject", "namespace"]);
    let mismatch = || FieldError::invalid(&ns_path, involved_ns, "does not match event.namespace");
    if is_zero_time(&obj["eventTime"]) {
        let ok = if involved_ns.is_empty() {
            namespace.is_empty() || namespace == "default"
        } else {
            namespace == involved_ns
        };
        if !ok {
            errs.push(mismatch());
        }
    } else {
        if involved_ns.is_empty() && namespace != "default" && namespace != "kube-system" {
            errs.push(mismatch());
        }
        let controller = text(obj, "reportingComponent");
        let controller_path = FieldPath::new(controller_field);
        if controller.is_empty() {
            errs.push(FieldError::required(&controller_path, ""));
        }
        for msg in is_qualified_name(controller) {
            errs.push(FieldError::invalid(&controller_path, controller, msg));
        }
        for (field, limit) in [
            ("reportingInstance", REPORTING_INSTANCE_LIMIT),
            ("action", ACTION_LIMIT),
            ("reason", REASON_LIMIT),
        ] {
            let value = text(obj, field);
            if value.is_empty() {
                errs.push(FieldError::required(&FieldPath::new(field), ""));
            }
            if value.len() > limit {
                errs.push(too_long(field, limit));
            }
        }
        if text(obj, "message").len() > NOTE_LIMIT {
            errs.push(too_long("message", NOTE_LIMIT));
        }
    }
    for msg in is_dns1123_subdomain(namespace) {
        errs.push(FieldError::invalid(
            &FieldPath::new("namespace"),
            namespace,
            msg,
        ));
    }
    errs
}

/// Upstream's `validateV1EventSeries`.
fn validate_series(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let series = &obj["series"];
    if series.is_object() {
        if series["count"].as_i64().unwrap_or(0) < 2 {
            errs.push(FieldError::invalid(
                &FieldPath::new("series.count"),
                "",
                "should be at least 2",
            ));
        }
        if is_zero_time(&series["lastObservedTime"]) {
            errs.push(FieldError::required(
                &FieldPath::new("series.lastObservedTime"),
                "",
            ));
        }
    }
    errs
}

/// The strict create rules of `events.k8s.io/v1` (after the legacy ones).
fn strict_create(obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_series(obj);
    if is_zero_time(&obj["eventTime"]) {
        errs.push(FieldError::required(&FieldPath::new("eventTime"), ""));
    }
    let kind = text(obj, "type");
    if kind != "Normal" && kind != "Warning" {
        errs.push(FieldError::invalid(
            &FieldPath::new("type"),
            "",
            format!("has invalid value: {kind}"),
        ));
    }
    for field in ["firstTimestamp", "lastTimestamp"] {
        if !is_zero_time(&obj[field]) {
            errs.push(FieldError::invalid(
                &FieldPath::new(field),
                "",
                "needs to be unset",
            ));
        }
    }
    if obj["count"].as_i64().unwrap_or(0) != 0 {
        errs.push(FieldError::invalid(
            &FieldPath::new("count"),
            "",
            "needs to be unset",
        ));
    }
    if !text(&obj["source"], "component").is_empty() || !text(&obj["source"], "host").is_empty() {
        errs.push(FieldError::invalid(
            &FieldPath::new("source"),
            "",
            "needs to be unset",
        ));
    }
    errs
}

/// Whether two `MicroTime` values differ beyond microsecond precision (upstream tolerates
/// sub-microsecond changes from clients that truncate when serializing).
fn event_time_changed(new: &Value, old: &Value) -> bool {
    if pruned(new) == pruned(old) {
        return false;
    }
    let micros = |v: &Value| {
        v.as_str()
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_microsecond())
    };
    match (micros(new), micros(old)) {
        (Some(a), Some(b)) => a != b,
        _ => true,
    }
}

/// The strict update rules of `events.k8s.io/v1` (after the legacy ones).
fn strict_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if pruned(&new["series"]) != pruned(&old["series"]) {
        errs.extend(validate_series(new));
    }
    let mut immutable = |field: &str| {
        if pruned(&new[field]) != pruned(&old[field]) {
            errs.push(FieldError::invalid(
                &FieldPath::new(field),
                new[field].clone(),
                FIELD_IMMUTABLE_ERROR_MSG,
            ));
        }
    };
    // Upstream's order, `reason` twice included.
    for field in [
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "reason",
        "type",
    ] {
        immutable(field);
    }
    if event_time_changed(&new["eventTime"], &old["eventTime"]) {
        immutable("eventTime");
    }
    for field in ["action", "related"] {
        immutable(field);
    }
    // Stored as `reportingComponent`, named after the events.k8s.io field.
    if pruned(&new["reportingComponent"]) != pruned(&old["reportingComponent"]) {
        errs.push(FieldError::invalid(
            &FieldPath::new("reportingController"),
            new["reportingComponent"].clone(),
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if pruned(&new["reportingInstance"]) != pruned(&old["reportingInstance"]) {
        errs.push(FieldError::invalid(
            &FieldPath::new("reportingInstance"),
            new["reportingInstance"].clone(),
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    errs
}

impl Strategy for EventStrategy {
    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let core = self.core_shape(obj);
        match self.api {
            EventApi::CoreV1 => legacy_validate(&core, "reportingComponent"),
            EventApi::EventsV1 => {
                let mut errs = legacy_validate(&core, "reportingController");
                errs.extend(strict_create(&core));
                errs
            }
        }
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let new = self.core_shape(new);
        match self.api {
            EventApi::CoreV1 => legacy_validate(&new, "reportingComponent"),
            EventApi::EventsV1 => {
                let old = self.core_shape(old);
                let mut errs = legacy_validate(&new, "reportingController");
                errs.extend(strict_update(&new, &old));
                errs
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strategy(group: &str) -> EventStrategy {
        let info = api_types::registry::builtin()
            .get(group, "v1", "events")
            .unwrap();
        EventStrategy::new(info)
    }

    /// `(field, reason, message)` of every error.
    fn triples(errs: Vec<FieldError>) -> Vec<(String, String, String)> {
        errs.iter()
            .map(|e| (e.field.clone(), e.reason().to_string(), e.cause_message()))
            .collect()
    }

    fn t(field: &str, reason: &str, msg: &str) -> (String, String, String) {
        (field.to_string(), reason.to_string(), msg.to_string())
    }

    #[test]
    fn legacy_rules() {
        let core = strategy("");
        let cases = [
            (
                "matching namespaces",
                json!({"metadata": {"namespace": "team"},
                    "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"}}),
                vec![],
            ),
            (
                "other namespace",
                json!({"metadata": {"namespace": "team"},
                    "involvedObject": {"kind": "Pod", "name": "p", "namespace": "elsewhere"}}),
                vec![t(
                    "involvedObject.namespace",
                    "FieldValueInvalid",
                    "Invalid value: \"elsewhere\": does not match event.namespace",
                )],
            ),
            (
                "cluster-scoped object in default",
                json!({"metadata": {"namespace": "default"},
                    "involvedObject": {"kind": "Node", "name": "n1"}}),
                vec![],
            ),
            (
                "cluster-scoped object elsewhere",
                json!({"metadata": {"namespace": "team"},
                    "involvedObject": {"kind": "Node", "name": "n1"}}),
                vec![t(
                    "involvedObject.namespace",
                    "FieldValueInvalid",
                    "Invalid value: \"\": does not match event.namespace",
                )],
            ),
            (
                "new shape without reporter",
                json!({"metadata": {"namespace": "team"},
                    "eventTime": "2025-01-01T00:00:00.000000Z",
                    "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"},
                    "reason": "r", "message": "x".repeat(1025)}),
                vec![
                    t("reportingComponent", "FieldValueRequired", "Required value"),
                    t(
                        "reportingComponent",
                        "FieldValueInvalid",
                        "Invalid value: \"\": name part must be non-empty",
                    ),
                    t(
                        "reportingComponent",
                        "FieldValueInvalid",
                        "Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    ),
                    t("reportingInstance", "FieldValueRequired", "Required value"),
                    t("action", "FieldValueRequired", "Required value"),
                    t(
                        "message",
                        "FieldValueInvalid",
                        "Invalid value: \"\": can have at most 1024 characters",
                    ),
                ],
            ),
        ];
        for (name, obj, want) in cases {
            assert_eq!(triples(core.validate(&obj)), want, "{name}");
        }
        // Core v1 has no strict rules: no eventTime, no type, deprecated fields set.
        let legacy = json!({"metadata": {"namespace": "team"}, "count": 3,
            "firstTimestamp": "2025-01-01T00:00:00Z", "type": "Odd",
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"}});
        assert!(core.validate(&legacy).is_empty());
        let changed = json!({"metadata": {"namespace": "team"}, "message": "other",
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"}});
        assert!(core.validate_update(&changed, &legacy).is_empty());
    }

    fn good_v1() -> Value {
        json!({"metadata": {"name": "e", "namespace": "team"},
            "eventTime": "2025-01-01T00:00:00.000000Z", "type": "Normal",
            "regarding": {"kind": "Pod", "name": "p", "namespace": "team"},
            "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
            "action": "Pulled", "reason": "Pulled", "note": "done"})
    }

    #[test]
    fn strict_create_rules_of_events_v1() {
        let s = strategy("events.k8s.io");
        assert!(
            s.validate(&good_v1()).is_empty(),
            "{:?}",
            s.validate(&good_v1())
        );
        let with = |patch: Value| {
            let mut obj = good_v1();
            for (k, v) in patch.as_object().unwrap() {
                if v.is_null() {
                    obj.as_object_mut().unwrap().remove(k);
                } else {
                    obj[k] = v.clone();
                }
            }
            triples(s.validate(&obj))
        };
        let cases = [
            (
                json!({"eventTime": null}),
                vec![t("eventTime", "FieldValueRequired", "Required value")],
            ),
            (
                json!({"reportingController": null}),
                vec![
                    t("reportingController", "FieldValueRequired", "Required value"),
                    t(
                        "reportingController",
                        "FieldValueInvalid",
                        "Invalid value: \"\": name part must be non-empty",
                    ),
                    t(
                        "reportingController",
                        "FieldValueInvalid",
                        "Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    ),
                ],
            ),
            (
                json!({"reportingInstance": "i".repeat(129), "action": "a".repeat(129)}),
                vec![
                    t(
                        "reportingInstance",
                        "FieldValueInvalid",
                        "Invalid value: \"\": can have at most 128 characters",
                    ),
                    t(
                        "action",
                        "FieldValueInvalid",
                        "Invalid value: \"\": can have at most 128 characters",
                    ),
                ],
            ),
            (
                json!({"reason": null, "note": "n".repeat(1025)}),
                vec![
                    t("reason", "FieldValueRequired", "Required value"),
                    t(
                        "message",
                        "FieldValueInvalid",
                        "Invalid value: \"\": can have at most 1024 characters",
                    ),
                ],
            ),
            (
                json!({"type": "Odd"}),
                vec![t(
                    "type",
                    "FieldValueInvalid",
                    "Invalid value: \"\": has invalid value: Odd",
                )],
            ),
            (
                json!({"series": {"count": 1}}),
                vec![
                    t(
                        "series.count",
                        "FieldValueInvalid",
                        "Invalid value: \"\": should be at least 2",
                    ),
                    t("series.lastObservedTime", "FieldValueRequired", "Required value"),
                ],
            ),
            (
                json!({"deprecatedCount": 2, "deprecatedFirstTimestamp": "2025-01-01T00:00:00Z",
                    "deprecatedLastTimestamp": "2025-01-01T00:00:00Z",
                    "deprecatedSource": {"component": "kubelet"}}),
                vec![
                    t("firstTimestamp", "FieldValueInvalid", "Invalid value: \"\": needs to be unset"),
                    t("lastTimestamp", "FieldValueInvalid", "Invalid value: \"\": needs to be unset"),
                    t("count", "FieldValueInvalid", "Invalid value: \"\": needs to be unset"),
                    t("source", "FieldValueInvalid", "Invalid value: \"\": needs to be unset"),
                ],
            ),
            (
                json!({"regarding": {"kind": "Node", "name": "n1"}}),
                vec![t(
                    "involvedObject.namespace",
                    "FieldValueInvalid",
                    "Invalid value: \"\": does not match event.namespace",
                )],
            ),
        ];
        for (patch, want) in cases {
            assert_eq!(with(patch.clone()), want, "{patch}");
        }
        // A cluster-scoped object's event may live in kube-system.
        let mut node = good_v1();
        node["metadata"]["namespace"] = json!("kube-system");
        node["regarding"] = json!({"kind": "Node", "name": "n1"});
        assert!(s.validate(&node).is_empty());
    }

    #[test]
    fn strict_update_rules_of_events_v1() {
        let s = strategy("events.k8s.io");
        let old = good_v1();
        let mut new = old.clone();
        new["series"] = json!({"count": 2, "lastObservedTime": "2025-01-01T00:01:00.000000Z"});
        // Sub-microsecond eventTime changes are tolerated.
        new["eventTime"] = json!("2025-01-01T00:00:00.000000400Z");
        assert!(s.validate_update(&new, &old).is_empty());
        new["note"] = json!("changed");
        new["reportingController"] = json!("other");
        new["eventTime"] = json!("2025-01-01T00:00:01.000000Z");
        new["action"] = json!("Other");
        assert_eq!(
            triples(s.validate_update(&new, &old)),
            vec![
                t(
                    "message",
                    "FieldValueInvalid",
                    "Invalid value: \"changed\": field is immutable"
                ),
                t(
                    "eventTime",
                    "FieldValueInvalid",
                    "Invalid value: \"2025-01-01T00:00:01.000000Z\": field is immutable"
                ),
                t(
                    "action",
                    "FieldValueInvalid",
                    "Invalid value: \"Other\": field is immutable"
                ),
                t(
                    "reportingController",
                    "FieldValueInvalid",
                    "Invalid value: \"other\": field is immutable"
                ),
            ]
        );
        let mut bad_series = old.clone();
        bad_series["series"] = json!({"count": 0, "lastObservedTime": "2025-01-01T00:01:00Z"});
        assert_eq!(
            triples(s.validate_update(&bad_series, &old)),
            vec![t(
                "series.count",
                "FieldValueInvalid",
                "Invalid value: \"\": should be at least 2"
            )]
        );
    }
}
