//! The client and its resource handles: `client.kv().namespaces().values()`.
//!
//! The root module holds `Client` (with an accessor per group and the methods of
//! operations outside any group); each group's module holds its handles, one per resource,
//! each a borrowed `Core` with accessors to its children and its methods.

use super::{ident, Emitter};
use crate::model::{ParamLocation, ParamRole, Resource};
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Methods of the runtime's `ClientBuilder`; a client-default parameter of the same name
/// gets no setter in `ClientBuilderExt` (the inherent method would shadow it), only
/// `path_default`, which sets any of them by wire name.
const BUILDER_METHODS: &[&str] = &[
    "allow_insecure_http",
    "api_token",
    "backoff",
    "base_url",
    "build",
    "connect_timeout",
    "deadline",
    "email_key",
    "from_env",
    "from_env_with",
    "http_client_builder",
    "max_response_bytes",
    "max_value_bytes",
    "new",
    "path_default",
    "retries",
    "retry_after_cap",
    "timeout",
    "user_agent",
    "validate_requests",
];

impl Emitter<'_> {
    /// `DEFAULT_BASE_URL`, `Client`, and the parameters of operations outside any group.
    pub fn root(&self) -> TokenStream {
        let rt = &self.rt;
        let base_url = self.model.api.base_url.clone().unwrap_or_default();
        let title = format!(
            " The client of {} (version {}).",
            self.model.api.title, self.model.api.version
        );
        let accessors = self.accessors(&[]);
        let methods = self.methods_of(&[]);
        let params = self.params_of_group("");
        let reexports = self.params_reexports();
        let api_client = self.api_client();
        let [builder_example, from_env_example, core_example] = self.client_examples();
        quote! {
            /// The server named by the specification; the client's base URL unless configured.
            pub const DEFAULT_BASE_URL: &str = #base_url;

            #[doc = #title]
            ///
            /// Cheap to clone: clones share one connection pool and configuration.
            ///
            /// # Errors
            ///
            /// Every operation's method fails with a validation error, before any I/O, when a
            /// parameter breaks a constraint of the specification (unless validation is switched
            /// off); otherwise with the transport's or the API's error. Each method lists the
            /// error statuses the specification describes for it.
            #[derive(Clone, Debug)]
            pub struct Client {
                core: #rt::Core,
            }

            impl Client {
                /// A builder that starts from [`DEFAULT_BASE_URL`] and no credentials.
                #builder_example
                pub fn builder() -> #rt::ClientBuilder<Self> {
                    #rt::ClientBuilder::new(DEFAULT_BASE_URL)
                }

                /// A client configured from the environment (see [`ClientBuilder::from_env`](rt::ClientBuilder::from_env)).
                #from_env_example
                pub fn from_env() -> Result<Self, #rt::Error> {
                    Self::builder().from_env()?.build()
                }

                /// The configured transport this client sends through.
                #core_example
                pub fn core(&self) -> &#rt::Core {
                    &self.core
                }

                #accessors
                #methods
            }

            impl From<#rt::Core> for Client {
                fn from(core: #rt::Core) -> Self {
                    Self { core }
                }
            }

            #api_client

            #params
            #reexports
        }
    }

    /// `pub use kv::{…Params};`: every group's parameters structs at the root too, where
    /// callers name them, unless two groups chose the same name.
    fn params_reexports(&self) -> TokenStream {
        let modules: BTreeMap<&str, &str> = self
            .model
            .resources
            .iter()
            .filter_map(|r| Some((r.path.first()?.as_str(), r.module.as_deref()?)))
            .collect();
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for op in &self.model.operations {
            let module = op.resource.first().and_then(|g| modules.get(g.as_str()));
            if let Some(module) = module {
                by_name.entry(&op.params_name).or_default().push(module);
            }
        }
        let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, in_modules) in by_name {
            if let [module] = in_modules.as_slice() {
                by_module.entry(module).or_default().push(name);
            }
        }
        // One `use` per name: the formatter splits items at braces.
        let items = by_module.into_iter().flat_map(|(module, names)| {
            let gate = self.gates.group(module);
            let module = ident(module);
            names.into_iter().map(move |name| {
                let name = ident(name);
                quote! { #gate pub use #module::#name; }
            })
        });
        quote! { #(#items)* }
    }

    /// The body of a group's module: its handles and its operations' parameters.
    pub fn group(&self, group: &Resource) -> TokenStream {
        let handles = self
            .model
            .resources
            .iter()
            .filter(|r| r.path.first() == group.path.first())
            .map(|r| self.handle(r))
            // Now: the methods name the error decoders the parameters' part then writes.
            .collect::<Vec<_>>();
        let first = group.path.first().map_or("", String::as_str);
        let params = self.params_of_group(first);
        quote! {
            #(#handles)*
            #params
        }
    }

    /// One resource handle: a borrowed core, accessors to its children, its methods.
    fn handle(&self, resource: &Resource) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&resource.type_name);
        let doc = format!(" Operations under `{}`.", dotted(&resource.path));
        let accessors = self.accessors(&resource.path);
        let methods = self.methods_of(&resource.path);
        // The group's own handle is made by `Client`: in the parent module, or (crates
        // layout) in the facade crate.
        let visibility = if self.split {
            quote!(#[doc(hidden)] pub)
        } else {
            quote!(pub(super))
        };
        let constructor = (resource.path.len() == 1).then(|| {
            quote! {
                #visibility fn new(core: &'a #rt::Core) -> Self {
                    Self { core }
                }
            }
        });
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #name<'a> {
                core: &'a #rt::Core,
            }

            impl<'a> #name<'a> {
                #constructor
                #accessors
                #methods
            }
        }
    }

    /// Accessors from the resource at `path` to its direct children.
    fn accessors(&self, path: &[String]) -> TokenStream {
        let root = path.is_empty();
        let children = self
            .model
            .resources
            .iter()
            .filter(|r| r.path.len() == path.len() + 1 && r.path.starts_with(path));
        let items = children.map(|child| {
            let name = ident(&child.type_name);
            let method = ident(child.path.last().map_or("resource", |s| s.as_str()));
            let doc = format!(" Operations under `{}`.", dotted(&child.path));
            let example = self.accessor_example(&child.path);
            if root {
                let module = ident(child.module.as_deref().unwrap_or("resource"));
                let gate = self.gates.group(child.module.as_deref().unwrap_or(""));
                quote! {
                    #[doc = #doc]
                    #example
                    #gate
                    pub fn #method(&self) -> #module::#name<'_> {
                        #module::#name::new(&self.core)
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    #example
                    pub fn #method(&self) -> #name<'a> {
                        #name { core: self.core }
                    }
                }
            }
        });
        quote! { #(#items)* }
    }
}

