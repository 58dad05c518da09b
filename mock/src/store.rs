//! The stored namespaces and their key-value pairs, by account.
//!
//! One mutex guards everything: every critical section is a map operation, short
//! next to the HTTP work around it, and one lock makes bulk writes atomic.

use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::ops::Bound;
use std::sync::Mutex;

use bytes::Bytes;

use crate::error::ApiError;

/// One stored entry, as the last successful write left it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    /// The value's bytes, exactly as received.
    pub value: Bytes,
    /// The metadata, parsed as one JSON document, if the write had one.
    pub metadata: Option<serde_json::Value>,
    /// When the entry expires, in seconds since the Unix epoch, if the write set
    /// `expiration` or `expiration_ttl` (a TTL is turned into an absolute time).
    pub expiration: Option<i64>,
}

impl StoredEntry {
    /// Whether the entry is still readable at `now` (it expires *at* its time).
    pub(crate) fn is_live(&self, now: i64) -> bool {
        self.expiration.is_none_or(|at| at > now)
    }
}

/// A namespace as the library shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// The namespace id (32 lowercase hex digits when created through the API).
    pub id: String,
    /// The namespace's title, unique within its account.
    pub title: String,
}

/// One key of a listing: its name and what the listing shows of its entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Listed {
    pub name: String,
    pub expiration: Option<i64>,
    pub metadata: Option<serde_json::Value>,
}

/// One page of a key listing, and whether more keys follow it.
pub(crate) type ListPage = (Vec<Listed>, bool);

/// A namespace's title and entries; entries sorted by the key's UTF-8 bytes.
#[derive(Debug, Default)]
struct Space {
    title: String,
    entries: BTreeMap<String, StoredEntry>,
}

/// Namespaces by account id, then by namespace id.
type Accounts = BTreeMap<String, BTreeMap<String, Space>>;

/// Everything the server stores.
#[derive(Debug, Default)]
pub(crate) struct Store {
    accounts: Mutex<Accounts>,
    ids: IdSource,
}

impl Store {
    /// Runs `f` on a namespace, or answers "namespace not found".
    fn with_space<T>(
        &self,
        account: &str,
        namespace: &str,
        f: impl FnOnce(&mut Space) -> T,
    ) -> Result<T, ApiError> {
        let mut accounts = crate::sync::lock(&self.accounts);
        let space = accounts
            .get_mut(account)
            .and_then(|spaces| spaces.get_mut(namespace))
            .ok_or(ApiError::NamespaceNotFound)?;
        Ok(f(space))
    }

    /// Runs `f` on a namespace, creating it (titled by its id) first if `create`.
    fn with_space_or_create<T>(
        &self,
        account: &str,
        namespace: &str,
        create: bool,
        f: impl FnOnce(&mut Space) -> T,
    ) -> Result<T, ApiError> {
        if create {
            let mut accounts = crate::sync::lock(&self.accounts);
            let spaces = accounts.entry(account.to_owned()).or_default();
            let space = spaces.entry(namespace.to_owned()).or_insert_with(|| Space {
                title: namespace.to_owned(),
                entries: BTreeMap::new(),
            });
            return Ok(f(space));
        }
        self.with_space(account, namespace, f)
    }

    /// Stores entries, replacing all of any previous ones, in one step.
    pub(crate) fn put_all(
        &self,
        account: &str,
        namespace: &str,
        entries: Vec<(String, StoredEntry)>,
        create: bool,
    ) -> Result<(), ApiError> {
        self.with_space_or_create(account, namespace, create, |space| {
            space.entries.extend(entries);
        })
    }

    /// The entry at an address, if stored, expired or not.
    pub(crate) fn get(&self, account: &str, namespace: &str, key: &str) -> Option<StoredEntry> {
        self.with_space(account, namespace, |space| space.entries.get(key).cloned())
            .ok()
            .flatten()
    }

    /// The entries of these keys that are live at `now`, in the same order.
    pub(crate) fn get_live(
        &self,
        account: &str,
        namespace: &str,
        keys: &[String],
        now: i64,
    ) -> Result<Vec<Option<StoredEntry>>, ApiError> {
        self.with_space(account, namespace, |space| {
            let live = |key: &String| space.entries.get(key).filter(|e| e.is_live(now)).cloned();
            keys.iter().map(live).collect()
        })
    }

    /// Removes these keys (absent ones are fine).
    pub(crate) fn delete_all(
        &self,
        account: &str,
        namespace: &str,
        keys: &[String],
    ) -> Result<(), ApiError> {
        self.with_space(account, namespace, |space| {
            for key in keys {
                space.entries.remove(key);
            }
        })
    }

