//! Validated values. Each type's `parse` is the only way in, so code past the
//! edge never re-checks an e-mail address or a cadence.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::ValidationError;

/// Whether Kith's text can hold `c`: every character but the control
/// characters other than tab and line feed, and U+FFFE and U+FFFF, which
/// XML cannot carry. A carriage return is a line break only as part of
/// CRLF, which [`text`] and [`tidy_text`] make a line feed first.
pub fn unwritable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// The one rule for text a person or a program hands Kith (a command's
/// argument, a form, the API, a CardDAV card's values, a JSON import):
/// CRLF becomes LF, and any other character [`unwritable`] refuses the
/// text, naming `field`. Both databases then hold the same text, and every
/// XML and iCalendar document can carry it.
pub fn text<'a>(field: &str, input: &'a str) -> Result<Cow<'a, str>, ValidationError> {
    let value = if input.contains("\r\n") {
        Cow::Owned(input.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(input)
    };
    match value.chars().find(|&c| unwritable(c)) {
        Some(c) => Err(ValidationError::new(field, refusal(c))),
        None => Ok(value),
    }
}

/// Why a text holding `c` is refused, in words.
pub fn refusal(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\r' => " (a carriage return outside CRLF)",
        _ => "",
    };
    let what = if c.is_control() {
        "the control character"
    } else {
        "the noncharacter"
    };
    format!(
        "contains {what} U+{:04X}{name}; only tab and line breaks may be used",
        u32::from(c)
    )
}

/// The same rule for text read from a file or another program that
/// cannot be asked again (an import, a stored card): line breaks (CRLF,
/// and a lone CR, as old Mac files end lines) become LF, and every other
/// character [`unwritable`] is dropped. Borrowed when nothing changed.
pub fn tidy_text(input: &str) -> Cow<'_, str> {
    if !input.contains(unwritable) {
        return Cow::Borrowed(input);
    }
    let joined = input.replace("\r\n", "\n").replace('\r', "\n");
    Cow::Owned(joined.chars().filter(|&c| !unwritable(c)).collect())
}

fn clean(field: &str, input: &str, max: usize) -> Result<String, ValidationError> {
    let value = text(field, input.trim())?;
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    Ok(value.into_owned())
}

/// Optional free text: trimmed, empty becomes `None`, bounded in length.
pub fn optional_text(
    field: &str,
    input: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => clean(field, value, max).map(Some),
    }
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// The key names sort and match by: lower case, accents removed, so "Émile"
/// sorts with the e's and "emile" finds him. Both backends compare it bytewise.
pub fn sort_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A person's display name (vCard FN): never empty, single line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContactName(String);
string_newtype!(ContactName);

impl ContactName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let name = clean("name", input, 200)?;
        if name.contains('\n') {
            return Err(ValidationError::new("name", "must be a single line"));
        }
        Ok(Self(name.split_whitespace().collect::<Vec<_>>().join(" ")))
    }
}

/// An e-mail address, checked for shape (not deliverability); the domain is
/// lower-cased so duplicates compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let bad = || {
            ValidationError::new(
                "email",
                format!("'{value}' is not an e-mail address (expected name@example.com)"),
            )
        };
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(bad)?;
        let domain_ok = !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }
}

/// A phone number as the user wrote it, if it looks like one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);
string_newtype!(Phone);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let allowed = |c: char| c.is_ascii_digit() || " +-().x/".contains(c) || c == 'e';
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if digits < 3 || value.len() > 40 || !value.chars().all(allowed) {
            return Err(ValidationError::new(
                "phone",
                format!("'{value}' is not a phone number (digits, spaces, + - ( ) only)"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// Digits only (with a leading + kept), for duplicate detection.
    pub fn normalized(&self) -> String {
        let plus = self.0.starts_with('+');
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        if plus { format!("+{digits}") } else { digits }
    }
}

/// What a link points at; LinkedIn profiles matter to networkers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    LinkedIn,
    Web,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::LinkedIn => "linkedin",
            LinkKind::Web => "web",
        }
    }
}

/// An http(s) URL; a bare `linkedin.com/in/jane` gets `https://` in front.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    url: String,
    kind: LinkKind,
}

