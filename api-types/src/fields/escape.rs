//! Field selector value escaping (upstream's `fields.EscapeValue` / `UnescapeValue`):
//! `\`, `,` and `=` in a value are written `\\`, `\,` and `\=`.

use std::borrow::Cow;

/// A value that cannot be unescaped; messages are upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    /// A backslash followed by something other than `\`, `,` or `=` (or by nothing).
    #[error("invalid field selector: invalid escape sequence: {0}")]
    InvalidEscapeSequence(String),
    /// A bare `,` or `=` in a value; upstream prints the character's code point.
    #[error("invalid field selector: unescaped character in value: {}", u32::from(*.0))]
    UnescapedRune(char),
}

/// Escapes a literal value for use in a field selector.
pub fn escape_value(value: &str) -> Cow<'_, str> {
    if !value.contains(['\\', ',', '=']) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Turns an escaped field selector value back into its literal value.
pub fn unescape_value(value: &str) -> Result<Cow<'_, str>, EscapeError> {
    if !value.contains(['\\', ',', '=']) {
        return Ok(Cow::Borrowed(value));
    }
    let mut out = String::with_capacity(value.len());
    let mut in_slash = false;
    for c in value.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(EscapeError::InvalidEscapeSequence(format!("\\{c}")));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(EscapeError::UnescapedRune(c)),
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err(EscapeError::InvalidEscapeSequence("\\".to_string()));
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_cases_from_upstream() {
        let cases = [
            ("", ""),
            ("a", "a"),
            ("=", "\\="),
            (",", "\\,"),
            ("\\", "\\\\"),
            ("\\=\\,\\", "\\\\\\=\\\\\\,\\\\"),
        ];
        for (unescaped, escaped) in cases {
            assert_eq!(escape_value(unescaped), escaped, "escape {unescaped:?}");
            assert_eq!(
                unescape_value(escaped).unwrap(),
                unescaped,
                "unescape {escaped:?}"
            );
        }
    }

    #[test]
    fn unescape_errors() {
        let invalid = [
            ("\\", "\\"),
            ("\\\\\\", "\\"),
            ("\\a", "\\a"),
            ("x\\é", "\\é"),
        ];
        for (input, seq) in invalid {
            let e = unescape_value(input).unwrap_err();
            assert_eq!(
                e,
                EscapeError::InvalidEscapeSequence(seq.to_string()),
                "{input:?}"
            );
            assert_eq!(
                e.to_string(),
                format!("invalid field selector: invalid escape sequence: {seq}")
            );
        }
        for (input, c) in [("=", '='), (",", ','), ("a=b", '='), ("\\,,", ',')] {
            let e = unescape_value(input).unwrap_err();
            assert_eq!(e, EscapeError::UnescapedRune(c), "{input:?}");
        }
        assert_eq!(
            unescape_value("=").unwrap_err().to_string(),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            unescape_value(",").unwrap_err().to_string(),
            "invalid field selector: unescaped character in value: 44"
        );
    }
}
