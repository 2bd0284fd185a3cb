//! The rest of upstream's `util/validation` string checks: domain names, domain-prefixed
//! paths, environment variable names and user/group IDs.

use super::field::{FieldError, FieldPath};
use super::formats::{
    inclusive_range_error, is_dns1123_label, is_dns1123_subdomain, max_len_error, regex_error,
    DNS1123_SUBDOMAIN_MAX_LENGTH,
};

const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG_FG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character";
const WILDCARD_FMT: &str = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const WILDCARD_ERR_MSG: &str = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const HTTP_PATH_FMT: &str = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const ENV_VAR_NAME_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";
const ENV_VAR_NAME_ERR_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const RELAXED_ENV_VAR_NAME_ERR_MSG: &str =
    "a valid environment variable name must consist only of printable ASCII characters other than '='";

/// `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?`
fn is_label_with_underscore(label: &str) -> bool {
    let body = label.strip_prefix('_').unwrap_or(label).as_bytes();
    let lower_alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (body.first(), body.last()) {
        (Some(&f), Some(&l)) => {
            lower_alnum(f)
                && lower_alnum(l)
                && body
                    .iter()
                    .all(|&c| lower_alnum(c) || c == b'-' || c == b'_')
        }
        _ => false,
    }
}

/// An RFC 1123 subdomain whose labels may also contain (and start with) `_`.
pub fn is_dns1123_subdomain_with_underscore(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !value.split('.').all(is_label_with_underscore) {
        // Upstream quotes the plain subdomain expression here.
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG_FG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `*.` followed by an RFC 1123 subdomain.
pub fn is_wildcard_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    let ok = value
        .strip_prefix("*.")
        .is_some_and(|rest| rest.split('.').all(|l| is_dns1123_label(l).is_empty()));
    if !ok {
        errs.push(regex_error(
            WILDCARD_ERR_MSG,
            WILDCARD_FMT,
            &["*.example.com"],
        ));
    }
    errs
}

/// Deprecated upstream in favour of [`is_fully_qualified_domain_name`]: a subdomain with
/// at least three labels and no trailing dot.
pub fn is_fully_qualified_name(path: &FieldPath, name: &str) -> Vec<FieldError> {
    if name.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let errs = is_dns1123_subdomain(name);
    if !errs.is_empty() {
        return vec![FieldError::invalid(path, name, errs.join(","))];
    }
    if name.split('.').count() < 3 {
        return vec![FieldError::invalid(
            path,
            name,
            "should be a domain with at least three segments separated by dots",
        )];
    }
    Vec::new()
}

/// A subdomain with at least two labels; one trailing dot is allowed.
pub fn is_fully_qualified_domain_name(path: &FieldPath, name: &str) -> Vec<FieldError> {
    if name.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errs = is_dns1123_subdomain(name);
    if !errs.is_empty() {
        return vec![FieldError::invalid(path, name, errs.join(","))];
    }
    if name.split('.').count() < 2 {
        return vec![FieldError::invalid(
            path,
            name,
            "should be a domain with at least two segments separated by dots",
        )];
    }
    for label in name.split('.') {
        let errs = is_dns1123_label(label);
        if !errs.is_empty() {
            return vec![FieldError::invalid(path, label, errs.join(","))];
        }
    }
    Vec::new()
}

/// `domain/path`: a subdomain, `/`, then RFC 3986 path characters (e.g. `acme.io/foo`).
pub fn is_domain_prefixed_path(path: &FieldPath, dp_path: &str) -> Vec<FieldError> {
    if dp_path.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let Some((host, rest)) = dp_path
        .split_once('/')
        .filter(|(h, r)| !h.is_empty() && !r.is_empty())
    else {
        return vec![FieldError::invalid(
            path,
            dp_path,
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        )];
    };
    let mut errs: Vec<FieldError> = is_dns1123_subdomain(host)
        .into_iter()
        .map(|e| FieldError::invalid(path, host, e))
        .collect();
    let path_ok = rest
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&c));
    if !path_ok {
        errs.push(FieldError::invalid(
            path,
            rest,
            regex_error("Invalid path", HTTP_PATH_FMT, &[]),
        ));
    }
    errs
}

fn ch_dir_prefix(value: &str) -> Option<&'static str> {
    if value == "." {
        Some("must not be '.'")
    } else if value == ".." {
        Some("must not be '..'")
    } else if value.starts_with("..") {
        Some("must not start with '..'")
    } else {
        None
    }
}

