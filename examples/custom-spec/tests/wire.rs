//! The client generated from `spec/todo.yaml` against a local server: what goes on the wire,
//! and that everything API-specific (environment variables, user agent, client defaults)
//! comes from this crate's spec, not from Cloudflare's.

mod support;

use support::{Recorded, Server};
use todo_client::runtime::ApiClient;
use todo_client::todos::{CreateTodoParams, DeleteTodoParams, ListTodosParams};
use todo_client::types::Todo;
use todo_client::{Client, ClientBuilderExt, ErrorKind};

const TOKEN: &str = "todo-secret";
/// `CARGO_PKG_NAME/CARGO_PKG_VERSION` of this crate: the user agent is the user's.
const USER_AGENT: &str = "todo-client/0.1.0";

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// The headers every request of this client carries, plus `extra`, sorted as recorded.
fn headers(server: &Server, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let host = server.base_url().trim_start_matches("http://");
    let host = host.trim_end_matches("/v1");
    let mut all = vec![
        header("accept", "*/*"),
        header("authorization", &format!("Bearer {TOKEN}")),
        header("host", host),
        header("user-agent", USER_AGENT),
    ];
    all.extend(extra.iter().map(|(n, v)| header(n, v)));
    all.sort();
    all
}

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn the_generated_client_names_its_own_variables_and_user_agent() {
    let env = Client::ENV;
    assert_eq!(env.api_token, "TODO_API_TOKEN");
    assert_eq!(env.email, "TODO_EMAIL");
    assert_eq!(env.api_key, "TODO_API_KEY");
    assert_eq!(env.base_url, "TODO_BASE_URL");
    assert_eq!(env.path_defaults, [("list_id", "TODO_LIST_ID")]);
    assert_eq!(Client::USER_AGENT, USER_AGENT);
    assert_eq!(todo_client::DEFAULT_BASE_URL, "https://todo.example.com/v1");
}

#[tokio::test]
async fn create_sends_the_json_body_with_the_token_and_this_crates_user_agent() {
    let answer = r#"{"id":7,"title":"Buy milk","done":false,"due":"2026-12-24"}"#;
    let server = Server::start(vec![(201, Some("application/json"), answer)]).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .list_id("groceries/2026")
        .build()
        .unwrap();
    // The JSON body's members are fields of the parameters: `title` required, `due` set.
    let todo = CreateTodoParams::new("Buy milk").due("2026-12-24");
    let response = client.todos().create(todo).await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let stored = Todo {
        id: 7,
        title: "Buy milk".to_owned(),
        done: false,
        due: Some("2026-12-24".to_owned()),
    };
    assert_eq!(response.into_body(), stored);
    let body = br#"{"title":"Buy milk","due":"2026-12-24"}"#;
    let length = body.len().to_string();
    let extra = [
        ("content-length", length.as_str()),
        ("content-type", "application/json"),
    ];
    assert_eq!(
        server.requests(),
        [Recorded {
            line: "POST /v1/lists/groceries%2F2026/todos HTTP/1.1".to_owned(),
            headers: headers(&server, &extra),
            body: body.to_vec(),
        }]
    );
}

#[tokio::test]
async fn list_reads_token_base_url_and_list_from_todo_variables() {
    let answer = r#"[{"id":1,"title":"a","done":false},{"id":2,"title":"b","done":false}]"#;
    let server = Server::start(vec![(200, Some("application/json"), answer)]).await;
    let vars = [
        ("TODO_API_TOKEN", TOKEN),
        ("TODO_BASE_URL", server.base_url()),
        ("TODO_LIST_ID", "inbox"),
        ("CLOUDFLARE_ACCOUNT_ID", "not-this-api"),
    ];
    let client: Client = Client::builder()
        .from_env_with(env(&vars))
        .unwrap()
        .build()
        .unwrap();
    let params = ListTodosParams::new().done(false).limit(10);
    let todos = client.todos().list(params).await.unwrap().into_body();
    let titles: Vec<&str> = todos.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["a", "b"]);
    assert_eq!(
        server.requests(),
        [Recorded {
            line: "GET /v1/lists/inbox/todos?done=false&limit=10 HTTP/1.1".to_owned(),
            headers: headers(&server, &[]),
            body: Vec::new(),
        }]
    );
}

#[test]
fn cloudflare_variables_mean_nothing_to_this_client() {
    let vars = [
        ("CLOUDFLARE_API_TOKEN", TOKEN),
        ("CLOUDFLARE_EMAIL", "a@example.com"),
        ("CLOUDFLARE_API_KEY", "k"),
    ];
    let error = Client::builder()
        .from_env_with(env(&vars))
        .unwrap()
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(
        error.to_string(),
        "no credentials: set an API token (ClientBuilder::api_token or TODO_API_TOKEN) or an email + API key (ClientBuilder::email_key or TODO_EMAIL + TODO_API_KEY)"
    );
}

#[tokio::test]
async fn a_call_without_a_list_names_the_setting_and_the_variable_and_sends_nothing() {
    let server = Server::start(Vec::new()).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .build()
        .unwrap();
    let error = client
        .todos()
        .list(ListTodosParams::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(
        error.to_string(),
        r#"list_id is required: pass it in the call's parameters, or set a default with ClientBuilder::path_default("list_id", …) or TODO_LIST_ID"#
    );
    assert_eq!(server.requests(), []);
}

#[tokio::test]
async fn delete_answers_no_content_and_a_missing_todo_is_not_found() {
    let server = Server::start(vec![
        (204, None, ""),
        (404, Some("application/json"), r#"{"error":"no such todo"}"#),
    ])
    .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .list_id("inbox")
        .retries(0)
        .build()
        .unwrap();
    let todos = client.todos();
    // The call's own list wins over the client's.
    let removed = todos
        .delete(7, DeleteTodoParams::new().list_id("work"))
        .await;
    assert_eq!(removed.unwrap().status().as_u16(), 204);
    let missing = todos.delete(8, DeleteTodoParams::new()).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(missing.operation(), Some("delete-todo"));
    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [
            "DELETE /v1/lists/work/todos/7 HTTP/1.1",
            "DELETE /v1/lists/inbox/todos/8 HTTP/1.1"
        ]
    );
}

#[tokio::test]
async fn the_specs_constraints_are_checked_before_any_request() {
    let server = Server::start(Vec::new()).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .list_id("inbox")
        .build()
        .unwrap();
    let error = client
        .todos()
        .create(CreateTodoParams::new(""))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(
        error.to_string(),
        "invalid argument: title: must be at least 1 character, got 0 characters"
    );
    let too_many = ListTodosParams::new().limit(101);
    let error = client.todos().list(too_many).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: limit: must be at most 100, got 101"
    );
    let long_list = ListTodosParams::new().list_id("l".repeat(65));
    let error = client.todos().list(long_list).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid argument: list_id: must be at most 64 characters, got 65 characters"
    );
    assert_eq!(server.requests(), []);
}
