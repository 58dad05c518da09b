//! Quickstart: write a pair with metadata and a lifetime, read it back, list the keys,
//! read the metadata into a struct, delete the pair.
//!
//! ```sh
//! cargo run -p examples --example quickstart
//! ```
//!
//! With no `CLOUDFLARE_API_TOKEN` and no `CLOUDFLARE_ACCOUNT_ID` in the environment it
//! needs neither credentials nor a network: it starts the local mock server
//! (`cloudflare-kv-mock`) on 127.0.0.1, creates a namespace there, runs the tour, deletes
//! the namespace and stops the mock.
//!
//! With both set it runs the same tour against the real API, in the namespace named by
//! `CLOUDFLARE_KV_NAMESPACE_ID` (the client is configured by `Client::from_env`, so
//! `CLOUDFLARE_BASE_URL` is honoured too); it leaves no pair behind:
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_KV_NAMESPACE_ID=… \
//!     cargo run -p examples --example quickstart
//! ```

use std::process::ExitCode;
use std::time::Duration;

use cloudflare_kv::{
    Client, ClientBuilderExt, CreateNamespaceParams, DeleteNamespaceParams, DeleteValueParams,
    ErrorKind, GetMetadataParams, GetValueParams, ListKeysParams, UpdateValueParams,
};
use cloudflare_kv_mock::MockServer;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

/// The account the demo uses on the mock.
const DEMO_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const KEY: &str = "My-Key";
const VALUE: &str = "Some Value";
/// How long the pair lives.
const TTL: Duration = Duration::from_secs(300);

/// The metadata kept with the pair: any `Serialize` type going in, any `Deserialize` one
/// coming out.
#[derive(Debug, Serialize, Deserialize)]
struct Metadata {
    #[serde(rename = "someMetadataKey")]
    some_metadata_key: String,
}

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match target() {
        Ok(Target::Mock) => against_the_mock().await,
        Ok(Target::Cloudflare { namespace_id }) => against_cloudflare(&namespace_id).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The tour: every step a new user takes first, in one namespace.
async fn tour(client: &Client, namespace_id: &str) -> Result<(), BoxError> {
    let namespaces = client.kv().namespaces();
    let metadata = Metadata {
        some_metadata_key: "someMetadataValue".to_owned(),
    };

    // Write: text (or bytes) with JSON metadata and a lifetime.
    let params = UpdateValueParams::new(VALUE)
        .metadata(&metadata)
        .expiration_ttl(TTL);
    let written = namespaces
        .values()
        .update(namespace_id, KEY, params)
        .await?;
    println!(
        "Write:    {KEY} = {VALUE:?}, metadata and a {} s lifetime: HTTP {}",
        TTL.as_secs(),
        written.status()
    );

    // Read: the bytes as they were written; the `expiration` header says when they go.
    let read = namespaces
        .values()
        .get(namespace_id, KEY, GetValueParams::new())
        .await?;
    let expires = read
        .headers()
        .get("expiration")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("never")
        .to_owned();
    println!(
        "Read:     {KEY} = {:?} ({} bytes), expires at {expires}",
        String::from_utf8_lossy(read.body()),
        read.body().len()
    );

    // List: every key with the prefix, page after page, as a stream.
    let mut keys = namespaces
        .keys()
        .list_all(namespace_id, ListKeysParams::new().prefix("My-"))
        .items();
    let mut listed = 0;
    while let Some(key) = keys.try_next().await? {
        let expiration = key
            .expiration
            .map_or("never".to_owned(), |at| at.to_string());
        println!("List:     {} (expires at {expiration})", key.name);
        listed += 1;
    }
    println!("          {listed} key(s) starting with \"My-\"");

    // Metadata: read into our own type.
    let stored: Metadata = namespaces
        .metadata()
        .get(namespace_id, KEY, GetMetadataParams::new())
        .await?
        .deserialize::<Metadata>()?
        .into_body();
    println!("Metadata: {stored:?}");

    // Delete, then read again: a missing key is an error of kind NotFound.
    let deleted = namespaces
        .values()
        .delete(namespace_id, KEY, DeleteValueParams::new())
        .await?;
    println!("Delete:   {KEY}: HTTP {}", deleted.status());
    match namespaces
        .values()
        .get(namespace_id, KEY, GetValueParams::new())
        .await
    {
        Err(error) if error.kind() == ErrorKind::NotFound => {
            let code = error.errors().first().map_or(0, |e| e.code);
            println!("Read:     {KEY} is gone (HTTP 404, code {code})");
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("the pair was still there after it was deleted".into()),
    }
    Ok(())
}

async fn against_the_mock() -> Result<(), BoxError> {
    println!(
        "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set: using the local mock server."
    );
    let server = MockServer::builder().start().await?;
    println!("Mock:     listening at {}", server.base_url());
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(cloudflare_kv_mock::DEFAULT_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .build()?;
    let namespaces = client.kv().namespaces();
    let namespace = namespaces
        .create(CreateNamespaceParams::new("quickstart"))
        .await?
        .into_body();
    println!(
        "Created:  namespace {:?} ({})",
        namespace.title, namespace.id
    );

    let outcome = tour(&client, &namespace.id).await;

    namespaces
        .delete(&namespace.id, DeleteNamespaceParams::new())
        .await?;
    println!("Deleted:  namespace {:?}", namespace.title);
    server.shutdown().await;
    println!("Mock:     stopped.");
    outcome
}

async fn against_cloudflare(namespace_id: &str) -> Result<(), BoxError> {
    let client = Client::from_env()?;
    println!("Using {}", client.core().base_url());
    tour(&client, namespace_id).await
}

/// Where to write.
enum Target {
    /// The embedded mock server: no credentials, no network.
    Mock,
    /// The API named by the environment.
    Cloudflare { namespace_id: String },
}

/// Both variables set: the real API; neither: the mock; one of them: a mistake worth
/// pointing out rather than guessing.
fn target() -> Result<Target, BoxError> {
    let token = env("CLOUDFLARE_API_TOKEN").is_some();
    let account = env("CLOUDFLARE_ACCOUNT_ID").is_some();
    match (token, account) {
        (false, false) => Ok(Target::Mock),
        (true, true) => match env("CLOUDFLARE_KV_NAMESPACE_ID") {
            Some(namespace_id) => Ok(Target::Cloudflare { namespace_id }),
            None => Err(
                "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set, so this writes to \
                 the real API, which needs a namespace to write in: set CLOUDFLARE_KV_NAMESPACE_ID \
                 to the id of one of your KV namespaces (unset both variables to use the local \
                 mock instead)"
                    .into(),
            ),
        },
        (true, false) => Err(half_configured(
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_ACCOUNT_ID",
        )),
        (false, true) => Err(half_configured(
            "CLOUDFLARE_ACCOUNT_ID",
            "CLOUDFLARE_API_TOKEN",
        )),
    }
}

fn half_configured(set: &str, unset: &str) -> BoxError {
    format!(
        "{set} is set but {unset} is not: set both to write to the real API, or neither to use \
         the local mock"
    )
    .into()
}

/// A variable's value; unset, empty and non-Unicode all count as unset.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
