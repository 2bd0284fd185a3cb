//! `/openapi/v2`: the Swagger 2.0 document, as JSON and as gnostic's `openapi_v2.Document`
//! protobuf, which is the only form kubectl reads: it validates the items of `kind: List`
//! manifests against these definitions (a List is no kind the server could validate).
//!
//! The definitions are the v3 ones ([`schemas::all`]) rewritten to Swagger 2.0: references
//! point into `#/definitions/`, a lone `allOf` reference becomes the reference, and only
//! what Swagger 2.0 and kubectl's parser know is kept. Paths are left out; kubectl's
//! validation and `explain` fallback read definitions only.

use std::sync::OnceLock;

use bytes::Bytes;
use prost::Message as _;
use serde_json::{json, Map, Value};

use super::schemas;

/// The document, rendered once.
pub struct Rendered {
    pub json: Bytes,
    pub protobuf: Bytes,
    /// Upstream's ETag form: the document's hash, in hex.
    pub etag: String,
}

/// The rendered document (the first call converts every definition: call it off the async
/// workers).
pub fn rendered() -> &'static Rendered {
    static DOC: OnceLock<Rendered> = OnceLock::new();
    DOC.get_or_init(|| {
        let definitions: Map<String, Value> = schemas::all()
            .definitions
            .iter()
            .map(|(name, schema)| (name.clone(), to_v2(schema)))
            .collect();
        let proto = proto::Document {
            swagger: "2.0".into(),
            info: Some(proto::Info {
                title: "Kubernetes".into(),
                version: crate::version::GIT_VERSION.into(),
            }),
            definitions: Some(proto::Definitions {
                additional_properties: definitions
                    .iter()
                    .map(|(name, schema)| proto::NamedSchema {
                        name: name.clone(),
                        value: Some(proto::schema(schema)),
                    })
                    .collect(),
            }),
        };
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": crate::version::GIT_VERSION},
            "paths": {},
            "definitions": definitions,
        });
        let json = Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
        let protobuf = Bytes::from(proto.encode_to_vec());
        let etag = super::document::hash(&protobuf);
        Rendered {
            json,
            protobuf,
            etag,
        }
    })
}

/// One v3 schema as Swagger 2.0.
fn to_v2(schema: &Value) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    let reference = obj.get("$ref").or_else(|| match obj.get("allOf") {
        Some(Value::Array(all)) if all.len() == 1 => all[0].get("$ref"),
        _ => None,
    });
    let mut out = Map::new();
    if let Some(r) = reference.and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        out.insert("$ref".into(), json!(format!("#/definitions/{name}")));
        if let Some(d) = obj.get("description") {
            out.insert("description".into(), d.clone());
        }
        return Value::Object(out);
    }
    for (key, value) in obj {
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| props.iter().map(|(k, v)| (k.clone(), to_v2(v))).collect())
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" if value.is_object() => to_v2(value),
            "additionalProperties" | "description" | "type" | "format" | "required" => {
                value.clone()
            }
            k if k.starts_with("x-kubernetes-") => value.clone(),
            // `default`, `enum`, `allOf` of several, v3-only keywords: not needed here.
            _ => continue,
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

