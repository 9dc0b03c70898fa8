//! How stored text goes into a page: the escaper every `.html` template
//! uses (`askama.toml`).

use std::fmt::{self, Write};

use askama::filters::Escaper;
use kith_core::meeting::MeetingMode;

/// Askama's HTML escaping (`<`, `>`, `&`, `"` and `'` as references), and
/// a character HTML does not allow in a document written as U+FFFD: a
/// control character other than tab, line feed, form feed and carriage
/// return, or a noncharacter (U+FDD0 to U+FDEF, and the last two code
/// points of every plane). The rule for new text refuses most of these,
/// but a page shows what is stored, whatever wrote it (an older Kith, a
/// card kept as a client sent it), and the page must stay HTML.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

/// Whether HTML forbids `c` in a document (a parse error in the WHATWG
/// tokenizer: "control-character-in-input-stream",
/// "noncharacter-in-input-stream", "unexpected-null-character").
pub fn forbidden(c: char) -> bool {
    let n = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\u{c}' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

impl Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut rest = string;
        while let Some(at) = rest.find(forbidden) {
            askama::filters::Html.write_escaped_str(&mut dest, &rest[..at])?;
            dest.write_char(char::REPLACEMENT_CHARACTER)?;
            let len = rest[at..].chars().next().map_or(1, char::len_utf8);
            rest = &rest[at + len..];
        }
        askama::filters::Html.write_escaped_str(dest, rest)
    }

    fn write_escaped_char<W: Write>(&self, mut dest: W, c: char) -> fmt::Result {
        if forbidden(c) {
            dest.write_char(char::REPLACEMENT_CHARACTER)
        } else {
            askama::filters::Html.write_escaped_char(dest, c)
        }
    }
}

/// A stored address as a link target: only an `http` or `https` one, in
/// full, without spaces or controls. Anything else (`javascript:`, `data:`,
/// a bare word a relative link would make something of) is shown as text.
pub fn web_link(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let clean = !rest.is_empty() && !url.contains(|c: char| c.is_whitespace() || forbidden(c));
    clean.then_some(url)
}

/// A virtual meeting's address as the target of its Join button: only
/// what `web_link` allows. Anything else stays text (`meeting_place`).
pub fn join_link(mode: &MeetingMode) -> Option<&str> {
    mode.join_url().and_then(web_link)
}

/// Where a meeting is, in words: a virtual meeting with a Join button is
/// only its platform's name (the button carries the address); anything else
/// as `MeetingMode::describe` says it, the address as text.
pub fn meeting_place(mode: &MeetingMode) -> String {
    match mode {
        MeetingMode::Virtual { platform, .. } if join_link(mode).is_some() => {
            platform.label().to_owned()
        }
        _ => mode.describe(),
    }
}

/// A phone number as a `tel:` address: its digits up to any words (an
/// "ext. 7"), with a leading `+` kept, and nothing else (RFC 3966 has no
/// spaces).
pub fn tel(number: &str) -> String {
    let digits = number
        .chars()
        .take_while(|c| !c.is_alphabetic())
        .filter(char::is_ascii_digit);
    if number.trim_start().starts_with('+') {
        std::iter::once('+').chain(digits).collect()
    } else {
        digits.collect()
    }
}

#[cfg(test)]
mod tests {
    use kith_core::meeting::Platform;

    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        Html.write_escaped_str(&mut out, s).unwrap();
        out
    }

    #[test]
    fn markup_is_escaped_and_forbidden_characters_replaced() {
        assert_eq!(escaped("<a href=\"x\">"), "&#60;a href=&#34;x&#34;&#62;");
        assert_eq!(
            escaped("a\u{0}b\u{1}c\u{7f}d\u{9f}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}"
        );
        assert_eq!(
            escaped("\u{fdd0}\u{fffe}\u{1ffff}\u{10fffe}"),
            "\u{fffd}".repeat(4)
        );
        assert_eq!(
            escaped("tab\tline\nfeed\u{c}cr\r"),
            "tab\tline\nfeed\u{c}cr\r"
        );
        assert_eq!(
            escaped("Zoë \u{fdcf}\u{fdf0}\u{fffd} 🎉"),
            "Zoë \u{fdcf}\u{fdf0}\u{fffd} 🎉"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        for url in [
            "https://example.com/a?b=1",
            "HTTP://Example.com",
            "http://x",
        ] {
            assert_eq!(web_link(url), Some(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            " https://example.com",
            "jav\tascript:alert(1)",
            "data:text/html,x",
            "example.com",
            "https://",
            "https://a b",
            "https://a\u{1}b",
            "",
        ] {
            assert_eq!(web_link(url), None, "{url:?}");
        }
    }

    #[test]
    fn only_a_web_address_makes_a_join_button() {
        let virtual_at = |url: &str| MeetingMode::Virtual {
            platform: Platform::Jitsi,
            url: url.to_owned(),
        };
        let jitsi = virtual_at("https://meet.jit.si/kith-abc");
        assert_eq!(join_link(&jitsi), Some("https://meet.jit.si/kith-abc"));
        assert_eq!(meeting_place(&jitsi), "Jitsi Meet");
        for url in ["javascript:alert(1)", "meet.jit.si/kith-abc", "https://a b"] {
            let odd = virtual_at(url);
            assert_eq!(join_link(&odd), None, "{url}");
            assert_eq!(meeting_place(&odd), format!("Jitsi Meet: {url}"));
        }
        let phone = MeetingMode::Phone {
            number: "+27 22 288 2467".to_owned(),
        };
        assert_eq!(join_link(&phone), None);
        assert_eq!(meeting_place(&phone), "Phone: +27 22 288 2467");
    }

    #[test]
    fn a_tel_address_holds_only_the_number() {
        assert_eq!(tel("+27 22 288 2467"), "+27222882467");
        assert_eq!(tel("(030) 123-45"), "03012345");
        assert_eq!(tel(" +1 (555) 010-0100 ext. 7"), "+15550100100");
    }
}
