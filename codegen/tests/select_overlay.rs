//! Selection (`include`/`exclude`) and overlays on a small spec of our own
//! (`tests/overlay/shop.yaml`): exact output (goldens), exact diagnostics, the CLI's summary
//! line, and the KV part of Cloudflare's whole document.
//!
//! `UPDATE_EXPECT=1 cargo test -p kv-codegen --test select_overlay` rewrites the goldens.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use expect_test::expect_file;
use kv_codegen::{generate_file, Config, Diagnostic, Output, Selected};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Tests run in the package's directory: paths as a user would give them.
const SHOP: &str = "tests/overlay/shop.yaml";
const RENAME: &str = "tests/overlay/rename.overlay.yaml";
const BROKEN: &str = "tests/overlay/broken.overlay.yaml";

fn config(include: &[&str], exclude: &[&str], overlays: &[&str]) -> Config {
    Config {
        source_name: SHOP.to_owned(),
        include: include.iter().map(|s| s.to_string()).collect(),
        exclude: exclude.iter().map(|s| s.to_string()).collect(),
        overlays: overlays.iter().map(PathBuf::from).collect(),
        ..Config::default()
    }
}

fn shop(config: &Config) -> Output {
    match generate_file(Path::new(SHOP), config) {
        Ok(output) => output,
        Err(diags) => panic!("{}", lines(&diags).join("\n")),
    }
}

fn refused(config: &Config) -> Vec<String> {
    match generate_file(Path::new(SHOP), config) {
        Ok(_) => panic!("generated"),
        Err(diags) => lines(&diags),
    }
}

fn lines(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.to_string()).collect()
}

#[test]
fn without_selection_everything_is_generated_and_nothing_counted() {
    let output = shop(&config(&[], &[], &[]));
    assert_eq!(output.selected, None);
    assert_eq!(output.operations, 6);
    assert!(output.code.contains("pub struct Unused"));
}

#[test]
fn include_by_tag_generates_its_operations_and_the_schemas_they_reach() {
    let output = shop(&config(&["tag:items"], &[], &[]));
    let selected = Selected {
        operations: 4,
        total: 6,
    };
    assert_eq!(output.selected, Some(selected));
    assert_eq!(output.operations, 4);
    assert_eq!(lines(&output.diagnostics), Vec::<String>::new());
    expect_file!["overlay/shop.items.rs"].assert_eq(&output.code);
}

#[test]
fn exclude_wins_over_include_and_globs_keep_braces_literal() {
    let include = ["path:/stores/{store_id}/items", "path:/stores/*/items/**"];
    let output = shop(&config(
        &include,
        &["operation:deleteItem", "tag:orders"],
        &[],
    ));
    let selected = Selected {
        operations: 3,
        total: 6,
    };
    assert_eq!(output.selected, Some(selected));
    assert!(!output.code.contains("delete_item"));
    assert!(output.code.contains("fn get_item") || output.code.contains("fn get("));
    // `tag:orders` excludes nothing the includes selected, but it does match an operation.
    assert_eq!(lines(&output.diagnostics), Vec::<String>::new());
}

#[test]
fn a_selector_that_matches_nothing_is_a_warning_naming_it() {
    let output = shop(&config(
        &["tag:nope", "path:/stores/{id}/**"],
        &["operation:gone"],
        &[],
    ));
    assert_eq!(output.operations, 0);
    assert_eq!(
        lines(&output.diagnostics),
        [
            "warning: selector `tag:nope` matches no operation\n  --> include[0]",
            "warning: selector `path:/stores/{id}/**` matches no operation\n  --> include[1]",
            "warning: selector `operation:gone` matches no operation\n  --> exclude[0]",
            "warning: no operation selected out of 6: the client has no methods\n  --> #/paths",
        ]
    );
}

#[test]
fn a_malformed_selector_refuses_the_generation_naming_it() {
    assert_eq!(
        refused(&config(&["tag:items", "verb:get"], &["operation:"], &[])),
        [
            "error: selector `verb:get` has an unknown kind `verb`: expected `tag:NAME`, `path:GLOB` or `operation:ID`\n  --> include[1]",
            "error: selector `operation:` is empty: expected `tag:NAME`, `path:GLOB` or `operation:ID`\n  --> exclude[0]",
        ]
    );
}

#[test]
fn overlays_apply_after_selection_and_before_pruning() {
    let output = shop(&config(&["tag:items"], &[], &[RENAME]));
    // Counted before the overlay, which removes deleteItem and adds getStoreAudit.
    let selected = Selected {
        operations: 4,
        total: 6,
    };
    assert_eq!(output.selected, Some(selected));
    assert_eq!(output.operations, 4);
    assert_eq!(output.sources, [PathBuf::from(SHOP), PathBuf::from(RENAME)]);
    assert_eq!(
        lines(&output.diagnostics),
        [
            "warning: target `$.paths.*[?@.operationId == 'noSuchOperation']` matches nothing; the action changes nothing\n  --> tests/overlay/rename.overlay.yaml#/actions/5",
            "warning: `discriminator` is not used: union variants are tried in order\n  --> #/components/schemas/Delivery/discriminator",
        ]
    );
    // AuditLog (from the overlay's operation) and Delivery (copied into it) survive pruning;
    // Order, which only the unselected listOrders reaches, does not.
    for kept in [
        "pub struct AuditLog",
        "pub enum Delivery",
        "pub struct Courier",
    ] {
        assert!(output.code.contains(kept), "{kept}");
    }
    for pruned in ["pub struct Order ", "pub struct Unused"] {
        assert!(!output.code.contains(pruned), "{pruned}");
    }
    expect_file!["overlay/shop.items.overlay.rs"].assert_eq(&output.code);
}

