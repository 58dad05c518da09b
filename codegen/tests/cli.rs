//! The `kv-codegen` binary: its output line, its exit codes (0, 1 stale, 2 refused spec),
//! left-out operations (refused, each cause printed once with the operations it leaves out;
//! generated around with `--allow-partial`), the `@generated` header's command, and `check`
//! after `rustfmt`.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_kv-codegen");
/// Our spec, as [`scratch`] places it.
const SPEC: &str = "spec/cloudflare-kv.yaml";

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch directory holding a copy of our spec at `spec/cloudflare-kv.yaml`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/cloudflare-kv.yaml");
    std::fs::copy(spec, dir.path().join("spec/cloudflare-kv.yaml")).unwrap();
    dir
}

#[test]
fn generate_writes_once_and_check_agrees() {
    let dir = scratch();
    let first = run(&["generate", SPEC], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let line = text(&first.stdout);
    assert!(
        line.starts_with(
            "wrote generated/cloudflare_kv.rs: 13 operation(s) generated, 0 left out, 39 type(s), "
        ),
        "{line}"
    );
    assert!(
        line.trim_end().ends_with(" ms") && line.lines().count() == 1,
        "{line}"
    );

    let again = run(&["generate", SPEC], dir.path());
    assert!(text(&again.stdout).starts_with("unchanged generated/cloudflare_kv.rs"));

    let check = run(&["check", SPEC], dir.path());
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(
        text(&check.stdout),
        "generated/cloudflare_kv.rs is up to date with spec/cloudflare-kv.yaml\n"
    );

    let generated = std::fs::read_to_string(dir.path().join("generated/cloudflare_kv.rs")).unwrap();
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/cloudflare_kv.rs"
    ))
    .unwrap();
    assert!(
        generated == expected,
        "the CLI and the checked-in module disagree"
    );
}

