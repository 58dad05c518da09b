//! Slips real specs make, read as their writers meant, each with a warning that says how.
//!
//! - `required: true` on a property (Swagger 2's parameter style): OpenAPI lists required
//!   properties on their object (`required: [name]`). The property is added to that list;
//!   `required: false` is dropped.

use super::walk::{self, Ctx, Pointer, Visit};
use crate::diagnostics::{Diagnostics, Kind};
use serde_yaml::{Mapping, Value};

/// Reads the slips of `doc` as meant.
pub(crate) fn normalise(doc: &mut Value, diags: &mut Diagnostics) {
    walk::document(doc, &mut Slips { diags });
}

struct Slips<'d> {
    diags: &'d mut Diagnostics,
}

impl Visit for Slips<'_> {
    fn visit(&mut self, node: &mut Value, ctx: Ctx, at: &Pointer) -> bool {
        if let (Ctx::Schema, Value::Mapping(map)) = (ctx, node) {
            self.required_flags(map, at);
        }
        true
    }
}

impl Slips<'_> {
    /// Moves `required: <bool>` from the properties of `object` into its `required` list.
    fn required_flags(&mut self, object: &mut Mapping, at: &Pointer) {
        let Some(Value::Mapping(properties)) = object.get_mut("properties") else {
            return;
        };
        let mut required = Vec::new();
        for (name, property) in properties.iter_mut() {
            let (Some(name), Value::Mapping(property)) = (name.as_str(), property) else {
                continue;
            };
            let Some(Value::Bool(flag)) = property.get("required").cloned() else {
                continue;
            };
            property.remove("required");
            let here = at.child("properties").child(name).child("required");
            let message = if flag {
                required.push(Value::from(name));
                format!("`required: true` on a property: OpenAPI lists required properties on their object; read as `required: [{name}]` there")
            } else {
                "`required: false` on a property: properties are optional unless their object lists them; ignored".to_owned()
            };
            self.diags.warn(Kind::Ignored, here.as_str(), message);
        }
        if required.is_empty() {
            return;
        }
        let list = object
            .entry(Value::from("required"))
            .or_insert_with(|| Value::Sequence(Vec::new()));
        if let Value::Sequence(list) = list {
            for name in required {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_required_flag_on_a_property_joins_its_objects_list() {
        let text = "components:\n  schemas:\n    task:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        name: {type: string, required: true}\n        note: {type: string, required: false}\n";
        let mut doc: Value = serde_yaml::from_str(text).unwrap();
        let mut diags = Diagnostics::default();
        normalise(&mut doc, &mut diags);
        let task = &doc["components"]["schemas"]["task"];
        assert_eq!(
            task["required"],
            serde_yaml::from_str::<Value>("[id, name]").unwrap()
        );
        assert!(task["properties"]["name"].get("required").is_none());
        assert!(task["properties"]["note"].get("required").is_none());
        let notes: Vec<String> = diags
            .items()
            .iter()
            .map(|d| format!("{} @ {}", d.message, d.pointer))
            .collect();
        assert_eq!(notes, [
            "`required: true` on a property: OpenAPI lists required properties on their object; read as `required: [name]` there @ #/components/schemas/task/properties/name/required",
            "`required: false` on a property: properties are optional unless their object lists them; ignored @ #/components/schemas/task/properties/note/required",
        ]);
    }
}
