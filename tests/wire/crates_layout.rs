//! The crates layout on the wire: `tests/crates/pets/`, generated from `tests/crates/pets.yaml`
//! with `--crates pets`, called through its facade crate as a user would. Each group lives in
//! a crate of its own and the shared types in another; paths are those of the module layout,
//! and requests are the same bytes.

use pets::cats::{GetCatParams, ListCatToysParams};
use pets::dogs::CreateDogParams;
use pets::types::{ListCatToysKind, Owner, Toy};
use wiremock::{MockServer, ResponseTemplate};

/// A server that answers every request with `body` as JSON.
async fn answering(body: serde_json::Value) -> MockServer {
    crate::support::answering(ResponseTemplate::new(200).set_body_json(body)).await
}

fn client(server: &MockServer) -> pets::Client {
    pets::Client::builder()
        .base_url(server.uri())
        .api_token("t")
        .retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_group_crate_is_called_through_the_facade_client() {
    let server = answering(serde_json::json!({"id": "tom", "owner": {"name": "Ann"}})).await;
    let response = client(&server)
        .cats()
        .get("to m", GetCatParams::new())
        .await
        .unwrap();
    // `Cat` is defined in `pets-cats`, `Owner` in `pets-types`: both reached as `pets::types`.
    let cat: &pets::types::Cat = response.body();
    assert_eq!(cat.id, "tom");
    assert_eq!(
        cat.owner,
        Some(Owner {
            name: Some("Ann".to_owned())
        })
    );
    let request = crate::support::only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/cats/to%20m");
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn nested_resources_and_group_types_work_across_crates() {
    let server = answering(serde_json::json!([{"colour": "red"}, "string"])).await;
    let params = ListCatToysParams::new().kind(ListCatToysKind::Mouse);
    let response = client(&server)
        .cats()
        .toys()
        .list("tom", params)
        .await
        .unwrap();
    assert!(
        matches!(response.body().as_slice(), [Toy::Ball(ball), Toy::Text(text)]
        if ball.colour == "red" && text == "string")
    );
    let request = crate::support::only_request(&server).await;
    assert_eq!(request.url.path(), "/cats/tom/toys");
    assert_eq!(request.url.query(), Some("kind=mouse"));
}

#[tokio::test]
async fn bodies_are_the_same_bytes_and_checked_before_sending() {
    let server = answering(serde_json::json!({"id": "rex", "name": "Rex"})).await;
    let client = client(&server);
    let params = CreateDogParams::new("rex", "Rex").owner(Owner {
        name: Some("Bo".to_owned()),
    });
    let response = client.dogs().create(params).await.unwrap();
    assert_eq!(response.body().name, "Rex");
    let request = crate::support::only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/dogs");
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        r#"{"id":"rex","name":"Rex","owner":{"name":"Bo"}}"#
    );

    // `name` has `minLength: 1`: refused before any I/O, naming the field.
    let err = client
        .dogs()
        .create(CreateDogParams::new("rex", ""))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: name: must be at least 1 character, got 0 characters"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn operations_outside_any_group_stay_on_the_facade_client() {
    let server = answering(serde_json::json!({"ok": true})).await;
    let response = client(&server)
        .health(pets::HealthParams::new())
        .await
        .unwrap();
    // `Status` is shared: the facade re-exports the shared crate's item itself.
    let status: &pets_types::Status = response.body();
    assert_eq!(status.ok, Some(true));
    assert_eq!(
        crate::support::only_request(&server).await.url.path(),
        "/health"
    );
}

/// The root re-exports each group's parameters, and a type reached through a group's
/// `types` module is the shared crate's own.
#[test]
fn paths_are_those_of_the_module_layout() {
    let _: pets::GetCatParams = pets::cats::GetCatParams::new();
    let _: pets::CreateDogParams = pets::dogs::CreateDogParams::new("a", "b");
    let owner: pets_types::Owner = pets::cats::types::Owner::default();
    let _: pets::types::Owner = owner;
    assert_eq!(pets::DEFAULT_BASE_URL, "https://pets.example.com/v1");
}
