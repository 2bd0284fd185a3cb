//! Unit tests; expectations come from upstream's `selector_test.go` and from the
//! messages in upstream's `selector.go` / `validation.go`.

use std::collections::{BTreeMap, HashMap};

use super::*;

fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
    Requirement::new(key, op, values.iter().map(|v| v.to_string()).collect()).unwrap()
}

fn parse_err(s: &str) -> String {
    Selector::parse(s).unwrap_err().to_string()
}

const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

#[test]
fn good_strings_restring_without_spaces() {
    for s in [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ] {
        let sel = Selector::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(sel.to_string(), s.replace(' ', ""), "{s}");
    }
}

#[test]
fn bad_strings() {
    for s in [
        "x=a||y=b",
        "x==a==b",
        "!x=a",
        "x<a",
        "x,,y",
        ",x,y",
        "x nott in (y)",
        "a in (xyz),",
        "a in (xyz)b notin ()",
        "a in (xyz abc)",
        "a notin(",
        "a (",
        "(",
    ] {
        assert!(Selector::parse(s).is_err(), "{s} should not parse");
    }
}

#[test]
fn parse_error_messages() {
    assert_eq!(
        parse_err("x=a||y=b"),
        format!(
            "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": {LABEL_VALUE_MSG}"
        )
    );
    assert_eq!(
        parse_err("x==a==b"),
        "found '==', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_err("!x=a"),
        "found '=', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_err("x<a"),
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
    );
    assert_eq!(
        parse_err("x,,y"),
        "found ',', expected: identifier after ','"
    );
    assert_eq!(
        parse_err(",x"),
        "found ',', expected: !, identifier, or 'end of string'"
    );
    assert_eq!(
        parse_err("a in (xyz),"),
        "found '', expected: identifier after ','"
    );
    assert_eq!(
        parse_err("a in (xyz abc)"),
        "unable to parse requirement: found 'abc', expected: ',' or ')'"
    );
    assert_eq!(
        parse_err("a notin("),
        "unable to parse requirement: found '', expected: ',', ')' or identifier"
    );
    assert_eq!(
        parse_err("a in x"),
        "unable to parse requirement: found 'x' expected: '('"
    );
    assert_eq!(
        parse_err("a ("),
        "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_err("a b"),
        "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_err("!"),
        "unable to parse requirement: found '', expected: identifier"
    );
    assert_eq!(
        parse_err("x nott in (y)"),
        "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_err("a in (x,("),
        "unable to parse requirement: found '(', expected: ',', or identifier"
    );
    assert_eq!(
        parse_err("a=("),
        "unable to parse requirement: found '(', expected: identifier"
    );
}

#[test]
fn bad_keys_and_values() {
    // Key problems are reported against upstream's nil parser path.
    assert_eq!(
        parse_err("x/y/z=a"),
        "unable to parse requirement: <nil>: Invalid value: \"x/y/z\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    );
    let long_key = "a".repeat(64);
    assert_eq!(
        parse_err(&long_key),
        format!("unable to parse requirement: <nil>: Invalid value: \"{long_key}\": name part must be no more than 63 characters")
    );
    assert_eq!(
        parse_err("Bad_Prefix/x"),
        "unable to parse requirement: <nil>: Invalid value: \"Bad_Prefix/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    assert_eq!(
        parse_err("-x"),
        format!("unable to parse requirement: <nil>: Invalid value: \"-x\": {NAME_PART_MSG}")
    );
    let path = FieldPath::new("spec").child("selector");
    assert_eq!(
        Selector::parse_with_path("-x", Some(&path))
            .unwrap_err()
            .message(),
        format!(
            "unable to parse requirement: spec.selector: Invalid value: \"-x\": {NAME_PART_MSG}"
        )
    );
    let long_value = "v".repeat(64);
    assert_eq!(
        parse_err(&format!("x={long_value}")),
        format!("unable to parse requirement: values[0][x]: Invalid value: \"{long_value}\": must be no more than 63 characters")
    );
    assert!(Selector::parse(&format!("x={}", "v".repeat(63))).is_ok());
    assert!(Selector::parse(&format!("example.com/{}", "k".repeat(63))).is_ok());
}

#[test]
fn requirement_constructor_errors() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let e = Requirement::new("x1", Operator::In, vec![]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
    );
    let e = Requirement::new("x5", Operator::Equals, s(&["bar", "foo"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "values: Invalid value: []string{\"bar\", \"foo\"}: exact-match compatibility requires one single value"
    );
    let e = Requirement::new("x8", Operator::Exists, s(&["foo"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "values: Invalid value: []string{\"foo\"}: values set must be empty for exists and does not exist"
    );
    let e = Requirement::new("x13", Operator::GreaterThan, vec![]).unwrap_err();
    assert_eq!(e.to_string(), "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required");
    let e = Requirement::new("x14", Operator::GreaterThan, s(&["bar"])).unwrap_err();
    assert_eq!(e.0.len(), 1);
    assert_eq!(e.0[0].field, "values[0]");
    let e = Requirement::new("a".repeat(254), Operator::Exists, vec![]).unwrap_err();
    assert_eq!(e.0[0].field, "key");
    assert_eq!(e.0[0].reason(), "FieldValueInvalid");
    let e = Requirement::new("x17", Operator::Equals, s(&["a b"])).unwrap_err();
    assert_eq!(e.0[0].field, "values[0][x17]");
    // Several problems aggregate in brackets.
    let e = Requirement::new("-k", Operator::In, vec![]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("[key: Invalid value: \"-k\": {NAME_PART_MSG}, values: Invalid value: []string{{}}: for 'in', 'notin' operators, values set can't be empty]")
    );
    // Gt with a negative number: an integer, but not a valid label value.
    let e = Requirement::new("x", Operator::LessThan, s(&["-1"])).unwrap_err();
    assert_eq!(e.0[0].field, "values[0][x]");
    for ok in [
        req("x3", Operator::In, &["foo"]),
        req("x4", Operator::NotIn, &["foo"]),
        req("x6", Operator::Exists, &[]),
        req("x7", Operator::DoesNotExist, &[]),
        req("x11", Operator::GreaterThan, &["1"]),
        req("x12", Operator::LessThan, &["6"]),
    ] {
        assert!(!ok.key().is_empty());
    }
}

#[test]
fn set_selector_parser() {
    let cases: Vec<(&str, Vec<Requirement>)> = vec![
        ("", vec![]),
        ("\rx", vec![req("x", Operator::Exists, &[])]),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            vec![req(
                "this-is-a-dns.domain.com/key-with-dash",
                Operator::Exists,
                &[],
            )],
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            vec![req(
                "0.1.2.domain/99",
                Operator::NotIn,
                &["10.10.100.1", "tick.tack.clock"],
            )],
        ),
        ("foo  in\t (abc)", vec![req("foo", Operator::In, &["abc"])]),
        ("x notin\n (abc)", vec![req("x", Operator::NotIn, &["abc"])]),
        ("x in (abc,)", vec![req("x", Operator::In, &["abc", ""])]),
        ("x in ()", vec![req("x", Operator::In, &[""])]),
        (
            "x notin (abc,,def),bar,z in (),w",
            vec![
                req("bar", Operator::Exists, &[]),
                req("w", Operator::Exists, &[]),
                req("x", Operator::NotIn, &["abc", "", "def"]),
                req("z", Operator::In, &[""]),
            ],
        ),
        (
            "x=a,y!=b,z in (h,i,j)",
            vec![
                req("x", Operator::Equals, &["a"]),
                req("y", Operator::NotEquals, &["b"]),
                req("z", Operator::In, &["h", "i", "j"]),
            ],
        ),
        ("x notin ( )", vec![req("x", Operator::NotIn, &[""])]),
        ("x notin (, a)", vec![req("x", Operator::NotIn, &["", "a"])]),
        ("a ", vec![req("a", Operator::Exists, &[])]),
        (
            "a in (x,y,notin, z,in)",
            vec![req("a", Operator::In, &["in", "notin", "x", "y", "z"])],
        ),
        ("in in (in)", vec![req("in", Operator::In, &["in"])]),
        ("x==a", vec![req("x", Operator::DoubleEquals, &["a"])]),
    ];
    for (input, want) in cases {
        let sel = Selector::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(sel.requirements(), want.as_slice(), "{input}");
    }
    // Parsed values come out sorted and de-duplicated.
    let sel = Selector::parse("x in (b,a,b)").unwrap();
    assert_eq!(sel.requirements()[0].values(), ["a", "b"]);
}

#[test]
fn deterministic_order_and_display() {
    assert_eq!(
        Selector::parse("x=a,a=x").unwrap(),
        Selector::parse("a=x,x=a").unwrap()
    );
    assert_eq!(Selector::parse("x=a,a=x").unwrap().to_string(), "a=x,x=a");
    assert_eq!(
        Selector::parse("c!=d, !b ,a in (y,x)").unwrap().to_string(),
        "a in (x,y),!b,c!=d"
    );
    let cases = [
        (
            vec![
                req("x", Operator::In, &["def", "abc"]),
                req("y", Operator::NotIn, &["jkl"]),
                req("z", Operator::Exists, &[]),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            vec![
                req("x", Operator::NotIn, &["abc", "def"]),
                req("y", Operator::NotEquals, &["jkl"]),
                req("z", Operator::DoesNotExist, &[]),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            vec![
                req("x", Operator::NotIn, &["abc"]),
                req("y", Operator::In, &["jkl", "mno"]),
                req("z", Operator::NotIn, &[""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            vec![
                req("x", Operator::Equals, &["abc"]),
                req("y", Operator::DoubleEquals, &["jkl"]),
                req("z", Operator::NotEquals, &["a"]),
                req("z", Operator::Exists, &[]),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            vec![
                req("x", Operator::GreaterThan, &["2"]),
                req("y", Operator::LessThan, &["8"]),
                req("z", Operator::Exists, &[]),
            ],
            "x>2,y<8,z",
        ),
    ];
    for (reqs, want) in cases {
        let sel = Selector::from_requirements(reqs);
        assert_eq!(sel.to_string(), want);
        assert_eq!(Selector::parse(want).unwrap(), sel);
    }
    // Display of a requirement keeps the given values but prints them sorted.
    let r = req("environment", Operator::NotIn, &["dev"]);
    assert_eq!(r.to_string(), "environment notin (dev)");
}

#[test]
fn matching() {
    let expect = |sel: &str, labels: &[(&str, &str)], want: bool| {
        let s = Selector::parse(sel).unwrap();
        assert_eq!(s.matches(&set(labels)), want, "{sel} vs {labels:?}");
        let hm: HashMap<String, String> = set(labels).into_iter().collect();
        assert_eq!(s.matches(&hm), want, "{sel} vs {labels:?} (HashMap)");
    };
    expect("", &[("x", "y")], true);
    expect("x=y", &[("x", "y")], true);
    expect("x=y,z=w", &[("x", "y"), ("z", "w")], true);
    expect("x!=y,z!=w", &[("x", "z"), ("z", "a")], true);
    expect("notin=in", &[("notin", "in")], true);
    expect("x", &[("x", "z")], true);
    expect("!x", &[("y", "z")], true);
    expect("x>1", &[("x", "2")], true);
    expect("x<1", &[("x", "0")], true);
    expect("x=z", &[], false);
    expect("x=y", &[("x", "z")], false);
    expect("x=y,z=w", &[("x", "w"), ("z", "w")], false);
    expect("x!=y,z!=w", &[("x", "z"), ("z", "w")], false);
    expect("x", &[("y", "z")], false);
    expect("!x", &[("x", "z")], false);
    expect("x>1", &[("x", "0")], false);
    expect("x<1", &[("x", "2")], false);
    expect("x>1", &[("x", "v2")], false);
    expect("x>1", &[], false);
    // notin and != hold when the key is absent.
    expect("x notin (a)", &[("y", "")], true);
    expect("x!=a", &[], true);
    expect("x notin (a)", &[("x", "a")], false);
    expect("x in (a,b)", &[("x", "b")], true);
    expect("x in (a)", &[("x", "")], false);
    expect("x in ()", &[("x", "")], true);
    expect("x in ()", &[("y", "baz")], false);
    expect("x notin (),y", &[("y", "")], true);
    expect("!x,y", &[("y", "")], true);
    let labels = [("foo", "bar"), ("baz", "blah")];
    expect("foo=bar,baz=blah", &labels, true);
    expect("foo=bar,foobar=bar,baz=blah", &labels, false);
}

#[test]
fn everything_nothing_and_sets() {
    let l = set(&[("x", "y")]);
    assert!(Selector::everything().matches(&l));
    assert!(Selector::everything().is_empty());
    assert!(Selector::everything().matches(&BTreeMap::new()));
    assert!(!Selector::nothing().matches(&l));
    assert!(!Selector::nothing().matches(&BTreeMap::new()));
    assert!(!Selector::nothing().is_empty());
    assert!(Selector::nothing().is_nothing());
    assert_ne!(Selector::nothing(), Selector::everything());
    assert_eq!(Selector::nothing().to_string(), "");
    assert!(Selector::nothing()
        .with_requirements([req("x", Operator::Exists, &[])])
        .is_nothing());
    assert_eq!(Selector::parse("").unwrap(), Selector::everything());

    let labelset = set(&[("foo", "bar"), ("baz", "blah")]);
    assert!(Selector::from_set(BTreeMap::<String, String>::new()).is_empty());
    assert!(Selector::from_set([("foo", "bar")]).matches(&labelset));
    assert!(Selector::from_set([("foo", "bar"), ("baz", "blah")]).matches(&labelset));
    assert!(!Selector::from_set([("foo", "bar"), ("x", "y")]).matches(&labelset));
    assert_eq!(
        Selector::from_set([("z", "1"), ("a", "2")]).to_string(),
        "a=2,z=1"
    );
    let long = "axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui";
    let e = Selector::from_set_validated([("Key", long)]).unwrap_err();
    assert_eq!(e.0[0].field, "values[0][Key]");
    assert!(Selector::from_set_validated([("key", "val")]).is_ok());

    // Option and ObjectMeta label sources.
    let none: Option<BTreeMap<String, String>> = None;
    assert!(Selector::parse("!x").unwrap().matches(&none));
    let meta = ObjectMeta {
        labels: Some(l.clone()),
        ..Default::default()
    };
    assert!(Selector::parse("x=y").unwrap().matches(&meta));
}

#[test]
fn requires_exact_match() {
    let sel = |r: Vec<Requirement>| Selector::from_requirements(r);
    assert_eq!(
        sel(vec![req("key", Operator::In, &["value"])]).requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(
        sel(vec![req("key", Operator::In, &["value", "value2"])]).requires_exact_match("key"),
        None
    );
    assert_eq!(
        sel(vec![
            req("key", Operator::In, &["value", "value1"]),
            req("key2", Operator::In, &["value2"])
        ])
        .requires_exact_match("key2"),
        Some("value2")
    );
    assert_eq!(
        sel(vec![req("key", Operator::Equals, &["value"])]).requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(
        sel(vec![req("key", Operator::DoubleEquals, &["value"])]).requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(
        sel(vec![req("key", Operator::NotEquals, &["value"])]).requires_exact_match("key"),
        None
    );
    assert_eq!(
        sel(vec![req("key", Operator::Exists, &[])]).requires_exact_match("other"),
        None
    );
    assert_eq!(Selector::nothing().requires_exact_match("key"), None);
}

#[test]
fn repeated_values_collapse() {
    let r = Requirement::new("a", Operator::In, vec!["y".into(), "x".into(), "y".into()]).unwrap();
    assert_eq!(r.values(), ["y", "x"]);
    assert_eq!(r.to_string(), "a in (x,y)");
    assert_eq!(r, req("a", Operator::In, &["x", "y"]));
    // Validation sees the values as given: two equal values are still two.
    assert!(Requirement::new("a", Operator::Equals, vec!["x".into(), "x".into()]).is_err());
}

#[test]
fn parse_with_path_reports_requirement_errors_under_it() {
    let path = FieldPath::new("spec").child("selector");
    let e = Selector::parse_with_path("x=-a", Some(&path)).unwrap_err();
    assert_eq!(
        e.message(),
        format!("unable to parse requirement: spec.selector.values[0][x]: Invalid value: \"-a\": {LABEL_VALUE_MSG}")
    );
    let e = Selector::parse_with_path("x>a", Some(&path)).unwrap_err();
    assert_eq!(
        e.message(),
        "unable to parse requirement: spec.selector.values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
    );
}
