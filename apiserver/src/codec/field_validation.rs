//! Server-side field validation of create and update bodies (`?fieldValidation=`):
//! unknown fields (checked against the kind's OpenAPI schema) and duplicate fields, reported
//! as upstream's strict decoder words them: `Strict` fails the request with
//! `strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"`, `Warn`
//! (the default) answers with one `Warning` header per problem, `Ignore` says nothing. Unknown
//! fields are dropped from the object in every mode, as upstream's typed decoding drops them.
//!
//! JSON reports problems in document order; YAML first reports its duplicate keys with their
//! lines (`line 10: key "paused" already set in map`), then unknown fields in key order,
//! because upstream converts YAML to JSON through a sorted map before decoding.

use std::collections::HashSet;
use std::fmt;

use api_types::registry::ResourceInfo;
use http::{HeaderValue, Response};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{decode_body, MediaType, JSON, YAML};
use crate::handlers::Body;
use crate::openapi::schemas::{self, Gvk, SchemaSet};
use crate::status::ApiError;

/// What to do about unknown and duplicate fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Ignore,
    Warn,
    Strict,
}

impl FieldValidation {
    /// From the `fieldValidation` query parameter of a request whose options are
    /// `options_kind` (`CreateOptions`, `UpdateOptions`); absent or empty is `Warn`, as
    /// upstream defaults it, and anything else unknown is upstream's 422.
    pub fn from_query(value: Option<&str>, options_kind: &str) -> Result<Self, ApiError> {
        match value.unwrap_or("") {
            "" | "Warn" => Ok(FieldValidation::Warn),
            "Ignore" => Ok(FieldValidation::Ignore),
            "Strict" => Ok(FieldValidation::Strict),
            other => {
                let path = api_types::validation::FieldPath::new("fieldValidation");
                let err = api_types::validation::FieldError::not_supported(
                    &path,
                    other,
                    &["", "Ignore", "Strict", "Warn"],
                );
                Err(ApiError::invalid(
                    "meta.k8s.io",
                    options_kind,
                    "",
                    &vec![err].into(),
                ))
            }
        }
    }
}

/// A decoded body and the warnings to answer with.
#[derive(Debug)]
pub struct Decoded {
    pub object: Value,
    pub warnings: Vec<String>,
}

