//! Services: upstream's defaults, ClusterIP allocation from `--service-cluster-ip-range`,
//! NodePort allocation from `--service-node-port-range`, and allocated values kept across
//! updates. Allocations are derived from the stored services, so deleting a service frees
//! its IP and ports.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::sync::Arc;

use api_types::validation::{
    is_dns1123_label, is_qualified_name, is_valid_port_num, name_is_dns1035_label, FieldError,
    FieldErrors, FieldPath, ValidateNameFn,
};
use futures::future::BoxFuture;
use serde_json::{json, Map, Value};

use crate::object;
use crate::registry::core::pod::validation::port_num_or_name;
use crate::registry::default::copy_status;
use crate::registry::{Reservation, Strategy};
use crate::status::ApiError;
use crate::storage::Storage;

/// An IPv4 service CIDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceCidr {
    pub base: u32,
    pub prefix: u8,
}

impl ServiceCidr {
    /// Parses the first IPv4 CIDR of a `--service-cluster-ip-range` value.
    pub fn parse(flag: &str) -> Option<ServiceCidr> {
        flag.split(',').find_map(|c| {
            let (ip, len) = c.trim().split_once('/')?;
            let ip: Ipv4Addr = ip.parse().ok()?;
            let prefix: u8 = len.parse().ok().filter(|p| (1..=30).contains(p))?;
            let mask = u32::MAX << (32 - prefix);
            Some(ServiceCidr {
                base: u32::from(ip) & mask,
                prefix,
            })
        })
    }

    fn size(&self) -> u32 {
        1u32 << (32 - self.prefix)
    }

    /// The `offset`-th address of the range.
    pub fn nth(&self, offset: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.base.wrapping_add(offset))
    }

    fn contains(&self, ip: Ipv4Addr) -> bool {
        let v = u32::from(ip);
        v > self.base && v < self.base + self.size() - 1
    }
}

impl std::fmt::Display for ServiceCidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

/// The Service strategy, with what allocation needs.
pub struct ServiceStrategy {
    storage: Storage,
    /// Serializes allocations with the writes that store them.
    lock: Arc<tokio::sync::Mutex<()>>,
    cidr: ServiceCidr,
    node_ports: (u16, u16),
}

fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

fn service_type(obj: &Value) -> &str {
    obj["spec"]["type"].as_str().unwrap_or("ClusterIP")
}

fn needs_node_ports(obj: &Value) -> bool {
    matches!(service_type(obj), "NodePort" | "LoadBalancer")
}

impl ServiceStrategy {
    pub fn new(storage: Storage, cidr: ServiceCidr, node_ports: (u16, u16)) -> Self {
        ServiceStrategy {
            storage,
            lock: Arc::new(tokio::sync::Mutex::new(())),
            cidr,
            node_ports,
        }
    }

    /// Cluster IPs and node ports held by stored services other than `except` (ns/name).
    async fn in_use(&self, except: &str) -> Result<(BTreeSet<Ipv4Addr>, BTreeSet<i64>), ApiError> {
        let page = self
            .storage
            .list(&self.storage.key("services/specs/"), "", 0, 0)
            .await
            .map_err(ApiError::internal)?;
        let mut ips = BTreeSet::new();
        let mut ports = BTreeSet::new();
        for kv in &page.kvs {
            let Ok(svc) = serde_json::from_slice::<Value>(&kv.value) else {
                continue;
            };
            if format!("{}/{}", object::namespace(&svc), object::name(&svc)) == except {
                continue;
            }
            for ip in svc["spec"]["clusterIPs"].as_array().into_iter().flatten() {
                if let Some(ip) = ip.as_str().and_then(|s| s.parse().ok()) {
                    ips.insert(ip);
                }
            }
            for p in svc["spec"]["ports"].as_array().into_iter().flatten() {
                if let Some(n) = p["nodePort"].as_i64() {
                    ports.insert(n);
                }
            }
        }
        Ok((ips, ports))
    }

    fn pick_ip(&self, used: &BTreeSet<Ipv4Addr>, seed: u32) -> Option<Ipv4Addr> {
        // Offset 1 is kept for the `kubernetes` service, as upstream does.
        let usable = self.cidr.size().saturating_sub(3);
        (0..usable)
            .map(|i| self.cidr.nth(2 + (seed.wrapping_add(i) % usable)))
            .find(|ip| !used.contains(ip))
    }

