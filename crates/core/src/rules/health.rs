//! Relationship health: a 0-100 score that explains itself, from recency
//! against the cadence, frequency over the last year, depth of conversations
//! and overdue open loops.

use chrono::{DateTime, Utc};

use super::{ago, count, rhythm, span};
use crate::conversation::Channel;
use crate::values::Cadence;

/// One part of the score, with the points it earned and why.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthPart {
    pub name: &'static str,
    pub points: u32,
    pub max: u32,
    pub why: String,
}

/// The score (the sum of the parts' points, 0..=100) and its breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub score: u32,
    pub parts: Vec<HealthPart>,
}

const RECENCY_MAX: u32 = 40;
const FREQUENCY_MAX: u32 = 25;
const DEPTH_MAX: u32 = 20;
const LOOPS_MAX: u32 = 15;
/// Points an overdue loop costs.
const PER_OVERDUE_LOOP: u32 = 5;
/// Recency falls to nothing at this many cadences since the last real talk.
const RECENCY_FADE: i64 = 3;

/// `recent`: (when, channel) of conversations in the 12 months before `now`.
/// `last_meaningful`: the last meaningful conversation ever. `overdue_loops`:
/// my open follow-ups past their due date plus open loop-backs.
pub fn health(
    cadence: Cadence,
    recent: &[(DateTime<Utc>, Channel)],
    last_meaningful: Option<DateTime<Utc>>,
    overdue_loops: u32,
    now: DateTime<Utc>,
) -> Health {
    let parts = vec![
        recency(cadence, last_meaningful, now),
        frequency(cadence, recent),
        depth(recent),
        open_loops(overdue_loops),
    ];
    Health {
        score: parts.iter().map(|p| p.points).sum(),
        parts,
    }
}

/// `max * share`, rounded, for a share in 0..=1.
fn points(max: u32, share: f64) -> u32 {
    let share = if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    };
    // In 0..=max by the clamp above, so the conversion is exact.
    (f64::from(max) * share).round() as u32
}

