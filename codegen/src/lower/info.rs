//! Facts about the API as a whole that the generated client hands to the runtime: the prefix
//! of its environment variables (`x-kv-env-prefix`, else the first word of `info.title`).

use crate::diagnostics::{Diagnostics, Kind};
use openapiv3::Info;

const ENV_PREFIX: &str = "x-kv-env-prefix";
const POINTER: &str = "#/info/x-kv-env-prefix";

/// The environment prefix of the API: `x-kv-env-prefix` on `info` when valid, else one
/// derived from the title (an invalid extension is an error and the title is used).
pub fn env_prefix(info: &Info, diags: &mut Diagnostics) -> String {
    match info.extensions.get(ENV_PREFIX) {
        None => from_title(&info.title),
        Some(serde_json::Value::String(prefix)) if is_env_prefix(prefix) => prefix.clone(),
        Some(other) => {
            diags.error(Kind::Invalid, POINTER, invalid_message(other));
            from_title(&info.title)
        }
    }
}

/// Replaces the prefix with one given to the generator (`Config::env_prefix`), if valid.
pub fn override_env_prefix(current: &mut String, given: Option<&str>, diags: &mut Diagnostics) {
    let Some(given) = given else {
        return;
    };
    if is_env_prefix(given) {
        given.clone_into(current);
    } else {
        let message = format!(
            "the environment prefix {given:?} given to the generator (--env-prefix) is not upper-case ASCII letters, digits and `_` starting with a letter"
        );
        diags.error(Kind::Invalid, "#", message);
    }
}

fn invalid_message(value: &serde_json::Value) -> String {
    format!("`{ENV_PREFIX}` must be a string of upper-case ASCII letters, digits and `_` starting with a letter (e.g. `CLOUDFLARE`), found {value}")
}

/// `CLOUDFLARE`, `MY_API2`: what a shell accepts as the start of a variable name.
fn is_env_prefix(prefix: &str) -> bool {
    let mut chars = prefix.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `Todo API` → `TODO`, `Cloudflare API - Workers KV` → `CLOUDFLARE`: the first word of the
/// title that starts with an ASCII letter, in upper case. That word is usually the brand,
/// which is how such variables are conventionally named (`GITHUB_TOKEN`, `STRIPE_API_KEY`);
/// `API` when the title has no such word.
fn from_title(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| word.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map_or_else(|| "API".to_owned(), str::to_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(title: &str, prefix: Option<serde_json::Value>) -> Info {
        let mut info = Info {
            title: title.to_owned(),
            ..Info::default()
        };
        if let Some(prefix) = prefix {
            info.extensions.insert(ENV_PREFIX.to_owned(), prefix);
        }
        info
    }

    #[test]
    fn prefixes_come_from_the_title() {
        assert_eq!(from_title("Todo API"), "TODO");
        assert_eq!(from_title("Cloudflare Workers KV"), "CLOUDFLARE");
        assert_eq!(
            from_title("Cloudflare API - Workers KV (extract of all /storage/kv/ operations)"),
            "CLOUDFLARE"
        );
        assert_eq!(from_title("my-api v2"), "MY");
        assert_eq!(from_title("GitHub v3 REST API"), "GITHUB");
        assert_eq!(from_title("3D Printer"), "PRINTER");
        assert_eq!(from_title("Ünïcode"), "N");
        assert_eq!(from_title(""), "API");
        assert_eq!(from_title("  ✓ 42 "), "API");
    }

    #[test]
    fn the_extension_wins_when_valid() {
        let mut diags = Diagnostics::default();
        let given = info("Todo API", Some("CLOUDFLARE".into()));
        assert_eq!(env_prefix(&given, &mut diags), "CLOUDFLARE");
        assert!(!diags.has_errors());
    }

    #[test]
    fn an_invalid_extension_is_an_error_at_its_pointer() {
        for bad in ["cloudflare", "", "1ABC", "A-B"] {
            let mut diags = Diagnostics::default();
            let given = info("Todo API", Some(bad.into()));
            assert_eq!(env_prefix(&given, &mut diags), "TODO");
            let found: Vec<_> = diags
                .into_items()
                .into_iter()
                .map(|d| (d.pointer, d.message))
                .collect();
            assert_eq!(found, [(POINTER.to_owned(), invalid_message(&bad.into()))]);
        }
        let mut diags = Diagnostics::default();
        env_prefix(&info("T", Some(serde_json::json!(3))), &mut diags);
        assert_eq!(
            messages(diags),
            ["`x-kv-env-prefix` must be a string of upper-case ASCII letters, digits and `_` starting with a letter (e.g. `CLOUDFLARE`), found 3"]
        );
    }

    #[test]
    fn a_configured_prefix_replaces_it_when_valid() {
        let mut diags = Diagnostics::default();
        let mut prefix = "TODO".to_owned();
        override_env_prefix(&mut prefix, None, &mut diags);
        assert_eq!(prefix, "TODO");
        override_env_prefix(&mut prefix, Some("MY_TODO"), &mut diags);
        assert_eq!(prefix, "MY_TODO");
        assert!(!diags.has_errors());
        override_env_prefix(&mut prefix, Some("my todo"), &mut diags);
        assert_eq!(prefix, "MY_TODO");
        assert_eq!(
            messages(diags),
            ["the environment prefix \"my todo\" given to the generator (--env-prefix) is not upper-case ASCII letters, digits and `_` starting with a letter"]
        );
    }

    fn messages(diags: Diagnostics) -> Vec<String> {
        diags.into_items().into_iter().map(|d| d.message).collect()
    }
}