/// `kv.namespaces.values`.
pub(super) fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|s| crate::naming::unraw(s))
        .collect::<Vec<_>>()
        .join(".")
}

impl Emitter<'_> {
    /// What the client tells the runtime about its API (`impl ApiClient`): its environment
    /// variables, all `<PREFIX>_…`, and a `User-Agent` of the crate that compiles it; plus a
    /// `ClientBuilderExt` setter per client-default parameter.
    fn api_client(&self) -> TokenStream {
        let rt = &self.rt;
        let prefix = &self.model.api.env_prefix;
        let var = |suffix: &str| format!("{prefix}_{}", suffix.to_shouty_snake_case());
        let (token, email, key, base_url) = (
            var("API_TOKEN"),
            var("EMAIL"),
            var("API_KEY"),
            var("BASE_URL"),
        );
        let defaults = self.client_default_params();
        let pairs = defaults.keys().map(|wire| {
            let env = var(wire);
            quote!((#wire, #env))
        });
        let setters = self.builder_ext(&defaults, &var);
        quote! {
            impl #rt::ApiClient for Client {
                const ENV: #rt::EnvVars = #rt::EnvVars {
                    api_token: #token,
                    email: #email,
                    api_key: #key,
                    base_url: #base_url,
                    path_defaults: &[#(#pairs),*],
                };
                const USER_AGENT: &'static str =
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
            }

            #setters
        }
    }

    /// Client-default path parameters of every operation: wire name → Rust name, sorted.
    fn client_default_params(&self) -> BTreeMap<&str, &str> {
        let params = self.model.operations.iter().flat_map(|op| &op.params);
        params
            .filter(|p| p.location == ParamLocation::Path && p.role == ParamRole::ClientDefault)
            .map(|p| (p.wire_name.as_str(), p.name.as_str()))
            .collect()
    }

    /// `ClientBuilderExt`: `.account_id(…)` and the like on `Client::builder()`.
    fn builder_ext(
        &self,
        defaults: &BTreeMap<&str, &str>,
        var: &dyn Fn(&str) -> String,
    ) -> TokenStream {
        let rt = &self.rt;
        let (decls, impls): (Vec<_>, Vec<_>) = setters(defaults)
            .into_iter()
            .map(|(name, wires)| {
                let method = ident(name);
                let doc = setter_doc(&wires, var);
                let decl = quote! {
                    #[doc = #doc]
                    fn #method(self, value: impl Into<String>) -> Self;
                };
                let body = setter_body(&wires);
                let body = quote! {
                    fn #method(self, value: impl Into<String>) -> Self {
                        #body
                    }
                };
                (decl, body)
            })
            .unzip();
        if decls.is_empty() {
            return TokenStream::new();
        }
        quote! {
            /// Setters on [`Client::builder`] for the path parameters that default to a value
            /// set on the client.
            pub trait ClientBuilderExt {
                #(#decls)*
            }

            impl ClientBuilderExt for #rt::ClientBuilder<Client> {
                #(#impls)*
            }
        }
    }
}

/// Setter name → the wire names it sets. Two wire names (`site-id`, `site_id`) can share a Rust
/// name; the one setter then sets both. Names of builder methods get no setter.
fn setters<'d>(defaults: &BTreeMap<&'d str, &'d str>) -> BTreeMap<&'d str, Vec<&'d str>> {
    let mut setters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (wire, name) in defaults {
        if !BUILDER_METHODS.contains(&crate::naming::unraw(name)) {
            setters.entry(*name).or_default().push(*wire);
        }
    }
    setters
}

fn setter_doc(wires: &[&str], var: &dyn Fn(&str) -> String) -> String {
    let names: Vec<String> = wires.iter().map(|w| format!("`{w}`")).collect();
    let mut vars: Vec<String> = wires.iter().map(|w| format!("`{}`", var(w))).collect();
    vars.dedup();
    format!(
        " The {} used when a call does not give one (else {} in `from_env`).",
        names.join(" and "),
        vars.join(" and ")
    )
}

/// `self.path_default("a", value)`, or for several wire names one call each with a copy.
fn setter_body(wires: &[&str]) -> TokenStream {
    match wires {
        [wire] => quote! { self.path_default(#wire, value) },
        [rest @ .., last] => quote! {
            let value: String = value.into();
            self #(.path_default(#rest, value.clone()))* .path_default(#last, value)
        },
        [] => quote! { self },
    }
}
