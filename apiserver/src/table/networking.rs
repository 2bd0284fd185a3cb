//! `networking.k8s.io`: ingresses, ingress classes, network policies, service CIDRs and
//! IP addresses.

use serde_json::{json, Value};

use super::core::load_balancer;
use super::format::{age, items, label_selector, name, opt, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "ingresses" => p(ingress_columns, ingress_cells),
        "ingressclasses" => p(ingress_class_columns, ingress_class_cells),
        "networkpolicies" => p(network_policy_columns, network_policy_cells),
        "servicecidrs" => p(service_cidr_columns, service_cidr_cells),
        "ipaddresses" => p(ip_address_columns, ip_address_cells),
        _ => None,
    }
}

fn ingress_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Class", "The name of the IngressClass resource that should be used for additional configuration"),
        c("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        c("Address", "Address is a list containing ingress points for the load-balancer"),
        c("Ports", "Ports of TLS configurations that open"),
        AGE,
    ]
}

/// Upstream's `formatHosts`: the non-empty hosts of the first rules (at most three), then
/// `+ N more...` counting every rule past the third; `*` when none has a host.
fn hosts(rules: &Value) -> String {
    const MAX: usize = 3;
    let rules: Vec<&Value> = items(rules).collect();
    let mut list = Vec::new();
    let mut more = false;
    for rule in &rules {
        if list.len() == MAX {
            more = true;
        }
        if !more && !s(rule, "host").is_empty() {
            list.push(s(rule, "host"));
        }
    }
    if list.is_empty() {
        return "*".to_string();
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", rules.len() - MAX)
    } else {
        text
    }
}

fn ingress_cells(obj: &Value, now: i64) -> Vec<Value> {
    let ports = if items(&obj["spec"]["tls"]).next().is_some() {
        "80, 443"
    } else {
        "80"
    };
    vec![
        name(obj),
        json!(opt(obj, "spec.ingressClassName").unwrap_or("<none>")),
        json!(hosts(&obj["spec"]["rules"])),
        json!(load_balancer(&obj["status"]["loadBalancer"])),
        json!(ports),
        age(obj, now),
    ]
}

fn ingress_class_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "Controller",
            "Controller that is responsible for handling this class",
        ),
        c(
            "Parameters",
            "A reference to a resource with additional parameters",
        ),
        AGE,
    ]
}

fn ingress_class_cells(obj: &Value, now: i64) -> Vec<Value> {
    let p = &obj["spec"]["parameters"];
    let params = if p.is_object() {
        match opt(p, "apiGroup") {
            Some(g) => format!("{}.{g}/{}", s(p, "kind"), s(p, "name")),
            None => format!("{}/{}", s(p, "kind"), s(p, "name")),
        }
    } else {
        "<none>".to_string()
    };
    vec![
        name(obj),
        json!(s(obj, "spec.controller")),
        json!(params),
        age(obj, now),
    ]
}

fn network_policy_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Pod-Selector",
            "string",
            "Selects the pods to which this NetworkPolicy object applies.",
        ),
        AGE,
    ]
}

fn network_policy_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        label_selector(obj["spec"].get("podSelector")),
        age(obj, now),
    ]
}

fn service_cidr_columns() -> Vec<Column> {
    vec![
        NAME,
        col("CIDRs", "string", "CIDRs defines the IP blocks in CIDR notation (e.g. \"192.168.0.0/24\" or \"2001:db8::/64\") from which to assign service cluster IPs."),
        AGE,
    ]
}

fn service_cidr_cells(obj: &Value, now: i64) -> Vec<Value> {
    let cidrs: Vec<&str> = items(&obj["spec"]["cidrs"])
        .filter_map(Value::as_str)
        .collect();
    vec![name(obj), json!(cidrs.join(",")), age(obj, now)]
}

/// Upstream declares no AGE column for IP addresses but still sends the age as a third
/// cell (kubectl ignores cells past the columns); both are kept as upstream has them.
fn ip_address_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "ParentRef",
            "string",
            "ParentRef references the resource that an IPAddress is attached to.",
        ),
    ]
}

fn ip_address_cells(obj: &Value, now: i64) -> Vec<Value> {
    let p = &obj["spec"]["parentRef"];
    let parent = if p.is_object() {
        let resource = match s(p, "group") {
            "" => s(p, "resource").to_string(),
            g => format!("{}.{g}", s(p, "resource")),
        };
        let mut text = resource.to_lowercase();
        if !s(p, "namespace").is_empty() {
            text = format!("{text}/{}", s(p, "namespace"));
        }
        format!("{text}/{}", s(p, "name"))
    } else {
        "<none>".to_string()
    };
    vec![name(obj), json!(parent), age(obj, now)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_hosts_like_format_hosts() {
        assert_eq!(hosts(&json!([{"http": {}}])), "*");
        assert_eq!(hosts(&json!([{"host": "a"}, {"host": "b"}])), "a,b");
        let five = json!([{"host": "a"}, {}, {"host": "b"}, {"host": "c"}, {"host": "d"}]);
        assert_eq!(hosts(&five), "a,b,c + 2 more...");
    }

    #[test]
    fn class_cidr_and_ip_rows() {
        let ic = json!({"spec": {"controller": "k8s.io/ingress-nginx",
            "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "p"}}});
        assert_eq!(
            ingress_class_cells(&ic, 0)[1..3],
            [
                json!("k8s.io/ingress-nginx"),
                json!("IngressParameters.k8s.example.com/p")
            ]
        );
        let cidr = json!({"spec": {"cidrs": ["10.96.0.0/12", "fd00::/108"]}});
        assert_eq!(
            service_cidr_cells(&cidr, 0)[1],
            json!("10.96.0.0/12,fd00::/108")
        );
        let ip = json!({"metadata": {"name": "10.96.0.1"},
            "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}});
        let row = ip_address_cells(&ip, 0);
        assert_eq!(
            row[..2],
            [json!("10.96.0.1"), json!("services/default/kubernetes")]
        );
        assert_eq!(row.len(), 3);
        assert_eq!(ip_address_columns().len(), 2);
        assert_eq!(ip_address_cells(&json!({}), 0)[1], json!("<none>"));
    }
}
