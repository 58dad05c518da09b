//! Request bodies, chosen by generated code from the operation's media types.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::RequestBuilder;
use serde::Serialize;

use crate::binary::Binary;
use crate::error::{Error, ErrorKind};

/// What a request carries.
#[derive(Clone)]
pub enum Body {
    /// Nothing.
    Empty,
    /// Bytes sent as they are, with this `Content-Type`.
    Raw {
        /// The media type, e.g. `application/octet-stream`.
        content_type: &'static str,
        /// The bytes.
        data: Binary,
    },
    /// A serialized JSON document, sent as `application/json`.
    Json(Bytes),
    /// `multipart/form-data` with these parts, in order.
    Multipart(Vec<Part>),
}

impl Body {
    /// Bytes sent as they are, with this `Content-Type`.
    pub fn raw(content_type: &'static str, data: Binary) -> Self {
        Self::Raw { content_type, data }
    }

    /// `value` serialized as one JSON document.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        Ok(Self::Json(Bytes::from(to_json(value)?)))
    }

    /// Whether this body can be sent (again): false once a one-shot reader in it was sent.
    pub fn is_replayable(&self) -> bool {
        match self {
            Self::Empty | Self::Json(_) => true,
            Self::Raw { data, .. } => data.is_replayable(),
            Self::Multipart(parts) => parts.iter().all(|p| p.data.is_replayable()),
        }
    }

    /// Puts a fresh copy of the body on `builder`, for one attempt.
    pub(crate) async fn apply(&self, builder: RequestBuilder) -> Result<RequestBuilder, Error> {
        match self {
            Self::Empty => Ok(builder),
            Self::Raw { content_type, data } => {
                let (body, len) = data.open().await?;
                Ok(builder
                    .header(CONTENT_TYPE, header_value(content_type)?)
                    .header(CONTENT_LENGTH, len)
                    .body(body))
            }
            Self::Json(bytes) => Ok(builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone())),
            Self::Multipart(parts) => Ok(builder.multipart(form(parts).await?)),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Raw { content_type, data } => f
                .debug_struct("Raw")
                .field("content_type", content_type)
                .field("data", data)
                .finish(),
            Self::Json(bytes) => f.debug_struct("Json").field("len", &bytes.len()).finish(),
            Self::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug)]
pub struct Part {
    name: &'static str,
    content_type: Option<&'static str>,
    data: Binary,
}

impl Part {
    /// Bytes, sent as they are, with this `Content-Type`.
    pub fn binary(name: &'static str, content_type: &'static str, data: Binary) -> Self {
        Self {
            name,
            content_type: Some(content_type),
            data,
        }
    }

    /// `value` serialized as ONE JSON document (never flattened into several fields).
    pub fn json<T: Serialize + ?Sized>(
        name: &'static str,
        content_type: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        Ok(Self::binary(
            name,
            content_type,
            Binary::from(to_json(value)?),
        ))
    }

    /// Text, with a `Content-Type` only if one is given.
    pub fn text(name: &'static str, content_type: Option<&'static str>, text: String) -> Self {
        Self {
            name,
            content_type,
            data: Binary::from(text),
        }
    }

    /// The form field name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The part's `Content-Type`, if it has one.
    pub fn content_type(&self) -> Option<&'static str> {
        self.content_type
    }

    /// The part's bytes.
    pub fn data(&self) -> &Binary {
        &self.data
    }
}

/// A fresh form for one attempt. Every part has a known length, so the form does too and
/// is sent with `Content-Length` rather than chunked.
async fn form(parts: &[Part]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let (body, len) = part.data.open().await?;
        let mut field = reqwest::multipart::Part::stream_with_length(body, len);
        if let Some(content_type) = part.content_type {
            field = field
                .mime_str(content_type)
                .map_err(|_| bad_content_type(content_type))?;
        }
        form = form.part(part.name, field);
    }
    Ok(form)
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| {
        Error::new(
            ErrorKind::Validation,
            format!("could not serialize the body as JSON: {e}"),
        )
    })
}

fn header_value(content_type: &'static str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(content_type).map_err(|_| bad_content_type(content_type))
}

fn bad_content_type(content_type: &str) -> Error {
    Error::config(format!("{content_type:?} is not a valid Content-Type"))
}