    /// Every stored key of one namespace, expired or not, sorted by bytes.
    pub(crate) fn keys(&self, account: &str, namespace: &str) -> Vec<String> {
        self.with_space(account, namespace, |space| {
            space.entries.keys().cloned().collect()
        })
        .unwrap_or_default()
    }

    /// Up to `limit` live keys starting with `prefix`, strictly after `after`.
    pub(crate) fn list(
        &self,
        account: &str,
        namespace: &str,
        query: &ListQuery<'_>,
        now: i64,
    ) -> Result<ListPage, ApiError> {
        self.with_space(account, namespace, |space| list_space(space, query, now))
    }

    /// How many entries are stored in all namespaces.
    pub(crate) fn entry_count(&self) -> usize {
        let accounts = crate::sync::lock(&self.accounts);
        accounts
            .values()
            .flat_map(BTreeMap::values)
            .map(|space| space.entries.len())
            .sum()
    }

    /// Forgets every namespace and entry.
    pub(crate) fn clear(&self) {
        crate::sync::lock(&self.accounts).clear();
    }
}

/// What a key listing asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListQuery<'a> {
    /// Only keys that start with this.
    pub prefix: &'a str,
    /// Only keys strictly after this one (the cursor's key).
    pub after: Option<&'a str>,
    /// At most this many keys.
    pub limit: usize,
}

/// The page of a listing in one namespace: keys with the prefix are contiguous in
/// byte order, so the walk starts at the later of prefix and cursor and stops at the
/// first key without the prefix.
fn list_space(space: &Space, query: &ListQuery<'_>, now: i64) -> ListPage {
    let start = match query.after {
        Some(after) if after >= query.prefix => Bound::Excluded(after),
        _ => Bound::Included(query.prefix),
    };
    let mut page: Vec<Listed> = space
        .entries
        .range::<str, _>((start, Bound::Unbounded))
        .take_while(|(name, _)| name.starts_with(query.prefix))
        .filter(|(_, entry)| entry.is_live(now))
        .take(query.limit.saturating_add(1))
        .map(|(name, entry)| Listed {
            name: name.clone(),
            expiration: entry.expiration,
            metadata: entry.metadata.clone(),
        })
        .collect();
    let more = page.len() > query.limit;
    page.truncate(query.limit);
    (page, more)
}

/// Namespace operations.
impl Store {
    /// The namespaces of an account, by id.
    pub(crate) fn namespaces(&self, account: &str) -> Vec<Namespace> {
        let accounts = crate::sync::lock(&self.accounts);
        accounts
            .get(account)
            .map(|spaces| spaces.iter().map(|(id, s)| view(id, s)).collect())
            .unwrap_or_default()
    }

    /// One namespace.
    pub(crate) fn namespace(&self, account: &str, id: &str) -> Result<Namespace, ApiError> {
        self.with_space(account, id, |space| view(id, space))
    }

    /// A new namespace with a fresh 32-hex id; refused if the title is taken.
    pub(crate) fn create(&self, account: &str, title: &str) -> Result<Namespace, ApiError> {
        let mut accounts = crate::sync::lock(&self.accounts);
        let spaces = accounts.entry(account.to_owned()).or_default();
        if spaces.values().any(|s| s.title == title) {
            return Err(ApiError::DuplicateTitle);
        }
        let id = self.ids.fresh(|id| spaces.contains_key(id));
        let space = Space {
            title: title.to_owned(),
            entries: BTreeMap::new(),
        };
        let namespace = view(&id, &space);
        spaces.insert(id, space);
        Ok(namespace)
    }

    /// Creates a namespace with a chosen id, or retitles it (keeping its keys).
    pub(crate) fn insert_namespace(&self, account: &str, id: &str, title: &str) {
        let mut accounts = crate::sync::lock(&self.accounts);
        let spaces = accounts.entry(account.to_owned()).or_default();
        spaces.entry(id.to_owned()).or_default().title = title.to_owned();
    }

    /// Retitles a namespace; refused if another namespace has the title.
    pub(crate) fn rename(
        &self,
        account: &str,
        id: &str,
        title: &str,
    ) -> Result<Namespace, ApiError> {
        let mut accounts = crate::sync::lock(&self.accounts);
        let spaces = accounts
            .get_mut(account)
            .ok_or(ApiError::NamespaceNotFound)?;
        if !spaces.contains_key(id) {
            return Err(ApiError::NamespaceNotFound);
        }
        if spaces
            .iter()
            .any(|(other, s)| other != id && s.title == title)
        {
            return Err(ApiError::DuplicateTitle);
        }
        let space = spaces.get_mut(id).ok_or(ApiError::NamespaceNotFound)?;
        space.title = title.to_owned();
        Ok(view(id, space))
    }

