//! `PUT .../bulk` (write), `POST .../bulk/delete` and the deprecated
//! `DELETE .../bulk` (delete), `POST .../bulk/get` (get).
//!
//! Every item is checked before anything changes: a bulk request that breaks a
//! rule in one item is refused whole, with the item's JSON pointer in the message.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use crate::call::Call;
use crate::envelope::{self, Body};
use crate::error::ApiError;
use crate::json::{BulkGetIn, BulkResult, BulkValues, Ordered, PairIn, ValueType, WithMetadata};
use crate::limits::{MAX_BULK_GET_KEYS, MAX_BULK_ITEMS, MAX_METADATA_BYTES, MAX_VALUE_BYTES};
use crate::store::StoredEntry;
use crate::validate;

type Answer = Result<http::Response<Body>, ApiError>;

/// Writes up to 10,000 pairs in one step.
pub(crate) fn write(call: &Call<'_>) -> Answer {
    let (account, namespace) = call.namespace()?;
    let items: Vec<Value> = call.json()?;
    at_most(items.len(), MAX_BULK_ITEMS)?;
    let now = call.now();
    let entries = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| pair(i, item, now))
        .collect::<Result<Vec<_>, _>>()?;
    let count = entries.len();
    let store = &call.state.store;
    store.put_all(&account, &namespace, entries, call.may_create_namespace())?;
    Ok(done(count))
}

/// Deletes up to 10,000 keys; absent keys count as deleted, as a single delete does.
pub(crate) fn delete(call: &Call<'_>) -> Answer {
    let (account, namespace) = call.namespace()?;
    let items: Vec<Value> = call.json()?;
    at_most(items.len(), MAX_BULK_ITEMS)?;
    let keys = key_names(items, "")?;
    call.state.store.delete_all(&account, &namespace, &keys)?;
    Ok(done(keys.len()))
}

/// Reads up to 100 keys as text or JSON, with or without metadata; a missing or
/// expired key is `null`. Keys come back once each, in the order first asked.
pub(crate) fn get(call: &Call<'_>) -> Answer {
    let (account, namespace) = call.namespace()?;
    let body: BulkGetIn = call.json()?;
    at_most(body.keys.len(), MAX_BULK_GET_KEYS)?;
    let mut keys = key_names(body.keys, "/keys")?;
    let mut seen = std::collections::HashSet::new();
    keys.retain(|key| seen.insert(key.clone()));
    let entries = call
        .state
        .store
        .get_live(&account, &namespace, &keys, call.now())?;
    let kind = body.kind.unwrap_or(ValueType::Text);
    let pairs = keys.into_iter().zip(entries);
    if body.with_metadata.unwrap_or(false) {
        let values = pairs
            .map(|(key, entry)| with_metadata(&key, entry, kind).map(|v| (key, v)))
            .collect::<Result<_, _>>()?;
        return Ok(envelope::success_with(&BulkValues {
            values: Ordered(values),
        }));
    }
    let values = pairs
        .map(|(key, entry)| plain(&key, entry, kind).map(|v| (key, v)))
        .collect::<Result<_, _>>()?;
    Ok(envelope::success_with(&BulkValues {
        values: Ordered(values),
    }))
}

/// Refuses a bulk request with more than `max` items.
fn at_most(got: usize, max: usize) -> Result<(), ApiError> {
    if got > max {
        return Err(ApiError::TooManyItems { got, max });
    }
    Ok(())
}

/// The answer of a bulk write or delete.
fn done(count: usize) -> http::Response<Body> {
    envelope::success_with(&BulkResult {
        successful_key_count: count,
        unsuccessful_keys: Vec::new(),
    })
}

/// An error in item `i` (and field `field`, if any) of a body.
fn at(base: &str, i: usize, field: &str, err: ApiError) -> ApiError {
    ApiError::At(format!("{base}/{i}{field}"), Box::new(err))
}

/// Key names from a JSON array, each a string obeying the key rules.
fn key_names(items: Vec<Value>, base: &str) -> Result<Vec<String>, ApiError> {
    let name = |(i, item)| match item {
        Value::String(key) => validate::key(key).map_err(|e| at(base, i, "", e)),
        _ => Err(at(
            base,
            i,
            "",
            ApiError::BadBody("expected a key name string".to_owned()),
        )),
    };
    items.into_iter().enumerate().map(name).collect()
}

/// One pair of a bulk write, checked by the single write's rules.
fn pair(i: usize, item: Value, now: i64) -> Result<(String, StoredEntry), ApiError> {
    let pair: PairIn = serde_json::from_value(item)
        .map_err(|e| at("", i, "", ApiError::BadBody(e.to_string())))?;
    let key = validate::key(pair.key).map_err(|e| at("", i, "/key", e))?;
    let value = if pair.base64.unwrap_or(false) {
        STANDARD
            .decode(pair.value.as_bytes())
            .map_err(|e| at("", i, "/value", ApiError::BadBase64(e.to_string())))?
    } else {
        pair.value.into_bytes()
    };
    if value.len() > MAX_VALUE_BYTES {
        return Err(at("", i, "/value", ApiError::ValueTooLarge));
    }
    let expiration =
        validate::json_expiration(pair.expiration_ttl.as_ref(), pair.expiration.as_ref(), now)
            .map_err(|e| {
                let field = match e {
                    ApiError::BadExpirationTtl(_) => "/expiration_ttl",
                    _ => "/expiration",
                };
                at("", i, field, e)
            })?;
    let metadata = pair.metadata.map(|m| metadata(i, m)).transpose()?;
    let entry = StoredEntry {
        value: value.into(),
        metadata,
        expiration,
    };
    Ok((key, entry))
}

/// A pair's metadata: at most 1,024 bytes as compact JSON.
fn metadata(i: usize, metadata: Value) -> Result<Value, ApiError> {
    let size = serde_json::to_vec(&metadata).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_METADATA_BYTES {
        return Err(at("", i, "/metadata", ApiError::MetadataTooLarge(size)));
    }
    Ok(metadata)
}

/// A value as bulk get returns it: a JSON string (`text`) or the parsed document (`json`).
fn readable(key: &str, entry: &StoredEntry, kind: ValueType) -> Result<Value, ApiError> {
    match kind {
        ValueType::Text => std::str::from_utf8(&entry.value)
            .map(|text| Value::String(text.to_owned()))
            .map_err(|_| {
                ApiError::ValueNotReadable(format!("Value of key '{key}' is not UTF-8 text"))
            }),
        ValueType::Json => serde_json::from_slice(&entry.value).map_err(|e| {
            ApiError::ValueNotReadable(format!("Value of key '{key}' is not valid JSON: {e}"))
        }),
    }
}

/// A value without metadata, `null` when missing.
fn plain(key: &str, entry: Option<StoredEntry>, kind: ValueType) -> Result<Value, ApiError> {
    entry.map_or(Ok(Value::Null), |e| readable(key, &e, kind))
}

/// A value with its metadata (`null` when none) and expiration (left out when none).
fn with_metadata(
    key: &str,
    entry: Option<StoredEntry>,
    kind: ValueType,
) -> Result<Option<WithMetadata>, ApiError> {
    let Some(entry) = entry else {
        return Ok(None);
    };
    Ok(Some(WithMetadata {
        value: readable(key, &entry, kind)?,
        metadata: entry.metadata.clone().unwrap_or(Value::Null),
        expiration: entry.expiration,
    }))
}
