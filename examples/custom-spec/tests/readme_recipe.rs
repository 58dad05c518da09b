//! The build-script recipe in `codegen/README.md` is this crate's `build.rs`, word for word,
//! so that the recipe users copy is the one this crate builds and tests.

#[test]
fn the_readme_recipe_is_this_build_script() {
    let readme = include_str!("../../../codegen/README.md");
    let build = include_str!("../build.rs");
    let fence = "```rust,ignore\n";
    let start = readme
        .find(&format!("{fence}// build.rs"))
        .expect("codegen/README.md shows a build.rs");
    let block = readme.get(start + fence.len()..).unwrap_or_default();
    let end = block.find("```").expect("the block ends");
    assert_eq!(block.get(..end), Some(build));
}
