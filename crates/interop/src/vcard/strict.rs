//! A strict check of one card as Kith writes it, for its version: what
//! RFC 2426 (3.0) or RFC 6350 (4.0) asks of the text itself, beyond what a
//! forgiving reader (calcard, vobject) lets pass. The tests run it over
//! every card Kith writes from the interop corpus and the demo network.
//!
//! Checked: CRLF line ends, lines of at most 75 octets folded with a space,
//! BEGIN, VERSION (second in 4.0, as RFC 6350 asks) and END; each property
//! and parameter name one the version defines (or `X-`); exactly one
//! VERSION, N and FN (at least one FN in 4.0), at most one of the single
//! properties; only `\\`, `\,`, `\;` and `\n` escapes and no control
//! characters; and the value forms that differ between the versions (TEL,
//! GEO, BDAY, ANNIVERSARY, REV, PREF, ENCODING, VALUE, N's five parts).

use std::collections::HashMap;

use super::Version;
use super::names::{allowed_parameter, allowed_property, single};

/// One content line: its name and parameters (upper case) and value.
struct Line {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Line {
    fn param(&self, name: &str) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every problem with `card` (one card's text) as a vCard of `version`,
/// each naming its line; empty when there is none.
pub fn check(card: &str, version: Version) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(body) = card.strip_suffix("\r\n") else {
        return vec!["the card does not end with CRLF".into()];
    };
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, line) in body.split("\r\n").enumerate() {
        let number = i + 1;
        if line.contains(['\r', '\n']) {
            problems.push(format!("line {number}: a bare CR or LF"));
        }
        if line.len() > 75 {
            problems.push(format!("line {number}: {} octets (at most 75)", line.len()));
        }
        match (line.strip_prefix([' ', '\t']), logical.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            (Some(_), None) => problems.push(format!("line {number}: folded, but first")),
            (None, _) if line.is_empty() => problems.push(format!("line {number}: empty")),
            (None, _) => logical.push((number, line.to_owned())),
        }
    }
    let texts: Vec<&str> = logical.iter().map(|(_, l)| l.as_str()).collect();
    let wanted = match version {
        Version::V3 => "VERSION:3.0",
        Version::V4 => "VERSION:4.0",
    };
    if texts.first() != Some(&"BEGIN:VCARD") || texts.last() != Some(&"END:VCARD") {
        problems.push("the card is not BEGIN:VCARD … END:VCARD".into());
        return problems;
    }
    if version == Version::V4 && texts.get(1) != Some(&wanted) {
        problems.push(format!(
            "line 2: not {wanted} (RFC 6350 wants it right after BEGIN)"
        ));
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (number, text) in &logical[1..logical.len() - 1] {
        match parse(text) {
            Ok(line) => {
                *counts.entry(line.name.clone()).or_default() += 1;
                if line.name == "VERSION" && line.value != wanted[8..] {
                    problems.push(format!("line {number}: VERSION is {}", line.value));
                }
                problems.extend(
                    check_line(&line, version)
                        .into_iter()
                        .map(|p| format!("line {number}: {}: {p}", line.name)),
                );
            }
            Err(e) => problems.push(format!("line {number}: {e}")),
        }
    }
    problems.extend(check_counts(&counts, version));
    problems
}

fn check_counts(counts: &HashMap<String, usize>, version: Version) -> Vec<String> {
    let mut problems = Vec::new();
    let count = |n: &str| counts.get(n).copied().unwrap_or(0);
    for required in ["VERSION", "N", "FN"] {
        let n = count(required);
        let ok = n == 1 || (required == "FN" && version == Version::V4 && n > 1);
        if !ok {
            problems.push(format!("{n} {required} (exactly one wanted)"));
        }
    }
    for (name, n) in counts {
        if *n > 1 && single(name, version) && name != "N" && name != "FN" {
            problems.push(format!("{n} {name} (at most one allowed)"));
        }
    }
    problems
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// One unfolded content line, `[group.]NAME(;PARAM=value)*:value`.
fn parse(text: &str) -> Result<Line, String> {
    let end = text
        .find([';', ':'])
        .ok_or_else(|| format!("no ':' in {text:?}"))?;
    let full = &text[..end];
    let name = full.rsplit_once('.').map_or(full, |(group, name)| {
        if !name_ok(group) {
            return "";
        }
        name
    });
    if !name_ok(name) {
        return Err(format!("{full:?} is not a property name"));
    }
    let mut params = Vec::new();
    let mut rest = &text[end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after
            .find(['=', ';', ':'])
            .ok_or_else(|| "a parameter without ':' after it".to_owned())?;
        let pname = after[..eq].to_ascii_uppercase();
        if !name_ok(&pname) {
            return Err(format!("{pname:?} is not a parameter name"));
        }
        let mut tail = &after[eq..];
        if let Some(values) = tail.strip_prefix('=') {
            let (value, left) = param_values(values)?;
            for v in value {
                params.push((pname.clone(), v));
            }
            tail = left;
        } else {
            params.push((pname.clone(), String::new()));
        }
        rest = tail;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| "no ':' before the value".to_owned())?;
    Ok(Line {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
    })
}

/// A parameter's comma-separated values, each quoted or plain; and what
/// follows them.
fn param_values(mut text: &str) -> Result<(Vec<String>, &str), String> {
    let mut values = Vec::new();
    loop {
        if let Some(quoted) = text.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| "an unclosed quote".to_owned())?;
            values.push(quoted[..close].to_owned());
            text = &quoted[close + 1..];
        } else {
            let end = text.find([',', ';', ':']).unwrap_or(text.len());
            let plain = &text[..end];
            if plain.contains(|c: char| c.is_control() || c == '"') {
                return Err(format!("parameter value {plain:?}"));
            }
            values.push(plain.to_owned());
            text = &text[end..];
        }
        match text.strip_prefix(',') {
            Some(more) => text = more,
            None => return Ok((values, text)),
        }
    }
}

fn check_line(line: &Line, version: Version) -> Vec<String> {
    let mut problems = Vec::new();
    if !allowed_property(&line.name, version) {
        problems.push("not a property of this version".to_owned());
    }
    for (name, _) in &line.params {
        if !allowed_parameter(name, version) {
            problems.push(format!("{name} is not a parameter of this version"));
        }
    }
    if line.value.contains(|c: char| c.is_control() && c != '\t') {
        problems.push("a control character in the value".into());
    }
    let mut chars = line.value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('\\' | ',' | ';' | 'n' | 'N')) {
            problems.push(format!("an escape that is none in {:?}", line.value));
            break;
        }
    }
    let value_types: Vec<String> = line.param("VALUE").map(str::to_ascii_lowercase).collect();
    let allowed_types: &[&str] = match version {
        Version::V3 => &[
            "binary",
            "boolean",
            "date",
            "date-time",
            "float",
            "integer",
            "text",
            "time",
            "uri",
            "utc-offset",
            "phone-number",
            "vcard",
        ],
        Version::V4 => &[
            "text",
            "uri",
            "date",
            "time",
            "date-time",
            "date-and-or-time",
            "timestamp",
            "boolean",
            "integer",
            "float",
            "utc-offset",
            "language-tag",
        ],
    };
    for t in &value_types {
        if !allowed_types.contains(&t.as_str()) && !t.starts_with("x-") {
            problems.push(format!("VALUE={t} is not a value type of this version"));
        }
    }
    let encodings: Vec<&str> = line.param("ENCODING").collect();
    let binary = matches!(line.name.as_str(), "PHOTO" | "LOGO" | "SOUND" | "KEY")
        || line.name.starts_with("X-");
    let base64 = encodings.iter().all(|e| e.eq_ignore_ascii_case("b"));
    let encoded = !encodings.is_empty();
    if encoded && (!binary || !base64) {
        problems.push(format!(
            "ENCODING={} on a text property",
            encodings.join(",")
        ));
    }
    if !binary && !line.name.starts_with("X-") && line.value.starts_with("data:") {
        problems.push("a data: URI where text belongs".into());
    }
    problems.extend(check_value(line, version, &value_types));
    problems
}

