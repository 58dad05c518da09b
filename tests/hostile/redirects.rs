//! A server that redirects: no credential and no body ever reaches the redirect's target,
//! for every redirect status, both auth schemes, the default HTTP client and an injected
//! builder that asks to follow redirects, across ports, hosts and from https to http.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::*;
use cloudflare_kv::{Client, ClientBuilderExt, ErrorKind, UpdateValueParams};
use kv_runtime::{ClientBuilder, Core, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CODES: [(u16, &str); 5] = [
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
];

/// A server that answers every request with `code` and `Location: location`.
async fn redirecting(code: u16, reason: &str, location: &str) -> Server {
    let location = format!("Location: {location}");
    answer_always(response(
        &format!("{code} {reason}"),
        &[&location],
        b"moved",
    ))
    .await
}

/// An HTTP client builder that follows up to ten redirects, as reqwest does by default.
fn following() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10))
}

/// The redirect targets tried, each with how the error must name it: another port, another
/// host, a scheme-relative reference, and a path on the same origin. Every target but the
/// last is the trap; each `Location` carries a path and query that must not be shown.
fn targets(trap: &Trap) -> Vec<(String, String)> {
    let port = trap.addr.port();
    vec![
        (
            format!("http://127.0.0.1:{port}/steal?sig=hidden"),
            format!("to http://127.0.0.1:{port}"),
        ),
        (
            format!("http://localhost:{port}/steal?sig=hidden"),
            format!("to http://localhost:{port}"),
        ),
        (
            format!("//localhost:{port}/steal?sig=hidden"),
            format!("to http://localhost:{port}"),
        ),
        (
            "/steal?sig=hidden".to_owned(),
            "elsewhere on the same origin".to_owned(),
        ),
    ]
}

/// The redirect was refused: one request reached the origin, none the trap, and the error
/// names the target's origin only.
fn assert_refused(
    error: &Error,
    code: u16,
    reason: &str,
    whither: &str,
    origin: &Server,
    trap: &Trap,
) {
    let case = format!("{code} {whither}");
    assert_eq!(error.kind(), ErrorKind::Redirect, "{case}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(code), "{case}");
    assert_eq!(
        error.to_string(),
        format!("hostile-put: HTTP {code} {reason}: the server redirected {whither}; redirects are never followed, so nothing was sent there"),
    );
    assert_eq!(error.attempts(), 1, "{case}");
    let headers = error.headers().unwrap();
    assert!(headers.get("location").is_none(), "{case}");
    assert!(!format!("{error:?}").contains("hidden"), "{case}");
    assert_eq!(origin.requests(), 1, "{case}: the origin was asked again");
    assert_eq!(trap.connections(), 0, "{case}: {}", trap.received());
}

/// Every code against every target with `auth`, through clients made by `make`.
async fn refuses_every_redirect(auth: Auth, make: impl Fn(&Server) -> ClientBuilder<Core>) {
    let trap = Trap::start().await;
    for (code, reason) in CODES {
        for (location, whither) in targets(&trap) {
            let origin = redirecting(code, reason, &location).await;
            let core = auth.apply(make(&origin)).build().unwrap();
            let error = send(&core, put()).await.unwrap_err();
            assert_refused(&error, code, reason, &whither, &origin, &trap);
        }
    }
    assert!(trap.received().is_empty());
}

#[tokio::test]
async fn the_default_client_follows_no_redirect() {
    for auth in Auth::BOTH {
        refuses_every_redirect(auth, |origin| builder(&origin.url())).await;
    }
}

#[tokio::test]
async fn an_injected_builder_that_follows_redirects_follows_none() {
    for auth in Auth::BOTH {
        let make = |origin: &Server| builder(&origin.url()).http_client_builder(following());
        refuses_every_redirect(auth, make).await;
    }
}

#[tokio::test]
async fn the_generated_client_refuses_redirects_too() {
    let trap = Trap::start().await;
    let location = format!("http://localhost:{}/steal", trap.addr.port());
    for injected in [false, true] {
        for (code, reason) in CODES {
            let origin = redirecting(code, reason, &location).await;
            let builder = Client::builder()
                .base_url(origin.url())
                .email_key(EMAIL, API_KEY)
                .account_id("a");
            let builder = if injected {
                builder.http_client_builder(following())
            } else {
                builder
            };
            let client = builder.build().unwrap();
            let values = client.kv().namespaces().values();
            let call = values.update("n", "k", UpdateValueParams::new("v"));
            let error = tokio::time::timeout(HANG_GUARD, call)
                .await
                .unwrap()
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Redirect, "{code}");
            assert_eq!(
                error.to_string(),
                format!("update-value: HTTP {code} {reason}: the server redirected to http://localhost:{}; redirects are never followed, so nothing was sent there", trap.addr.port())
            );
            assert_eq!(origin.requests(), 1);
        }
    }
    assert_eq!(trap.connections(), 0, "{}", trap.received());
}

