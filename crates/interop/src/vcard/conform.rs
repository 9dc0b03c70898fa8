//! A card made valid for the version it is written in: vCard 3.0 (RFC 2426,
//! with RFC 2425's parameters and RFC 4770's IMPP) or 4.0 (RFC 6350 and the
//! registered extensions). A property of the other version is carried over
//! where the other version has a form for it (4.0's `PREF=1` is 3.0's
//! `TYPE=pref`, 3.0's GEO `lat;lon` is 4.0's `geo:lat,lon`, 4.0's
//! ANNIVERSARY is 3.0's `X-ANNIVERSARY`), and left out where it means
//! nothing there (3.0's PROFILE, NAME and MAILER in 4.0). Text loses the
//! characters no vCard can carry; a property that may appear once appears
//! once.

use std::collections::HashSet;

use calcard::common::{IanaString, PartialDateTime};
use calcard::vcard::{
    VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue,
    VCardValueType,
};

use super::Version;
use super::names::{
    V3_DROPPED_IN_V4, allowed_parameter, allowed_property, extension, listed, single,
};

/// The card's properties as `version` allows them, in their order.
pub(super) fn conform(entries: Vec<VCardEntry>, version: Version) -> Vec<VCardEntry> {
    let mut out: Vec<VCardEntry> = Vec::with_capacity(entries.len());
    let mut labels = Vec::new();
    let mut seen = HashSet::new();
    for mut entry in entries {
        clean(&mut entry);
        tidy_names(&mut entry);
        dates_read(&mut entry);
        url_is_uri(&mut entry);
        let converted = match version {
            Version::V3 => to_v3(entry, &mut labels),
            Version::V4 => {
                data_uri(&mut entry);
                to_v4(entry, &mut labels)
            }
        };
        let Some(mut entry) = converted else { continue };
        entry
            .params
            .retain(|p| allowed_parameter(p.name.as_str(), version));
        let parts = match entry.name {
            VCardProperty::N => 5,
            VCardProperty::Adr => 7,
            _ => 0,
        };
        if entry.values.len() < parts {
            entry.values.resize(parts, VCardValue::Text(String::new()));
        }
        let name = entry.name.as_str().to_ascii_uppercase();
        if single(&name, version) && !seen.insert(name) {
            continue;
        }
        out.push(entry);
    }
    match version {
        Version::V3 => out.extend(labels),
        Version::V4 => attach_labels(&mut out, labels),
    }
    out
}

/// Text without the characters no vCard can carry; parameter values
/// without line breaks and double quotes (neither version can escape them
/// in every reader).
fn clean(entry: &mut VCardEntry) {
    for value in &mut entry.values {
        match value {
            VCardValue::Text(t) => *t = crate::text::clean(t).into_owned(),
            VCardValue::Component(parts) => {
                for t in parts {
                    *t = crate::text::clean(t).into_owned();
                }
            }
            _ => {}
        }
    }
    for param in &mut entry.params {
        if let VCardParameterValue::Text(t) = &mut param.value {
            *t = t
                .chars()
                .map(|c| if c == '"' { '\'' } else { c })
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
        }
    }
}

/// A 4.0 PHOTO, LOGO, SOUND or KEY held as bytes, as the `data:` URI RFC
/// 6350 writes: calcard would write `base64\,`, a comma escaped as in text,
/// which leaves a backslash in the URI for a reader that follows the RFC.
fn data_uri(entry: &mut VCardEntry) {
    let binary = matches!(
        entry.name,
        VCardProperty::Photo | VCardProperty::Logo | VCardProperty::Sound | VCardProperty::Key
    );
    let uri = entry.params.iter().all(|p| {
        p.name != VCardParameterName::Value
            || p.value == VCardParameterValue::ValueType(VCardValueType::Uri)
    });
    if !(binary && uri) {
        return;
    }
    for value in &mut entry.values {
        if let VCardValue::Binary(data) = value {
            let media = data.content_type.as_deref().unwrap_or_default();
            *value = VCardValue::Text(format!("data:{media};base64,{}", base64(&data.data)));
        }
    }
}

/// Standard base64 with padding (RFC 4648 section 4).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A date property whose date calcard kept as text (`BDAY:1990-04-12` in a
/// 4.0 card) as a date.
fn dates_read(entry: &mut VCardEntry) {
    if matches!(
        entry.name,
        VCardProperty::Bday | VCardProperty::Anniversary | VCardProperty::Deathdate
    ) && !has_value_param(entry)
        && let Some(d) = first_text(entry).and_then(date)
    {
        entry.values = vec![VCardValue::PartialDateTime(d)];
    }
}

