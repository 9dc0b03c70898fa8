//! vCard 2.1, 3.0 and 4.0 in, 3.0 and 4.0 out, through calcard.
//!
//! Reading: a file is cut into cards at `BEGIN:VCARD` / `END:VCARD` lines
//! (so each card keeps its line number and its original text), each card is
//! parsed by calcard, and the properties Kith models become a
//! [`ContactDraft`]. Of single-valued properties (FN, N, NICKNAME, ORG,
//! TITLE, BDAY, NOTE, UID, TZ) the first one is modelled; every other
//! property, and every value Kith cannot read (an e-mail that is not one),
//! stays in the original card.
//!
//! Writing ([`write_card`]): the stored original card is walked again with
//! the same rules. A modelled property whose value the contact still has is
//! written as it came (group, parameters and all: `item1.EMAIL` keeps its
//! `item1.X-ABLabel`); one the contact no longer has is dropped; everything
//! unmodelled is written back untouched; values the contact gained are added.
//! calcard re-serialises, so meaning is kept, not bytes.

use std::collections::HashSet;

use calcard::Entry;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardValue, VCardVersion,
};
use kith_core::contact::ContactDraft;
use kith_core::values::{
    Birthday, ContactName, Email, Link, Phone, TagName, TimeZone, optional_text,
};

use crate::{ImportItem, Parsed, Record, Rejected, Warning, fingerprint};

mod conform;
mod names;
pub mod strict;
mod write;
pub use crate::text::tidy_card;
pub use write::{merge_cards, write_card};

/// Which vCard version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V3,
    V4,
}

impl Version {
    fn calcard(self) -> VCardVersion {
        match self {
            Version::V3 => VCardVersion::V3_0,
            Version::V4 => VCardVersion::V4_0,
        }
    }
}

/// A card as cut out of a file: where it starts and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCard {
    pub line: usize,
    pub text: String,
}

/// Cuts a file's text into cards. Text outside any card is reported (unless
/// blank); a card without its END line is reported and not parsed.
pub fn split_cards(text: &str) -> Vec<Result<RawCard, Rejected>> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String, usize)> = None;
    let mut stray: Option<usize> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        let bare = line.trim().trim_start_matches('\u{feff}');
        // A line that starts with white space continues the one before it
        // (RFC 6350 folding): " END:VCARD" there is part of a value.
        let folded = line.starts_with([' ', '\t']);
        let begins = !folded && bare.eq_ignore_ascii_case("BEGIN:VCARD");
        let ends = !folded && bare.eq_ignore_ascii_case("END:VCARD");
        match &mut current {
            None if begins => {
                if let Some(at) = stray.take() {
                    out.push(Err(Rejected {
                        line: at,
                        reason: "text outside a vCard (no BEGIN:VCARD)".into(),
                    }));
                }
                current = Some((number, line.to_owned(), 1));
            }
            None => {
                if !bare.is_empty() && stray.is_none() {
                    stray = Some(number);
                }
            }
            Some((start, card, depth)) => {
                card.push_str(line);
                if begins {
                    // An embedded card (vCard 2.1 AGENT).
                    *depth += 1;
                } else if ends {
                    *depth -= 1;
                    if *depth == 0 {
                        out.push(Ok(RawCard {
                            line: *start,
                            text: std::mem::take(card),
                        }));
                        current = None;
                    }
                }
            }
        }
    }
    if let Some(at) = stray {
        out.push(Err(Rejected {
            line: at,
            reason: "text outside a vCard (no BEGIN:VCARD)".into(),
        }));
    }
    if let Some((start, _, _)) = current {
        out.push(Err(Rejected {
            line: start,
            reason: "the card has no END:VCARD".into(),
        }));
    }
    out.sort_by_key(|r| match r {
        Ok(c) => c.line,
        Err(e) => e.line,
    });
    out
}

/// Parses one card's text with calcard.
pub fn parse_card(text: &str) -> Result<VCard, String> {
    let text = year_less_dates(text);
    match VCard::parse(&text) {
        Ok(mut card) => {
            repair(&mut card);
            Ok(card)
        }
        Err(Entry::InvalidLine(line)) => Err(format!("invalid line '{}'", line.trim())),
        Err(Entry::UnterminatedComponent(what)) => Err(format!("unterminated {what}")),
        Err(Entry::Eof) => Err("empty card".into()),
        Err(Entry::ICalendar(_)) => Err("an iCalendar object, not a vCard".into()),
        Err(other) => Err(format!("not a vCard ({other:?})")),
    }
}