    fn pick_port(&self, used: &BTreeSet<i64>, seed: u32) -> Option<i64> {
        let (lo, hi) = (i64::from(self.node_ports.0), i64::from(self.node_ports.1));
        let span = hi - lo + 1;
        (0..span)
            .map(|i| lo + (i64::from(seed) + i) % span)
            .find(|p| !used.contains(p))
    }

    async fn allocate_impl(&self, obj: &mut Value, old: Option<&Value>) -> Result<(), ApiError> {
        let key = format!("{}/{}", object::namespace(obj), object::name(obj));
        let seed = u32::from_le_bytes(
            object::new_uid().as_bytes()[..4]
                .try_into()
                .unwrap_or([0; 4]),
        );
        let (used_ips, used_ports) = self.in_use(&key).await?;
        if !obj.get("spec").is_some_and(Value::is_object) {
            let errs = vec![FieldError::required(&FieldPath::new("spec"), "")];
            return Err(ApiError::invalid(
                "",
                "Service",
                object::name(obj),
                &errs.into(),
            ));
        }
        let name = object::name(obj).to_string();
        let mut errs = FieldErrors::new();
        if service_type(obj) != "ExternalName" {
            let requested = obj["spec"]["clusterIP"].as_str().unwrap_or("").to_string();
            let path = FieldPath::from_names(["spec", "clusterIPs"]).index(0);
            let ip = match requested.as_str() {
                "None" => Some("None".to_string()),
                "" => match self.pick_ip(&used_ips, seed) {
                    Some(ip) => Some(ip.to_string()),
                    None => {
                        return Err(ApiError::internal(
                            "failed to allocate a serviceIP: range is full",
                        ))
                    }
                },
                other => {
                    match other.parse::<Ipv4Addr>() {
                        Ok(ip) if !self.cidr.contains(ip) => {
                            errs.push(FieldError::invalid(&path, other, format!("failed to allocate IP {other}: provided IP is not in the valid range. The range of valid IPs is {}", self.cidr)));
                            None
                        }
                        Ok(ip) if used_ips.contains(&ip) && old.is_none() => {
                            errs.push(FieldError::invalid(&path, other, format!("failed to allocate IP {other}: provided IP is already allocated")));
                            None
                        }
                        Ok(_) => Some(other.to_string()),
                        Err(_) => {
                            errs.push(FieldError::invalid(
                                &path,
                                other,
                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                            ));
                            None
                        }
                    }
                }
            };
            if let (Some(ip), Some(spec)) = (ip, obj["spec"].as_object_mut()) {
                spec.insert("clusterIP".into(), json!(ip));
                spec.insert("clusterIPs".into(), json!([ip]));
                if ip != "None" {
                    set_default(spec, "ipFamilies", json!(["IPv4"]));
                    set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
                }
            }
        }
        if needs_node_ports(obj) {
            let mut taken = used_ports.clone();
            let (lo, hi) = self.node_ports;
            let ports = obj["spec"]["ports"]
                .as_array_mut()
                .map(std::mem::take)
                .unwrap_or_default();
            let mut out = Vec::new();
            for (i, mut p) in ports.into_iter().enumerate() {
                let path = FieldPath::from_names(["spec", "ports"])
                    .index(i)
                    .child("nodePort");
                match p["nodePort"].as_i64() {
                    Some(n) if n < i64::from(lo) || n > i64::from(hi) => errs.push(FieldError::invalid(&path, n, format!("provided port is not in the valid range. The range of valid ports is {lo}-{hi}"))),
                    Some(n) if !taken.insert(n) => errs.push(FieldError::invalid(&path, n, "provided port is already allocated")),
                    Some(_) => {}
                    None => match self.pick_port(&taken, seed.wrapping_add(i as u32)) {
                        Some(n) => {
                            taken.insert(n);
                            if let Some(port) = p.as_object_mut() {
                                port.insert("nodePort".into(), json!(n));
                            }
                        }
                        None => return Err(ApiError::internal("failed to allocate a nodePort: range is full")),
                    },
                }
                out.push(p);
            }
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                spec.insert("ports".into(), Value::Array(out));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("", "Service", &name, &errs))
        }
    }
}

