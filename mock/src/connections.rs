//! The connection slots, fair under idle clients: when every slot is taken and a new
//! client is waiting, the connection that has been idle longest (no request in progress,
//! including one that never sent a byte or stalls in its headers) is closed to make room.
//! A connection serving a request is never evicted; if every one is busy, the new client
//! waits for one to finish or go idle.
//!
//! Activity is ordered by a counter, not a clock: "longest idle" is the lowest tick.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// What the connection slots have done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections open now.
    pub open: usize,
    /// Idle connections closed to make room for a new one.
    pub evicted: u64,
}

/// One connection's slot.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Requests in progress (0 or 1 for HTTP/1.1).
    busy: AtomicUsize,
    /// The tick of its last activity (accepted, request started or finished).
    last_active: AtomicU64,
    /// Chosen for eviction: not chosen again.
    closing: AtomicBool,
    /// Tells the connection's task to close.
    pub(crate) close: Notify,
}

/// Every open connection's slot, and the permits that bound how many are open.
#[derive(Debug)]
pub(crate) struct Slots {
    open: Mutex<BTreeMap<u64, Arc<Slot>>>,
    permits: Arc<Semaphore>,
    tick: AtomicU64,
    accepted: AtomicU64,
    evicted: AtomicU64,
    /// Signalled when a request ends, so a waiting client can look for an idle slot again.
    became_idle: Notify,
}

impl Slots {
    /// Room for `max` connections at once.
    pub(crate) fn new(max: usize) -> Self {
        Self {
            open: Mutex::new(BTreeMap::new()),
            permits: Arc::new(Semaphore::new(max)),
            tick: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            became_idle: Notify::new(),
        }
    }

    fn next_tick(&self) -> u64 {
        self.tick.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A permit for a client that is waiting: a free one, or one freed by evicting the
    /// longest-idle connection; if all are busy, waits until one ends or goes idle.
    pub(crate) async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        loop {
            if let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() {
                return Some(permit);
            }
            let idle = self.became_idle.notified();
            self.evict_longest_idle();
            tokio::select! {
                permit = Arc::clone(&self.permits).acquire_owned() => return permit.ok(),
                () = idle => {}
            }
        }
    }

    /// Tells the idle connection with the oldest activity to close, if there is one.
    fn evict_longest_idle(&self) {
        let open = crate::sync::lock(&self.open);
        let candidate = open
            .values()
            .filter(|slot| {
                slot.busy.load(Ordering::Acquire) == 0 && !slot.closing.load(Ordering::Acquire)
            })
            .min_by_key(|slot| slot.last_active.load(Ordering::Acquire));
        if let Some(slot) = candidate {
            slot.closing.store(true, Ordering::Release);
            // `notify_one` keeps the signal if the task is not waiting yet.
            slot.close.notify_one();
            self.evicted.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Registers a new connection; its slot is freed by [`Slots::remove`].
    pub(crate) fn register(&self) -> (u64, Arc<Slot>) {
        let id = self.accepted.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        slot.last_active.store(self.next_tick(), Ordering::Release);
        crate::sync::lock(&self.open).insert(id, Arc::clone(&slot));
        (id, slot)
    }

    /// Forgets a closed connection.
    pub(crate) fn remove(&self, id: u64) {
        crate::sync::lock(&self.open).remove(&id);
    }

    /// Marks a request started on `slot`; the guard marks it finished when dropped.
    pub(crate) fn begin(self: &Arc<Self>, slot: &Arc<Slot>) -> Busy {
        slot.busy.fetch_add(1, Ordering::AcqRel);
        slot.last_active.store(self.next_tick(), Ordering::Release);
        Busy {
            slots: Arc::clone(self),
            slot: Arc::clone(slot),
        }
    }

    pub(crate) fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            accepted: self.accepted.load(Ordering::Relaxed),
            open: crate::sync::lock(&self.open).len(),
            evicted: self.evicted.load(Ordering::Relaxed),
        }
    }
}

/// A request in progress on a connection.
pub(crate) struct Busy {
    slots: Arc<Slots>,
    slot: Arc<Slot>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.slot
            .last_active
            .store(self.slots.next_tick(), Ordering::Release);
        self.slot.busy.fetch_sub(1, Ordering::AcqRel);
        self.slots.became_idle.notify_one();
    }
}

/// A response body that keeps its connection marked busy until it has been sent: hyper
/// drops the body after writing its last frame.
pub(crate) struct Guarded {
    body: crate::envelope::Body,
    _busy: Busy,
}

impl Guarded {
    pub(crate) fn new(body: crate::envelope::Body, busy: Busy) -> Self {
        Self { body, _busy: busy }
    }
}

impl hyper::body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}
