//! Output: text for people (colour only on a terminal, never with NO_COLOR),
//! JSON for scripts.

use std::io::{self, BufWriter, StdoutLock, Write};

use anstream::AutoStream;
use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Utc};
use kith_core::values::TimeZone;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();

pub struct Ui {
    pub json: bool,
    out: BufWriter<AutoStream<StdoutLock<'static>>>,
}

impl Ui {
    pub fn new(json: bool) -> Self {
        // Escapes are stripped below the buffer, so a sequence split across
        // two flushes is still recognised.
        Self {
            json,
            out: BufWriter::new(AutoStream::auto(io::stdout().lock())),
        }
    }

    /// Where text goes; styles written to it are dropped when colour is off.
    pub fn out(&mut self) -> &mut impl Write {
        &mut self.out
    }

    pub fn print_json(&mut self, value: &serde_json::Value) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        writeln!(self.out)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Lays rows out in columns; the last column is never padded.
pub fn columns(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 2,
                ));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

pub fn date(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.tz()).format("%Y-%m-%d").to_string()
}

pub fn date_time(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "today", "yesterday", "12 days ago", "in 3 days", by calendar days in `tz`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>, tz: TimeZone) -> String {
    let days = (now.with_timezone(&tz.tz()).date_naive() - at.with_timezone(&tz.tz()).date_naive())
        .num_days();
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        -1 => "tomorrow".into(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

/// The first line of `text`, cut to `max` characters with an ellipsis.
pub fn snippet(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max && !text.contains('\n') {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_do_not_pad_the_end() {
        let mut out = Vec::new();
        columns(
            &mut out,
            &[
                vec!["#1".into(), "Jane".into(), "x".into()],
                vec!["#10".into(), "Bo".into(), "".into()],
            ],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "#1   Jane  x\n#10  Bo\n");
    }

    #[test]
    fn ago_counts_calendar_days_in_the_users_zone() {
        let tz = TimeZone::parse("Asia/Tokyo").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-25T16:00:00Z")
            .unwrap()
            .to_utc(); // 01:00 on the 26th in Tokyo
        let at = DateTime::parse_from_rfc3339("2026-11-25T14:00:00Z")
            .unwrap()
            .to_utc(); // 23:00 on the 25th
        assert_eq!(ago(at, now, tz), "yesterday");
        assert_eq!(ago(now, now, tz), "today");
    }

    #[test]
    fn snippets_cut_long_text() {
        assert_eq!(snippet("short", 10), "short");
        assert_eq!(snippet("a rather long line of text", 10), "a rather…");
        assert_eq!(snippet("two\nlines", 10), "two…");
    }
}