#[test]
fn check_names_a_stale_file_and_exits_1() {
    let dir = scratch();
    assert_eq!(
        run(&["generate", SPEC, "-o", "out"], dir.path())
            .status
            .code(),
        Some(0)
    );
    let target = dir.path().join("out/cloudflare_kv.rs");
    let mut lines: Vec<String> = std::fs::read_to_string(&target)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines[4] = "// edited by hand".to_owned();
    std::fs::write(&target, lines.join("\n") + "\n").unwrap();
    let check = run(
        &["check", "spec/cloudflare-kv.yaml", "-o", "out"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        text(&check.stderr),
        "out/cloudflare_kv.rs is stale: it differs from a fresh generation of spec/cloudflare-kv.yaml at line 5; run `kv-codegen generate spec/cloudflare-kv.yaml -o out`\n"
    );
    let missing = run(
        &["check", "spec/cloudflare-kv.yaml", "-o", "nowhere"],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(1));
}

/// Two operations: `get-a` is fine, `put-a` answers a schema that does not exist.
const PARTIAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n    get:\n      operationId: get-a\n      responses:\n        '204': {description: ok}\n    put:\n      operationId: put-a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/nope'}\n";

const PARTIAL_DIAGNOSTICS: &str = "\
error: reference `#/components/schemas/nope` points to nothing: no such entry in `components/schemas`\n  --> #/paths/~1a~1{id}/put/responses/200/content/application~1json/schema\n\
\x20 = left out because of it:\n    operation `put-a` at #/paths/~1a~1{id}/put\n\
1 error(s), 0 warning(s); 1 operation(s) left out\n";

#[test]
fn an_operation_that_cannot_be_generated_fails_the_command_and_writes_nothing() {
    let dir = scratch();
    std::fs::write(dir.path().join("spec/partial.yaml"), PARTIAL).unwrap();
    for command in ["generate", "check"] {
        let out = run(&[command, "spec/partial.yaml"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert_eq!(out.stdout, b"");
        assert_eq!(
            text(&out.stderr),
            format!("spec/partial.yaml:\n{PARTIAL_DIAGNOSTICS}")
        );
    }
    assert!(!dir.path().join("generated/partial.rs").exists());
    // `--strict`, the default now, is still accepted.
    let strict = run(&["generate", "--strict", "spec/partial.yaml"], dir.path());
    assert_eq!(strict.status.code(), Some(2));
    let both = run(
        &[
            "generate",
            "--strict",
            "--allow-partial",
            "spec/partial.yaml",
        ],
        dir.path(),
    );
    assert_eq!(both.status.code(), Some(2), "the two contradict each other");
}

#[test]
fn allow_partial_generates_the_rest_and_lists_what_it_left_out() {
    let dir = scratch();
    std::fs::write(dir.path().join("spec/partial.yaml"), PARTIAL).unwrap();
    let args = ["generate", "--allow-partial", "spec/partial.yaml"];
    let out = run(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(
        line.starts_with("wrote generated/partial.rs: 1 operation(s) generated, 1 left out, "),
        "{line}"
    );
    assert_eq!(
        text(&out.stderr),
        format!("spec/partial.yaml:\n{PARTIAL_DIAGNOSTICS}")
    );
    let code = std::fs::read_to_string(dir.path().join("generated/partial.rs")).unwrap();
    assert!(code.contains("operation: \"get-a\""), "get-a is generated");
    assert!(!code.contains("put-a"), "put-a is left out");
    assert!(
        code.starts_with("// @generated by kv-codegen from spec/partial.yaml. Do not edit by hand.\n// Regenerate with `kv-codegen generate spec/partial.yaml --allow-partial`.\n// spec-hash: fnv1a64:"),
        "{code}"
    );
    let check = run(
        &["check", "--allow-partial", "spec/partial.yaml"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

/// A typo in a schema several operations use: one error at the typo, the operations under it.
#[test]
fn a_spec_error_is_reported_once_at_its_cause() {
    let dir = scratch();
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for op in ["a", "b", "c"] {
        spec.push_str(&format!(
            "  /{op}:\n    get:\n      operationId: get-{op}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Task'}}\n"
        ));
    }
    spec.push_str("components:\n  schemas:\n    Task:\n      type: object\n      properties:\n        owner: {$ref: '#/components/schemas/Usr'}\n    User: {type: string}\n");
    std::fs::write(dir.path().join("spec/typo.yaml"), spec).unwrap();
    let out = run(&["generate", "spec/typo.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "spec/typo.yaml:\n\
         error: reference `#/components/schemas/Usr` points to nothing: no such entry in `components/schemas`; did you mean `User`?\n  --> #/components/schemas/Task/properties/owner\n\
         \x20 = left out because of it:\n\
         \x20   operation `get-a` at #/paths/~1a/get\n\
         \x20   operation `get-b` at #/paths/~1b/get\n\
         \x20   operation `get-c` at #/paths/~1c/get\n\
         1 error(s), 0 warning(s); 3 operation(s) left out\n"
    );
}

/// `cargo fmt` on a checked-in module (rustfmt lays out some items otherwise than the
/// generator's printer): `check` still passes and `generate` leaves the file as it is.
#[test]
fn a_module_rustfmt_reformatted_is_still_fresh() {
    let dir = scratch();
    let args = ["generate", SPEC, "-o", "out"];
    assert_eq!(run(&args, dir.path()).status.code(), Some(0));
    let module = dir.path().join("out/cloudflare_kv.rs");
    let generated = std::fs::read_to_string(&module).unwrap();
    let rustfmt = Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(&module)
        .status()
        .unwrap();
    assert!(rustfmt.success());
    let formatted = std::fs::read_to_string(&module).unwrap();
    assert_ne!(formatted, generated, "rustfmt changed nothing: a weak test");
    let check = run(&["check", SPEC, "-o", "out"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let again = run(&args, dir.path());
    assert!(
        text(&again.stdout).starts_with("unchanged out/cloudflare_kv.rs"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(std::fs::read_to_string(&module).unwrap(), formatted);
    // A real change is still one.
    std::fs::write(&module, formatted.replacen("pub struct", "struct", 1)).unwrap();
    let stale = run(&["check", SPEC, "-o", "out"], dir.path());
    assert_eq!(stale.status.code(), Some(1));
}

#[test]
fn a_document_level_problem_refuses_the_whole_spec_with_exit_2() {
    let dir = scratch();
    let v4 = "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    std::fs::write(dir.path().join("spec/v4.yaml"), v4).unwrap();
    let out = run(&["generate", "spec/v4.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        text(&out.stderr),
        "spec/v4.yaml:\n\
         error: OpenAPI version 4.0.0 is not supported: kv-codegen reads OpenAPI 3.0.x and 3.1.x documents\n  --> #/openapi\n\
         1 error(s), 0 warning(s)\n"
    );
    std::fs::write(
        dir.path().join("spec/broken.yaml"),
        "openapi: 3.0.3\npaths: [\n",
    )
    .unwrap();
    let broken = run(&["generate", "spec/broken.yaml"], dir.path());
    assert_eq!(broken.status.code(), Some(2));
    assert!(text(&broken.stderr).contains("error: not valid YAML or JSON: "));
    assert!(!dir.path().join("generated/v31.rs").exists());
    let unreadable = run(&["check", "spec/absent.yaml"], dir.path());
    assert_eq!(unreadable.status.code(), Some(2));
    assert!(text(&unreadable.stderr).contains("cannot read spec/absent.yaml"));
}

#[test]
fn client_default_option_equals_the_extension() {
    let dir = scratch();
    let spec = std::fs::read_to_string(dir.path().join("spec/cloudflare-kv.yaml")).unwrap();
    let plain = spec.replace("      x-kv-client-default: true\n", "");
    assert_ne!(plain, spec);
    std::fs::write(dir.path().join("spec/cloudflare-kv.yaml"), plain).unwrap();
    let without = run(&["generate", SPEC, "-o", "without"], dir.path());
    assert_eq!(without.status.code(), Some(0));
    let with = run(
        &[
            "generate",
            SPEC,
            "-o",
            "with",
            "--client-default",
            "account_id",
        ],
        dir.path(),
    );
    assert_eq!(with.status.code(), Some(0));
    // The header's spec hash is of the edited text, and its command differs; the module
    // itself may not.
    let unhashed = |code: String| {
        let hash_line = kv_codegen::SPEC_HASH_PREFIX;
        let header = |l: &str| l.starts_with(hash_line) || l.starts_with("// Regenerate with");
        let lines = code.lines().filter(|l| !header(l));
        lines.collect::<Vec<_>>().join("\n")
    };
    let read = |d: &str| {
        unhashed(std::fs::read_to_string(dir.path().join(d).join("cloudflare_kv.rs")).unwrap())
    };
    let expected = unhashed(
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../generated/cloudflare_kv.rs"
        ))
        .unwrap(),
    );
    assert!(
        read("with") == expected,
        "--client-default should reproduce the extension's output"
    );
    assert!(read("without").contains("        account_id: impl AsRef<str>,\n"));
}

/// `--crates`: a workspace of crates is written, `check` compares every file, and a name
/// cargo would refuse is refused with the rule it breaks.
#[test]
fn crates_layout_is_written_and_checked_file_by_file() {
    let dir = scratch();
    let args = [
        "generate",
        SPEC,
        "--crates",
        "kv-sdk",
        "--crate-version",
        "2.0.1",
        "-o",
        "sdk",
    ];
    let first = run(&args, dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let line = text(&first.stdout);
    assert!(
        line.starts_with(
            "wrote sdk (10 file(s), 10 changed): 13 operation(s) generated, 0 left out, 39 type(s), "
        ),
        "{line}"
    );
    let again = run(&args, dir.path());
    assert!(
        text(&again.stdout).starts_with("unchanged sdk (10 file(s), 0 changed): "),
        "{}",
        text(&again.stdout)
    );
    let read = |path: &str| std::fs::read_to_string(dir.path().join("sdk").join(path)).unwrap();
    let workspace = read("Cargo.toml");
    assert!(
        workspace.ends_with(
            "[workspace]\nresolver = \"2\"\nmembers = [\n    \"kv-sdk\",\n    \"kv-sdk-types\",\n    \"kv-sdk-kv\",\n]\n"
        ),
        "{workspace}"
    );
    let facade = read("kv-sdk/Cargo.toml");
    // By default the runtime beside the generator's sources, which resolves offline.
    let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("runtime");
    let runtime_line = format!(
        "kv-runtime = {{ path = \"{}\", version = \"0.1\" }}\n",
        runtime.display()
    );
    for line in [
        "name = \"kv-sdk\"\n",
        "version = \"2.0.1\"\n",
        runtime_line.as_str(),
        "kv-sdk-kv = { path = \"../kv-sdk-kv\", version = \"=2.0.1\", optional = true }\n",
        "default = [\"full\"]\nfull = [\"kv\"]\nkv = [\"dep:kv-sdk-kv\"]\n",
    ] {
        assert!(facade.contains(line), "{line:?} not in\n{facade}");
    }
    assert!(!facade.contains("publish"), "{facade}");

    let mut check = args;
    check[0] = "check";
    let fresh = run(&check, dir.path());
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
    assert_eq!(
        text(&fresh.stdout),
        "sdk is up to date with spec/cloudflare-kv.yaml\n"
    );
    let edited = dir.path().join("sdk/kv-sdk-kv/src/generated.rs");
    let code = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, code.replacen("pub struct", "struct", 1)).unwrap();
    let stale = run(&check, dir.path());
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stderr).starts_with("sdk/kv-sdk-kv/src/generated.rs is stale: it differs from a fresh generation of spec/cloudflare-kv.yaml at line "),
        "{}",
        text(&stale.stderr)
    );

    let refused = run(
        &["generate", SPEC, "--crates", "1sdk", "-o", "bad"],
        dir.path(),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        text(&refused.stderr),
        "spec/cloudflare-kv.yaml:\nerror: crates layout: the crate name `1sdk` must start with an ASCII letter\n  --> #\n1 error(s), 0 warning(s)\n"
    );
    assert!(!dir.path().join("bad").exists());
    // The layout's options mean nothing without it.
    let orphan = run(&["generate", SPEC, "--no-workspace"], dir.path());
    assert_eq!(orphan.status.code(), Some(2));
}

/// `--runtime-dependency-version` chooses a registry release instead of the default path, is
/// recorded in the header's command, and cannot be combined with a path.
#[test]
fn crates_layout_can_depend_on_a_registry_runtime() {
    let dir = scratch();
    let args = [
        "generate",
        SPEC,
        "--crates",
        "kv-sdk",
        "--runtime-dependency-version",
        "0.1.3",
        "-o",
        "sdk",
    ];
    let out = run(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let facade = std::fs::read_to_string(dir.path().join("sdk/kv-sdk/Cargo.toml")).unwrap();
    assert!(facade.contains("\nkv-runtime = \"0.1.3\"\n"), "{facade}");
    assert!(
        facade.contains("--runtime-dependency-version 0.1.3"),
        "{facade}"
    );
    let mut check = args;
    check[0] = "check";
    assert_eq!(run(&check, dir.path()).status.code(), Some(0));
    let both = run(
        &[
            "generate",
            SPEC,
            "--crates",
            "kv-sdk",
            "--runtime-dependency-version",
            "0.1",
            "--runtime-dependency-path",
            "../runtime",
        ],
        dir.path(),
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(
        text(&both.stderr).contains("cannot be used with"),
        "{}",
        text(&both.stderr)
    );
}

/// A module of 500 operations or more gets a note pointing to `--crates`; crates do not.
#[test]
fn a_large_module_suggests_the_crates_layout() {
    let dir = scratch();
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..500 {
        spec.push_str(&format!(
            "  /g{}/r{i}:\n    get:\n      operationId: get-{i}\n      responses:\n        '204': {{description: ok}}\n",
            i % 10
        ));
    }
    std::fs::write(dir.path().join("spec/large.yaml"), spec).unwrap();
    let module = run(&["generate", "spec/large.yaml"], dir.path());
    assert_eq!(module.status.code(), Some(0), "{}", text(&module.stderr));
    assert_eq!(
        text(&module.stderr),
        "note: 500 operations in one module: rustc holds a crate whole, so compiling it takes gigabytes of memory; `--crates NAME` writes a crate per group instead, which cargo compiles side by side\n"
    );
    let crates = run(
        &[
            "generate",
            "spec/large.yaml",
            "--crates",
            "large",
            "-o",
            "sdk",
        ],
        dir.path(),
    );
    assert_eq!(crates.status.code(), Some(0), "{}", text(&crates.stderr));
    assert_eq!(text(&crates.stderr), "");
    assert!(
        text(&crates.stdout).starts_with("wrote sdk (37 file(s), 37 changed): 500 operation(s)"),
        "{}",
        text(&crates.stdout)
    );
}

/// A group gone from the spec: `check` names its crate, `generate` removes kv-codegen's files
/// from it, and nothing kv-codegen did not write is touched.
#[test]
fn a_crate_no_longer_generated_is_reported_then_removed() {
    let dir = scratch();
    let spec = |groups: &[&str]| {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
        for g in groups {
            text.push_str(&format!(
                "  /{g}:\n    get:\n      operationId: get-{g}\n      responses:\n        '204': {{description: ok}}\n"
            ));
        }
        std::fs::write(dir.path().join("spec/pets.yaml"), text).unwrap();
    };
    let args = [
        "generate",
        "spec/pets.yaml",
        "--crates",
        "pets",
        "-o",
        "sdk",
    ];
    spec(&["cats", "dogs"]);
    assert_eq!(run(&args, dir.path()).status.code(), Some(0));
    let sdk = dir.path().join("sdk");
    std::fs::write(sdk.join("pets-dogs/NOTES.md"), "mine").unwrap();
    std::fs::create_dir_all(sdk.join("pets-mine/src")).unwrap();
    std::fs::write(
        sdk.join("pets-mine/Cargo.toml"),
        "[package]\nname = \"pets-mine\"\n",
    )
    .unwrap();

    spec(&["cats"]);
    let mut check = args;
    check[0] = "check";
    let stale = run(&check, dir.path());
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(
        text(&stale.stderr),
        "sdk/pets-dogs is stale: a crate spec/pets.yaml no longer generates; run `kv-codegen generate spec/pets.yaml -o sdk --crates pets`\n"
    );
    let again = run(&args, dir.path());
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout)
            .starts_with("removed sdk/pets-dogs, a crate no longer generated\nwrote sdk "),
        "{}",
        text(&again.stdout)
    );
    // Only what kv-codegen wrote went: the user's file (and so the directory) stays.
    assert!(!sdk.join("pets-dogs/Cargo.toml").exists());
    assert!(!sdk.join("pets-dogs/src").exists());
    assert!(sdk.join("pets-dogs/NOTES.md").exists());
    assert!(sdk.join("pets-mine/Cargo.toml").exists());
    assert!(sdk.join("pets-cats/src/generated.rs").exists());
    let fresh = run(&check, dir.path());
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
}

/// Groups named like cargo's own features: `default` becomes `default_group`, and the feature
/// of every group is then `all-groups`, as `full` is taken.
#[test]
fn groups_named_default_and_full_get_features_cargo_takes() {
    let dir = scratch();
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for g in ["default", "full"] {
        spec.push_str(&format!(
            "  /{g}:\n    get:\n      operationId: get-{g}\n      responses:\n        '204': {{description: ok}}\n"
        ));
    }
    std::fs::write(dir.path().join("spec/names.yaml"), spec).unwrap();
    let crates = run(
        &["generate", "spec/names.yaml", "--crates", "x", "-o", "sdk"],
        dir.path(),
    );
    assert_eq!(crates.status.code(), Some(0), "{}", text(&crates.stderr));
    let manifest = std::fs::read_to_string(dir.path().join("sdk/x/Cargo.toml")).unwrap();
    assert!(
        manifest.ends_with(
            "[features]\ndefault = [\"all-groups\"]\nall-groups = [\"default_group\", \"full\"]\ndefault_group = [\"dep:x-default-group\"]\nfull = [\"dep:x-full\"]\n\n[dev-dependencies]\nfutures-util = \"0.3\"\ntokio = { version = \"1\", features = [\"fs\"] }\n"
        ),
        "{manifest}"
    );
    let lib = std::fs::read_to_string(dir.path().join("sdk/x/src/generated.rs")).unwrap();
    assert!(
        lib.contains("#[cfg(feature = \"default_group\")]\npub use x_default_group as default;\n"),
        "{lib}"
    );
    let module = run(
        &[
            "generate",
            "spec/names.yaml",
            "--group-features",
            "-o",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(module.status.code(), Some(0), "{}", text(&module.stderr));
    let code = std::fs::read_to_string(dir.path().join("out/names.rs")).unwrap();
    assert!(
        code.contains("#[cfg(feature = \"default_group\")]\npub mod default {"),
        "{code}"
    );
}

/// Without SPEC the one document in `./spec/` is read (an overlay beside it is not one);
/// none, or several, is an error that says so.
#[test]
fn without_spec_the_one_document_in_spec_is_read() {
    let dir = scratch();
    std::fs::write(dir.path().join("spec/our.overlay.yaml"), "overlay: 1.0.0\n").unwrap();
    let out = run(&["generate", "-o", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("out/cloudflare_kv.rs").exists());
    let check = run(&["check", "-o", "out"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    std::fs::write(dir.path().join("spec/other.json"), "{}").unwrap();
    let several = run(&["check", "-o", "out"], dir.path());
    assert_eq!(several.status.code(), Some(2));
    assert_eq!(
        text(&several.stderr),
        "error: no SPEC given, and spec holds several documents: name one\n"
    );
    let empty = tempfile::tempdir().unwrap();
    let none = run(&["check"], empty.path());
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).starts_with("error: no SPEC given, and spec cannot be read: "));
}

/// Identical schemas are one type by default; `--keep-identical-types` gives each its own,
/// and says so in the regenerate command of the header.
#[test]
fn keep_identical_types_gives_every_schema_a_type_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/identical_schemas.yaml"
    );
    std::fs::copy(spec, dir.path().join("identical_schemas.yaml")).unwrap();
    let read = |out: &str| {
        std::fs::read_to_string(dir.path().join(out).join("identical_schemas.rs")).unwrap()
    };

    let merged = run(
        &["generate", "identical_schemas.yaml", "-o", "merged"],
        dir.path(),
    );
    assert_eq!(merged.status.code(), Some(0), "{}", text(&merged.stderr));
    let merged = read("merged");
    assert!(merged.contains("    pub type Kitten = Cat;\n"), "{merged}");
    assert!(
        merged.contains("    pub type DogColor = CatColor;\n"),
        "{merged}"
    );

    let apart = run(
        &[
            "generate",
            "identical_schemas.yaml",
            "-o",
            "apart",
            "--keep-identical-types",
        ],
        dir.path(),
    );
    assert_eq!(apart.status.code(), Some(0), "{}", text(&apart.stderr));
    let apart = read("apart");
    assert!(apart.contains("    pub struct Kitten {\n"), "{apart}");
    assert!(apart.contains("    pub enum DogColor {\n"), "{apart}");
    assert!(!apart.contains("its schema is identical"), "{apart}");
    assert!(apart.contains("--keep-identical-types"), "{apart}");
}