/// Copies allocated values the client left out of an update (upstream's
/// `patchAllocatedValues`).
fn keep_allocated(new: &mut Value, old: &Value) {
    for field in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
        if new["spec"]
            .get(field)
            .is_none_or(|v| v.is_null() || v == "")
        {
            if let (Some(v), Some(spec)) = (old["spec"].get(field), new["spec"].as_object_mut()) {
                spec.insert(field.into(), v.clone());
            }
        }
    }
    if needs_node_ports(new) && needs_node_ports(old) {
        let old_ports = old["spec"]["ports"].as_array().cloned().unwrap_or_default();
        for p in new["spec"]["ports"].as_array_mut().into_iter().flatten() {
            if p["nodePort"].is_null() {
                if let Some(o) = old_ports
                    .iter()
                    .find(|o| o["port"] == p["port"] && o["protocol"] == p["protocol"])
                {
                    if let Some(port) = p.as_object_mut() {
                        port.insert("nodePort".into(), o["nodePort"].clone());
                    }
                }
            }
        }
    }
}

/// Upstream's `validateServicePort`: a name when there are several (a unique DNS label),
/// a valid port number, a known protocol.
fn validate_service_port(
    p: &Value,
    require_name: bool,
    names: &mut BTreeSet<String>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = p["name"].as_str().unwrap_or("");
    if require_name && name.is_empty() {
        errs.push(FieldError::required(&path.child("name"), ""));
    } else if !name.is_empty() {
        for msg in is_dns1123_label(name) {
            errs.push(FieldError::invalid(&path.child("name"), name, msg));
        }
        if !names.insert(name.to_string()) {
            errs.push(FieldError::duplicate(&path.child("name"), name));
        }
    }
    let port = p["port"].as_i64().unwrap_or(0);
    for msg in is_valid_port_num(port) {
        errs.push(FieldError::invalid(&path.child("port"), port, msg));
    }
    let protocol = p["protocol"].as_str().unwrap_or("");
    const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
    if protocol.is_empty() {
        errs.push(FieldError::required(&path.child("protocol"), ""));
    } else if !PROTOCOLS.contains(&protocol) {
        errs.push(FieldError::not_supported(
            &path.child("protocol"),
            protocol,
            &PROTOCOLS,
        ));
    }
    if let Some(target) = p.get("targetPort").filter(|t| !t.is_null()) {
        errs.extend(port_num_or_name(target, &path.child("targetPort")));
    }
    if let Some(app) = p.get("appProtocol").and_then(Value::as_str) {
        for msg in is_qualified_name(app) {
            errs.push(FieldError::invalid(&path.child("appProtocol"), app, msg));
        }
    }
    errs
}

