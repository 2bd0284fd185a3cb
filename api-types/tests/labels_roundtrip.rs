//! Property tests: printing then parsing a selector gives it back, and converting through
//! `LabelSelector` is stable.

use std::collections::BTreeMap;

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement,
};
use api_types::labels::{Operator, Requirement, Selector};
use proptest::prelude::*;

fn dns_label() -> impl Strategy<Value = String> {
    "[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?"
}

fn key() -> impl Strategy<Value = String> {
    let name = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?";
    let prefix = prop::collection::vec(dns_label(), 1..3).prop_map(|l| l.join("."));
    (prop::option::of(prefix), name).prop_map(|(p, n)| match p {
        Some(p) => format!("{p}/{n}"),
        None => n,
    })
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("in".to_string()),
        Just("notin".to_string()),
        "[A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?",
    ]
}

fn requirement() -> impl Strategy<Value = Requirement> {
    let op = prop_oneof![
        Just(Operator::Equals),
        Just(Operator::DoubleEquals),
        Just(Operator::NotEquals),
        Just(Operator::In),
        Just(Operator::NotIn),
        Just(Operator::Exists),
        Just(Operator::DoesNotExist),
        Just(Operator::GreaterThan),
        Just(Operator::LessThan),
    ];
    (
        key(),
        op,
        prop::collection::vec(value(), 1..4),
        0u32..100_000,
    )
        .prop_map(|(k, op, vals, n)| {
            let values = match op {
                Operator::In | Operator::NotIn => vals,
                Operator::Exists | Operator::DoesNotExist => vec![],
                Operator::GreaterThan | Operator::LessThan => vec![n.to_string()],
                _ => vec![vals[0].clone()],
            };
            Requirement::new(k, op, values).expect("generated requirement is valid")
        })
}

fn label_set() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        prop_oneof![Just("a".to_string()), Just("b".to_string()), key()],
        prop_oneof![value(), (0u32..200).prop_map(|n| n.to_string())],
        0..5,
    )
}

fn label_selector() -> impl Strategy<Value = LabelSelector> {
    let expr =
        (key(), 0..4usize, prop::collection::vec(value(), 1..4)).prop_map(|(k, op, vals)| {
            let (operator, values) = match op {
                0 => ("In", Some(vals)),
                1 => ("NotIn", Some(vals)),
                2 => ("Exists", None),
                _ => ("DoesNotExist", None),
            };
            LabelSelectorRequirement {
                key: k,
                operator: operator.to_string(),
                values,
            }
        });
    (
        prop::option::of(prop::collection::btree_map(key(), value(), 0..4)),
        prop::option::of(prop::collection::vec(expr, 0..4)),
    )
        .prop_map(|(match_labels, match_expressions)| LabelSelector {
            match_labels,
            match_expressions,
        })
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(reqs in prop::collection::vec(requirement(), 0..6), labels in label_set()) {
        let sel = Selector::from_requirements(reqs);
        let text = sel.to_string();
        let parsed = Selector::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed, &sel, "text: {}", text);
        prop_assert_eq!(parsed.to_string(), text);
        prop_assert_eq!(parsed.matches(&labels), sel.matches(&labels));
    }

    #[test]
    fn label_selector_conversion_is_stable(ls in label_selector(), labels in label_set()) {
        let s1 = Selector::try_from(&ls).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let ls2 = s1.to_label_selector().map_err(|e| TestCaseError::fail(e.to_string()))?
            .ok_or_else(|| TestCaseError::fail("not nothing"))?;
        let s2 = Selector::try_from(&ls2).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&s2, &s1);
        prop_assert_eq!(s2.to_string(), s1.to_string());
        prop_assert_eq!(s2.matches(&labels), s1.matches(&labels));
        let ls3 = s2.to_label_selector().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(ls3, Some(ls2));
        // The printed form parses to the same selector too.
        prop_assert_eq!(Selector::parse(&s1.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?, s1);
    }

    #[test]
    fn parse_never_panics(s in "[ a-z=!,()<>0-9in]{0,24}") {
        let _ = Selector::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_any_text(s in any::<String>()) {
        let _ = Selector::parse(&s);
    }
}
