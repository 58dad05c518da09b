//! Every fixture golden compiles, warning-free, against the real runtime.
//!
//! Generated code reaches the runtime through `crate::runtime`; here that path is a
//! re-export of the SDK's runtime, so each golden is checked exactly as written.
#![deny(warnings)]
// The goldens are libraries whose items this test does not call.
#![allow(dead_code)]

mod runtime {
    pub use cloudflare_kv::runtime::*;
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", stringify!($name), ".rs"));
            }
        )*
        /// The fixtures listed here are all the fixtures there are.
        #[test]
        fn every_fixture_is_compiled() {
            let listed: Vec<&str> = vec![$(stringify!($name)),*];
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
            let mut found: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, listed);
        }
    };
}

fixtures!(
    all_of,
    collisions,
    constraints,
    docs,
    enums,
    media_types,
    nullable,
    objects,
    params,
    primitives,
    refs,
    responses,
    security,
    unions,
    warnings,
);

#[test]
fn constrained_newtypes_validate_on_every_constructor() {
    use constraints::ShortText;
    use std::str::FromStr;
    assert_eq!(ShortText::try_from("ok").unwrap().as_str(), "ok");
    let err = ShortText::try_from("x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "short_text: must be at least 2 characters, got 1 character"
    );
    assert!(ShortText::from_str("abcdefghijk").is_err());
    let from_json: Result<ShortText, _> = serde_json::from_str("\"y\"");
    assert_eq!(
        from_json.unwrap_err().to_string(),
        "short_text: must be at least 2 characters, got 1 character"
    );
    assert_eq!(ShortText::new_unchecked("y").as_str(), "y");
}

#[test]
fn string_enums_keep_unknown_values() {
    use enums::Direction;
    assert_eq!(
        serde_json::from_str::<Direction>("\"asc\"").unwrap(),
        Direction::Asc
    );
    let other: Direction = serde_json::from_str("\"sideways\"").unwrap();
    assert_eq!(other, Direction::Other("sideways".to_owned()));
    assert_eq!(serde_json::to_string(&other).unwrap(), "\"sideways\"");
}

#[test]
fn structs_read_leniently_and_check_on_demand() {
    let item: constraints::Item =
        serde_json::from_str(r#"{"name":"n","score":7,"extra":true}"#).unwrap();
    assert_eq!(
        item.check().unwrap_err().to_string(),
        "name: must be at least 2 characters, got 1 character"
    );
}
