//! Every error the mock answers, with its HTTP status, error code and message.
//!
//! Keeping the whole table in one `match` means the crate docs' table and the
//! wire can be checked against a single place.

use std::time::Duration;

use http::StatusCode;

use crate::caps::Full;
use crate::limits::{MAX_KEY_BYTES, MAX_METADATA_BYTES, MAX_VALUE_BYTES};

/// A request the mock refuses, as the API would refuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// No credentials at all (or only half of the email/key pair).
    MissingCredentials,
    /// Credentials were sent but are not the accepted ones.
    BadCredentials,
    /// Both `Authorization` and `X-Auth-Email`/`X-Auth-Key` were sent.
    TwoAuthSchemes,
    /// The path matches no route.
    NoRoute,
    /// The route exists but not for this method; carries the route's `Allow` list.
    MethodNotAllowed(&'static str),
    /// An account or namespace id that is empty, longer than 32 characters, or
    /// badly percent-escaped.
    BadIdentifier(String),
    /// The key is empty, `.`, `..`, badly escaped, or not UTF-8 once decoded.
    BadKeyName(String),
    /// The decoded key is longer than 512 bytes.
    KeyTooLong(usize),
    /// `expiration_ttl` is not a whole number or is under 60 (full message).
    BadExpirationTtl(String),
    /// `expiration` is not a whole number or is under 60 s in the future (full message).
    BadExpiration(String),
    /// The value is over 25 MiB.
    ValueTooLarge,
    /// The metadata is over 1,024 bytes.
    MetadataTooLarge(usize),
    /// The body's media type is not one the route reads.
    UnsupportedMediaType(String),
    /// The multipart body is malformed, lacks `value`, or has unknown parts.
    BadMultipart(String),
    /// The `metadata` part is not exactly one JSON document.
    BadMetadata(String),
    /// A key that is not stored (or has expired).
    KeyNotFound,
    /// A JSON body that does not parse or has the wrong shape.
    BadBody(String),
    /// A listing's query parameter is invalid (full message).
    BadListParam(String),
    /// A bulk request with more items than allowed.
    TooManyItems { got: usize, max: usize },
    /// A namespace title that is missing, empty or too long.
    BadTitle(String),
    /// A body over the route's limit (other than a value).
    BodyTooLarge(usize),
    /// A bulk get of a value that is not text (or, with `type: json`, not JSON).
    ValueNotReadable(String),
    /// A bulk-write value marked `base64` that does not decode.
    BadBase64(String),
    /// The namespace does not exist in the account.
    NamespaceNotFound,
    /// The account already has a namespace with this title.
    DuplicateTitle,
    /// The body did not arrive within the read timeout.
    RequestTimeout(Duration),
    /// A write that would pass one of the store's caps; nothing of it was stored.
    StoreFull(Full),
    /// An error in one item of a JSON body, at this JSON pointer.
    At(String, Box<ApiError>),
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::MissingCredentials => StatusCode::UNAUTHORIZED,
            Self::BadCredentials => StatusCode::FORBIDDEN,
            Self::NoRoute | Self::KeyNotFound | Self::NamespaceNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            // What the API answers when an account is past a KV limit.
            Self::StoreFull(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::KeyTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::ValueTooLarge | Self::MetadataTooLarge(_) | Self::BodyTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The `errors[0].code` of the envelope.
    pub(crate) fn code(&self) -> u32 {
        match self {
            Self::MissingCredentials => 9106,
            Self::TwoAuthSchemes => 9107,
            Self::BadCredentials => 10000,
            Self::NoRoute | Self::BadIdentifier(_) => 7003,
            Self::MethodNotAllowed(_) => 10405,
            Self::RequestTimeout(_) => 10408,
            Self::KeyNotFound => 10009,
            Self::ValueTooLarge => 10011,
            Self::MetadataTooLarge(_) => 10012,
            Self::NamespaceNotFound => 10013,
            Self::DuplicateTitle => 10014,
            Self::BadKeyName(_) => 10019,
            Self::KeyTooLong(_) => 10020,
            Self::BadExpirationTtl(_) => 10033,
            Self::BadExpiration(_) => 10034,
            Self::UnsupportedMediaType(_) => 10035,
            Self::BadMultipart(_) => 10036,
            Self::BadMetadata(_) => 10037,
            Self::BadBody(_) => 10001,
            Self::BadListParam(_) => 10002,
            Self::TooManyItems { .. } => 10003,
            Self::BadTitle(_) => 10004,
            Self::BodyTooLarge(_) => 10005,
            Self::ValueNotReadable(_) => 10006,
            Self::BadBase64(_) => 10007,
            Self::StoreFull(_) => 10048,
            Self::At(_, inner) => inner.code(),
        }
    }

    /// The `errors[0].message` of the envelope.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::MissingCredentials => {
                "Missing X-Auth-Key, X-Auth-Email or Authorization headers".to_owned()
            }
            Self::TwoAuthSchemes => {
                "Send exactly one of Authorization or X-Auth-Email/X-Auth-Key".to_owned()
            }
            Self::BadCredentials => "Authentication error".to_owned(),
            Self::NoRoute => "No route for the URI".to_owned(),
            Self::BadIdentifier(id) => {
                format!("Could not route to {id}, perhaps your object identifier is invalid?")
            }
            Self::MethodNotAllowed(_) => "Method not allowed".to_owned(),
            Self::KeyNotFound => "key not found".to_owned(),
            Self::ValueTooLarge => format!("Value length exceeds limit of {MAX_VALUE_BYTES}"),
            Self::MetadataTooLarge(n) => {
                format!("Metadata length of {n} exceeds limit of {MAX_METADATA_BYTES}")
            }
            Self::BadKeyName(why) => format!("Invalid key name: {why}"),
            Self::KeyTooLong(n) => {
                format!("Key length of {n} bytes exceeds limit of {MAX_KEY_BYTES}")
            }
            // The validators write these in full, in the API's own words.
            Self::BadExpirationTtl(msg)
            | Self::BadExpiration(msg)
            | Self::BadListParam(msg)
            | Self::ValueNotReadable(msg) => msg.clone(),
            Self::UnsupportedMediaType(ty) => format!("Unsupported Content-Type: {ty}"),
            Self::BadMultipart(why) => format!("Invalid multipart body: {why}"),
            Self::BadMetadata(why) => format!("Invalid metadata: {why}"),
            Self::BadBody(why) => format!("Invalid request body: {why}"),
            Self::TooManyItems { got, max } => {
                format!("Too many items: {got} exceeds limit of {max}")
            }
            Self::BadTitle(why) => format!("Invalid namespace title: {why}"),
            Self::BodyTooLarge(limit) => format!("Request body exceeds limit of {limit} bytes"),
            Self::BadBase64(why) => format!("Invalid base64 value: {why}"),
            Self::NamespaceNotFound => "namespace not found".to_owned(),
            Self::DuplicateTitle => {
                "a namespace with this account ID and title already exists".to_owned()
            }
            Self::RequestTimeout(limit) => {
                format!("Request not received within {} ms", limit.as_millis())
            }
            Self::StoreFull(full) => full_message(*full),
            Self::At(pointer, inner) => format!("{pointer}: {}", inner.message()),
        }
    }
}

/// The message of a refused write: which cap, and its value.
fn full_message(full: Full) -> String {
    match full {
        Full::Keys(cap) => {
            format!("Storage limit reached: the namespace already holds its limit of {cap} keys")
        }
        Full::Namespaces(cap) => {
            format!("Storage limit reached: the limit of {cap} namespaces is reached")
        }
        Full::Bytes(cap) => {
            format!("Storage limit reached: the write would pass the limit of {cap} stored bytes")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_error_keeps_its_code_and_says_where() {
        let err = ApiError::At("/2/key".to_owned(), Box::new(ApiError::KeyTooLong(513)));
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.code(), 10020);
        assert_eq!(
            err.message(),
            "/2/key: Key length of 513 bytes exceeds limit of 512"
        );
    }
}
