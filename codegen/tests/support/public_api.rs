//! A generated module's public API (and what its code does) as a normalised list, so that two
//! generations can be compared item by item rather than as text.
//!
//! Every entry is `key` → `value`. The key names an item by its module path (`types::KeyName`,
//! `kv::Values::update`, `<types::KeyName as TryFrom<String>>::try_from`); the value is what
//! a change of which would change the API or the behaviour: signatures, fields and their
//! types, variants, attributes other than docs, constants' values, and functions' bodies
//! (where constraints, idempotency marks, paths and pagers live). Doc comments are left
//! out: Cloudflare's words and ours differ, and no caller compiles against them.
//!
//! Shared by `tests/cloudflare_overlay.rs` and `examples/public_api.rs` (`#[path]`).

use quote::ToTokens;
use std::collections::BTreeMap;
use syn::{Attribute, Fields, ImplItem, Item, TraitItem, Visibility};

/// The listing of one module: key → value, sorted by key.
pub type Listing = BTreeMap<String, String>;

/// Lists the items of a generated module's source.
pub fn listing(source: &str) -> Result<Listing, String> {
    let file = syn::parse_file(source).map_err(|e| format!("not Rust: {e}"))?;
    let mut out = Listing::new();
    walk(&file.items, "", &mut out);
    Ok(out)
}

/// One difference between two listings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difference {
    /// In the expected listing only.
    Missing(String),
    /// In the actual listing only.
    Extra(String),
    /// In both, with another value.
    Changed(String),
}

impl Difference {
    /// The line that names it in an allow-list: `missing KEY`, `extra KEY`, `changed KEY`.
    pub fn line(&self) -> String {
        match self {
            Difference::Missing(key) => format!("missing {key}"),
            Difference::Extra(key) => format!("extra {key}"),
            Difference::Changed(key) => format!("changed {key}"),
        }
    }
}

/// Every difference of `actual` from `expected`, in key order.
pub fn compare(expected: &Listing, actual: &Listing) -> Vec<Difference> {
    let mut out = Vec::new();
    for (key, value) in expected {
        match actual.get(key) {
            None => out.push(Difference::Missing(key.clone())),
            Some(other) if other != value => out.push(Difference::Changed(key.clone())),
            Some(_) => {}
        }
    }
    for key in actual.keys() {
        if !expected.contains_key(key) {
            out.push(Difference::Extra(key.clone()));
        }
    }
    out.sort();
    out
}

/// A readable account of `differences`: each line, and both values of a changed entry.
pub fn report(expected: &Listing, actual: &Listing, differences: &[Difference]) -> String {
    let mut text = String::new();
    for difference in differences {
        text.push_str(&difference.line());
        text.push('\n');
        let key = match difference {
            Difference::Missing(key) | Difference::Extra(key) | Difference::Changed(key) => key,
        };
        for (label, listing) in [("  expected: ", expected), ("  actual:   ", actual)] {
            if let Some(value) = listing.get(key) {
                text.push_str(label);
                text.push_str(value);
                text.push('\n');
            }
        }
    }
    text
}

/// Whether `line` matches `pattern`, in which `*` stands for any text.
pub fn glob(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The allow-list: each entry a difference line (`*` matches any text), each justified by the `# reason` comment
/// lines above it. Returns the lines and the entries that have no reason.
pub fn allow_list(text: &str) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut unjustified = Vec::new();
    let mut reason = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            reason = false;
        } else if let Some(comment) = line.strip_prefix('#') {
            reason |= !comment.trim().is_empty();
        } else {
            if !reason {
                unjustified.push(line.to_owned());
            }
            lines.push(line.to_owned());
        }
    }
    (lines, unjustified)
}

fn walk(items: &[Item], module: &str, out: &mut Listing) {
    for item in items {
        item_entries(item, module, out);
    }
}

