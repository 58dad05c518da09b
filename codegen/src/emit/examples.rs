//! Doc examples on methods and accessors, compiled as doctests of the crate that mounts the
//! module at its root (`info.x-kv-crate`; without it, no examples). They are `no_run`: they
//! need a server. Values the example cannot spell simply are arguments of the hidden
//! function around it, so every example compiles whatever the spec's types.

use super::operation::MethodKind;
use super::Emitter;
use crate::model::{Operation, ResponseBody, TypeRef};
use proc_macro2::TokenStream;

impl Emitter<'_> {
    /// The `# Example` section of a method's docs, as lines.
    pub(super) fn method_example(
        &self,
        op: &Operation,
        kind: MethodKind,
        name: &str,
    ) -> Vec<String> {
        let Some(krate) = self.model.api.doc_crate.as_deref() else {
            return Vec::new();
        };
        let module = self.module_path(krate, op);
        let mut hidden = vec![format!("client: {krate}::Client")];
        let mut args: Vec<String> = Vec::new();
        for p in self.path_arguments(op) {
            match self.literal(&p.ty, crate::naming::unraw(&p.name)) {
                Some(text) => args.push(text),
                None => {
                    let ty = self.lenient(p.ty.non_null()).to_string().replace(' ', "");
                    hidden.push(format!("{}: {}", p.name, qualify(&ty, krate)));
                    args.push(p.name.clone());
                }
            }
        }
        let params = crate::naming::unraw(&op.params_name).to_owned();
        match self.params_literal(op) {
            Some(call) => args.push(format!("{params}::{call}")),
            None => {
                hidden.push(format!("params: {module}::{params}"));
                args.push("params".to_owned());
            }
        }
        let chain = self.chain(op);
        let call = format!(
            "client{chain}.{}({})",
            crate::naming::unraw(name),
            args.join(", ")
        );
        let mut lines = vec![
            String::new(),
            "# Example".to_owned(),
            String::new(),
            "```no_run".to_owned(),
            format!(
                "# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{",
                hidden.join(", ")
            ),
            format!("use {module}::{params};"),
        ];
        lines.extend(usage(op, kind, &call));
        lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
        lines
    }

    /// `let values = client.kv().namespaces().values();` for an accessor.
    pub(super) fn accessor_example(&self, path: &[String]) -> TokenStream {
        let Some(krate) = self.model.api.doc_crate.as_deref() else {
            return TokenStream::new();
        };
        let chain: String = path
            .iter()
            .map(|s| format!(".{}()", crate::naming::unraw(s)))
            .collect();
        let last = path.last().map_or("handle", |s| crate::naming::unraw(s));
        let lines = vec![
            String::new(),
            "```no_run".to_owned(),
            format!("# fn example(client: {krate}::Client) {{"),
            format!("let {last} = client{chain};"),
            format!("# let _ = {last};"),
            "# }".to_owned(),
            "```".to_owned(),
        ];
        super::docs::lines_to_attrs(&lines)
    }

    /// Examples for `Client::builder`, `Client::from_env` and `Client::core`.
    pub(super) fn client_examples(&self) -> [TokenStream; 3] {
        let Some(krate) = self.model.api.doc_crate.as_deref() else {
            return [TokenStream::new(), TokenStream::new(), TokenStream::new()];
        };
        let example = |body: &[&str]| {
            let mut lines = vec![
                String::new(),
                "```no_run".to_owned(),
                "# fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
            ];
            lines.extend(body.iter().map(|l| l.replace("{krate}", krate)));
            lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
            super::docs::lines_to_attrs(&lines)
        };
        [
            example(&[
                "let client = {krate}::Client::builder()",
                "    .api_token(\"a-token\")",
                "    .retries(3)",
                "    .build()?;",
                "# let _ = client;",
            ]),
            example(&[
                "let client = {krate}::Client::from_env()?;",
                "# let _ = client;",
            ]),
            example(&[
                "let client = {krate}::Client::from_env()?;",
                "println!(\"sending to {}\", client.core().base_url());",
            ]),
        ]
    }

    /// `cloudflare_kv::kv`, where the operation's parameters struct lives.
    fn module_path(&self, krate: &str, op: &Operation) -> String {
        let group = self
            .model
            .resources
            .iter()
            .find(|r| r.path.len() == 1 && r.path.first() == op.resource.first())
            .and_then(|r| r.module.as_deref());
        match group {
            Some(module) => format!("{krate}::{module}"),
            None => krate.to_owned(),
        }
    }

    /// `.kv().namespaces().values()`.
    fn chain(&self, op: &Operation) -> String {
        op.resource
            .iter()
            .map(|s| format!(".{}()", crate::naming::unraw(s)))
            .collect()
    }

    /// `new("…", …)` when every required field can be written as a literal.
    fn params_literal(&self, op: &Operation) -> Option<String> {
        let required: Vec<String> = self
            .fields(op)
            .iter()
            .filter(|f| f.required)
            .map(|f| self.literal(f.ty, f.wire))
            .collect::<Option<_>>()?;
        Some(format!("new({})", required.join(", ")))
    }

    /// A literal of `ty` a method accepts: text and bytes as a string, numbers, booleans,
    /// lists of text.
    fn literal(&self, ty: &TypeRef, wire: &str) -> Option<String> {
        if self.is_bytes_like(ty) {
            return Some(format!("{wire:?}"));
        }
        match self.resolved(ty) {
            TypeRef::Integer(_) => Some("1".to_owned()),
            TypeRef::Number => Some("1.0".to_owned()),
            TypeRef::Boolean => Some("true".to_owned()),
            TypeRef::Array(item) if self.is_text(item) => {
                Some(format!("vec![{wire:?}.to_owned()]"))
            }
            _ => None,
        }
    }
}

/// The lines that make the call and use its answer.
fn usage(op: &Operation, kind: MethodKind, call: &str) -> Vec<String> {
    match kind {
        MethodKind::Pages => vec![
            "use futures_util::TryStreamExt;".to_owned(),
            format!("let mut items = {call}.items();"),
            "while let Some(item) = items.try_next().await? {".to_owned(),
            "    println!(\"{item:?}\");".to_owned(),
            "}".to_owned(),
        ],
        MethodKind::Stream => vec![
            format!("let response = {call}.await?;"),
            "let mut file = tokio::fs::File::create(\"value.bin\").await?;".to_owned(),
            "let written = response.into_body().write_to(&mut file).await?;".to_owned(),
            "println!(\"{written} bytes\");".to_owned(),
        ],
        MethodKind::Main => {
            let show = match &op.success {
                ResponseBody::Empty
                | ResponseBody::Envelope(crate::model::Envelope { result: None, .. }) => {
                    "println!(\"{}\", response.status());"
                }
                ResponseBody::Bytes => "println!(\"{} bytes\", response.body().len());",
                _ => "println!(\"{:?}\", response.body());",
            };
            vec![format!("let response = {call}.await?;"), show.to_owned()]
        }
    }
}

/// A type spelled for the example: generated types through the crate's `types` module.
fn qualify(ty: &str, krate: &str) -> String {
    let with_types = ty.replace("types::", &format!("{krate}::types::"));
    with_types.replace("rt::", &format!("{krate}::runtime::"))
}
