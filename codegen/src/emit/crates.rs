//! The crates layout ([`crate::Crates`]): the API as a workspace of crates, so that cargo
//! compiles the groups side by side and no rustc holds the whole API.
//!
//! A type goes to the crate of the one group whose operations reach it, or to the shared
//! types crate when several groups (or none) do; the gates of [`Gates::compute`] say which,
//! and they are closed under references, so a group's types refer only to its own and to
//! shared ones, and shared types only to shared ones. Each group crate's `types` module
//! re-exports the shared crate, so its code and its types name every type as the module
//! layout does (`types::Foo`), and the facade's `types` module re-exports them all.

use super::gates::Gates;
use super::render::{print, run, types_parts, Part, Printed, Printer, Scope};
use super::{Emitter, Imports};
use crate::model::{Model, TypeId};
use crate::{Crates, File, RuntimeDependency};
use quote::quote;
use std::collections::BTreeMap;

/// The feature of the facade that turns on every group: the first name no group took (group
/// features are Rust identifiers, so none is ever `all-groups`).
const ALL_GROUPS: &[&str] = &["full", "all-groups"];

/// What the doc examples use besides the crates: pagers' examples poll with `TryStreamExt`,
/// and streamed reads write to a `tokio::fs::File`.
const DOC_DEPENDENCIES: &str =
    "futures-util = \"0.3\"\ntokio = { version = \"1\", features = [\"fs\"] }\n";

/// The longest package name crates.io takes.
const MAX_NAME: usize = 64;

/// Words a crate cannot be named (cargo refuses them as package names).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl", "in",
    "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A group and its crate.
struct Group {
    /// The index of its resource in the model.
    resource: usize,
    /// Its module in the facade (`r#type` when a keyword).
    module: String,
    /// Its feature: [`super::gates::feature_of`] its module.
    feature: String,
    /// Its package name: `<name>-<feature>`, with `-` for `_`.
    package: String,
}

/// Emits and prints the crates of `model`, each `.rs` file after `header`.
pub fn render_crates(
    model: &Model,
    crates: &Crates,
    printer: Printer,
    header: String,
) -> Result<Vec<File>, String> {
    check_name(&crates.name)?;
    check_version(&crates.version)?;
    let groups = groups(model, &crates.name);
    let shared = shared_package(&crates.name, &groups)?;
    let all = ALL_GROUPS
        .iter()
        .copied()
        .find(|name| groups.iter().all(|g| g.feature != *name))
        .unwrap_or("all-groups");

    // Where each type goes.
    let gates = Gates::compute(model);
    let off = Gates::default();
    let by_feature: BTreeMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.feature.as_str(), i))
        .collect();
    let mut shared_types: Vec<TypeId> = Vec::new();
    let mut own: Vec<Vec<TypeId>> = groups.iter().map(|_| Vec::new()).collect();
    for id in Emitter::inside(model, &off).emitted_types() {
        let home = gates.home(id).and_then(|f| by_feature.get(f));
        match home.and_then(|&g| own.get_mut(g)) {
            Some(list) => list.push(id),
            None => shared_types.push(id),
        }
    }

    let mut parts = vec![Part::Root];
    parts.extend(types_parts(&shared_types, None));
    for (g, (group, types)) in groups.iter().zip(&own).enumerate() {
        parts.extend(types_parts(types, Some(g)));
        parts.push(Part::Group(group.resource));
    }
    let scope = Scope {
        model,
        root_gates: &gates,
        gates: &off,
        printer,
        split: true,
    };
    let printed = run(&parts, &|part| scope.print_part(part))?;

    let mut root = Printed::default();
    let mut shared_text = Printed::default();
    let mut group_types: Vec<Printed> = groups.iter().map(|_| Printed::default()).collect();
    let mut group_code: Vec<Printed> = groups.iter().map(|_| Printed::default()).collect();
    let position: BTreeMap<usize, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.resource, i))
        .collect();
    for (part, p) in parts.iter().zip(printed) {
        let slot = match part {
            Part::Root => Some(&mut root),
            Part::Types(_, None) => Some(&mut shared_text),
            Part::Types(_, Some(g)) => group_types.get_mut(*g),
            Part::Group(resource) => position.get(resource).and_then(|&g| group_code.get_mut(g)),
        };
        if let Some(slot) = slot {
            slot.rt |= p.rt;
            slot.text.push_str(&p.text);
        }
    }

    let shared_ident = ident_of(&shared);
    let out = Out {
        crates,
        header: &header,
        toml_header: toml_header(&header),
        title: one_line(&model.api.title),
        facade: ident_of(&crates.name),
        // A glob of a crate with nothing public would be an unused import.
        shared_glob: if shared_types.is_empty() {
            String::new()
        } else {
            format!("    pub use {shared_ident}::*;\n")
        },
        shared,
        printer,
    };
    let mut files = Vec::new();
    if crates.workspace {
        files.push(out.workspace(&groups));
    }
    // Only the groups that define types of their own are globbed into the facade's `types`:
    // a glob of nothing new would be unused.
    let typed: Vec<&Group> = groups
        .iter()
        .zip(&own)
        .filter(|(_, t)| !t.is_empty())
        .map(|(g, _)| g)
        .collect();
    out.facade(&mut files, &groups, &typed, all, &root)?;
    out.shared(&mut files, &shared_text)?;
    for ((group, types), code) in groups.iter().zip(&group_types).zip(&group_code) {
        out.group(&mut files, group, types, code)?;
    }
    Ok(files)
}

