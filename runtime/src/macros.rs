//! The code every generated type of a kind shares, written once as macros that generated
//! modules invoke with what is specific to each type: a newtype's name, its base and the name
//! its errors give; a struct's member table; a string enum's values; a parameters struct's
//! setters.
//!
//! The generated module keeps what a reader looks for (the type, its docs, its derives and
//! its `check` with the specification's rules); the conversions and the `Deserialize` that are
//! the same for every type of a kind are expanded from here. They behave exactly as the
//! impls the generator used to write out (`tests/deserialize_parity.rs` checks them against
//! serde's derive).

/// The conversions of a constrained newtype `Name(Inner)` whose `Name::check(&Borrowed)`
/// the generated module writes: the only ways in validate (`TryFrom`, `FromStr`,
/// `Deserialize`), and `new_unchecked`, `into_inner` and an accessor get around it.
///
/// Invoked as `newtype!(Name, base, "name")`: the base is one of `text` (a `String`),
/// `integer i64`/`integer i32`, `number` (an `f64`), `binary` (a [`Binary`](crate::Binary))
/// or `json Type` (anything else, parsed from text as JSON); the name is the one a parse
/// error gives the value.
#[doc(hidden)]
#[macro_export]
macro_rules! newtype {
    ($name:ident, text, $field:literal) => {
        impl $name {
            /// Wraps `value` without checking it; the server stays the judge.
            pub fn new_unchecked(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            /// Unwraps the value.
            pub fn into_inner(self) -> String {
                self.0
            }
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        $crate::newtype!(@checked $name, String);
        impl ::std::str::FromStr for $name {
            type Err = $crate::ConstraintError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::try_from(value.to_owned())
            }
        }
        impl TryFrom<&str> for $name {
            type Error = $crate::ConstraintError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::try_from(value.to_owned())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        $crate::newtype!(@display $name);
    };
    ($name:ident, integer $inner:ty, $field:literal) => {
        $crate::newtype!(@copy $name, $inner);
        $crate::newtype!(@parsed $name, $inner, $field, "an integer");
        $crate::newtype!(@display $name);
    };
    ($name:ident, number, $field:literal) => {
        $crate::newtype!(@copy $name, f64);
        $crate::newtype!(@parsed $name, f64, $field, "a number");
        $crate::newtype!(@display $name);
    };
    ($name:ident, binary, $field:literal) => {
        $crate::newtype!(@held $name, $crate::Binary);
        impl ::std::str::FromStr for $name {
            type Err = $crate::ConstraintError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::try_from($crate::Binary::from(value.to_owned()))
            }
        }
    };
    ($name:ident, json $inner:ty, $field:literal) => {
        $crate::newtype!(@held $name, $inner);
        impl ::std::str::FromStr for $name {
            type Err = $crate::ConstraintError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let parsed: $inner = $crate::__private::serde_json::from_str(value)
                    .map_err(|e| $crate::ConstraintError::parse($field, "JSON", e))?;
                Self::try_from(parsed)
            }
        }
    };
    // A value held by reference: accessors, then the checked ways in.
    (@held $name:ident, $inner:ty) => {
        impl $name {
            /// Wraps `value` without checking it; the server stays the judge.
            pub fn new_unchecked(value: impl Into<$inner>) -> Self {
                Self(value.into())
            }
            /// Unwraps the value.
            pub fn into_inner(self) -> $inner {
                self.0
            }
            /// The value.
            pub fn as_inner(&self) -> &$inner {
                &self.0
            }
        }
        $crate::newtype!(@checked $name, $inner);
    };
    // A value that is `Copy`: accessors, then the checked ways in.
    (@copy $name:ident, $inner:ty) => {
        impl $name {
            /// Wraps `value` without checking it; the server stays the judge.
            pub fn new_unchecked(value: impl Into<$inner>) -> Self {
                Self(value.into())
            }
            /// Unwraps the value.
            pub fn into_inner(self) -> $inner {
                self.0
            }
            /// The value.
            pub fn get(&self) -> $inner {
                self.0
            }
        }
        $crate::newtype!(@checked $name, $inner);
    };
    // `TryFrom<Inner>` (the one constructor that checks), `Deserialize` through it, and the
    // way back to the inner value.
    (@checked $name:ident, $inner:ty) => {
        impl TryFrom<$inner> for $name {
            type Error = $crate::ConstraintError;
            fn try_from(value: $inner) -> Result<Self, Self::Error> {
                Self::check(&value)?;
                Ok(Self(value))
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value = <$inner as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                Self::try_from(value).map_err($crate::__private::serde::de::Error::custom)
            }
        }
        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
    // `FromStr` of a number: parsed, then checked.
    (@parsed $name:ident, $inner:ty, $field:literal, $expected:literal) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::ConstraintError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let parsed: $inner = value
                    .parse()
                    .map_err(|e| $crate::ConstraintError::parse($field, $expected, e))?;
                Self::try_from(parsed)
            }
        }
    };
    (@display $name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

/// `Deserialize` for a struct, from its member table: `index field: "wire"`, with `required`
/// after a member whose absence is an error, listed in declaration order (the index is the
/// position in it), and `.. field` last for a struct that gathers the members it does not
/// name into a map.
///
/// It reads an object only, looks each key up in the table sorted at compile time
/// ([`de::Members`]), reads the value as the member's type straight from the input, skips
/// unknown keys and keeps the last of duplicates; a missing required member is serde's
/// "missing field" error for the first one in declaration order (or `None` when its type is
/// an option), a missing optional one its default.
///
/// [`de::Members`]: crate::de::Members
#[doc(hidden)]
#[macro_export]
macro_rules! object {
    ($name:ident { $($index:literal $field:ident: $wire:literal $($required:ident)?,)* }) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: $crate::__private::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        const NAMES: &[(&str, usize)] = &$crate::de::sorted([$($wire),*]);
                        $(let mut $field = None;)*
                        while let Some(key) = map.next_key_seed($crate::de::Members(NAMES))? {
                            match key {
                                $(Some($index) => $field = Some(map.next_value()?),)*
                                _ => {
                                    map.next_value::<$crate::__private::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($name {
                            $($field: $crate::object!(@member $field, $wire $($required)?),)*
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    ($name:ident { $($index:literal $field:ident: $wire:literal $($required:ident)?,)* .. $extra:ident }) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: $crate::__private::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        const NAMES: &[(&str, usize)] = &$crate::de::sorted([$($wire),*]);
                        $(let mut $field = None;)*
                        let mut $extra = ::std::collections::BTreeMap::new();
                        while let Some(key) = map.next_key_seed($crate::de::MembersOrKey(NAMES))? {
                            match key {
                                $($crate::de::Key::Member($index) => $field = Some(map.next_value()?),)*
                                key => {
                                    match key.into_owned() {
                                        Some(key) => {
                                            $extra.insert(key, map.next_value()?);
                                        }
                                        None => {
                                            map.next_value::<$crate::__private::serde::de::IgnoredAny>()?;
                                        }
                                    }
                                }
                            }
                        }
                        Ok($name {
                            $($field: $crate::object!(@member $field, $wire $($required)?),)*
                            $extra,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (@member $field:ident, $wire:literal required) => {
        $crate::de::required($field, $wire)?
    };
    (@member $field:ident, $wire:literal) => {
        $field.unwrap_or_default()
    };
}

/// What a string enum `Name` (its variants and `Other(String)`) has besides its definition.
/// With the table of values, `Name { Variant = "wire", … }`: `as_str` and `From<&str>` (a
/// value not in the table is `Other`), then what the one-name form gives. With the name
/// alone, for an enum that has those two: `Display`, an infallible `FromStr`, `Serialize` and
/// `Deserialize` as its text, and its query-string form.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal,)* }) => {
        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(value) => value,
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }
        $crate::string_enum!($name);
    };
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value =
                    <String as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
        impl $crate::encode::ToQuery for $name {
            fn to_query(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

/// The setters of a parameters struct `Name` (with an `options` field): one row per optional
/// field, `field: "wire" into T` (takes `impl Into<T>`) or `field: "wire" items T` (takes
/// any iterable of `impl Into<T>`, for a list), each setting `Some(…)`; then `options`.
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($name:ident { $($field:ident: $wire:literal $how:ident $ty:ty,)* }) => {
        impl $name {
            $($crate::setters!(@one $field, $wire, $how, $ty);)*
            /// Sets the per-request options.
            pub fn options(mut self, value: $crate::RequestOptions) -> Self {
                self.options = value;
                self
            }
        }
    };
    (@one $field:ident, $wire:literal, into, $ty:ty) => {
        #[doc = concat!("Sets `", $wire, "`.")]
        pub fn $field(mut self, value: impl ::std::convert::Into<$ty>) -> Self {
            self.$field = ::std::option::Option::Some(value.into());
            self
        }
    };
    (@one $field:ident, $wire:literal, items, $ty:ty) => {
        #[doc = concat!("Sets `", $wire, "`.")]
        pub fn $field(
            mut self,
            value: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<$ty>>,
        ) -> Self {
            self.$field = ::std::option::Option::Some(
                value.into_iter().map(::std::convert::Into::into).collect(),
            );
            self
        }
    };
}

/// `From` each source type for a union `Name`: rows `Variant(Source)`, the value taken as it
/// is, or `Variant(Source) method` to convert it first (`to_owned`, `clone`, `into_owned`,
/// `into`): `"text"` for a text variant, `&[u8]` for a bytes one.
#[doc(hidden)]
#[macro_export]
macro_rules! variants_from {
    ($name:ident { $($var:ident($source:ty) $($convert:ident)?,)* }) => {
        $(
            impl From<$source> for $name {
                fn from(value: $source) -> Self {
                    Self::$var(value $(.$convert())?)
                }
            }
        )*
    };
}