/// An environment variable name by the classic rule.
pub fn is_env_var_name(value: &str) -> Vec<String> {
    let b = value.as_bytes();
    let ok_char = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_');
    let ok = b.first().is_some_and(|c| !c.is_ascii_digit() && ok_char(c)) && b.iter().all(ok_char);
    let mut errs = Vec::new();
    if !ok {
        errs.push(regex_error(
            ENV_VAR_NAME_ERR_MSG,
            ENV_VAR_NAME_FMT,
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errs.extend(ch_dir_prefix(value).map(str::to_string));
    errs
}

/// An environment variable name by the relaxed rule: printable ASCII except `=`.
pub fn is_relaxed_env_var_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.is_empty() {
        errs.push("environment variable name must be non-empty".to_string());
    }
    if value.chars().any(|c| !(' '..='~').contains(&c) || c == '=') {
        errs.push(RELAXED_ENV_VAR_NAME_ERR_MSG.to_string());
    }
    errs
}

/// A Unix user ID (0 to 2^31-1).
pub fn is_valid_user_id(uid: i64) -> Vec<String> {
    id_in_range(uid)
}

/// A Unix group ID (0 to 2^31-1).
pub fn is_valid_group_id(gid: i64) -> Vec<String> {
    id_in_range(gid)
}

fn id_in_range(id: i64) -> Vec<String> {
    let max = i64::from(i32::MAX);
    if (0..=max).contains(&id) {
        Vec::new()
    } else {
        vec![inclusive_range_error(0, max)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard() {
        for good in ["*.example.com", "*.bar.com", "*.foo.bar.com"] {
            assert!(is_wildcard_dns1123_subdomain(good).is_empty(), "{good}");
        }
        for bad in ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"] {
            assert_eq!(
                is_wildcard_dns1123_subdomain(bad),
                vec!["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
                "{bad}"
            );
        }
    }

    #[test]
    fn fqdn() {
        let p = FieldPath::new("spec").child("host");
        let a = |n: usize, c: &str| c.repeat(n);
        for good in [
            "a.com".to_string(),
            "k8s.io".into(),
            "dev.k8s.io.".into(),
            "bbc.co.uk".into(),
            "10.0.0.1".into(),
            format!("{}.k8s.io", a(63, "a")),
            format!(
                "{}.{}.{}.{}.k8s.io",
                a(63, "a"),
                a(63, "b"),
                a(63, "c"),
                a(54, "d")
            ),
        ] {
            assert!(
                is_fully_qualified_domain_name(&p, &good).is_empty(),
                "{good}"
            );
        }
        for bad in [
            ".".to_string(),
            "...".into(),
            ".io".into(),
            "com".into(),
            ".com".into(),
            "Dev.k8s.io".into(),
            "*.example.com".into(),
            "underscores_are_bad.k8s.io".into(),
            "foo@bar.example.com".into(),
            "http://foo.example.com".into(),
            format!("{}.k8s.io", a(64, "a")),
            format!(
                "{}.{}.{}.{}.k8s.io",
                a(63, "a"),
                a(63, "b"),
                a(63, "c"),
                a(55, "d")
            ),
        ] {
            assert!(
                !is_fully_qualified_domain_name(&p, &bad).is_empty(),
                "{bad}"
            );
        }
        assert_eq!(
            is_fully_qualified_domain_name(&p, "com")[0].to_string(),
            "spec.host: Invalid value: \"com\": should be a domain with at least two segments separated by dots"
        );
        assert_eq!(
            is_fully_qualified_domain_name(&p, "")[0].to_string(),
            "spec.host: Required value"
        );
        assert_eq!(
            is_fully_qualified_name(&p, "k8s.io")[0].detail,
            "should be a domain with at least three segments separated by dots"
        );
        assert!(is_fully_qualified_name(&p, "dev.k8s.io").is_empty());
        assert!(!is_fully_qualified_name(&p, "dev.k8s.io.").is_empty());
    }

    #[test]
    fn domain_prefixed_path() {
        let p = FieldPath::new("x");
        for good in [
            "a/b",
            "a/b/c/d",
            "a.com/foo",
            "k8s.io/FOO/BAR",
            "10.0.0.1/foo",
            "hyphens-are-good.k8s.io/and-in-paths-too",
        ] {
            assert!(is_domain_prefixed_path(&p, good).is_empty(), "{good}");
        }
        for bad in [
            ".",
            "...",
            "/b",
            "com",
            ".com",
            "a.b.c.d/foo?a=b",
            "a.b.c.d/foo#a",
            "Dev.k8s.io",
            "example.com/foo{}[]@^`",
            "underscores_are_bad.k8s.io/foo",
        ] {
            assert!(!is_domain_prefixed_path(&p, bad).is_empty(), "{bad}");
        }
        assert_eq!(
            is_domain_prefixed_path(&p, "com")[0].detail,
            "must be a domain-prefixed path (such as \"acme.io/foo\")"
        );
        assert_eq!(
            is_domain_prefixed_path(&p, "a.b/foo?a=b")[0].to_string(),
            "x: Invalid value: \"foo?a=b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"
        );
    }

    #[test]
    fn env_vars_and_ids() {
        for good in ["A", "ABC", "AbC_123", "_123", "a.b", "-a", "a-b", "..a"] {
            if good == "..a" {
                assert_eq!(is_env_var_name(good), vec!["must not start with '..'"]);
            } else {
                assert!(is_env_var_name(good).is_empty(), "{good}");
            }
        }
        assert_eq!(
            is_env_var_name("1A"),
            vec!["a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]
        );
        assert_eq!(is_env_var_name("."), vec!["must not be '.'"]);
        assert!(is_relaxed_env_var_name("1 a:b!").is_empty());
        assert_eq!(
            is_relaxed_env_var_name(""),
            vec!["environment variable name must be non-empty"]
        );
        assert_eq!(
            is_relaxed_env_var_name("a=b"),
            vec![RELAXED_ENV_VAR_NAME_ERR_MSG]
        );
        assert_eq!(
            is_relaxed_env_var_name("é\t"),
            vec![RELAXED_ENV_VAR_NAME_ERR_MSG]
        );
        for good in [0, 1, 1000, 65535, 2147483647] {
            assert!(is_valid_user_id(good).is_empty());
            assert!(is_valid_group_id(good).is_empty());
        }
        for bad in [-1, -1003, 2147483648, 4147483647] {
            assert_eq!(
                is_valid_user_id(bad),
                vec!["must be between 0 and 2147483647, inclusive"]
            );
            assert!(!is_valid_group_id(bad).is_empty());
        }
        assert!(is_dns1123_subdomain_with_underscore("_srv._tcp.example.com").is_empty());
        assert!(!is_dns1123_subdomain_with_underscore("a_").is_empty());
    }
}
