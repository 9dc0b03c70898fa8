//! The e-mail digest: the day's agenda (who is due and why, follow-ups due,
//! loop-backs, introductions, nudges, today's meetings, the next outreach
//! block's plan) as a text and an HTML e-mail. `kith digest --preview` and
//! the server's scheduler (`crate::mail`) both compose it here.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use kith_core::user::User;
use kith_store::Store;

use crate::calendar;
use kith_app::agenda::{Item, Today};

/// How many people and items each section lists; the rest are counted.
const SECTION: usize = 8;

/// A composed digest.
pub struct Digest {
    /// The local day it is for (its de-duplication key).
    pub date: NaiveDate,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Nothing is due, open or booked: not worth an e-mail.
    pub empty: bool,
}

struct Line {
    title: String,
    detail: String,
}

struct Section {
    title: &'static str,
    lines: Vec<Line>,
    more: usize,
}

struct Block {
    when: String,
    goal: Option<String>,
    people: Vec<Line>,
}

struct View {
    date: String,
    /// "Good morning, Ann".
    greeting: String,
    sections: Vec<Section>,
    block: Option<Block>,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct TextMail<'a> {
    v: &'a View,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct HtmlMail<'a> {
    v: &'a View,
}

fn section(title: &'static str, lines: Vec<Line>) -> Section {
    let more = lines.len().saturating_sub(SECTION);
    let mut lines = lines;
    lines.truncate(SECTION);
    Section { title, lines, more }
}

fn items(items: &[Item]) -> Vec<Line> {
    items
        .iter()
        .map(|i| Line {
            // The text names the person already.
            title: i.text.clone(),
            detail: i.when.clone().unwrap_or_default(),
        })
        .collect()
}

/// Composes `user`'s digest for the day `now` falls on in their zone.
/// `public_url` (the server's address) adds a link to the dashboard.
pub async fn compose(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    public_url: Option<&str>,
) -> anyhow::Result<Digest> {
    let today = Today::load(store, user, now).await?;
    let tz = user.timezone;
    let agenda = today.agenda();
    let due = &today.ranking.due;
    let people: Vec<Line> = due
        .iter()
        .map(|d| Line {
            title: d.name.clone(),
            detail: d.why(),
        })
        .collect();
    let local = |at: DateTime<Utc>| at.with_timezone(&tz.tz()).format("%H:%M").to_string();
    let meetings: Vec<Line> = today
        .meetings_today
        .iter()
        .map(|m| Line {
            title: format!("{}  {}", local(m.starts_at), m.title),
            detail: with_whom(m),
        })
        .collect();
    let to_log: Vec<Line> = today
        .meetings_to_log
        .iter()
        .map(|m| Line {
            title: m.title.clone(),
            detail: format!("{}: how did it go? Log it", with_whom(m)),
        })
        .collect();
    let sections: Vec<Section> = [
        section("Reach out", people),
        section("Your follow-ups due", items(&agenda.follow_ups)),
        section("Loop back: tell them you did it", items(&agenda.loop_backs)),
        section(
            "Introductions to reach out to",
            items(&agenda.introductions),
        ),
        section("Gentle nudges: they promised", items(&agenda.nudges)),
        section("Meetings today", meetings),
        section("Meetings to log", to_log),
    ]
    .into_iter()
    .filter(|s| !s.lines.is_empty())
    .collect();
    let block = calendar::next_block(store, user, now)
        .await?
        .map(|b| Block {
            when: b
                .planned
                .instance
                .starts_at
                .with_timezone(&tz.tz())
                .format("%A %-d %B, %H:%M")
                .to_string(),
            goal: b.goal.clone(),
            people: b
                .planned
                .people
                .iter()
                .zip(&b.briefs)
                .map(|(p, brief)| Line {
                    title: p.name.clone(),
                    detail: brief[0].clone(),
                })
                .collect(),
        });
    let empty = sections.is_empty() && block.is_none();
    let date = today.date();
    let subject = subject(
        date,
        due.len(),
        agenda.follow_ups.len(),
        agenda.loop_backs.len(),
        today.meetings_today.len(),
    );
    let view = View {
        date: date.format("%A %-d %B %Y").to_string(),
        greeting: {
            let hour = chrono::Timelike::hour(&now.with_timezone(&tz.tz()));
            let part = match hour {
                4..=11 => "Good morning",
                12..=17 => "Good afternoon",
                _ => "Good evening",
            };
            format!("{part}, {}", user.display_name)
        },
        sections,
        block,
        link: public_url.map(|u| format!("{}/", u.trim_end_matches('/'))),
    };
    Ok(Digest {
        date,
        subject,
        text: TextMail { v: &view }.render()?,
        html: HtmlMail { v: &view }.render()?,
        empty,
    })
}

fn with_whom(m: &kith_core::meeting::Meeting) -> String {
    let names: Vec<&str> = m.attendees.iter().map(|a| a.name.as_str()).collect();
    if names.is_empty() {
        m.mode.describe()
    } else {
        format!("with {} ({})", names.join(", "), m.mode.describe())
    }
}

/// "Kith, Thu 26 Nov: 3 people to reach, 1 follow-up due, 1 meeting".
fn subject(
    date: NaiveDate,
    due: usize,
    follow_ups: usize,
    loop_backs: usize,
    meetings: usize,
) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        count(due, "person to reach", "people to reach"),
        count(follow_ups, "follow-up due", "follow-ups due"),
        count(loop_backs, "loop-back", "loop-backs"),
        count(meetings, "meeting", "meetings"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let day = date.format("%a %-d %b");
    if parts.is_empty() {
        format!("Kith, {day}: a quiet day")
    } else {
        format!("Kith, {day}: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_counts_what_matters() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            subject(day, 3, 1, 0, 2),
            "Kith, Thu 26 Nov: 3 people to reach, 1 follow-up due, 2 meetings"
        );
        assert_eq!(subject(day, 0, 0, 1, 0), "Kith, Thu 26 Nov: 1 loop-back");
        assert_eq!(subject(day, 0, 0, 0, 0), "Kith, Thu 26 Nov: a quiet day");
    }
}
