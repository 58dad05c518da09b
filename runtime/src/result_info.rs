//! An envelope's `result_info`: where a page sits in a listing.

use serde_json::{Map, Value};

/// The paging details of an enveloped answer, read leniently: a field of an unexpected
/// type (a count sent as text, say) is read when it can be and otherwise left `None`;
/// every field is also kept in [`extra`](Self::extra) as it arrived.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ResultInfo {
    /// The cursor that fetches the next page (cursor-paged listings); empty or absent at
    /// the end.
    pub cursor: Option<String>,
    /// How many items this page holds.
    pub count: Option<u64>,
    /// This page's number, from 1 (page-numbered listings).
    pub page: Option<u64>,
    /// The page size asked for.
    pub per_page: Option<u64>,
    /// How many items there are across all pages.
    pub total_count: Option<u64>,
    /// How many pages there are.
    pub total_pages: Option<u64>,
    /// The whole object, as it arrived.
    pub extra: Map<String, Value>,
}

impl ResultInfo {
    /// Reads `result_info`; `null` or a non-object is no paging information.
    pub(crate) fn read(value: Value) -> Option<Self> {
        let Value::Object(object) = value else {
            return None;
        };
        let number = |key: &str| object.get(key).and_then(whole_number);
        Some(Self {
            cursor: object
                .get("cursor")
                .and_then(Value::as_str)
                .map(str::to_owned),
            count: number("count"),
            page: number("page"),
            per_page: number("per_page"),
            total_count: number("total_count"),
            total_pages: number("total_pages"),
            extra: object,
        })
    }
}

/// A non-negative whole number, whether sent as a number (`3`, `3.0`) or as text (`"3"`).
fn whole_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_leniently_and_kept_whole() {
        let info = ResultInfo::read(json!({"cursor": "abc", "count": 2, "page": "3",
            "per_page": 20.0, "total_count": -1, "total_pages": true, "x": 1}))
        .unwrap();
        assert_eq!(info.cursor.as_deref(), Some("abc"));
        assert_eq!(info.count, Some(2));
        assert_eq!(info.page, Some(3));
        assert_eq!(info.per_page, Some(20));
        assert_eq!(info.total_count, None);
        assert_eq!(info.total_pages, None);
        assert_eq!(info.extra.get("x"), Some(&json!(1)));
        assert_eq!(ResultInfo::read(Value::Null), None);
        assert_eq!(ResultInfo::read(json!([1])), None);
    }
}
