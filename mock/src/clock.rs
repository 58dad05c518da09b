//! The server's clock: the system time shifted by what tests advanced it, or a
//! manual time that moves only when told, so expiration is testable without sleeping.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// System time plus an offset, in milliseconds.
    System { offset_ms: i64 },
    /// A fixed time in milliseconds since the epoch, moved only by `advance`/`set`.
    Manual { now_ms: i64 },
}

/// A clock shared by every connection of one server.
#[derive(Debug)]
pub(crate) struct Clock {
    mode: Mutex<Mode>,
}

impl Default for Clock {
    fn default() -> Self {
        Self {
            mode: Mutex::new(Mode::System { offset_ms: 0 }),
        }
    }
}

impl Clock {
    /// A manual clock stopped at `secs` seconds since the epoch.
    pub(crate) fn manual(secs: i64) -> Self {
        Self {
            mode: Mutex::new(Mode::Manual {
                now_ms: secs.saturating_mul(1000),
            }),
        }
    }

    /// Whole seconds since the Unix epoch, as the API counts expiration.
    pub(crate) fn now(&self) -> i64 {
        let ms = match *crate::sync::lock(&self.mode) {
            Mode::System { offset_ms } => system_ms().saturating_add(offset_ms),
            Mode::Manual { now_ms } => now_ms,
        };
        ms.div_euclid(1000)
    }

    /// Moves the clock forward (either mode).
    pub(crate) fn advance(&self, by: Duration) {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let mut mode = crate::sync::lock(&self.mode);
        *mode = match *mode {
            Mode::System { offset_ms } => Mode::System {
                offset_ms: offset_ms.saturating_add(by_ms),
            },
            Mode::Manual { now_ms } => Mode::Manual {
                now_ms: now_ms.saturating_add(by_ms),
            },
        };
    }

    /// Stops the clock at `secs` seconds since the epoch; from now on it is manual.
    pub(crate) fn set(&self, secs: i64) {
        *crate::sync::lock(&self.mode) = Mode::Manual {
            now_ms: secs.saturating_mul(1000),
        };
    }
}

/// Milliseconds since the epoch by the system clock (0 before it, rather than panic).
fn system_ms() -> i64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    i64::try_from(ms).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now(), 1_000);
        clock.advance(Duration::from_millis(999));
        assert_eq!(clock.now(), 1_000);
        clock.advance(Duration::from_millis(1));
        assert_eq!(clock.now(), 1_001);
        clock.set(5);
        assert_eq!(clock.now(), 5);
    }

    #[test]
    fn system_clock_is_shifted_by_advance() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        let after = clock.now();
        assert!((3600..3602).contains(&(after - before)), "{before} {after}");
    }

    #[test]
    fn huge_advances_saturate() {
        let clock = Clock::manual(0);
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), i64::MAX.div_euclid(1000));
    }
}
