//! Golden tests of the generator: `generated/` is fresh, every fixture matches its expected
//! `.rs` (and warnings), broken specs produce the expected diagnostics, output is deterministic.
//!
//! `UPDATE_EXPECT=1 cargo test --test golden` rewrites every golden file.

use expect_test::expect_file;
use kv_codegen::{diagnostics, generate, generate_file, Config};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config(name: &str) -> Config {
    Config {
        source_name: name.to_owned(),
        ..Config::default()
    }
}

/// The `.yaml` files directly in `dir`, sorted.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn generated_module_is_fresh() {
    let spec = root().join("spec/cloudflare-kv.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let output = generate(&text, &config("spec/cloudflare-kv.yaml")).unwrap();
    assert!(
        output.warnings.is_empty(),
        "our own spec should not need warnings: {:?}",
        output.warnings
    );
    expect_file![root().join("generated/cloudflare_kv.rs")].assert_eq(&output.code);
}

#[test]
fn every_fixture_matches_its_golden() {
    let specs = specs_in(&root().join("tests/fixtures"));
    assert!(
        specs.len() >= 12,
        "expected one fixture per construct, found {}",
        specs.len()
    );
    for spec in specs {
        let name = relative(&spec);
        // From the file: a fixture may refer to files beside it (multi_file.yaml).
        let output = generate_file(&spec, &config(&name))
            .unwrap_or_else(|d| panic!("{name}:\n{}", diagnostics::render(&d)));
        expect_file![spec.with_extension("rs")].assert_eq(&output.code);
        let warnings = spec.with_extension("warnings.txt");
        if output.warnings.is_empty() {
            assert!(
                !warnings.exists(),
                "{name} has no warnings any more; delete {}",
                warnings.display()
            );
        } else {
            expect_file![warnings].assert_eq(&diagnostics::render(&output.warnings));
        }
    }
}

/// A 3.1 document and its 3.0 twin (the same API in 3.0's words) generate the same code.
#[test]
fn openapi_31_generates_what_its_30_twin_does() {
    let code = |path: &str| {
        let spec = root().join(path);
        let output = generate_file(&spec, &config("x")).unwrap();
        without_hash(output.code)
    };
    let v31 = code("tests/fixtures/openapi31.yaml");
    let v30 = code("tests/fixtures/twins/openapi31.yaml");
    assert!(
        v31 == v30,
        "the 3.1 fixture and its 3.0 twin differ from line {:?}",
        kv_codegen::first_difference(&v31, &v30)
    );
}

/// A split spec names every file it read, for a build script to rerun on.
#[test]
fn a_split_spec_lists_every_file_it_read() {
    let spec = root().join("tests/fixtures/multi_file.yaml");
    let output = generate_file(&spec, &config("x")).unwrap();
    let mut read: Vec<String> = output
        .sources
        .iter()
        .map(|p| {
            let p = std::fs::canonicalize(p).unwrap();
            let dir = std::fs::canonicalize(root().join("tests/fixtures")).unwrap();
            p.strip_prefix(dir).unwrap().to_string_lossy().into_owned()
        })
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            "multi_file.yaml",
            "multi_file/common.yaml",
            "multi_file/paths/pet.yaml",
            "multi_file/paths/pets.yaml",
            "multi_file/schemas/owner.yaml",
            "multi_file/schemas/pet.yaml",
            "multi_file/tag.yaml",
        ]
    );
}

/// Broken specs: a document-level problem refuses the whole text; anything else leaves out
/// the operations it touches, each reported, and `strict` refuses those too. The golden shows
/// which happened, then every diagnostic.
#[test]
fn broken_specs_report_every_problem_with_its_pointer() {
    let specs = specs_in(&root().join("tests/fixtures/errors"));
    assert_eq!(specs.len(), 7);
    for spec in specs {
        let text = std::fs::read_to_string(&spec).unwrap();
        let name = relative(&spec);
        let (outcome, diags) = match generate(&text, &config(&name)) {
            Ok(output) => {
                let outcome = format!(
                    "generated: {} operation(s), {} left out\n",
                    output.operations,
                    output.left_out.len()
                );
                (outcome, output.diagnostics)
            }
            Err(diags) => ("refused\n".to_owned(), diags),
        };
        assert!(
            diags
                .iter()
                .any(|d| d.severity == kv_codegen::Severity::Error),
            "{name} should have errors"
        );
        let rendered = format!("{outcome}{}", diagnostics::render(&diags));
        expect_file![spec.with_extension("txt")].assert_eq(&rendered);
        let strict = Config {
            strict: true,
            ..config(&name)
        };
        assert!(
            generate(&text, &strict).is_err(),
            "{name} should be refused under strict"
        );
    }
}

