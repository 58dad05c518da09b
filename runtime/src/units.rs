//! Units of numeric parameters (`x-kv-unit` in a spec): a lifetime in whole seconds
//! ([`IntoSeconds`]) and a point in time in whole seconds since the UNIX epoch
//! ([`IntoUnixSeconds`]). Generated setters take either a plain integer or the `std` type
//! that means the same, so `expiration_ttl(Duration::from_secs(300))` and
//! `expiration(SystemTime::now() + …)` read as what they are.
//!
//! The wire carries whole seconds: fractions are dropped, and values beyond `i64` saturate
//! (the server judges what it accepts, and the generated checks still apply).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A lifetime, in whole seconds.
pub trait IntoSeconds {
    /// The lifetime in whole seconds.
    fn into_seconds(self) -> i64;
}

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z.
pub trait IntoUnixSeconds {
    /// The seconds since the UNIX epoch (negative before it).
    fn into_unix_seconds(self) -> i64;
}

macro_rules! whole_numbers {
    ($convert:expr => $($t:ty),*) => {
        $(
            impl IntoSeconds for $t {
                fn into_seconds(self) -> i64 {
                    $convert(self)
                }
            }
            impl IntoUnixSeconds for $t {
                fn into_unix_seconds(self) -> i64 {
                    $convert(self)
                }
            }
        )*
    };
}

whole_numbers!(i64::from => u8, u16, u32, i8, i16, i32, i64);
whole_numbers!(|n| i64::try_from(n).unwrap_or(i64::MAX) => u64, usize);

impl IntoSeconds for Duration {
    fn into_seconds(self) -> i64 {
        i64::try_from(self.as_secs()).unwrap_or(i64::MAX)
    }
}

impl IntoSeconds for &Duration {
    fn into_seconds(self) -> i64 {
        (*self).into_seconds()
    }
}

impl IntoUnixSeconds for SystemTime {
    fn into_unix_seconds(self) -> i64 {
        match self.duration_since(UNIX_EPOCH) {
            Ok(after) => after.into_seconds(),
            // Before the epoch: whole seconds toward it, as a negative count.
            Err(before) => before.duration().into_seconds().saturating_neg(),
        }
    }
}

impl IntoUnixSeconds for &SystemTime {
    fn into_unix_seconds(self) -> i64 {
        (*self).into_unix_seconds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_whole_seconds() {
        assert_eq!(300u32.into_seconds(), 300);
        assert_eq!(300i32.into_seconds(), 300);
        assert_eq!(u64::MAX.into_seconds(), i64::MAX);
        assert_eq!(Duration::from_millis(90_999).into_seconds(), 90);
        assert_eq!((&Duration::from_secs(60)).into_seconds(), 60);
        assert_eq!(Duration::MAX.into_seconds(), i64::MAX);
    }

    #[test]
    fn points_in_time_count_from_the_epoch() {
        let at = UNIX_EPOCH + Duration::from_millis(1_578_435_000_700);
        assert_eq!(at.into_unix_seconds(), 1_578_435_000);
        assert_eq!((&at).into_unix_seconds(), 1_578_435_000);
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(before.into_unix_seconds(), -5);
        assert_eq!(1_578_435_000i64.into_unix_seconds(), 1_578_435_000);
        assert_eq!(usize::MAX.into_unix_seconds(), i64::MAX);
    }
}
