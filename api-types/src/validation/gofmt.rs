//! Go's value formatting (`strconv.Quote`, `%v`, `%#v`) as far as validation messages use it,
//! so that messages byte-match upstream's.

use serde_json::{Number, Value};

/// Go's `strconv.Quote`: double-quoted, with Go escapes for non-printable characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_ascii() || is_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `unicode.IsPrint` for non-ASCII characters with Rust's own
/// printability table (both exclude control, format, private-use, unassigned and
/// non-ASCII space characters). A leading `a` keeps combining marks from being escaped.
fn is_printable(c: char) -> bool {
    let probe: String = ['a', c].iter().collect();
    probe.escape_debug().eq(probe.chars())
}

/// Go's `%v` for a JSON number: integers bare, floats in Go's shortest `%g`-like form
/// (exponent form when the exponent is below -4 or at least 21).
pub fn go_v_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) => go_v_float(f),
        None => n.to_string(),
    }
}

fn go_v_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return format!("{f}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => return format!("{f}"),
    };
    if !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// Go's `%#v` for composite values, as upstream prints a non-scalar bad value.
pub fn go_sharp_v(value: &Value) -> String {
    match value {
        Value::Null => "interface {}(nil)".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_v_number(n),
        Value::String(s) => go_quote(s),
        Value::Array(items) => {
            let all_strings = items.iter().all(Value::is_string);
            let ty = if all_strings {
                "[]string"
            } else {
                "[]interface {}"
            };
            let inner: Vec<String> = items.iter().map(go_sharp_v).collect();
            format!("{ty}{{{}}}", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_sharp_v(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote("abc"), "\"abc\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote("a\nb\tc\u{0}"), "\"a\\nb\\tc\\x00\"");
        assert_eq!(go_quote("\u{7f}"), "\"\\x7f\"");
        assert_eq!(go_quote("héllo 世界"), "\"héllo 世界\"");
        assert_eq!(go_quote("\u{a0}"), "\"\\u00a0\"");
        assert_eq!(go_quote("\u{200b}"), "\"\\u200b\"");
        assert_eq!(go_quote("e\u{301}"), "\"e\u{301}\"");
    }

    #[test]
    fn floats_like_go() {
        let n = |f: f64| go_v_number(&Number::from_f64(f).unwrap());
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(1e20), "100000000000000000000");
        assert_eq!(n(1e21), "1e+21");
        assert_eq!(n(0.0001), "0.0001");
        assert_eq!(n(0.00001), "1e-05");
        assert_eq!(n(-2.5e-7), "-2.5e-07");
        assert_eq!(go_v_number(&Number::from(-7)), "-7");
    }
}
