//! Listings that span pages, followed to the end as a [`Stream`].
//!
//! Generated code calls [`paginate`] with the first page's parameters, a function that
//! fetches one page, and a function that derives the next page's parameters from the last
//! answer ([`next_cursor`] or [`next_page`] do the arithmetic). Pages are fetched lazily,
//! one at a time, as the stream is polled; the first error ends the stream.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::error::Error;
use crate::response::{Response, ResultInfo};

/// The pages of a listing, each a [`Response`] with its items and `result_info`.
pub struct Pages<'a, T> {
    inner: BoxStream<'a, Result<Response<Vec<T>>, Error>>,
}

/// The items of a listing, page after page; see [`Pages::items`].
pub struct Items<'a, T> {
    pages: Pages<'a, T>,
    ready: VecDeque<T>,
    done: bool,
}

struct State<P, F> {
    next: Option<P>,
    fetch: F,
}

/// Pages starting from `params`: `fetch` gets one page; `next` gets the parameters that
/// page was fetched with and its answer, and says how to fetch the following one (`None`:
/// that was the last page).
pub fn paginate<'a, P, T, F, Fut>(
    params: P,
    fetch: F,
    next: fn(&P, &Response<Vec<T>>) -> Option<P>,
) -> Pages<'a, T>
where
    P: Clone + Send + 'a,
    T: Send + 'a,
    F: FnMut(P) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<Vec<T>>, Error>> + Send + 'a,
{
    let state = State {
        next: Some(params),
        fetch,
    };
    let inner = futures_util::stream::unfold(state, move |mut state| async move {
        let params = state.next.take()?;
        let page = (state.fetch)(params.clone()).await;
        if let Ok(response) = &page {
            state.next = next(&params, response);
        }
        Some((page, state))
    });
    Pages {
        inner: inner.boxed(),
    }
}

/// The cursor of the page after one fetched with `current`: the answer's
/// `result_info.cursor`, unless it is absent, empty (the end) or the same as `current` (a
/// server that does not advance would otherwise be followed forever).
pub fn next_cursor(current: Option<&str>, info: Option<&ResultInfo>) -> Option<String> {
    let cursor = info?.cursor.as_deref()?;
    if cursor.is_empty() || Some(cursor) == current {
        return None;
    }
    Some(cursor.to_owned())
}

/// The number of the page after `current` (page 1 when unset), which held `items` items:
/// none after an empty page or the last of `result_info.total_pages` (or of `total_count`
/// at `per_page`); without either, none after a page shorter than `per_page`.
pub fn next_page(current: Option<u64>, items: usize, info: Option<&ResultInfo>) -> Option<u64> {
    let page = info.and_then(|i| i.page).or(current).unwrap_or(1).max(1);
    if items == 0 {
        return None;
    }
    let per_page = info.and_then(|i| i.per_page).filter(|n| *n > 0);
    let total_pages = info.and_then(|i| i.total_pages).or_else(|| {
        let total = info.and_then(|i| i.total_count)?;
        Some(total.div_ceil(per_page?))
    });
    let more = match (total_pages, per_page) {
        (Some(total), _) => page < total,
        (None, Some(size)) => u64::try_from(items).map_or(true, |n| n >= size),
        (None, None) => true,
    };
    more.then(|| page.saturating_add(1))
}

impl<'a, T: Send + 'a> Pages<'a, T> {
    /// Every item of every page, in order; an error ends the stream after it is yielded.
    pub fn items(self) -> Items<'a, T> {
        Items {
            pages: self,
            ready: VecDeque::new(),
            done: false,
        }
    }
}

impl<T> Stream for Pages<'_, T> {
    type Item = Result<Response<Vec<T>>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> Stream for Items<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match self.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => self.done = true,
                Poll::Ready(Some(Err(error))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(page))) => self.ready.extend(page.into_body()),
            }
        }
    }
}

// `Items` holds no self-references: its parts are boxed or plain values.
impl<T> Unpin for Items<'_, T> {}

