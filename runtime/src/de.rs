//! What generated `Deserialize` impls of structs share: the member names are looked up in a
//! sorted table here, once, instead of in a field enum, a field visitor and a sequence visitor
//! written out for every struct. A 1,500-operation API has thousands of structs, and those
//! parts were most of what the compiler had to check.
//!
//! The generated `visit_map` keeps one `Option` per member, asks [`Members`] which member each
//! key is, and reads the value as that member's type straight from the input: no JSON tree is
//! built, whatever the size of the answer.
//!
//! Answers are read through [`Lenient`] ([`from_slice`], [`from_value`]), which reads a float
//! into an integer member by one stated rule (a whole float is that integer, a fractional one
//! is rounded down): see [`Lenient`]'s module text. The generated impls themselves stay as
//! strict as serde's derive; the leniency is the runtime's, applied once to the whole answer.

mod lenient;

pub use lenient::{from_slice, from_value, Lenient};

use serde::de::{self, DeserializeSeed, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

#[doc(hidden)]
/// A key of an object, looked up among a struct's members.
///
/// The table pairs each wire name with the member's position, sorted by name ([`sorted`]
/// makes it at compile time); the value is the position of the member with that wire name,
/// or `None` for a key the struct does not name. Unknown keys are skipped by the caller:
/// answers are read leniently.
#[derive(Clone, Copy, Debug)]
pub struct Members(pub &'static [(&'static str, usize)]);

impl Members {
    fn find(&self, key: &str) -> Option<usize> {
        let found = self.0.binary_search_by(|(name, _)| (*name).cmp(key));
        found
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, position)| *position)
    }
}

#[doc(hidden)]
/// The member names of a struct, in declaration order, paired with their positions and sorted
/// by name: the table [`Members`] searches, made when the generated code is compiled (the
/// members stay in declaration order, where serde's derive reports the first one missing).
pub const fn sorted<const N: usize>(names: [&'static str; N]) -> [(&'static str, usize); N] {
    let mut table = [("", 0); N];
    let mut i = 0;
    while i < N {
        table[i] = (names[i], i);
        i += 1;
    }
    // Insertion sort: const-evaluable, and structs have tens of members, not thousands.
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && less(table[j].0, table[j - 1].0) {
            let moved = table[j];
            table[j] = table[j - 1];
            table[j - 1] = moved;
            j -= 1;
        }
        i += 1;
    }
    table
}

/// `a < b` as `str`'s `Ord` has it (bytewise), in a const fn.
const fn less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

impl<'de> DeserializeSeed<'de> for Members {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Members {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.find(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        // A name that is not UTF-8 names no member.
        Ok(std::str::from_utf8(key).ok().and_then(|key| self.find(key)))
    }
}

#[doc(hidden)]
/// A key looked up like [`Members`], but an unknown one is kept: for a struct that gathers
/// the members it does not name (`additionalProperties`).
#[derive(Clone, Copy, Debug)]
pub struct MembersOrKey(pub &'static [(&'static str, usize)]);

#[doc(hidden)]
/// What [`MembersOrKey`] found: a member's index, or a key of the extra members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key<'de> {
    /// The member at this index of the sorted names.
    Member(usize),
    /// A key the struct does not name.
    Other(Cow<'de, str>),
}

impl Key<'_> {
    /// The key of an extra member, owned.
    pub fn into_owned(self) -> Option<String> {
        match self {
            Key::Member(_) => None,
            Key::Other(key) => Some(key.into_owned()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for MembersOrKey {
    type Value = Key<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for MembersOrKey {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(match Members(self.0).find(key) {
            Some(i) => Key::Member(i),
            None => Key::Other(Cow::Borrowed(key)),
        })
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match Members(self.0).find(key) {
            Some(i) => Key::Member(i),
            None => Key::Other(Cow::Owned(key.to_owned())),
        })
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(key), &self)),
        }
    }
}

#[doc(hidden)]
/// A required member's value; when it is missing, what serde's derive gives: `None` for a
/// type read as an option (a member typed by an alias of `Option`), else its "missing field"
/// error naming the member.
pub fn required<'de, T: de::Deserialize<'de>, E: de::Error>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// The value of a missing member, named: an option reads it as `None`, any other type fails.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> de::Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{BorrowedStrDeserializer, BytesDeserializer, Error};

    // Declared as `type`, `id`, `a`, `name`.
    const NAMES: &[(&str, usize)] = &sorted(["type", "id", "a", "name"]);

    #[test]
    fn the_table_is_sorted_by_name_and_keeps_positions() {
        assert_eq!(NAMES, [("a", 2), ("id", 1), ("name", 3), ("type", 0)]);
        let names = ["b", "ab", "a", "", "ba", "\u{e9}", "Z"];
        let mut expected: Vec<(&str, usize)> = names.iter().copied().zip(0..).collect();
        expected.sort();
        assert_eq!(sorted(names).to_vec(), expected);
    }

    #[test]
    fn members_are_found_by_their_position_in_the_declaration() {
        let found: Vec<Option<usize>> = ["a", "id", "type", "nope", ""]
            .iter()
            .map(|k| {
                Members(NAMES)
                    .deserialize(BorrowedStrDeserializer::<Error>::new(k))
                    .unwrap_or(Some(99))
            })
            .collect();
        assert_eq!(found, [Some(2), Some(1), Some(0), None, None]);
    }

    #[test]
    fn names_that_are_not_utf8_name_no_member() {
        let got = Members(NAMES).deserialize(BytesDeserializer::<Error>::new(&[0xff, b'a']));
        assert_eq!(got.ok(), Some(None));
    }

    #[test]
    fn unknown_keys_are_kept_borrowed_when_the_input_allows() {
        let got = MembersOrKey(NAMES).deserialize(BorrowedStrDeserializer::<Error>::new("extra"));
        assert!(matches!(got, Ok(Key::Other(Cow::Borrowed("extra")))));
        let got = MembersOrKey(NAMES).deserialize(BorrowedStrDeserializer::<Error>::new("a"));
        assert_eq!(got.ok(), Some(Key::Member(2)));
    }

    #[test]
    fn a_missing_member_is_reported_as_serde_does() {
        let got: Result<u8, Error> = required(None, "name");
        assert_eq!(
            got.err().map(|e| e.to_string()).as_deref(),
            Some("missing field `name`")
        );
        let got: Result<Vec<u8>, Error> = required(None, "list");
        assert_eq!(
            got.err().map(|e| e.to_string()).as_deref(),
            Some("missing field `list`")
        );
    }

    #[test]
    fn a_missing_member_read_as_an_option_is_none_as_with_serde() {
        let got: Result<Option<u8>, Error> = required(None, "maybe");
        assert_eq!(got.ok(), Some(None));
        let got: Result<Option<u8>, Error> = required(Some(Some(3)), "maybe");
        assert_eq!(got.ok(), Some(Some(3)));
    }
}
