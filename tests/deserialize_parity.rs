//! The `Deserialize` generated structs get (the runtime's `object!` macro: a `visit_map` over
//! a member table `kv_runtime::de` sorts at compile time) against serde's derive with the attributes the emitter used to put on
//! the same structs: the structs of `tests/fixtures/deserialize_parity.yaml` (one member of
//! each shape) read from random JSON both ways must give the same value or the same error.
//!
//! Where the two differ on purpose, the difference is asserted exactly: a duplicate key keeps
//! its last value (the derive refuses it), a JSON array is not read as a struct (the derive
//! reads the members in order), and a struct with extra members refuses a wrong extra value
//! where it stands (the derive refuses it after the other members, at the end of the object).
//!
//! Answers are read through the runtime's `kv_runtime::de::Lenient`, which reads a float into
//! an integer member (whole: that integer; fractional: rounded down). Both impls are also
//! compared read that way (they must still agree), and where that reading deliberately
//! differs from serde's derive read plainly, the difference is asserted exactly
//! (`answers_read_floats_into_integers_where_the_derive_refuses`).
// The fixture's client is not called here.
#![allow(dead_code)]

mod fixture {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/deserialize_parity.rs"
    ));
}

use fixture::types as ours;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// The fixture's structs as serde's derive read them: the same fields and the same serde
/// attributes as the golden (see `field()` in codegen/src/emit/types.rs), `Deserialize`
/// derived.
mod derived {
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct Inner {
        pub id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct MaybeInner {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<i64>,
    }

    pub type MaybeText = String;
    pub type MaybeAlias = Option<MaybeText>;

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    #[serde(untagged)]
    pub enum Scalar {
        Text(String),
        Integer(i64),
        Boolean(bool),
        Inner(Inner),
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    #[serde(untagged)]
    pub enum RecordPick {
        Text(String),
        Integer(i64),
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct Record {
        pub r#type: String,
        #[serde(rename = "created-on")]
        pub created_on: String,
        pub name: String,
        pub count: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub size: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub flag: Option<bool>,
        #[serde(default)]
        pub note: Option<String>,
        #[serde(default)]
        pub tags: Vec<String>,
        #[serde(default)]
        pub labels: BTreeMap<String, i64>,
        pub inner: Inner,
        pub value: Scalar,
        #[serde(default)]
        pub maybe: Option<MaybeInner>,
        pub any: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub parent: Option<Box<Record>>,
        pub chain: MaybeAlias,
        #[serde(default)]
        pub pick: Option<RecordPick>,
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct Tree {
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub child: Option<Box<Tree>>,
        #[serde(default)]
        pub children: Vec<Tree>,
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct Open {
        pub id: String,
        #[serde(rename = "kind-of")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind_of: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub inner: Option<Inner>,
        #[serde(flatten)]
        pub additional_properties: BTreeMap<String, i64>,
    }

    #[derive(Deserialize, Serialize, Debug, PartialEq)]
    pub struct Visitor {
        pub a: String,
    }
}

// ---- Reading both ways ----

/// `text` read as `T`, as the JSON its derived `Serialize` writes, or the error's text.
fn read<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    serde_json::from_str::<T>(text)
        .map(|t| serde_json::to_value(t).unwrap())
        .map_err(|e| e.to_string())
}

/// [`read`] from a JSON tree, as `Response<Value>::deserialize` reads (keys never borrowed
/// from text, arrays offered to `visit_seq` as from text).
fn read_value<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    T::deserialize(value)
        .map(|t| serde_json::to_value(t).unwrap())
        .map_err(|e| e.to_string())
}

/// `text`, and the tree it parses to, read as `O` (emitted) and `D` (derived): the same value
/// or the same error, to the letter.
fn same<O, D>(text: &str) -> Result<(), TestCaseError>
where
    O: DeserializeOwned + Serialize,
    D: DeserializeOwned + Serialize,
{
    prop_assert_eq!(read::<O>(text), read::<D>(text), "read from {}", text);
    let tree: Value = serde_json::from_str(text).unwrap();
    prop_assert_eq!(
        read_value::<O>(&tree),
        read_value::<D>(&tree),
        "read from the tree of {}",
        text
    );
    prop_assert_eq!(
        read_lenient::<O>(text),
        read_lenient::<D>(text),
        "read leniently from {}",
        text
    );
    Ok(())
}

/// [`read`] as the runtime reads answers: through `kv_runtime::de::Lenient`.
fn read_lenient<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    kv_runtime::de::from_slice::<T>(text.as_bytes())
        .map(|t| serde_json::to_value(t).unwrap())
        .map_err(|e| e.to_string())
}

/// The deliberate difference: an integer member written as a float. serde's derive (and the
/// emitted impl read plainly) refuse it; the runtime's reading takes a whole float as that
/// integer and rounds a fractional one down; a float beyond the type is still refused, and a
/// member of any JSON keeps its float.
#[test]
fn answers_read_floats_into_integers_where_the_derive_refuses() {
    let text = r#"{"id":2.0,"label":"x"}"#;
    assert_eq!(
        read::<derived::Inner>(text),
        Err("invalid type: floating point `2.0`, expected i64 at line 1 column 9".to_owned())
    );
    assert_eq!(read::<ours::Inner>(text), read::<derived::Inner>(text));
    assert_eq!(
        read_lenient::<ours::Inner>(text),
        Ok(json!({"id": 2, "label": "x"}))
    );
    for (id, read_as) in [("1577836800.5", 1577836800), ("-1.5", -2), ("-0.0", 0)] {
        let text = format!(r#"{{"id":{id}}}"#);
        assert_eq!(
            read_lenient::<ours::MaybeInner>(&text),
            Ok(json!({"id": read_as}))
        );
    }
    assert_eq!(
        read_lenient::<ours::Inner>(r#"{"id":1e300}"#),
        Err("invalid type: floating point `1e+300`, expected i64 at line 1 column 11".to_owned())
    );
    // `size` is an i32: 3e9 fits an i64 but not the member.
    let record = r#"{"type":"t","created-on":"c","name":"n","count":2.0,"size":3e9,"inner":{"id":1},"value":1,"any":2.0,"chain":null}"#;
    assert_eq!(
        read_lenient::<ours::Record>(record),
        Err("invalid value: integer `3000000000`, expected i32 at line 1 column 62".to_owned())
    );
    let record = record.replace("3e9", "7.9");
    let read = read_lenient::<ours::Record>(&record).unwrap();
    assert_eq!(
        (&read["count"], &read["size"], &read["any"]),
        (&json!(2), &json!(7), &json!(2.0))
    );
}

// ---- Documents: members in any order, keys written plainly or with an escape ----

/// A JSON document whose objects keep the order and spelling of their keys.
#[derive(Clone, Debug)]
enum Json {
    Raw(Value),
    Array(Vec<Json>),
    Object(Vec<Entry>),
}

#[derive(Clone, Debug)]
struct Entry {
    key: String,
    /// Its first character written `\uXXXX`: the key cannot be borrowed from the input.
    escaped: bool,
    value: Json,
}

impl Json {
    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Raw(value) => out.push_str(&value.to_string()),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, entry) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    entry.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl Entry {
    /// Writes `"key":value`; returns where the value starts.
    fn write(&self, out: &mut String) -> usize {
        let quoted = Value::from(self.key.as_str()).to_string();
        let mut chars = self.key.chars();
        match chars.next() {
            Some(first) if self.escaped && first.is_ascii() => {
                out.push_str(&format!("\"\\u{:04x}", u32::from(first)));
                out.push_str(&Value::from(chars.as_str()).to_string()[1..]);
            }
            _ => out.push_str(&quoted),
        }
        out.push(':');
        let start = out.len();
        self.value.write(out);
        start
    }
}

fn raw(value: impl Into<Value>) -> Json {
    Json::Raw(value.into())
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        ".{0,6}",
        Just("na\"me\\\u{7f}\u{1F600}".to_owned()),
        Just(String::new()),
    ]
    .boxed()
}

fn text_json() -> BoxedStrategy<Json> {
    text().prop_map(raw).boxed()
}

fn int_json() -> BoxedStrategy<Json> {
    any::<i64>().prop_map(raw).boxed()
}

/// Any JSON value but `null`, an array or an object: of the wrong type for most members.
fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Beyond i64, beyond i32, and floats, some integral.
        prop::sample::select(vec![u64::MAX, 1 << 63, 3_000_000_000]).prop_map(Value::from),
        prop::sample::select(vec![1.5, -0.0, 2.0, 1e300, -2.5e-8]).prop_map(Value::from),
        text().prop_map(Value::from),
    ]
    .boxed()
}

fn any_json() -> BoxedStrategy<Value> {
    prop_oneof![Just(Value::Null), scalar()]
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

fn anything() -> BoxedStrategy<Json> {
    any_json().prop_map(Json::Raw).boxed()
}

/// Anything but an array, for a member read as a struct: serde's derive reads an array as the
/// struct's members in order, the emitted impl does not (`arrays_are_not_read_as_structs`).
fn not_array() -> BoxedStrategy<Json> {
    any_json()
        .prop_filter("an array", |v| !v.is_array())
        .prop_map(Json::Raw)
        .boxed()
}

/// How much likelier a member is to have a value of its type than to be absent, `null`, or a
/// value of any type (each): documents range from mostly wrong to mostly right.
fn soundness() -> BoxedStrategy<u32> {
    prop::sample::select(vec![2, 12, 80]).boxed()
}

/// A member: absent, present with a value of its type, `null`, or a value of any type.
fn member(
    sound: u32,
    name: &'static str,
    valid: BoxedStrategy<Json>,
    wrong: BoxedStrategy<Json>,
) -> Member {
    let value = prop_oneof![sound => valid, 1 => Just(raw(Value::Null)), 1 => wrong];
    let present = present(name, value.boxed()).prop_map(Some);
    let strategy = prop_oneof![1 => Just(None), sound + 1 => present];
    (name, strategy.boxed())
}

/// The entry of member `name`, its key escaped or not.
fn present(name: &'static str, value: BoxedStrategy<Json>) -> BoxedStrategy<Entry> {
    (value, prop::bool::weighted(0.25))
        .prop_map(move |(value, escaped)| Entry {
            key: name.to_owned(),
            escaped,
            value,
        })
        .boxed()
}

type Member = (&'static str, BoxedStrategy<Option<Entry>>);

/// Keys a struct does not name, some close to those it does.
fn unknown_key() -> BoxedStrategy<String> {
    let near = vec![
        "created_on",
        "createdOn",
        "Type",
        "r#type",
        "kind_of",
        "name ",
        "nam",
        "additional_properties",
        "",
        "id\u{0}",
    ];
    prop_oneof![
        "[a-z_-]{0,6}",
        prop::sample::select(near).prop_map(str::to_owned)
    ]
    .boxed()
}

/// Extra entries: unknown keys, each once, none a member's name.
fn extras(
    known: Vec<&'static str>,
    value: BoxedStrategy<Json>,
    count: std::ops::Range<usize>,
) -> BoxedStrategy<Vec<Entry>> {
    let entry = (unknown_key(), prop::bool::weighted(0.25), value);
    prop::collection::vec(entry, count)
        .prop_map(move |entries| {
            let mut kept: Vec<Entry> = Vec::new();
            for (key, escaped, value) in entries {
                if !known.contains(&key.as_str()) && kept.iter().all(|e| e.key != key) {
                    kept.push(Entry {
                        key,
                        escaped,
                        value,
                    });
                }
            }
            kept
        })
        .boxed()
}

/// An object of `members` and unknown keys whose values are `extra`, in random order.
fn object(members: Vec<Member>, extra: BoxedStrategy<Json>) -> BoxedStrategy<Json> {
    let known: Vec<&'static str> = members.iter().map(|(name, _)| *name).collect();
    let strategies: Vec<_> = members.into_iter().map(|(_, s)| s).collect();
    (strategies, extras(known, extra, 0..3))
        .prop_map(|(members, extras)| {
            let mut entries: Vec<Entry> = members.into_iter().flatten().collect();
            entries.extend(extras);
            entries
        })
        .prop_shuffle()
        .prop_map(Json::Object)
        .boxed()
}

// ---- The fixture's structs as documents ----

fn inner(sound: u32) -> BoxedStrategy<Json> {
    object(
        vec![
            member(sound, "id", int_json(), anything()),
            member(sound, "label", text_json(), anything()),
        ],
        anything(),
    )
}

fn maybe_inner(sound: u32) -> BoxedStrategy<Json> {
    object(
        vec![member(sound, "id", int_json(), anything())],
        anything(),
    )
}

/// A `Scalar`: text, an integer, a boolean or an `Inner`.
fn scalar_union(sound: u32) -> BoxedStrategy<Json> {
    prop_oneof![
        text_json(),
        int_json(),
        any::<bool>().prop_map(raw),
        inner(sound)
    ]
    .boxed()
}

/// Not a `Scalar`, mostly; no array that starts with an integer, which the derive would read
/// as an `Inner`.
fn not_scalar() -> BoxedStrategy<Json> {
    any_json()
        .prop_filter("an array that starts with an i64", |v| {
            !v.as_array()
                .and_then(|items| items.first())
                .is_some_and(Value::is_i64)
        })
        .prop_map(Json::Raw)
        .boxed()
}

fn string_list() -> BoxedStrategy<Json> {
    prop::collection::vec(text(), 0..3).prop_map(raw).boxed()
}

fn int_map() -> BoxedStrategy<Json> {
    prop::collection::btree_map("[a-z]{0,3}", any::<i64>(), 0..3)
        .prop_map(|m| raw(json!(m)))
        .boxed()
}

fn nothing() -> BoxedStrategy<Json> {
    Just(raw(Value::Null)).boxed()
}

fn record(sound: u32, depth: u32) -> BoxedStrategy<Json> {
    let parent = if depth == 0 {
        nothing()
    } else {
        record(sound, depth - 1)
    };
    object(
        vec![
            member(sound, "type", text_json(), anything()),
            member(sound, "created-on", text_json(), anything()),
            member(sound, "name", text_json(), anything()),
            member(sound, "count", int_json(), anything()),
            member(
                sound,
                "size",
                any::<i32>().prop_map(raw).boxed(),
                anything(),
            ),
            member(
                sound,
                "flag",
                any::<bool>().prop_map(raw).boxed(),
                anything(),
            ),
            member(sound, "note", text_json(), anything()),
            member(sound, "tags", string_list(), anything()),
            member(sound, "labels", int_map(), anything()),
            member(sound, "inner", inner(sound), not_array()),
            member(sound, "value", scalar_union(sound), not_scalar()),
            member(sound, "maybe", maybe_inner(sound), not_array()),
            member(sound, "any", anything(), anything()),
            member(sound, "parent", parent, not_array()),
            member(sound, "chain", text_json(), anything()),
            member(
                sound,
                "pick",
                prop_oneof![text_json(), int_json()].boxed(),
                anything(),
            ),
        ],
        anything(),
    )
}

fn tree(sound: u32, depth: u32) -> BoxedStrategy<Json> {
    let (child, children) = if depth == 0 {
        (nothing(), Just(Json::Array(Vec::new())).boxed())
    } else {
        let children = prop::collection::vec(tree(sound, depth - 1), 0..3);
        (
            tree(sound, depth - 1),
            children.prop_map(Json::Array).boxed(),
        )
    };
    // No array inside `children`'s wrong values either: each item is read as a `Tree`.
    let not_trees = any_json()
        .prop_filter("an array of arrays", |v| {
            !v.as_array()
                .is_some_and(|items| items.iter().any(Value::is_array))
        })
        .prop_map(Json::Raw)
        .boxed();
    object(
        vec![
            member(sound, "name", text_json(), anything()),
            member(sound, "child", child, not_array()),
            member(sound, "children", children, not_trees),
        ],
        anything(),
    )
}

fn open_members(sound: u32) -> Vec<Member> {
    vec![
        member(sound, "id", text_json(), anything()),
        member(sound, "kind-of", text_json(), anything()),
        member(sound, "inner", inner(sound), not_array()),
    ]
}

fn visitor(sound: u32) -> BoxedStrategy<Json> {
    object(
        vec![member(sound, "a", text_json(), anything())],
        anything(),
    )
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn records_read_as_the_derive_reads_them(
        doc in soundness().prop_flat_map(|sound| record(sound, 1)),
    ) {
        same::<ours::Record, derived::Record>(&doc.text())?;
    }

    #[test]
    fn trees_read_as_the_derive_reads_them(
        doc in soundness().prop_flat_map(|sound| tree(sound, 2)),
    ) {
        same::<ours::Tree, derived::Tree>(&doc.text())?;
    }

    #[test]
    fn nested_structs_read_as_the_derive_reads_them(
        (inner, maybe, visitor) in soundness()
            .prop_flat_map(|sound| (inner(sound), maybe_inner(sound), visitor(sound))),
    ) {
        same::<ours::Inner, derived::Inner>(&inner.text())?;
        same::<ours::MaybeInner, derived::MaybeInner>(&maybe.text())?;
        same::<ours::Visitor, derived::Visitor>(&visitor.text())?;
    }

    /// Extra members whose values are integers: everything else may be wrong or missing.
    #[test]
    fn extra_members_read_as_the_derive_reads_them(
        doc in soundness().prop_flat_map(|sound| object(open_members(sound), int_json())),
    ) {
        same::<ours::Open, derived::Open>(&doc.text())?;
    }
}

// ---- Not an object ----

/// Any JSON value but an object: refused as the derive refuses it, but for an array, which
/// the emitted impl refuses as any other non-object (where the derive would read the members
/// in order) unless the struct has extra members, whose derive refuses arrays too.
fn not_an_object<O, D>(name: &str, value: &Value, extra: bool) -> Result<(), TestCaseError>
where
    O: DeserializeOwned + Serialize,
    D: DeserializeOwned + Serialize,
{
    let text = value.to_string();
    if !value.is_array() || extra {
        return same::<O, D>(&text);
    }
    let refused = format!("invalid type: sequence, expected struct {name}");
    prop_assert_eq!(
        read::<O>(&text),
        Err(format!("{refused} at line 1 column 0"))
    );
    prop_assert_eq!(read_value::<O>(value), Err(refused));
    Ok(())
}

// ---- A wrong extra member ----

const OPEN_MEMBERS: [&str; 3] = ["id", "inner", "kind-of"];

/// An `Inner` with nothing wrong in it.
fn sound_inner() -> BoxedStrategy<Json> {
    let members = (
        present("id", int_json()),
        prop::option::of(present("label", text_json())),
        extras(vec!["id", "label"], anything(), 0..2),
    );
    members
        .prop_map(|(id, label, extras)| {
            let mut entries = vec![id];
            entries.extend(label);
            entries.extend(extras);
            entries
        })
        .prop_shuffle()
        .prop_map(Json::Object)
        .boxed()
}

fn not_int() -> BoxedStrategy<Json> {
    any_json()
        .prop_filter("an i64", |v| !v.is_i64())
        .prop_map(Json::Raw)
        .boxed()
}

/// An `Open` whose members are all right but one extra member at least, not an integer.
fn open_with_a_wrong_extra() -> BoxedStrategy<Vec<Entry>> {
    let wrong_key = "[a-z]{1,5}".prop_filter("a member", |k| !OPEN_MEMBERS.contains(&k.as_str()));
    let wrong =
        (wrong_key, prop::bool::weighted(0.25), not_int()).prop_map(|(key, escaped, value)| {
            Entry {
                key,
                escaped,
                value,
            }
        });
    let parts = (
        present("id", text_json()),
        prop::option::of(present(
            "kind-of",
            prop_oneof![text_json(), nothing()].boxed(),
        )),
        prop::option::of(present(
            "inner",
            prop_oneof![sound_inner(), nothing()].boxed(),
        )),
        wrong,
        extras(
            OPEN_MEMBERS.to_vec(),
            prop_oneof![int_json(), not_int()].boxed(),
            0..3,
        ),
    );
    parts
        .prop_map(|(id, kind, inner, wrong, extras)| {
            let mut entries = vec![id];
            entries.extend(kind);
            entries.extend(inner);
            entries.extend(extras.into_iter().filter(|e| e.key != wrong.key));
            entries.push(wrong);
            entries
        })
        .prop_shuffle()
        .boxed()
}

/// The text of an object of `entries`, and where each value starts in it.
fn object_text(entries: &[Entry]) -> (String, Vec<usize>) {
    let mut out = String::from("{");
    let mut starts = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        starts.push(entry.write(&mut out));
    }
    out.push('}');
    (out, starts)
}

/// An error's message without the position serde_json adds.
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_owned(),
        None => text,
    }
}