fn recency(
    cadence: Cadence,
    last_meaningful: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> HealthPart {
    let rhythm = rhythm(cadence);
    let (points, why) = match last_meaningful {
        None => (0, format!("no call or meeting yet ({rhythm})")),
        Some(at) => {
            let days = (now - at).num_days().max(0);
            let c = i64::from(cadence.days());
            let when = ago(days);
            if days <= c {
                (
                    RECENCY_MAX,
                    format!("last real conversation {when}, within {rhythm}"),
                )
            } else {
                let left = (RECENCY_FADE * c - days) as f64 / ((RECENCY_FADE - 1) * c) as f64;
                (
                    points(RECENCY_MAX, left),
                    format!(
                        "last real conversation {when}, {} past {rhythm}",
                        span(days - c)
                    ),
                )
            }
        }
    };
    HealthPart {
        name: "recency",
        points,
        max: RECENCY_MAX,
        why,
    }
}

fn frequency(cadence: Cadence, recent: &[(DateTime<Utc>, Channel)]) -> HealthPart {
    let weighted: f64 = recent.iter().map(|(_, c)| c.depth_weight()).sum();
    let expected = 365.0 / f64::from(cadence.days());
    let about = if expected >= 1.0 {
        format!("{}", expected.round())
    } else {
        format!("{expected:.1}")
    };
    let why = if recent.is_empty() {
        format!("no conversations in 12 months, about {about} expected")
    } else {
        let light = recent.iter().any(|(_, c)| !c.is_meaningful());
        format!(
            "{} of about {about} expected conversations in 12 months{}",
            number(weighted),
            if light {
                " (an e-mail or message counts a quarter)"
            } else {
                ""
            }
        )
    };
    HealthPart {
        name: "frequency",
        points: points(FREQUENCY_MAX, weighted / expected),
        max: FREQUENCY_MAX,
        why,
    }
}

fn depth(recent: &[(DateTime<Utc>, Channel)]) -> HealthPart {
    let total = recent.len() as u64;
    let real = recent.iter().filter(|(_, c)| c.is_meaningful()).count() as u64;
    let weight: f64 = recent.iter().map(|(_, c)| c.depth_weight()).sum();
    let real_weight: f64 = recent
        .iter()
        .filter(|(_, c)| c.is_meaningful())
        .map(|(_, c)| c.depth_weight())
        .sum();
    let points = if weight > 0.0 {
        points(DEPTH_MAX, real_weight / weight)
    } else {
        0
    };
    let why = match (total, real) {
        (0, _) => "no conversations in 12 months to judge by".to_owned(),
        (1, 1) => "the one conversation was a call or meeting".to_owned(),
        (1, _) => "the one conversation was an e-mail or message".to_owned(),
        (n, 0) => format!("none of {n} were calls or meetings, only e-mails or messages"),
        (n, m) if n == m => format!("all {n} were calls or meetings"),
        (n, m) => format!("{m} of {n} were calls or meetings"),
    };
    HealthPart {
        name: "depth",
        points,
        max: DEPTH_MAX,
        why,
    }
}

fn open_loops(overdue: u32) -> HealthPart {
    let lost = overdue.min(LOOPS_MAX / PER_OVERDUE_LOOP) * PER_OVERDUE_LOOP;
    let why = if overdue == 0 {
        "no overdue follow-ups".to_owned()
    } else {
        count(
            u64::from(overdue),
            "overdue follow-up or owed update",
            "overdue follow-ups or owed updates",
        )
    };
    HealthPart {
        name: "open loops",
        points: LOOPS_MAX - lost,
        max: LOOPS_MAX,
        why,
    }
}

/// 4, 4.25, 0.5: a weighted count without trailing zeros.
fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _};

    use super::*;

    fn c(days: u32) -> Cadence {
        Cadence::from_days(days).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
    }

    fn days_ago(d: i64) -> DateTime<Utc> {
        now() - Duration::days(d)
    }

    fn part<'a>(h: &'a Health, name: &str) -> &'a HealthPart {
        h.parts.iter().find(|p| p.name == name).unwrap()
    }

    #[test]
    fn parts_are_named_and_bounded() {
        let h = health(c(30), &[], None, 0, now());
        let names: Vec<_> = h.parts.iter().map(|p| (p.name, p.max)).collect();
        assert_eq!(
            names,
            [
                ("recency", 40),
                ("frequency", 25),
                ("depth", 20),
                ("open loops", 15)
            ]
        );
    }

    #[test]
    fn no_conversations_leaves_only_the_open_loops() {
        let h = health(c(30), &[], None, 0, now());
        assert_eq!(h.score, 15);
        assert_eq!(part(&h, "recency").points, 0);
        assert_eq!(
            part(&h, "recency").why,
            "no call or meeting yet (a 30-day rhythm)"
        );
        assert_eq!(part(&h, "frequency").points, 0);
        assert_eq!(
            part(&h, "frequency").why,
            "no conversations in 12 months, about 12 expected"
        );
        assert_eq!(part(&h, "depth").points, 0);
        assert_eq!(part(&h, "open loops").why, "no overdue follow-ups");
    }

    #[test]
    fn a_steady_monthly_rhythm_of_calls_is_full_health() {
        let recent: Vec<_> = (0..12)
            .map(|i| (days_ago(5 + 30 * i), Channel::Zoom))
            .collect();
        let h = health(c(30), &recent, Some(days_ago(5)), 0, now());
        assert_eq!(h.score, 100);
        assert_eq!(
            part(&h, "recency").why,
            "last real conversation 5 days ago, within a 30-day rhythm"
        );
        assert_eq!(
            part(&h, "frequency").why,
            "12 of about 12 expected conversations in 12 months"
        );
        assert_eq!(part(&h, "depth").why, "all 12 were calls or meetings");
    }

    #[test]
    fn only_e_mails_count_a_quarter_and_have_no_depth() {
        let recent: Vec<_> = (0..8)
            .map(|i| (days_ago(10 + 40 * i), Channel::Email))
            .collect();
        let h = health(c(30), &recent, None, 0, now());
        assert_eq!(part(&h, "recency").points, 0);
        // 8 e-mails weigh 2 against about 12.17 expected: 25 * 2 / 12.17 = 4.1.
        assert_eq!(part(&h, "frequency").points, 4);
        assert_eq!(
            part(&h, "frequency").why,
            "2 of about 12 expected conversations in 12 months (an e-mail or message counts a quarter)"
        );
        assert_eq!(part(&h, "depth").points, 0);
        assert_eq!(
            part(&h, "depth").why,
            "none of 8 were calls or meetings, only e-mails or messages"
        );
        assert_eq!(h.score, 4 + 15);
    }

    #[test]
    fn depth_is_the_share_of_weight_from_real_conversations() {
        let recent = [
            (days_ago(3), Channel::Phone),
            (days_ago(40), Channel::Coffee),
            (days_ago(80), Channel::Meet),
            (days_ago(100), Channel::Message),
        ];
        let h = health(c(90), &recent, Some(days_ago(3)), 0, now());
        let depth = part(&h, "depth");
        assert_eq!(depth.why, "3 of 4 were calls or meetings");
        // 3 / 3.25 of 20 = 18.46
        assert_eq!(depth.points, 18);
        let freq = part(&h, "frequency");
        // 3.25 against 365 / 90 = 4.06 expected: 25 * 0.80 = 20.
        assert_eq!(freq.points, 20);
        assert_eq!(
            freq.why,
            "3.25 of about 4 expected conversations in 12 months (an e-mail or message counts a quarter)"
        );
    }

    #[test]
    fn recency_is_full_exactly_at_the_cadence_and_fades_to_zero_at_three() {
        let at = |d| part(&health(c(30), &[], Some(days_ago(d)), 0, now()), "recency").points;
        assert_eq!(at(0), 40);
        assert_eq!(at(30), 40);
        assert_eq!(at(31), 39);
        assert_eq!(at(60), 20);
        assert_eq!(at(89), 1);
        assert_eq!(at(90), 0);
        assert_eq!(at(400), 0);
        let far = health(c(30), &[], Some(days_ago(400)), 0, now());
        assert_eq!(
            part(&far, "recency").why,
            "last real conversation 13 months ago, 12 months past a 30-day rhythm"
        );
        let exact = health(c(30), &[], Some(days_ago(30)), 0, now());
        assert_eq!(
            part(&exact, "recency").why,
            "last real conversation 30 days ago, within a 30-day rhythm"
        );
    }

    #[test]
    fn a_conversation_in_the_future_counts_as_today() {
        let h = health(c(30), &[], Some(now() + Duration::hours(3)), 0, now());
        assert_eq!(part(&h, "recency").points, 40);
        assert_eq!(
            part(&h, "recency").why,
            "last real conversation today, within a 30-day rhythm"
        );
    }

    #[test]
    fn overdue_loops_cost_five_points_each_down_to_zero() {
        let loops = |n| part(&health(c(30), &[], None, n, now()), "open loops").clone();
        assert_eq!(loops(0).points, 15);
        assert_eq!(loops(1).points, 10);
        assert_eq!(loops(1).why, "1 overdue follow-up or owed update");
        assert_eq!(loops(2).points, 5);
        assert_eq!(loops(2).why, "2 overdue follow-ups or owed updates");
        assert_eq!(loops(3).points, 0);
        assert_eq!(loops(u32::MAX).points, 0);
    }

    #[test]
    fn long_cadences_expect_less_than_one_conversation_a_year() {
        let h = health(c(730), &[], None, 0, now());
        assert_eq!(
            part(&h, "frequency").why,
            "no conversations in 12 months, about 0.5 expected"
        );
        let one = [(days_ago(100), Channel::InPerson)];
        let h = health(c(730), &one, Some(days_ago(100)), 0, now());
        assert_eq!(part(&h, "frequency").points, 25);
        assert_eq!(
            part(&h, "depth").why,
            "the one conversation was a call or meeting"
        );
        assert_eq!(h.score, 100);
    }

    #[test]
    fn weighted_counts_read_without_trailing_zeros() {
        assert_eq!(number(4.0), "4");
        assert_eq!(number(4.25), "4.25");
        assert_eq!(number(0.5), "0.5");
    }
}
