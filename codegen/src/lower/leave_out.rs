//! Partial generation: an operation that cannot be generated is left out, the rest go on.
//!
//! An operation is left out when an error was recorded while lowering it (its parameters,
//! body, responses, security), or when it uses a named type that had an error of its own
//! (a component schema is lowered once, before any operation, so its errors belong to the
//! type, and through it to every operation that reaches it). Each left-out operation gets an
//! error naming it, its pointer and the first reason. Types it alone needed stay in the
//! module: they compile on their own, and keeping them keeps names stable across specs.

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::model::{BodyKind, Operation, ResponseBody, TypeId, TypeKind, TypeRef};
use crate::LeftOut;

/// An operation as lowered, with the first error recorded while lowering it.
pub(crate) struct Lowered {
    /// The operation, unless lowering gave up on it (a broken path template).
    pub operation: Option<Operation>,
    /// Its `operationId` (or the one derived from method and path).
    pub id: String,
    /// Where it is defined.
    pub pointer: String,
    /// The first error recorded while lowering it, if any.
    pub error: Option<Diagnostic>,
}

impl Lowerer<'_> {
    /// Splits the lowered operations into those generated and those left out (reported).
    pub(crate) fn keep_generable(
        &mut self,
        lowered: Vec<Lowered>,
    ) -> (Vec<Operation>, Vec<LeftOut>) {
        let bad = self.types_reaching_errors();
        let mut kept = Vec::new();
        let mut left_out = Vec::new();
        for item in lowered {
            let reason = match (&item.error, &item.operation) {
                (Some(error), _) => Some(because(error)),
                (None, Some(op)) => self.first_bad_use(op, &bad),
                (None, None) => Some("its path template cannot be read".to_owned()),
            };
            match (reason, item.operation) {
                (None, Some(op)) => kept.push(op),
                (reason, _) => {
                    let reason = reason.unwrap_or_default();
                    let message = format!("operation `{}` is left out: {reason}", item.id);
                    self.diags
                        .error(Kind::Unsupported, item.pointer.clone(), message);
                    left_out.push(LeftOut {
                        operation: item.id,
                        pointer: item.pointer,
                        reason,
                    });
                }
            }
        }
        (kept, left_out)
    }

    /// For each type, the tainted type it reaches (itself included), if any. Errors travel
    /// backwards along references, so each edge is followed once.
    fn types_reaching_errors(&self) -> Vec<Option<TypeId>> {
        let mut users: Vec<Vec<TypeId>> = vec![Vec::new(); self.types.len()];
        for (index, def) in self.types.iter().enumerate() {
            for_each_named(&def.kind, &mut |used| {
                if let Some(list) = users.get_mut(used.0) {
                    list.push(TypeId(index));
                }
            });
        }
        let mut bad: Vec<Option<TypeId>> = vec![None; self.types.len()];
        let mut queue: Vec<(TypeId, TypeId)> = self.tainted.keys().map(|id| (*id, *id)).collect();
        while let Some((id, source)) = queue.pop() {
            match bad.get_mut(id.0) {
                Some(slot @ None) => *slot = Some(source),
                _ => continue,
            }
            for user in users.get(id.0).into_iter().flatten() {
                queue.push((*user, source));
            }
        }
        bad
    }

    /// Why `op` cannot be generated because of a type it uses, if it cannot.
    fn first_bad_use(&self, op: &Operation, bad: &[Option<TypeId>]) -> Option<String> {
        let mut found = None;
        for_each_operation_type(op, &mut |ty| {
            if found.is_none() {
                found = named_in(ty).find_map(|id| bad.get(id.0).copied().flatten());
            }
        });
        let source = found?;
        let name = self
            .types
            .get(source.0)
            .map_or("?", |d| d.wire_name.as_str());
        let error = self.tainted.get(&source)?;
        Some(format!("it uses `{name}`: {}", because(error)))
    }
}

/// An error as a reason: its message and, where it sits, its pointer.
fn because(error: &Diagnostic) -> String {
    format!("{} (at {})", error.message, error.pointer)
}

/// Calls `f` with every type an operation's parameters, body and responses use.
fn for_each_operation_type(op: &Operation, f: &mut impl FnMut(&TypeRef)) {
    for param in &op.params {
        f(&param.ty);
    }
    for variant in op.body.iter().flat_map(|b| &b.variants) {
        match &variant.kind {
            BodyKind::Json(ty) | BodyKind::Raw(ty) => f(ty),
            BodyKind::Multipart(fields) | BodyKind::Form(fields) => {
                fields.iter().for_each(|field| f(&field.ty))
            }
        }
    }
    let responses = op.responses.iter().map(|r| &r.body);
    for body in responses.chain(std::iter::once(&op.success)) {
        if let ResponseBody::Json(ty) = body {
            f(ty);
        }
    }
}

/// Calls `f` with every named type a definition refers to directly.
fn for_each_named(kind: &TypeKind, f: &mut impl FnMut(TypeId)) {
    let mut visit = |ty: &TypeRef| named_in(ty).for_each(&mut *f);
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|field| visit(&field.ty));
            s.additional.iter().for_each(visit);
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
        TypeKind::Newtype(n) => visit(&n.base),
        TypeKind::Alias(ty) => visit(ty),
        TypeKind::Enum(_) | TypeKind::Pending => {}
    }
}

/// The named type inside a use, through lists, maps and `null`.
fn named_in(ty: &TypeRef) -> impl Iterator<Item = TypeId> {
    let mut current = ty;
    loop {
        match current {
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                current = inner
            }
            TypeRef::Named(id) => return Some(*id).into_iter(),
            _ => return None.into_iter(),
        }
    }
}
