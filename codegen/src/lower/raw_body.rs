//! Bodies that are neither JSON nor a form: whatever the schema, the bytes are sent as given.

use super::Lowerer;
use crate::diagnostics::Kind;
use crate::model::TypeRef;

impl Lowerer<'_> {
    /// The type a raw (`application/octet-stream`, `text/*`, …) body takes: its own when it is
    /// text or binary; bytes for an untyped schema (any value, which on such a media type can
    /// only be its bytes), and bytes with a warning for a schema that describes JSON values.
    pub(crate) fn raw_body_type(
        &mut self,
        ty: TypeRef,
        media_type: &str,
        pointer: &str,
    ) -> TypeRef {
        if self.is_bytes_like(&ty) {
            return ty;
        }
        if !matches!(crate::model::resolve(&self.types, &ty), TypeRef::Json) {
            let message = format!(
                "a `{media_type}` body is not JSON, so it is sent as the bytes the caller gives; the schema's type is not checked"
            );
            self.diags.warn(Kind::Ignored, pointer.to_owned(), message);
        }
        TypeRef::Binary
    }
}