fn item_entries(item: &Item, module: &str, out: &mut Listing) {
    match item {
        Item::Mod(m) => {
            let path = qualified(module, &m.ident.to_string());
            let value = format!("{}{}mod", attrs(&m.attrs), vis(&m.vis));
            out.insert(format!("mod {path}"), value);
            if let Some((_, items)) = &m.content {
                walk(items, &path, out);
            }
        }
        Item::Struct(s) => {
            let path = qualified(module, &s.ident.to_string());
            let head = format!(
                "{}{}struct{}",
                attrs(&s.attrs),
                vis(&s.vis),
                generics(&s.generics)
            );
            out.insert(
                format!("struct {path}"),
                format!("{head} {}", shape(&s.fields)),
            );
            fields(&s.fields, &path, out);
        }
        Item::Enum(e) => {
            let path = qualified(module, &e.ident.to_string());
            let head = format!(
                "{}{}enum{}",
                attrs(&e.attrs),
                vis(&e.vis),
                generics(&e.generics)
            );
            out.insert(format!("enum {path}"), head);
            for variant in &e.variants {
                let key = format!("variant {path}::{}", variant.ident);
                let value = format!("{}{}", attrs(&variant.attrs), shape(&variant.fields));
                out.insert(key, value);
                fields(&variant.fields, &format!("{path}::{}", variant.ident), out);
            }
        }
        Item::Type(t) => {
            let path = qualified(module, &t.ident.to_string());
            let value = format!("{}{}= {}", attrs(&t.attrs), vis(&t.vis), tokens(&t.ty));
            out.insert(format!("type {path}{}", generics(&t.generics)), value);
        }
        Item::Const(c) => {
            let path = qualified(module, &c.ident.to_string());
            let value = format!(
                "{}{}{} = {}",
                attrs(&c.attrs),
                vis(&c.vis),
                tokens(&c.ty),
                tokens(&c.expr)
            );
            out.insert(format!("const {path}"), value);
        }
        Item::Use(u) => {
            let value = format!("{}{}", attrs(&u.attrs), vis(&u.vis));
            out.insert(format!("use {module}: {}", tokens(&u.tree)), value);
        }
        Item::Fn(f) => {
            let path = qualified(module, &f.sig.ident.to_string());
            function(&path, &f.attrs, &f.vis, &f.sig, Some(&f.block), out);
        }
        Item::Impl(i) => impl_entries(i, module, out),
        Item::Trait(t) => {
            let path = qualified(module, &t.ident.to_string());
            let value = format!(
                "{}{}trait{}",
                attrs(&t.attrs),
                vis(&t.vis),
                generics(&t.generics)
            );
            out.insert(format!("trait {path}"), value);
            for item in &t.items {
                if let TraitItem::Fn(f) = item {
                    let key = format!("{path}::{}", f.sig.ident);
                    function(
                        &key,
                        &f.attrs,
                        &Visibility::Inherited,
                        &f.sig,
                        f.default.as_ref(),
                        out,
                    );
                } else {
                    out.insert(
                        format!("trait item {path}: {}", tokens(item)),
                        String::new(),
                    );
                }
            }
        }
        other => {
            out.insert(format!("item {module}: {}", tokens(other)), String::new());
        }
    }
}

/// An impl block: its header, then each associated item under `Type::name` (inherent) or
/// `<Type as Trait>::name`.
fn impl_entries(block: &syn::ItemImpl, module: &str, out: &mut Listing) {
    let self_ty = qualified(module, &tokens(&block.self_ty));
    let owner = match &block.trait_ {
        Some((_, trait_path, _)) => format!("<{self_ty} as {}>", tokens(trait_path)),
        None => self_ty,
    };
    let header = format!(
        "{}impl{} {}",
        attrs(&block.attrs),
        generics(&block.generics),
        where_clause(&block.generics)
    );
    // Several inherent blocks for one type are one API: their headers are joined.
    let entry = out.entry(format!("impl {owner}")).or_default();
    if !entry.contains(header.trim()) {
        if !entry.is_empty() {
            entry.push_str(" + ");
        }
        entry.push_str(header.trim());
    }
    for item in &block.items {
        match item {
            ImplItem::Fn(f) => {
                let key = format!("{owner}::{}", f.sig.ident);
                function(&key, &f.attrs, &f.vis, &f.sig, Some(&f.block), out);
            }
            ImplItem::Type(t) => {
                let key = format!("assoc type {owner}::{}", t.ident);
                out.insert(key, format!("{}{}", vis(&t.vis), tokens(&t.ty)));
            }
            ImplItem::Const(c) => {
                let key = format!("assoc const {owner}::{}", c.ident);
                out.insert(
                    key,
                    format!("{}{} = {}", vis(&c.vis), tokens(&c.ty), tokens(&c.expr)),
                );
            }
            other => {
                out.insert(
                    format!("impl item {owner}: {}", tokens(other)),
                    String::new(),
                );
            }
        }
    }
}

