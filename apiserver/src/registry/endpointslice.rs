//! EndpointSlices (`discovery.k8s.io/v1`): upstream's port defaults and
//! `ValidateEndpointSlice` / `ValidateEndpointSliceUpdate`.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use api_types::validation::{
    is_dns1123_label, is_fully_qualified_domain_name, is_qualified_name, FieldError, FieldPath,
};
use serde_json::{json, Value};

use crate::registry::Strategy;

const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 20000;
const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

pub struct EndpointSliceStrategy;

fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn validate_address(kind: &str, address: &str, path: &FieldPath, errs: &mut Vec<FieldError>) {
    // Upstream also refuses loopback and link-local addresses (`ValidateNonSpecialIP`); they
    // are accepted here because a single-node kubeoxide advertises 127.0.0.1 in the
    // `kubernetes` slice.
    match kind {
        "IPv4" if address.parse::<Ipv4Addr>().is_err() => {
            errs.push(FieldError::invalid(
                path,
                address,
                "must be a valid IPv4 address",
            ));
        }
        "IPv6" if address.parse::<Ipv6Addr>().is_err() => {
            errs.push(FieldError::invalid(
                path,
                address,
                "must be a valid IPv6 address",
            ));
        }
        "FQDN" => errs.extend(is_fully_qualified_domain_name(path, address)),
        _ => {}
    }
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
        let mut errs = Vec::new();
        let kind = obj["addressType"].as_str().unwrap_or("");
        let kind_path = FieldPath::new("addressType");
        if kind.is_empty() {
            errs.push(FieldError::required(&kind_path, ""));
        } else if !ADDRESS_TYPES.contains(&kind) {
            errs.push(FieldError::not_supported(&kind_path, kind, &ADDRESS_TYPES));
        }

        let endpoints = items(&obj["endpoints"]);
        let path = FieldPath::new("endpoints");
        if endpoints.len() > MAX_ENDPOINTS {
            errs.push(FieldError::too_many(
                &path,
                endpoints.len() as i64,
                MAX_ENDPOINTS as i64,
            ));
        }
        for (i, e) in endpoints.iter().enumerate() {
            let addr_path = path.index(i).child("addresses");
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
                validate_address(
                    kind,
                    a.as_str().unwrap_or(""),
                    &addr_path.index(j),
                    &mut errs,
                );
            }
            if let Some(h) = e["hostname"].as_str() {
                for msg in is_dns1123_label(h) {
                    errs.push(FieldError::invalid(
                        &path.index(i).child("hostname"),
                        h,
                        msg,
                    ));
                }
            }
        }

        let ports = items(&obj["ports"]);
        let path = FieldPath::new("ports");
        if ports.len() > MAX_PORTS {
            errs.push(FieldError::too_many(
                &path,
                ports.len() as i64,
                MAX_PORTS as i64,
            ));
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

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        if new["addressType"] != old["addressType"] {
            errs.push(FieldError::invalid(
                &FieldPath::new("addressType"),
                new["addressType"].as_str().unwrap_or(""),
                "field is immutable",
            ));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(obj: &Value) -> Vec<String> {
        let mut obj = obj.clone();
        EndpointSliceStrategy.defaults(&mut obj);
        EndpointSliceStrategy
            .validate(&obj)
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn slices_like_upstream() {
        let good = json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}],
            "ports": [{"name": "http", "port": 80}]});
        assert!(fields(&good).is_empty());
        assert_eq!(fields(&json!({})), ["addressType"]);
        assert_eq!(fields(&json!({"addressType": "IPX"})), ["addressType"]);
        let bad = json!({"addressType": "IPv4",
            "endpoints": [{"addresses": []}, {"addresses": ["::1", "10.0.0.300"]}],
            "ports": [{"name": "a"}, {"name": "a", "protocol": "ICMP"}, {"name": "Bad_Name"}]});
        assert_eq!(
            fields(&bad),
            [
                "endpoints[0].addresses",
                "endpoints[1].addresses[0]",
                "endpoints[1].addresses[1]",
                "ports[1].name",
                "ports[1].protocol",
                "ports[2].name"
            ]
        );
    }

    #[test]
    fn address_type_is_immutable() {
        let old = json!({"addressType": "IPv4"});
        let new = json!({"addressType": "IPv6"});
        let errs = EndpointSliceStrategy.validate_update(&new, &old);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "addressType");
    }
}
