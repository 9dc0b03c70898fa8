//! The little XML CardDAV requests need: a body read into a small tree
//! with namespaces resolved (no DTDs, no entities beyond XML's five and
//! character references, bounded depth and element count). Any input gives
//! a tree or an error message, never a panic (`fuzz/` checks it).

mod answer;
pub use answer::{Multistatus, escape, well_formed};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

pub const DAV: &str = "DAV:";
pub const CARD: &str = "urn:ietf:params:xml:ns:carddav";
pub const CS: &str = "http://calendarserver.org/ns/";

/// Deeper than any CardDAV request goes.
const MAX_DEPTH: usize = 32;
/// More elements than a multiget of every card of a large book has.
const MAX_ELEMENTS: usize = 200_000;

/// An element: its namespace, local name, attributes (local name, value),
/// children and text.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a request body; `Err` is a message for a 400 answer.
pub fn parse(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    let resolve = |r: ResolveResult| match r {
        ResolveResult::Bound(ns) => ns.as_ref().to_owned(),
        _ => String::new(),
    };
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_resolved_event()
            .map_err(|e| format!("malformed XML at byte {at}: {}", describe(&e)))?;
        match event {
            (_, Event::Start(_) | Event::Empty(_)) if stack.len() >= MAX_DEPTH => {
                return Err(format!("nested deeper than {MAX_DEPTH} elements"));
            }
            (ns, event @ (Event::Start(_) | Event::Empty(_))) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err("too many elements".into());
                }
                let (e, empty) = match &event {
                    Event::Start(e) => (e, false),
                    Event::Empty(e) => (e, true),
                    _ => unreachable!("matched above"),
                };
                let element = element_of(resolve(ns), e)?;
                // An empty element is closed at once; a start waits for its end.
                if empty {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => return Ok(element),
                    }
                } else {
                    stack.push(element);
                }
            }
            (_, Event::End(_)) => {
                let done = stack.pop().ok_or("an end tag without a start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            (_, Event::Text(t)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            (_, Event::CData(t)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            (_, Event::GeneralRef(r)) => {
                let ch = entity(&r)?;
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&ch);
                }
            }
            (_, Event::DocType(_)) => {
                return Err("document type declarations are not accepted".into());
            }
            (_, Event::Eof) => return Err("the document ends before its root element".into()),
            _ => {}
        }
    }
}

/// An element as it starts: its namespace, name and attributes.
fn element_of(ns: String, e: &BytesStart) -> Result<Element, String> {
    let mut element = Element {
        ns,
        name: e.local_name().as_ref().to_owned(),
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("malformed attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|_| "malformed attribute value: a broken entity or character reference")?;
        element.attrs.push((
            attr.key.local_name().as_ref().to_owned(),
            value.into_owned(),
        ));
    }
    Ok(element)
}

/// What is wrong with the document, in words for the client: the parser's
/// own messages can name its API ("raise the limit with …"), so only the
/// ones that describe the document itself are passed on.
fn describe(e: &quick_xml::Error) -> String {
    use quick_xml::Error as E;
    use quick_xml::name::NamespaceError as N;
    match e {
        E::Syntax(syntax) => syntax.to_string(),
        E::IllFormed(ill) => ill.to_string(),
        E::InvalidAttr(attr) => format!("malformed attribute ({attr})"),
        E::Namespace(N::TooManyBindings(limit)) => {
            format!("the XML uses too many namespaces (more than {limit} at once)")
        }
        E::Namespace(N::TooDeeplyNested(_)) => format!("nested deeper than {MAX_DEPTH} elements"),
        E::Namespace(N::UnknownPrefix(prefix)) => format!("unknown namespace prefix '{prefix}'"),
        E::Namespace(_) => "the prefix xml or xmlns is bound wrongly".into(),
        E::Escape(_) => "a broken entity or character reference".into(),
        E::Encoding(_) => "text that is not in the declared encoding".into(),
        _ => "the document cannot be read".into(),
    }
}

/// The text of an entity or character reference: XML's five, or a number.
fn entity(r: &BytesRef) -> Result<String, String> {
    let name: String = r.to_string();
    Ok(match name.as_str() {
        "lt" => "<".to_owned(),
        "gt" => ">".to_owned(),
        "amp" => "&".to_owned(),
        "apos" => "'".to_owned(),
        "quot" => "\"".to_owned(),
        _ => match r.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            _ => return Err(format!("unknown entity &{name};")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_whatever_the_prefix() {
        let e = parse(
            br#"<?xml version="1.0"?><A:propfind xmlns:A="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
               <A:prop><A:getetag/><C:address-data/></A:prop></A:propfind>"#,
        )
        .unwrap();
        assert!(e.is(DAV, "propfind"));
        let prop = e.child(DAV, "prop").unwrap();
        assert!(prop.child(DAV, "getetag").is_some());
        assert!(prop.child(CARD, "address-data").is_some());
    }

    #[test]
    fn text_and_attributes_are_unescaped() {
        let e =
            parse(br#"<x xmlns="DAV:" a="1 &amp; 2"><href>/a%20b&amp;c&#233;</href></x>"#).unwrap();
        assert_eq!(e.attr("a"), Some("1 & 2"));
        assert_eq!(e.child(DAV, "href").unwrap().text, "/a%20b&cé");
    }

    #[test]
    fn entities_dtds_and_broken_documents_are_refused_with_a_reason() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#;
        assert!(parse(xxe).unwrap_err().contains("document type"));
        assert!(parse(b"<x>&e;</x>").unwrap_err().contains("entity"));
        assert!(parse(b"<x><y></x>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(&[0xff, 0xfe]).unwrap_err().contains("UTF-8"));
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(deep.as_bytes()).unwrap_err().contains("deeper"));
    }

    #[test]
    fn errors_describe_the_document_not_the_parser() {
        let bindings: String = (0..200)
            .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
            .collect();
        let many = format!("<x{bindings}/>");
        let err = parse(many.as_bytes()).unwrap_err();
        assert!(err.contains("too many namespaces"), "{err}");
        for internal in ["NamespaceResolver", "set_max", "::"] {
            assert!(!err.contains(internal), "{err}");
        }
        let err = parse(br#"<x a="&#xZZ;"/>"#).unwrap_err();
        assert!(!err.contains(".."), "{err}");
    }
}
