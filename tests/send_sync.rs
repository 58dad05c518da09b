//! The client, its values and the futures of its methods can cross threads and tasks.

use cloudflare_kv::types::Value;
use cloudflare_kv::{Binary, Client, Error, UpdateValueParams};

fn is_send_sync<T: Send + Sync>() {}
fn is_send<T: Send>(_: &T) {}

#[test]
fn client_types_are_send_and_sync() {
    is_send_sync::<Client>();
    is_send_sync::<Binary>();
    is_send_sync::<Value>();
    is_send_sync::<UpdateValueParams>();
    is_send_sync::<Error>();
}

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