/// The crates layout of `tests/crates/pets.yaml`, as `tests/crates/pets/` holds it (those
/// crates are members of this workspace, so they are built, linted and doc-tested too).
fn pets_crates() -> Vec<kv_codegen::File> {
    let name = "tests/crates/pets.yaml";
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    let mut crates = kv_codegen::Crates::named("pets");
    crates.runtime = kv_codegen::RuntimeDependency::Path("../../../runtime".to_owned());
    crates.workspace = false;
    let config = Config {
        crates: Some(crates),
        ..config(name)
    };
    let output = generate(&text, &config).unwrap();
    assert!(output.code.is_empty() && output.warnings.is_empty());
    assert_eq!((output.operations, output.types), (4, 9));
    output.files
}

#[test]
fn crates_layout_matches_its_golden() {
    let files = pets_crates();
    assert!(
        pets_crates() == files,
        "the crates layout generated differently twice"
    );
    let dir = root().join("tests/crates/pets");
    for file in &files {
        expect_file![dir.join(&file.path)].assert_eq(&file.contents);
    }
    // And the directory holds nothing else.
    let mut found = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(
                    path.strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    found.sort();
    let mut written: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    written.sort();
    assert_eq!(found, written);
    assert_eq!(
        written,
        [
            "pets-cats/Cargo.toml",
            "pets-cats/src/generated.rs",
            "pets-cats/src/lib.rs",
            "pets-dogs/Cargo.toml",
            "pets-dogs/src/generated.rs",
            "pets-dogs/src/lib.rs",
            "pets-types/Cargo.toml",
            "pets-types/src/generated.rs",
            "pets-types/src/lib.rs",
            "pets/Cargo.toml",
            "pets/src/generated.rs",
            "pets/src/lib.rs",
        ]
    );
}

/// Each type is defined once, in the crate of the one group that uses it, or in the shared
/// crate; the facade defines none.
#[test]
fn crates_layout_puts_each_type_where_its_users_are() {
    let files = pets_crates();
    let defined = |path: &str| -> Vec<String> {
        let code = &files.iter().find(|f| f.path == path).unwrap().contents;
        let mut names: Vec<String> = code
            .lines()
            .filter_map(|line| {
                let line = line.trim_start();
                let rest = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "))
                    .or_else(|| line.strip_prefix("pub type "))?;
                Some(
                    rest.split(|c: char| !c.is_alphanumeric())
                        .next()?
                        .to_owned(),
                )
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        defined("pets-types/src/generated.rs"),
        ["Owner", "PetId", "Status", "Unused"]
    );
    assert_eq!(
        defined("pets-cats/src/generated.rs"),
        [
            "Ball",
            "Cat",
            "Cats",
            "GetCatParams",
            "ListCatToysKind",
            "ListCatToysParams",
            "Toy",
            "Toys"
        ]
    );
    assert_eq!(
        defined("pets-dogs/src/generated.rs"),
        ["CreateDogParams", "Dog", "Dogs"]
    );
    assert_eq!(defined("pets/src/generated.rs"), ["Client", "HealthParams"]);
}

#[test]
fn generation_is_deterministic() {
    let mut specs = vec![root().join("spec/cloudflare-kv.yaml")];
    specs.extend(specs_in(&root().join("tests/fixtures")));
    for spec in specs {
        let first = generate_file(&spec, &config("x")).unwrap().code;
        let second = generate_file(&spec, &config("x")).unwrap().code;
        assert!(
            first == second,
            "{} generated differently twice",
            spec.display()
        );
    }
}

#[test]
fn json_and_yaml_give_the_same_module() {
    let yaml = std::fs::read_to_string(root().join("spec/cloudflare-kv.yaml")).unwrap();
    // Through serde_yaml's ordered mapping, so that property order survives the conversion.
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    assert!(json.starts_with('{'));
    let from_yaml = without_hash(generate(&yaml, &config("x")).unwrap().code);
    let from_json = without_hash(generate(&json, &config("x")).unwrap().code);
    assert!(
        from_yaml == from_json,
        "JSON and YAML forms of the spec generate different modules"
    );
}

/// The module without its header's spec hash, which is of the text and so differs between
/// two forms of one API; the rest may not.
fn without_hash(code: String) -> String {
    let hash_line = kv_codegen::format::SPEC_HASH_PREFIX;
    code.lines()
        .filter(|line| !line.starts_with(hash_line))
        .collect::<Vec<_>>()
        .join("\n")
}
