//! Local `$ref` resolution: `#/components/<section>/<name>` only.

use crate::diagnostics::{Diagnostics, Kind};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};

/// The component name a reference points to, if it has the form `#/components/<section>/<name>`.
pub fn component_name<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    let rest = reference.strip_prefix("#/components/")?;
    let name = rest.strip_prefix(section)?.strip_prefix('/')?;
    // A deeper pointer (`…/schemas/a/properties/b`) is not a component.
    (!name.contains('/')).then_some(name)
}

/// Decodes `~1` and `~0` in one pointer token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Records why `reference` cannot be followed; a dangling one names the closest existing
/// component of its section, if one is close ("did you mean `Item`?").
pub fn report_bad_ref(
    doc: &OpenAPI,
    reference: &str,
    section: &str,
    pointer: &str,
    diags: &mut Diagnostics,
) {
    let message = if !reference.starts_with('#') {
        format!("external reference `{reference}` is not supported: only `#/components/{section}/…` references within the document")
    } else if let Some(name) = component_name(reference, section) {
        let hint = suggestion(doc, &unescape(name), section, diags)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        format!(
            "reference `{reference}` points to nothing: no such entry in `components/{section}`{hint}"
        )
    } else {
        format!(
            "reference `{reference}` is not supported: expected `#/components/{section}/<name>`"
        )
    };
    diags.error(Kind::Reference, pointer, message);
}

/// Past this many problems no more suggestions are computed, which keeps a document full of
/// broken references linear to check (each suggestion reads every name of a section once).
const SUGGESTION_BUDGET: usize = 32;

/// The closest name in `components/<section>` to `missing`, unless the document already has
/// so many problems that nobody would read one more hint.
fn suggestion<'a>(
    doc: &'a OpenAPI,
    missing: &str,
    section: &str,
    diags: &Diagnostics,
) -> Option<&'a str> {
    if diags.items().len() >= SUGGESTION_BUDGET {
        return None;
    }
    crate::suggest::closest(missing, section_names(doc, section))
}

/// The names of one section of `components`, in document order.
fn section_names<'a>(doc: &'a OpenAPI, section: &str) -> Vec<&'a str> {
    let Some(components) = doc.components.as_ref() else {
        return Vec::new();
    };
    let names: Box<dyn Iterator<Item = &String>> = match section {
        "schemas" => Box::new(components.schemas.keys()),
        "parameters" => Box::new(components.parameters.keys()),
        "requestBodies" => Box::new(components.request_bodies.keys()),
        "responses" => Box::new(components.responses.keys()),
        "securitySchemes" => Box::new(components.security_schemes.keys()),
        _ => return Vec::new(),
    };
    names.map(String::as_str).collect()
}

/// Looks up a schema component.
pub fn schema<'a>(doc: &'a OpenAPI, reference: &str) -> Option<&'a ReferenceOr<Schema>> {
    let name = unescape(component_name(reference, "schemas")?);
    doc.components.as_ref()?.schemas.get(&name)
}

/// Follows `ReferenceOr<T>` through components of one section, reporting dangling references.
fn follow<'a, T>(
    doc: &OpenAPI,
    item: &'a ReferenceOr<T>,
    section: &str,
    table: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a T, String)> {
    let mut current = item;
    let mut at = pointer.to_owned();
    // Bounded: a chain longer than the number of components would be a cycle.
    for _ in 0..64 {
        match current {
            ReferenceOr::Item(value) => return Some((value, at)),
            ReferenceOr::Reference { reference } => {
                let target = component_name(reference, section).and_then(|n| table(&unescape(n)));
                match target {
                    Some(next) => {
                        at = reference.clone();
                        current = next;
                    }
                    None => {
                        report_bad_ref(doc, reference, section, &at, diags);
                        return None;
                    }
                }
            }
        }
    }
    diags.error(
        Kind::Reference,
        pointer,
        format!("`$ref` chain in `components/{section}` is circular"),
    );
    None
}

/// Resolves a parameter, returning it and the pointer where its definition lives.
pub fn parameter<'a>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<Parameter>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a Parameter, String)> {
    let components = doc.components.as_ref();
    follow(
        doc,
        item,
        "parameters",
        |n| components?.parameters.get(n),
        pointer,
        diags,
    )
}

/// Resolves a request body.
pub fn request_body<'a>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<RequestBody>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a RequestBody, String)> {
    let components = doc.components.as_ref();
    follow(
        doc,
        item,
        "requestBodies",
        |n| components?.request_bodies.get(n),
        pointer,
        diags,
    )
}

/// Resolves a response.
pub fn response<'a>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<Response>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a Response, String)> {
    let components = doc.components.as_ref();
    follow(
        doc,
        item,
        "responses",
        |n| components?.responses.get(n),
        pointer,
        diags,
    )
}

/// Resolves a security scheme by its name in a requirement.
pub fn security_scheme<'a>(
    doc: &'a OpenAPI,
    name: &str,
) -> Option<&'a ReferenceOr<SecurityScheme>> {
    doc.components.as_ref()?.security_schemes.get(name)
}

/// Follows schema references until a schema body, for shallow inspection (no lowering).
pub fn schema_body<'a>(doc: &'a OpenAPI, item: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    let mut current = item;
    for _ in 0..64 {
        match current {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference } => current = schema(doc, reference)?,
        }
    }
    None
}

/// Like [`schema_body`] for the boxed form used by properties and items.
pub fn boxed_schema_body<'a>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a Schema> {
    match item {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => schema_body(doc, schema(doc, reference)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names() {
        assert_eq!(
            component_name("#/components/schemas/a", "schemas"),
            Some("a")
        );
        assert_eq!(
            component_name("#/components/schemas/a/properties/b", "schemas"),
            None
        );
        assert_eq!(component_name("#/components/parameters/a", "schemas"), None);
        assert_eq!(
            component_name("other.yaml#/components/schemas/a", "schemas"),
            None
        );
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
    }
}
