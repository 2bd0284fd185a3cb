//! Upstream's string validators: accept/reject lists from upstream's `validation_test.go`
//! and exact messages built from the texts in upstream's `validation.go`.

use api_types::validation::*;

fn a(n: usize) -> String {
    "a".repeat(n)
}

const LABEL_1123: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_1123: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1035: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

#[test]
fn dns1123_label() {
    for good in [
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        &a(63),
    ] {
        assert!(is_dns1123_label(good).is_empty(), "{good}");
    }
    for bad in [
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a.b",
        "1.",
        ".1",
        "1.2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
        &a(64),
    ] {
        assert!(!is_dns1123_label(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(is_dns1123_label("a.b"), vec!["must not contain dots"]);
    assert_eq!(is_dns1123_label("A"), vec![LABEL_1123]);
    assert_eq!(
        is_dns1123_label(&a(64)),
        vec!["must be no more than 63 characters"]
    );
    assert_eq!(
        is_dns1123_label(&format!("{}-", a(64))),
        vec![
            "must be no more than 63 characters".to_string(),
            LABEL_1123.to_string()
        ]
    );
}

#[test]
fn dns1123_subdomain() {
    for good in [
        "a",
        "a--1--2--b",
        "a.a",
        "a--1--2--b.a",
        "a.1",
        "0.a",
        "1--a--b--2",
        "0.1",
        "1--a--b--2.1",
        "a.b.c.d.e",
        "aa.bb.cc.dd.ee",
        "1.2.3.4.5",
        "11.22.33.44.55",
        &a(253),
    ] {
        assert!(is_dns1123_subdomain(good).is_empty(), "{good}");
    }
    for bad in [
        "",
        "A",
        "-",
        "a-",
        "-a",
        "_",
        "a_b",
        ".",
        "a.",
        ".a",
        "a..b",
        "1..2",
        " ",
        "a b",
        "A.a",
        "ab.A",
        "0.A",
        "A.B.C.D.E",
        "a.B.c.d.e",
        "a@b",
        "a,b",
        "a;b",
        "a:b",
        "a%b",
        "a?b",
        "a$b",
        &a(254),
    ] {
        assert!(!is_dns1123_subdomain(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(is_dns1123_subdomain("Foo"), vec![SUBDOMAIN_1123]);
    assert_eq!(
        is_dns1123_subdomain(&a(254)),
        vec!["must be no more than 253 characters"]
    );
}

#[test]
fn dns1035_label() {
    for good in ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", &a(63)] {
        assert!(is_dns1035_label(good).is_empty(), "{good}");
    }
    for bad in [
        "0",
        "01",
        "1a",
        "1--a--b--2",
        "",
        "A",
        "aBc",
        "-",
        "a-",
        "-a",
        "a_b",
        "a.b",
        "a b",
        &a(64),
    ] {
        assert!(!is_dns1035_label(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(is_dns1035_label("1a"), vec![LABEL_1035]);
}

#[test]
fn qualified_name() {
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        &a(63),
        &format!("{}/{}", a(253), "b".repeat(63)),
    ] {
        assert!(is_qualified_name(good).is_empty(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
        &a(64),
        &format!("{}/abc", a(254)),
    ] {
        assert!(!is_qualified_name(bad).is_empty(), "{bad}");
    }
    assert_eq!(is_qualified_name("a-"), vec![format!("name part {QNAME}")]);
    assert_eq!(
        is_qualified_name("/simple"),
        vec!["prefix part must be non-empty"]
    );
    assert_eq!(
        is_qualified_name("example.com/"),
        vec![
            "name part must be non-empty".to_string(),
            format!("name part {QNAME}")
        ]
    );
    assert_eq!(
        is_qualified_name(&a(64)),
        vec!["name part must be no more than 63 characters"]
    );
    assert_eq!(
        is_qualified_name("Example.com/abc"),
        vec![format!("prefix part {SUBDOMAIN_1123}")]
    );
    assert_eq!(
        is_qualified_name("only/one/slash"),
        vec![format!("a qualified name {QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    );
}

#[test]
fn label_value() {
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "end-with-num-1",
        "1234",
        &a(63),
        "",
    ] {
        assert!(is_valid_label_value(good).is_empty(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
        &a(64),
    ] {
        assert!(!is_valid_label_value(bad).is_empty(), "{bad}");
    }
    assert_eq!(is_valid_label_value("-x"), vec![LABEL_VALUE]);
    assert_eq!(
        is_valid_label_value(&a(64)),
        vec!["must be no more than 63 characters"]
    );
}

#[test]
fn c_identifier() {
    for good in [
        "a",
        "_a",
        "a_b",
        "__abc_123",
        "A",
        "A__1__2__B",
        "__123_ABC",
    ] {
        assert!(is_c_identifier(good).is_empty(), "{good}");
    }
    for bad in [
        "", "1", "123", "1a", "-", "a-", "1_", ".", "a.b", " ", "a b", "#a#",
    ] {
        assert!(!is_c_identifier(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_c_identifier("1"),
        vec!["a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"]
    );
}

#[test]
fn ports() {
    for good in [1, 2, 1000, 16384, 32768, 65535] {
        assert!(is_valid_port_num(good).is_empty());
    }
    for bad in [0, -1, 65536, 100000] {
        assert_eq!(
            is_valid_port_num(bad),
            vec!["must be between 1 and 65535, inclusive"]
        );
    }
    assert!(is_in_range(25, 10, 25).is_empty());
    assert_eq!(
        is_in_range(5, -4, 2),
        vec!["must be between -4 and 2, inclusive"]
    );

    for good in [
        "telnet",
        "re-mail-ck",
        "pop3",
        "a",
        "a-1",
        "1-a",
        "a-1-b-2-c",
        "1-a-2-b-3",
    ] {
        assert!(is_valid_port_name(good).is_empty(), "{good}");
    }
    for bad in [
        "longerthan15characters",
        "",
        &a(16),
        "12345",
        "1-2-3-4",
        "-begin",
        "end-",
        "two--hyphens",
        "whois++",
    ] {
        assert!(!is_valid_port_name(bad).is_empty(), "{bad}");
    }
    assert_eq!(
        is_valid_port_name(""),
        vec![
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "must contain at least one letter (a-z)"
        ]
    );
    assert_eq!(
        is_valid_port_name("12345"),
        vec!["must contain at least one letter (a-z)"]
    );
    assert_eq!(
        is_valid_port_name("two--hyphens"),
        vec!["must not contain consecutive hyphens"]
    );
    assert_eq!(
        is_valid_port_name("end-"),
        vec!["must not begin or end with a hyphen"]
    );
    assert_eq!(
        is_valid_port_name(&a(16)),
        vec!["must be no more than 15 characters"]
    );
}

#[test]
fn header_percent_config_key() {
    for good in [
        "Accept-Encoding",
        "Host",
        "X-Forwarded-For",
        "a",
        "-a",
        "a-",
        "--abc-123",
        "A--1--2--B",
    ] {
        assert!(is_http_header_name(good).is_empty(), "{good}");
    }
    for bad in [
        "Host:", "X-@Home", "", "_", "a.b", " ", "a b", "#a#", "^", ",", ";", "=", "<", "?", "@",
        "{",
    ] {
        assert!(!is_http_header_name(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_http_header_name("Host:"),
        vec!["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"]
    );

    for good in ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"] {
        assert!(is_valid_percent(good).is_empty(), "{good}");
    }
    for bad in [
        "", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%",
    ] {
        assert!(!is_valid_percent(bad).is_empty(), "{bad:?}");
    }
    assert_eq!(
        is_valid_percent("1"),
        vec!["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
    );

    for good in [
        "a",
        "good",
        "good-good",
        "still.good",
        "this.is.also.good",
        ".so.is.this",
        "THIS_IS_GOOD",
        "so_is_this_17",
    ] {
        assert!(is_config_map_key(good).is_empty(), "{good}");
    }
    assert_eq!(is_config_map_key("."), vec!["must not be '.'"]);
    assert_eq!(is_config_map_key(".."), vec!["must not be '..'"]);
    assert_eq!(is_config_map_key("..bad"), vec!["must not start with '..'"]);
    assert_eq!(
        is_config_map_key("b*d"),
        vec!["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]
    );
    assert_eq!(
        is_config_map_key(&a(254)),
        vec!["must be no more than 253 characters"]
    );
}

#[test]
fn name_validators_with_prefix() {
    assert!(name_is_dns_subdomain("my-app-", true).is_empty());
    assert_eq!(
        name_is_dns_subdomain("my-app-", false),
        vec![SUBDOMAIN_1123]
    );
    assert!(name_is_dns_label("ns-", true).is_empty());
    assert_eq!(
        name_is_dns_label("a.b", false),
        vec!["must not contain dots"]
    );
    assert_eq!(name_is_dns1035_label("1svc", false), vec![LABEL_1035]);
    assert!(validate_namespace_name("kube-system", false).is_empty());
    assert!(validate_service_account_name("default.sa", false).is_empty());
}
