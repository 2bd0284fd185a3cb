//! `LabelSelector` <-> `Selector`, as upstream's `LabelSelectorAsSelector` and
//! `ParseToLabelSelector`.

use std::collections::BTreeMap;

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement,
};
use api_types::labels::{ConversionError, Operator, Selector};

fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
    LabelSelectorRequirement {
        key: key.into(),
        operator: op.into(),
        values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn nil_is_nothing_and_empty_is_everything() {
    let s = Selector::from_label_selector(None).unwrap();
    assert!(s.is_nothing());
    assert!(!s.matches(&labels(&[])));
    let s = Selector::try_from(&LabelSelector::default()).unwrap();
    assert!(s.is_empty());
    assert!(s.matches(&labels(&[("a", "b")])));
    let s = Selector::try_from(&LabelSelector {
        match_labels: Some(BTreeMap::new()),
        match_expressions: Some(vec![]),
    })
    .unwrap();
    assert!(s.is_empty());
    assert_eq!(Selector::nothing().to_label_selector().unwrap(), None);
    assert_eq!(
        Selector::everything().to_label_selector().unwrap(),
        Some(LabelSelector::default())
    );
}

#[test]
fn converts_like_upstream() {
    let ls = LabelSelector {
        match_labels: Some(labels(&[("foo", "bar"), ("baz", "blah")])),
        match_expressions: Some(vec![
            expr("baz", "In", &["qux", "norf"]),
            expr("x", "NotIn", &["a"]),
            expr("y", "Exists", &[]),
            expr("z", "DoesNotExist", &[]),
        ]),
    };
    let s = Selector::try_from(&ls).unwrap();
    assert_eq!(
        s.to_string(),
        "baz=blah,baz in (norf,qux),foo=bar,x notin (a),y,!z"
    );
    // baz=blah and baz in (norf,qux) cannot both hold.
    assert!(!s.matches(&labels(&[("foo", "bar"), ("baz", "blah"), ("y", "1")])));
    assert!(!s.matches(&labels(&[("foo", "bar"), ("baz", "qux"), ("y", "1")])));
    let s2 = Selector::parse("baz in (blah,qux),foo=bar,y,!z,x notin (a)").unwrap();
    assert!(s2.matches(&labels(&[("foo", "bar"), ("baz", "blah"), ("y", "")])));

    let back = s.to_label_selector().unwrap().unwrap();
    assert_eq!(
        back.match_labels,
        Some(labels(&[("baz", "blah"), ("foo", "bar")]))
    );
    assert_eq!(
        back.match_expressions,
        Some(vec![
            expr("baz", "In", &["norf", "qux"]),
            expr("x", "NotIn", &["a"]),
            expr("y", "Exists", &[]),
            expr("z", "DoesNotExist", &[]),
        ])
    );
}

#[test]
fn conversion_errors() {
    let bad_op = LabelSelector {
        match_expressions: Some(vec![expr("a", "Foo", &["x"])]),
        ..Default::default()
    };
    let e = Selector::try_from(&bad_op).unwrap_err();
    assert_eq!(e, ConversionError::InvalidOperator("Foo".into()));
    assert_eq!(
        e.to_string(),
        "\"Foo\" is not a valid label selector operator"
    );

    let empty_in = LabelSelector {
        match_expressions: Some(vec![expr("a", "In", &[])]),
        ..Default::default()
    };
    let e = Selector::try_from(&empty_in).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("for 'in', 'notin' operators, values set can't be empty"),
        "{e}"
    );

    let exists_with_values = LabelSelector {
        match_expressions: Some(vec![expr("a", "Exists", &["x"])]),
        ..Default::default()
    };
    assert_eq!(
        Selector::try_from(&exists_with_values).unwrap_err().to_string(),
        "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist"
    );

    let bad_label = LabelSelector {
        match_labels: Some(labels(&[("a b", "x")])),
        ..Default::default()
    };
    assert!(Selector::try_from(&bad_label)
        .unwrap_err()
        .to_string()
        .starts_with("key: Invalid value: \"a b\": name part"));

    let e = Selector::parse("a>1")
        .unwrap()
        .to_label_selector()
        .unwrap_err();
    assert_eq!(e.to_string(), "\"gt\" isn't supported in label selectors");
    let e = Selector::parse("a<1")
        .unwrap()
        .to_label_selector()
        .unwrap_err();
    assert_eq!(e.to_string(), "\"lt\" isn't supported in label selectors");
    let e = Selector::parse("a!=1")
        .unwrap()
        .to_label_selector()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"!=\" is not a valid label selector operator"
    );
}

#[test]
fn selector_to_label_selector() {
    let s = Selector::parse("a=1,b==2,c in (y,x),!d").unwrap();
    let ls = s.to_label_selector().unwrap().unwrap();
    assert_eq!(ls.match_labels, Some(labels(&[("a", "1"), ("b", "2")])));
    assert_eq!(
        ls.match_expressions,
        Some(vec![
            expr("c", "In", &["x", "y"]),
            expr("d", "DoesNotExist", &[])
        ])
    );
    let again = Selector::try_from(&ls).unwrap();
    assert_eq!(again.to_string(), "a=1,b=2,c in (x,y),!d");
    assert_eq!(again.requirements()[1].operator(), Operator::Equals);
    assert_eq!(again.requires_exact_match("b"), Some("2"));
}
