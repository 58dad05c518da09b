//! What the store may hold: caps on keys per namespace, namespaces and stored bytes, and the
//! running usage they are checked against. A write that would pass a cap is refused whole
//! (nothing of it is stored) with [`ApiError::StoreFull`](crate::error::ApiError::StoreFull).

/// Default cap on the keys one namespace holds.
pub const DEFAULT_MAX_KEYS_PER_NAMESPACE: usize = 100_000;

/// Default cap on the namespaces the server holds, over all accounts.
pub const DEFAULT_MAX_NAMESPACES: usize = 1_000;

/// Default cap on the bytes the server stores: 512 MiB, counted as [`ENTRY_OVERHEAD_BYTES`]
/// plus the key, the value and the metadata (as compact JSON) of every pair, whether it has
/// expired or not.
pub const DEFAULT_MAX_STORED_BYTES: u64 = 512 * 1024 * 1024;

/// What one stored pair is charged for the mock's own bookkeeping (its place in the map,
/// the entry's fields), on top of its bytes: so that many empty pairs also fill the store.
pub const ENTRY_OVERHEAD_BYTES: u64 = 128;

/// The caps a server was built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Caps {
    pub keys_per_namespace: usize,
    pub namespaces: usize,
    pub stored_bytes: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            keys_per_namespace: DEFAULT_MAX_KEYS_PER_NAMESPACE,
            namespaces: DEFAULT_MAX_NAMESPACES,
            stored_bytes: DEFAULT_MAX_STORED_BYTES,
        }
    }
}

/// Which cap a refused write would have passed, with the cap's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// The namespace already holds this many keys.
    Keys(usize),
    /// The server already holds this many namespaces.
    Namespaces(usize),
    /// The server's stored bytes would pass this many.
    Bytes(u64),
}

/// What the store holds now, as its caps count it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreUsage {
    /// Pairs stored, in all namespaces, expired or not.
    pub keys: usize,
    /// Namespaces, over all accounts.
    pub namespaces: usize,
    /// Bytes charged: for each pair, its key, value and metadata plus
    /// [`ENTRY_OVERHEAD_BYTES`].
    pub bytes: u64,
    /// The most keys any one namespace holds.
    pub largest_namespace: usize,
    /// Writes refused because a cap would have been passed.
    pub refused_writes: u64,
}
