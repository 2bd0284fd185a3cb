//! EndpointSlices (`discovery.k8s.io/v1`): upstream's port defaults and
//! `ValidateEndpointSlice` / `ValidateEndpointSliceUpdate` (pkg/apis/discovery/validation).

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use api_types::validation::{
    is_dns1123_label, is_dns1123_subdomain, is_fully_qualified_domain_name, is_qualified_name,
    is_valid_ip_for_legacy_field, is_valid_label_value, validate_labels, FieldError, FieldPath,
    FIELD_IMMUTABLE_ERROR_MSG,
};
use serde_json::{json, Value};

use crate::registry::Strategy;

const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 20000;
const MAX_TOPOLOGY_LABELS: usize = 16;
const MAX_ZONE_HINTS: usize = 8;
const MAX_NODE_HINTS: usize = 8;
const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
/// `corev1.LabelTopologyZone`: v1 carries it in `zone`, never in `deprecatedTopology`.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

pub struct EndpointSliceStrategy;

fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Go's `ParseIPSloppy`: std parsing, plus IPv4 octets with leading zeros.
fn parse_sloppy(value: &str) -> Option<IpAddr> {
    if let Ok(ip) = value.parse() {
        return Some(ip);
    }
    let octets: Vec<u8> = value
        .split('.')
        .map(|o| {
            if o.is_empty() || o.len() > 3 || !o.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            o.parse().ok()
        })
        .collect::<Option<_>>()?;
    let octets: [u8; 4] = octets.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// The address as Go sees it: an IPv4-mapped IPv6 address is IPv4.
fn go_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Upstream's `ValidateEndpointIP`: no unspecified, link-local or link-local multicast
/// addresses. Upstream also refuses loopback; it is accepted here because kubeoxide's
/// `default/kubernetes` slice advertises 127.0.0.1 on a single-node setup.
fn validate_endpoint_ip(value: &str, path: &FieldPath) -> Vec<FieldError> {
    let Some(ip) = parse_sloppy(value).map(go_ip) else {
        return vec![FieldError::invalid(
            path,
            value,
            "must be a valid IP address",
        )];
    };
    let mut errs = Vec::new();
    let (unspecified, link_local, link_local_multicast) = match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (
                v4.is_unspecified(),
                o[0] == 169 && o[1] == 254,
                o[0] == 224 && o[1] == 0 && o[2] == 0,
            )
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (
                v6.is_unspecified(),
                s[0] & 0xffc0 == 0xfe80,
                s[0] & 0xff0f == 0xff02,
            )
        }
    };
    if unspecified {
        errs.push(FieldError::invalid(
            path,
            value,
            format!("may not be unspecified ({value})"),
        ));
    }
    if link_local {
        errs.push(FieldError::invalid(
            path,
            value,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if link_local_multicast {
        errs.push(FieldError::invalid(
            path,
            value,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    errs
}

/// One address of an `IPv4`/`IPv6`/`FQDN` slice; `list_path` is the endpoint's `addresses`
/// (upstream reports a family mismatch there, not on the item). Addresses the old object
/// already had pass the legacy IP parse, as upstream allows.
fn validate_address(
    kind: &str,
    address: &str,
    list_path: &FieldPath,
    index: usize,
    old_addresses: &[&str],
) -> Vec<FieldError> {
    let path = list_path.index(index);
    let want_v4 = match kind {
        "IPv4" => true,
        "IPv6" => false,
        "FQDN" => return is_fully_qualified_domain_name(&path, address),
        _ => return Vec::new(),
    };
    let errs = is_valid_ip_for_legacy_field(&path, address, false, old_addresses);
    if !errs.is_empty() {
        return errs;
    }
    let mut errs = Vec::new();
    let is_v4 = parse_sloppy(address)
        .map(go_ip)
        .is_some_and(|ip| ip.is_ipv4());
    if is_v4 != want_v4 {
        let family = if want_v4 { "IPv4" } else { "IPv6" };
        errs.push(FieldError::invalid(
            list_path,
            address,
            format!("must be an {family} address"),
        ));
    }
    errs.extend(validate_endpoint_ip(address, &path));
    errs
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Upstream's `validateHints`: at most 8 zone and 8 node hints, each named once and validly.
fn validate_hints(hints: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let zones = items(&hints["forZones"]);
    let zones_path = path.child("forZones");
    if zones.len() > MAX_ZONE_HINTS {
        errs.push(FieldError::too_many(
            &zones_path,
            zones.len() as i64,
            MAX_ZONE_HINTS as i64,
        ));
        return errs;
    }
    let mut seen = BTreeSet::new();
    for (i, zone) in zones.iter().enumerate() {
        let name = zone["name"].as_str().unwrap_or("");
        let name_path = zones_path.index(i).child("name");
        if !seen.insert(name) {
            errs.push(FieldError::duplicate(&name_path, name));
        }
        for msg in is_valid_label_value(name) {
            errs.push(FieldError::invalid(&name_path, name, msg));
        }
    }
    let nodes = items(&hints["forNodes"]);
    let nodes_path = path.child("forNodes");
    if nodes.len() > MAX_NODE_HINTS {
        errs.push(FieldError::too_many(
            &nodes_path,
            nodes.len() as i64,
            MAX_NODE_HINTS as i64,
        ));
        return errs;
    }
    let mut seen = BTreeSet::new();
    for (i, node) in nodes.iter().enumerate() {
        let name = node["name"].as_str().unwrap_or("");
        let name_path = nodes_path.index(i).child("name");
        if !seen.insert(name) {
            errs.push(FieldError::duplicate(&name_path, name));
        }
        for msg in is_dns1123_subdomain(name) {
            errs.push(FieldError::invalid(&name_path, name, msg));
        }
    }
    errs
}

/// Upstream's `validateEndpoints`.
fn validate_endpoints(obj: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = obj["addressType"].as_str().unwrap_or("");
    let endpoints = items(&obj["endpoints"]);
    let path = FieldPath::new("endpoints");
    if endpoints.len() > MAX_ENDPOINTS {
        errs.push(FieldError::too_many(
            &path,
            endpoints.len() as i64,
            MAX_ENDPOINTS as i64,
        ));
        return errs;
    }
    let old_addresses: Vec<&str> = old
        .map(|o| items(&o["endpoints"]))
        .unwrap_or(&[])
        .iter()
        .flat_map(|e| items(&e["addresses"]))
        .filter_map(Value::as_str)
        .collect();
    for (i, e) in endpoints.iter().enumerate() {
        let idx = path.index(i);
        let addr_path = idx.child("addresses");
        let addresses = items(&e["addresses"]);
        if addresses.is_empty() {
            errs.push(FieldError::required(
                &addr_path,
                "must contain at least 1 address",
            ));
        } else if addresses.len() > MAX_ADDRESSES {
            errs.push(FieldError::too_many(
                &addr_path,
                addresses.len() as i64,
                MAX_ADDRESSES as i64,
            ));
        }
        for (j, a) in addresses.iter().enumerate() {
            errs.extend(validate_address(
                kind,
                a.as_str().unwrap_or(""),
                &addr_path,
                j,
                &old_addresses,
            ));
        }
        if let Some(node) = e["nodeName"].as_str() {
            for msg in is_dns1123_subdomain(node) {
                errs.push(FieldError::invalid(&idx.child("nodeName"), node, msg));
            }
        }
        let topology_path = idx.child("deprecatedTopology");
        let topology = string_map(&e["deprecatedTopology"]);
        if topology.len() > MAX_TOPOLOGY_LABELS {
            errs.push(FieldError::too_many(
                &topology_path,
                topology.len() as i64,
                MAX_TOPOLOGY_LABELS as i64,
            ));
        }
        errs.extend(validate_labels(&topology, &topology_path));
        if topology.contains_key(ZONE_LABEL) {
            errs.push(FieldError::internal(
                &topology_path.key(ZONE_LABEL),
                "reserved key was not removed in conversion",
            ));
        }
        if let Some(h) = e["hostname"].as_str() {
            for msg in is_dns1123_label(h) {
                errs.push(FieldError::invalid(&idx.child("hostname"), h, msg));
            }
        }
        if e["hints"].is_object() {
            errs.extend(validate_hints(&e["hints"], &idx.child("hints")));
        }
    }
    errs
}

/// Upstream's `validatePorts`.
fn validate_ports(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ports = items(&obj["ports"]);
    let path = FieldPath::new("ports");
    if ports.len() > MAX_PORTS {
        errs.push(FieldError::too_many(
            &path,
            ports.len() as i64,
            MAX_PORTS as i64,
        ));
        return errs;
    }
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let name = p["name"].as_str().unwrap_or("");
        let name_path = path.index(i).child("name");
        if !name.is_empty() {
            for msg in is_dns1123_label(name) {
                errs.push(FieldError::invalid(&name_path, name, msg));
            }
        }
        if !names.insert(name) {
            errs.push(FieldError::duplicate(&name_path, name));
        }
        let proto_path = path.index(i).child("protocol");
        match p["protocol"].as_str() {
            None => errs.push(FieldError::required(&proto_path, "")),
            Some(proto) if !PROTOCOLS.contains(&proto) => {
                errs.push(FieldError::not_supported(&proto_path, proto, &PROTOCOLS))
            }
            Some(_) => {}
        }
        if let Some(app) = p["appProtocol"].as_str() {
            for msg in is_qualified_name(app) {
                errs.push(FieldError::invalid(
                    &path.index(i).child("appProtocol"),
                    app,
                    msg,
                ));
            }
        }
    }
    errs
}

/// Upstream's `ValidateEndpointSlice` (metadata is checked by the store).
fn validate_slice(obj: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = obj["addressType"].as_str().unwrap_or("");
    let kind_path = FieldPath::new("addressType");
    if kind.is_empty() {
        errs.push(FieldError::required(&kind_path, ""));
    } else if !ADDRESS_TYPES.contains(&kind) {
        errs.push(FieldError::not_supported(&kind_path, kind, &ADDRESS_TYPES));
    }
    errs.extend(validate_endpoints(obj, old));
    errs.extend(validate_ports(obj));
    errs
}

impl Strategy for EndpointSliceStrategy {
    fn defaults(&self, obj: &mut Value) {
        for port in obj
            .get_mut("ports")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut)
        {
            if port.get("name").is_none_or(Value::is_null) {
                port.insert("name".into(), json!(""));
            }
            if port.get("protocol").is_none_or(Value::is_null) {
                port.insert("protocol".into(), json!("TCP"));
            }
        }
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        validate_slice(obj, None)
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = validate_slice(new, Some(old));
        if new["addressType"] != old["addressType"] {
            errs.push(FieldError::invalid(
                &FieldPath::new("addressType"),
                new["addressType"].as_str().unwrap_or(""),
                FIELD_IMMUTABLE_ERROR_MSG,
            ));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(field, reason, message)` of every error, after defaulting.
    fn triples(obj: &Value) -> Vec<(String, String, String)> {
        let mut obj = obj.clone();
        EndpointSliceStrategy.defaults(&mut obj);
        EndpointSliceStrategy
            .validate(&obj)
            .iter()
            .map(|e| (e.field.clone(), e.reason().to_string(), e.cause_message()))
            .collect()
    }

    /// `(field, reason, message)`.
    type Triple = (String, String, String);

    fn t(field: &str, reason: &str, msg: &str) -> Triple {
        (field.to_string(), reason.to_string(), msg.to_string())
    }

    fn slice(kind: &str, addresses: &[&str]) -> Value {
        json!({"addressType": kind, "endpoints": [{"addresses": addresses}],
            "ports": [{"name": "http", "port": 80}]})
    }

    #[test]
    fn valid_slices() {
        for obj in [
            slice("IPv4", &["10.0.0.1", "127.0.0.1"]),
            slice("IPv6", &["fd00::1"]),
            slice("FQDN", &["example.com"]),
            json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"],
                "nodeName": "node-1", "hostname": "pod-a", "zone": "z1",
                "hints": {"forZones": [{"name": "z1"}]},
                "deprecatedTopology": {"rack": "r1"}}],
                "ports": [{"name": "http", "port": 80, "appProtocol": "kubernetes.io/h2c"}]}),
        ] {
            assert!(triples(&obj).is_empty(), "{obj}: {:?}", triples(&obj));
        }
    }

    #[test]
    fn slice_validation_table() {
        let cases: Vec<(&str, Value, Vec<Triple>)> = vec![
            (
                "no address type",
                json!({}),
                vec![t("addressType", "FieldValueRequired", "Required value")],
            ),
            (
                "unknown address type",
                json!({"addressType": "IPX"}),
                vec![t(
                    "addressType",
                    "FieldValueNotSupported",
                    "Unsupported value: \"IPX\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"",
                )],
            ),
            (
                "bad IPv4 addresses",
                slice("IPv4", &["10.0.0.300", "fd00::1", "0.0.0.0", "169.254.1.1", "224.0.0.5"]),
                vec![
                    t(
                        "endpoints[0].addresses[0]",
                        "FieldValueInvalid",
                        "Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    ),
                    t(
                        "endpoints[0].addresses",
                        "FieldValueInvalid",
                        "Invalid value: \"fd00::1\": must be an IPv4 address",
                    ),
                    t(
                        "endpoints[0].addresses[2]",
                        "FieldValueInvalid",
                        "Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                    ),
                    t(
                        "endpoints[0].addresses[3]",
                        "FieldValueInvalid",
                        "Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                    ),
                    t(
                        "endpoints[0].addresses[4]",
                        "FieldValueInvalid",
                        "Invalid value: \"224.0.0.5\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
                    ),
                ],
            ),
            (
                "bad IPv6 addresses",
                slice("IPv6", &["10.0.0.1", "fe80::1"]),
                vec![
                    t(
                        "endpoints[0].addresses",
                        "FieldValueInvalid",
                        "Invalid value: \"10.0.0.1\": must be an IPv6 address",
                    ),
                    t(
                        "endpoints[0].addresses[1]",
                        "FieldValueInvalid",
                        "Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                    ),
                ],
            ),
            (
                "no addresses",
                slice("IPv4", &[]),
                vec![t(
                    "endpoints[0].addresses",
                    "FieldValueRequired",
                    "Required value: must contain at least 1 address",
                )],
            ),
            (
                "endpoint fields",
                json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"],
                    "nodeName": "Node_1", "hostname": "a.b",
                    "deprecatedTopology": {"topology.kubernetes.io/zone": "z"},
                    "hints": {"forZones": [{"name": "z1"}, {"name": "z1"}]}}]}),
                vec![
                    t(
                        "endpoints[0].nodeName",
                        "FieldValueInvalid",
                        "Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                    ),
                    t(
                        "endpoints[0].deprecatedTopology[topology.kubernetes.io/zone]",
                        "InternalError",
                        "Internal error: reserved key was not removed in conversion",
                    ),
                    t(
                        "endpoints[0].hostname",
                        "FieldValueInvalid",
                        "Invalid value: \"a.b\": must not contain dots",
                    ),
                    t(
                        "endpoints[0].hints.forZones[1].name",
                        "FieldValueDuplicate",
                        "Duplicate value: \"z1\"",
                    ),
                ],
            ),
            (
                "ports",
                json!({"addressType": "FQDN",
                    "ports": [{"name": "a"}, {"name": "a", "protocol": "ICMP"}, {"name": "Bad_Name"},
                        {"name": "b", "appProtocol": "-x"}]}),
                vec![
                    t("ports[1].name", "FieldValueDuplicate", "Duplicate value: \"a\""),
                    t(
                        "ports[1].protocol",
                        "FieldValueNotSupported",
                        "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                    ),
                    t(
                        "ports[2].name",
                        "FieldValueInvalid",
                        "Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                    ),
                    t(
                        "ports[3].appProtocol",
                        "FieldValueInvalid",
                        "Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    ),
                ],
            ),
        ];
        for (name, obj, want) in cases {
            assert_eq!(triples(&obj), want, "{name}");
        }
    }

    #[test]
    fn limits() {
        let many: Vec<Value> = (0..1001)
            .map(|_| json!({"addresses": ["10.0.0.1"]}))
            .collect();
        assert_eq!(
            triples(&json!({"addressType": "IPv4", "endpoints": many})),
            vec![t(
                "endpoints",
                "FieldValueTooMany",
                "Too many: 1001: must have at most 1000 items"
            )]
        );
        let addresses: Vec<String> = (0..101)
            .map(|i| format!("10.0.{}.{}", i / 200, i % 200 + 1))
            .collect();
        assert_eq!(
            triples(&json!({"addressType": "IPv4", "endpoints": [{"addresses": addresses}]})),
            vec![t(
                "endpoints[0].addresses",
                "FieldValueTooMany",
                "Too many: 101: must have at most 100 items"
            )]
        );
        let ports: Vec<Value> = (0..20001)
            .map(|i| json!({"name": format!("p{i}")}))
            .collect();
        assert_eq!(
            triples(&json!({"addressType": "IPv4", "ports": ports})),
            vec![t(
                "ports",
                "FieldValueTooMany",
                "Too many: 20001: must have at most 20000 items"
            )]
        );
    }

    #[test]
    fn updates() {
        let old = slice("IPv4", &["010.0.0.1"]);
        let mut new = old.clone();
        EndpointSliceStrategy.defaults(&mut new);
        // A legacy address the object already had stays acceptable.
        assert!(EndpointSliceStrategy.validate_update(&new, &old).is_empty());
        new["addressType"] = json!("IPv6");
        new["endpoints"] = json!([{"addresses": ["fd00::1"]}]);
        let errs = EndpointSliceStrategy.validate_update(&new, &old);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "addressType");
        assert_eq!(
            errs[0].cause_message(),
            "Invalid value: \"IPv6\": field is immutable"
        );
    }
}