/// A function's signature under `fn KEY`, and its body under `body KEY`.
fn function(
    key: &str,
    attributes: &[Attribute],
    visibility: &Visibility,
    sig: &syn::Signature,
    body: Option<&syn::Block>,
    out: &mut Listing,
) {
    let value = format!("{}{}{}", attrs(attributes), vis(visibility), tokens(sig));
    out.insert(format!("fn {key}"), value);
    if let Some(block) = body {
        out.insert(format!("body {key}"), tokens(block));
    }
}

fn fields(fields: &Fields, owner: &str, out: &mut Listing) {
    for (index, field) in fields.iter().enumerate() {
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| index.to_string(), ToString::to_string);
        let value = format!(
            "{}{}{}",
            attrs(&field.attrs),
            vis(&field.vis),
            tokens(&field.ty)
        );
        out.insert(format!("field {owner}.{name}"), value);
    }
}

/// `{a, b}` (the names in order), `(n)` or `unit`: each field is an entry of its own.
fn shape(fields: &Fields) -> String {
    match fields {
        Fields::Named(named) => {
            let names: Vec<String> = named
                .named
                .iter()
                .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                .collect();
            format!("{{{}}}", names.join(", "))
        }
        Fields::Unnamed(unnamed) => format!("({} field(s))", unnamed.unnamed.len()),
        Fields::Unit => "unit".to_owned(),
    }
}

fn qualified(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

/// Every attribute but doc comments, each as `#[…] `.
fn attrs(attributes: &[Attribute]) -> String {
    attributes
        .iter()
        .filter(|a| !a.path().is_ident("doc"))
        .map(|a| format!("{} ", tokens(a)))
        .collect()
}

fn vis(visibility: &Visibility) -> String {
    match visibility {
        Visibility::Inherited => String::new(),
        other => format!("{} ", tokens(other)),
    }
}

fn generics(generics: &syn::Generics) -> String {
    if generics.params.is_empty() {
        String::new()
    } else {
        tokens(generics)
    }
}

fn where_clause(generics: &syn::Generics) -> String {
    generics
        .where_clause
        .as_ref()
        .map(tokens)
        .unwrap_or_default()
}

/// Tokens as text with the spacing of `TokenStream`'s `Display` tightened a little, so the
/// report reads like Rust (`rt::Response<types::Key>` rather than `rt :: Response < …`).
fn tokens(node: &impl ToTokens) -> String {
    let text = node.to_token_stream().to_string();
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        (" ;", ";"),
        ("& ", "&"),
        (" < ", "<"),
        (" >", ">"),
        ("< ", "<"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" .", "."),
        (". ", "."),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// Checks `differences` against an allow-list's text, exactly: every difference must be
/// listed (with a reason) and every listed entry must still occur. `Err` explains.
pub fn check_allowed(
    expected: &Listing,
    actual: &Listing,
    differences: &[Difference],
    allow: &str,
) -> Result<(), String> {
    let (allowed, unjustified) = allow_list(allow);
    let found: Vec<String> = differences.iter().map(Difference::line).collect();
    let unexpected: Vec<Difference> = differences
        .iter()
        .filter(|d| !allowed.iter().any(|p| glob(p, &d.line())))
        .cloned()
        .collect();
    let stale: Vec<&String> = allowed
        .iter()
        .filter(|p| !found.iter().any(|l| glob(p, l)))
        .collect();
    if unexpected.is_empty() && stale.is_empty() && unjustified.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    if !unexpected.is_empty() {
        text.push_str("differences not in the allow-list:\n");
        text.push_str(&report(expected, actual, &unexpected));
    }
    for line in stale {
        text.push_str(&format!("allowed but no longer found: {line}\n"));
    }
    for line in unjustified {
        text.push_str(&format!(
            "allowed without a `# reason` line above it: {line}\n"
        ));
    }
    Err(text)
}