/// The value forms that differ between the versions.
fn check_value(line: &Line, version: Version, value_types: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let value = line.value.as_str();
    let text_typed = value_types.iter().any(|t| t == "text");
    match line.name.as_str() {
        "N" if unescaped(value, ';') != 4 => {
            problems.push(format!("{value:?} is not five parts"));
        }
        "TEL" if version == Version::V3 && value.to_ascii_lowercase().starts_with("tel:") => {
            problems.push(format!("{value:?} is a 4.0 tel: URI"));
        }
        "GEO" => {
            let ok = match version {
                Version::V3 => value
                    .split_once(';')
                    .is_some_and(|(a, b)| a.parse::<f64>().is_ok() && b.parse::<f64>().is_ok()),
                Version::V4 => value.contains(':'),
            };
            if !ok {
                problems.push(format!("{value:?} is not this version's GEO"));
            }
        }
        "BDAY" | "ANNIVERSARY" | "DEATHDATE" if !text_typed && !date_ok(value, version) => {
            problems.push(format!("{value:?} is not a date of this version"));
        }
        "PHOTO" | "LOGO" | "SOUND" | "KEY"
            if version == Version::V4 && value.starts_with("data:") && value.contains('\\') =>
        {
            problems.push("a backslash in a data: URI".into());
        }
        "REV" if !timestamp_ok(value) => {
            problems.push(format!("{value:?} is not a timestamp"));
        }
        _ => {}
    }
    if version == Version::V3 && line.params.iter().any(|(n, _)| n == "PREF") {
        problems.push("PREF is 4.0's (3.0 says TYPE=pref)".into());
    }
    problems
}

