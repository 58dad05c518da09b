//! Parsing a `multipart/form-data` write: a `value` part and an optional
//! `metadata` part holding one JSON document.

use bytes::Bytes;
use serde_json::Value;

use crate::error::ApiError;
use crate::limits::{MAX_METADATA_BYTES, MAX_VALUE_BYTES};

/// What a form carries: the value and, if sent, the metadata.
pub(crate) type Form = (Bytes, Option<Value>);

/// Parses a whole form body; any other part name, or a repeated part, is refused
/// so that clients which flatten metadata into `metadata[k]` fields are caught.
pub(crate) async fn parse(body: Bytes, boundary: &str) -> Result<Form, ApiError> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut value = None;
    let mut metadata = None;
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some("value") if value.is_none() => {
                value = Some(field.bytes().await.map_err(malformed)?)
            }
            Some("metadata") if metadata.is_none() => metadata = Some(metadata_part(field).await?),
            Some(name @ ("value" | "metadata")) => {
                return Err(bad(format!("repeated part '{name}'")))
            }
            Some(name) => return Err(bad(format!("unexpected part '{name}'"))),
            None => return Err(bad("a part has no name".to_owned())),
        }
    }
    let value = value.ok_or_else(|| bad("missing 'value' part".to_owned()))?;
    if value.len() > MAX_VALUE_BYTES {
        return Err(ApiError::ValueTooLarge);
    }
    Ok((value, metadata))
}

/// The `metadata` part: JSON media type (or none), at most 1,024 bytes, one document.
async fn metadata_part(field: multer::Field<'_>) -> Result<Value, ApiError> {
    check_metadata_type(field.headers())?;
    let bytes = field.bytes().await.map_err(malformed)?;
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(ApiError::MetadataTooLarge(bytes.len()));
    }
    // `from_slice` refuses trailing data, so two documents in one part fail here.
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadMetadata(e.to_string()))
}

/// A metadata part may omit its `Content-Type`; if present it must be JSON.
fn check_metadata_type(headers: &http::HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::BadMetadata(format!(
            "part Content-Type must be application/json, got {text}"
        )))
    }
}

/// A form multer could not read.
fn malformed(err: multer::Error) -> ApiError {
    bad(err.to_string())
}

/// A form with the wrong parts.
fn bad(why: String) -> ApiError {
    ApiError::BadMultipart(why)
}
