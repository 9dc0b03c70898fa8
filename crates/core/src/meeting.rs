//! Meetings: scheduled conversations, in person, virtual or by phone.

use chrono::{DateTime, Utc};

use crate::ValidationError;
use crate::contact::ContactRef;
use crate::conversation::Channel;
use crate::ids::{ContactId, ConversationId, MeetingId};
use crate::values::Phone;

word_enum! {
    pub enum Platform ("platform") {
        Zoom = "zoom",
        Meet = "meet" | "google-meet",
        Teams = "teams",
        Jitsi = "jitsi",
        Other = "other",
    }
}

impl Platform {
    /// The name people know it by, for labels ("Join on Zoom").
    pub fn label(self) -> &'static str {
        match self {
            Platform::Zoom => "Zoom",
            Platform::Meet => "Google Meet",
            Platform::Teams => "Microsoft Teams",
            Platform::Jitsi => "Jitsi Meet",
            Platform::Other => "video call",
        }
    }

    /// The channel a conversation held on this platform is logged with.
    pub fn channel(self) -> Channel {
        match self {
            Platform::Zoom => Channel::Zoom,
            Platform::Meet => Channel::Meet,
            Platform::Teams => Channel::Teams,
            Platform::Jitsi => Channel::Jitsi,
            Platform::Other => Channel::Video,
        }
    }
}

/// Where a meeting happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingMode {
    InPerson { place: String },
    Virtual { platform: Platform, url: String },
    Phone { number: String },
}

impl MeetingMode {
    /// "in-person", "virtual" or "phone", as stored and printed.
    pub fn kind(&self) -> &'static str {
        match self {
            MeetingMode::InPerson { .. } => "in-person",
            MeetingMode::Virtual { .. } => "virtual",
            MeetingMode::Phone { .. } => "phone",
        }
    }

    /// How the conversation that the meeting becomes is logged.
    pub fn channel(&self) -> Channel {
        match self {
            MeetingMode::InPerson { .. } => Channel::InPerson,
            MeetingMode::Virtual { platform, .. } => platform.channel(),
            MeetingMode::Phone { .. } => Channel::Phone,
        }
    }

    /// Where, in words: the place, "Zoom: https://…", "Phone: +49 …".
    pub fn describe(&self) -> String {
        match self {
            MeetingMode::InPerson { place } => place.clone(),
            MeetingMode::Virtual { platform, url } => format!("{}: {url}", platform.label()),
            MeetingMode::Phone { number } => format!("Phone: {number}"),
        }
    }

    /// The address a virtual meeting is joined at, as stored (a front end
    /// still decides whether it may be a link).
    pub fn join_url(&self) -> Option<&str> {
        match self {
            MeetingMode::Virtual { url, .. } => Some(url),
            _ => None,
        }
    }

    /// An in-person place: one line, 1-200 characters.
    pub fn in_person(place: &str) -> Result<Self, ValidationError> {
        let place = crate::values::text("where", place.trim())?;
        if place.is_empty() || place.chars().count() > 200 || place.contains(['\n', '\r']) {
            return Err(ValidationError::new(
                "where",
                "must name the place in one line of at most 200 characters",
            ));
        }
        Ok(MeetingMode::InPerson {
            place: place.into_owned(),
        })
    }

    pub fn phone(number: &str) -> Result<Self, ValidationError> {
        let number = Phone::parse(number)?;
        Ok(MeetingMode::Phone {
            number: number.as_str().to_owned(),
        })
    }

    pub fn virtual_call(link: JoinLink) -> Self {
        MeetingMode::Virtual {
            platform: link.platform,
            url: link.url,
        }
    }
}

word_enum! {
    pub enum MeetingStatus ("meeting status") {
        Scheduled = "scheduled",
        Cancelled = "cancelled" | "canceled",
    }
}

/// A meeting as stored. `uid` and `sequence` follow RFC 5545 so an updated
/// invitation replaces the event in the other person's calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub uid: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub mode: MeetingMode,
    pub sequence: u32,
    pub status: MeetingStatus,
    pub attendees: Vec<ContactRef>,
    /// When the meeting was last changed: the DTSTAMP of its invitation.
    pub dtstamp: DateTime<Utc>,
    /// The conversation it was logged as, once it happened.
    pub conversation: Option<ConversationId>,
}

impl Meeting {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + chrono::Duration::minutes(i64::from(self.minutes))
    }

    /// Over, not cancelled, and not logged as a conversation yet.
    pub fn wants_logging(&self, now: DateTime<Utc>) -> bool {
        self.status == MeetingStatus::Scheduled
            && self.conversation.is_none()
            && self.ends_at() <= now
    }
}

/// A validated meeting, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeeting {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub mode: MeetingMode,
    pub attendees: Vec<ContactId>,
}