#[tokio::test]
async fn a_redirect_without_or_with_a_broken_location_is_refused_as_well() {
    let trap = Trap::start().await;
    let cases = [
        (None, "without a Location"),
        (Some("http://[::1"), "to a Location that is not a valid URL"),
        (Some("data:text/plain,hi"), "to a data: URL"),
    ];
    for (location, whither) in cases {
        let headers: Vec<String> = location.iter().map(|l| format!("Location: {l}")).collect();
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let origin = answer_always(response("307 Temporary Redirect", &headers, b"")).await;
        let error = send(&core(&origin), put()).await.unwrap_err();
        assert_refused(&error, 307, "Temporary Redirect", whither, &origin, &trap);
    }
}

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate, answering every request
/// with a 308 to `location`; returns its address and the certificate to trust.
async fn tls_redirecting(location: String) -> (Server, reqwest::Certificate) {
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let certificate = reqwest::Certificate::from_der(key.cert.der()).unwrap();
    let private =
        tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer::from(key.signing_key.serialize_der());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![key.cert.der().clone()], private.into())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let answer = response(
        "308 Permanent Redirect",
        &[&format!("Location: {location}")],
        b"",
    );
    let server = serve_tls(acceptor, answer).await;
    (server, certificate)
}

/// Like [`serve`] behind TLS, answering `answer` once the request head has arrived.
async fn serve_tls(acceptor: tokio_rustls::TlsAcceptor, answer: Vec<u8>) -> Server {
    let (answer, acceptor) = (Arc::new(answer), Arc::new(acceptor));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, answer, count) = (acceptor.clone(), answer.clone(), count.clone());
            tokio::spawn(async move {
                let mut tls = acceptor.accept(stream).await?;
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let mut byte = [0u8; 1];
                    if tls.read(&mut byte).await? == 0 {
                        return Ok::<_, std::io::Error>(());
                    }
                    head.push(byte[0]);
                }
                count.fetch_add(1, Ordering::Relaxed);
                tls.write_all(&answer).await?;
                tls.shutdown().await
            });
        }
    });
    Server::started(addr, "https", requests, task)
}

#[tokio::test]
async fn https_to_http_is_never_followed() {
    let trap = Trap::start().await;
    let location = format!("http://127.0.0.1:{}/steal", trap.addr.port());
    for auth in Auth::BOTH {
        let (origin, certificate) = tls_redirecting(location.clone()).await;
        let injected = following().add_root_certificate(certificate);
        let core = auth
            .apply(builder(&origin.url()).http_client_builder(injected))
            .build()
            .unwrap();
        let error = send(&core, put()).await.unwrap_err();
        let whither = format!("to http://127.0.0.1:{}", trap.addr.port());
        assert_refused(&error, 308, "Permanent Redirect", &whither, &origin, &trap);
    }
}