/// What calcard read that no writer means: a value of a text property that
/// came quoted-printable or base64 "in UTF-8" but is not (calcard keeps it
/// as bytes, which would be written back as `ORG:data:;base64\,…`) is read
/// as text, its stray bytes as Windows-1252; every line break in a text
/// value (`=0D=0A` in quoted-printable, a `\r` escape) is one LF, and other
/// control characters, which no vCard can carry, go.
fn repair(card: &mut VCard) {
    for entry in &mut card.entries {
        let binary_ok = matches!(
            entry.name,
            VCardProperty::Photo
                | VCardProperty::Logo
                | VCardProperty::Sound
                | VCardProperty::Key
                | VCardProperty::Other(_)
        ) || names::uri_valued(&entry.name);
        for value in &mut entry.values {
            match value {
                VCardValue::Binary(data) if !binary_ok => {
                    *value = VCardValue::Text(crate::text::lossy_utf8(&data.data));
                }
                VCardValue::Text(t) => *t = crate::text::clean(t).into_owned(),
                VCardValue::Component(parts) => {
                    for t in parts {
                        *t = crate::text::clean(t).into_owned();
                    }
                }
                _ => {}
            }
        }
    }
}

/// BDAY and ANNIVERSARY dates in the forms calcard reads whole: a year-less
/// date as vCard 3.0 writers put it (`--02-03`, RFC 6350's `--MM-DD` in
/// extended form, which calcard itself writes for 3.0) becomes `--0203`,
/// since calcard takes `--02-03` for February alone; and a full date in
/// extended form (`1604-02-03`, as iOS writes a year-less birthday with
/// `X-APPLE-OMIT-YEAR`, also in 4.0 cards) becomes `16040203`, since
/// calcard reads a 4.0 card's `1604-02-03` as February 1604 without its day.
fn year_less_dates(text: &str) -> std::borrow::Cow<'_, str> {
    fn rewrite(line: &str) -> Option<String> {
        let (head, value) = line.rsplit_once(':')?;
        let name = head.split(';').next()?;
        let name = name.rsplit('.').next()?;
        if !(name.eq_ignore_ascii_case("BDAY") || name.eq_ignore_ascii_case("ANNIVERSARY")) {
            return None;
        }
        let b = value.as_bytes();
        let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
        if b.len() == 7 && b.starts_with(b"--") && digits(2..4) && b[4] == b'-' && digits(5..7) {
            return Some(format!("{head}:--{}{}", &value[2..4], &value[5..7]));
        }
        if b.len() == 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
        {
            return Some(format!(
                "{head}:{}{}{}",
                &value[..4],
                &value[5..7],
                &value[8..]
            ));
        }
        None
    }
    let mut out: Option<String> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        match rewrite(body) {
            Some(new) => {
                let out = out.get_or_insert_with(|| text[..at].to_owned());
                out.push_str(&new);
                out.push_str(&line[body.len()..]);
            }
            None => {
                if let Some(out) = &mut out {
                    out.push_str(line);
                }
            }
        }
        at += line.len();
    }
    match out {
        Some(out) => std::borrow::Cow::Owned(out),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Reads every card of a vCard file.
pub fn read(bytes: &[u8]) -> Vec<Parsed> {
    records(bytes).into_iter().map(|r| r.parsed).collect()
}

/// Reads every card of a vCard file as records for an import report, each
/// card's text kept as Kith's text rule tidies it: a refused card with the
/// name it gave; a read one with a warning for every property that held
/// characters the rule drops, and for every value of a modelled kind Kith
/// could not read (which stays in the card as it came).
pub fn records(bytes: &[u8]) -> Vec<Record> {
    let text = crate::decode(bytes);
    split_cards(&text)
        .into_iter()
        .map(|raw| {
            let raw = match raw {
                Ok(raw) => raw,
                Err(rejected) => return Record::from(Err(rejected)),
            };
            let mut warnings: Vec<Warning> = crate::text::untidy_properties(&raw.text)
                .into_iter()
                .map(|(column, value)| Warning {
                    column,
                    value,
                    message: "control characters were left out (only tab and line breaks are kept)"
                        .into(),
                })
                .collect();
            let text = crate::text::tidy_card(&raw.text);
            let refused = |reason: String| Record {
                parsed: Err(Rejected {
                    line: raw.line,
                    reason,
                }),
                who: formatted_name(&text),
                warnings: Vec::new(),
            };
            let card = match parse_card(&text) {
                Ok(card) => card,
                Err(reason) => return refused(reason),
            };
            let draft = match draft_of(&card) {
                Ok(draft) => draft,
                Err(reason) => return refused(reason),
            };
            warnings.extend(unread(&card));
            let fp = fingerprint(&text);
            // A card that says nothing beyond what Kith models (Kith's own
            // export, say) need not be kept: the contact writes it again.
            // Keeping it would only make a re-import look like a change.
            let keep = !fully_modelled(&card);
            Record {
                who: draft.name.as_ref().map(|n| n.as_str().to_owned()),
                warnings,
                parsed: Ok(ImportItem {
                    line: raw.line,
                    key: match &draft.uid {
                        Some(uid) => format!("uid:{uid}"),
                        None => format!("card:{fp}"),
                    },
                    fingerprint: fp,
                    draft,
                    card: keep.then(|| text.into_owned()),
                    connected_on: None,
                }),
            }
        })
        .collect()
}

/// The FN a card gives, as written, for naming a card that was refused.
fn formatted_name(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        let name = name.rsplit('.').next()?.split(';').next()?;
        (name.eq_ignore_ascii_case("FN") && !value.trim().is_empty())
            .then(|| crate::csv::shorten(value.trim()))
    })
}