impl NewMeeting {
    /// At least one person, nobody twice, a title of one line, 1-1440
    /// minutes, starting and ending within the years a calendar can write.
    pub fn new(
        title: &str,
        starts_at: DateTime<Utc>,
        minutes: u32,
        mode: MeetingMode,
        attendees: Vec<ContactId>,
    ) -> Result<Self, ValidationError> {
        if attendees.is_empty() {
            return Err(ValidationError::new(
                "attendees",
                "name at least one person to meet",
            ));
        }
        let mut seen = attendees.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != attendees.len() {
            return Err(ValidationError::new(
                "attendees",
                "the same person is named twice",
            ));
        }
        let title = crate::values::text("title", title.trim())?;
        if title.is_empty() || title.chars().count() > 200 || title.contains(['\n', '\r']) {
            return Err(ValidationError::new(
                "title",
                "must be one line of 1-200 characters",
            ));
        }
        if !(1..=1440).contains(&minutes) {
            return Err(ValidationError::new(
                "minutes",
                format!("'{minutes}' is not a duration in minutes between 1 and 1440"),
            ));
        }
        let ends_at = starts_at + chrono::Duration::minutes(i64::from(minutes));
        if !crate::when::writable(starts_at.date_naive())
            || !crate::when::writable(ends_at.date_naive())
        {
            return Err(ValidationError::new(
                "at",
                format!(
                    "the meeting must start and end within the years {}-{} (in UTC)",
                    crate::when::YEARS.start(),
                    crate::when::YEARS.end()
                ),
            ));
        }
        Ok(Self {
            title: title.into_owned(),
            starts_at,
            minutes,
            mode,
            attendees,
        })
    }
}

/// A join link whose host belongs to the platform it claims: zoom.us (and
/// its subdomains), meet.google.com, teams.microsoft.com or teams.live.com,
/// or a Jitsi room that Kith made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinLink {
    platform: Platform,
    url: String,
}

impl JoinLink {
    /// Checks that `input` is an https URL on one of `platform`'s hosts.
    pub fn parse(platform: Platform, input: &str) -> Result<Self, ValidationError> {
        let field = platform.as_str();
        let value = input.trim();
        let bad = |why: String| ValidationError::new(field, format!("'{value}' {why}"));
        let host = https_host(value).map_err(|why| bad(why.to_owned()))?;
        let on = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        let fits = match platform {
            Platform::Zoom => on("zoom.us"),
            Platform::Meet => host == "meet.google.com",
            Platform::Teams => host == "teams.microsoft.com" || host == "teams.live.com",
            Platform::Jitsi | Platform::Other => true,
        };
        if !fits {
            let hosts = match platform {
                Platform::Zoom => "zoom.us",
                Platform::Meet => "meet.google.com",
                _ => "teams.microsoft.com or teams.live.com",
            };
            return Err(bad(format!(
                "is not a {} link (expected https://{hosts}/…)",
                platform.label()
            )));
        }
        Ok(Self {
            platform,
            url: value.to_owned(),
        })
    }

