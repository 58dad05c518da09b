//! Writes the value `Some Value` under the key `My-Key`.
//!
//! Reads the credentials and the account from the environment:
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… cargo run -p examples --example update_value
//! ```
//!
//! `CLOUDFLARE_BASE_URL` points it at another server, such as the local mock.

use cloudflare_kv::{Client, UpdateValueParams};

const NAMESPACE_ID: &str = "0f2ac74b498b48028cb68387c421e279";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let response = client
        .kv()
        .namespaces()
        .values()
        .update(NAMESPACE_ID, "My-Key", UpdateValueParams::new("Some Value"))
        .await?;
    println!("HTTP {}: written", response.status());
    Ok(())
}
