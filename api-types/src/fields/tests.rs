//! Unit tests; expectations follow upstream's `fields/selector_test.go`.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;

fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn split_terms_like_upstream() {
    let cases: &[(&str, &[&str])] = &[
        ("", &[]),
        ("a", &["a"]),
        ("a=avalue", &["a=avalue"]),
        ("a=avalue,b=bvalue", &["a=avalue", "b=bvalue"]),
        (
            "a=avalue,b==bvalue,c!=cvalue",
            &["a=avalue", "b==bvalue", "c!=cvalue"],
        ),
        ("a=a,", &["a=a", ""]),
        (",a=a", &["", "a=a"]),
        (r"k=\,,k2=v2", &[r"k=\,", "k2=v2"]),
        (r"k=\\,k2=v2", &[r"k=\\", "k2=v2"]),
        (r"k=\\\,,k2=v2", &[r"k=\\\,", "k2=v2"]),
        (r"k=\a\b\", &[r"k=\a\b\"]),
        (r"k=\", &[r"k=\"]),
        ("함=수,목=록", &["함=수", "목=록"]),
    ];
    for (input, want) in cases {
        assert_eq!(split_terms(input), *want, "{input}");
    }
}

#[test]
fn split_term_like_upstream() {
    assert_eq!(
        split_term("a=value"),
        Some(("a", Operator::Equals, "value"))
    );
    assert_eq!(
        split_term("b==value"),
        Some(("b", Operator::Equals, "value"))
    );
    assert_eq!(
        split_term("c!=value"),
        Some(("c", Operator::NotEquals, "value"))
    );
    assert_eq!(split_term(""), None);
    assert_eq!(split_term("a"), None);
    assert_eq!(split_term(r"k=\,"), Some(("k", Operator::Equals, r"\,")));
    assert_eq!(
        split_term(r"k=\\\a\b\=\,\"),
        Some(("k", Operator::Equals, r"\\\a\b\=\,\"))
    );
    assert_eq!(split_term("함=수"), Some(("함", Operator::Equals, "수")));
}

#[test]
fn parse_good_and_bad() {
    for s in ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"] {
        assert_eq!(Selector::parse(s).unwrap().to_string(), s, "{s}");
    }
    for s in [
        "x=a||y=b",
        "x==a==b",
        "x=a,b",
        "x in (a)",
        "x in (a,b,c)",
        "x",
    ] {
        assert!(Selector::parse(s).is_err(), "{s}");
    }
    assert_eq!(
        Selector::parse("x=a,b").unwrap_err().to_string(),
        "invalid selector: 'x=a,b'; can't understand 'b'"
    );
    assert_eq!(
        Selector::parse("x=a||y=b").unwrap_err().to_string(),
        "invalid field selector: unescaped character in value: 61"
    );
    assert_eq!(
        Selector::parse(r"x=a\b").unwrap_err().to_string(),
        r"invalid field selector: invalid escape sequence: \b"
    );
    // "==" parses as "=" and prints as "=".
    assert_eq!(Selector::parse("b==x").unwrap().to_string(), "b=x");
    // Empty terms are skipped; a term with nothing on either side is dropped.
    assert_eq!(Selector::parse(",a=b,,").unwrap().to_string(), "a=b");
    assert!(Selector::parse("=").unwrap().is_empty());
    assert!(Selector::parse("!=").unwrap().is_empty());
    assert_eq!(Selector::parse("=x").unwrap().to_string(), "=x");
}

#[test]
fn deterministic_parse() {
    let a = Selector::parse("x=a,a=x").unwrap();
    let b = Selector::parse("a=x,x=a").unwrap();
    assert_eq!(a.to_string(), "a=x,x=a");
    assert_eq!(a.to_string(), b.to_string());
    assert_eq!(a, b);
    // Terms sort by their raw text: "metadata.name!=" before "metadata.name=".
    assert_eq!(
        Selector::parse("metadata.name=a,metadata.name!=b")
            .unwrap()
            .to_string(),
        "metadata.name!=b,metadata.name=a"
    );
}

#[test]
fn matching() {
    let expect = |sel: &str, fields: &[(&str, &str)], want: bool| {
        assert_eq!(
            Selector::parse(sel).unwrap().matches(&set(fields)),
            want,
            "{sel} vs {fields:?}"
        );
    };
    expect("", &[("x", "y")], true);
    expect("x=y", &[("x", "y")], true);
    expect("x=y,z=w", &[("x", "y"), ("z", "w")], true);
    expect("x!=y,z!=w", &[("x", "z"), ("z", "a")], true);
    expect("notin=in", &[("notin", "in")], true);
    expect("x=y", &[("x", "z")], false);
    expect("x=y,z=w", &[("x", "w"), ("z", "w")], false);
    expect("x!=y,z!=w", &[("x", "z"), ("z", "w")], false);
    let fieldset = [("foo", "bar"), ("baz", "blah"), ("complex", r"=value\,\")];
    expect("foo=bar", &fieldset, true);
    expect("foo=bar,baz=blah", &fieldset, true);
    expect(r"foo=bar,baz=blah,complex=\=value\\\,\\", &fieldset, true);
    expect("foo=blah", &fieldset, false);
    expect("foo=bar,foobar=bar,baz=blah", &fieldset, false);
    // An absent field equals the empty string.
    expect("spec.nodeName=", &[], true);
    expect("spec.nodeName!=", &[], false);
    expect("spec.nodeName!=n1", &[], true);

    let fs = set(&[("foo", "bar"), ("baz", "blah")]);
    assert!(Selector::from_set(BTreeMap::<String, String>::new()).matches(&fs));
    assert!(Selector::from_set([("foo", "bar"), ("baz", "blah")]).matches(&fs));
    assert!(!Selector::from_set([("foo", "=blah")]).matches(&fs));
    assert!(
        !Selector::from_set([("foo", "=bar"), ("foobar", "bar"), ("baz", "blah")]).matches(&fs)
    );
    assert!(Selector::one_term_equal("x", "y").matches(&set(&[("x", "y")])));
    assert!(!Selector::one_term_equal("x", "y").matches(&set(&[("x", "z")])));
    assert!(Selector::one_term_not_equal("x", "y").matches(&set(&[("x", "z")])));
}

#[test]
fn everything_and_nothing() {
    assert!(Selector::everything().matches(&set(&[("x", "y")])));
    assert!(Selector::everything().is_empty());
    assert!(!Selector::nothing().matches(&set(&[("x", "y")])));
    assert!(!Selector::nothing().is_empty());
    assert_eq!(Selector::nothing().to_string(), "");
    assert_ne!(Selector::nothing(), Selector::everything());
    assert!(Selector::and([Selector::nothing(), Selector::everything()]).is_nothing());
    assert!(Selector::and([Selector::everything(), Selector::everything()]).is_empty());
    let both = Selector::and([
        Selector::one_term_equal("a", "b"),
        Selector::one_term_not_equal("c", "d"),
    ]);
    assert_eq!(both.to_string(), "a=b,c!=d");
}

#[test]
fn exact_match_and_fields() {
    assert_eq!(Selector::everything().exact_match("test"), None);
    assert_eq!(Selector::one_term_equal("a", "b").exact_match("test"), None);
    assert_eq!(
        Selector::one_term_equal("test", "b").exact_match("test"),
        Some("b")
    );
    assert_eq!(
        Selector::one_term_equal("test", "").exact_match("test"),
        Some("")
    );
    assert_eq!(
        Selector::one_term_not_equal("test", "b").exact_match("test"),
        None
    );
    let s = Selector::and([
        Selector::one_term_not_equal("test", "x"),
        Selector::one_term_equal("test", "b"),
    ]);
    assert_eq!(s.requires_exact_match("test"), Some("b"));
    let s = Selector::parse("spec.nodeName=n1,metadata.name!=x").unwrap();
    assert_eq!(
        s.fields().collect::<Vec<_>>(),
        vec!["metadata.name", "spec.nodeName"]
    );
    assert_eq!(s.requirements()[0].operator, Operator::NotEquals);
}

#[test]
fn transform_like_upstream() {
    let id = |f: &str, v: &str| Ok::<_, ParseError>((f.to_string(), v.to_string()));
    let s = Selector::parse_and_transform("", id).unwrap();
    assert!(s.is_empty());
    let s = Selector::parse_and_transform("a=b,c=d", id).unwrap();
    assert_eq!(s.to_string(), "a=b,c=d");
    let one = |f: &str, v: &str| {
        Ok::<_, ParseError>(if f == "a" {
            ("e".into(), "f".into())
        } else {
            (f.into(), v.into())
        })
    };
    assert_eq!(
        Selector::parse_and_transform("a=b,c=d", one)
            .unwrap()
            .to_string(),
        "e=f,c=d"
    );
    let drop_a = |f: &str, v: &str| {
        Ok::<_, ParseError>(if f == "a" {
            (String::new(), String::new())
        } else {
            (f.into(), v.into())
        })
    };
    assert!(Selector::parse_and_transform("a=b", drop_a)
        .unwrap()
        .is_empty());
    assert_eq!(
        Selector::parse_and_transform("a=b,c=d", drop_a)
            .unwrap()
            .to_string(),
        "c=d"
    );
    #[derive(Debug, PartialEq)]
    enum E {
        Parse,
        Unsupported(String),
    }
    impl From<ParseError> for E {
        fn from(_: ParseError) -> Self {
            E::Parse
        }
    }
    let reject = |f: &str, _: &str| Err::<(String, String), _>(E::Unsupported(f.to_string()));
    assert_eq!(
        Selector::parse_and_transform("a=b", reject),
        Err(E::Unsupported("a".into()))
    );
    assert_eq!(Selector::parse_and_transform("a", reject), Err(E::Parse));
}

#[test]
fn json_fields() {
    let obj = json!({
        "metadata": {"name": "web-1", "namespace": "default"},
        "spec": {"nodeName": "node-a", "unschedulable": true, "replicas": 3},
        "involvedObject": {"kind": "Pod"},
        "status": {"podIP": null}
    });
    assert_eq!(obj.get_field("metadata.name").as_deref(), Some("web-1"));
    assert_eq!(obj.get_field("spec.unschedulable").as_deref(), Some("true"));
    assert_eq!(obj.get_field("spec.replicas").as_deref(), Some("3"));
    assert_eq!(obj.get_field("status.podIP"), None);
    assert_eq!(obj.get_field("metadata"), None);
    assert_eq!(obj.get_field("metadata.name.x"), None);
    let sel = |s: &str| Selector::parse(s).unwrap();
    assert!(sel("metadata.name=web-1,spec.nodeName=node-a").matches(&obj));
    assert!(sel("involvedObject.kind=Pod").matches(&obj));
    assert!(sel("status.podIP=").matches(&obj));
    assert!(sel("spec.missing=").matches(&obj));
    assert!(sel("spec.unschedulable=true").matches(&obj));
    assert!(!sel("metadata.namespace!=default").matches(&obj));
    assert!(!sel("metadata.name=web-2").matches(&obj));
}
