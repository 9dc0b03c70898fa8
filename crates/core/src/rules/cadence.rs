//! Which keep-in-touch interval applies to a contact, and where it comes from.

use crate::values::Cadence;

/// Where a contact's effective cadence comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CadenceSource {
    /// Set on the contact itself.
    Own,
    /// The shortest cadence among the contact's tags; the tag's name.
    Tag(String),
    /// The user's default.
    Default,
}

/// The cadence that applies to a contact, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveCadence {
    pub cadence: Cadence,
    pub source: CadenceSource,
}

/// The contact's own cadence wins; otherwise the shortest of its tags'
/// cadences; otherwise the user's default.
///
/// When two tags have the same shortest cadence, the tag whose name sorts
/// first is named, so the answer never depends on the order tags come in.
pub fn effective(
    own: Option<Cadence>,
    tags: &[(String, Cadence)],
    default: Cadence,
) -> EffectiveCadence {
    if let Some(cadence) = own {
        return EffectiveCadence {
            cadence,
            source: CadenceSource::Own,
        };
    }
    tags.iter()
        .min_by(|(a_name, a), (b_name, b)| a.cmp(b).then_with(|| a_name.cmp(b_name)))
        .map_or(
            EffectiveCadence {
                cadence: default,
                source: CadenceSource::Default,
            },
            |(name, cadence)| EffectiveCadence {
                cadence: *cadence,
                source: CadenceSource::Tag(name.clone()),
            },
        )
}

impl EffectiveCadence {
    /// "every 6 weeks (own)", "every 3 months (tag mentor)", "every 30 days
    /// (default)".
    pub fn describe(&self) -> String {
        let source = match &self.source {
            CadenceSource::Own => "own".to_owned(),
            CadenceSource::Tag(tag) => format!("tag {tag}"),
            CadenceSource::Default => "default".to_owned(),
        };
        format!("every {} ({source})", every(self.cadence))
    }
}

/// The interval after "every": Cadence's Display, except that a single
/// month reads "30 days", as the user most likely typed it.
fn every(cadence: Cadence) -> String {
    if cadence.days() == 30 {
        "30 days".to_owned()
    } else {
        cadence.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(days: u32) -> Cadence {
        Cadence::from_days(days).unwrap()
    }

    fn tags(list: &[(&str, u32)]) -> Vec<(String, Cadence)> {
        list.iter().map(|(n, d)| ((*n).to_owned(), c(*d))).collect()
    }

    #[test]
    fn own_cadence_wins_even_over_a_shorter_tag() {
        let e = effective(Some(c(42)), &tags(&[("mentor", 14)]), c(90));
        assert_eq!(e.cadence, c(42));
        assert_eq!(e.source, CadenceSource::Own);
        assert_eq!(e.describe(), "every 6 weeks (own)");
    }

    #[test]
    fn the_shortest_tag_cadence_applies() {
        let e = effective(
            None,
            &tags(&[("former-colleague", 180), ("mentor", 90), ("friend", 120)]),
            c(30),
        );
        assert_eq!(e.cadence, c(90));
        assert_eq!(e.source, CadenceSource::Tag("mentor".into()));
        assert_eq!(e.describe(), "every 3 months (tag mentor)");
    }

    #[test]
    fn a_tag_cadence_longer_than_the_default_still_applies() {
        let e = effective(None, &tags(&[("acquaintance", 365)]), c(30));
        assert_eq!(e.cadence, c(365));
        assert_eq!(e.describe(), "every 1 year (tag acquaintance)");
    }

    #[test]
    fn ties_between_tags_name_the_first_tag_alphabetically() {
        let a = effective(None, &tags(&[("zeta", 30), ("alpha", 30)]), c(90));
        let b = effective(None, &tags(&[("alpha", 30), ("zeta", 30)]), c(90));
        assert_eq!(a, b);
        assert_eq!(a.source, CadenceSource::Tag("alpha".into()));
    }

    #[test]
    fn without_own_or_tags_the_default_applies() {
        let e = effective(None, &[], c(90));
        assert_eq!(e.cadence, c(90));
        assert_eq!(e.source, CadenceSource::Default);
        assert_eq!(e.describe(), "every 3 months (default)");
        assert_eq!(
            effective(None, &[], c(30)).describe(),
            "every 30 days (default)"
        );
        assert_eq!(
            effective(None, &[], c(45)).describe(),
            "every 45 days (default)"
        );
    }
}