impl Link {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let bad = |why: &str| ValidationError::new("link", format!("'{value}' {why}"));
        let url = if value.contains("://") {
            value.to_owned()
        } else {
            format!("https://{value}")
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| bad("is not an http(s) URL"))?;
        let host = rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit('@')
            .next()
            .unwrap_or_default();
        let host = host.split(':').next().unwrap_or_default().to_lowercase();
        let host_ok = host.contains('.')
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
            && !host.starts_with('.')
            && !host.ends_with('.');
        if !host_ok || url.len() > 2000 || url.chars().any(char::is_whitespace) {
            return Err(bad("is not a valid URL (expected https://host/path)"));
        }
        let kind = if host == "linkedin.com" || host.ends_with(".linkedin.com") {
            LinkKind::LinkedIn
        } else {
            LinkKind::Web
        };
        Ok(Self { url, kind })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn kind(&self) -> LinkKind {
        self.kind
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// A tag: lower case, words joined by `-`, so "Former Colleague" and
/// "former-colleague" are the same tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagName(String);
string_newtype!(TagName);

impl TagName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = clean("tag", input, 64)?;
        if value.contains([',', '\n']) {
            return Err(ValidationError::new(
                "tag",
                format!("'{value}' must not contain commas or line breaks"),
            ));
        }
        let words: Vec<_> = value.split_whitespace().collect();
        Ok(Self(words.join("-").to_lowercase()))
    }
}

/// A birthday, with or without the year (vCard allows `--04-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Birthday {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl Birthday {
    /// Accepts `1990-04-12`, `--04-12` and `04-12`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let bad = || {
            ValidationError::new(
                "birthday",
                format!("'{value}' is not a date (expected YYYY-MM-DD or --MM-DD)"),
            )
        };
        let parts: Vec<&str> = value.trim_start_matches("--").split('-').collect();
        let number = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let (year, month, day) = match parts.as_slice() {
            [y, m, d] if y.len() == 4 => (
                Some(y.parse::<i32>().map_err(|_| bad())?),
                number(m)?,
                number(d)?,
            ),
            [m, d] if m.len() <= 2 && d.len() <= 2 => (None, number(m)?, number(d)?),
            _ => return Err(bad()),
        };
        // A year-less date is checked against a leap year, so --02-29 is allowed.
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day).ok_or_else(bad)?;
        if let Some(y) = year
            && !(1800..=2200).contains(&y)
        {
            return Err(bad());
        }
        Ok(Self { year, month, day })
    }
}

impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

/// How often to be in touch with someone, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cadence(u32);

impl Cadence {
    pub const MAX_DAYS: u32 = 3650;

    /// Accepts `30`, `30d`, `6w`, `3m` (months of 30 days) and `1y` (365 days).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let bad = || {
            ValidationError::new(
                "cadence",
                format!("'{input}' is not an interval (expected e.g. 30d, 6w, 3m, 1y)"),
            )
        };
        let split = value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len());
        let (number, unit) = value.split_at(split);
        let n: u32 = number.parse().map_err(|_| bad())?;
        let per = match unit.trim() {
            "" | "d" | "day" | "days" => 1,
            "w" | "week" | "weeks" => 7,
            "m" | "month" | "months" => 30,
            "y" | "year" | "years" => 365,
            _ => return Err(bad()),
        };
        Self::from_days(n.saturating_mul(per)).ok_or_else(bad)
    }

    pub const fn from_days(days: u32) -> Option<Self> {
        if days >= 1 && days <= Self::MAX_DAYS {
            Some(Self(days))
        } else {
            None
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        match d {
            1 => f.write_str("1 day"),
            _ if d.is_multiple_of(365) => {
                write!(f, "{} year{}", d / 365, if d == 365 { "" } else { "s" })
            }
            _ if d.is_multiple_of(30) => {
                write!(f, "{} month{}", d / 30, if d == 30 { "" } else { "s" })
            }
            _ if d.is_multiple_of(7) => {
                write!(f, "{} week{}", d / 7, if d == 7 { "" } else { "s" })
            }
            _ => write!(f, "{d} days"),
        }
    }
}