/// The first extra member of `entries` that is not an i64: its error reading it as one, and
/// the column where reading stops in the object's text.
fn first_wrong_extra(entries: &[Entry], starts: &[usize]) -> Option<(String, usize)> {
    entries
        .iter()
        .zip(starts)
        .filter(|(entry, _)| !OPEN_MEMBERS.contains(&entry.key.as_str()))
        .find_map(|(entry, start)| {
            let error = serde_json::from_str::<i64>(&entry.value.text()).err()?;
            Some((message(&error), start + error.column()))
        })
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn other_json_is_refused_as_the_derive_refuses_it(
        value in any_json().prop_filter("an object", |v| !v.is_object()),
    ) {
        not_an_object::<ours::Record, derived::Record>("Record", &value, false)?;
        not_an_object::<ours::Tree, derived::Tree>("Tree", &value, false)?;
        not_an_object::<ours::Inner, derived::Inner>("Inner", &value, false)?;
        not_an_object::<ours::MaybeInner, derived::MaybeInner>("MaybeInner", &value, false)?;
        not_an_object::<ours::Visitor, derived::Visitor>("Visitor", &value, false)?;
        not_an_object::<ours::Open, derived::Open>("Open", &value, true)?;
    }

    /// The emitted impl reads each extra value as it comes; serde's derive keeps them aside and
    /// reads them after the other members, so that its error is the same but stands at the
    /// end of the object. From a tree, whose keys come in one order for both, they agree.
    #[test]
    fn a_wrong_extra_member_is_refused_where_it_stands(entries in open_with_a_wrong_extra()) {
        let (text, starts) = object_text(&entries);
        let (message, column) = first_wrong_extra(&entries, &starts).unwrap();
        prop_assert_eq!(
            read::<ours::Open>(&text),
            Err(format!("{message} at line 1 column {column}"))
        );
        prop_assert_eq!(
            read::<derived::Open>(&text),
            Err(format!("{message} at line 1 column {}", text.len()))
        );
        let tree: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(read_value::<ours::Open>(&tree), read_value::<derived::Open>(&tree));
    }
}