    /// Removes a namespace and every key in it.
    pub(crate) fn remove(&self, account: &str, id: &str) -> Result<(), ApiError> {
        let mut accounts = crate::sync::lock(&self.accounts);
        accounts
            .get_mut(account)
            .and_then(|spaces| spaces.remove(id))
            .map(drop)
            .ok_or(ApiError::NamespaceNotFound)
    }
}

/// The library's view of a namespace.
fn view(id: &str, space: &Space) -> Namespace {
    Namespace {
        id: id.to_owned(),
        title: space.title.clone(),
    }
}

/// Fresh namespace ids: 128 bits from a randomly seeded hasher over a counter, so
/// ids look like the API's and differ between servers and runs.
#[derive(Debug, Default)]
struct IdSource {
    seed: RandomState,
    counter: std::sync::atomic::AtomicU64,
}

impl IdSource {
    /// An id for which `taken` is false.
    fn fresh(&self, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let n = self
                .counter
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let id = format!("{:016x}{:016x}", self.hash(n, 0), self.hash(n, 1));
            if !taken(&id) {
                return id;
            }
        }
    }

    fn hash(&self, n: u64, half: u64) -> u64 {
        let mut hasher = self.seed.build_hasher();
        hasher.write_u64(n);
        hasher.write_u64(half);
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(expiration: Option<i64>) -> StoredEntry {
        StoredEntry {
            value: Bytes::from_static(b"v"),
            metadata: None,
            expiration,
        }
    }

    fn names(page: &ListPage) -> Vec<&str> {
        page.0.iter().map(|l| l.name.as_str()).collect()
    }

    fn store_with(keys: &[&str]) -> Store {
        let store = Store::default();
        let pairs = keys
            .iter()
            .map(|k| ((*k).to_owned(), entry(None)))
            .collect();
        store.put_all("a", "n", pairs, true).unwrap();
        store
    }

    #[test]
    fn listing_walks_the_prefix_range_after_the_cursor() {
        let store = store_with(&["a", "ab", "abc", "b", "ba"]);
        let q = |prefix, after, limit| ListQuery {
            prefix,
            after,
            limit,
        };
        let page = store.list("a", "n", &q("a", None, 2), 0).unwrap();
        assert_eq!((names(&page), page.1), (vec!["a", "ab"], true));
        let page = store.list("a", "n", &q("a", Some("ab"), 2), 0).unwrap();
        assert_eq!((names(&page), page.1), (vec!["abc"], false));
        // A cursor before the prefix starts at the prefix.
        let page = store.list("a", "n", &q("b", Some("a"), 10), 0).unwrap();
        assert_eq!(names(&page), vec!["b", "ba"]);
        // A cursor key that was deleted still resumes right after its place.
        let page = store.list("a", "n", &q("", Some("aa"), 10), 0).unwrap();
        assert_eq!(names(&page), vec!["ab", "abc", "b", "ba"]);
    }

    #[test]
    fn listing_skips_expired_entries() {
        let store = Store::default();
        let pairs = vec![
            ("x".to_owned(), entry(Some(10))),
            ("y".to_owned(), entry(Some(11))),
        ];
        store.put_all("a", "n", pairs, true).unwrap();
        let q = ListQuery {
            prefix: "",
            after: None,
            limit: 10,
        };
        assert_eq!(names(&store.list("a", "n", &q, 10).unwrap()), vec!["y"]);
        assert_eq!(store.keys("a", "n"), ["x", "y"]);
    }

    #[test]
    fn namespaces_have_unique_titles_and_hex_ids() {
        let store = Store::default();
        let first = store.create("a", "t").unwrap();
        assert_eq!(first.id.len(), 32);
        assert!(first
            .id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(store.create("a", "t"), Err(ApiError::DuplicateTitle));
        assert!(store.create("other", "t").is_ok());
        let second = store.create("a", "u").unwrap();
        assert_ne!(first.id, second.id);
        assert_eq!(
            store.rename("a", &second.id, "t"),
            Err(ApiError::DuplicateTitle)
        );
        assert!(store.rename("a", &second.id, "u").is_ok());
        store.remove("a", &first.id).unwrap();
        assert_eq!(
            store.namespace("a", &first.id),
            Err(ApiError::NamespaceNotFound)
        );
    }

    #[test]
    fn without_create_an_unknown_namespace_is_refused() {
        let store = Store::default();
        let pairs = vec![("k".to_owned(), entry(None))];
        assert_eq!(
            store.put_all("a", "n", pairs, false),
            Err(ApiError::NamespaceNotFound)
        );
        assert_eq!(
            store.delete_all("a", "n", &[]),
            Err(ApiError::NamespaceNotFound)
        );
    }
}
