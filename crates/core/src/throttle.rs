//! Sign-in throttling: after a few wrong passwords for one login, further attempts for it are
//! refused for a while (doubling, at most 15 minutes), before any password hashing is done.
//! Kept in memory: a restart forgets it, which only ever lets a user in sooner.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Wrong passwords allowed for one login before the first pause.
pub const FREE_ATTEMPTS: u32 = 5;
/// Wrong passwords allowed from one client address (any logins) before the first pause.
pub const FREE_PER_ADDRESS: u32 = 20;
const FIRST_PAUSE_SECS: i64 = 30;
const MAX_PAUSE_SECS: i64 = 15 * 60;
const MAX_TRACKED: usize = 10_000;

/// Failures by key (a login, or a client's address).
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
    free: u32,
}

impl Default for LoginThrottle {
    fn default() -> LoginThrottle {
        LoginThrottle::with_free_attempts(FREE_ATTEMPTS)
    }
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    blocked_until: Option<DateTime<Utc>>,
    last: DateTime<Utc>,
}

impl LoginThrottle {
    pub fn with_free_attempts(free: u32) -> LoginThrottle {
        LoginThrottle {
            failures: Mutex::default(),
            free,
        }
    }

    /// Seconds until this login may try again, if it is paused now.
    pub fn wait(&self, login: &str, now: DateTime<Utc>) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let until = map.get(login)?.blocked_until?;
        (until > now).then(|| (until - now).num_seconds().max(1))
    }

    pub fn failed(&self, login: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED {
            map.retain(|_, f| now - f.last < Duration::seconds(MAX_PAUSE_SECS));
        }
        let f = map.entry(login.to_string()).or_insert(Failures {
            count: 0,
            blocked_until: None,
            last: now,
        });
        // A quiet quarter of an hour forgives earlier failures.
        if now - f.last >= Duration::seconds(MAX_PAUSE_SECS) {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        if f.count >= self.free {
            let doublings = (f.count - self.free).min(10);
            let pause = (FIRST_PAUSE_SECS << doublings).min(MAX_PAUSE_SECS);
            f.blocked_until = Some(now + Duration::seconds(pause));
        }
    }

    /// Takes back one counted attempt (it turned out right), leaving earlier failures.
    pub fn forgive_one(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = map.get_mut(key) {
            f.count = f.count.saturating_sub(1);
            if f.count < self.free {
                f.blocked_until = None;
            }
        }
    }

    pub fn succeeded(&self, login: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(login);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn pauses_grow_and_success_resets() {
        let t = LoginThrottle::default();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        for _ in 0..FREE_ATTEMPTS - 1 {
            t.failed("owner", now);
            assert_eq!(t.wait("owner", now), None);
        }
        t.failed("owner", now);
        assert_eq!(t.wait("owner", now), Some(30));
        assert_eq!(
            t.wait("reception", now),
            None,
            "other logins are not affected"
        );
        let later = now + Duration::seconds(31);
        assert_eq!(t.wait("owner", later), None);
        t.failed("owner", later);
        assert_eq!(t.wait("owner", later), Some(60));
        t.succeeded("owner");
        assert_eq!(t.wait("owner", later), None);
    }

    #[test]
    fn pauses_stop_at_fifteen_minutes() {
        let t = LoginThrottle::default();
        let mut now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        for _ in 0..30 {
            t.failed("x", now);
            now += Duration::seconds(1);
        }
        assert!(t.wait("x", now).unwrap() <= MAX_PAUSE_SECS);
    }
}
