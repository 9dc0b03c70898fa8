//! The names each vCard version defines: its properties and parameters,
//! which a card holds at most once, and which take a URI. What `conform`
//! writes and `strict` checks.

use calcard::vcard::VCardProperty;

use super::Version;

/// Properties both versions define.
const BOTH: &[&str] = &[
    "BEGIN",
    "END",
    "VERSION",
    "FN",
    "N",
    "NICKNAME",
    "PHOTO",
    "BDAY",
    "ADR",
    "TEL",
    "EMAIL",
    "TZ",
    "GEO",
    "TITLE",
    "ROLE",
    "LOGO",
    "ORG",
    "CATEGORIES",
    "NOTE",
    "PRODID",
    "REV",
    "SOUND",
    "UID",
    "URL",
    "KEY",
    "SOURCE",
    "IMPP",
];

/// Properties of vCard 3.0 only (RFC 2426).
const V3_ONLY: &[&str] = &[
    "LABEL",
    "MAILER",
    "AGENT",
    "SORT-STRING",
    "CLASS",
    "NAME",
    "PROFILE",
];

/// Properties of vCard 4.0 only (RFC 6350, 6474, 6715, 8605, 9554, 9555).
const V4_ONLY: &[&str] = &[
    "KIND",
    "XML",
    "ANNIVERSARY",
    "GENDER",
    "LANG",
    "MEMBER",
    "RELATED",
    "CLIENTPIDMAP",
    "FBURL",
    "CALADRURI",
    "CALURI",
    "BIRTHPLACE",
    "DEATHPLACE",
    "DEATHDATE",
    "EXPERTISE",
    "HOBBY",
    "INTEREST",
    "ORG-DIRECTORY",
    "CONTACT-URI",
    "CREATED",
    "GRAMGENDER",
    "LANGUAGE",
    "PRONOUNS",
    "SOCIALPROFILE",
    "JSPROP",
];

/// 3.0 properties that mean nothing in 4.0: left out there.
pub(super) const V3_DROPPED_IN_V4: &[&str] = &["PROFILE", "NAME", "MAILER"];

/// Parameters of vCard 3.0 (RFC 2425 section 5.8.2, RFC 2426).
const V3_PARAMS: &[&str] = &[
    "TYPE", "VALUE", "ENCODING", "CHARSET", "LANGUAGE", "CONTEXT",
];

/// Parameters of vCard 4.0 (RFC 6350 and the registered extensions).
const V4_PARAMS: &[&str] = &[
    "LANGUAGE",
    "VALUE",
    "PREF",
    "ALTID",
    "PID",
    "TYPE",
    "MEDIATYPE",
    "CALSCALE",
    "SORT-AS",
    "GEO",
    "TZ",
    "LABEL",
    "INDEX",
    "LEVEL",
    "GROUP",
    "CC",
    "AUTHOR",
    "AUTHOR-NAME",
    "CREATED",
    "DERIVED",
    "PHONETIC",
    "PROP-ID",
    "SCRIPT",
    "SERVICE-TYPE",
    "USERNAME",
    "JSPTR",
    "JSCOMPS",
];

pub(super) fn extension(name: &str) -> bool {
    name.len() > 2 && name.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("X-"))
}

pub(super) fn listed(list: &[&str], name: &str) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether `version` defines the property `name` (or it is an `X-` one).
pub fn allowed_property(name: &str, version: Version) -> bool {
    extension(name)
        || listed(BOTH, name)
        || listed(
            match version {
                Version::V3 => V3_ONLY,
                Version::V4 => V4_ONLY,
            },
            name,
        )
}

/// Whether `version` defines the parameter `name` (or it is an `X-` one).
pub fn allowed_parameter(name: &str, version: Version) -> bool {
    extension(name)
        || listed(
            match version {
                Version::V3 => V3_PARAMS,
                Version::V4 => V4_PARAMS,
            },
            name,
        )
}

/// Whether a card holds at most one of the property `name` in `version`.
pub fn single(name: &str, version: Version) -> bool {
    listed(
        &[
            "N",
            "BDAY",
            "ANNIVERSARY",
            "GENDER",
            "KIND",
            "REV",
            "UID",
            "PRODID",
        ],
        name,
    ) || (version == Version::V3 && name.eq_ignore_ascii_case("FN"))
}

/// Whether a property's value is a URI (so bytes calcard read are data).
pub(super) fn uri_valued(name: &VCardProperty) -> bool {
    matches!(
        name,
        VCardProperty::Url
            | VCardProperty::Source
            | VCardProperty::Member
            | VCardProperty::Related
            | VCardProperty::Impp
            | VCardProperty::Geo
            | VCardProperty::Fburl
            | VCardProperty::Caladruri
            | VCardProperty::Caluri
            | VCardProperty::ContactUri
            | VCardProperty::OrgDirectory
            | VCardProperty::Socialprofile
    )
}