/// The kind a body sent to `resource` (or its `subresource`) is decoded as.
pub fn body_kind(resource: &'static ResourceInfo, subresource: &str) -> Gvk<'static> {
    match resource.subresource(subresource) {
        Some(sub) if !subresource.is_empty() => sub.response_kind(resource),
        _ => (resource.group, resource.version, resource.kind),
    }
}

/// Decodes a create or update body of `kind` by its `Content-Type`, validating its fields
/// as `mode` says. Bodies other than JSON and YAML (protobuf) are decoded as they are: their
/// decoding is typed already.
pub fn decode(
    content_type: Option<&str>,
    body: &[u8],
    mode: FieldValidation,
    kind: Gvk<'_>,
) -> Result<Decoded, ApiError> {
    let essence = content_type
        .and_then(MediaType::parse)
        .map(|m| m.essence)
        .unwrap_or_else(|| JSON.to_string());
    let set = schemas::for_kind(kind);
    let schema = set.kind_schema(kind.0, kind.1, kind.2);
    let mut problems = Vec::new();
    let mut object = match essence.as_str() {
        JSON | "*/*" | "text/plain" => {
            if mode == FieldValidation::Ignore || schema.is_none() {
                decode_body(content_type, body)?
            } else {
                let Some(node) = parse_json(body) else {
                    // Not JSON: the plain decoder words the error.
                    return decode_body(content_type, body).map(|object| Decoded {
                        object,
                        warnings: Vec::new(),
                    });
                };
                if let Some(schema) = schema {
                    walk(set, schema, &node, "", &mut problems);
                }
                node.into_value()
            }
        }
        YAML | "application/x-yaml" | "text/yaml" => {
            let Some(node) = parse_yaml(body) else {
                return decode_body(content_type, body).map(|object| Decoded {
                    object,
                    warnings: Vec::new(),
                });
            };
            if mode != FieldValidation::Ignore {
                yaml_duplicates(&node, &mut problems);
            }
            let object = node.into_value();
            if let (Some(schema), true) = (schema, mode != FieldValidation::Ignore) {
                walk(set, schema, &Node::from_value(&object), "", &mut problems);
            }
            object
        }
        _ => decode_body(content_type, body)?,
    };
    if let Some(schema) = schema {
        prune(set, set.definitions.get(QUANTITY), schema, &mut object);
    }
    match mode {
        FieldValidation::Strict if !problems.is_empty() => {
            Err(strict_error(&object, kind, &problems))
        }
        FieldValidation::Warn => {
            let mut seen = HashSet::new();
            problems.retain(|p| seen.insert(p.clone()));
            Ok(Decoded {
                object,
                warnings: problems,
            })
        }
        _ => Ok(Decoded {
            object,
            warnings: Vec::new(),
        }),
    }
}

/// Upstream's 400: `Deployment in version "v1" cannot be handled as a Deployment: strict
/// decoding error: unknown field "spec.foo"` (the body's kind and version first, then the
/// endpoint's kind).
fn strict_error(object: &Value, kind: Gvk<'_>, problems: &[String]) -> ApiError {
    let body_kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .unwrap_or(kind.2);
    let body_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .map(|v| v.rsplit('/').next().unwrap_or(v))
        .unwrap_or(kind.1);
    ApiError::bad_request(format!(
        "{body_kind} in version \"{body_version}\" cannot be handled as a {}: strict decoding error: {}",
        kind.2,
        problems.join(", ")
    ))
}

/// Adds one `Warning: 299 - "<text>"` header per warning, as upstream's warning recorder
/// writes them.
pub fn add_warnings(mut resp: Response<Body>, warnings: &[String]) -> Response<Body> {
    for w in warnings {
        let value = format!("299 - {}", go_quote(w));
        if let Ok(v) = HeaderValue::from_bytes(value.as_bytes()) {
            resp.headers_mut().append(http::header::WARNING, v);
        }
    }
    resp
}

/// Go's `strconv.Quote` for the characters warnings contain.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A decoded document that keeps what a `Value` loses: key order, repeated keys and (for
/// YAML) the line of each key.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Scalar(Value),
    Array(Vec<Node>),
    Object(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: String,
    line: Option<u64>,
    value: Node,
}

impl Node {
    /// The value a plain decoder would produce: the last of repeated keys wins.
    fn into_value(self) -> Value {
        match self {
            Node::Scalar(v) => v,
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(entries) => {
                let mut map = Map::new();
                for e in entries {
                    map.insert(e.key, e.value.into_value());
                }
                Value::Object(map)
            }
        }
    }

    fn from_value(value: &Value) -> Node {
        match value {
            Value::Array(items) => Node::Array(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        line: None,
                        value: Node::from_value(v),
                    })
                    .collect(),
            ),
            v => Node::Scalar(v.clone()),
        }
    }
}

fn parse_json(body: &[u8]) -> Option<Node> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let node = NodeSeed { yaml: false }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(node)
}

fn parse_yaml(body: &[u8]) -> Option<Node> {
    let text = std::str::from_utf8(body).ok()?;
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    serde_saphyr::from_str_with_options::<NodeOwned>(text, options)
        .ok()
        .map(|n| n.0)
}

/// [`Node`] as a plain `Deserialize` (what saphyr's entry points take).
struct NodeOwned(Node);

impl<'de> serde::Deserialize<'de> for NodeOwned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NodeSeed { yaml: true }.deserialize(d).map(NodeOwned)
    }
}

#[derive(Clone, Copy)]
struct NodeSeed {
    /// Whether keys carry their YAML line.
    yaml: bool,
}

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(v)
            .map(|n| Node::Scalar(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        self.deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        loop {
            let (key, line) = if self.yaml {
                match map.next_key::<serde_saphyr::Spanned<KeyText>>()? {
                    Some(k) => (k.value.0, Some(k.referenced.line())),
                    None => break,
                }
            } else {
                match map.next_key::<KeyText>()? {
                    Some(k) => (k.0, None),
                    None => break,
                }
            };
            let value = map.next_value_seed(self)?;
            entries.push(Entry { key, line, value });
        }
        Ok(Node::Object(entries))
    }
}

/// A mapping key as JSON text: YAML keys may be numbers or booleans.
struct KeyText(String);

