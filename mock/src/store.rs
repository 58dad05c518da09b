//! The stored namespaces and their key-value pairs, by account.
//!
//! One mutex guards everything: every critical section is a map operation, short
//! next to the HTTP work around it, and one lock makes bulk writes atomic. The same lock
//! keeps the usage the caps ([`crate::caps`]) are checked against, so a write is checked
//! and stored in one step.

use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::ops::Bound;
use std::sync::Mutex;

use bytes::Bytes;

use crate::caps::{Caps, Full, StoreUsage, ENTRY_OVERHEAD_BYTES};
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

/// The bytes one pair is charged.
fn entry_bytes(key: &str, entry: &StoredEntry) -> u64 {
    let metadata = entry.metadata.as_ref().map_or(0, |m| m.to_string().len());
    let own = key.len() + entry.value.len() + metadata;
    ENTRY_OVERHEAD_BYTES.saturating_add(own as u64)
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

/// What the lock guards: the namespaces, and the usage the caps are checked against.
#[derive(Debug, Default)]
struct Data {
    accounts: Accounts,
    keys: usize,
    namespaces: usize,
    bytes: u64,
    refused: u64,
}

impl Data {
    /// Refuses with the cap that is full, counting the refusal.
    fn refuse<T>(&mut self, full: Full) -> Result<T, ApiError> {
        self.refused += 1;
        Err(ApiError::StoreFull(full))
    }

    /// Room for one more namespace, or the refusal.
    fn room_for_namespace(&mut self, caps: &Caps) -> Result<(), ApiError> {
        if self.namespaces >= caps.namespaces {
            return self.refuse(Full::Namespaces(caps.namespaces));
        }
        Ok(())
    }
}

/// Everything the server stores, within its caps.
#[derive(Debug, Default)]
pub(crate) struct Store {
    data: Mutex<Data>,
    caps: Caps,
    ids: IdSource,
}

impl Store {
    /// An empty store that holds at most what `caps` allow.
    pub(crate) fn new(caps: Caps) -> Self {
        Self {
            caps,
            ..Self::default()
        }
    }

    /// Runs `f` on a namespace, or answers "namespace not found".
    fn with_space<T>(
        &self,
        account: &str,
        namespace: &str,
        f: impl FnOnce(&mut Space) -> T,
    ) -> Result<T, ApiError> {
        let mut data = crate::sync::lock(&self.data);
        let space = data
            .accounts
            .get_mut(account)
            .and_then(|spaces| spaces.get_mut(namespace))
            .ok_or(ApiError::NamespaceNotFound)?;
        Ok(f(space))
    }

    /// Stores entries, replacing all of any previous ones, in one step: all of them or,
    /// when the namespace is missing (and not `create`d) or a cap would be passed, none.
    /// Of repeated keys the last wins.
    pub(crate) fn put_all(
        &self,
        account: &str,
        namespace: &str,
        entries: Vec<(String, StoredEntry)>,
        create: bool,
    ) -> Result<(), ApiError> {
        let batch: BTreeMap<String, StoredEntry> = entries.into_iter().collect();
        let mut data = crate::sync::lock(&self.data);
        let exists = data
            .accounts
            .get(account)
            .is_some_and(|spaces| spaces.contains_key(namespace));
        if !exists {
            if !create {
                return Err(ApiError::NamespaceNotFound);
            }
            data.room_for_namespace(&self.caps)?;
        }
        let change = Change::of(&data.accounts, account, namespace, &batch);
        if let Some(full) = change.passes(&data, &self.caps) {
            return data.refuse(full);
        }
        let data = &mut *data;
        let spaces = data.accounts.entry(account.to_owned()).or_default();
        if !exists {
            data.namespaces += 1;
        }
        let space = spaces.entry(namespace.to_owned()).or_insert_with(|| Space {
            title: namespace.to_owned(),
            entries: BTreeMap::new(),
        });
        space.entries.extend(batch);
        data.keys += change.new_keys;
        data.bytes = data.bytes.saturating_sub(change.freed) + change.added;
        Ok(())
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
        let mut data = crate::sync::lock(&self.data);
        let data = &mut *data;
        let space = data
            .accounts
            .get_mut(account)
            .and_then(|spaces| spaces.get_mut(namespace))
            .ok_or(ApiError::NamespaceNotFound)?;
        for key in keys {
            if let Some(entry) = space.entries.remove(key) {
                data.keys -= 1;
                data.bytes = data.bytes.saturating_sub(entry_bytes(key, &entry));
            }
        }
        Ok(())
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
        crate::sync::lock(&self.data).keys
    }

    /// What is stored, as the caps count it.
    pub(crate) fn usage(&self) -> StoreUsage {
        let data = crate::sync::lock(&self.data);
        let largest = data
            .accounts
            .values()
            .flat_map(BTreeMap::values)
            .map(|space| space.entries.len())
            .max()
            .unwrap_or(0);
        StoreUsage {
            keys: data.keys,
            namespaces: data.namespaces,
            bytes: data.bytes,
            largest_namespace: largest,
            refused_writes: data.refused,
        }
    }

    /// Forgets every namespace and entry (and the count of refused writes).
    pub(crate) fn clear(&self) {
        *crate::sync::lock(&self.data) = Data::default();
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
        let data = crate::sync::lock(&self.data);
        data.accounts
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
        let mut data = crate::sync::lock(&self.data);
        let taken = data
            .accounts
            .get(account)
            .is_some_and(|spaces| spaces.values().any(|s| s.title == title));
        if taken {
            return Err(ApiError::DuplicateTitle);
        }
        data.room_for_namespace(&self.caps)?;
        data.namespaces += 1;
        let spaces = data.accounts.entry(account.to_owned()).or_default();
        let id = self.ids.fresh(|id| spaces.contains_key(id));
        let space = Space {
            title: title.to_owned(),
            entries: BTreeMap::new(),
        };
        let namespace = view(&id, &space);
        spaces.insert(id, space);
        Ok(namespace)
    }

    /// Creates a namespace with a chosen id, or retitles it (keeping its keys); refused
    /// when it is new and the namespace cap is reached.
    pub(crate) fn insert_namespace(
        &self,
        account: &str,
        id: &str,
        title: &str,
    ) -> Result<(), ApiError> {
        let mut data = crate::sync::lock(&self.data);
        let exists = data
            .accounts
            .get(account)
            .is_some_and(|spaces| spaces.contains_key(id));
        if !exists {
            data.room_for_namespace(&self.caps)?;
            data.namespaces += 1;
        }
        let spaces = data.accounts.entry(account.to_owned()).or_default();
        spaces.entry(id.to_owned()).or_default().title = title.to_owned();
        Ok(())
    }

    /// Retitles a namespace; refused if another namespace has the title.
    pub(crate) fn rename(
        &self,
        account: &str,
        id: &str,
        title: &str,
    ) -> Result<Namespace, ApiError> {
        let mut data = crate::sync::lock(&self.data);
        let spaces = data
            .accounts
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
        let mut data = crate::sync::lock(&self.data);
        let space = data
            .accounts
            .get_mut(account)
            .and_then(|spaces| spaces.remove(id))
            .ok_or(ApiError::NamespaceNotFound)?;
        let freed: u64 = space
            .entries
            .iter()
            .map(|(key, entry)| entry_bytes(key, entry))
            .sum();
        data.namespaces -= 1;
        data.keys -= space.entries.len();
        data.bytes = data.bytes.saturating_sub(freed);
        Ok(())
    }
}

/// What a batch of writes would change: keys added, and bytes added and freed.
struct Change {
    new_keys: usize,
    added: u64,
    freed: u64,
    /// Keys the namespace would hold after the batch.
    namespace_keys: usize,
}

impl Change {
    fn of(
        accounts: &Accounts,
        account: &str,
        namespace: &str,
        batch: &BTreeMap<String, StoredEntry>,
    ) -> Self {
        let space = accounts.get(account).and_then(|s| s.get(namespace));
        let held = space.map_or(0, |s| s.entries.len());
        let old = |key: &str| space.and_then(|s| s.entries.get(key));
        let mut change = Change {
            new_keys: 0,
            added: 0,
            freed: 0,
            namespace_keys: held,
        };
        for (key, entry) in batch {
            change.added += entry_bytes(key, entry);
            match old(key) {
                Some(previous) => change.freed += entry_bytes(key, previous),
                None => change.new_keys += 1,
            }
        }
        change.namespace_keys += change.new_keys;
        change
    }

    /// The cap the change would pass, if any.
    fn passes(&self, data: &Data, caps: &Caps) -> Option<Full> {
        if self.namespace_keys > caps.keys_per_namespace {
            return Some(Full::Keys(caps.keys_per_namespace));
        }
        let after = data
            .bytes
            .saturating_sub(self.freed)
            .saturating_add(self.added);
        (after > caps.stored_bytes).then_some(Full::Bytes(caps.stored_bytes))
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

    mod caps {
        use super::*;
        use proptest::prelude::*;

        const CAPS: Caps = Caps {
            keys_per_namespace: 6,
            namespaces: 3,
            stored_bytes: 2_000,
        };

        #[derive(Debug, Clone)]
        enum Op {
            Put(usize, Vec<(usize, usize, bool)>),
            Delete(usize, Vec<usize>),
            Create,
            Insert(usize),
            Remove(usize),
        }

        fn op() -> impl Strategy<Value = Op> {
            let pairs = prop::collection::vec((0..10usize, 0..400usize, any::<bool>()), 0..5);
            prop_oneof![
                4 => (0..5usize, pairs).prop_map(|(n, p)| Op::Put(n, p)),
                2 => (0..5usize, prop::collection::vec(0..10usize, 0..4))
                    .prop_map(|(n, k)| Op::Delete(n, k)),
                1 => Just(Op::Create),
                1 => (0..5usize).prop_map(Op::Insert),
                1 => (0..5usize).prop_map(Op::Remove),
            ]
        }

        fn apply(store: &Store, op: &Op) {
            let ns = |n: &usize| format!("n{n}");
            let _ = match op {
                Op::Put(n, pairs) => {
                    let entries = pairs
                        .iter()
                        .map(|(k, len, meta)| {
                            let entry = StoredEntry {
                                value: Bytes::from(vec![b'v'; *len]),
                                metadata: meta.then(|| serde_json::json!({"m": len})),
                                expiration: None,
                            };
                            (format!("k{k}"), entry)
                        })
                        .collect();
                    store.put_all("a", &ns(n), entries, true)
                }
                Op::Delete(n, keys) => {
                    let keys: Vec<String> = keys.iter().map(|k| format!("k{k}")).collect();
                    store.delete_all("a", &ns(n), &keys)
                }
                Op::Create => store.create("a", "title").map(drop),
                Op::Insert(n) => store.insert_namespace("a", &ns(n), "t"),
                Op::Remove(n) => store.remove("a", &ns(n)),
            };
        }

        /// The usage counted from scratch.
        fn recount(store: &Store) -> (usize, usize, u64, usize) {
            let data = crate::sync::lock(&store.data);
            let spaces: Vec<&Space> = data.accounts.values().flat_map(|s| s.values()).collect();
            let keys = spaces.iter().map(|s| s.entries.len()).sum();
            let bytes = spaces
                .iter()
                .flat_map(|s| s.entries.iter())
                .map(|(k, e)| entry_bytes(k, e))
                .sum();
            let largest = spaces.iter().map(|s| s.entries.len()).max().unwrap_or(0);
            (keys, spaces.len(), bytes, largest)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// After every step of a random sequence, the store is within its caps and its
            /// running counters equal a recount.
            #[test]
            fn caps_hold_and_counters_are_exact(ops in prop::collection::vec(op(), 1..40)) {
                let store = Store::new(CAPS);
                for op in &ops {
                    apply(&store, op);
                    let (keys, namespaces, bytes, largest) = recount(&store);
                    let usage = store.usage();
                    prop_assert_eq!(
                        (usage.keys, usage.namespaces, usage.bytes, usage.largest_namespace),
                        (keys, namespaces, bytes, largest)
                    );
                    prop_assert!(namespaces <= CAPS.namespaces);
                    prop_assert!(largest <= CAPS.keys_per_namespace);
                    prop_assert!(bytes <= CAPS.stored_bytes);
                }
            }

            /// A refused write changes nothing.
            #[test]
            fn a_refused_write_stores_nothing(ops in prop::collection::vec(op(), 1..40)) {
                let store = Store::new(CAPS);
                for op in &ops {
                    let before = recount(&store);
                    let refused = store.usage().refused_writes;
                    apply(&store, op);
                    if store.usage().refused_writes > refused {
                        prop_assert_eq!(recount(&store), before);
                    }
                }
            }
        }
    }
}
