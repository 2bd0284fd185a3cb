//! IP address validation as upstream's `IsValidIP` / `IsValidIPForLegacyField`.
//!
//! Upstream first parses "sloppily" (Go 1.16 rules: leading zeros allowed in IPv4 octets
//! and IPv6 groups), then rejects what the strict parser refuses, so a value with leading
//! zeros gets "must not have leading 0s" instead of "must be a valid IP address".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::field::{FieldError, FieldPath};

const INVALID_IP: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/// Upstream's `ParseIPSloppy`: IPv4 octets and IPv6 groups may carry leading zeros.
fn parse_ip_sloppy(value: &str) -> Option<IpAddr> {
    if value.contains(':') {
        parse_ipv6_sloppy(value).map(IpAddr::V6)
    } else {
        parse_ipv4_sloppy(value).map(IpAddr::V4)
    }
}

fn parse_ipv4_sloppy(value: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = value.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = part.trim_start_matches('0');
        if digits.len() > 3 {
            return None;
        }
        *octet = if digits.is_empty() {
            0
        } else {
            digits.parse::<u8>().ok()?
        };
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// Strips leading zeros from every group (and the dotted tail) and lets the standard
/// parser judge the structure.
fn parse_ipv6_sloppy(value: &str) -> Option<Ipv6Addr> {
    let groups: Vec<&str> = value.split(':').collect();
    let last = groups.len().checked_sub(1)?;
    let mut normalized: Vec<String> = Vec::with_capacity(groups.len());
    for (i, group) in groups.iter().enumerate() {
        if i == last && group.contains('.') {
            normalized.push(parse_ipv4_sloppy(group)?.to_string());
            continue;
        }
        if group.is_empty() {
            normalized.push(String::new());
            continue;
        }
        if !group.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let digits = group.trim_start_matches('0');
        normalized.push(if digits.is_empty() {
            "0".to_string()
        } else {
            digits.to_string()
        });
    }
    normalized.join(":").parse().ok()
}

/// Parses like upstream's `parseIP`: sloppy parse, then (when strict) the checks the
/// strict parser adds.
fn parse_ip(path: &FieldPath, value: &str, strict: bool) -> (Option<IpAddr>, Vec<FieldError>) {
    let Some(ip) = parse_ip_sloppy(value) else {
        return (None, vec![FieldError::invalid(path, value, INVALID_IP)]);
    };
    let mut errs = Vec::new();
    if strict {
        match value.parse::<IpAddr>() {
            Err(_) => errs.push(FieldError::invalid(path, value, "must not have leading 0s")),
            Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_some() => {
                errs.push(FieldError::invalid(
                    path,
                    value,
                    "must not be an IPv4-mapped IPv6 address",
                ));
            }
            Ok(_) => {}
        }
    }
    (Some(ip), errs)
}

/// Go's `net.IP.String()`: IPv4-mapped IPv6 addresses print as dotted IPv4.
fn go_ip_string(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// An IP address by current rules: strictly parsed and in canonical form.
pub fn is_valid_ip(path: &FieldPath, value: &str) -> Vec<FieldError> {
    let (ip, errs) = parse_ip(path, value, true);
    if !errs.is_empty() {
        return errs;
    }
    match ip {
        Some(ip) if go_ip_string(ip) != value => {
            let canonical = go_ip_string(ip);
            vec![FieldError::invalid(
                path,
                value,
                format!(
                    "must be in canonical form ({})",
                    super::gofmt::go_quote(&canonical)
                ),
            )]
        }
        _ => Vec::new(),
    }
}

/// An IP address in a field that predates strict validation: non-canonical forms pass;
/// leading zeros and IPv4-mapped IPv6 pass unless `strict`; values in `valid_old_ips` (from
/// the object being updated) always pass.
pub fn is_valid_ip_for_legacy_field(
    path: &FieldPath,
    value: &str,
    strict: bool,
    valid_old_ips: &[&str],
) -> Vec<FieldError> {
    if valid_old_ips.contains(&value) {
        return Vec::new();
    }
    parse_ip(path, value, strict).1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(errs: Vec<FieldError>) -> Vec<String> {
        errs.into_iter().map(|e| e.detail).collect()
    }

    #[test]
    fn upstream_ip_cases() {
        let p = FieldPath::new("ip");
        for good in [
            "1.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "1234::abcd",
            "::",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ] {
            assert!(is_valid_ip(&p, good).is_empty(), "{good}");
        }
        let canon = |v: &str| details(is_valid_ip(&p, v));
        assert_eq!(
            canon("0:0:0:0:0:0:0:0"),
            vec![r#"must be in canonical form ("::")"#]
        );
        assert_eq!(
            canon("0001:002:03:4::"),
            vec![r#"must be in canonical form ("1:2:3:4::")"#]
        );
        assert_eq!(
            canon("1234::ABCD"),
            vec![r#"must be in canonical form ("1234::abcd")"#]
        );
        assert_eq!(canon("1.1.1.01"), vec!["must not have leading 0s"]);
        assert_eq!(
            canon("::ffff:1.1.1.1"),
            vec!["must not be an IPv4-mapped IPv6 address"]
        );
        for bad in [
            "",
            "aaaaaaa",
            "myhost.mydomain",
            "1.2.3.0/24",
            "1.2.3.400",
            "-1.0.0.0",
            "2001:db8::10005",
            "1.2.3.4:80",
            "[2001:db8::1]",
            "[2001:db8::1]:80",
            "example.com:80",
            "1234::abcd%eth0",
            "169.254.0.0%eth0",
        ] {
            assert_eq!(canon(bad), vec![INVALID_IP], "{bad}");
            assert_eq!(
                details(is_valid_ip_for_legacy_field(&p, bad, false, &[])),
                vec![INVALID_IP]
            );
        }
        assert!(is_valid_ip_for_legacy_field(&p, "1.1.1.01", false, &[]).is_empty());
        assert!(is_valid_ip_for_legacy_field(&p, "::ffff:1.1.1.1", false, &[]).is_empty());
        assert_eq!(
            details(is_valid_ip_for_legacy_field(&p, "1.1.1.01", true, &[])),
            vec!["must not have leading 0s"]
        );
        assert!(is_valid_ip_for_legacy_field(&p, "1.1.1.01", true, &["1.1.1.01"]).is_empty());
        assert!(is_valid_ip_for_legacy_field(&p, "1234::ABCD", true, &[]).is_empty());
        let e = &is_valid_ip(&p, "x")[0];
        assert_eq!(
            e.to_string(),
            "ip: Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        );
    }
}