impl<'de> serde::Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyText, E> {
                Ok(KeyText(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `line 10: key "paused" already set in map`, for every repeated YAML key.
fn yaml_duplicates(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::Scalar(_) => {}
        Node::Array(items) => items.iter().for_each(|n| yaml_duplicates(n, out)),
        Node::Object(entries) => {
            let mut seen = HashSet::new();
            for e in entries {
                if !seen.insert(e.key.as_str()) {
                    out.push(format!(
                        "line {}: key {} already set in map",
                        e.line.unwrap_or(0),
                        go_quote(&e.key)
                    ));
                }
                yaml_duplicates(&e.value, out);
            }
        }
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether a schema accepts any field (`x-kubernetes-preserve-unknown-fields`).
fn preserves_unknown(schema: &Value) -> bool {
    schema
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Unknown and repeated fields of `node` against `schema`, in document order. A field both
/// unknown and repeated is reported once, as unknown, as upstream does.
fn walk(set: &SchemaSet, schema: &Value, node: &Node, path: &str, out: &mut Vec<String>) {
    let schema = set.resolve(schema);
    if preserves_unknown(schema) {
        return;
    }
    match node {
        Node::Scalar(_) => {}
        Node::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(set, item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        Node::Object(entries) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            if props.is_none() && additional.is_none() {
                return; // free-form object
            }
            let mut seen = HashSet::new();
            for e in entries {
                let here = child(path, &e.key);
                let first = seen.insert(e.key.as_str());
                let sub = match props {
                    Some(props) => props.get(&e.key),
                    None => additional,
                };
                match sub {
                    None if first => out.push(format!("unknown field {}", go_quote(&here))),
                    None => {}
                    Some(sub) => {
                        if !first {
                            out.push(format!("duplicate field {}", go_quote(&here)));
                        }
                        walk(set, sub, &e.value, &here, out);
                    }
                }
            }
        }
    }
}

/// Definition name of resource quantities (`500m`, `1Gi`).
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// Drops the fields `schema` does not know and writes quantities (values of the
/// `quantity` definition, looked up once per body) in upstream's form, as upstream's typed
/// decoding and encoding do.
fn prune(set: &SchemaSet, quantity: Option<&Value>, schema: &Value, value: &mut Value) {
    let schema = set.resolve(schema);
    if quantity.is_some_and(|q| std::ptr::eq(q, schema)) {
        canonicalize_quantity(value);
        return;
    }
    if preserves_unknown(schema) {
        return;
    }
    match value {
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items
                    .iter_mut()
                    .for_each(|v| prune(set, quantity, item_schema, v));
            }
        }
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                map.retain(|k, _| props.contains_key(k));
                for (k, v) in map.iter_mut() {
                    if let Some(sub) = props.get(k) {
                        prune(set, quantity, sub, v);
                    }
                }
            } else if let Some(add) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                map.values_mut().for_each(|v| prune(set, quantity, add, v));
            }
        }
        _ => {}
    }
}

