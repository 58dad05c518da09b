//! The client, its values and the futures of its methods can cross threads and tasks.

use cloudflare_kv::types::{Key, Value};
use cloudflare_kv::{
    Binary, ByteStream, Client, ClientBuilderExt, Error, GetValueParams, Items, ListKeysParams,
    Pages, UpdateValueParams,
};

fn is_send_sync<T: Send + Sync>() {}
fn is_send<T: Send>(_: &T) {}

#[test]
fn client_types_are_send_and_sync() {
    is_send_sync::<Client>();
    is_send_sync::<Binary>();
    is_send_sync::<Value>();
    is_send_sync::<UpdateValueParams>();
    is_send_sync::<Error>();
    is_send_sync::<ListKeysParams>();
    is_send_only::<ByteStream>();
    is_send_only::<Pages<'static, Key>>();
    is_send_only::<Items<'static, Key>>();
}

fn is_send_only<T: Send>() {}

#[tokio::test]
async fn a_call_can_be_spawned() {
    // A port the OS gave us and that nobody listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_token("t")
        .base_url(format!("http://127.0.0.1:{port}/client/v4"))
        .retries(0)
        .build()
        .unwrap();
    let call = {
        let client = client.clone();
        async move {
            client
                .kv()
                .namespaces()
                .values()
                .update("ns", "key", UpdateValueParams::new("v").account_id("acct"))
                .await
        }
    };
    is_send(&call);
    // Nothing listens there: the spawned call ends in a connection error.
    let error = tokio::spawn(call).await.unwrap().unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::Connect);
}

#[tokio::test]
async fn pagers_and_streams_can_be_spawned() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_token("t")
        .account_id("acct")
        .base_url(format!("http://127.0.0.1:{port}/client/v4"))
        .retries(0)
        .build()
        .unwrap();
    let listing = {
        let client = client.clone();
        async move {
            use futures_util::TryStreamExt;
            let keys = client.kv().namespaces().keys();
            let mut items = keys.list_all("ns", ListKeysParams::new()).items();
            items.try_next().await
        }
    };
    let reading = {
        let client = client.clone();
        async move {
            let values = client.kv().namespaces().values();
            values.get_stream("ns", "key", GetValueParams::new()).await
        }
    };
    is_send(&listing);
    is_send(&reading);
    let error = tokio::spawn(listing).await.unwrap().unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::Connect);
    let error = tokio::spawn(reading).await.unwrap().unwrap_err();
    assert_eq!(error.kind(), cloudflare_kv::ErrorKind::Connect);
}
