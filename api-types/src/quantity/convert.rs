//! Serde and k8s-openapi conversions.
//!
//! Serialized as upstream's `String()`. Deserializing accepts, like upstream's `UnmarshalJSON`,
//! a string (surrounding whitespace trimmed), a JSON number, or `null` (zero). Numbers arrive
//! through serde as integers or `f64`, so a float is read from its shortest decimal form:
//! `1e6` comes back as decimal SI `1M` where upstream, reading the raw text, keeps `1e6`.

use std::fmt;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{Quantity, QuantityError};

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

struct QuantityVisitor;

impl QuantityVisitor {
    fn parse<E: de::Error>(s: &str) -> Result<Quantity, E> {
        Quantity::parse(s.trim()).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quantity such as \"100m\", \"1.5Gi\" or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Self::parse(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Quantity, E> {
        let s = std::str::from_utf8(v).map_err(|_| E::custom(QuantityError::FormatWrong))?;
        Self::parse(s)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Quantity, E> {
        Self::parse(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        if !v.is_finite() {
            return Err(E::custom(QuantityError::FormatWrong));
        }
        // `Display` for f64 is the shortest exact decimal, never exponent notation.
        Self::parse(&v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Quantity, E> {
        Ok(Quantity::zero())
    }

    fn visit_none<E: de::Error>(self) -> Result<Quantity, E> {
        Ok(Quantity::zero())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Quantity, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Quantity, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// Trims surrounding whitespace first, as upstream's JSON decoding does.
impl TryFrom<&ApiQuantity> for Quantity {
    type Error = QuantityError;

    fn try_from(q: &ApiQuantity) -> Result<Self, Self::Error> {
        Quantity::parse(q.0.trim())
    }
}

impl TryFrom<ApiQuantity> for Quantity {
    type Error = QuantityError;

    fn try_from(q: ApiQuantity) -> Result<Self, Self::Error> {
        Quantity::try_from(&q)
    }
}

impl From<&Quantity> for ApiQuantity {
    fn from(q: &Quantity) -> Self {
        ApiQuantity(q.to_string())
    }
}

impl From<Quantity> for ApiQuantity {
    fn from(q: Quantity) -> Self {
        ApiQuantity(q.to_string())
    }
}