// ---- Exact cases ----

/// Every member that must be there, once.
const MINIMAL: &str = concat!(
    r#"{"type":"t","created-on":"c","name":"n","count":1,"#,
    r#""inner":{"id":2},"value":true,"any":null}"#
);

#[test]
fn missing_members_are_defaults_or_errors_as_with_the_derive() {
    let record: ours::Record = serde_json::from_str(MINIMAL).unwrap();
    let value = serde_json::to_value(record).unwrap();
    let defaults = json!({
        "type": "t", "created-on": "c", "name": "n", "count": 1, "note": null, "tags": [],
        "labels": {}, "inner": {"id": 2}, "value": true, "maybe": null, "any": null,
        "chain": null, "pick": null,
    });
    assert_eq!(value, defaults);
    assert_eq!(read::<derived::Record>(MINIMAL), Ok(defaults));
    // Without each member that must be there: the same error, at the same place.
    let full: Value = serde_json::from_str(MINIMAL).unwrap();
    for name in [
        "type",
        "created-on",
        "name",
        "count",
        "inner",
        "value",
        "any",
    ] {
        let mut without = full.clone();
        without.as_object_mut().unwrap().remove(name);
        let text = without.to_string();
        let expected = format!("missing field `{name}` at line 1 column {}", text.len());
        assert_eq!(read::<ours::Record>(&text), Err(expected.clone()));
        assert_eq!(read::<derived::Record>(&text), Err(expected));
    }
}

