//! Validation and version conversion through the real server: strict events.k8s.io/v1
//! Events, HorizontalPodAutoscalers shared by autoscaling/v1 and v2, and EndpointSlice
//! addresses.

mod common;

use common::{have_kubectl, Cluster};
use serde_json::{json, Value};

/// `(field, reason)` of every cause of a 422 answer.
fn causes(body: &Value) -> Vec<(String, String)> {
    body["details"]["causes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["field"].as_str().unwrap_or("").to_string(),
                c["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn cause(field: &str, reason: &str) -> (String, String) {
    (field.to_string(), reason.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_events_and_endpointslice_addresses() {
    let c = Cluster::start();
    let events = "/apis/events.k8s.io/v1/namespaces/default/events";
    let event = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "pulled"},
        "eventTime": "2025-01-01T00:00:00.000000Z", "type": "Normal",
        "regarding": {"kind": "Pod", "name": "p", "namespace": "default"},
        "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
        "action": "Pull", "reason": "Pulled", "note": "done"});

    // Missing reporter, a bad type: 422 with upstream's causes, nothing stored.
    let mut bad = event.clone();
    let map = bad.as_object_mut().unwrap();
    map.remove("reportingController");
    map.insert("type".into(), json!("Odd"));
    map.insert("metadata".into(), json!({"name": "bad"}));
    let r = c.admin("POST", events, Some(bad)).await;
    assert_eq!(r.status, 422, "{}", r.text());
    let body = r.json();
    assert_eq!(body["reason"], "Invalid");
    assert_eq!(
        causes(&body),
        vec![
            cause("reportingController", "FieldValueRequired"),
            cause("reportingController", "FieldValueInvalid"),
            cause("reportingController", "FieldValueInvalid"),
            cause("type", "FieldValueInvalid"),
        ]
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Event.events.k8s.io \"bad\" is invalid: "),
        "{body}"
    );
    assert_eq!(
        c.admin("GET", &format!("{events}/bad"), None).await.status,
        404
    );
    assert_eq!(
        c.admin("GET", "/api/v1/namespaces/default/events/bad", None)
            .await
            .status,
        404
    );

    // Without eventTime an event is checked as a legacy one, then refused by the strict rule.
    let mut bad = event.clone();
    bad.as_object_mut().unwrap().remove("eventTime");
    bad["metadata"]["name"] = json!("bad");
    let r = c.admin("POST", events, Some(bad)).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        causes(&r.json()),
        vec![cause("eventTime", "FieldValueRequired")]
    );

    // A valid event is stored, visible through core v1, and its note is immutable.
    let r = c.admin("POST", events, Some(event.clone())).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let core = c
        .admin("GET", "/api/v1/namespaces/default/events/pulled", None)
        .await
        .json();
    assert_eq!(core["message"], "done");
    assert_eq!(core["reportingComponent"], "example.com/ctl");
    let mut changed = r.json();
    changed["note"] = json!("other");
    let r = c
        .admin("PUT", &format!("{events}/pulled"), Some(changed))
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        causes(&r.json()),
        vec![cause("message", "FieldValueInvalid")]
    );

    // Core v1 keeps its legacy rules: no eventTime or type needed.
    let legacy = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "old"},
        "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"},
        "reason": "Started", "message": "m", "count": 2});
    let r = c
        .admin("POST", "/api/v1/namespaces/default/events", Some(legacy))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());

    // EndpointSlices: an address that is not IPv4 in an IPv4 slice is refused.
    let slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
    let slice = |name: &str, address: &str| {
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name}, "addressType": "IPv4",
            "endpoints": [{"addresses": [address]}], "ports": [{"name": "http", "port": 80}]})
    };
    let r = c
        .admin("POST", slices, Some(slice("bad", "10.0.0.300")))
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let body = r.json();
    assert_eq!(
        causes(&body),
        vec![cause("endpoints[0].addresses[0]", "FieldValueInvalid")]
    );
    assert_eq!(
        body["details"]["causes"][0]["message"],
        "Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
    );
    let r = c
        .admin("POST", slices, Some(slice("linklocal", "169.254.0.9")))
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let r = c
        .admin("POST", slices, Some(slice("good", "10.0.0.9")))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let mut other = r.json();
    other["addressType"] = json!("IPv6");
    other["endpoints"] = json!([{"addresses": ["fd00::9"]}]);
    let r = c.admin("PUT", &format!("{slices}/good"), Some(other)).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        causes(&r.json()),
        vec![cause("addressType", "FieldValueInvalid")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hpa_versions_share_storage() {
    let c = Cluster::start();
    let v2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    let v1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    let target = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"});

    // Created as v2 with a CPU metric and a pods metric: v1 sees the CPU target and keeps the
    // rest in its annotation.
    let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": target, "minReplicas": 2, "maxReplicas": 6,
            "metrics": [
                {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}},
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}]},
        "status": {"desiredReplicas": 7}});
    let r = c.admin("POST", v2, Some(hpa)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    assert!(
        created
            .get("status")
            .is_none_or(|s| s.get("desiredReplicas").is_none()),
        "status is ignored on create"
    );
    assert_eq!(created["metadata"]["generation"], 1);
    let old = c.admin("GET", &format!("{v1}/web"), None).await;
    assert_eq!(old.status, 200, "{}", old.text());
    let old = old.json();
    assert_eq!(old["apiVersion"], "autoscaling/v1");
    assert_eq!(old["spec"]["targetCPUUtilizationPercentage"], 65);
    assert_eq!(old["spec"]["minReplicas"], 2);
    let extra: Value = serde_json::from_str(
        old["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(extra[0]["pods"]["metricName"], "qps");

    // Updated through v1 (CPU target changed): v2 keeps the pods metric.
    let mut upd = old.clone();
    upd["spec"]["targetCPUUtilizationPercentage"] = json!(75);
    let r = c.admin("PUT", &format!("{v1}/web"), Some(upd)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let now = c.admin("GET", &format!("{v2}/web"), None).await.json();
    assert_eq!(
        now["spec"]["metrics"],
        json!([
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}},
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 75}}}])
    );
    assert!(now["metadata"].get("annotations").is_none(), "{now}");
    assert_eq!(now["metadata"]["generation"], 2);

    // Created as v1: v2 shows the CPU target as a resource metric.
    let r = c
        .admin(
            "POST",
            v1,
            Some(json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "api"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "maxReplicas": 3, "targetCPUUtilizationPercentage": 40}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["spec"]["minReplicas"], 1);
    let api = c.admin("GET", &format!("{v2}/api"), None).await.json();
    assert_eq!(
        api["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 40}}}])
    );

    // The status subresource writes status; v1 readers see the CPU utilization.
    let mut st = api.clone();
    st["status"] = json!({"currentReplicas": 1, "desiredReplicas": 2,
        "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 33, "averageValue": "100m"}}}]});
    let r = c.admin("PUT", &format!("{v2}/api/status"), Some(st)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let api1 = c.admin("GET", &format!("{v1}/api"), None).await.json();
    assert_eq!(api1["status"]["currentCPUUtilizationPercentage"], 33);
    assert_eq!(api1["status"]["desiredReplicas"], 2);

    // A v1 status write cannot change the spec that v1 carries in annotations.
    let mut st1 = api1.clone();
    st1["metadata"]["annotations"] = json!({"autoscaling.alpha.kubernetes.io/metrics":
        r#"[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":50}}]"#});
    st1["status"]["desiredReplicas"] = json!(3);
    let r = c.admin("PUT", &format!("{v1}/api/status"), Some(st1)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let after = c.admin("GET", &format!("{v2}/api"), None).await.json();
    assert_eq!(after["status"]["desiredReplicas"], 3);
    assert_eq!(after["spec"]["metrics"], api["spec"]["metrics"], "{after}");

    // Invalid: maxReplicas below minReplicas, through either version.
    let r = c
        .admin(
            "POST",
            v2,
            Some(
                json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "bad"},
                "spec": {"scaleTargetRef": target, "minReplicas": 4, "maxReplicas": 2}}),
            ),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let body = r.json();
    assert_eq!(
        causes(&body),
        vec![cause("spec.maxReplicas", "FieldValueInvalid")]
    );
    assert_eq!(
        body["details"]["causes"][0]["message"],
        "Invalid value: 2: must be greater than or equal to `minReplicas`"
    );
    let r = c
        .admin(
            "POST",
            v1,
            Some(json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "bad"},
                "spec": {"scaleTargetRef": {"kind": "", "name": "x"}, "minReplicas": 0, "maxReplicas": 2}})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        causes(&r.json()),
        vec![
            cause("spec.minReplicas", "FieldValueInvalid"),
            cause("spec.scaleTargetRef.kind", "FieldValueRequired"),
            cause("spec.metrics", "FieldValueForbidden"),
        ]
    );
    assert_eq!(c.admin("GET", &format!("{v2}/bad"), None).await.status, 404);

    // Lists through v1 convert every item.
    let list = c.admin("GET", v1, None).await.json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(list["apiVersion"], "autoscaling/v1");
    let targets: Vec<&Value> = items
        .iter()
        .map(|i| &i["spec"]["targetCPUUtilizationPercentage"])
        .collect();
    assert_eq!(targets, [&json!(40), &json!(75)]);
    assert!(items.iter().all(|i| i["spec"].get("metrics").is_none()));

    // Watches through v1 get converted objects too (the watch cache converts).
    let mut w = c.watch(&format!("{v1}?watch=true&resourceVersion=0")).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let ev = w
            .next(std::time::Duration::from_secs(10))
            .await
            .expect("watch event");
        assert_eq!(ev["type"], "ADDED", "{ev}");
        assert_eq!(ev["object"]["apiVersion"], "autoscaling/v1", "{ev}");
        seen.push(ev["object"]["spec"]["targetCPUUtilizationPercentage"].clone());
    }
    seen.sort_by_key(|v| v.as_i64());
    assert_eq!(seen, [json!(40), json!(75)]);

    if !have_kubectl() {
        eprintln!("kubectl not installed; skipping");
        return;
    }
    let out = c.kubectl(&["get", "hpa", "-o", "wide"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NAME") && text.contains("REFERENCE"),
        "{text}"
    );
    assert!(text.contains("Deployment/web"), "{text}");
    assert!(text.contains("Deployment/api"), "{text}");
    let out = c.kubectl(&[
        "get",
        "horizontalpodautoscalers.v1.autoscaling",
        "api",
        "-o",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["spec"]["targetCPUUtilizationPercentage"], 40, "{got}");
}
