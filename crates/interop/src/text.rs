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

/// Text as a vCard value may hold it: CRLF and a lone CR become LF (written
/// as the `\n` escape), and other control characters but tab are dropped,
/// since neither vCard version has a way to write them.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let odd = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(odd) {
        return std::borrow::Cow::Borrowed(text);
    }
    let joined = text.replace("\r\n", "\n").replace('\r', "\n");
    std::borrow::Cow::Owned(joined.chars().filter(|&c| !odd(c)).collect())
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
    fn line_breaks_are_one_kind_and_control_characters_go() {
        assert_eq!(clean("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(clean("tab\there\u{1}\u{7f}"), "tab\there");
        assert!(matches!(
            clean("plain\nline"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
