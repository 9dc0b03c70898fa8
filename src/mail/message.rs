//! MIME messages from outbox rows: the same bytes' meaning on every attempt
//! (the Message-ID and Date come from the row, not from the clock).

use anyhow::Context as _;
use kith_store::OutgoingMail;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

/// The message for `mail`, from `from`. A digest is `multipart/alternative`
/// (text and HTML); an invitation adds its iTIP part as `text/calendar;
/// method=…` inside the alternative, as RFC 6047 (iMIP) describes, so mail
/// clients offer to update the event.
pub fn build(from: &Mailbox, mail: &OutgoingMail) -> anyhow::Result<Message> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{}>", mail.token, from.email.domain())))
        .date(mail.created_at.into());
    for to in &mail.to {
        builder = builder.to(to
            .parse::<Mailbox>()
            .with_context(|| format!("invalid recipient '{to}'"))?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(
            reply_to
                .parse::<Mailbox>()
                .with_context(|| format!("invalid reply-to '{reply_to}'"))?,
        );
    }
    let mut body = MultiPart::alternative().singlepart(SinglePart::plain(mail.text.clone()));
    if let Some(html) = &mail.html {
        body = body.singlepart(SinglePart::html(html.clone()));
    }
    if let Some((method, calendar)) = &mail.calendar {
        let kind = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
            .with_context(|| format!("invalid calendar method '{method}'"))?;
        body = body.singlepart(SinglePart::builder().header(kind).body(calendar.clone()));
    }
    Ok(builder.multipart(body)?)
}
