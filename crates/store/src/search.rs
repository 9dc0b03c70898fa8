//! The parts of full-text search both backends share: turning a query into
//! safe terms, and assembling the text a contact is found by.

use crate::error::Result;

/// Splits a query into words of letters and digits. Everything else is
/// dropped, so no FTS5 or tsquery operator can come from user input.
pub(crate) fn terms(query: &str) -> Result<Vec<String>> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect();
    if terms.is_empty() {
        return Err(crate::StoreError::invalid(
            crate::Input::Query,
            "give at least one word to search for",
        ));
    }
    Ok(terms)
}

/// Every term as a prefix, all required: FTS5 syntax.
pub(crate) fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every term as a prefix, all required: PostgreSQL tsquery syntax.
pub(crate) fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("{t}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The searchable text of a contact.
#[derive(Default)]
pub(crate) struct SearchDoc(String);

impl SearchDoc {
    pub fn add(mut self, part: Option<&str>) -> Self {
        if let Some(part) = part.filter(|p| !p.is_empty()) {
            if !self.0.is_empty() {
                self.0.push('\n');
            }
            self.0.push_str(part);
        }
        self
    }

    pub fn add_all<'a>(self, parts: impl IntoIterator<Item = &'a str>) -> Self {
        parts
            .into_iter()
            .fold(self, |doc, part| doc.add(Some(part)))
    }

    /// An e-mail address, also as separate words so that every backend's
    /// tokenizer finds it by its domain.
    pub fn add_emails<'a>(self, emails: impl IntoIterator<Item = &'a str>) -> Self {
        emails.into_iter().fold(self, |doc, email| {
            let words = email.replace(['@', '.', '-', '_', '+'], " ");
            doc.add(Some(email)).add(Some(&words))
        })
    }

    pub fn finish(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_never_reach_the_engine() {
        let t = terms(r#"jane" OR * NEAR(x) -- ; drop"#).unwrap();
        assert_eq!(t, ["jane", "or", "near", "x", "drop"]);
        assert_eq!(fts5_query(&t[..2]), r#""jane"* "or"*"#);
        assert_eq!(tsquery(&t[..2]), "jane:* & or:*");
        assert_eq!(
            terms(" -- ").unwrap_err().to_string(),
            "invalid query: give at least one word to search for"
        );
    }

    #[test]
    fn docs_skip_empty_parts() {
        let doc = SearchDoc::default()
            .add(Some("Jane"))
            .add(None)
            .add(Some(""))
            .add_all(["a", "b"]);
        assert_eq!(doc.finish(), "Jane\na\nb");
    }
}