/// What every file of one generation shares.
struct Out<'a> {
    crates: &'a Crates,
    /// The `.rs` files' `@generated` header, and the same as TOML comments.
    header: &'a str,
    toml_header: String,
    /// The API's title, on one line.
    title: String,
    /// The facade's crate name in Rust code.
    facade: String,
    /// The shared types crate's package name.
    shared: String,
    /// `pub use <shared>::*;` inside a `types` module, or nothing when it has no types.
    shared_glob: String,
    printer: Printer,
}

impl Out<'_> {
    /// The `use` lines for code at `depth` that names the runtime when `rt`.
    fn uses(&self, lenient: bool, rt: bool, depth: usize) -> Result<String, String> {
        // The manifests name the dependency `kv-runtime`, so that is the path, whatever
        // `Config::runtime_path` says for the module layout.
        let imports = Imports {
            runtime: quote!(kv_runtime),
            lenient,
        };
        print(imports.uses_for(rt, false), depth, self.printer)
    }

    fn workspace(&self, groups: &[Group]) -> File {
        let mut members = vec![self.crates.name.clone(), self.shared.clone()];
        members.extend(groups.iter().map(|g| g.package.clone()));
        let mut text = self.toml_header.clone();
        text.push_str("[workspace]\nresolver = \"2\"\nmembers = [\n");
        for member in &members {
            text.push_str(&format!("    {},\n", toml_string(member)));
        }
        text.push_str("]\n");
        file("Cargo.toml", text)
    }

    /// The crate users depend on: the root's code, every type re-exported, each group behind
    /// its feature.
    fn facade(
        &self,
        files: &mut Vec<File>,
        groups: &[Group],
        typed: &[&Group],
        all: &str,
        root: &Printed,
    ) -> Result<(), String> {
        let crates = self.crates;
        let title = &self.title;
        let mut manifest = package(
            &self.toml_header,
            &crates.name,
            crates,
            &format!("Client of {title}, generated by kv-codegen"),
        );
        manifest.push_str(&dependencies(crates));
        manifest.push_str(&path_dependency(&self.shared, crates, false));
        for group in groups {
            manifest.push_str(&path_dependency(&group.package, crates, true));
        }
        let features: Vec<String> = groups.iter().map(|g| toml_string(&g.feature)).collect();
        manifest.push_str(&format!(
            "\n[features]\ndefault = [{}]\n{} = [{}]\n",
            toml_string(all),
            toml_key(all),
            features.join(", "),
        ));
        for group in groups {
            manifest.push_str(&format!(
                "{} = [{}]\n",
                toml_key(&group.feature),
                toml_string(&format!("dep:{}", group.package))
            ));
        }
        manifest.push_str(&format!("\n[dev-dependencies]\n{DOC_DEPENDENCIES}"));
        files.push(file(&format!("{}/Cargo.toml", crates.name), manifest));

        // The root's imports may serve gated items only.
        let mut code = self.header.to_owned();
        code.push_str(&self.uses(true, root.rt, 0)?);
        code.push_str(&root.text);
        code.push_str(
            "/// The types of the specification's schemas, from every crate of the API.\n",
        );
        code.push_str("pub mod types {\n");
        code.push_str(&self.shared_glob);
        for group in typed {
            code.push_str(&format!(
                "    #[cfg(feature = \"{}\")]\n    pub use {}::types::*;\n",
                group.feature,
                ident_of(&group.package)
            ));
        }
        code.push_str("}\n");
        for group in groups {
            code.push_str(&format!(
                "/// Operations under `{}`.\n#[cfg(feature = \"{}\")]\npub use {} as {};\n",
                crate::naming::unraw(&group.module),
                group.feature,
                ident_of(&group.package),
                group.module
            ));
        }
        let doc = format!(
            "The client of {title}. Each group of operations is a module behind the cargo \
             feature of its name; `{all}` (the default) turns on every one."
        );
        sources(files, &crates.name, self.header, &doc, code);
        Ok(())
    }

    /// The crate of the types several groups use, or none.
    fn shared(&self, files: &mut Vec<File>, types: &Printed) -> Result<(), String> {
        let crates = self.crates;
        let title = &self.title;
        let mut manifest = package(
            &self.toml_header,
            &self.shared,
            crates,
            &format!(
                "The schema types several groups of {title} use; part of the {} crate",
                crates.name
            ),
        );
        manifest.push_str(&dependencies(crates));
        files.push(file(&format!("{}/Cargo.toml", self.shared), manifest));
        let mut code = self.header.to_owned();
        code.push_str(&self.uses(false, types.rt, 0)?);
        code.push_str(&types.text);
        let doc = format!(
            "The schema types of {title} that several groups of operations use, or none: part \
             of the `{}` crate, which re-exports them in `{}::types`.",
            crates.name, self.facade
        );
        sources(files, &self.shared, self.header, &doc, code);
        Ok(())
    }

    /// A group's crate: its handles and parameters, and the types only it uses.
    fn group(
        &self,
        files: &mut Vec<File>,
        group: &Group,
        types: &Printed,
        code: &Printed,
    ) -> Result<(), String> {
        let crates = self.crates;
        let title = &self.title;
        let bare = crate::naming::unraw(&group.module);
        let mut manifest = package(
            &self.toml_header,
            &group.package,
            crates,
            &format!(
                "The `{bare}` operations of {title}; part of the {} crate",
                crates.name
            ),
        );
        manifest.push_str(&dependencies(crates));
        manifest.push_str(&path_dependency(&self.shared, crates, false));
        // The doc examples call the group through the facade's client.
        manifest.push_str(&format!(
            "\n[dev-dependencies]\n{DOC_DEPENDENCIES}{} = {{ path = {}, default-features = false, features = [{}] }}\n",
            toml_key(&crates.name),
            toml_string(&format!("../{}", crates.name)),
            toml_string(&group.feature)
        ));
        files.push(file(&format!("{}/Cargo.toml", group.package), manifest));

        let mut text = self.header.to_owned();
        text.push_str(&self.uses(false, code.rt, 0)?);
        text.push_str(&code.text);
        text.push_str(&format!(
            "/// The types of the specification's schemas this group uses: its own, and those \
             of `{}`.\npub mod types {{\n",
            self.shared
        ));
        text.push_str(&self.uses(false, types.rt, 1)?);
        text.push_str(&self.shared_glob);
        text.push_str(&types.text);
        text.push_str("}\n");
        let doc = format!(
            "The operations under `{bare}` of {title}: part of the `{}` crate, which \
             re-exports this one as `{}::{}` (feature `{}`).",
            crates.name, self.facade, group.module, group.feature
        );
        sources(files, &group.package, self.header, &doc, text);
        Ok(())
    }
}