/// An IANA time zone such as `Europe/Berlin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(chrono_tz::Tz::UTC);

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        chrono_tz::Tz::from_str(input.trim())
            .map(Self)
            .map_err(|_| {
                ValidationError::new(
                    "timezone",
                    format!(
                        "'{}' is not an IANA time zone (e.g. Europe/Berlin)",
                        input.trim()
                    ),
                )
            })
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_text() {
        assert_eq!(text("notes", "a\r\nb\tc\n").unwrap(), "a\nb\tc\n");
        assert!(matches!(text("notes", "plain"), Ok(Cow::Borrowed(_))));
        for bad in [
            "T\u{0}Z",
            "a\u{1}b",
            "a\rb",
            "\u{7f}",
            "\u{85}",
            "x\u{FFFF}",
            "\u{1b}[31m",
        ] {
            let err = text("title", bad).unwrap_err();
            assert_eq!(err.field, "title", "{bad:?}");
            let named = if bad.ends_with('\u{FFFF}') {
                "noncharacter U+FFFF"
            } else {
                "control character U+"
            };
            assert!(err.message.contains(named), "{}", err.message);
        }
        assert!(
            text("t", "T\u{0}Z")
                .unwrap_err()
                .message
                .contains("U+0000 (NUL)")
        );
        // The fields built on it say the same.
        assert_eq!(ContactName::parse("a\u{0}b").unwrap_err().field, "name");
        assert_eq!(TagName::parse("a\u{1}").unwrap_err().field, "tag");
        assert_eq!(
            optional_text("notes", Some("one\r\ntwo"), 100).unwrap(),
            Some("one\ntwo".into())
        );
        assert!(optional_text("notes", Some("a\u{0}"), 100).is_err());
    }

    #[test]
    fn tidy_text_drops_what_text_refuses() {
        assert_eq!(tidy_text("a\r\nb\rc\u{0}d\u{1}\te\u{FFFE}"), "a\nb\ncd\te");
        assert!(matches!(tidy_text("fine\n\tthis"), Cow::Borrowed(_)));
        for c in ['\0', '\u{1}', '\u{7f}', '\u{9f}', '\u{FFFF}'] {
            let tidied = tidy_text(&format!("a{c}b")).into_owned();
            assert_eq!(tidied, "ab");
            assert!(text("x", &tidied).is_ok());
        }
    }

    #[test]
    fn sort_keys_fold_case_and_accents() {
        assert_eq!(sort_key("Émile Zoë"), "emile zoe");
        assert_eq!(sort_key("ÅSA"), "asa");
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Jane@Example.COM ").unwrap().as_str(),
            "Jane@example.com"
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@x.com",
            "a b@x.com",
            "jane@localhost",
            "j@x..com",
            "j@@x.com",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_single_spaced() {
        assert_eq!(
            ContactName::parse("  Jane   Doe ").unwrap().as_str(),
            "Jane Doe"
        );
        assert_eq!(
            ContactName::parse("   ").unwrap_err().message,
            "must not be empty"
        );
        assert!(ContactName::parse("a\nb").is_err());
    }

    #[test]
    fn links_get_a_scheme_and_a_kind() {
        let l = Link::parse("linkedin.com/in/jane-doe").unwrap();
        assert_eq!(l.url(), "https://linkedin.com/in/jane-doe");
        assert_eq!(l.kind(), LinkKind::LinkedIn);
        assert_eq!(
            Link::parse("https://www.linkedin.com/in/x").unwrap().kind(),
            LinkKind::LinkedIn
        );
        assert_eq!(
            Link::parse("http://example.org").unwrap().kind(),
            LinkKind::Web
        );
        assert!(Link::parse("ftp://example.org").is_err());
        assert!(Link::parse("not a url").is_err());
        assert!(Link::parse("https://nodot/").is_err());
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("+1 (555) 010-2000").unwrap().normalized(),
            "+15550102000"
        );
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("12").is_err());
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(
            TagName::parse(" Former  Colleague ").unwrap().as_str(),
            "former-colleague"
        );
        assert!(TagName::parse("a,b").is_err());
    }

    #[test]
    fn birthdays() {
        assert_eq!(
            Birthday::parse("1990-04-12").unwrap().to_string(),
            "1990-04-12"
        );
        assert_eq!(Birthday::parse("--02-29").unwrap().to_string(), "--02-29");
        assert_eq!(Birthday::parse("4-1").unwrap().to_string(), "--04-01");
        for bad in ["1990-02-30", "13-01", "yesterday", "1990-4", "0001-01-01"] {
            assert!(Birthday::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cadences() {
        assert_eq!(Cadence::parse("30d").unwrap().days(), 30);
        assert_eq!(Cadence::parse("6w").unwrap().days(), 42);
        assert_eq!(Cadence::parse("3m").unwrap().days(), 90);
        assert_eq!(Cadence::parse("1y").unwrap().days(), 365);
        assert_eq!(Cadence::parse("14").unwrap().days(), 14);
        assert_eq!(Cadence::parse("6w").unwrap().to_string(), "6 weeks");
        for bad in ["0d", "soon", "3x", "-1", "11y", ""] {
            assert!(Cadence::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert_eq!(
            TimeZone::parse("Mars/Olympus").unwrap_err().field,
            "timezone"
        );
    }
}
