//! The codec seam: request bodies decoded from their `Content-Type`, responses encoded for the
//! client's `Accept`. JSON and YAML now; protobuf plugs in here later. The Table and
//! aggregated-discovery forms are chosen here too, since clients ask for them through `Accept`.

pub mod field_validation;
pub mod patch;
pub mod protobuf;

use serde_json::Value;

use crate::status::ApiError;

pub const JSON: &str = "application/json";
pub const YAML: &str = "application/yaml";
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// One media range of an `Accept` header (or a `Content-Type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// `type/subtype`, lower-cased.
    pub essence: String,
    pub params: Vec<(String, String)>,
}

impl MediaType {
    pub fn parse(s: &str) -> Option<MediaType> {
        let mut parts = s.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        if essence.is_empty() {
            return None;
        }
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                Some((
                    k.trim().to_ascii_lowercase(),
                    v.trim().trim_matches('"').to_string(),
                ))
            })
            .collect();
        Some(MediaType { essence, params })
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn is_json(&self) -> bool {
        matches!(self.essence.as_str(), JSON | "*/*" | "application/*")
    }
}

/// Every media range of an `Accept` header, in order.
pub fn parse_accept(accept: Option<&str>) -> Vec<MediaType> {
    accept
        .unwrap_or("")
        .split(',')
        .filter_map(MediaType::parse)
        .collect()
}

/// The serialization of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Yaml,
}

/// What shape a response takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// The object or list itself.
    Object,
    /// A `meta.k8s.io` Table (server-side printing).
    Table,
    /// Aggregated discovery (`apidiscovery.k8s.io` `APIGroupDiscoveryList`) in this version.
    AggregatedDiscovery(String),
}

/// The negotiated response format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub encoding: Encoding,
    pub shape: Shape,
}

/// Which special shapes the endpoint can produce.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offers {
    pub table: bool,
    pub aggregated_discovery: bool,
}

impl Offers {
    /// What reads of resources offer: plain objects and Tables.
    pub const TABLE: Offers = Offers {
        table: true,
        aggregated_discovery: false,
    };
}

/// Picks the first `Accept` entry the endpoint can serve; no header or `*/*` is JSON.
pub fn negotiate(accept: Option<&str>, offers: Offers) -> Result<Output, ApiError> {
    let ranges = parse_accept(accept);
    if ranges.is_empty() {
        return Ok(Output {
            encoding: Encoding::Json,
            shape: Shape::Object,
        });
    }
    for range in &ranges {
        let as_ = range.param("as");
        let group = range.param("g").unwrap_or("");
        let version = range.param("v").unwrap_or("");
        match (range.essence.as_str(), as_) {
            (JSON, Some("Table"))
                if offers.table
                    && group == "meta.k8s.io"
                    && (version == "v1" || version == "v1beta1") =>
            {
                return Ok(Output {
                    encoding: Encoding::Json,
                    shape: Shape::Table,
                });
            }
            (JSON, Some("APIGroupDiscoveryList"))
                if offers.aggregated_discovery
                    && group == "apidiscovery.k8s.io"
                    && (version == "v2" || version == "v2beta1") =>
            {
                return Ok(Output {
                    encoding: Encoding::Json,
                    shape: Shape::AggregatedDiscovery(version.to_string()),
                });
            }
            (_, Some(_)) => continue,
            (YAML, None) => {
                return Ok(Output {
                    encoding: Encoding::Yaml,
                    shape: Shape::Object,
                })
            }
            (_, None) if range.is_json() => {
                return Ok(Output {
                    encoding: Encoding::Json,
                    shape: Shape::Object,
                })
            }
            _ => continue,
        }
    }
    Err(ApiError::not_acceptable())
}

impl Output {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(&self) -> String {
        match (&self.shape, self.encoding) {
            (Shape::Table, _) => TABLE_CONTENT_TYPE.to_string(),
            (Shape::AggregatedDiscovery(v), _) => {
                format!("application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList")
            }
            (Shape::Object, Encoding::Json) => JSON.to_string(),
            (Shape::Object, Encoding::Yaml) => YAML.to_string(),
        }
    }

