//! Probes and lifecycle hooks (upstream's `validateProbe`, `validateHandler`,
//! `validateLifecycle`): exactly one handler, valid ports and schemes, non-negative timings.

use api_types::validation::{
    is_http_header_name, is_valid_port_name, is_valid_port_num, FieldError, FieldPath,
};
use serde_json::Value;

use super::util::{arr, each, int, nonnegative, s, set};

/// A port given as a number or a name (upstream's `ValidatePortNumOrName`).
pub fn port_num_or_name(port: &Value, path: &FieldPath) -> Vec<FieldError> {
    match port {
        Value::String(name) => each(name, is_valid_port_name(name), path),
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            is_valid_port_num(n)
                .into_iter()
                .map(|m| FieldError::invalid(path, n, m))
                .collect()
        }
        _ => is_valid_port_num(0)
            .into_iter()
            .map(|m| FieldError::invalid(path, 0, m))
            .collect(),
    }
}

fn http_get(h: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if s(h, "path").is_empty() {
        errs.push(FieldError::required(&path.child("path"), ""));
    }
    errs.extend(port_num_or_name(&h["port"], &path.child("port")));
    let scheme = s(h, "scheme");
    if scheme != "HTTP" && scheme != "HTTPS" {
        errs.push(FieldError::not_supported(
            &path.child("scheme"),
            scheme,
            &["HTTP", "HTTPS"],
        ));
    }
    for header in arr(h, "httpHeaders") {
        let name = s(header, "name");
        errs.extend(each(
            name,
            is_http_header_name(name),
            &path.child("httpHeaders"),
        ));
    }
    errs
}

