//! The stored key-value pairs, by account, namespace and key.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bytes::Bytes;

/// One stored entry, as the last successful write left it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    /// The value's bytes, exactly as received.
    pub value: Bytes,
    /// The `metadata` part, parsed as one JSON document, if the write had one.
    pub metadata: Option<serde_json::Value>,
    /// When the entry expires, in seconds since the Unix epoch, if the write set
    /// `expiration` or `expiration_ttl` (a TTL is turned into an absolute time).
    pub expiration: Option<i64>,
}

/// Where an entry lives: account id, namespace id, key (all decoded).
type Address = (String, String, String);

/// The entries of all accounts and namespaces. A `BTreeMap` so listings are sorted.
#[derive(Debug, Default)]
pub(crate) struct Store {
    entries: Mutex<BTreeMap<Address, StoredEntry>>,
}

impl Store {
    /// Stores an entry, replacing all of any previous one (value, metadata, expiration).
    pub(crate) fn put(&self, account: &str, namespace: &str, key: &str, entry: StoredEntry) {
        let address = (account.to_owned(), namespace.to_owned(), key.to_owned());
        crate::sync::lock(&self.entries).insert(address, entry);
    }

    /// The entry at an address, if stored.
    pub(crate) fn get(&self, account: &str, namespace: &str, key: &str) -> Option<StoredEntry> {
        let address = (account.to_owned(), namespace.to_owned(), key.to_owned());
        crate::sync::lock(&self.entries).get(&address).cloned()
    }

    /// Removes an entry; true if there was one.
    pub(crate) fn delete(&self, account: &str, namespace: &str, key: &str) -> bool {
        let address = (account.to_owned(), namespace.to_owned(), key.to_owned());
        crate::sync::lock(&self.entries).remove(&address).is_some()
    }

    /// The keys of one namespace, sorted by their bytes.
    pub(crate) fn keys(&self, account: &str, namespace: &str) -> Vec<String> {
        crate::sync::lock(&self.entries)
            .keys()
            .filter(|(a, n, _)| a == account && n == namespace)
            .map(|(_, _, k)| k.clone())
            .collect()
    }
}