/// Outlook's `VALUE=url` is `VALUE=uri`.
fn url_is_uri(entry: &mut VCardEntry) {
    for p in &mut entry.params {
        if p.name == VCardParameterName::Value
            && matches!(&p.value, VCardParameterValue::Text(t) if t.eq_ignore_ascii_case("url"))
        {
            p.value = VCardParameterValue::ValueType(VCardValueType::Uri);
        }
    }
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn dashed(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A property name `version` does not define, as an extension: `X-` and
/// the name with anything but letters, digits and dashes made a dash.
fn as_extension(name: &str) -> VCardProperty {
    let bare = if extension(name) { &name[2..] } else { name };
    VCardProperty::Other(format!("X-{}", dashed(bare).to_ascii_uppercase()))
}

/// A name and group made of letters, digits and dashes only (a name from
/// a broken line, `X-GOOGLE TALK`, becomes `X-GOOGLE-TALK`).
fn tidy_names(entry: &mut VCardEntry) {
    let name = entry.name.as_str().to_owned();
    if !name_ok(&name) {
        entry.name = as_extension(&name);
    }
    if let Some(group) = &mut entry.group
        && !name_ok(group)
    {
        *group = dashed(group);
    }
}

/// Values as text, for a property written as an `X-` one.
fn values_as_text(entry: &mut VCardEntry) {
    for value in &mut entry.values {
        let text = match value {
            VCardValue::PartialDateTime(d) => {
                let mut s = String::new();
                let _ = d.format_as_legacy_vcard(&mut s, &VCardValueType::DateAndOrTime);
                s
            }
            VCardValue::Sex(v) => v.as_str().to_owned(),
            VCardValue::GramGender(v) => v.as_str().to_owned(),
            VCardValue::Kind(v) => v.as_str().to_owned(),
            VCardValue::Integer(i) => i.to_string(),
            VCardValue::Float(f) => f.to_string(),
            VCardValue::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            _ => continue,
        };
        *value = VCardValue::Text(text);
    }
    entry.params.retain(|p| p.name != VCardParameterName::Value);
}

fn param(name: VCardParameterName, value: VCardParameterValue) -> VCardParameter {
    VCardParameter { name, value }
}

fn has_value_param(entry: &VCardEntry) -> bool {
    entry
        .params
        .iter()
        .any(|p| p.name == VCardParameterName::Value)
}

fn first_text(entry: &VCardEntry) -> Option<&str> {
    match entry.values.as_slice() {
        [VCardValue::Text(t)] => Some(t),
        _ => None,
    }
}

/// A 3.0 GEO (`lat;lon`) from a 4.0 one (`geo:lat,lon[,alt][;u=…]`).
fn geo_v3(uri: &str) -> Option<String> {
    let rest = uri
        .get(..4)?
        .eq_ignore_ascii_case("geo:")
        .then(|| &uri[4..])?;
    let coords = rest.split(';').next()?;
    let mut parts = coords.split(',');
    let (lat, lon) = (parts.next()?.trim(), parts.next()?.trim());
    (lat.parse::<f64>().is_ok() && lon.parse::<f64>().is_ok()).then(|| format!("{lat};{lon}"))
}

/// A 4.0 GEO URI from a 3.0 GEO (`lat;lon`, or `lat,lon` as some write it).
fn geo_v4(text: &str) -> Option<String> {
    let (lat, lon) = text.split_once([';', ','])?;
    let (lat, lon) = (lat.trim(), lon.trim());
    (lat.parse::<f64>().is_ok() && lon.parse::<f64>().is_ok()).then(|| format!("geo:{lat},{lon}"))
}

fn whole_date(entry: &VCardEntry) -> bool {
    matches!(
        entry.values.as_slice(),
        [VCardValue::PartialDateTime(PartialDateTime {
            month: Some(_),
            day: Some(_),
            ..
        })]
    )
}

fn types(entry: &VCardEntry) -> Vec<String> {
    entry
        .params
        .iter()
        .filter(|p| p.name == VCardParameterName::Type)
        .filter_map(|p| match &p.value {
            VCardParameterValue::Text(t) => Some(t.to_ascii_lowercase()),
            VCardParameterValue::Type(t) => Some(t.as_str().to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// One property as vCard 3.0 has it, or `None` to leave it out. A 4.0
/// ADR's LABEL parameter becomes a LABEL property in `labels`.
fn to_v3(mut entry: VCardEntry, labels: &mut Vec<VCardEntry>) -> Option<VCardEntry> {
    let name = entry.name.as_str().to_owned();
    // `PROFILE:VCARD` says what BEGIN:VCARD says, and vobject refuses a
    // card that has both.
    if name.eq_ignore_ascii_case("PROFILE") {
        return None;
    }
    params_v3(&mut entry);
    if !allowed_property(&name, Version::V3) {
        entry.name = as_extension(&name);
        values_as_text(&mut entry);
        return Some(entry);
    }
    match &entry.name {
        VCardProperty::Tel => {
            for value in &mut entry.values {
                if let VCardValue::Text(t) = value
                    && t.len() > 4
                    && t.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("tel:"))
                {
                    *t = t[4..].to_owned();
                }
            }
            entry.params.retain(|p| p.name != VCardParameterName::Value);
        }
        VCardProperty::Geo => {
            let text = first_text(&entry)?;
            if !text.contains(';') {
                match geo_v3(text) {
                    Some(geo) => entry.values = vec![VCardValue::Text(geo)],
                    None => {
                        entry.name = as_extension("GEO");
                        values_as_text(&mut entry);
                    }
                }
            }
            entry.params.retain(|p| p.name != VCardParameterName::Value);
        }
        // 3.0 has whole dates only (and the year-less `--MM-DD` readers
        // take): a year and month alone, or text, is an extension.
        VCardProperty::Bday if !whole_date(&entry) => {
            entry.name = as_extension("BDAY");
            values_as_text(&mut entry);
        }
        VCardProperty::Rev
            if !matches!(entry.values.as_slice(), [VCardValue::PartialDateTime(_)]) =>
        {
            return None;
        }
        VCardProperty::Tz if first_text(&entry).is_some() && !has_value_param(&entry) => {
            entry.params.push(param(
                VCardParameterName::Value,
                VCardParameterValue::ValueType(VCardValueType::Text),
            ));
        }
        VCardProperty::Adr => labels.extend(label_of(&entry)),
        _ => {}
    }
    Some(entry)
}

/// 3.0's parameters: `TYPE=pref` for 4.0's PREF, and only 3.0's VALUE
/// types.
fn params_v3(entry: &mut VCardEntry) {
    if entry
        .params
        .iter()
        .any(|p| p.name == VCardParameterName::Pref)
    {
        entry.params.retain(|p| p.name != VCardParameterName::Pref);
        if !types(entry).iter().any(|t| t == "pref") {
            entry.params.push(param(
                VCardParameterName::Type,
                VCardParameterValue::Text("pref".into()),
            ));
        }
    }
    entry.params.retain(|p| match &p.value {
        VCardParameterValue::ValueType(t) => !matches!(
            t,
            VCardValueType::DateAndOrTime | VCardValueType::Timestamp | VCardValueType::LanguageTag
        ),
        VCardParameterValue::Text(t) if p.name == VCardParameterName::Value => {
            listed(&["binary", "phone-number", "vcard"], t) || extension(t)
        }
        _ => true,
    });
}

/// A 4.0 ADR's LABEL parameter as the 3.0 LABEL property of its types.
fn label_of(adr: &VCardEntry) -> Option<VCardEntry> {
    let label = adr.params.iter().find_map(|p| match (&p.name, &p.value) {
        (VCardParameterName::Label, VCardParameterValue::Text(t)) => Some(t.clone()),
        _ => None,
    })?;
    let mut entry = VCardEntry {
        group: adr.group.clone(),
        name: VCardProperty::Other("LABEL".into()),
        params: adr
            .params
            .iter()
            .filter(|p| p.name == VCardParameterName::Type)
            .cloned()
            .collect(),
        values: vec![VCardValue::Text(label)],
    };
    clean(&mut entry);
    Some(entry)
}

/// One property as vCard 4.0 has it, or `None` to leave it out. A 3.0
/// LABEL goes to `labels`, to become its ADR's LABEL parameter.
fn to_v4(mut entry: VCardEntry, labels: &mut Vec<VCardEntry>) -> Option<VCardEntry> {
    let name = entry.name.as_str().to_owned();
    if listed(V3_DROPPED_IN_V4, &name) {
        return None;
    }
    // TYPE=pref is 3.0's; 4.0 says PREF=1.
    let pref = |p: &VCardParameter| {
        p.name == VCardParameterName::Type
            && matches!(&p.value, VCardParameterValue::Text(t) if t.eq_ignore_ascii_case("pref"))
    };
    if entry.params.iter().any(pref) {
        entry.params.retain(|p| !pref(p));
        if !entry
            .params
            .iter()
            .any(|p| p.name == VCardParameterName::Pref)
        {
            entry.params.push(param(
                VCardParameterName::Pref,
                VCardParameterValue::Integer(1),
            ));
        }
    }
    if name.eq_ignore_ascii_case("LABEL") {
        labels.push(entry);
        return None;
    }
    if name.eq_ignore_ascii_case("X-ANNIVERSARY")
        && let Some(date) = first_text(&entry).and_then(date)
    {
        entry.name = VCardProperty::Anniversary;
        entry.values = vec![VCardValue::PartialDateTime(date)];
        entry.params.retain(|p| p.name != VCardParameterName::Value);
    }
    if !allowed_property(&name, Version::V4) && !matches!(entry.name, VCardProperty::Anniversary) {
        entry.name = as_extension(&name);
        values_as_text(&mut entry);
        return Some(entry);
    }
    // VALUE: only 4.0's value types (3.0's `binary` or `phone-number` go).
    entry.params.retain(|p| {
        p.name != VCardParameterName::Value || matches!(p.value, VCardParameterValue::ValueType(_))
    });
    match &entry.name {
        VCardProperty::Geo => {
            if let Some(geo) = first_text(&entry).and_then(geo_v4) {
                entry.values = vec![VCardValue::Text(geo)];
            }
        }
        VCardProperty::Bday | VCardProperty::Anniversary | VCardProperty::Deathdate
            if !matches!(entry.values.as_slice(), [VCardValue::PartialDateTime(_)])
                && !has_value_param(&entry) =>
        {
            entry.params.push(param(
                VCardParameterName::Value,
                VCardParameterValue::ValueType(VCardValueType::Text),
            ));
        }
        VCardProperty::Rev
            if !matches!(entry.values.as_slice(), [VCardValue::PartialDateTime(_)]) =>
        {
            return None;
        }
        VCardProperty::Tz
            if matches!(entry.values.as_slice(), [VCardValue::PartialDateTime(_)])
                && !has_value_param(&entry) =>
        {
            entry.params.push(param(
                VCardParameterName::Value,
                VCardParameterValue::ValueType(VCardValueType::UtcOffset),
            ));
        }
        _ => {}
    }
    Some(entry)
}

/// Each 3.0 LABEL as the LABEL parameter of the ADR with the same types,
/// where there is one without a label; other labels are left out (4.0 has
/// no property for them).
fn attach_labels(out: &mut [VCardEntry], labels: Vec<VCardEntry>) {
    for label in labels {
        let Some(text) = first_text(&label) else {
            continue;
        };
        let wanted = {
            let mut t = types(&label);
            t.sort();
            t
        };
        let adr = out.iter_mut().find(|e| {
            e.name == VCardProperty::Adr
                && !e.params.iter().any(|p| p.name == VCardParameterName::Label)
                && {
                    let mut t = types(e);
                    t.sort();
                    t == wanted
                }
        });
        if let Some(adr) = adr {
            adr.params.push(param(
                VCardParameterName::Label,
                VCardParameterValue::Text(text.replace('\n', " ")),
            ));
        }
    }
}

/// A date as 3.0 writers put it in an `X-` property: `1990-04-30`,
/// `19900430`, `--04-30` or `--0430`.
pub(super) fn date(text: &str) -> Option<PartialDateTime> {
    let text = text.trim();
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (text.starts_with("--"), digits.len()) {
        (true, 4) => (None, &digits[..]),
        (false, 8) => (Some(digits[..4].parse().ok()?), &digits[4..]),
        _ => return None,
    };
    let (month, day): (u8, u8) = (rest[..2].parse().ok()?, rest[2..4].parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| PartialDateTime {
        year,
        month: Some(month),
        day: Some(day),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_rfc_4648_says() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
            (b"\xff\xfe", "//4="),
        ] {
            assert_eq!(super::base64(bytes), text);
        }
    }
}
