//! Server-side printing: objects as a `meta.k8s.io/v1` Table with upstream's columns (what
//! `kubectl get` shows, `-o wide` columns marked priority 1). Each API group's printers live
//! in the file named after the group; [`printer`] picks one. Resources without a printer
//! upstream (roles, limit ranges, CRDs, ...) get its default: NAME and CREATED AT.

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use crate::object;
use crate::status::ApiError;

mod admissionregistration;
mod apiregistration;
mod apps;
mod autoscaling;
mod batch;
mod certificates;
mod coordination;
mod core;
mod discovery;
mod events;
mod flowcontrol;
mod format;
mod networking;
mod node;
mod policy;
mod rbac;
mod scheduling;
mod storage;

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

/// A `TableColumnDefinition`; `priority` 1 marks the `-o wide` ones.
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
/// `ObjectMeta`'s description of `creationTimestamp`, for AGE and CREATED AT.
const CREATION_TIMESTAMP: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
/// The default convertor's creation-time column (type `date`).
pub(crate) const CREATED_AT: Column = col("Created At", "date", CREATION_TIMESTAMP);
pub(crate) const AGE: Column = col("Age", "string", CREATION_TIMESTAMP);

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

/// A resource's columns and how to fill them from one object (cells in column order; the
/// second argument is the current time in seconds, for AGE-like cells).
#[derive(Clone, Copy)]
pub(crate) struct Printer {
    pub(crate) columns: fn() -> Vec<Column>,
    pub(crate) cells: fn(&Value, i64) -> Vec<Value>,
}

/// Upstream's default table convertor, for resources without a printer of their own.
const DEFAULT: Printer = Printer {
    columns: default_columns,
    cells: default_cells,
};

fn default_columns() -> Vec<Column> {
    vec![NAME, CREATED_AT]
}

/// The creation time in RFC 3339 UTC, Go's zero time when unset.
fn default_cells(obj: &Value, _now: i64) -> Vec<Value> {
    let created = object::meta_str(obj, "creationTimestamp")
        .parse::<api_types::k8s_openapi::jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "0001-01-01T00:00:00Z".to_string());
    vec![json!(object::name(obj)), json!(created)]
}

/// The printer of a resource, by API group then resource.
fn printer(info: &ResourceInfo) -> Printer {
    let plural = info.plural;
    let found = match info.group {
        "" => core::printer(plural),
        "admissionregistration.k8s.io" => admissionregistration::printer(plural),
        "apiregistration.k8s.io" => apiregistration::printer(plural),
        "apps" => apps::printer(plural),
        "autoscaling" => autoscaling::printer(plural),
        "batch" => batch::printer(plural),
        "certificates.k8s.io" => certificates::printer(plural),
        "coordination.k8s.io" => coordination::printer(plural),
        "discovery.k8s.io" => discovery::printer(plural),
        "events.k8s.io" => events::printer(plural),
        "flowcontrol.apiserver.k8s.io" => flowcontrol::printer(plural),
        "networking.k8s.io" => networking::printer(plural),
        "node.k8s.io" => node::printer(plural),
        "policy" => policy::printer(plural),
        "rbac.authorization.k8s.io" => rbac::printer(plural),
        "scheduling.k8s.io" => scheduling::printer(plural),
        "storage.k8s.io" => storage::printer(plural),
        // apiextensions.k8s.io (CRDs) and the review APIs use the default convertor.
        _ => None,
    };
    found.unwrap_or(DEFAULT)
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
    let pods = info.group.is_empty() && info.plural == "pods";
    build(
        printer(info),
        pods,
        objects,
        list_meta,
        include,
        with_columns,
    )
}

/// The Table of a `scale` subresource's `Scale`.
pub fn for_scale(scale: &Value, include: IncludeObject) -> Value {
    build(
        autoscaling::SCALE,
        false,
        std::slice::from_ref(scale),
        None,
        include,
        true,
    )
}

