//! Server-side printing: objects as a `meta.k8s.io/v1` Table with upstream's columns (what
//! `kubectl get` shows). Resources without columns of their own get NAME and AGE.

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use crate::object;
use crate::status::ApiError;

mod apps_and_policy;
mod cluster_plumbing;
mod printers;

/// `includeObject`: what each row carries besides its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn from_query(value: Option<&str>) -> Result<Self, ApiError> {
        match value.unwrap_or("") {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "None" => Ok(IncludeObject::None),
            "Object" => Ok(IncludeObject::Object),
            other => Err(ApiError::bad_request(format!(
                "includeObject: Unsupported value: \"{other}\": supported values: \"Metadata\", \"None\", \"Object\""
            ))),
        }
    }
}

pub(crate) struct Column {
    name: &'static str,
    kind: &'static str,
    format: &'static str,
    description: &'static str,
    priority: i64,
}

pub(crate) const fn col(
    name: &'static str,
    kind: &'static str,
    description: &'static str,
) -> Column {
    Column {
        name,
        kind,
        format: "",
        description,
        priority: 0,
    }
}

pub(crate) const NAME: Column = Column {
    name: "Name",
    kind: "string",
    format: "name",
    description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    priority: 0,
};
pub(crate) const AGE: Column = col("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");

impl Column {
    /// The same column with a `format` (e.g. `name`).
    pub(crate) const fn with_format(mut self, format: &'static str) -> Self {
        self.format = format;
        self
    }
}

pub(crate) fn wide(mut c: Column) -> Column {
    c.priority = 1;
    c
}

fn columns(info: &ResourceInfo) -> Vec<Column> {
    printers::columns(info)
        .or_else(|| apps_and_policy::columns(info))
        .or_else(|| cluster_plumbing::columns(info))
        .unwrap_or_else(|| vec![NAME, AGE])
}

fn cells(info: &ResourceInfo, obj: &Value, now: i64) -> Vec<Value> {
    let age = age(obj, now);
    let name = json!(object::name(obj));
    printers::cells(info, obj, now, name.clone(), age.clone())
        .or_else(|| apps_and_policy::cells(info, obj, now, name.clone(), age.clone()))
        .or_else(|| cluster_plumbing::cells(info, obj, name.clone(), age.clone()))
        .unwrap_or_else(|| vec![name, age])
}

fn age(obj: &Value, now: i64) -> Value {
    let created = object::meta_str(obj, "creationTimestamp");
    match created.parse::<api_types::k8s_openapi::jiff::Timestamp>() {
        Ok(t) => json!(human_duration(now - t.as_second())),
        Err(_) => json!("<unknown>"),
    }
}

/// Upstream's `duration.HumanDuration`, on whole seconds.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

fn row_object(obj: &Value, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(obj.clone()),
        IncludeObject::Metadata => Some(json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata").cloned().unwrap_or(json!({})),
        })),
    }
}

/// A Table of `objects`; `list_meta` carries the list's resourceVersion and continue token.
/// Watch events after the first leave out `columnDefinitions` (`with_columns = false`).
pub fn for_objects(
    info: &ResourceInfo,
    objects: &[Value],
    list_meta: Option<&Value>,
    include: IncludeObject,
    with_columns: bool,
) -> Value {
    let now = api_types::k8s_openapi::jiff::Timestamp::now().as_second();
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut row = json!({"cells": cells(info, o, now)});
            if let Some(obj) = row_object(o, include) {
                row["object"] = obj;
            }
            row
        })
        .collect();
    let mut metadata = list_meta.cloned().unwrap_or(json!({}));
    if list_meta.is_none() {
        if let Some(o) = objects.first() {
            metadata = json!({"resourceVersion": object::meta_str(o, "resourceVersion")});
        }
    }
    let mut table = json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "rows": rows,
    });
    if with_columns {
        let defs: Vec<Value> = columns(info)
            .into_iter()
            .map(|c| {
                json!({"name": c.name, "type": c.kind, "format": c.format, "description": c.description, "priority": c.priority})
            })
            .collect();
        table["columnDefinitions"] = Value::Array(defs);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_like_upstream() {
        for (s, want) in [
            (-5, "<invalid>"),
            (-1, "0s"),
            (45, "45s"),
            (119, "119s"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600 + 600, "3h10m"),
            (30 * 3600, "30h"),
            (3 * 86400 + 3600, "3d1h"),
            (20 * 86400, "20d"),
            (3 * 365 * 86400, "3y"),
        ] {
            assert_eq!(human_duration(s), want, "{s}");
        }
    }

    #[test]
    fn configmap_table_columns_and_rows() {
        let cm = api_types::registry::builtin()
            .get("", "v1", "configmaps")
            .unwrap();
        let obj = json!({"metadata": {"name": "c", "namespace": "default", "creationTimestamp": "2020-01-01T00:00:00Z", "labels": {"a": "b"}}, "data": {"x": "1", "y": "2"}});
        let t = for_objects(
            cm,
            &[obj],
            Some(&json!({"resourceVersion": "7"})),
            IncludeObject::Metadata,
            true,
        );
        assert_eq!(t["kind"], "Table");
        let names: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Name", "Data", "Age"]);
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        assert_eq!(t["rows"][0]["cells"][0], "c");
        assert_eq!(t["rows"][0]["cells"][1], 2);
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(t["rows"][0]["object"]["metadata"]["labels"]["a"], "b");
        assert_eq!(t["metadata"]["resourceVersion"], "7");
        let no_cols = for_objects(cm, &[], None, IncludeObject::None, false);
        assert!(no_cols.get("columnDefinitions").is_none());
    }
}
