//! Numbers read as the API's description allows: an answer's integer member may arrive
//! written as a float (`2.0`, `1577836800.5`), because Cloudflare's description types many
//! of them as `number` and its official SDKs read them as such.
//!
//! [`Lenient`] wraps any `serde` deserializer. When the type being read asks for an integer
//! (`deserialize_i64`, `deserialize_u32`, …) and the input holds a float, the float is read
//! by one stated rule:
//!
//! - a whole float (`2.0`, `1577836800.0`, `-0.0`) is that integer;
//! - a fractional float is rounded **down**, toward negative infinity (`1577836800.5` reads as
//!   `1577836800`, `-1.5` as `-2`): for a point in time, the whole second it falls in; for a
//!   count, the whole items it holds;
//! - the result must still fit the integer type, else the type's own error is reported
//!   (`1e300` into an `i64`, `-2.0` into a `u64`, `3e9` into an `i32`).
//!
//! Everything else reads exactly as without the wrapper: a type that asks for any value
//! (`serde_json::Value`, an untagged union) keeps a float a float, so metadata's `2.0` stays
//! `2.0`. The wrapper reaches through options, newtypes, lists, maps and enum variants, so an
//! `Option<i64>` or a `Vec<u32>` member is read the same way at any depth. One limit: a union
//! read by trying its alternatives in turn (serde's `untagged`) buffers the value first and
//! is not reached; its integer alternative still refuses a float.
//!
//! Requests are not affected: what the SDK sends is serialized, never read through this.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
use std::fmt;

/// A deserializer that reads floats into integer types by the rule of this module.
#[derive(Clone, Copy, Debug)]
pub struct Lenient<D>(pub D);

/// `T` read from JSON text by [`Lenient`]'s rule; trailing characters other than
/// whitespace are an error, as with [`serde_json::from_slice`].
pub fn from_slice<'de, T: de::Deserialize<'de>>(bytes: &'de [u8]) -> serde_json::Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(Lenient(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// `T` read from a JSON tree by [`Lenient`]'s rule.
pub fn from_value<'de, T: de::Deserialize<'de>>(
    value: &'de serde_json::Value,
) -> serde_json::Result<T> {
    T::deserialize(Lenient(value))
}

/// The integer a float stands for under the rule, as the widest type that holds it, or
/// `None` when no integer type does.
fn whole(value: f64) -> Option<Whole> {
    // 2^63 and 2^64 are exact in f64; the floor of a finite float below them fits.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    const U64_END: f64 = 18_446_744_073_709_551_616.0;
    let floor = value.floor();
    if (-I64_END..I64_END).contains(&floor) {
        // In range, so the cast is exact (the value is whole).
        Some(Whole::Signed(floor as i64))
    } else if (0.0..U64_END).contains(&floor) {
        Some(Whole::Unsigned(floor as u64))
    } else {
        None
    }
}

enum Whole {
    Signed(i64),
    Unsigned(u64),
}

/// A visitor passed on by [`Lenient`]: `int` when the type asked for an integer.
struct Wrap<V> {
    inner: V,
    int: bool,
}

impl<V> Wrap<V> {
    fn any(inner: V) -> Self {
        Self { inner, int: false }
    }

    fn int(inner: V) -> Self {
        Self { inner, int: true }
    }
}

/// Forwards `deserialize_*` methods to the inner deserializer, with the visitor wrapped.
macro_rules! forward {
    ($wrap:ident: $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap::$wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    forward! { any:
        deserialize_any deserialize_bool deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }
    forward! { int:
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap::any(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap::any(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::any(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::any(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap::any(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap::any(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Forwards `visit_*` methods of plain values to the inner visitor.
macro_rules! visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<V::Value, E> {
        match whole(value) {
            Some(Whole::Signed(n)) if self.int => self.inner.visit_i64(n),
            Some(Whole::Unsigned(n)) if self.int => self.inner.visit_u64(n),
            _ => self.inner.visit_f64(value),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Lenient(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Lenient(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(Lenient(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Lenient(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Lenient(data))
    }
}

/// A seed whose deserializer is wrapped in [`Lenient`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Lenient<A> {
    type Error = A::Error;
    type Variant = Lenient<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Lenient(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::any(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::any(visitor))
    }
}
