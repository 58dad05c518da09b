//! Wire encoding of path segments and query values.
//!
//! Generated code pushes each path parameter through [`push_segment`] and turns each query
//! value into text with [`ToQuery`]; the runtime percent-encodes the query when it builds the
//! URL. Both use the same strict set: every byte outside `A-Z a-z 0-9 - . _ ~` is escaped,
//! so `/`, `?`, `#`, `%`, `+`, space and non-ASCII text survive a round trip unchanged.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte except the RFC 3986 unreserved characters is escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `segment` to `out` as one percent-encoded path segment.
///
/// A `/` inside `segment` becomes `%2F`, so the segment can never split into two.
pub fn push_segment(out: &mut String, segment: &str) {
    out.extend(utf8_percent_encode(segment, UNRESERVED));
}

/// Appends `name=value` to a query string, percent-encoding both with the same strict set
/// as path segments (a space is `%20`, never `+`).
pub(crate) fn push_query_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    out.extend(utf8_percent_encode(name, UNRESERVED));
    out.push('=');
    out.extend(utf8_percent_encode(value, UNRESERVED));
}

/// An `application/x-www-form-urlencoded` body: the pairs joined and percent-encoded exactly
/// like a query string (a space is `%20`, which every form decoder reads as a space).
pub fn form_body(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        push_query_pair(&mut out, name, value);
    }
    out
}

/// Appends the pair `name`, `value` (as raw text) to query pairs, headers or form fields.
pub fn pair<T: ToQuery + ?Sized>(
    pairs: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: &T,
) {
    pairs.push((name, value.to_query()));
}

/// [`pair`], when the value is set.
pub fn pair_opt<T: ToQuery>(
    pairs: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<&T>,
) {
    if let Some(value) = value {
        pair(pairs, name, value);
    }
}

/// A value that can be sent as a query parameter. The text is raw: the runtime encodes it.
pub trait ToQuery {
    /// The value as query text, before percent-encoding.
    fn to_query(&self) -> String;
}

macro_rules! to_query_display {
    ($($t:ty),*) => {
        $(impl ToQuery for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        })*
    };
}

to_query_display!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, String, str
);

impl ToQuery for f64 {
    fn to_query(&self) -> String {
        format_f64(*self)
    }
}

impl ToQuery for f32 {
    fn to_query(&self) -> String {
        // A whole f32 is exactly representable as f64; a fractional one keeps its own
        // shortest text (0.1f32 must not become 0.10000000149011612).
        if self.is_finite() && self.fract() == 0.0 {
            format_f64(f64::from(*self))
        } else {
            self.to_string()
        }
    }
}

impl<T: ToQuery + ?Sized> ToQuery for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// Formats a number the way the API expects: whole numbers without a fraction (`300`, not
/// `300.0`), other finite numbers in their shortest form, non-finite ones as Rust prints them.
pub(crate) fn format_f64(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 {
        // `{:.0}` prints every whole f64 exactly; `+ 0.0` turns -0 into 0.
        format!("{:.0}", value + 0.0)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_escapes_everything_but_unreserved() {
        let mut out = String::new();
        push_segment(&mut out, "a/b?c#d%e f:g!h+ü🙂-._~Z9");
        assert_eq!(
            out,
            "a%2Fb%3Fc%23d%25e%20f%3Ag%21h%2B%C3%BC%F0%9F%99%82-._~Z9"
        );
    }

    #[test]
    fn form_bodies_are_encoded_like_queries() {
        let pairs = [
            ("a", "x y".to_owned()),
            ("b", "1&2=3".to_owned()),
            ("a", "ü".to_owned()),
        ];
        assert_eq!(form_body(&pairs), "a=x%20y&b=1%262%3D3&a=%C3%BC");
        assert_eq!(form_body(&[]), "");
    }

    #[test]
    fn query_pairs_are_joined_and_escaped() {
        let mut out = String::new();
        push_query_pair(&mut out, "a", "x y");
        push_query_pair(&mut out, "b", "1&2=3");
        assert_eq!(out, "a=x%20y&b=1%262%3D3");
    }

    #[test]
    fn numbers_are_whole_when_they_can_be() {
        assert_eq!(300.0_f64.to_query(), "300");
        assert_eq!((-0.0_f64).to_query(), "0");
        assert_eq!(1e20_f64.to_query(), "100000000000000000000");
        assert_eq!(0.5_f64.to_query(), "0.5");
        assert_eq!(60.0_f32.to_query(), "60");
        assert_eq!(0.1_f32.to_query(), "0.1");
        assert_eq!(f64::NAN.to_query(), "NaN");
        assert_eq!(f64::INFINITY.to_query(), "inf");
        assert_eq!(f32::NEG_INFINITY.to_query(), "-inf");
        assert_eq!(300_i64.to_query(), "300");
        assert_eq!((&&7_u8).to_query(), "7");
        assert_eq!(true.to_query(), "true");
        assert_eq!("x".to_query(), "x");
    }

    mod properties {
        use super::super::*;
        use percent_encoding::percent_decode_str;
        use proptest::prelude::*;

        fn is_unreserved(b: u8) -> bool {
            b.is_ascii_alphanumeric() || b"-._~".contains(&b)
        }

        proptest! {
            #[test]
            fn a_segment_decodes_back_byte_for_byte(text in any::<String>()) {
                let mut out = String::new();
                push_segment(&mut out, &text);
                let decoded = percent_decode_str(&out).collect::<Vec<u8>>();
                prop_assert_eq!(decoded, text.as_bytes());
            }

            #[test]
            fn a_segment_holds_only_unreserved_bytes_and_escapes(text in any::<String>()) {
                let mut out = String::new();
                push_segment(&mut out, &text);
                let bytes = out.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'%' {
                        let hex = &out[i + 1..i + 3];
                        prop_assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{}", out);
                        i += 3;
                    } else {
                        prop_assert!(is_unreserved(bytes[i]), "{}", out);
                        i += 1;
                    }
                }
            }

            #[test]
            fn query_pairs_decode_back(name in "[a-z_]{1,12}", value in any::<String>()) {
                let mut out = String::new();
                push_query_pair(&mut out, &name, &value);
                let (n, v) = out.split_once('=').unwrap();
                prop_assert_eq!(percent_decode_str(n).decode_utf8().unwrap(), name.as_str());
                prop_assert_eq!(percent_decode_str(v).decode_utf8().unwrap(), value.as_str());
                prop_assert!(!v.contains('&') && !v.contains('+') && !v.contains(' '));
            }

            #[test]
            fn whole_numbers_are_written_as_integers(n in -(1_i64 << 53)..(1_i64 << 53)) {
                prop_assert_eq!((n as f64).to_query(), n.to_string());
                prop_assert_eq!(n.to_query(), n.to_string());
            }

            #[test]
            fn finite_numbers_read_back_exactly(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
                let text = x.to_query();
                prop_assert!(!text.contains('e') && !text.ends_with(".0"), "{}", text);
                prop_assert_eq!(text.parse::<f64>().unwrap(), x + 0.0);
            }
        }
    }
}