impl<T> fmt::Debug for Pages<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.ready.len())
            .field("done", &self.done)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{decode_result, RawResponse};
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;
    use serde_json::json;

    fn info(value: serde_json::Value) -> ResultInfo {
        let raw = RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from(json!({"success": true, "result": [], "result_info": value}).to_string()),
        );
        let page: Response<Vec<u8>> = decode_result(raw).unwrap();
        page.result_info().unwrap().clone()
    }

    #[test]
    fn cursors_advance_until_empty_absent_or_repeated() {
        let next = info(json!({"cursor": "c2", "count": 10}));
        assert_eq!(next_cursor(None, Some(&next)).as_deref(), Some("c2"));
        assert_eq!(next_cursor(Some("c1"), Some(&next)).as_deref(), Some("c2"));
        assert_eq!(next_cursor(Some("c2"), Some(&next)), None);
        assert_eq!(next_cursor(None, Some(&info(json!({"cursor": ""})))), None);
        assert_eq!(next_cursor(None, Some(&info(json!({})))), None);
        assert_eq!(next_cursor(None, None), None);
    }

    #[test]
    fn pages_advance_until_the_last() {
        let of = |v| Some(info(v));
        let two_of_three = of(json!({"page": 2, "per_page": 5, "total_pages": 3}));
        assert_eq!(next_page(Some(2), 5, two_of_three.as_ref()), Some(3));
        let last = of(json!({"page": 3, "per_page": 5, "total_pages": 3}));
        assert_eq!(next_page(Some(3), 2, last.as_ref()), None);
        let by_count = of(json!({"page": 2, "per_page": 5, "total_count": 10}));
        assert_eq!(next_page(None, 5, by_count.as_ref()), None);
        let full = of(json!({"per_page": 5}));
        assert_eq!(next_page(None, 5, full.as_ref()), Some(2));
        let short = of(json!({"per_page": 5}));
        assert_eq!(next_page(Some(4), 4, short.as_ref()), None);
        assert_eq!(next_page(None, 0, None), None);
        assert_eq!(next_page(None, 3, None), Some(2));
    }

    /// A listing of `total` numbers served `size` at a time with cursors `"<next index>"`.
    fn cursor_page(
        total: u32,
        size: u32,
        cursor: Option<&str>,
    ) -> Result<Response<Vec<u32>>, Error> {
        let start: u32 = cursor.map_or(0, |c| c.parse().unwrap());
        let end = (start + size).min(total);
        let next = if end == total {
            String::new()
        } else {
            end.to_string()
        };
        let body = json!({"success": true, "result": (start..end).collect::<Vec<_>>(),
            "result_info": {"count": end - start, "cursor": next}});
        decode_result(RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from(body.to_string()),
        ))
    }

    #[tokio::test]
    async fn a_cursor_listing_is_followed_to_its_last_item() {
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = calls.clone();
        let pages = paginate(
            None::<String>,
            move |cursor: Option<String>| {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move { cursor_page(7, 3, cursor.as_deref()) }
            },
            |cursor, page| next_cursor(cursor.as_deref(), page.result_info()).map(Some),
        );
        let items: Vec<u32> = pages.items().map(Result::unwrap).collect().await;
        assert_eq!(items, (0..7).collect::<Vec<_>>());
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn the_first_error_ends_the_stream() {
        let pages = paginate(
            1u32,
            |page: u32| async move {
                if page == 2 {
                    return Err(Error::new(crate::ErrorKind::Server, "HTTP 500"));
                }
                cursor_page(10, 2, Some(&((page - 1) * 2).to_string()))
            },
            |page, _| Some(page + 1),
        );
        let items: Vec<Result<u32, Error>> = pages.items().collect().await;
        assert_eq!(items.len(), 3);
        assert_eq!(*items[1].as_ref().unwrap(), 1);
        assert_eq!(items[2].as_ref().unwrap_err().to_string(), "HTTP 500");
    }
}
