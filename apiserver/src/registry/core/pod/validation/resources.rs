//! A container's `resources` (upstream's `validateResourceRequirements` with
//! `validateContainerResourceName`): known resource names, non-negative quantities,
//! requests no larger than limits, and equal for resources that cannot be overcommitted.

use api_types::quantity::Quantity;
use api_types::validation::{is_qualified_name, FieldError, FieldPath, IS_NEGATIVE_ERROR_MSG};
use serde_json::{Map, Value};

use super::util::each;

/// Resource names valid without a domain prefix (upstream's `standardResources`).
const STANDARD_RESOURCES: [&str; 20] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_huge_pages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

fn is_extended(name: &str) -> bool {
    if is_native(name) || name.starts_with("requests.") {
        return false;
    }
    is_qualified_name(&format!("requests.{name}")).is_empty()
}

fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_huge_pages(name)
}

/// Upstream's `validateContainerResourceName` (after `validateResourceName`).
fn resource_name(name: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = each(name, is_qualified_name(name), path);
    if !errs.is_empty() {
        return errs;
    }
    let unqualified = !name.contains('/');
    if unqualified
        && !STANDARD_RESOURCES.contains(&name)
        && !is_huge_pages(name)
        && !name.starts_with("requests.hugepages-")
    {
        errs.push(FieldError::invalid(
            path,
            name,
            "must be a standard resource type or fully qualified",
        ));
    }
    if unqualified {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_huge_pages(name) {
            errs.push(FieldError::invalid(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// Parses a quantity written as a string or a bare number.
fn parse_quantity(v: &Value) -> Result<Quantity, String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    Quantity::parse(text.trim()).map_err(|e| e.to_string())
}

/// Name and quantity checks shared by limits and requests; the parsed quantity if valid.
fn entry(
    name: &str,
    raw: &Value,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) -> Option<Quantity> {
    errs.extend(resource_name(name, path));
    let q = match parse_quantity(raw) {
        Ok(q) => q,
        Err(e) => {
            errs.push(FieldError::invalid(path, raw.clone(), e));
            return None;
        }
    };
    if q.sign() < 0 {
        errs.push(FieldError::invalid(
            path,
            q.to_string(),
            IS_NEGATIVE_ERROR_MSG,
        ));
    }
    if is_extended(name) && q.milli_value() % 1000 != 0 {
        errs.push(FieldError::invalid(
            path,
            q.to_string(),
            "must be an integer",
        ));
    }
    if is_huge_pages(name) {
        let divisible = Quantity::parse(name.trim_start_matches("hugepages-"))
            .ok()
            .map(|page| page.value())
            .filter(|page| *page > 0)
            .is_some_and(|page| q.value() % page == 0);
        if !divisible {
            errs.push(FieldError::invalid(
                path,
                q.to_string(),
                format!("{q} is not positive integer multiple of {name}"),
            ));
        }
    }
    Some(q)
}

/// A container's `resources`.
pub fn validate_resources(resources: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let empty = Map::new();
    let limits = resources
        .get("limits")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let requests = resources
        .get("requests")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let lim_path = path.child("limits");
    let req_path = path.child("requests");
    let compute = |n: &str| matches!(n, "cpu" | "memory");
    let mut parsed_limits = Vec::new();
    for (name, raw) in limits {
        if let Some(q) = entry(name, raw, &lim_path.key(name), &mut errs) {
            parsed_limits.push((name.as_str(), q));
        }
    }
    for (name, raw) in requests {
        let Some(q) = entry(name, raw, &req_path.key(name), &mut errs) else {
            continue;
        };
        match parsed_limits.iter().find(|(n, _)| *n == name) {
            Some((_, limit)) if q != *limit && !overcommit_allowed(name) => {
                errs.push(FieldError::invalid(
                    &req_path,
                    q.to_string(),
                    format!("must be equal to {name} limit of {limit}"),
                ));
            }
            Some((_, limit)) if q > *limit => errs.push(FieldError::invalid(
                &req_path,
                q.to_string(),
                format!("must be less than or equal to {name} limit of {limit}"),
            )),
            Some(_) => {}
            None if !overcommit_allowed(name) && !limits.contains_key(name) => {
                errs.push(FieldError::required(
                    &lim_path,
                    "Limit must be set for non overcommitable resources",
                ));
            }
            None => {}
        }
    }
    let any_compute = limits.keys().chain(requests.keys()).any(|n| compute(n));
    let any_huge = limits
        .keys()
        .chain(requests.keys())
        .any(|n| is_huge_pages(n));
    if any_huge && !any_compute {
        errs.push(FieldError::forbidden(
            path,
            "HugePages require cpu or memory",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_rules() {
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                json!({"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": 1, "memory": "128Mi"}}),
                vec![],
            ),
            (
                json!({"requests": {"cpu": "200m"}, "limits": {"cpu": "100m"}}),
                vec!["r.requests: Invalid value: \"200m\": must be less than or equal to cpu limit of 100m"],
            ),
            (
                json!({"limits": {"cpu": "-1"}}),
                vec!["r.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"],
            ),
            (
                json!({"requests": {"gpu": "1"}}),
                vec![
                    "r.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
                    "r.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                ],
            ),
            (
                json!({"requests": {"example.com/dongle": "1"}, "limits": {"example.com/dongle": "2"}}),
                vec!["r.requests: Invalid value: \"1\": must be equal to example.com/dongle limit of 2"],
            ),
            (
                json!({"requests": {"example.com/dongle": "1"}}),
                vec!["r.limits: Required value: Limit must be set for non overcommitable resources"],
            ),
            (
                json!({"limits": {"example.com/dongle": "500m"}}),
                vec!["r.limits[example.com/dongle]: Invalid value: \"500m\": must be an integer"],
            ),
            (
                json!({"limits": {"hugepages-2Mi": "4Mi"}}),
                vec!["r: Forbidden: HugePages require cpu or memory"],
            ),
        ];
        for (r, want) in cases {
            let got: Vec<String> = validate_resources(&r, &FieldPath::new("r"))
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(got, want, "{r}");
        }
    }
}
