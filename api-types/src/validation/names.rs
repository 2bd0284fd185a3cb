//! Object-name validators (upstream's `ValidateNameFunc`s and path-segment checks).
//!
//! `prefix` is true when validating a `generateName`: a random suffix will be appended,
//! so a trailing dash is tolerated the way upstream tolerates it.

use super::formats::{is_dns1035_label, is_dns1123_label, is_dns1123_subdomain};

/// Validates a name (or, with `prefix`, a generateName) for one kind of resource and
/// returns upstream's messages.
pub type ValidateNameFn = fn(name: &str, prefix: bool) -> Vec<String>;

/// Upstream's `maskTrailingDash`, kept byte-for-byte: when the name is longer than one
/// byte and ends with `-`, its last *two* bytes are replaced by `a`.
fn mask_trailing_dash(name: &str) -> String {
    let bytes = name.as_bytes();
    if bytes.len() > 1 && name.ends_with('-') {
        let mut masked = bytes[..bytes.len() - 2].to_vec();
        masked.push(b'a');
        String::from_utf8_lossy(&masked).into_owned()
    } else {
        name.to_string()
    }
}

/// Names that must be RFC 1123 subdomains (the default for most resources).
pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1123_subdomain(&mask_trailing_dash(name))
    } else {
        is_dns1123_subdomain(name)
    }
}

/// Names that must be RFC 1123 labels (namespaces, ...).
pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1123_label(&mask_trailing_dash(name))
    } else {
        is_dns1123_label(name)
    }
}

/// Names that must be RFC 1035 labels (services).
pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1035_label(&mask_trailing_dash(name))
    } else {
        is_dns1035_label(name)
    }
}

/// Namespace names: RFC 1123 labels.
pub fn validate_namespace_name(name: &str, prefix: bool) -> Vec<String> {
    name_is_dns_label(name, prefix)
}

/// Service account names: RFC 1123 subdomains.
pub fn validate_service_account_name(name: &str, prefix: bool) -> Vec<String> {
    name_is_dns_subdomain(name, prefix)
}

/// Upstream's `ValidatePathSegmentName`: names that go into a URL path or storage key
/// may not be `.` or `..` nor contain `/` or `%` (with `prefix`, only the latter).
pub fn validate_path_segment_name(name: &str, prefix: bool) -> Vec<String> {
    if !prefix {
        for illegal in [".", ".."] {
            if name == illegal {
                return vec![format!("may not be '{illegal}'")];
            }
        }
    }
    ["/", "%"]
        .iter()
        .filter(|c| name.contains(*c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    #[test]
    fn generate_name_tolerates_trailing_dash() {
        assert!(name_is_dns_subdomain("web-", true).is_empty());
        assert_eq!(name_is_dns_subdomain("web-", false), vec![SUBDOMAIN_MSG]);
        assert!(name_is_dns_label("web-", true).is_empty());
        assert!(name_is_dns1035_label("web-", true).is_empty());
        // Upstream masks the last two bytes: "1-" becomes "a", a valid 1035 label.
        assert!(name_is_dns1035_label("1-", true).is_empty());
        assert!(!name_is_dns1035_label("1a-", true).is_empty());
        // A lone dash is not masked.
        assert_eq!(name_is_dns_subdomain("-", true), vec![SUBDOMAIN_MSG]);
        assert_eq!(name_is_dns_subdomain("Web-", true), vec![SUBDOMAIN_MSG]);
    }

    #[test]
    fn path_segments() {
        assert_eq!(
            validate_path_segment_name(".", false),
            vec!["may not be '.'"]
        );
        assert_eq!(
            validate_path_segment_name("..", false),
            vec!["may not be '..'"]
        );
        assert!(validate_path_segment_name("..", true).is_empty());
        assert_eq!(
            validate_path_segment_name("a/b%c", false),
            vec!["may not contain '/'", "may not contain '%'"]
        );
        assert!(validate_path_segment_name("a.b", false).is_empty());
    }
}
