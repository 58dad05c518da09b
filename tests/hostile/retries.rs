//! A server that keeps saying "later": `Retry-After` values at and past every edge, and
//! 429 forever. Waits are honoured only when sane, never past the cap nor the deadline,
//! and an endless 429 ends by the deadline with the server's last answer.

use std::time::{Duration, SystemTime};

use crate::support::*;
use kv_runtime::ErrorKind;

const OK: &[u8] = br#"{"success":true,"errors":[],"messages":[],"result":{"ok":1}}"#;
const SLOW_DOWN: &[u8] = br#"{"success":false,"errors":[{"code":10000,"message":"slow down"}]}"#;

/// Answers the first `limited` requests with 429 and `Retry-After: retry_after`, then OK.
async fn limited(retry_after: String, limited: usize) -> Server {
    serve(move |mut conn| {
        let retry_after = format!("Retry-After: {retry_after}");
        async move {
            let answer = if conn.index < limited {
                response("429 Too Many Requests", &[&retry_after], SLOW_DOWN)
            } else {
                response("200 OK", &["Content-Type: application/json"], OK)
            };
            conn.send(&answer).await
        }
    })
    .await
}

fn http_date(offset: i64) -> String {
    let now = SystemTime::now();
    let when = if offset >= 0 {
        now + Duration::from_secs(offset.unsigned_abs())
    } else {
        now - Duration::from_secs(offset.unsigned_abs())
    };
    httpdate::fmt_http_date(when)
}

#[tokio::test]
async fn sane_or_unreadable_retry_after_values_are_retried_at_once_or_after_backoff() {
    // 0 and a date in the past mean "now"; the rest are not delay-seconds nor a date, so the
    // client's own backoff (1 to 5 ms here) applies.
    let values = [
        "0".to_owned(),
        http_date(-3600),
        "-1".to_owned(),
        "1.5".to_owned(),
        "soon".to_owned(),
        String::new(),
        "Mon, 99 Foo 2024 99:99:99 GMT".to_owned(),
    ];
    for value in values {
        let server = limited(value.clone(), 1).await;
        let raw = send(&core(&server), put()).await.unwrap();
        assert_eq!((raw.status.as_u16(), raw.attempts), (200, 2), "{value:?}");
        assert_eq!(server.requests(), 2, "{value:?}");
    }
}

#[tokio::test]
async fn a_retry_after_past_the_cap_ends_the_retries_with_the_429() {
    let cases = [
        ("61".to_owned(), Some(Duration::from_secs(61))),
        (
            "18446744073709551615".to_owned(),
            Some(Duration::from_secs(u64::MAX)),
        ),
        ("99999999999999999999999999".to_owned(), Some(Duration::MAX)),
        (http_date(3600), None),
    ];
    for (value, expected) in cases {
        let server = limited(value.clone(), usize::MAX).await;
        let error = send_json(&core(&server), put()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited, "{value:?}");
        assert_eq!(
            error.to_string(),
            "hostile-put: HTTP 429 Too Many Requests: 10000 slow down"
        );
        assert_eq!((error.attempts(), server.requests()), (1, 1), "{value:?}");
        let wait = error.retry_after().unwrap();
        match expected {
            Some(expected) => assert_eq!(wait, expected),
            None => assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600)),
        }
    }
}

#[tokio::test]
async fn a_wait_that_would_outlast_the_deadline_is_not_started() {
    // Within the 60 s cap, but the call's deadline is 1 s: the client returns the 429 rather
    // than sleeping into a deadline it cannot meet (a sleep would trip the 20 s hang guard).
    for value in ["30".to_owned(), http_date(30)] {
        let server = limited(value.clone(), usize::MAX).await;
        let core = builder(&server.url())
            .api_token(TOKEN)
            .deadline(Duration::from_secs(1))
            .build()
            .unwrap();
        let error = send_json(&core, put()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited, "{value:?}");
        assert_eq!((error.attempts(), server.requests()), (1, 1), "{value:?}");
    }
}

#[tokio::test]
async fn an_endless_429_ends_after_the_retries() {
    let server = limited("0".to_owned(), usize::MAX).await;
    let error = send_json(&core(&server), put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 429 Too Many Requests: 10000 slow down (after 3 attempts)"
    );
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn an_endless_429_with_endless_retries_ends_by_the_deadline() {
    // Waits of exactly 1 s within 2.5 s: attempts at 0, 1 and 2 s; the next wait would end
    // after the deadline, so the third 429 is the answer.
    let server = limited("1".to_owned(), usize::MAX).await;
    let core = builder(&server.url())
        .api_token(TOKEN)
        .retries(u32::MAX)
        .deadline(Duration::from_millis(2500))
        .build()
        .unwrap();
    let error = send_json(&core, put()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(
        error.to_string(),
        "hostile-put: HTTP 429 Too Many Requests: 10000 slow down (after 3 attempts)"
    );
    assert_eq!(server.requests(), 3);
    assert!(server.written() < 3 * 1024, "{}", server.written());
}
