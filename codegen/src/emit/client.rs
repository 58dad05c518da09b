//! The client and its resource handles: `client.kv().namespaces().values()`.

use super::{ident, Emitter};
use crate::model::Resource;
use proc_macro2::TokenStream;
use quote::quote;

impl Emitter<'_> {
    /// `DEFAULT_BASE_URL`, `Client`, and one handle struct per resource.
    pub fn client(&self) -> TokenStream {
        let rt = &self.rt;
        let base_url = self.model.api.base_url.clone().unwrap_or_default();
        let title = format!(
            " The client of {} (version {}).",
            self.model.api.title, self.model.api.version
        );
        let accessors = self.accessors(&[]);
        let methods = self.methods_of(&[]);
        let handles = self.model.resources.iter().map(|r| self.handle(r));
        let from_env_doc = format!(" A client configured from the environment (see [`ClientBuilder::from_env`]({}::ClientBuilder::from_env)).", rt.to_string().replace(' ', ""));
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

                #[doc = #from_env_doc]
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

            #(#handles)*
        }
    }

    /// One resource handle: a borrowed core and accessors to its children.
    fn handle(&self, resource: &Resource) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&resource.type_name);
        let doc = format!(
            " Operations under `{}`.",
            resource
                .path
                .iter()
                .map(|s| crate::naming::unraw(s))
                .collect::<Vec<_>>()
                .join(".")
        );
        let accessors = self.accessors(&resource.path);
        let methods = self.methods_of(&resource.path);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #name<'a> {
                core: &'a #rt::Core,
            }

            impl<'a> #name<'a> {
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
            let doc = format!(
                " Operations under `{}`.",
                child
                    .path
                    .iter()
                    .map(|s| crate::naming::unraw(s))
                    .collect::<Vec<_>>()
                    .join(".")
            );
            let (lifetime, core) = if root {
                (quote!('_), quote!(&self.core))
            } else {
                (quote!('a), quote!(self.core))
            };
            quote! {
                #[doc = #doc]
                pub fn #method(&self) -> #name<#lifetime> {
                    #name { core: #core }
                }
            }
        });
        quote! { #(#items)* }
    }
}