/// A crate's `src/lib.rs`, its documentation and an `include!` of `src/generated.rs`, which
/// holds the code: rustfmt leaves included files alone, so formatting a workspace that has
/// the crates as members leaves them as generated (and `kv-codegen check` passing).
fn sources(files: &mut Vec<File>, package: &str, header: &str, doc: &str, code: String) {
    let lib = format!("{header}//! {doc}\n\ninclude!(\"generated.rs\");\n");
    files.push(file(&format!("{package}/src/lib.rs"), lib));
    files.push(file(&format!("{package}/src/generated.rs"), code));
}

fn file(path: &str, contents: String) -> File {
    File {
        path: path.to_owned(),
        contents,
    }
}

/// The groups of `model`, in the model's order, each with its crate's names.
fn groups(model: &Model, name: &str) -> Vec<Group> {
    model
        .resources
        .iter()
        .enumerate()
        .filter_map(|(resource, r)| {
            let module = r.module.clone()?;
            let feature = super::gates::feature_of(&module);
            let package = format!("{name}-{}", feature.replace('_', "-"));
            Some(Group {
                resource,
                module,
                feature,
                package,
            })
        })
        .collect()
}

/// The shared types crate's name: `<name>-types`, unless a group took it.
fn shared_package(name: &str, groups: &[Group]) -> Result<String, String> {
    ["types", "shared-types", "schema-types"]
        .iter()
        .map(|suffix| format!("{name}-{suffix}"))
        .find(|package| groups.iter().all(|g| &g.package != package))
        .ok_or_else(|| {
            format!("crates layout: groups take every name of the shared types crate of `{name}`")
        })
}