/// A warning for each value of a kind Kith models that it could not read
/// (an EMAIL that is no address, a BDAY that is no date): the contact goes
/// without it, and the card keeps it as it came.
fn unread(card: &VCard) -> Vec<Warning> {
    card.entries
        .iter()
        .filter(|entry| matches!(role(entry), Role::Unmodelled))
        .filter_map(|entry| {
            let what = match entry.name {
                VCardProperty::Email => "an e-mail address",
                VCardProperty::Tel => "a phone number",
                VCardProperty::Url => "a web address",
                VCardProperty::Bday => "a date",
                VCardProperty::Tz => "a time zone",
                _ => return None,
            };
            let value = match entry.values.first() {
                Some(VCardValue::PartialDateTime(d)) => {
                    let part = |p: Option<u16>, width: usize| {
                        p.map_or("-".repeat(width), |p| format!("{p:0width$}"))
                    };
                    let (month, day) = (d.month.map(u16::from), d.day.map(u16::from));
                    format!("{}-{}-{}", part(d.year, 4), part(month, 2), part(day, 2))
                }
                _ => texts(entry).join(","),
            };
            (!value.trim().is_empty()).then(|| Warning {
                column: entry.name.as_str().to_owned(),
                value: crate::csv::shorten(&value),
                message: format!("not {what}; kept in the card as it came"),
            })
        })
        .collect()
}

/// What a property means to Kith.
#[derive(Debug, Clone, PartialEq)]
enum Role {
    Name(ContactName),
    StructuredName(Option<String>, Option<String>),
    /// An N holding the formatted name as its family part and nothing
    /// else (what Kith writes for a contact without name parts, since vCard
    /// 3.0 requires an N): no name parts.
    DerivedName(String),
    Nickname(String),
    Email(Email),
    Phone(Phone),
    Link(Link),
    Organisation(String),
    Title(String),
    Birthday(Birthday),
    Note(String),
    Tags(Vec<TagName>),
    Uid(String),
    TimeZone(TimeZone),
    /// VERSION: written by the writer itself.
    Version,
    /// REV: kept while Kith writes the card as it came, else Kith's own.
    Revision,
    Unmodelled,
}

impl Role {
    /// Single-valued roles: only the first property of the kind is modelled.
    fn single(&self) -> Option<u8> {
        Some(match self {
            Role::Name(_) => 0,
            Role::StructuredName(..) | Role::DerivedName(_) => 1,
            Role::Nickname(_) => 2,
            Role::Organisation(_) => 3,
            Role::Title(_) => 4,
            Role::Birthday(_) => 5,
            Role::Note(_) => 6,
            Role::Uid(_) => 7,
            Role::TimeZone(_) => 8,
            _ => return None,
        })
    }
}

fn texts(entry: &VCardEntry) -> Vec<String> {
    entry
        .values
        .iter()
        .filter_map(|v| match v {
            VCardValue::Component(parts) => Some(parts.join(",")),
            other => other.as_text().map(str::to_owned),
        })
        .collect()
}

fn text(entry: &VCardEntry, max: usize) -> Option<String> {
    let joined = texts(entry)
        .join(",")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    optional_text("vcard", Some(&joined), max).ok().flatten()
}

