//! Upstream's pod defaults (`pkg/apis/core/v1/defaults.go`): what a decoded pod spec gets
//! before validation, so that validation sees the fields upstream always fills in.

use serde_json::{json, Map, Value};

/// Grace period of a pod that asks for none.
pub const DEFAULT_GRACE: i64 = 30;

/// Sets `key` unless it already holds a non-null value.
pub fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

fn each_object(v: Option<&mut Value>, mut f: impl FnMut(&mut Map<String, Value>)) {
    if let Some(Value::Array(items)) = v {
        items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(&mut f);
    }
}

/// `SetDefaults_HTTPGetAction`: path `/`, scheme `HTTP`.
fn default_handler(h: Option<&mut Value>) {
    if let Some(get) = h
        .and_then(|h| h.get_mut("httpGet"))
        .and_then(Value::as_object_mut)
    {
        set_default(get, "path", json!("/"));
        set_default(get, "scheme", json!("HTTP"));
    }
}

/// `SetDefaults_Probe` plus its handler.
fn default_probe(p: &mut Value) {
    if let Some(map) = p.as_object_mut() {
        set_default(map, "timeoutSeconds", json!(1));
        set_default(map, "periodSeconds", json!(10));
        set_default(map, "successThreshold", json!(1));
        set_default(map, "failureThreshold", json!(3));
    }
    default_handler(Some(p));
}

/// `SetDefaults_ObjectFieldSelector`: `apiVersion: v1`.
fn default_field_ref(holder: &mut Map<String, Value>) {
    if let Some(fr) = holder.get_mut("fieldRef").and_then(Value::as_object_mut) {
        set_default(fr, "apiVersion", json!("v1"));
    }
}

/// Defaults of one container (upstream's `SetDefaults_Container` and what it holds).
fn default_container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or("").to_string();
    let Some(map) = c.as_object_mut() else {
        return;
    };
    set_default(map, "terminationMessagePath", json!("/dev/termination-log"));
    set_default(map, "terminationMessagePolicy", json!("File"));
    set_default(map, "resources", json!({}));
    let tagless = !image.rsplit('/').next().unwrap_or("").contains(':') && !image.contains('@');
    let pull = if image.ends_with(":latest") || tagless {
        "Always"
    } else {
        "IfNotPresent"
    };
    set_default(map, "imagePullPolicy", json!(pull));
    each_object(map.get_mut("ports"), |p| {
        set_default(p, "protocol", json!("TCP"))
    });
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = map.get_mut(probe).filter(|p| p.is_object()) {
            default_probe(p);
        }
    }
    if let Some(lc) = map.get_mut("lifecycle") {
        default_handler(lc.get_mut("postStart"));
        default_handler(lc.get_mut("preStop"));
    }
    each_object(map.get_mut("env"), |e| {
        if let Some(from) = e.get_mut("valueFrom").and_then(Value::as_object_mut) {
            default_field_ref(from);
        }
    });
}

/// `SetDefaults_Volume` and the per-source defaults validation depends on.
fn default_volume(vol: &mut Map<String, Value>) {
    const NOT_SOURCES: [&str; 1] = ["name"];
    if !vol
        .iter()
        .any(|(k, v)| !NOT_SOURCES.contains(&k.as_str()) && !v.is_null())
    {
        vol.insert("emptyDir".into(), json!({}));
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = vol.get_mut(source).and_then(Value::as_object_mut) {
            set_default(s, "defaultMode", json!(0o644));
        }
    }
    if let Some(d) = vol.get_mut("downwardAPI") {
        each_object(d.get_mut("items"), default_field_ref);
    }
    if let Some(p) = vol.get_mut("projected") {
        each_object(p.get_mut("sources"), |src| {
            if let Some(t) = src
                .get_mut("serviceAccountToken")
                .and_then(Value::as_object_mut)
            {
                set_default(t, "expirationSeconds", json!(3600));
            }
            if let Some(d) = src.get_mut("downwardAPI") {
                each_object(d.get_mut("items"), default_field_ref);
            }
        });
    }
}

/// Upstream's pod spec defaults (also applied to workload templates).
pub fn default_pod_spec(spec: &mut Value) {
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(DEFAULT_GRACE));
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "enableServiceLinks", json!(true));
    set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    set_default(spec, "priority", json!(0));
    for field in ["containers", "initContainers", "ephemeralContainers"] {
        if let Some(Value::Array(cs)) = spec.get_mut(field) {
            cs.iter_mut().for_each(default_container);
        }
    }
    each_object(spec.get_mut("volumes"), default_volume);
}

/// `SetDefaults_Pod`: host-network pods publish their container ports on the host, and
/// requests default to limits.
pub fn default_pod_only(spec: &mut Value) {
    let host_network = spec["hostNetwork"] == true;
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    for field in ["containers", "initContainers"] {
        each_object(spec.get_mut(field), |c| {
            if host_network {
                each_object(c.get_mut("ports"), |p| {
                    if p.get("hostPort").and_then(Value::as_i64).unwrap_or(0) == 0 {
                        let cp = p.get("containerPort").cloned().unwrap_or(Value::Null);
                        p.insert("hostPort".into(), cp);
                    }
                });
            }
            let limits = c
                .get("resources")
                .and_then(|r| r.get("limits"))
                .and_then(Value::as_object)
                .cloned();
            if let (Some(limits), Some(res)) = (
                limits.filter(|l| !l.is_empty()),
                c.get_mut("resources").and_then(Value::as_object_mut),
            ) {
                let req = res.entry("requests").or_insert_with(|| json!({}));
                if let Some(req) = req.as_object_mut() {
                    for (k, v) in limits {
                        req.entry(k).or_insert(v);
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_defaults() {
        let mut spec = json!({"hostNetwork": true, "containers": [{"name": "c", "image": "nginx:1.27",
            "ports": [{"containerPort": 80}],
            "livenessProbe": {"httpGet": {"port": 80}},
            "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
            "resources": {"limits": {"cpu": "1"}}}],
            "volumes": [{"name": "v"}, {"name": "s", "secret": {"secretName": "x"}},
                {"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}]});
        default_pod_spec(&mut spec);
        default_pod_only(&mut spec);
        let c = &spec["containers"][0];
        assert_eq!(c["imagePullPolicy"], "IfNotPresent");
        assert_eq!(c["ports"][0]["hostPort"], 80);
        assert_eq!(c["livenessProbe"]["successThreshold"], 1);
        assert_eq!(c["livenessProbe"]["httpGet"]["scheme"], "HTTP");
        assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/");
        assert_eq!(c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"], "v1");
        assert_eq!(c["resources"]["requests"]["cpu"], "1");
        assert_eq!(spec["volumes"][0]["emptyDir"], json!({}));
        assert_eq!(spec["volumes"][1]["secret"]["defaultMode"], 420);
        assert_eq!(
            spec["volumes"][2]["projected"]["sources"][0]["serviceAccountToken"]
                ["expirationSeconds"],
            3600
        );
    }
}
