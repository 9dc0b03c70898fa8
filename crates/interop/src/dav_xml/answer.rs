//! The XML of CardDAV answers: a multistatus written with escaping that
//! leaves out what XML cannot carry, so an answer is well-formed whatever
//! is stored, and [`well_formed`], the strict check tests and `fuzz/` use.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Whether XML 1.0 can carry `c` (its `Char` production: tab, LF, CR and
/// every character from U+0020 but U+FFFE and U+FFFF).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escapes text for an element's content or an attribute value, leaving
/// out the characters XML cannot carry and those Kith's text rule drops
/// (`kith_core::values::unwritable`; CR stays, as the line ends of a card).
pub fn escape(text: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\r' || !kith_core::values::unwritable(c);
    if text.chars().all(keep) {
        return quick_xml::escape::escape(text);
    }
    let kept: String = text.chars().filter(|&c| keep(c)).collect();
    Cow::Owned(quick_xml::escape::escape(&kept).into_owned())
}

/// A multistatus answer being written.
pub struct Multistatus {
    out: String,
}

impl Default for Multistatus {
    fn default() -> Self {
        Self::new()
    }
}

impl Multistatus {
    pub fn new() -> Multistatus {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" \
             xmlns:card=\"urn:ietf:params:xml:ns:carddav\" \
             xmlns:cs=\"http://calendarserver.org/ns/\">",
        );
        Multistatus { out }
    }

    /// One resource: its href, the properties found (name as written with
    /// its prefix, and the inner XML, escaped by the caller) and the ones
    /// not found.
    pub fn response(&mut self, href: &str, found: &[(String, String)], missing: &[String]) {
        self.out.push_str("<d:response><d:href>");
        self.out.push_str(&escape(href));
        self.out.push_str("</d:href>");
        if !found.is_empty() {
            self.out.push_str("<d:propstat><d:prop>");
            for (name, inner) in found {
                if inner.is_empty() {
                    self.out.push_str(&format!("<{name}/>"));
                } else {
                    // A name may carry its namespace declaration: the end
                    // tag is the name alone.
                    let end = name.split(' ').next().unwrap_or(name);
                    self.out.push_str(&format!("<{name}>{inner}</{end}>"));
                }
            }
            self.out
                .push_str("</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
        }
        if !missing.is_empty() {
            self.out.push_str("<d:propstat><d:prop>");
            for name in missing {
                self.out.push_str(&format!("<{name}/>"));
            }
            self.out
                .push_str("</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>");
        }
        self.out.push_str("</d:response>");
    }

    /// A resource that is gone (a sync's deletion) or was not found (multiget).
    pub fn status(&mut self, href: &str, status: &str) {
        self.out.push_str("<d:response><d:href>");
        self.out.push_str(&escape(href));
        self.out.push_str("</d:href><d:status>HTTP/1.1 ");
        self.out.push_str(status);
        self.out.push_str("</d:status></d:response>");
    }

    pub fn finish(mut self, sync_token: Option<&str>) -> String {
        if let Some(token) = sync_token {
            self.out.push_str("<d:sync-token>");
            self.out.push_str(&escape(token));
            self.out.push_str("</d:sync-token>");
        }
        self.out.push_str("</d:multistatus>\n");
        self.out
    }
}

/// Whether `xml` is a well-formed XML 1.0 document, as a strict parser
/// (libxml2, Python's) reads it: only characters XML can carry, tags that
/// nest and close, one root element, attributes and references that read.
/// `Err` says what is wrong.
pub fn well_formed(xml: &str) -> Result<(), String> {
    if let Some((at, c)) = xml.char_indices().find(|&(_, c)| !xml_char(c)) {
        return Err(format!(
            "U+{:04X} at byte {at}, a character XML cannot carry",
            u32::from(c)
        ));
    }
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        let outside = depth == 0;
        match event {
            Event::Start(e) | Event::Empty(e) if outside && roots > 0 => {
                return Err(format!("a second root element <{}>", e.name().as_ref()));
            }
            Event::Start(e) => {
                attributes(&e)?;
                roots += usize::from(outside);
                depth += 1;
            }
            Event::Empty(e) => {
                attributes(&e)?;
                roots += usize::from(outside);
            }
            Event::End(_) => depth = depth.checked_sub(1).ok_or("an end tag without a start")?,
            Event::Text(t) if outside && !t.chars().all(|c| c.is_ascii_whitespace()) => {
                return Err("text outside the root element".into());
            }
            Event::GeneralRef(r) => {
                let name = r.to_string();
                let known = matches!(name.as_str(), "lt" | "gt" | "amp" | "apos" | "quot");
                let char_ok = r.resolve_char_ref().ok().flatten().is_some_and(xml_char);
                if outside || !(known || char_ok) {
                    return Err(format!("the reference &{name}; does not read"));
                }
            }
            Event::DocType(_) => return Err("a document type declaration".into()),
            Event::Eof if depth > 0 => return Err("the document ends inside an element".into()),
            Event::Eof if roots == 0 => return Err("no root element".into()),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Every attribute of a tag reads (names once, values quoted, references
/// that resolve).
fn attributes(e: &quick_xml::events::BytesStart) -> Result<(), String> {
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("malformed attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed attribute value: {e}"))?;
        if !value.chars().all(xml_char) {
            return Err("an attribute refers to a character XML cannot carry".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_escape_what_they_echo() {
        let mut m = Multistatus::new();
        m.response(
            "/dav/a&b.vcf",
            &[("d:getetag".into(), escape("\"1-2\"").into_owned())],
            &["d:nope".into()],
        );
        let out = m.finish(Some("urn:kith:sync:3"));
        assert!(out.contains("<d:href>/dav/a&amp;b.vcf</d:href>"));
        assert!(out.contains("<d:getetag>&quot;1-2&quot;</d:getetag>"));
        assert!(out.contains("404 Not Found"));
        assert!(super::super::parse(out.as_bytes()).is_ok(), "{out}");
        assert_eq!(well_formed(&out), Ok(()));
    }

    #[test]
    fn answers_leave_out_what_xml_cannot_carry() {
        assert_eq!(escape("a\u{0}b\u{1}<\u{FFFF}\r\n\t"), "ab&lt;&#13;\n\t");
        let mut m = Multistatus::new();
        let card = "BEGIN:VCARD\r\nX-FOO:a\u{1}b\r\nNOTE:a\u{0}b\r\nEND:VCARD\r\n";
        m.response(
            "/dav/u\u{0}v.vcf",
            &[("card:address-data".into(), escape(card).into_owned())],
            &[],
        );
        assert_eq!(well_formed(&m.finish(Some("t\u{1b}"))), Ok(()));
    }

    #[test]
    fn the_check_is_strict() {
        assert_eq!(well_formed("<a>x</a>"), Ok(()));
        assert_eq!(
            well_formed("<?xml version=\"1.0\"?>\n<a b=\"1 &amp; &#233;\"><c/>&lt;</a>\n"),
            Ok(())
        );
        for bad in [
            "<a>\u{1}</a>",
            "<a>\u{0}</a>",
            "<a>&#1;</a>",
            "<a>&#0;</a>",
            "<a>&nope;</a>",
            "<a></b>",
            "<a>",
            "<a/><b/>",
            "",
            "text",
            "<a b=\"1\" b=\"2\"/>",
            "<a b=\"&#1;\"/>",
            "<a>\u{FFFF}</a>",
            "<a/>tail",
        ] {
            assert!(well_formed(bad).is_err(), "{bad:?}");
        }
    }
}