fn role(entry: &VCardEntry) -> Role {
    let first = || texts(entry).into_iter().next().unwrap_or_default();
    let some = |r: Option<Role>| r.unwrap_or(Role::Unmodelled);
    match &entry.name {
        VCardProperty::Version => Role::Version,
        VCardProperty::Rev => Role::Revision,
        VCardProperty::Fn => some(
            ContactName::parse(&texts(entry).join(","))
                .ok()
                .map(Role::Name),
        ),
        VCardProperty::N => {
            let parts = texts(entry);
            let part = |i: usize| {
                parts
                    .get(i)
                    .and_then(|p| optional_text("name", Some(p), 200).ok().flatten())
            };
            let (family, given) = (part(0), part(1));
            let rest_empty = (2..5).all(|i| part(i).is_none()) && parts.len() <= 5;
            match (given, family) {
                // `N:;;;;`: a card that says it has no name parts.
                (None, None) if rest_empty && parts.len() == 5 => Role::StructuredName(None, None),
                (None, None) => Role::Unmodelled,
                (given, family) => Role::StructuredName(given, family),
            }
        }
        VCardProperty::Nickname => some(
            optional_text("nickname", Some(&first()), 200)
                .ok()
                .flatten()
                .map(Role::Nickname),
        ),
        VCardProperty::Email => some(Email::parse(&first()).ok().map(Role::Email)),
        VCardProperty::Tel => {
            let number = first();
            let number = number.strip_prefix("tel:").unwrap_or(&number);
            some(Phone::parse(number).ok().map(Role::Phone))
        }
        VCardProperty::Url => some(Link::parse(&first()).ok().map(Role::Link)),
        VCardProperty::Org => some(
            optional_text("organisation", Some(&first()), 200)
                .ok()
                .flatten()
                .map(Role::Organisation),
        ),
        VCardProperty::Title => some(text(entry, 200).map(Role::Title)),
        VCardProperty::Note => some(text(entry, 20_000).map(Role::Note)),
        VCardProperty::Uid => some(
            optional_text("uid", Some(&first()), 500)
                .ok()
                .flatten()
                .filter(|u| !u.contains('\n'))
                .map(Role::Uid),
        ),
        VCardProperty::Tz => some(TimeZone::parse(&first()).ok().map(Role::TimeZone)),
        VCardProperty::Bday => some(birthday(entry).map(Role::Birthday)),
        VCardProperty::Categories => {
            // calcard splits the list at unescaped commas only: a category
            // `mentor\, pioneer` is one value, which is no tag (a tag holds
            // no comma) and stays in the card as it came.
            let tags: Vec<TagName> = texts(entry)
                .iter()
                .filter_map(|t| TagName::parse(t).ok())
                .collect();
            if tags.is_empty() {
                Role::Unmodelled
            } else {
                Role::Tags(tags)
            }
        }
        _ => Role::Unmodelled,
    }
}

/// A BDAY as a birthday: a date, or a day and month without a year, as
/// vCard 4.0 (`--0203`), vCard 3.0 writers (`--02-03`, which calcard reads
/// as text) and iOS (`1604-02-03` with `X-APPLE-OMIT-YEAR=1604`) write it.
fn birthday(entry: &VCardEntry) -> Option<Birthday> {
    let value = entry.values.first()?;
    let (year, month, day) = match value.as_partial_date_time() {
        Some(d) => (d.year.map(i64::from), d.month?, d.day?),
        None => {
            let text = value.as_text()?.trim();
            let digits: String = text.chars().filter(|c| *c != '-').collect();
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            match (text.starts_with("--"), digits.len()) {
                (true, 4) => (None, digits[0..2].parse().ok()?, digits[2..4].parse().ok()?),
                (false, 8) => (
                    Some(digits[0..4].parse().ok()?),
                    digits[4..6].parse().ok()?,
                    digits[6..8].parse().ok()?,
                ),
                _ => return None,
            }
        }
    };
    let omitted = entry.params.iter().any(|p| {
        matches!(&p.name, VCardParameterName::Other(n) if n.eq_ignore_ascii_case("X-APPLE-OMIT-YEAR"))
            && matches!(&p.value, VCardParameterValue::Text(y) if y.parse::<i64>().ok() == year)
    });
    let date = match year.filter(|_| !omitted) {
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    };
    Birthday::parse(&date).ok()
}

/// Each property's role, with repeated single-valued ones marked unmodelled.
fn roles(card: &VCard) -> Vec<Role> {
    let mut seen = HashSet::new();
    let mut roles: Vec<Role> = card
        .entries
        .iter()
        .map(|entry| {
            let role = role(entry);
            match role.single() {
                Some(kind) if !seen.insert(kind) => Role::Unmodelled,
                _ => role,
            }
        })
        .collect();
    let name = roles.iter().find_map(|r| match r {
        Role::Name(n) => Some(n.as_str().to_owned()),
        _ => None,
    });
    for (entry, role) in card.entries.iter().zip(&mut roles) {
        if let Role::StructuredName(None, Some(family)) = role
            && Some(family.as_str()) == name.as_deref()
            && texts(entry).iter().skip(1).all(String::is_empty)
        {
            *role = Role::DerivedName(family.clone());
        }
    }
    roles
}