/// How many times `sep` occurs unescaped in `value`.
fn unescaped(value: &str, sep: char) -> usize {
    let mut n = 0;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == sep {
            n += 1;
        }
    }
    n
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A date (with an optional time) as the version writes it: 3.0 ISO 8601
/// `1990-04-12`, `19900412` or the year-less `--04-12`, `--0412`; 4.0
/// `19900412`, `1990-04`, `1990`, `--0412`, `---12`.
fn date_ok(value: &str, version: Version) -> bool {
    let date = value.split('T').next().unwrap_or_default();
    if date.is_empty() {
        return version == Version::V4 && value.starts_with('T');
    }
    let parts: Vec<&str> = date.split('-').collect();
    match version {
        Version::V3 => match parts.as_slice() {
            [d] => digits(d, 8),
            ["", "", md] => digits(md, 4),
            [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
            ["", "", m, d] => digits(m, 2) && digits(d, 2),
            _ => false,
        },
        Version::V4 => match parts.as_slice() {
            [d] => digits(d, 8) || digits(d, 4),
            [y, m] => digits(y, 4) && digits(m, 2),
            ["", "", md] => digits(md, 4) || digits(md, 2),
            ["", "", "", d] => digits(d, 2),
            _ => false,
        },
    }
}

/// `20261201T214322Z` (or the 3.0 extended `2026-12-01T21:43:22Z`).
fn timestamp_ok(value: &str) -> bool {
    let plain: String = value.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    let Some((date, time)) = plain.split_once('T') else {
        return digits(&plain, 8);
    };
    let time = time.trim_end_matches('Z');
    let time = time.split(['+', '-']).next().unwrap_or_default();
    digits(date, 8) && digits(time, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(lines: &[&str], version: &str) -> String {
        let mut s = format!("BEGIN:VCARD\r\nVERSION:{version}\r\n");
        for l in lines {
            s.push_str(l);
            s.push_str("\r\n");
        }
        s.push_str("END:VCARD\r\n");
        s
    }

    #[test]
    fn a_good_card_passes_and_each_fault_is_named() {
        let good = ["FN:Ann Lee", "N:Lee;Ann;;;", "UID:a"];
        assert_eq!(
            check(&card(&good, "3.0"), Version::V3),
            Vec::<String>::new()
        );
        assert_eq!(
            check(&card(&good, "4.0"), Version::V4),
            Vec::<String>::new()
        );
        for (extra, version, fault) in [
            ("NOTE:a\\rb", Version::V3, "an escape that is none"),
            ("TEL;VALUE=uri:tel:+1", Version::V3, "tel: URI"),
            ("EMAIL;PREF=1:a@b.c", Version::V3, "PREF"),
            ("GEO:geo:1,2", Version::V3, "GEO"),
            ("GEO:1;2", Version::V4, "GEO"),
            ("GENDER:M", Version::V3, "not a property of this version"),
            (
                "PROFILE:VCARD",
                Version::V4,
                "not a property of this version",
            ),
            ("BDAY:--2", Version::V3, "not a date"),
            ("BDAY:--02-03", Version::V4, "not a date"),
            ("ORG:data:;base64\\,Q2Fm", Version::V4, "data: URI"),
            ("ORG;ENCODING=b:Q2Fm", Version::V3, "ENCODING"),
            (
                "PHOTO:data:;base64\\,Q2Fm",
                Version::V4,
                "backslash in a data: URI",
            ),
            ("N:Lee;Ann;;;", Version::V3, "2 N"),
            ("UID:b", Version::V4, "2 UID"),
        ] {
            let v = if version == Version::V3 { "3.0" } else { "4.0" };
            let mut lines = good.to_vec();
            lines.push(extra);
            let problems = check(&card(&lines, v), version);
            assert!(
                problems.iter().any(|p| p.contains(fault)),
                "{extra} in {v}: {problems:?}"
            );
        }
        let long = format!("NOTE:{}", "x".repeat(80));
        let problems = check(&card(&["FN:A", "N:A;;;;", &long], "4.0"), Version::V4);
        assert!(
            problems.iter().any(|p| p.contains("octets")),
            "{problems:?}"
        );
        let bare = card(&good, "4.0").replace("FN:Ann Lee\r\n", "FN:Ann Lee\n");
        assert!(!check(&bare, Version::V4).is_empty());
        let missing = card(&["FN:Ann Lee"], "3.0");
        assert!(
            check(&missing, Version::V3)
                .iter()
                .any(|p| p == "0 N (exactly one wanted)")
        );
    }
}
