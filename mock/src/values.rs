//! `.../values/{key_name}` (write, read, delete) and `.../metadata/{key_name}`.

use crate::body::{BodyKind, Ending};
use crate::call::Call;
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::store::StoredEntry;
use crate::validate;

type Answer = Result<http::Response<Body>, ApiError>;

/// `PUT`: validate path, query and body, then replace the whole entry.
pub(crate) async fn put(call: Call<'_>) -> Answer {
    let (account, namespace, key) = call.address()?;
    let expiration = validate::expiration(call.parts.uri.query(), call.now())?;
    let may_create = call.may_create_namespace();
    let Call {
        body, body_kind, ..
    } = call;
    let kind = body_kind?;
    if body.ending == Ending::OverLimit {
        return Err(ApiError::ValueTooLarge);
    }
    let (value, metadata) = match kind {
        BodyKind::Raw => (body.bytes, None),
        BodyKind::Multipart(boundary) => crate::multipart::parse(body.bytes, &boundary).await?,
    };
    let entry = StoredEntry {
        value,
        metadata,
        expiration,
    };
    let store = &call.state.store;
    store.put_all(&account, &namespace, vec![(key, entry)], may_create)?;
    Ok(envelope::success())
}

/// `GET`: the stored bytes (and `expiration` header); absent or expired is 10009.
pub(crate) fn get(call: &Call<'_>) -> Answer {
    let entry = live_entry(call)?;
    Ok(envelope::raw_value(entry.value, entry.expiration))
}

/// `GET .../metadata/{key}`: the metadata as the result, `null` when there is none.
pub(crate) fn metadata(call: &Call<'_>) -> Answer {
    let entry = live_entry(call)?;
    Ok(envelope::success_with(&entry.metadata))
}

/// `DELETE`: succeeds whether or not the key was stored, as the API does.
pub(crate) fn delete(call: &Call<'_>) -> Answer {
    let (account, namespace, key) = call.address()?;
    call.state.store.delete_all(&account, &namespace, &[key])?;
    Ok(envelope::success())
}

/// The entry the path names, if stored and not expired.
fn live_entry(call: &Call<'_>) -> Result<StoredEntry, ApiError> {
    let (account, namespace, key) = call.address()?;
    let found = call
        .state
        .store
        .get_live(&account, &namespace, &[key], call.now())?;
    found
        .into_iter()
        .flatten()
        .next()
        .ok_or(ApiError::KeyNotFound)
}
