//! Every error the mock answers, with its HTTP status, error code and message.
//!
//! Keeping the whole table in one `match` means the crate docs' table and the
//! wire can be checked against a single place.

use http::StatusCode;

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
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// An account or namespace id that is empty or longer than 32 characters.
    BadIdentifier(String),
    /// The key is empty, `.`, `..`, or not UTF-8 once decoded.
    BadKeyName(String),
    /// The decoded key is longer than 512 bytes.
    KeyTooLong(usize),
    /// `expiration_ttl` is not a whole number or is under 60 (full message).
    BadExpirationTtl(String),
    /// `expiration` is not a whole number or is under 60 s in the future (full message).
    BadExpiration(String),
    /// The value is over 25 MiB.
    ValueTooLarge,
    /// The metadata part is over 1,024 bytes.
    MetadataTooLarge(usize),
    /// The body's media type is neither raw nor `multipart/form-data`.
    UnsupportedMediaType(String),
    /// The multipart body is malformed, lacks `value`, or has unknown parts.
    BadMultipart(String),
    /// The `metadata` part is not exactly one JSON document.
    BadMetadata(String),
    /// `GET` of a key that is not stored.
    KeyNotFound,
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::MissingCredentials => StatusCode::UNAUTHORIZED,
            Self::BadCredentials => StatusCode::FORBIDDEN,
            Self::NoRoute | Self::KeyNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::KeyTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::ValueTooLarge | Self::MetadataTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TwoAuthSchemes
            | Self::BadIdentifier(_)
            | Self::BadKeyName(_)
            | Self::BadExpirationTtl(_)
            | Self::BadExpiration(_)
            | Self::UnsupportedMediaType(_)
            | Self::BadMultipart(_)
            | Self::BadMetadata(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The `errors[0].code` of the envelope.
    pub(crate) fn code(&self) -> u32 {
        match self {
            Self::MissingCredentials => 9106,
            Self::TwoAuthSchemes => 9107,
            Self::BadCredentials => 10000,
            Self::NoRoute | Self::BadIdentifier(_) => 7003,
            Self::MethodNotAllowed => 10405,
            Self::KeyNotFound => 10009,
            Self::ValueTooLarge => 10011,
            Self::MetadataTooLarge(_) => 10012,
            Self::BadKeyName(_) => 10019,
            Self::KeyTooLong(_) => 10020,
            Self::BadExpirationTtl(_) => 10033,
            Self::BadExpiration(_) => 10034,
            Self::UnsupportedMediaType(_) => 10035,
            Self::BadMultipart(_) => 10036,
            Self::BadMetadata(_) => 10037,
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
            Self::MethodNotAllowed => "Method not allowed".to_owned(),
            Self::KeyNotFound => "key not found".to_owned(),
            Self::ValueTooLarge => {
                format!(
                    "Value length exceeds limit of {}",
                    crate::limits::MAX_VALUE_BYTES
                )
            }
            Self::MetadataTooLarge(n) => format!(
                "Metadata length of {n} exceeds limit of {}",
                crate::limits::MAX_METADATA_BYTES
            ),
            Self::BadKeyName(why) => format!("Invalid key name: {why}"),
            Self::KeyTooLong(n) => format!(
                "Key length of {n} bytes exceeds limit of {}",
                crate::limits::MAX_KEY_BYTES
            ),
            // The validator writes these in full, in the API's own words.
            Self::BadExpirationTtl(msg) | Self::BadExpiration(msg) => msg.clone(),
            Self::UnsupportedMediaType(ty) => format!("Unsupported Content-Type: {ty}"),
            Self::BadMultipart(why) => format!("Invalid multipart body: {why}"),
            Self::BadMetadata(why) => format!("Invalid metadata: {why}"),
        }
    }
}
