//! RFC 5545 content lines: escaping, parameters, folding, CRLF.

use chrono::{DateTime, NaiveDate, Utc};

/// Builds an iCalendar object line by line.
#[derive(Debug, Default)]
pub struct Lines {
    out: String,
}

impl Lines {
    pub fn new() -> Self {
        Self::default()
    }

    /// `NAME;P=V;…:value` with `value` written as is (URIs, dates, numbers,
    /// keywords), less any control character but tab (a stored UID or
    /// address holding one would break the line). The line is folded at
    /// 75 octets.
    pub fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut line = String::with_capacity(name.len() + value.len() + 16);
        line.push_str(name);
        for (key, val) in params {
            line.push(';');
            line.push_str(key);
            line.push('=');
            line.push_str(&param_value(val));
        }
        line.push(':');
        line.extend(value.chars().filter(|&c| c == '\t' || !c.is_control()));
        fold_into(&mut self.out, &line);
    }

    /// A TEXT value: backslash, semicolon, comma and newlines escaped.
    pub fn text(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        self.raw(name, params, &escape_text(value));
    }

    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", &[], component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", &[], component);
    }

    /// A DATE-TIME in UTC: `20261203T090000Z`.
    pub fn utc(&mut self, name: &str, at: DateTime<Utc>) {
        self.raw(name, &[], &utc(at));
    }

    /// A DATE: `20261210`.
    pub fn date(&mut self, name: &str, date: NaiveDate) {
        self.raw(
            name,
            &[("VALUE", "DATE")],
            &date.format("%Y%m%d").to_string(),
        );
    }

    pub fn finish(self) -> String {
        self.out
    }
}

pub fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 §3.3.11: `\` `;` `,` and newlines are escaped; CR is dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it holds `:` `;` or `,` (RFC 5545 §3.2),
/// starts or ends with white space or holds two white-space characters in a
/// row (which readers trim or squeeze in an unquoted value); a double quote cannot be written at all and becomes a single one,
/// and a backslash (an escape to some readers, calcard among them, and
/// plain text to RFC 5545) becomes a slash.
fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c => c,
        })
        .collect();
    if clean.contains([':', ';', ','])
        || clean.starts_with(char::is_whitespace)
        || clean.ends_with(char::is_whitespace)
        || clean
            .chars()
            .zip(clean.chars().skip(1))
            .any(|(a, b)| a.is_whitespace() && b.is_whitespace())
    {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Appends `line` folded so no physical line exceeds 75 octets (the CRLF
/// not counted), never splitting a UTF-8 character, each ending in CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text("a\\b; c, d\r\ne"), "a\\\\b\\; c\\, d\\ne");
    }

    #[test]
    fn no_stored_value_breaks_a_line() {
        let mut l = Lines::new();
        l.raw("UID", &[], "u\r\nEND:VEVENT\u{0}\tv");
        l.text("SUMMARY", &[], "T\u{0}Z\r\nnext\u{1b}");
        assert_eq!(l.finish(), "UID:uEND:VEVENT\tv\r\nSUMMARY:TZ\\nnext\r\n");
    }

    #[test]
    fn parameters_with_separators_are_quoted() {
        let mut l = Lines::new();
        l.raw(
            "ATTENDEE",
            &[("CN", "Doe, Jane \"JD\"")],
            "mailto:j@x.example",
        );
        assert_eq!(
            l.finish(),
            "ATTENDEE;CN=\"Doe, Jane 'JD'\":mailto:j@x.example\r\n"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let mut l = Lines::new();
        let value = "é".repeat(100);
        l.text("SUMMARY", &[], &value);
        let text = l.finish();
        assert!(text.ends_with("\r\n"));
        let physical: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 2);
        for (i, line) in physical.iter().enumerate() {
            assert!(line.len() <= 75, "{line}");
            assert_eq!(line.starts_with(' '), i > 0);
        }
        let unfolded = text.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{value}"));
        // The first line is as full as UTF-8 allows: 8 octets + 33 × 2 = 74.
        assert_eq!(physical[0].len(), 74);
    }
}