fn build(
    printer: Printer,
    pods: bool,
    objects: &[Value],
    list_meta: Option<&Value>,
    include: IncludeObject,
    with_columns: bool,
) -> Value {
    let now = api_types::k8s_openapi::jiff::Timestamp::now().as_second();
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut row = json!({"cells": (printer.cells)(o, now)});
            if let Some(conditions) = pods.then(|| core::pod_row_conditions(o)).flatten() {
                row["conditions"] = conditions;
            }
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
        let defs: Vec<Value> = (printer.columns)()
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

    /// Upstream v1.33's columns for every resource of the registry (wide ones marked `+`),
    /// written from `pkg/printers/internalversion/printers.go`, kube-aggregator's APIService
    /// convertor and the default convertor. A resource added to the registry must be added
    /// here.
    const UPSTREAM_COLUMNS: &[(&str, &str, &str)] = &[
        ("", "bindings", "Name,Created At"),
        ("", "componentstatuses", "Name,Status,Message,Error"),
        ("", "configmaps", "Name,Data,Age"),
        ("", "endpoints", "Name,Endpoints,Age"),
        ("", "events", "Last Seen,Type,Reason,Object,+Subobject,+Source,Message,+First Seen,+Count,+Name"),
        ("", "limitranges", "Name,Created At"),
        ("", "namespaces", "Name,Status,Age"),
        ("", "nodes", "Name,Status,Roles,Age,Version,+Internal-IP,+External-IP,+OS-Image,+Kernel-Version,+Container-Runtime"),
        ("", "persistentvolumeclaims", "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,+VolumeMode"),
        ("", "persistentvolumes", "Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,VolumeAttributesClass,Reason,Age,+VolumeMode"),
        ("", "pods", "Name,Ready,Status,Restarts,Age,+IP,+Node,+Nominated Node,+Readiness Gates"),
        ("", "podtemplates", "Name,Containers,Images,Pod Labels"),
        ("", "replicationcontrollers", "Name,Desired,Current,Ready,Age,+Containers,+Images,+Selector"),
        ("", "resourcequotas", "Name,Request,Limit,Age"),
        ("", "secrets", "Name,Type,Data,Age"),
        ("", "serviceaccounts", "Name,Secrets,Age"),
        ("", "services", "Name,Type,Cluster-IP,External-IP,Port(s),Age,+Selector"),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "Name,Webhooks,Age"),
        ("admissionregistration.k8s.io", "validatingadmissionpolicies", "Name,Validations,ParamKind,Age"),
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings", "Name,PolicyName,ParamRef,Age"),
        ("admissionregistration.k8s.io", "validatingwebhookconfigurations", "Name,Webhooks,Age"),
        ("apiextensions.k8s.io", "customresourcedefinitions", "Name,Created At"),
        ("apiregistration.k8s.io", "apiservices", "Name,Service,Available,Age"),
        ("apps", "controllerrevisions", "Name,Controller,Revision,Age"),
        ("apps", "daemonsets", "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age,+Containers,+Images,+Selector"),
        ("apps", "deployments", "Name,Ready,Up-to-date,Available,Age,+Containers,+Images,+Selector"),
        ("apps", "replicasets", "Name,Desired,Current,Ready,Age,+Containers,+Images,+Selector"),
        ("apps", "statefulsets", "Name,Ready,Age,+Containers,+Images"),
        ("authentication.k8s.io", "selfsubjectreviews", "Name,Created At"),
        ("authentication.k8s.io", "tokenreviews", "Name,Created At"),
        ("authorization.k8s.io", "localsubjectaccessreviews", "Name,Created At"),
        ("authorization.k8s.io", "selfsubjectaccessreviews", "Name,Created At"),
        ("authorization.k8s.io", "selfsubjectrulesreviews", "Name,Created At"),
        ("authorization.k8s.io", "subjectaccessreviews", "Name,Created At"),
        ("autoscaling", "horizontalpodautoscalers", "Name,Reference,Targets,MinPods,MaxPods,Replicas,Age"),
        ("batch", "cronjobs", "Name,Schedule,Timezone,Suspend,Active,Last Schedule,Age,+Containers,+Images,+Selector"),
        ("batch", "jobs", "Name,Status,Completions,Duration,Age,+Containers,+Images,+Selector"),
        ("certificates.k8s.io", "certificatesigningrequests", "Name,Age,SignerName,Requestor,RequestedDuration,Condition"),
        ("coordination.k8s.io", "leases", "Name,Holder,Age"),
        ("discovery.k8s.io", "endpointslices", "Name,AddressType,Ports,Endpoints,Age"),
        ("events.k8s.io", "events", "Last Seen,Type,Reason,Object,+Subobject,+Source,Message,+First Seen,+Count,+Name"),
        ("flowcontrol.apiserver.k8s.io", "flowschemas", "Name,PriorityLevel,MatchingPrecedence,DistinguisherMethod,Age,MissingPL"),
        ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", "Name,Type,NominalConcurrencyShares,Queues,HandSize,QueueLengthLimit,Age"),
        ("networking.k8s.io", "ingressclasses", "Name,Controller,Parameters,Age"),
        ("networking.k8s.io", "ingresses", "Name,Class,Hosts,Address,Ports,Age"),
        ("networking.k8s.io", "ipaddresses", "Name,ParentRef"),
        ("networking.k8s.io", "networkpolicies", "Name,Pod-Selector,Age"),
        ("networking.k8s.io", "servicecidrs", "Name,CIDRs,Age"),
        ("node.k8s.io", "runtimeclasses", "Name,Handler,Age"),
        ("policy", "poddisruptionbudgets", "Name,Min Available,Max Unavailable,Allowed Disruptions,Age"),
        ("rbac.authorization.k8s.io", "clusterrolebindings", "Name,Role,Age,+Users,+Groups,+ServiceAccounts"),
        ("rbac.authorization.k8s.io", "clusterroles", "Name,Created At"),
        ("rbac.authorization.k8s.io", "rolebindings", "Name,Role,Age,+Users,+Groups,+ServiceAccounts"),
        ("rbac.authorization.k8s.io", "roles", "Name,Created At"),
        ("scheduling.k8s.io", "priorityclasses", "Name,Value,Global-Default,Age,PreemptionPolicy"),
        ("storage.k8s.io", "csidrivers", "Name,AttachRequired,PodInfoOnMount,StorageCapacity,TokenRequests,RequiresRepublish,Modes,Age"),
        ("storage.k8s.io", "csinodes", "Name,Drivers,Age"),
        ("storage.k8s.io", "csistoragecapacities", "Name,StorageClassName,Capacity"),
        ("storage.k8s.io", "storageclasses", "Name,Provisioner,ReclaimPolicy,VolumeBindingMode,AllowVolumeExpansion,Age"),
        ("storage.k8s.io", "volumeattachments", "Name,Attacher,PV,Node,Attached,Age"),
    ];

    #[test]
    fn every_registry_resource_has_upstreams_columns() {
        let mut seen = std::collections::BTreeSet::new();
        for info in api_types::registry::builtin().all() {
            let want = UPSTREAM_COLUMNS
                .iter()
                .find(|(g, p, _)| *g == info.group && *p == info.plural)
                .unwrap_or_else(|| {
                    panic!("{}/{} has no expected columns", info.group, info.plural)
                });
            seen.insert((info.group, info.plural));
            let p = printer(info);
            let cols = (p.columns)();
            let got: Vec<String> = cols
                .iter()
                .map(|c| format!("{}{}", if c.priority == 1 { "+" } else { "" }, c.name))
                .collect();
            assert_eq!(got.join(","), want.2, "{}/{}", info.group, info.plural);
            // Cells line up with the columns, even for an empty object (upstream's IP
            // address printer sends one cell more than its columns).
            let extra = usize::from(info.plural == "ipaddresses");
            assert_eq!(
                (p.cells)(&json!({}), 0).len(),
                cols.len() + extra,
                "{}/{}",
                info.group,
                info.plural
            );
            assert_eq!(
                cols[0].format,
                if info.plural == "events" { "" } else { "name" }
            );
        }
        assert_eq!(
            seen.len(),
            UPSTREAM_COLUMNS.len(),
            "stale entries in UPSTREAM_COLUMNS"
        );
    }

    #[test]
    fn default_convertor_prints_created_at() {
        let roles = api_types::registry::builtin()
            .get("rbac.authorization.k8s.io", "v1", "roles")
            .unwrap();
        let obj = json!({"metadata": {"name": "r", "creationTimestamp": "2021-03-04T05:06:07Z"}});
        let t = for_objects(roles, &[obj], None, IncludeObject::None, true);
        assert_eq!(t["columnDefinitions"][1]["name"], "Created At");
        assert_eq!(t["columnDefinitions"][1]["type"], "date");
        assert_eq!(t["rows"][0]["cells"], json!(["r", "2021-03-04T05:06:07Z"]));
        assert!(t["rows"][0].get("object").is_none());
        let unset = default_cells(&json!({}), 0);
        assert_eq!(unset[1], json!("0001-01-01T00:00:00Z"));
    }

    #[test]
    fn finished_pods_rows_carry_completed_condition() {
        let pods = api_types::registry::builtin()
            .get("", "v1", "pods")
            .unwrap();
        let done = json!({"metadata": {"name": "p"}, "status": {"phase": "Succeeded"}});
        let t = for_objects(pods, &[done], None, IncludeObject::None, false);
        assert_eq!(t["rows"][0]["conditions"][0]["type"], "Completed");
        assert_eq!(t["rows"][0]["conditions"][0]["reason"], "Succeeded");
    }

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
            (0, "0s"),
            (120, "2m"),
            (599, "9m59s"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (8 * 3600 - 1, "7h59m"),
            (47 * 3600, "47h"),
            (2 * 86400, "2d"),
            (8 * 86400 - 1, "7d23h"),
            (2 * 365 * 86400 - 3600, "729d"),
            (2 * 365 * 86400 + 86400, "2y1d"),
            (9 * 365 * 86400, "9y"),
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
