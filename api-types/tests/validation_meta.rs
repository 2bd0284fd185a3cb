//! Object metadata validation, with cases and messages from upstream's
//! `objectmeta_test.go` and `objectmeta.go`.

use std::collections::BTreeMap;

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use api_types::validation::*;

fn path() -> FieldPath {
    FieldPath::new("field")
}

fn meta(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        ..Default::default()
    }
}

fn map(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn texts(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

fn accept_all(_: &str, _: bool) -> Vec<String> {
    Vec::new()
}

#[test]
fn custom_name_function() {
    fn only_test(s: &str, _: bool) -> Vec<String> {
        if s == "test" {
            vec![]
        } else {
            vec!["name-gen".to_string()]
        }
    }
    let m = ObjectMeta {
        generate_name: Some("foo".into()),
        ..meta("test")
    };
    let errs = validate_object_meta(&m, false, only_test, &path());
    assert_eq!(
        texts(&errs),
        vec!["field.generateName: Invalid value: \"foo\": name-gen"]
    );
}

#[test]
fn name_required_and_namespace_rules() {
    let errs = validate_object_meta(
        &ObjectMeta::default(),
        false,
        name_is_dns_subdomain,
        &FieldPath::new("metadata"),
    );
    assert_eq!(
        texts(&errs),
        vec!["metadata.name: Required value: name or generateName is required"]
    );
    assert_eq!(errs[0].reason(), "FieldValueRequired");
    assert_eq!(
        errs[0].cause_message(),
        "Required value: name or generateName is required"
    );

    let m = ObjectMeta {
        namespace: Some("foo.bar".into()),
        ..meta("test")
    };
    let errs = validate_object_meta(&m, true, accept_all, &path());
    assert_eq!(
        texts(&errs),
        vec!["field.namespace: Invalid value: \"foo.bar\": must not contain dots"]
    );

    let long_ns = "a".repeat(63) + "B";
    let m = ObjectMeta {
        namespace: Some(long_ns.clone()),
        ..meta("test")
    };
    let errs = validate_object_meta(&m, true, accept_all, &path());
    assert_eq!(errs.len(), 2);
    assert!(errs.iter().all(|e| e.to_string().contains("Invalid value")));

    let errs = validate_object_meta(&meta("test"), true, accept_all, &path());
    assert_eq!(texts(&errs), vec!["field.namespace: Required value"]);

    let m = ObjectMeta {
        namespace: Some("ns".into()),
        ..meta("test")
    };
    let errs = validate_object_meta(&m, false, accept_all, &path());
    assert_eq!(
        texts(&errs),
        vec!["field.namespace: Forbidden: not allowed on this type"]
    );
    assert_eq!(errs[0].reason(), "FieldValueForbidden");

    let m = ObjectMeta {
        generate_name: Some("foo-".into()),
        ..meta("test")
    };
    assert!(validate_object_meta(&m, false, name_is_dns_subdomain, &path()).is_empty());

    let errs = validate_object_meta(
        &meta("Foo"),
        false,
        name_is_dns_subdomain,
        &FieldPath::new("metadata"),
    );
    assert_eq!(
        texts(&errs),
        vec!["metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    );
    // The name-only helper checks nothing else.
    let m = ObjectMeta {
        generation: Some(-1),
        ..meta("ok")
    };
    assert!(validate_object_meta_name(&m, false, name_is_dns_subdomain, &path()).is_empty());
    assert_eq!(
        texts(&validate_object_meta(
            &m,
            false,
            name_is_dns_subdomain,
            &path()
        )),
        vec!["field.generation: Invalid value: -1: must be greater than or equal to 0"]
    );
}

#[test]
fn labels() {
    let p = FieldPath::new("metadata").child("labels");
    assert!(validate_labels(
        &map(&[("app", "web".into()), ("example.com/tier", "".into())]),
        &p
    )
    .is_empty());
    let errs = validate_labels(&map(&[("a b", "ok".into())]), &p);
    assert_eq!(
        texts(&errs),
        vec!["metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]
    );
    let errs = validate_labels(&map(&[("k", "v".repeat(64))]), &p);
    assert_eq!(
        texts(&errs),
        vec![format!(
            "metadata.labels: Invalid value: \"{}\": must be no more than 63 characters",
            "v".repeat(64)
        )]
    );
}

#[test]
fn annotations() {
    let p = path();
    let limit = TOTAL_ANNOTATION_SIZE_LIMIT_B;
    for ok in [
        map(&[("simple", "bar".into())]),
        map(&[("1.2.3.4/5678", "bar".into())]),
        map(&[("UpperCase123", "bar".into())]),
        map(&[("Example.com/UpperCase", "bar".into())]),
        map(&[("a", "b".repeat(limit - 1))]),
        map(&[
            ("a", "b".repeat(limit / 2 - 1)),
            ("c", "d".repeat(limit / 2 - 1)),
        ]),
    ] {
        assert!(validate_annotations(&ok, &p).is_empty());
    }
    for (key, expect) in [
        ("nospecialchars^=@", "name part must consist of"),
        ("cantendwithadash-", "name part must consist of"),
        ("only/one/slash", "a qualified name must consist of"),
        (&*"a".repeat(254), "must be no more than"),
    ] {
        let errs = validate_annotations(&map(&[(key, "bar".into())]), &p);
        assert_eq!(errs.len(), 1, "{key}");
        assert!(errs[0].detail.contains(expect), "{key}: {}", errs[0].detail);
    }
    for too_big in [
        map(&[("a", "b".repeat(limit))]),
        map(&[("a", "b".repeat(limit / 2)), ("c", "d".repeat(limit / 2))]),
    ] {
        let errs = validate_annotations(&too_big, &FieldPath::new("metadata").child("annotations"));
        assert_eq!(
            texts(&errs),
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
        assert_eq!(errs[0].reason(), "FieldValueTooLong");
    }
    assert_eq!(
        validate_annotations_size(&map(&[("a", "b".repeat(limit))])).unwrap_err(),
        "annotations size 262145 is larger than limit 262144"
    );
}

#[test]
fn finalizers_and_owners() {
    let p = FieldPath::new("metadata").child("finalizers");
    assert!(validate_finalizers(&["kubernetes.io/pv-protection".into()], &p).is_empty());
    let errs = validate_finalizers(&["orphan".into(), "foregroundDeletion".into()], &p);
    assert_eq!(
        texts(&errs),
        vec!["metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set"]
    );
    let owner = |kind: &str, controller: Option<bool>| OwnerReference {
        api_version: "v1".into(),
        kind: kind.into(),
        name: "n".into(),
        uid: "u".into(),
        controller,
        block_owner_deletion: None,
    };
    let op = FieldPath::new("metadata").child("ownerReferences");
    assert!(validate_owner_references(
        &[owner("Pod", Some(true)), owner("Node", Some(false))],
        &op
    )
    .is_empty());
    let errs =
        validate_owner_references(&[owner("Pod", Some(true)), owner("Node", Some(true))], &op);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].detail.ends_with(
        "Only one reference can have Controller set to true. Found \"true\" in references for Pod/n and Node/n"
    ));
    let errs = validate_owner_references(&[owner("Event", None)], &op);
    assert_eq!(
        errs[0].detail,
        "/v1, Kind=Event is disallowed from being an owner"
    );
    let bad = OwnerReference {
        api_version: "".into(),
        kind: "".into(),
        name: "".into(),
        uid: "".into(),
        controller: None,
        block_owner_deletion: None,
    };
    assert_eq!(
        texts(&validate_owner_references(&[bad], &op)),
        vec![
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
            "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
            "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
        ]
    );
}

#[test]
fn update_rules() {
    let old = ObjectMeta {
        resource_version: Some("1".into()),
        generation: Some(5),
        ..meta("test")
    };
    let new = ObjectMeta {
        generation: Some(4),
        ..old.clone()
    };
    assert_eq!(
        texts(&validate_object_meta_update(&new, &old, &path())),
        vec!["field.generation: Invalid value: 4: must not be decremented"]
    );
    let new = ObjectMeta {
        generation: Some(6),
        ..old.clone()
    };
    assert!(validate_object_meta_update(&new, &old, &path()).is_empty());

    let new = ObjectMeta {
        resource_version: None,
        name: Some("other".into()),
        ..old.clone()
    };
    assert_eq!(
        texts(&validate_object_meta_update(&new, &old, &path())),
        vec![
            "field.resourceVersion: Invalid value: \"\": must be specified for an update",
            "field.name: Invalid value: \"other\": field is immutable",
        ]
    );

    let with_grace = |g: Option<i64>| ObjectMeta {
        deletion_grace_period_seconds: g,
        ..old.clone()
    };
    assert_eq!(
        texts(&validate_object_meta_update(
            &with_grace(Some(30)),
            &old,
            &path()
        )),
        vec!["field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"]
    );
    assert_eq!(
        texts(&validate_object_meta_update(
            &old,
            &with_grace(Some(30)),
            &path()
        )),
        vec!["field.deletionGracePeriodSeconds: Invalid value: \"null\": field is immutable"]
    );

    let deleting = ObjectMeta {
        deletion_timestamp: serde_json::from_value(serde_json::json!("1970-01-01T00:16:40Z"))
            .unwrap(),
        finalizers: Some(vec!["a".into()]),
        ..old.clone()
    };
    let new = ObjectMeta {
        finalizers: Some(vec!["a".into(), "c".into(), "b".into()]),
        ..deleting.clone()
    };
    assert_eq!(
        texts(&validate_object_meta_update(&new, &deleting, &path())),
        vec!["field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b\", \"c\"}"]
    );
}

#[test]
fn generic_field_helpers() {
    let p = FieldPath::new("spec").child("replicas");
    assert!(validate_nonnegative_field(0, &p).is_empty());
    assert_eq!(
        texts(&validate_nonnegative_field(-2, &p)),
        vec!["spec.replicas: Invalid value: -2: must be greater than or equal to 0"]
    );
    let p = FieldPath::new("spec").child("selector");
    assert!(validate_immutable_field(&"a", &"a", &p).is_empty());
    assert_eq!(
        texts(&validate_immutable_field(&"b", &"a", &p)),
        vec!["spec.selector: Invalid value: \"b\": field is immutable"]
    );
    assert_eq!(
        texts(&validate_immutable_field(&Some(3), &None, &p)),
        vec!["spec.selector: Invalid value: 3: field is immutable"]
    );
}