#[test]
fn a_duplicate_key_keeps_its_last_value_where_the_derive_refuses_it() {
    let twice = MINIMAL.replacen('{', r#"{"name":"first","#, 1);
    let record: ours::Record = serde_json::from_str(&twice).unwrap();
    assert_eq!(record.name, "n");
    assert_eq!(
        read::<derived::Record>(&twice),
        Err("duplicate field `name` at line 1 column 50".to_owned())
    );
    // Each value is still read: a wrong first one is refused by both, alike.
    let wrong_first = MINIMAL.replacen('{', r#"{"count":"x","#, 1);
    let refused = r#"invalid type: string "x", expected i64 at line 1 column 12"#;
    assert_eq!(read::<ours::Record>(&wrong_first), Err(refused.to_owned()));
    assert_eq!(
        read::<derived::Record>(&wrong_first),
        Err(refused.to_owned())
    );
    // With extra members: a known member twice, then an extra one twice (kept last by both).
    let id_twice = r#"{"id":"a","x":1,"id":"b"}"#;
    assert_eq!(read::<ours::Open>(id_twice), Ok(json!({"id": "b", "x": 1})));
    assert_eq!(
        read::<derived::Open>(id_twice),
        Err("duplicate field `id` at line 1 column 20".to_owned())
    );
    let extra_twice = r#"{"x":1,"id":"a","x":2}"#;
    assert_eq!(
        read::<ours::Open>(extra_twice),
        Ok(json!({"id": "a", "x": 2}))
    );
    assert_eq!(
        read::<derived::Open>(extra_twice),
        read::<ours::Open>(extra_twice)
    );
}

#[test]
fn arrays_are_not_read_as_structs() {
    let refused = "invalid type: sequence, expected struct Inner";
    assert_eq!(
        read::<derived::Inner>(r#"[5,"l"]"#),
        Ok(json!({"id": 5, "label": "l"}))
    );
    assert_eq!(
        read::<ours::Inner>(r#"[5,"l"]"#),
        Err(format!("{refused} at line 1 column 0"))
    );
    assert_eq!(
        read_value::<derived::Inner>(&json!([5])),
        Ok(json!({"id": 5}))
    );
    assert_eq!(
        read_value::<ours::Inner>(&json!([5])),
        Err(refused.to_owned())
    );
    // As a member, and as a union's variant.
    let nested = MINIMAL.replace(r#"{"id":2}"#, "[5]");
    let mut expected = read::<ours::Record>(MINIMAL).unwrap();
    expected["inner"] = json!({"id": 5});
    assert_eq!(read::<derived::Record>(&nested), Ok(expected));
    assert_eq!(
        read::<ours::Record>(&nested),
        Err(format!("{refused} at line 1 column 58"))
    );
    let variant = MINIMAL.replace("true", "[5]");
    let derived = read::<derived::Record>(&variant).unwrap();
    assert_eq!(derived["value"], json!({"id": 5}));
    assert_eq!(
        read::<ours::Record>(&variant),
        Err(
            "data did not match any variant of untagged enum Scalar at line 1 column 78".to_owned()
        )
    );
}

#[test]
fn a_wrong_extra_member_is_refused_before_a_missing_one() {
    let text = r#"{"x":"s"}"#;
    assert_eq!(
        read::<ours::Open>(text),
        Err(r#"invalid type: string "s", expected i64 at line 1 column 8"#.to_owned())
    );
    assert_eq!(
        read::<derived::Open>(text),
        Err("missing field `id` at line 1 column 9".to_owned())
    );
}

#[test]
fn escaped_keys_name_the_same_members_and_extra_members() {
    let escaped = r#"{"\u0069d":"a","ki\u006ed-of":"k","\u0078":1,"y":2,"\u00e9":3}"#;
    let expected = json!({"id": "a", "kind-of": "k", "x": 1, "y": 2, "é": 3});
    assert_eq!(read::<ours::Open>(escaped), Ok(expected.clone()));
    assert_eq!(read::<derived::Open>(escaped), Ok(expected.clone()));
    // From a reader, no key is borrowed.
    let from_reader: ours::Open = serde_json::from_reader(escaped.as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(from_reader).unwrap(), expected);
}

#[test]
fn sdk_answers_are_read_with_plain_and_escaped_keys() {
    use cloudflare_kv::runtime::{decode_result, HeaderMap, RawResponse, StatusCode};
    use cloudflare_kv::types::Namespace;
    let answer = |body: &'static str| {
        let raw = RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            body.as_bytes().to_vec().into(),
        );
        decode_result::<Namespace>(raw)
    };
    // `id` borrowed from the body, `title` named with an escape, an unknown member skipped.
    let body = concat!(
        r#"{"success":true,"errors":[],"messages":[],"result":{"#,
        r#""id":"0f2ac74b498b48028cb68387c421e279","ti\u0074le":"na\u006de","#,
        r#""supports_url_encoding":true,"later":{"a":[1]}}}"#
    );
    let namespace = answer(body).unwrap().into_body();
    assert_eq!(
        namespace,
        Namespace {
            id: "0f2ac74b498b48028cb68387c421e279".to_owned(),
            title: "name".to_owned(),
            supports_url_encoding: Some(true),
        }
    );
    let untitled = r#"{"success":true,"result":{"id":"x"}}"#;
    assert_eq!(
        answer(untitled).unwrap_err().to_string(),
        concat!(
            "HTTP 200 OK: the result does not have the expected shape (missing field `title` ",
            "at line 1 column 35) (no content type, 36 bytes): ",
            r#"{"success":true,"result":{"id":"x"}}"#
        )
    );
}