#[test]
fn a_malformed_overlay_is_an_error_pointing_into_it() {
    let diags = refused(&config(&[], &[], &[RENAME, BROKEN]));
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert_eq!(
        diags[0],
        "warning: target `$.paths.*[?@.operationId == 'noSuchOperation']` matches nothing; the action changes nothing\n  --> tests/overlay/rename.overlay.yaml#/actions/5"
    );
    assert!(
        diags[1].starts_with("error: `$.paths[?@.get` is not a JSONPath query (RFC 9535): "),
        "{}",
        diags[1]
    );
    assert!(
        diags[1].ends_with("\n  --> tests/overlay/broken.overlay.yaml#/actions/1/target"),
        "{}",
        diags[1]
    );
}

#[test]
fn an_overlay_that_cannot_be_read_is_an_error_naming_it() {
    let diags = refused(&config(&[], &[], &["tests/overlay/missing.yaml"]));
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].starts_with("error: cannot read the overlay tests/overlay/missing.yaml: "),
        "{}",
        diags[0]
    );
    assert!(diags[0].ends_with("\n  --> tests/overlay/missing.yaml#"));
}

/// Cloudflare's whole API (1,533 operations); its KV part is 13 operations (it predates bulk
/// get). Skipped when the document is not beside the checkout.
#[test]
fn cloudflare_whole_document_selects_exactly_the_kv_operations() {
    let spec = Path::new("../../shared/cloudflare/cloudflare-openapi.json");
    if !spec.exists() {
        eprintln!("note: {} is absent; test skipped", spec.display());
        return;
    }
    let config = Config {
        include: vec!["path:/accounts/{account_id}/storage/kv/**".to_owned()],
        pretty: false,
        ..Config::default()
    };
    let output = generate_file(spec, &config).unwrap();
    let selected = Selected {
        operations: 13,
        total: 1533,
    };
    assert_eq!(output.selected, Some(selected));
    assert_eq!(output.operations, 13);
    assert!(output.left_out.is_empty(), "{:#?}", output.left_out);
}

// ---------------------------------------------------------------------------------------
// The command line.

const BIN: &str = env!("CARGO_BIN_EXE_kv-codegen");

/// Runs the CLI in a scratch directory holding copies of the fixtures under `tests/overlay`.
fn cli(args: &[&str]) -> (Option<i32>, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tests/overlay")).unwrap();
    for file in [SHOP, RENAME, BROKEN] {
        std::fs::copy(file, dir.path().join(file)).unwrap();
    }
    let output = Command::new(BIN)
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
        dir,
    )
}

#[test]
fn cli_summary_says_how_many_operations_were_selected() {
    let (status, stdout, stderr, dir) = cli(&[
        "generate",
        SHOP,
        "-o",
        "out",
        "--include",
        "tag:items",
        "--exclude",
        "operation:deleteItem",
        "--overlay",
        RENAME,
    ]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stdout.starts_with(
            "wrote out/shop.rs: 3 of 6 operations selected, 4 operation(s) generated, 0 left out, "
        ),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "tests/overlay/shop.yaml:\n\
         warning: target `$.paths['/stores/{store_id}/items/{item_id}'].delete` matches nothing; the action changes nothing\n  --> tests/overlay/rename.overlay.yaml#/actions/3\n\
         warning: target `$.paths.*[?@.operationId == 'noSuchOperation']` matches nothing; the action changes nothing\n  --> tests/overlay/rename.overlay.yaml#/actions/5\n\
         warning: `discriminator` is not used: union variants are tried in order\n  --> #/components/schemas/Delivery/discriminator\n\
         0 error(s), 3 warning(s)\n"
    );
    assert!(dir.path().join("out/shop.rs").exists());
}

#[test]
fn cli_without_selection_keeps_its_summary_line() {
    let (status, stdout, _, _dir) = cli(&["generate", SHOP, "-o", "out"]);
    assert_eq!(status, Some(0));
    assert!(
        stdout.starts_with("wrote out/shop.rs: 6 operation(s) generated, 0 left out, "),
        "{stdout}"
    );
}

#[test]
fn cli_refuses_a_malformed_selector_with_status_2() {
    let (status, stdout, stderr, _dir) = cli(&["generate", SHOP, "--include", "tags:items"]);
    assert_eq!(status, Some(2));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "tests/overlay/shop.yaml:\nerror: selector `tags:items` has an unknown kind `tags`: expected `tag:NAME`, `path:GLOB` or `operation:ID`\n  --> include[0]\n1 error(s), 0 warning(s)\n"
    );
}
