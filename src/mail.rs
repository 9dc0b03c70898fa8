//! What the mail of `kith_app::mail` takes from the binary: the digest's
//! templates ([`crate::digest::Templates`]), a meeting's invitation from the
//! calendar, and this process's name among the servers that send.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kith_app::mail::{Invitation, MailConfig, QueuedInvitation, Sender};
use kith_core::meeting::Meeting;
use kith_core::user::User;
use kith_store::Store;

use crate::calendar;
use crate::digest::Templates;

/// The sender for `config`, composing digests with the templates.
pub fn sender(store: Store, config: MailConfig) -> anyhow::Result<Sender> {
    Ok(Sender::new(
        store,
        config,
        Arc::new(Templates),
        server_name()?,
    )?)
}

/// This process among the servers sharing a database: host, process id and
/// a nonce.
fn server_name() -> anyhow::Result<String> {
    let mut nonce = [0u8; 4];
    getrandom::fill(&mut nonce)?;
    Ok(format!(
        "{}-{}-{:08x}",
        hostname(),
        std::process::id(),
        u32::from_le_bytes(nonce)
    ))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kith".into())
}

/// Records the meeting's current invitation (REQUEST, or CANCEL once
/// cancelled) in the outbox for its attendees, once per sequence number.
/// The calendar's refusals (no organiser address, no attendee with one)
/// come as they are; the queue's as an `AppError`.
pub async fn queue_invitation(
    store: &Store,
    user: &User,
    meeting: &Meeting,
    now: DateTime<Utc>,
) -> anyhow::Result<QueuedInvitation> {
    let made = calendar::invitation(store, user, meeting).await?;
    let invitation = Invitation {
        text: made.text,
        method: made.method,
        to: made.to,
        missing: made.missing,
    };
    Ok(kith_app::mail::queue_invitation(store, user, meeting, invitation, now).await?)
}
