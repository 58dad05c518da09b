//! No module imports in a cycle, in this crate (`runtime/src`) or in the mock (`mock/src`):
//! each file's `crate::…` paths (in `use` declarations and inline) are read as edges between
//! top-level modules, and the graph must have a topological order. A cycle fails the test
//! and names its modules.
//!
//! Reading is textual and deliberately simple: comments are skipped, a file's test module
//! (`#[cfg(test)]` followed by `mod`, at the end of a file by this project's convention) is
//! not read, and a name the crate root re-exports (`crate::Error`) counts as the module it
//! comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The top-level module each `.rs` file under `src` belongs to (`de/lenient.rs` → `de`),
/// leaving out the crate root and binaries.
fn files(src: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("dir entry").path();
            let relative = path.strip_prefix(src).expect("under src").to_path_buf();
            let top = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .to_owned();
            if path.is_dir() {
                if top != "bin" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") && top != "lib" && top != "main" {
                out.push((top, path));
            }
        }
    }
    out.sort();
    out
}

/// A file's code lines: comments dropped, and nothing from its test module on.
fn code_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .get(i + 1)
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push(line.split("//").next().unwrap_or_default());
    }
    out
}

/// The identifiers that follow `crate::` on a line, and those inside a `use crate::{…}`
/// group (`use crate::{bulk, keys}`).
fn crate_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            out.extend(inner.split(',').map(|s| ident(s.trim())));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty() && s != "self");
    out
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// What the crate root re-exports: `Name` → the module it comes from (`pub use error::{Error,
/// ErrorKind};` → `Error` → `error`).
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let joined = code_lines(lib).join("\n");
    for statement in joined.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = ident(path);
        let names = path.split_once('{').map_or_else(
            || vec![path.rsplit("::").next().unwrap_or_default().to_owned()],
            |(_, group)| {
                group
                    .trim_end_matches('}')
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .collect()
            },
        );
        for name in names {
            out.insert(
                ident(name.rsplit(' ').next().unwrap_or_default()),
                module.clone(),
            );
        }
    }
    out
}

/// The crate's module graph (edges to itself left out).
fn graph(src: &Path) -> Graph {
    let lib = fs::read_to_string(src.join("lib.rs")).expect("read lib.rs");
    let exports = root_exports(&lib);
    let files = files(src);
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = Graph::new();
    for (module, path) in &files {
        let text = fs::read_to_string(path).expect("read module");
        let edges = graph.entry(module.clone()).or_default();
        for line in code_lines(&text) {
            for name in crate_paths(line) {
                let target = exports.get(&name).cloned().unwrap_or(name);
                if modules.contains(&target) && &target != module {
                    edges.insert(target);
                }
            }
        }
    }
    graph
}

/// A cycle of the graph, if it has one (depth-first search, iterative).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in graph.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        let mut path: Vec<(&str, Vec<&str>)> = Vec::new();
        let next = |m: &str| -> Vec<&str> {
            graph
                .get(m)
                .map(|e| e.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        marks.insert(start, Mark::Open);
        path.push((start, next(start)));
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                None => {
                    marks.insert(node, Mark::Done);
                    path.pop();
                }
                Some(to) => match marks.get(to) {
                    Some(Mark::Open) => {
                        let at = path.iter().position(|(m, _)| *m == to).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[at..].iter().map(|(m, _)| m.to_string()).collect();
                        cycle.push(to.to_owned());
                        return Some(cycle);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(to, Mark::Open);
                        path.push((to, next(to)));
                    }
                },
            }
        }
    }
    None
}

fn assert_layered(crate_dir: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(crate_dir)
        .join("src");
    let graph = graph(&src);
    assert!(
        graph.len() > 5,
        "found too few modules in {}",
        src.display()
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "{}: modules import in a cycle: {}",
            src.display(),
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_runtime_has_no_module_cycle() {
    assert_layered(".");
}

#[test]
fn the_mock_has_no_module_cycle() {
    assert_layered("../mock");
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut graph = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into()).or_default().insert(b.into());
        g.entry(b.into()).or_default();
    };
    edge(&mut graph, "error", "message");
    edge(&mut graph, "envelope", "error");
    assert_eq!(find_cycle(&graph), None);
    edge(&mut graph, "error", "envelope");
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&"envelope".to_owned()) && cycle.contains(&"error".to_owned()));
}

#[test]
fn imports_are_read_from_paths_groups_and_root_names() {
    assert_eq!(
        crate_paths("use crate::{bulk, keys, self}; let x = crate::sync::lock(&y);"),
        ["bulk", "keys", "sync"]
    );
    let exports = root_exports("pub use error::{Error, ErrorKind};\npub use transport::Core;");
    assert_eq!(exports.get("ErrorKind").map(String::as_str), Some("error"));
    assert_eq!(exports.get("Core").map(String::as_str), Some("transport"));
}