/// Refuses a package name cargo would refuse, saying which rule it breaks.
fn check_name(name: &str) -> Result<(), String> {
    let rule = if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        "must start with an ASCII letter"
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        "may hold only ASCII letters, digits, `-` and `_`"
    } else if name.len() > MAX_NAME {
        "is longer than 64 characters"
    } else if KEYWORDS.contains(&name) {
        "is a Rust keyword"
    } else {
        return Ok(());
    };
    Err(format!("crates layout: the crate name `{name}` {rule}"))
}

/// Refuses a version that is not `MAJOR.MINOR.PATCH`, with an optional `-pre` and `+build`
/// of ASCII letters, digits, `.` and `-` (what cargo takes).
fn check_version(version: &str) -> Result<(), String> {
    let (core, rest) = match version.find(['-', '+']) {
        Some(at) => version.split_at(at),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let core_ok = numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.len() <= 19 && n.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = rest
        .chars()
        .skip(1)
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')
        && rest != "-"
        && rest != "+";
    if core_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "crates layout: the version `{version}` is not MAJOR.MINOR.PATCH (such as 0.1.0)"
        ))
    }
}

/// The name Rust code gives a package: `-` becomes `_`.
fn ident_of(package: &str) -> String {
    package.replace('-', "_")
}

/// The `.rs` header as TOML comments.
fn toml_header(header: &str) -> String {
    header
        .lines()
        .map(|line| match line.strip_prefix("//") {
            Some(rest) => format!("#{rest}\n"),
            None => format!("{line}\n"),
        })
        .collect()
}

/// The `[package]` table.
fn package(header: &str, name: &str, crates: &Crates, description: &str) -> String {
    let mut out = header.to_owned();
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(name)));
    out.push_str(&format!("version = {}\n", toml_string(&crates.version)));
    out.push_str("edition = \"2021\"\n");
    let msrv = env!("CARGO_PKG_RUST_VERSION");
    if !msrv.is_empty() {
        out.push_str(&format!("rust-version = {}\n", toml_string(msrv)));
    }
    out.push_str(&format!("description = {}\n", toml_string(description)));
    out
}

/// What every crate's code names: the runtime, serde, serde_json and bytes.
fn dependencies(crates: &Crates) -> String {
    let runtime = match &crates.runtime {
        RuntimeDependency::Version(version) => toml_string(version),
        RuntimeDependency::Path(path) => {
            let path = if std::path::Path::new(path).is_absolute() {
                path.clone()
            } else {
                format!("../{path}")
            };
            // The version too, so that the crates can be packaged and published.
            format!(
                "{{ path = {}, version = {} }}",
                toml_string(&path),
                toml_string(&crate::runtime_requirement())
            )
        }
    };
    format!(
        "\n[dependencies]\nkv-runtime = {runtime}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\nbytes = \"1\"\n"
    )
}

/// A dependency on a sibling crate, by path and exact version (so that it can be published).
fn path_dependency(package: &str, crates: &Crates, optional: bool) -> String {
    format!(
        "{} = {{ path = {}, version = {}{} }}\n",
        toml_key(package),
        toml_string(&format!("../{package}")),
        toml_string(&format!("={}", crates.version)),
        if optional { ", optional = true" } else { "" }
    )
}

/// A TOML key: bare when it can be.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text on one line, for a `//!` comment or a description.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cargo_refuses_are_refused_with_the_rule() {
        assert_eq!(
            check_name("1api"),
            Err("crates layout: the crate name `1api` must start with an ASCII letter".to_owned())
        );
        assert_eq!(
            check_name("my api"),
            Err("crates layout: the crate name `my api` may hold only ASCII letters, digits, `-` and `_`".to_owned())
        );
        assert_eq!(
            check_name("crate"),
            Err("crates layout: the crate name `crate` is a Rust keyword".to_owned())
        );
        assert!(check_name(&"a".repeat(65)).is_err());
        assert!(check_name("cloudflare-api_2").is_ok());
    }

    #[test]
    fn versions_are_semver() {
        for good in ["0.1.0", "1.2.3-beta.1", "10.0.0+build-7"] {
            assert_eq!(check_version(good), Ok(()), "{good}");
        }
        for bad in [
            "1.0",
            "1.0.0.0",
            "v1.0.0",
            "1.0.0-",
            "1..0",
            "1.0.0 beta",
            "",
        ] {
            assert_eq!(
                check_version(bad),
                Err(format!(
                    "crates layout: the version `{bad}` is not MAJOR.MINOR.PATCH (such as 0.1.0)"
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn toml_strings_escape_what_they_must() {
        assert_eq!(toml_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
        assert_eq!(toml_key("cloudflare-kv"), "cloudflare-kv");
        assert_eq!(toml_key("a.b"), "\"a.b\"");
    }
}
