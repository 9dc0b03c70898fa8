//! The XML of CardDAV answers: multistatus written with escaping. Request
//! bodies are read by `kith_interop::dav_xml` (re-exported here).

pub use kith_interop::dav_xml::{CARD, CS, DAV, Element, parse};

/// Escapes text for an element's content or an attribute value.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// A multistatus answer being written.
pub struct Multistatus {
    out: String,
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
    /// its prefix, and the inner XML) and the ones not found.
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
        assert!(parse(out.as_bytes()).is_ok(), "{out}");
    }
}
