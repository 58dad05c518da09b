//! `.../storage/kv/namespaces` (list, create) and `.../namespaces/{id}` (get,
//! rename, delete).

use serde_json::Value;

use crate::call::Call;
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::json::{NamespaceOut, PageInfo};
use crate::keys::text_param;
use crate::limits::{MAX_TITLE_CHARS, NAMESPACES_PER_PAGE_DEFAULT, NAMESPACES_PER_PAGE_MAX};
use crate::store::Namespace;
use crate::validate;

type Answer = Result<http::Response<Body>, ApiError>;

/// `GET`: one page of the account's namespaces, ordered as asked.
pub(crate) fn list(call: &Call<'_>) -> Answer {
    let account = call.account()?;
    let page = number(call, "page", 1, usize::MAX)?.unwrap_or(1);
    let per_page = number(call, "per_page", 1, NAMESPACES_PER_PAGE_MAX)?
        .unwrap_or(NAMESPACES_PER_PAGE_DEFAULT);
    let by_title = choice(call, "order", ["id", "title"])?.is_some_and(|o| o == "title");
    let descending = choice(call, "direction", ["asc", "desc"])?.is_some_and(|d| d == "desc");
    let mut all = call.state.store.namespaces(&account);
    if by_title {
        all.sort_by(|a, b| a.title.cmp(&b.title));
    }
    if descending {
        all.reverse();
    }
    let skip = page.saturating_sub(1).saturating_mul(per_page);
    let shown: Vec<NamespaceOut<'_>> = all
        .iter()
        .skip(skip)
        .take(per_page)
        .map(Into::into)
        .collect();
    let info = PageInfo {
        page,
        per_page,
        count: shown.len(),
        total_count: all.len(),
        total_pages: all.len().div_ceil(per_page),
    };
    Ok(envelope::success_paged(&shown, &info))
}

/// `POST {"title": ...}`: a new namespace with a fresh id.
pub(crate) fn create(call: &Call<'_>) -> Answer {
    let account = call.account()?;
    let title = title(call)?;
    let created = call.state.store.create(&account, &title)?;
    Ok(one(&created))
}

/// `GET`: one namespace.
pub(crate) fn get(call: &Call<'_>) -> Answer {
    let (account, id) = call.namespace()?;
    Ok(one(&call.state.store.namespace(&account, &id)?))
}

/// `PUT {"title": ...}`: a new title for a namespace.
pub(crate) fn rename(call: &Call<'_>) -> Answer {
    let (account, id) = call.namespace()?;
    let title = title(call)?;
    Ok(one(&call.state.store.rename(&account, &id, &title)?))
}

/// `DELETE`: the namespace and every key in it (any body is ignored).
pub(crate) fn delete(call: &Call<'_>) -> Answer {
    let (account, id) = call.namespace()?;
    call.state.store.remove(&account, &id)?;
    Ok(envelope::success())
}

/// A namespace as the result.
fn one(namespace: &Namespace) -> http::Response<Body> {
    envelope::success_with(&NamespaceOut::from(namespace))
}

/// The `title` of a create or rename body: a string of 1..=512 characters, in an
/// object with no other field.
fn title(call: &Call<'_>) -> Result<String, ApiError> {
    let body: serde_json::Map<String, Value> = call.json()?;
    if let Some(other) = body.keys().find(|k| *k != "title") {
        return Err(ApiError::BadBody(format!(
            "unknown field `{other}`, expected `title`"
        )));
    }
    let title = match body.get("title") {
        None => return Err(ApiError::BadTitle("missing".to_owned())),
        Some(Value::String(title)) => title,
        Some(_) => return Err(ApiError::BadTitle("must be a string".to_owned())),
    };
    let chars = title.chars().count();
    if chars == 0 {
        return Err(ApiError::BadTitle("empty".to_owned()));
    }
    if chars > MAX_TITLE_CHARS {
        return Err(ApiError::BadTitle(format!(
            "{chars} characters exceeds limit of {MAX_TITLE_CHARS}"
        )));
    }
    Ok(title.clone())
}

/// A whole-number query parameter within `min..=max`, if present.
fn number(call: &Call<'_>, name: &str, min: usize, max: usize) -> Result<Option<usize>, ApiError> {
    let Some(text) = text_param(call.query(name), name)? else {
        return Ok(None);
    };
    let n = validate::whole_number(&text)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| (min..=max).contains(n));
    match n {
        Some(n) => Ok(Some(n)),
        None if max == usize::MAX => Err(ApiError::BadListParam(format!(
            "Invalid {name} of {text}. Please specify an integer of at least {min}."
        ))),
        None => Err(ApiError::BadListParam(format!(
            "Invalid {name} of {text}. Please specify an integer between {min} and {max}."
        ))),
    }
}

/// A query parameter that must be one of `allowed`, if present.
fn choice(call: &Call<'_>, name: &str, allowed: [&str; 2]) -> Result<Option<String>, ApiError> {
    let Some(text) = text_param(call.query(name), name)? else {
        return Ok(None);
    };
    let [first, second] = allowed;
    if text == first || text == second {
        Ok(Some(text))
    } else {
        Err(ApiError::BadListParam(format!(
            "Invalid {name} of {text}. Please specify {first} or {second}."
        )))
    }
}
