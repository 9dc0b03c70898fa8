//! Bytes to text: UTF-8 (with or without a byte-order mark), UTF-16 with a
//! byte-order mark, and anything else read as Windows-1252, the charset of
//! older Outlook and phone exports.

/// The text of a file, whatever its encoding; never fails.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// Bytes that should have been UTF-8 (a quoted-printable or base64 value
/// said to be UTF-8): each valid sequence as it is, each byte that is not
/// part of one read as Windows-1252 (what such a byte usually was).
pub(crate) fn lossy_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| windows_1252(b)));
    }
    out
}

/// Text as a vCard value may hold it: Kith's text rule for what it reads
/// ([`kith_core::values::tidy_text`]): CRLF and a lone CR become LF (written
/// as the `\n` escape), and other control characters but tab are dropped,
/// since neither vCard version has a way to write them.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    kith_core::values::tidy_text(text)
}

/// A card's text as Kith keeps it (an imported card, a CardDAV PUT): each
/// character the text rule drops ([`kith_core::values::unwritable`]) is
/// left out, CRLF line ends stay. The values read from it are the same as
/// from the card as sent (reading drops those characters anyway), and both
/// databases can store it (PostgreSQL refuses a NUL). Borrowed when nothing
/// was left out.
pub fn tidy_card(text: &str) -> std::borrow::Cow<'_, str> {
    use kith_core::values::unwritable;
    let bytes = text.as_bytes();
    let stays = |(i, c): &(usize, char)| {
        !unwritable(*c) || (*c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    if text.char_indices().all(|ic| stays(&ic)) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.char_indices().filter(stays).map(|(_, c)| c).collect())
}

/// The properties of a card's text that hold a character [`tidy_card`]
/// leaves out, each with the line that held it (its characters left out,
/// shortened), in order, each property once.
pub(crate) fn untidy_properties(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut property = String::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.starts_with([' ', '\t']) {
            let head = line.split([':', ';']).next().unwrap_or_default();
            let name = head.rsplit('.').next().unwrap_or_default();
            property = tidy_card(name).to_ascii_uppercase();
        }
        if tidy_card(line).len() != line.len() && !out.iter().any(|(p, _)| *p == property) {
            let shown: String = tidy_card(line).chars().take(60).collect();
            out.push((property.clone(), shown));
        }
    }
    out
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFJos\xC3\xA9"), "José");
        assert_eq!(decode(b"Jos\xE9 \x80"), "José €");
        assert_eq!(decode(b"\xFF\xFEJ\x00\xE9\x00"), "Jé");
    }

    #[test]
    fn invalid_utf8_keeps_the_valid_part() {
        assert_eq!(lossy_utf8(b"Caf\xE9 M\xC3\xBCller"), "Café Müller");
        assert_eq!(lossy_utf8(b"ok"), "ok");
    }

    #[test]
    fn a_kept_card_loses_what_the_rule_drops_and_keeps_its_line_ends() {
        let card =
            "BEGIN:VCARD\r\nX-FOO:a\u{1}b\r\nNOTE:a\u{0}b\rc\r\nUID:u\u{0}v\r\nEND:VCARD\r\n";
        assert_eq!(
            tidy_card(card),
            "BEGIN:VCARD\r\nX-FOO:ab\r\nNOTE:abc\r\nUID:uv\r\nEND:VCARD\r\n"
        );
        assert!(matches!(
            tidy_card("BEGIN:VCARD\r\n\tfolded\nEND:VCARD"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            untidy_properties(card),
            [
                ("X-FOO".to_owned(), "X-FOO:ab".to_owned()),
                ("NOTE".to_owned(), "NOTE:abc".to_owned()),
                ("UID".to_owned(), "UID:uv".to_owned())
            ]
        );
        assert_eq!(
            untidy_properties("item1.NOTE;X=1:ok\n more\u{7}\n"),
            [("NOTE".to_owned(), " more".to_owned())]
        );
    }

    #[test]
    fn a_vcard_import_keeps_the_tidied_card_and_warns_of_each_property() {
        let file = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u\u{0}v\r\nFN:Ann\u{1} Lee\r\n\
                    NOTE:a\u{0}b\r\nX-FOO:a\u{1}b\r\nEND:VCARD\r\n";
        let records = crate::vcard::records(file.as_bytes());
        let [record] = records.as_slice() else {
            panic!("{records:?}")
        };
        let item = record.parsed.as_ref().unwrap();
        assert_eq!(item.draft.uid.as_deref(), Some("uv"));
        assert_eq!(item.draft.name.as_ref().unwrap().as_str(), "Ann Lee");
        assert_eq!(item.draft.notes.as_deref(), Some("ab"));
        assert_eq!(item.key, "uid:uv");
        let card = item.card.as_deref().unwrap();
        let lines = card.replace("\r\n", "\n");
        assert!(!lines.contains(kith_core::values::unwritable), "{card:?}");
        assert!(card.contains("X-FOO:ab\r\n"), "{card:?}");
        let columns: Vec<&str> = record.warnings.iter().map(|w| w.column.as_str()).collect();
        assert_eq!(columns, ["UID", "FN", "NOTE", "X-FOO"]);
        assert!(record.warnings[0].message.contains("control characters"));
        assert_eq!(
            crate::vcard::read(file.as_bytes()),
            std::slice::from_ref(&record.parsed)
        );
    }

    #[test]
    fn line_breaks_are_one_kind_and_control_characters_go() {
        assert_eq!(clean("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(clean("tab\there\u{1}\u{7f}"), "tab\there");
        assert!(matches!(
            clean("plain\nline"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
