//! Undo: what can be taken back, and for how long.

use chrono::{DateTime, Duration, Utc};

/// How long an action can be undone: long enough to notice a slip.
pub const WINDOW_MINUTES: i64 = 30;

/// [`WINDOW_MINUTES`] as a duration.
pub fn window() -> Duration {
    Duration::minutes(WINDOW_MINUTES)
}

/// Whether an action taken at `at` can still be undone at `now`, in whole
/// seconds (as times are stored).
pub fn within_window(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now.timestamp() - at.timestamp() <= window().num_seconds()
}

word_enum! {
    /// An action that can be undone.
    pub enum UndoKind ("undo kind") {
        /// A follow-up marked done (and the loop-back it created).
        Done = "done",
        /// A follow-up dropped.
        Drop = "drop",
        /// A contact archived.
        Archive = "archive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_thirty_minutes_inclusive() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(within_window(at, at));
        assert!(within_window(at, at + Duration::minutes(30)));
        assert!(!within_window(
            at,
            at + Duration::minutes(30) + Duration::seconds(1)
        ));
    }
}