    /// A fresh Jitsi room on `base`: 128 random bits (`entropy`, from the
    /// operating system) in base32, so nobody can guess it.
    pub fn jitsi(base: &JitsiBase, entropy: [u8; 16]) -> Self {
        Self {
            platform: Platform::Jitsi,
            url: format!(
                "{}/kith-{}",
                base.as_str().trim_end_matches('/'),
                base32(&entropy)
            ),
        }
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The Jitsi server rooms are made on (https, a host, maybe a path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitsiBase(String);

impl JitsiBase {
    pub const DEFAULT: &str = "https://meet.jit.si";

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        https_host(value)
            .map_err(|why| ValidationError::new("jitsi", format!("'{value}' {why}")))?;
        if value.contains(['?', '#']) {
            return Err(ValidationError::new(
                "jitsi",
                format!("'{value}' must be a base URL without ? or #"),
            ));
        }
        Ok(Self(value.trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JitsiBase {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

/// The lower-case host of an `https://` URL with no user part, whitespace
/// or control characters; the reason in words otherwise.
fn https_host(url: &str) -> Result<String, &'static str> {
    let rest = url
        .strip_prefix("https://")
        .ok_or("is not an https:// link")?;
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("is not a valid link");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry a user name");
    }
    let host = authority
        .split(':')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if ok {
        Ok(host)
    } else {
        Err("has no valid host name")
    }
}

/// RFC 4648 base32 in lower case, without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_be_on_the_platforms_own_hosts() {
        let ok = [
            (Platform::Zoom, "https://zoom.us/j/123456789?pwd=abc"),
            (Platform::Zoom, "https://us02web.zoom.us/j/123"),
            (Platform::Meet, "https://meet.google.com/abc-defg-hij"),
            (
                Platform::Teams,
                "https://teams.microsoft.com/l/meetup-join/19%3a",
            ),
            (Platform::Teams, "https://teams.live.com/meet/9876"),
            (Platform::Zoom, "https://ZOOM.us:443/j/1"),
        ];
        for (platform, url) in ok {
            let link = JoinLink::parse(platform, url).unwrap();
            assert_eq!((link.platform(), link.url()), (platform, url));
        }
        let bad = [
            (Platform::Zoom, "http://zoom.us/j/1"),
            (Platform::Zoom, "https://zoom.us.evil.example/j/1"),
            (Platform::Zoom, "https://evilzoom.us/j/1"),
            (Platform::Zoom, "https://evil.example/zoom.us"),
            (Platform::Zoom, "https://zoom.us@evil.example/j/1"),
            (Platform::Zoom, "https://zoom.us/j/1 2"),
            (Platform::Meet, "https://google.com/meet"),
            (Platform::Meet, "https://meet.google.com.evil.example/x"),
            (
                Platform::Teams,
                "https://teams.microsoft.com.evil.example/x",
            ),
            (Platform::Teams, "https://microsoft.com/teams"),
            (Platform::Zoom, "zoom.us/j/1"),
        ];
        for (platform, url) in bad {
            let err = JoinLink::parse(platform, url).unwrap_err();
            assert_eq!(err.field, platform.as_str(), "{url}");
        }
    }

    #[test]
    fn jitsi_rooms_are_long_random_and_on_the_chosen_server() {
        let base = JitsiBase::parse("https://jitsi.example.org/rooms/").unwrap();
        let a = JoinLink::jitsi(&base, [0; 16]);
        assert_eq!(
            a.url(),
            "https://jitsi.example.org/rooms/kith-aaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
        let b = JoinLink::jitsi(&JitsiBase::default(), [0xff; 16]);
        assert_eq!(
            b.url(),
            "https://meet.jit.si/kith-77777777777777777777777774"
        );
        assert_eq!(b.platform(), Platform::Jitsi);
        assert!(JitsiBase::parse("http://meet.jit.si").is_err());
        assert!(JitsiBase::parse("https://meet.jit.si/?x").is_err());
    }

    #[test]
    fn base32_follows_rfc_4648() {
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(&[0; 16]).len(), 26);
    }

    #[test]
    fn new_meetings_check_people_title_and_length() {
        let at = Utc::now();
        let mode = MeetingMode::in_person("Café Central").unwrap();
        let one = ContactId(1);
        assert!(NewMeeting::new("Coffee", at, 30, mode.clone(), vec![one]).is_ok());
        assert_eq!(
            NewMeeting::new("Coffee", at, 30, mode.clone(), vec![])
                .unwrap_err()
                .field,
            "attendees"
        );
        assert!(NewMeeting::new("Coffee", at, 30, mode.clone(), vec![one, one]).is_err());
        assert_eq!(
            NewMeeting::new("a\nb", at, 30, mode.clone(), vec![one])
                .unwrap_err()
                .field,
            "title"
        );
        assert_eq!(
            NewMeeting::new("x", at, 0, mode, vec![one])
                .unwrap_err()
                .field,
            "minutes"
        );
        assert_eq!(MeetingMode::in_person(" ").unwrap_err().field, "where");
        let nul = NewMeeting::new("T\u{0}Z", at, 30, mode_for_nul(), vec![one]).unwrap_err();
        assert_eq!(nul.field, "title");
        assert!(nul.message.contains("U+0000"), "{}", nul.message);
        assert_eq!(
            MeetingMode::in_person("Caf\u{1}e").unwrap_err().field,
            "where"
        );
    }

    fn mode_for_nul() -> MeetingMode {
        MeetingMode::in_person("Office").unwrap()
    }

    #[test]
    fn meetings_start_and_end_in_years_a_calendar_can_write() {
        let mode = MeetingMode::in_person("Café Central").unwrap();
        let one = ContactId(1);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let new = |start: &str, minutes| {
            NewMeeting::new("Coffee", at(start), minutes, mode.clone(), vec![one])
        };
        let err = new("9999-12-31T23:59:00Z", 30).unwrap_err();
        assert_eq!(err.field, "at");
        assert!(err.message.contains("1-9999"), "{}", err.message);
        assert_eq!(new("0000-12-31T12:00:00Z", 30).unwrap_err().field, "at");
        assert!(new("9999-12-31T23:00:00Z", 59).is_ok());
        assert!(new("0001-01-01T00:00:00Z", 30).is_ok());
        assert_eq!(MeetingMode::phone("x").unwrap_err().field, "phone");
    }

    #[test]
    fn modes_map_to_conversation_channels() {
        let zoom = MeetingMode::virtual_call(
            JoinLink::parse(Platform::Zoom, "https://zoom.us/j/1").unwrap(),
        );
        assert_eq!(zoom.channel(), Channel::Zoom);
        assert_eq!(zoom.describe(), "Zoom: https://zoom.us/j/1");
        assert_eq!(
            MeetingMode::phone("+49 30 1234").unwrap().channel(),
            Channel::Phone
        );
        assert_eq!(
            MeetingMode::in_person("Office").unwrap().channel(),
            Channel::InPerson
        );
    }
}
