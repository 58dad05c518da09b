//! The client and its resource handles: `client.kv().namespaces().values()`.
//!
//! The root module holds `Client` (with an accessor per group and the methods of
//! operations outside any group); each group's module holds its handles, one per resource,
//! each a borrowed `Core` with accessors to its children and its methods.

use super::{ident, Emitter};
use crate::model::Resource;
use proc_macro2::TokenStream;
use quote::quote;

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
        quote! {
            /// The server named by the specification; the client's base URL unless configured.
            pub const DEFAULT_BASE_URL: &str = #base_url;

            #[doc = #title]
            ///
            /// Cheap to clone: clones share one connection pool and configuration.
            #[derive(Clone, Debug)]
            pub struct Client {
                core: #rt::Core,
            }

            impl Client {
                /// A builder that starts from [`DEFAULT_BASE_URL`] and no credentials.
                pub fn builder() -> #rt::ClientBuilder<Self> {
                    #rt::ClientBuilder::new(DEFAULT_BASE_URL)
                }

                /// A client configured from the environment (see [`ClientBuilder::from_env`](rt::ClientBuilder::from_env)).
                pub fn from_env() -> Result<Self, #rt::Error> {
                    Self::builder().from_env()?.build()
                }

                /// The configured transport this client sends through.
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

            #params
        }
    }

    /// The body of a group's module: its handles and its operations' parameters.
    pub fn group(&self, group: &Resource) -> TokenStream {
        let handles = self
            .model
            .resources
            .iter()
            .filter(|r| r.path.first() == group.path.first())
            .map(|r| self.handle(r));
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
        // The group's own handle is made by `Client`, in the parent module.
        let constructor = (resource.path.len() == 1).then(|| {
            quote! {
                pub(super) fn new(core: &'a #rt::Core) -> Self {
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