impl Strategy for ServiceStrategy {
    /// Upstream's `SetDefaults_Service` for ports: a zero or empty `targetPort` is the port.
    fn defaults(&self, obj: &mut Value) {
        for p in obj
            .get_mut("spec")
            .and_then(|s| s.get_mut("ports"))
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut)
        {
            let unset = p
                .get("targetPort")
                .is_some_and(|t| *t == json!(0) || *t == json!(""));
            if unset {
                let port = p.get("port").cloned().unwrap_or(Value::Null);
                p.insert("targetPort".into(), port);
            }
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            set_default(spec, "internalTrafficPolicy", json!("Cluster"));
            if let Some(Value::Array(ports)) = spec.get_mut("ports") {
                for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                    set_default(p, "protocol", json!("TCP"));
                    let port = p.get("port").cloned().unwrap_or(Value::Null);
                    set_default(p, "targetPort", port);
                }
            }
            if matches!(
                spec.get("type").and_then(Value::as_str),
                Some("NodePort" | "LoadBalancer")
            ) {
                set_default(spec, "externalTrafficPolicy", json!("Cluster"));
            }
        }
        if let Some(map) = obj.as_object_mut() {
            map.insert("status".into(), json!({"loadBalancer": {}}));
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
        keep_allocated(new, old);
    }

    fn allocate<'a>(
        &'a self,
        obj: &'a mut Value,
        old: Option<&'a Value>,
    ) -> BoxFuture<'a, Result<Reservation, ApiError>> {
        Box::pin(async move {
            // One allocation at a time, held until the service is written: the next one
            // then sees it in storage (upstream serializes on its allocator bitmap's CAS).
            let guard = self.lock.clone().lock_owned().await;
            self.allocate_impl(obj, old).await?;
            Ok(Some(Box::new(guard) as Box<dyn std::any::Any + Send>))
        })
    }

    fn name_validator(&self) -> ValidateNameFn {
        name_is_dns1035_label
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let ports = obj["spec"]["ports"].as_array().cloned().unwrap_or_default();
        let headless = obj["spec"]["clusterIP"] == "None";
        if ports.is_empty() && !headless && service_type(obj) != "ExternalName" {
            errs.push(FieldError::required(
                &FieldPath::from_names(["spec", "ports"]),
                "",
            ));
        }
        let mut names = BTreeSet::new();
        for (i, p) in ports.iter().enumerate() {
            errs.extend(validate_service_port(
                p,
                ports.len() > 1,
                &mut names,
                &FieldPath::from_names(["spec", "ports"]).index(i),
            ));
        }
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        let (n, o) = (&new["spec"]["clusterIP"], &old["spec"]["clusterIP"]);
        if o.as_str().is_some_and(|s| !s.is_empty())
            && n != o
            && service_type(new) != "ExternalName"
        {
            errs.push(FieldError::invalid(
                &FieldPath::from_names(["spec", "clusterIPs"]).index(0),
                n.clone(),
                "may not change once set",
            ));
        }
        errs
    }

    fn return_deleted_object(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_parsing_and_membership() {
        let c = ServiceCidr::parse("10.96.0.0/12").unwrap();
        assert_eq!(c.to_string(), "10.96.0.0/12");
        assert_eq!(c.nth(1).to_string(), "10.96.0.1");
        assert!(c.contains("10.100.1.2".parse().unwrap()));
        assert!(!c.contains("10.112.0.1".parse().unwrap()));
        assert!(!c.contains("10.96.0.0".parse().unwrap()));
        assert_eq!(
            ServiceCidr::parse("fd00::/108,10.0.0.0/24")
                .unwrap()
                .to_string(),
            "10.0.0.0/24"
        );
        assert!(ServiceCidr::parse("bogus").is_none());
    }

    #[test]
    fn updates_keep_allocations() {
        let old = json!({"spec": {"type": "NodePort", "clusterIP": "10.0.0.5", "clusterIPs": ["10.0.0.5"],
            "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}]}});
        let mut new =
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "protocol": "TCP"}]}});
        keep_allocated(&mut new, &old);
        assert_eq!(new["spec"]["clusterIP"], "10.0.0.5");
        assert_eq!(new["spec"]["ports"][0]["nodePort"], 30080);
    }

    #[test]
    fn port_rules() {
        let svc = |ports: Value| json!({"spec": {"type": "ClusterIP", "ports": ports}});
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!([{"port": 80, "protocol": "TCP", "targetPort": "http"}]), vec![]),
            (
                json!([{"port": 80, "protocol": "TCP", "targetPort": 0}]),
                vec!["spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"],
            ),
            (
                json!([{"port": 80, "protocol": "XTP"}]),
                vec!["spec.ports[0].protocol: Unsupported value: \"XTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""],
            ),
            (
                json!([{"port": 0, "protocol": "XTP"}]),
                vec![
                    "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                    "spec.ports[0].protocol: Unsupported value: \"XTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                ],
            ),
            (
                json!([{"name": "a", "port": 80, "protocol": "TCP"}, {"name": "a", "port": 81, "protocol": "TCP"}, {"port": 82, "protocol": "UDP"}]),
                vec![
                    "spec.ports[1].name: Duplicate value: \"a\"",
                    "spec.ports[2].name: Required value",
                ],
            ),
        ];
        for (ports, want) in cases {
            let got: Vec<String> = port_errors(&svc(ports.clone()));
            assert_eq!(got, want, "{ports}");
        }
    }

    fn port_errors(svc: &Value) -> Vec<String> {
        let mut names = BTreeSet::new();
        let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
        ports
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                validate_service_port(
                    p,
                    ports.len() > 1,
                    &mut names,
                    &FieldPath::from_names(["spec", "ports"]).index(i),
                )
            })
            .map(|e| e.to_string())
            .collect()
    }
}
