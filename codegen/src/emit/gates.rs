//! Feature gates (`Config::group_features`): each group's module compiles only with the
//! feature of the same name, and each type only with the features of the groups whose
//! operations reach it, so a crate built from a 1,500-operation API with one group on
//! compiles that group's part alone.
//!
//! Gates are closed under references: a type is needed by every group that needs a type
//! referring to it. Types no operation reaches are always compiled (a caller may use them),
//! and so is everything they refer to.

use crate::model::{BodyKind, Model, ResponseBody, TypeId, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Which features turn on which items; empty (nothing gated) unless computed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Gates {
    on: bool,
    /// Per type: the features that need it, or `None` when it is always compiled.
    types: Vec<Option<BTreeSet<String>>>,
}

impl Gates {
    /// The gates `config` (or the spec's `x-kv-group-features`) asks for: none by default.
    pub fn of(model: &Model, config: &crate::Config) -> Gates {
        if config.group_features || model.api.group_features {
            Gates::compute(model)
        } else {
            Gates::default()
        }
    }

    /// True when groups and types are gated.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The gates of every group and type of `model`.
    pub fn compute(model: &Model) -> Gates {
        let features = group_features(model);
        let mut need = Need::new(model);
        for op in &model.operations {
            let feature = op
                .resource
                .first()
                .and_then(|group| features.get(group))
                .cloned();
            let mut roots = Vec::new();
            operation_types(op, &mut roots);
            for ty in roots {
                need.reach(&ty, feature.as_deref());
            }
        }
        for index in 0..model.types.len() {
            if !need.reached(index) {
                need.reach(&TypeRef::Named(TypeId(index)), None);
            }
        }
        Gates {
            on: true,
            types: need.finish(),
        }
    }

    /// `#[cfg(feature = "<group>")]` for a group's module and accessor, or nothing.
    pub fn group(&self, module: &str) -> TokenStream {
        if !self.on {
            return TokenStream::new();
        }
        let feature = feature_of(module);
        quote!(#[cfg(feature = #feature)])
    }

    /// The one feature that needs type `id`, when exactly one does (in the crates layout,
    /// the type then lives in that group's crate).
    pub fn home(&self, id: TypeId) -> Option<&str> {
        let features = self.types.get(id.0)?.as_ref()?;
        match features.len() {
            1 => features.first().map(String::as_str),
            _ => None,
        }
    }

    /// The gate of a type's items, or nothing when it is always compiled.
    pub fn of_type(&self, id: TypeId) -> TokenStream {
        let Some(Some(features)) = self.types.get(id.0) else {
            return TokenStream::new();
        };
        let names: Vec<&str> = features.iter().map(String::as_str).collect();
        match names.as_slice() {
            [one] => quote!(#[cfg(feature = #one)]),
            many => quote!(#[cfg(any(#(feature = #many),*))]),
        }
    }
}

/// The cargo feature of the group whose module is `module`: the module's name without a raw
/// prefix, except that a group named `default` gets `default_group` (cargo's `default` is
/// the feature set a dependency starts with).
pub(crate) fn feature_of(module: &str) -> String {
    match crate::naming::unraw(module) {
        "default" => "default_group".to_owned(),
        bare => bare.to_owned(),
    }
}

/// The feature of each group: [`feature_of`] its module.
fn group_features(model: &Model) -> BTreeMap<String, String> {
    model
        .resources
        .iter()
        .filter_map(|r| {
            let module = r.module.as_deref()?;
            let group = r.path.first()?;
            Some((group.clone(), feature_of(module)))
        })
        .collect()
}

/// Every type an operation's code names: parameters, bodies, answers, pager items.
fn operation_types(op: &crate::model::Operation, out: &mut Vec<TypeRef>) {
    out.extend(op.params.iter().map(|p| p.ty.clone()));
    for v in op.body.iter().flat_map(|b| &b.variants) {
        match &v.kind {
            BodyKind::Json(ty) | BodyKind::Raw(ty) => out.push(ty.clone()),
            BodyKind::Multipart(fields) | BodyKind::Form(fields) => {
                out.extend(fields.iter().map(|f| f.ty.clone()))
            }
        }
    }
    let bodies = op.responses.iter().map(|r| &r.body).chain([&op.success]);
    for body in bodies {
        match body {
            ResponseBody::Json(ty) => out.push(ty.clone()),
            ResponseBody::Envelope(e) => {
                out.push(e.whole.clone());
                out.extend(e.result.clone());
                out.extend(e.result_info.clone());
            }
            ResponseBody::Empty | ResponseBody::Bytes => {}
        }
    }
    out.extend(op.pagination.iter().map(|p| p.item.clone()));
}

/// Who needs each type, filled by walks over references.
struct Need<'m> {
    model: &'m Model,
    always: Vec<bool>,
    features: Vec<BTreeSet<String>>,
}

impl<'m> Need<'m> {
    fn new(model: &'m Model) -> Self {
        let n = model.types.len();
        Need {
            model,
            always: vec![false; n],
            features: vec![BTreeSet::new(); n],
        }
    }

    fn reached(&self, index: usize) -> bool {
        self.always.get(index).copied().unwrap_or(true)
            || self.features.get(index).is_some_and(|f| !f.is_empty())
    }

    /// Marks every type `ty` reaches as needed by `feature` (`None`: always). Each type is
    /// visited once per feature, so the walk is linear in the model per group.
    fn reach(&mut self, ty: &TypeRef, feature: Option<&str>) {
        let mut stack = Vec::new();
        named_in(ty, &mut stack);
        while let Some(id) = stack.pop() {
            let fresh = match feature {
                None => self
                    .always
                    .get_mut(id.0)
                    .is_some_and(|seen| !std::mem::replace(seen, true)),
                Some(f) => self
                    .features
                    .get_mut(id.0)
                    .is_some_and(|set| set.insert(f.to_owned())),
            };
            if fresh {
                for inner in self.model.refs_of(id) {
                    named_in(inner, &mut stack);
                }
            }
        }
    }

    fn finish(self) -> Vec<Option<BTreeSet<String>>> {
        self.always
            .into_iter()
            .zip(self.features)
            .map(|(always, features)| (!always).then_some(features))
            .collect()
    }
}

/// The named types `ty` holds directly (through containers).
fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            named_in(inner, out)
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    fn gates_of(spec: &str) -> (Model, Gates) {
        let mut diags = Diagnostics::default();
        let doc = crate::load::load(spec, &mut diags).unwrap_or_default();
        let (model, _) = crate::lower::lower(&doc, &[], &mut diags);
        assert!(!diags.has_errors(), "{:?}", diags.items());
        let gates = Gates::compute(&model);
        (model, gates)
    }

    fn gate(model: &Model, gates: &Gates, name: &str) -> String {
        let id = model.types.iter().position(|d| d.name == name).unwrap();
        gates.of_type(TypeId(id)).to_string()
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a: {get: {operationId: get-a, responses: {'200': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/only_a'}}}}}}}
  /b: {get: {operationId: get-b, responses: {'200': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/only_b'}}}}}}}
components:
  schemas:
    only_a: {type: object, properties: {s: {$ref: '#/components/schemas/shared'}}}
    only_b: {type: object, properties: {s: {$ref: '#/components/schemas/shared'}, n: {type: integer}}}
    shared: {type: object, properties: {x: {type: string}}}
    loose: {type: object, properties: {d: {$ref: '#/components/schemas/deep'}}}
    deep: {type: object, properties: {y: {type: string}}}
"##;

    #[test]
    fn types_follow_the_groups_that_reach_them() {
        let (model, gates) = gates_of(SPEC);
        assert_eq!(gate(&model, &gates, "OnlyA"), "# [cfg (feature = \"a\")]");
        assert_eq!(gate(&model, &gates, "OnlyB"), "# [cfg (feature = \"b\")]");
        assert_eq!(
            gate(&model, &gates, "Shared"),
            "# [cfg (any (feature = \"a\" , feature = \"b\"))]"
        );
        // Reached by no operation: always there, and so is what it holds.
        assert_eq!(gate(&model, &gates, "Loose"), "");
        assert_eq!(gate(&model, &gates, "Deep"), "");
        assert_eq!(
            gates.group("r#type").to_string(),
            "# [cfg (feature = \"type\")]"
        );
    }

    #[test]
    fn nothing_is_gated_unless_computed() {
        let (model, _) = gates_of(SPEC);
        let off = Gates::default();
        assert!(off.group("a").is_empty());
        assert!((0..model.types.len()).all(|i| off.of_type(TypeId(i)).is_empty()));
    }
}
