//! JSON text whose `\u` escapes do not all name Unicode scalar values: a surrogate escape
//! (`\ud800`–`\udfff`) that is not half of a pair. JSON's grammar allows it, serde_json
//! refuses it when reading a string, and servers do send it (text cut between the halves of
//! a pair). The envelope reader repairs such text item by item rather than losing the whole
//! list.

/// `json` with every lone surrogate escape replaced by `\ufffd`, or `None` if it has none.
/// Other escapes, and escaped backslashes before a `u` (`\\udc80` is text, not an escape),
/// are left as they are. Linear in the text.
pub(crate) fn replace_lone_surrogates(json: &str) -> Option<String> {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    let mut replaced = false;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'\\' {
            i += 1;
            continue;
        }
        let escape_len = match lone_surrogate(bytes, i) {
            Escape::Lone => {
                out.push_str(json.get(copied..i)?);
                out.push_str("\\ufffd");
                copied = i + 6;
                replaced = true;
                6
            }
            Escape::Pair => 12,
            Escape::Other => 2,
        };
        i += escape_len;
    }
    if !replaced {
        return None;
    }
    out.push_str(json.get(copied..)?);
    Some(out)
}

/// What the escape that starts at `at` (a backslash) is.
enum Escape {
    /// A surrogate escape without its other half.
    Lone,
    /// A high surrogate escape followed by a low one: 12 bytes.
    Pair,
    /// Anything else: a two-byte escape, or a `\u` escape that is not a surrogate (the rest
    /// of its digits are plain text to the scan).
    Other,
}

fn lone_surrogate(bytes: &[u8], at: usize) -> Escape {
    let Some(unit) = unit_at(bytes, at) else {
        return Escape::Other;
    };
    match unit {
        0xD800..=0xDBFF => match unit_at(bytes, at + 6) {
            Some(0xDC00..=0xDFFF) => Escape::Pair,
            _ => Escape::Lone,
        },
        0xDC00..=0xDFFF => Escape::Lone,
        _ => Escape::Other,
    }
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`, if one starts there.
fn unit_at(bytes: &[u8], at: usize) -> Option<u16> {
    if bytes.get(at..at + 2)? != b"\\u" {
        return None;
    }
    let digits = std::str::from_utf8(bytes.get(at + 2..at + 6)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::replace_lone_surrogates as fix;

    #[test]
    fn lone_halves_are_replaced_and_pairs_kept() {
        assert_eq!(fix(r#""a\udc80b""#).as_deref(), Some(r#""a\ufffdb""#));
        assert_eq!(fix(r#""\ud800""#).as_deref(), Some(r#""\ufffd""#));
        assert_eq!(
            fix(r#""\ud800\u0041""#).as_deref(),
            Some(r#""\ufffd\u0041""#)
        );
        assert_eq!(
            fix(r#""\ud83d\ude00 \udc80""#).as_deref(),
            Some(r#""\ud83d\ude00 \ufffd""#)
        );
        assert_eq!(fix(r#""\ud83d\ude00""#), None);
        assert_eq!(fix(r#""é \u00e9 \n""#), None);
    }

    #[test]
    fn an_escaped_backslash_is_not_an_escape() {
        assert_eq!(fix(r#""\\udc80""#), None);
        assert_eq!(fix(r#""\\\udc80""#).as_deref(), Some(r#""\\\ufffd""#));
    }

    #[test]
    fn repaired_text_parses_with_the_replacement_character() {
        let fixed = fix(r#"{"m":"x\udc80y"}"#).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&fixed).unwrap_or_default();
        assert_eq!(value["m"], "x\u{FFFD}y");
    }

    #[test]
    fn truncated_escapes_do_not_panic() {
        for text in ["\\", "\\u", "\\ud8", "\\ud800\\u", "\\ud800\\udc", "é\\"] {
            let _ = fix(text);
        }
    }
}