/// Whether every property of the card is one Kith models and writes back
/// the same way from the contact alone: no group, no parameters (but the
/// `TYPE=linkedin` Kith puts on a LinkedIn URL), nothing unmodelled.
fn fully_modelled(card: &VCard) -> bool {
    card.entries.iter().zip(roles(card)).all(|(entry, role)| {
        let plain = entry.group.is_none()
            && match &role {
                Role::Link(link) if link.kind() == kith_core::values::LinkKind::LinkedIn => {
                    entry.params.is_empty()
                        || matches!(
                            entry.params.as_slice(),
                            [VCardParameter {
                                name: VCardParameterName::Type,
                                value: VCardParameterValue::Text(t),
                            }] if t.eq_ignore_ascii_case("linkedin")
                        )
                }
                // N as Kith writes it: five components.
                Role::StructuredName(..) | Role::DerivedName(_) => {
                    entry.params.is_empty() && entry.values.len() == 5
                }
                // REV as Kith writes it.
                Role::Revision => {
                    entry.params.is_empty()
                        && matches!(entry.values.as_slice(), [VCardValue::PartialDateTime(_)])
                }
                // Every category a tag (`mentor\, pioneer` is none).
                Role::Tags(tags) => entry.params.is_empty() && tags.len() == entry.values.len(),
                // A zone name, which 3.0 must mark as text.
                Role::TimeZone(_) => {
                    entry.values.len() == 1
                        && entry.params.iter().all(|p| {
                            p.name == VCardParameterName::Value
                                && p.value
                                    == VCardParameterValue::ValueType(
                                        calcard::vcard::VCardValueType::Text,
                                    )
                        })
                }
                _ => entry.params.is_empty() && entry.values.len() == 1,
            };
        role == Role::Version || (role != Role::Unmodelled && plain)
    })
}

/// The contact a card describes. Fails only when the card names nobody.
pub fn draft_of(card: &VCard) -> Result<ContactDraft, String> {
    let mut draft = ContactDraft::default();
    let mut fallback_name = None;
    for role in roles(card) {
        match role {
            Role::Name(n) => draft.name = Some(n),
            Role::StructuredName(given, family) => {
                let joined = [given.as_deref(), family.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                fallback_name = ContactName::parse(&joined).ok();
                draft.given_name = given;
                draft.family_name = family;
            }
            Role::Nickname(n) => draft.nickname = Some(n),
            Role::Email(e) => {
                if !draft.emails.contains(&e) {
                    draft.emails.push(e);
                }
            }
            Role::Phone(p) => {
                if !draft.phones.contains(&p) {
                    draft.phones.push(p);
                }
            }
            Role::Link(l) => {
                if !draft.links.contains(&l) {
                    draft.links.push(l);
                }
            }
            Role::Organisation(o) => draft.organisation = Some(o),
            Role::Title(t) => draft.title = Some(t),
            Role::Birthday(b) => draft.birthday = Some(b),
            Role::Note(n) => draft.notes = Some(n),
            Role::Tags(tags) => {
                for t in tags {
                    if !draft.tags.contains(&t) {
                        draft.tags.push(t);
                    }
                }
            }
            Role::Uid(u) => draft.uid = Some(u),
            Role::TimeZone(z) => draft.timezone = Some(z),
            Role::DerivedName(_) | Role::Version | Role::Revision | Role::Unmodelled => {}
        }
    }
    if draft.name.is_none() {
        let by_org = || {
            draft
                .organisation
                .as_deref()
                .and_then(|o| ContactName::parse(o).ok())
        };
        let by_email = || {
            draft
                .emails
                .first()
                .and_then(|e| ContactName::parse(e.as_str()).ok())
        };
        let by_nickname = || {
            draft
                .nickname
                .as_deref()
                .and_then(|n| ContactName::parse(n).ok())
        };
        draft.name = fallback_name
            .or_else(by_nickname)
            .or_else(by_org)
            .or_else(by_email);
    }
    if draft.name.is_none() {
        return Err("the card names nobody (no FN, N, NICKNAME, ORG or EMAIL)".into());
    }
    Ok(draft)
}

#[cfg(test)]
mod output_tests;
#[cfg(test)]
mod tests;