/// gnostic's `openapi_v2` messages (github.com/google/gnostic-models, `OpenAPIv2.proto`), as
/// far as this document uses them; field numbers are the proto file's.
mod proto {
    use serde_json::Value;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Document {
        #[prost(string, tag = "1")]
        pub swagger: String,
        #[prost(message, optional, tag = "2")]
        pub info: Option<Info>,
        #[prost(message, optional, tag = "9")]
        pub definitions: Option<Definitions>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Info {
        #[prost(string, tag = "1")]
        pub title: String,
        #[prost(string, tag = "2")]
        pub version: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Definitions {
        #[prost(message, repeated, tag = "1")]
        pub additional_properties: Vec<NamedSchema>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct NamedSchema {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(message, optional, tag = "2")]
        pub value: Option<Schema>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Schema {
        #[prost(string, tag = "1")]
        pub r#ref: String,
        #[prost(string, tag = "2")]
        pub format: String,
        #[prost(string, tag = "4")]
        pub description: String,
        #[prost(string, repeated, tag = "19")]
        pub required: Vec<String>,
        #[prost(message, optional, boxed, tag = "21")]
        pub additional_properties: Option<Box<AdditionalPropertiesItem>>,
        #[prost(message, optional, tag = "22")]
        pub r#type: Option<TypeItem>,
        #[prost(message, optional, tag = "23")]
        pub items: Option<ItemsItem>,
        #[prost(message, optional, tag = "25")]
        pub properties: Option<Properties>,
        #[prost(message, repeated, tag = "31")]
        pub vendor_extension: Vec<NamedAny>,
    }

    /// A `oneof` of a schema (1) and a boolean (2); on the wire, two plain fields.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct AdditionalPropertiesItem {
        #[prost(message, optional, tag = "1")]
        pub schema: Option<Schema>,
        #[prost(bool, optional, tag = "2")]
        pub boolean: Option<bool>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct TypeItem {
        #[prost(string, repeated, tag = "1")]
        pub value: Vec<String>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ItemsItem {
        #[prost(message, repeated, tag = "1")]
        pub schema: Vec<Schema>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Properties {
        #[prost(message, repeated, tag = "1")]
        pub additional_properties: Vec<NamedSchema>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct NamedAny {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(message, optional, tag = "2")]
        pub value: Option<Any>,
    }

    /// gnostic's `Any`: the value as YAML text (JSON is YAML).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Any {
        #[prost(string, tag = "2")]
        pub yaml: String,
    }

    /// A Swagger 2.0 schema (JSON) as the message.
    pub fn schema(v: &Value) -> Schema {
        let s = |key: &str| v[key].as_str().unwrap_or_default().to_string();
        Schema {
            r#ref: s("$ref"),
            format: s("format"),
            description: s("description"),
            required: v["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            additional_properties: match &v["additionalProperties"] {
                Value::Object(_) => Some(Box::new(AdditionalPropertiesItem {
                    schema: Some(schema(&v["additionalProperties"])),
                    boolean: None,
                })),
                Value::Bool(b) => Some(Box::new(AdditionalPropertiesItem {
                    schema: None,
                    boolean: Some(*b),
                })),
                _ => None,
            },
            r#type: v["type"].as_str().map(|t| TypeItem {
                value: vec![t.to_string()],
            }),
            items: v["items"].is_object().then(|| ItemsItem {
                schema: vec![schema(&v["items"])],
            }),
            properties: v["properties"].as_object().map(|props| Properties {
                additional_properties: props
                    .iter()
                    .map(|(name, p)| NamedSchema {
                        name: name.clone(),
                        value: Some(schema(p)),
                    })
                    .collect(),
            }),
            vendor_extension: v
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| k.starts_with("x-"))
                        .map(|(k, x)| NamedAny {
                            name: k.clone(),
                            value: Some(Any {
                                yaml: x.to_string(),
                            }),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_schemas_become_swagger_2() {
        let v3 = json!({
            "description": "A thing.",
            "type": "object",
            "required": ["spec"],
            "properties": {
                "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.ObjectMeta"}],
                    "default": {}, "description": "Standard metadata."},
                "spec": {"$ref": "#/components/schemas/io.k8s.Spec"},
                "ports": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/io.k8s.Port"}]},
                    "x-kubernetes-list-type": "map"},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "default": ""}},
            },
            "x-kubernetes-group-version-kind": [{"group": "", "kind": "Thing", "version": "v1"}],
        });
        let v2 = to_v2(&v3);
        assert_eq!(
            v2,
            json!({
                "description": "A thing.",
                "type": "object",
                "required": ["spec"],
                "properties": {
                    "metadata": {"$ref": "#/definitions/io.k8s.ObjectMeta", "description": "Standard metadata."},
                    "spec": {"$ref": "#/definitions/io.k8s.Spec"},
                    "ports": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.Port"},
                        "x-kubernetes-list-type": "map"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                "x-kubernetes-group-version-kind": [{"group": "", "kind": "Thing", "version": "v1"}],
            })
        );
        let msg = proto::schema(&v2);
        assert_eq!(
            msg.r#type.as_ref().map(|t| t.value.clone()),
            Some(vec!["object".to_string()])
        );
        let props = msg
            .properties
            .as_ref()
            .map(|p| &p.additional_properties[..])
            .unwrap_or(&[]);
        let names: Vec<&str> = props.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["labels", "metadata", "ports", "spec"]);
        let ports = props[2].value.as_ref().unwrap();
        assert_eq!(
            ports.items.as_ref().unwrap().schema[0].r#ref,
            "#/definitions/io.k8s.Port"
        );
        assert_eq!(
            msg.vendor_extension[0].name,
            "x-kubernetes-group-version-kind"
        );
        assert_eq!(
            msg.vendor_extension[0].value.as_ref().unwrap().yaml,
            r#"[{"group":"","kind":"Thing","version":"v1"}]"#
        );
    }

    #[test]
    fn every_definition_is_one_kubectl_can_parse() {
        // kubectl's parser (kube-openapi's proto package) refuses a reference with a type or
        // properties, a reference outside the definitions or to an unknown one, an array
        // without exactly one item schema, several types, and unknown primitive types.
        let doc = proto::Document::decode(rendered().protobuf.clone()).unwrap();
        let defs = doc.definitions.unwrap().additional_properties;
        assert!(defs.len() > 400, "{}", defs.len());
        let names: std::collections::HashSet<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        fn check(s: &proto::Schema, names: &std::collections::HashSet<&str>, at: &str) {
            if !s.r#ref.is_empty() {
                assert!(s.r#type.is_none() && s.properties.is_none(), "{at}");
                let target = s
                    .r#ref
                    .strip_prefix("#/definitions/")
                    .unwrap_or_else(|| panic!("{at}: {}", s.r#ref));
                assert!(names.contains(target), "{at}: unknown {target}");
                return;
            }
            let types = s
                .r#type
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default();
            assert!(types.len() <= 1, "{at}");
            match types.first().map(String::as_str) {
                Some("array") => {
                    let items = s.items.as_ref().map(|i| &i.schema[..]).unwrap_or(&[]);
                    assert_eq!(items.len(), 1, "{at}");
                    check(&items[0], names, &format!("{at}[]"));
                }
                Some("object") | None => {}
                Some(t) => assert!(
                    ["string", "integer", "number", "boolean"].contains(&t),
                    "{at}: {t}"
                ),
            }
            for p in s.properties.iter().flat_map(|p| &p.additional_properties) {
                check(
                    p.value.as_ref().unwrap(),
                    names,
                    &format!("{at}.{}", p.name),
                );
            }
            if let Some(sub) = s
                .additional_properties
                .as_ref()
                .and_then(|a| a.schema.as_ref())
            {
                check(sub, names, &format!("{at}{{}}"));
            }
        }
        for d in &defs {
            check(d.value.as_ref().unwrap(), &names, &d.name);
        }
        let pod = defs
            .iter()
            .find(|d| d.name == "io.k8s.api.core.v1.Pod")
            .unwrap();
        assert!(pod
            .value
            .as_ref()
            .unwrap()
            .vendor_extension
            .iter()
            .any(|x| x.name == "x-kubernetes-group-version-kind"));
    }
}
