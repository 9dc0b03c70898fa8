//! MIME messages from outbox rows: the same bytes' meaning on every attempt
//! (the Message-ID and Date come from the row, not from the clock).

use kith_store::OutgoingMail;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

/// The message for `mail`, from `from`. A digest is `multipart/alternative`
/// (text and HTML); an invitation adds its iTIP part as `text/calendar;
/// method=…` inside the alternative, as RFC 6047 (iMIP) describes, so mail
/// clients offer to update the event. The error says what in the row cannot
/// be sent (the message fails; trying again would not help).
pub fn build(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, String> {
    let mut builder = Message::builder()
        .from(from.clone())
        // A title with a line break cannot add a header.
        .subject(mail.subject.replace(char::is_control, " "))
        .message_id(Some(format!("<{}@{}>", mail.token, from.email.domain())))
        .date(mail.created_at.into());
    for to in &mail.to {
        builder = builder.to(to
            .parse::<Mailbox>()
            .map_err(|e| format!("invalid recipient '{to}': {e}"))?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(
            reply_to
                .parse::<Mailbox>()
                .map_err(|e| format!("invalid reply-to '{reply_to}': {e}"))?,
        );
    }
    let mut body = MultiPart::alternative().singlepart(SinglePart::plain(mail.text.clone()));
    if let Some(html) = &mail.html {
        body = body.singlepart(SinglePart::html(html.clone()));
    }
    if let Some((method, calendar)) = &mail.calendar {
        let kind = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
            .map_err(|e| format!("invalid calendar method '{method}': {e}"))?;
        body = body.singlepart(SinglePart::builder().header(kind).body(calendar.clone()));
    }
    builder.multipart(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kith_store::MailKind;

    fn mail() -> OutgoingMail {
        OutgoingMail {
            id: 7,
            user: kith_core::ids::UserId(1),
            kind: MailKind::Invitation,
            token: "0123456789abcdef0123456789abcdef".into(),
            to: vec!["jane@example.com".into()],
            reply_to: Some("ann@example.com".into()),
            subject: "Invitation: Coffee\r\nBcc: evil@example.com".into(),
            text: "Ann invites you.".into(),
            html: None,
            calendar: Some((
                "REQUEST".into(),
                "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
            )),
            created_at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            attempts: 1,
        }
    }

    #[test]
    fn every_attempt_is_the_same_message_and_no_header_sneaks_in() {
        let from: Mailbox = "Kith <kith@example.org>".parse().unwrap();
        let one = String::from_utf8(build(&from, &mail()).unwrap().formatted()).unwrap();
        assert!(
            one.contains("Message-ID: <0123456789abcdef0123456789abcdef@example.org>"),
            "{one}"
        );
        assert!(one.contains("Reply-To: ann@example.com"), "{one}");
        assert!(one.contains("method=REQUEST"), "{one}");
        assert!(!one.contains("\r\nBcc:"), "{one}");
        // The boundaries are random; everything else is the same.
        let two = String::from_utf8(build(&from, &mail()).unwrap().formatted()).unwrap();
        let headers = |m: &str| {
            m.lines()
                .take_while(|l| !l.is_empty())
                .filter(|l| !l.contains("boundary"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(headers(&one), headers(&two));
        let bad = OutgoingMail {
            to: vec!["not an address".into()],
            ..mail()
        };
        assert!(
            build(&from, &bad)
                .unwrap_err()
                .contains("invalid recipient")
        );
    }
}
