//! The module as text, made of parts that are emitted and printed one at a time: the root,
//! the schema types in chunks, and each group's module. A part's tokens (and, when pretty
//! printing, its syntax tree) are dropped as soon as it is text, so memory holds the model,
//! the text so far and a few parts, never the tokens of the whole module. The parts are
//! independent, so they are spread over the machine's cores; the text is joined in order,
//! whatever the timing, so the output stays the same byte for byte.

use super::{gates::Gates, Emitter, Imports};
use crate::format;
use crate::model::{Model, TypeId};
use proc_macro2::TokenStream;
use quote::quote;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// How parts are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Printer {
    /// `prettyplease`, item by item: for the checked-in copy people read.
    Pretty,
    /// The plain printer of `format`: for code only the compiler reads (a build script's).
    Plain,
}

/// Types per part: small enough to spread over the cores, large enough to be worth a task.
const TYPES_PER_PART: usize = 128;

/// At most this many threads print, whatever the machine has.
const MAX_THREADS: usize = 8;

/// The stack of a printing thread: emitting recurses once per level of schema nesting.
const STACK_BYTES: usize = 64 << 20;

pub(super) enum Part {
    Root,
    /// Schema types, and whose they are: `None` for the module's `types` (or, in the crates
    /// layout, the shared types crate), `Some(n)` for the crates layout's `n`-th group crate.
    Types(Vec<TypeId>, Option<usize>),
    /// A group's module: the index of its resource in the model.
    Group(usize),
}

/// A part as text, and which of the module's imports it names.
#[derive(Default)]
pub(super) struct Printed {
    pub text: String,
    pub rt: bool,
    pub types: bool,
}

/// How parts are emitted: the gates of the root and of the rest, and the layout.
pub(super) struct Scope<'a> {
    pub model: &'a Model,
    /// The gates of the root's accessors and re-exports.
    pub root_gates: &'a Gates,
    /// The gates of types and groups (none in the crates layout: crates are the gates).
    pub gates: &'a Gates,
    pub printer: Printer,
    /// The crates layout: groups and shared types are crate roots (depth 0).
    pub split: bool,
}

/// Emits and prints the module after `header` into one string.
pub fn render(
    model: &Model,
    config: &crate::Config,
    printer: Printer,
    header: String,
) -> Result<String, String> {
    let runtime = super::runtime_path(config)?;
    let gates = Gates::of(model, config);
    let scope = Scope {
        model,
        root_gates: &gates,
        gates: &gates,
        printer,
        split: false,
    };
    let parts = parts(model, &gates);
    let printed = run(&parts, &|part| scope.print_part(part))?;
    let imports = Imports {
        runtime: quote!(#runtime),
        lenient: gates.is_on(),
    };
    // The `use` lines of a module at `depth` that names `rt` and/or `types`.
    let uses =
        |rt: bool, types: bool, depth: usize| print(imports.uses_for(rt, types), depth, printer);
    let mut out = header;
    let mut types = Printed::default();
    let mut groups = Vec::new();
    for (part, p) in parts.iter().zip(printed) {
        match part {
            Part::Root => {
                out.push_str(&uses(p.rt, false, 0)?);
                out.push_str(&p.text);
            }
            Part::Types(..) => {
                types.rt |= p.rt;
                types.text.push_str(&p.text);
            }
            Part::Group(index) => groups.push((*index, p)),
        }
    }
    if !types.text.is_empty() {
        out.push_str("/// The types of the specification's schemas.\npub mod types {\n");
        out.push_str(&uses(types.rt, false, 1)?);
        out.push_str(&types.text);
        out.push_str("}\n");
    }
    for (index, p) in groups {
        let Some(module) = model.resources.get(index).and_then(|r| r.module.as_deref()) else {
            continue;
        };
        let bare = crate::naming::unraw(module);
        out.push_str(&format!("/// Operations under `{bare}`.\n"));
        if gates.is_on() {
            let feature = super::gates::feature_of(module);
            out.push_str(&format!("#[cfg(feature = \"{feature}\")]\n"));
        }
        out.push_str(&format!("pub mod {module} {{\n"));
        out.push_str(&uses(p.rt, p.types, 1)?);
        out.push_str(&p.text);
        out.push_str("}\n");
    }
    Ok(out)
}

/// The parts of the module, in output order.
fn parts(model: &Model, gates: &Gates) -> Vec<Part> {
    let ids = Emitter::inside(model, gates).emitted_types();
    let mut parts = vec![Part::Root];
    parts.extend(types_parts(&ids, None));
    parts.extend(
        model
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.module.is_some())
            .map(|(i, _)| Part::Group(i)),
    );
    parts
}

/// The parts of a list of types, [`TYPES_PER_PART`] at a time.
pub(super) fn types_parts(ids: &[TypeId], owner: Option<usize>) -> impl Iterator<Item = Part> + '_ {
    ids.chunks(TYPES_PER_PART)
        .map(move |c| Part::Types(c.to_vec(), owner))
}

impl Scope<'_> {
    pub(super) fn print_part(&self, part: &Part) -> Result<Printed, String> {
        let model = self.model;
        let inner = if self.split { 0 } else { 1 };
        let (tokens, depth) = match part {
            Part::Root => (Emitter::outside(model, self.root_gates).root(), 0),
            Part::Types(ids, owner) => {
                let depth = if owner.is_some() { 1 } else { inner };
                (Emitter::inside(model, self.gates).type_items(ids), depth)
            }
            Part::Group(index) => match model.resources.get(*index) {
                Some(group) => {
                    let emitter = Emitter {
                        split: self.split,
                        ..Emitter::outside(model, self.gates)
                    };
                    (emitter.group(group), inner)
                }
                None => (TokenStream::new(), inner),
            },
        };
        let rt = super::mentions_path(&tokens, "rt");
        let types = super::mentions_path(&tokens, "types");
        let text = print(tokens, depth, self.printer)?;
        Ok(Printed { text, rt, types })
    }
}

pub(super) fn print(tokens: TokenStream, depth: usize, printer: Printer) -> Result<String, String> {
    let mut out = String::new();
    match printer {
        Printer::Pretty => format::pretty_items(tokens, depth, &mut out)?,
        Printer::Plain => format::plain_items(tokens, depth, &mut out),
    }
    Ok(out)
}

/// Runs `job` on every part on up to [`MAX_THREADS`] threads; the results in part order,
/// or the first part's error.
pub(super) fn run<J>(parts: &[Part], job: &J) -> Result<Vec<Printed>, String>
where
    J: Fn(&Part) -> Result<Printed, String> + Sync,
{
    let slots: Vec<Mutex<Option<Result<Printed, String>>>> =
        parts.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let (Some(part), Some(slot)) = (parts.get(index), slots.get(index)) else {
            break;
        };
        let result = job(part);
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_THREADS)
        .min(parts.len());
    std::thread::scope(|scope| {
        for n in 1..threads {
            // A thread that cannot be had leaves its parts to the others.
            let _ = std::thread::Builder::new()
                .name(format!("kv-codegen-print-{n}"))
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, work);
        }
        // This thread works too, so that the parts get done with no thread to be had.
        work();
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or_else(|| Err("internal error: a part was not printed".to_owned()))
        })
        .collect()
}
