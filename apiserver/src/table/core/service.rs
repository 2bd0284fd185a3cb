//! Services and Endpoints, as upstream's `printService` and `printEndpoints`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::super::format::{age, items, labels, n, name, or, s};
use super::super::{col, wide, Column, AGE, NAME};

pub(super) fn service_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Type", "type determines how the Service is exposed."),
        c("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
        c("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        c("Port(s)", "The list of ports that are exposed by this service."),
        AGE,
        wide(c("Selector", "Route service traffic to pods with label keys and values matching this selector.")),
    ]
}

/// Upstream's `loadBalancerStatusStringer` in wide mode (what the server prints): the
/// sorted, de-duplicated IPs or hostnames.
pub(in super::super) fn load_balancer(status: &Value) -> String {
    let points: BTreeSet<&str> = items(&status["ingress"])
        .filter_map(|i| {
            [s(i, "ip"), s(i, "hostname")]
                .into_iter()
                .find(|v| !v.is_empty())
        })
        .collect();
    points.into_iter().collect::<Vec<_>>().join(",")
}

/// `spec.type`, `ClusterIP` (upstream's default) when absent.
fn service_type(obj: &Value) -> &str {
    or(s(obj, "spec.type"), "ClusterIP")
}

fn external_ip(obj: &Value) -> String {
    let external: Vec<&str> = items(&obj["spec"]["externalIPs"])
        .filter_map(Value::as_str)
        .collect();
    match service_type(obj) {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".to_string(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let lb = load_balancer(&obj["status"]["loadBalancer"]);
            if !external.is_empty() {
                let mut all: Vec<&str> = lb.split(',').filter(|v| !v.is_empty()).collect();
                all.extend(external);
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => s(obj, "spec.externalName").to_string(),
        _ => "<unknown>".to_string(),
    }
}

pub(super) fn service_cells(obj: &Value, now: i64) -> Vec<Value> {
    let cluster_ip = items(&obj["spec"]["clusterIPs"])
        .next()
        .and_then(Value::as_str)
        .unwrap_or_else(|| s(obj, "spec.clusterIP"));
    let ports: Vec<String> = items(&obj["spec"]["ports"])
        .map(|p| {
            // Defaulted upstream; an object stored without it is TCP.
            let proto = or(s(p, "protocol"), "TCP");
            match n(p, "nodePort") {
                0 => format!("{}/{proto}", n(p, "port")),
                np => format!("{}:{np}/{proto}", n(p, "port")),
            }
        })
        .collect();
    let ports = ports.join(",");
    vec![
        name(obj),
        json!(service_type(obj)),
        json!(if cluster_ip.is_empty() {
            "<none>"
        } else {
            cluster_ip
        }),
        json!(external_ip(obj)),
        json!(if ports.is_empty() { "<none>" } else { &ports }),
        age(obj, now),
        labels(obj["spec"].get("selector")),
    ]
}

pub(super) fn endpoints_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Endpoints",
            "string",
            "The set of all endpoints is the union of all subsets.",
        ),
        AGE,
    ]
}

/// `host:port` with IPv6 hosts in brackets, as Go's `net.JoinHostPort`.
fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Upstream's `formatEndpoints`: at most three `ip:port`, then `+ N more...`.
pub(super) fn format_endpoints(obj: &Value) -> String {
    const MAX: usize = 3;
    let subsets: Vec<&Value> = items(&obj["subsets"]).collect();
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    let mut list = Vec::new();
    let mut count = 0usize;
    for ss in subsets {
        let addresses: Vec<&str> = items(&ss["addresses"]).map(|a| s(a, "ip")).collect();
        let ports: Vec<i64> = items(&ss["ports"]).map(|p| n(p, "port")).collect();
        if ports.is_empty() {
            count += addresses.len();
            list.extend(addresses.iter().map(|a| a.to_string()));
            continue;
        }
        for port in ports {
            count += addresses.len();
            list.extend(addresses.iter().map(|a| join_host_port(a, port)));
        }
    }
    let shown = list[..list.len().min(MAX)].join(",");
    if count > MAX {
        format!("{shown} + {} more...", count - MAX)
    } else {
        shown
    }
}

pub(super) fn endpoints_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![name(obj), json!(format_endpoints(obj)), age(obj, now)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ips_by_type() {
        let lb = json!({"spec": {"type": "LoadBalancer", "externalIPs": ["1.1.1.1"]},
            "status": {"loadBalancer": {"ingress": [{"ip": "9.9.9.9"}, {"hostname": "a.example"}, {"ip": "9.9.9.9"}]}}});
        assert_eq!(external_ip(&lb), "9.9.9.9,a.example,1.1.1.1");
        let pending = json!({"spec": {"type": "LoadBalancer"}});
        assert_eq!(external_ip(&pending), "<pending>");
        let name = json!({"spec": {"type": "ExternalName", "externalName": "db.example"}});
        assert_eq!(external_ip(&name), "db.example");
        let long = json!({"ingress": [{"ip": "10.0.0.100"}, {"ip": "10.0.0.200"}]});
        // The server prints wide: no 16-character cut.
        assert_eq!(load_balancer(&long), "10.0.0.100,10.0.0.200");
    }

    #[test]
    fn endpoints_list_and_more() {
        let ep = json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "fd00::2"}],
            "ports": [{"port": 80}, {"port": 443}]}]});
        assert_eq!(
            format_endpoints(&ep),
            "10.0.0.1:80,[fd00::2]:80,10.0.0.1:443 + 1 more..."
        );
        assert_eq!(format_endpoints(&json!({})), "<none>");
        assert_eq!(format_endpoints(&json!({"subsets": [{}]})), "");
        let headless = json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}]}]});
        assert_eq!(format_endpoints(&headless), "10.0.0.1");
    }
}