/// A quantity as upstream's `Quantity` marshals it after decoding: its canonical form
/// (`0.5` -> `500m`, `1024Mi` -> `1Gi`, `1000m` -> `1`), or the input when upstream judges
/// it canonical already; a JSON number becomes a string. An invalid quantity is left for
/// validation to refuse.
fn canonicalize_quantity(value: &mut Value) {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Ok(q) = api_types::quantity::Quantity::parse(&text) {
        *value = Value::String(q.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: Gvk<'static> = ("apps", "v1", "Deployment");

    /// Upstream's integration-test body: unknown, duplicate and unknown-duplicate fields at
    /// several depths.
    const BAD_JSON: &str = r#"{
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "labels": {"app": "nginx"}},
        "spec": {
            "unknown1": "val1",
            "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
            "paused": true, "paused": false,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{
                    "name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
                    "imagePullPolicy": "Always", "imagePullPolicy": "Never"
                }]}
            }
        }
    }"#;

    const BAD_YAML: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never";

    #[test]
    fn mode_from_query_defaults_to_warn_and_refuses_unknown_values() {
        assert_eq!(
            FieldValidation::from_query(None, "CreateOptions").unwrap(),
            FieldValidation::Warn
        );
        assert_eq!(
            FieldValidation::from_query(Some(""), "CreateOptions").unwrap(),
            FieldValidation::Warn
        );
        assert_eq!(
            FieldValidation::from_query(Some("Strict"), "UpdateOptions").unwrap(),
            FieldValidation::Strict
        );
        let err = FieldValidation::from_query(Some("bogus"), "CreateOptions").unwrap_err();
        assert_eq!(err.code, 422);
        assert_eq!(
            err.message,
            r#"CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "bogus": supported values: "", "Ignore", "Strict", "Warn""#
        );
    }

    #[test]
    fn strict_json_lists_problems_in_document_order() {
        let err = decode(
            Some(JSON),
            BAD_JSON.as_bytes(),
            FieldValidation::Strict,
            DEPLOY,
        )
        .unwrap_err();
        assert_eq!(err.code, 400);
        assert_eq!(
            err.message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
             unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", \
             duplicate field \"spec.paused\", \
             unknown field \"spec.template.spec.containers[0].unknownNested\", \
             duplicate field \"spec.template.spec.containers[0].imagePullPolicy\""
        );
    }

    #[test]
    fn warn_yaml_reports_lines_then_unknown_fields_in_key_order() {
        let d = decode(
            Some(YAML),
            BAD_YAML.as_bytes(),
            FieldValidation::Warn,
            DEPLOY,
        )
        .unwrap();
        assert_eq!(
            d.warnings,
            vec![
                r#"line 10: key "unknownDupe" already set in map"#,
                r#"line 12: key "paused" already set in map"#,
                r#"line 26: key "imagePullPolicy" already set in map"#,
                r#"unknown field "spec.template.spec.containers[0].unknownNested""#,
                r#"unknown field "spec.unknown1""#,
                r#"unknown field "spec.unknownDupe""#,
            ]
        );
        // The last duplicate wins and unknown fields are dropped.
        assert_eq!(d.object["spec"]["paused"], false);
        assert!(d.object["spec"].get("unknown1").is_none());
        let c = &d.object["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Never");
        assert!(c.get("unknownNested").is_none());
        assert_eq!(d.object["metadata"]["labels"]["app"], "nginx");
    }

    #[test]
    fn quantities_are_written_as_upstream_marshals_them() {
        let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{
            "containers":[{"name":"c","image":"i","resources":{
                "limits":{"cpu":"0.5","memory":"1024Mi","example.com/gpu":2},
                "requests":{"cpu":"1000m","memory":"1.5Gi","ephemeral-storage":"2048Ki"}}}],
            "volumes":[{"name":"v","emptyDir":{"sizeLimit":"1000Mi"}},
                       {"name":"w","emptyDir":{"sizeLimit":"lots"}}],
            "overhead":{"cpu":0.25}}}"#;
        for mode in [FieldValidation::Strict, FieldValidation::Ignore] {
            let d = decode(Some(JSON), pod.as_bytes(), mode, ("", "v1", "Pod")).unwrap();
            let r = &d.object["spec"]["containers"][0]["resources"];
            assert_eq!(r["limits"]["cpu"], "500m");
            assert_eq!(r["limits"]["memory"], "1Gi");
            assert_eq!(r["limits"]["example.com/gpu"], "2");
            assert_eq!(r["requests"]["cpu"], "1");
            assert_eq!(r["requests"]["memory"], "1536Mi");
            assert_eq!(r["requests"]["ephemeral-storage"], "2Mi");
            let volumes = &d.object["spec"]["volumes"];
            assert_eq!(volumes[0]["emptyDir"]["sizeLimit"], "1000Mi");
            // Not a quantity: left for validation to refuse.
            assert_eq!(volumes[1]["emptyDir"]["sizeLimit"], "lots");
            assert_eq!(d.object["spec"]["overhead"]["cpu"], "250m");
            // Names that merely look like numbers are not quantities.
            assert_eq!(d.object["metadata"]["name"], "p");
        }
    }

    #[test]
    fn ignore_is_silent_but_still_drops_unknown_fields() {
        for (ct, body) in [(JSON, BAD_JSON), (YAML, BAD_YAML)] {
            let d = decode(Some(ct), body.as_bytes(), FieldValidation::Ignore, DEPLOY).unwrap();
            assert!(d.warnings.is_empty(), "{ct}");
            assert!(d.object["spec"].get("unknown1").is_none(), "{ct}");
            assert_eq!(d.object["spec"]["paused"], false, "{ct}");
        }
    }

    #[test]
    fn clean_bodies_pass_every_mode_unchanged() {
        let cm = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"a":"b"}},"data":{"k":"v"},"binaryData":{}}"#;
        for mode in [
            FieldValidation::Strict,
            FieldValidation::Warn,
            FieldValidation::Ignore,
        ] {
            let d = decode(None, cm.as_bytes(), mode, ("", "v1", "ConfigMap")).unwrap();
            assert!(d.warnings.is_empty());
            assert_eq!(d.object, serde_json::from_str::<Value>(cm).unwrap());
        }
    }

    #[test]
    fn metadata_and_free_form_fields() {
        let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","nmae":"x","managedFields":[{"manager":"m","fieldsV1":{"f:data":{}}}]}}"#;
        let err = decode(
            None,
            body.as_bytes(),
            FieldValidation::Strict,
            ("", "v1", "ConfigMap"),
        )
        .unwrap_err();
        assert!(
            err.message
                .ends_with("strict decoding error: unknown field \"metadata.nmae\""),
            "{}",
            err.message
        );
        // A map's keys are data, not fields; a repeated one is still a duplicate.
        let dup = r#"{"kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","a":"2"}}"#;
        let err = decode(
            None,
            dup.as_bytes(),
            FieldValidation::Strict,
            ("", "v1", "ConfigMap"),
        )
        .unwrap_err();
        assert!(
            err.message.ends_with("duplicate field \"data.a\""),
            "{}",
            err.message
        );
    }

    /// Rich bodies of every shape (maps of canonical quantities, int-or-string, free-form
    /// JSON in a CRD schema, raw extensions) raise nothing and lose nothing.
    #[test]
    fn rich_valid_bodies_are_left_alone() {
        let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"},
            "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"n","uid":"u"}]},
          "spec":{"containers":[{"name":"c","image":"i",
            "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}},
            "ports":[{"containerPort":80,"protocol":"TCP"}],
            "env":[{"name":"X","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
            "readinessProbe":{"httpGet":{"port":"http","path":"/"},"periodSeconds":5},
            "securityContext":{"capabilities":{"add":["NET_ADMIN"]},"runAsUser":1000}}],
           "volumes":[{"name":"v","emptyDir":{"sizeLimit":"1Gi"}},{"name":"s","secret":{"secretName":"x"}}],
           "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{
             "nodeSelectorTerms":[{"matchExpressions":[{"key":"k","operator":"In","values":["v"]}]}]}}},
           "tolerations":[{"operator":"Exists"}],"nodeSelector":{"disk":"ssd"}},
          "status":{"phase":"Pending"}}"#;
        let crd = r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
          "metadata":{"name":"foos.example.com"},
          "spec":{"group":"example.com","scope":"Namespaced",
            "names":{"plural":"foos","singular":"foo","kind":"Foo"},
            "versions":[{"name":"v1","served":true,"storage":true,
              "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
                "properties":{"spec":{"type":"object","default":{"a":{"b":1}},
                  "properties":{"n":{"type":"integer","enum":[1,2],"example":{"any":"thing"}}}}}}}}]}}"#;
        let rev = r#"{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"r"},
          "revision":1,"data":{"spec":{"anything":{"goes":true}}}}"#;
        for (body, kind) in [
            (pod, ("", "v1", "Pod")),
            (
                crd,
                ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
            ),
            (rev, ("apps", "v1", "ControllerRevision")),
        ] {
            let d = decode(None, body.as_bytes(), FieldValidation::Strict, kind)
                .unwrap_or_else(|e| panic!("{}: {}", kind.2, e.message));
            assert_eq!(
                d.object,
                serde_json::from_str::<Value>(body).unwrap(),
                "{}",
                kind.2
            );
        }
    }

    #[test]
    fn malformed_bodies_keep_the_plain_decoders_errors() {
        let err = decode(Some(JSON), b"{", FieldValidation::Strict, DEPLOY).unwrap_err();
        assert_eq!(err, decode_body(Some(JSON), b"{").unwrap_err());
        let err = decode(Some(YAML), b"a: [", FieldValidation::Warn, DEPLOY).unwrap_err();
        assert_eq!(err.code, 400);
    }

    #[test]
    fn warnings_become_quoted_299_headers() {
        let resp = add_warnings(
            Response::new(crate::handlers::full("")),
            &[r#"unknown field "spec.foo""#.to_string()],
        );
        assert_eq!(
            resp.headers()["warning"],
            r#"299 - "unknown field \"spec.foo\"""#
        );
    }

    #[test]
    fn subresource_bodies_use_their_own_kind() {
        let pods = api_types::registry::builtin()
            .get("", "v1", "pods")
            .unwrap();
        assert_eq!(body_kind(pods, ""), ("", "v1", "Pod"));
        assert_eq!(body_kind(pods, "eviction"), ("policy", "v1", "Eviction"));
        let deploy = api_types::registry::builtin()
            .get("apps", "v1", "deployments")
            .unwrap();
        assert_eq!(body_kind(deploy, "scale"), ("autoscaling", "v1", "Scale"));
    }
}