    /// Serializes `value` in this format.
    pub fn encode(&self, value: &Value) -> Vec<u8> {
        self.encode_any(value)
    }

    /// As [`Output::encode`], for any serializable body (e.g. a list serialized straight
    /// from the watch cache's shared items).
    pub fn encode_any<T: serde::Serialize>(&self, value: &T) -> Vec<u8> {
        match self.encoding {
            Encoding::Json => encode_json_any(value),
            Encoding::Yaml => serde_saphyr::to_string(value)
                .map(String::into_bytes)
                .unwrap_or_else(|_| encode_json_any(value)),
        }
    }
}

/// Compact JSON followed by a newline, as upstream writes it.
pub fn encode_json(value: &Value) -> Vec<u8> {
    encode_json_any(value)
}

/// As [`encode_json`], for any serializable body.
pub fn encode_json_any<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    out.push(b'\n');
    out
}

/// Decodes a request body by its `Content-Type`: JSON (also when the header is missing, as
/// kubectl's `scale` and the Python client send) or YAML.
pub fn decode_body(content_type: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
    let essence = content_type
        .and_then(MediaType::parse)
        .map(|m| m.essence)
        .unwrap_or_else(|| JSON.to_string());
    match essence.as_str() {
        JSON | "*/*" | "text/plain" => serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the object provided is unrecognized (must be of type object): couldn't get version/kind; json parse error: {e}"
            ))
        }),
        YAML | "application/x-yaml" | "text/yaml" => {
            let text = std::str::from_utf8(body)
                .map_err(|e| ApiError::bad_request(format!("yaml body is not UTF-8: {e}")))?;
            serde_saphyr::from_str::<Value>(text).map_err(|e| {
                ApiError::bad_request(format!("error converting YAML to JSON: {e}"))
            })
        }
        PROTOBUF => protobuf::decode(body),
        other => Err(ApiError::unsupported_media_type(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECTL_TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const KUBECTL_DISCOVERY: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    #[test]
    fn negotiates_table_only_where_offered() {
        let with = Offers {
            table: true,
            ..Offers::default()
        };
        assert_eq!(
            negotiate(Some(KUBECTL_TABLE), with).unwrap().shape,
            Shape::Table
        );
        assert_eq!(
            negotiate(Some(KUBECTL_TABLE), Offers::default())
                .unwrap()
                .shape,
            Shape::Object
        );
    }

    #[test]
    fn negotiates_aggregated_discovery() {
        let offers = Offers {
            aggregated_discovery: true,
            ..Offers::default()
        };
        let out = negotiate(Some(KUBECTL_DISCOVERY), offers).unwrap();
        assert_eq!(
            out.content_type(),
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        );
        assert_eq!(
            negotiate(Some(KUBECTL_DISCOVERY), Offers::default())
                .unwrap()
                .content_type(),
            JSON
        );
    }

    #[test]
    fn protobuf_falls_back_to_json_and_unknown_is_406() {
        let out = negotiate(
            Some("application/vnd.kubernetes.protobuf, application/json"),
            Offers::default(),
        )
        .unwrap();
        assert_eq!(out.encoding, Encoding::Json);
        assert_eq!(
            negotiate(Some("*/*"), Offers::default()).unwrap().encoding,
            Encoding::Json
        );
        assert_eq!(
            negotiate(Some("application/yaml"), Offers::default())
                .unwrap()
                .encoding,
            Encoding::Yaml
        );
        assert_eq!(
            negotiate(Some("text/html"), Offers::default())
                .unwrap_err()
                .code,
            406
        );
    }

    #[test]
    fn decodes_json_yaml_and_refuses_protobuf() {
        let v = decode_body(None, br#"{"a":1}"#).unwrap();
        assert_eq!(v["a"], 1);
        let v = decode_body(
            Some("application/yaml"),
            b"kind: ConfigMap\ndata:\n  k: v\n",
        )
        .unwrap();
        assert_eq!(v["data"]["k"], "v");
        assert_eq!(
            decode_body(Some("application/cbor"), b"").unwrap_err().code,
            415
        );
        assert_eq!(decode_body(Some(JSON), b"{").unwrap_err().code, 400);
    }
}