/// Exactly one of the handler kinds; `sleep` only for lifecycle hooks, `grpc` only for probes.
fn handler(h: &Value, grace: Option<i64>, lifecycle: bool, path: &FieldPath) -> Vec<FieldError> {
    let kinds: &[&str] = if lifecycle {
        &["exec", "httpGet", "tcpSocket", "sleep"]
    } else {
        &["exec", "httpGet", "tcpSocket", "grpc"]
    };
    let mut errs = Vec::new();
    let mut count = 0;
    for kind in kinds {
        if !set(h, kind) {
            continue;
        }
        let at = path.child(*kind);
        if count > 0 {
            errs.push(FieldError::forbidden(
                &at,
                "may not specify more than 1 handler type",
            ));
            continue;
        }
        count += 1;
        let v = &h[*kind];
        match *kind {
            "exec" if arr(v, "command").is_empty() => {
                errs.push(FieldError::required(&at.child("command"), ""));
            }
            "httpGet" => errs.extend(http_get(v, &at)),
            "tcpSocket" => errs.extend(port_num_or_name(&v["port"], &at.child("port"))),
            "grpc" => errs.extend(port_num_or_name(&v["port"], &at.child("port"))),
            "sleep" => {
                let secs = int(v, "seconds").unwrap_or(0);
                if let Some(g) = grace.filter(|g| secs < 0 || secs > *g) {
                    errs.push(FieldError::invalid(
                        &at,
                        secs,
                        format!(
                            "must be non-negative and less than terminationGracePeriodSeconds ({g})"
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    errs
}

/// Which probe, for the rules that differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

/// One probe of a container; nothing when it is unset.
pub fn validate_probe(
    probe: &Value,
    kind: ProbeKind,
    grace: Option<i64>,
    path: &FieldPath,
) -> Vec<FieldError> {
    if probe.is_null() {
        return Vec::new();
    }
    let mut errs = handler(probe, grace, false, path);
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        errs.extend(nonnegative(
            Some(int(probe, field).unwrap_or(0)),
            &path.child(field),
        ));
    }
    if let Some(t) = int(probe, "terminationGracePeriodSeconds").filter(|t| *t <= 0) {
        errs.push(FieldError::invalid(
            &path.child("terminationGracePeriodSeconds"),
            t,
            "must be greater than 0",
        ));
    }
    let success = int(probe, "successThreshold").unwrap_or(0);
    match kind {
        ProbeKind::Liveness | ProbeKind::Startup if success != 1 => {
            errs.push(FieldError::invalid(
                &path.child("successThreshold"),
                success,
                "must be 1",
            ));
        }
        ProbeKind::Readiness if set(probe, "terminationGracePeriodSeconds") => {
            errs.push(FieldError::invalid(
                &path.child("terminationGracePeriodSeconds"),
                probe["terminationGracePeriodSeconds"].clone(),
                "must not be set for readinessProbes",
            ));
        }
        _ => {}
    }
    errs
}

/// The three probes of a container.
pub fn validate_probes(c: &Value, grace: Option<i64>, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (field, kind) in [
        ("livenessProbe", ProbeKind::Liveness),
        ("readinessProbe", ProbeKind::Readiness),
        ("startupProbe", ProbeKind::Startup),
    ] {
        if let Some(p) = c.get(field) {
            errs.extend(validate_probe(p, kind, grace, &path.child(field)));
        }
    }
    errs
}

/// `lifecycle.postStart` and `lifecycle.preStop`.
pub fn validate_lifecycle(lc: &Value, grace: Option<i64>, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for hook in ["postStart", "preStop"] {
        if set(lc, hook) {
            errs.extend(handler(&lc[hook], grace, true, &path.child(hook)));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn probe(p: Value, kind: ProbeKind) -> Vec<String> {
        validate_probe(&p, kind, Some(30), &FieldPath::new("p"))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const TIMINGS: &str = r#"{"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}"#;

    fn with(extra: Value) -> Value {
        let mut base: Value = serde_json::from_str(TIMINGS).unwrap();
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    }

    #[test]
    fn probe_rules() {
        let cases: Vec<(Value, ProbeKind, Vec<&str>)> = vec![
            (with(json!({"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}})), ProbeKind::Liveness, vec![]),
            (with(json!({})), ProbeKind::Liveness, vec!["p: Required value: must specify a handler type"]),
            (
                with(json!({"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}})),
                ProbeKind::Readiness,
                vec!["p.tcpSocket: Forbidden: may not specify more than 1 handler type"],
            ),
            (with(json!({"exec": {}})), ProbeKind::Startup, vec!["p.exec.command: Required value"]),
            (
                with(json!({"tcpSocket": {"port": 0}})),
                ProbeKind::Readiness,
                vec!["p.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
            ),
            (
                with(json!({"grpc": {"port": 9090}, "periodSeconds": -1})),
                ProbeKind::Readiness,
                vec!["p.periodSeconds: Invalid value: -1: must be greater than or equal to 0"],
            ),
            (
                with(json!({"exec": {"command": ["x"]}, "successThreshold": 2})),
                ProbeKind::Liveness,
                vec!["p.successThreshold: Invalid value: 2: must be 1"],
            ),
            (
                with(json!({"exec": {"command": ["x"]}, "terminationGracePeriodSeconds": 5})),
                ProbeKind::Readiness,
                vec!["p.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"],
            ),
            (
                with(json!({"httpGet": {"path": "/", "port": "http", "scheme": "FTP"}})),
                ProbeKind::Liveness,
                vec!["p.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""],
            ),
        ];
        for (p, kind, want) in cases {
            assert_eq!(probe(p.clone(), kind), want, "{p}");
        }
    }

    #[test]
    fn lifecycle_rules() {
        let p = FieldPath::new("l");
        let got: Vec<String> = validate_lifecycle(
            &json!({"preStop": {"sleep": {"seconds": 60}}, "postStart": {"grpc": {"port": 1}}}),
            Some(30),
            &p,
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            got,
            [
                "l.postStart: Required value: must specify a handler type",
                "l.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)",
            ]
        );
    }
}
