//! The e-mail digest's words: the text and HTML templates (askama, under
//! `crates/app/templates/mail/`) over [`DigestView`], with the next outreach
//! block from the plan ([`crate::calendar::next_block`]). `kith digest
//! --preview`, `kith digest send`, the web and the mail sender (through
//! [`Templates`], its [`Compose`]) all compose it here.

use crate::AppError;
use crate::agenda::Today;
use crate::digest::{Block, DigestView, Line};
use crate::mail::{Compose, Composing, Digest};
use askama::Template;
use chrono::{DateTime, Utc};
use kith_core::user::User;
use kith_store::Store;

use crate::calendar;

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct TextMail<'a> {
    v: &'a DigestView,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct HtmlMail<'a> {
    v: &'a DigestView,
}

/// Composes `user`'s digest for the day `now` falls on in their zone.
/// `public_url` (the server's address) adds a link to the dashboard.
pub async fn compose(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    public_url: Option<&str>,
) -> Result<Digest, AppError> {
    let today = Today::load(store, user, now).await?;
    let tz = user.timezone;
    let block = calendar::next_block(store, user, now).await?.map(|b| {
        let people = b
            .planned
            .people
            .iter()
            .zip(&b.briefs)
            .map(|(p, brief)| Line {
                title: p.name.clone(),
                detail: brief[0].clone(),
            })
            .collect();
        Block::new(b.planned.instance.starts_at, tz, b.goal.clone(), people)
    });
    let view = DigestView::new(user, now, &today, block, public_url);
    Ok(Digest {
        text: TextMail { v: &view }.render().map_err(internal)?,
        html: HtmlMail { v: &view }.render().map_err(internal)?,
        date: view.day,
        subject: view.subject,
        empty: view.empty,
    })
}

/// A template that does not render is a fault of ours, kept for the log.
fn internal(e: askama::Error) -> AppError {
    AppError::Internal(Box::new(e))
}

/// The digest's templates, for the mail sender and the queue.
pub struct Templates;

impl Compose for Templates {
    fn compose<'a>(
        &'a self,
        store: &'a Store,
        user: &'a User,
        now: DateTime<Utc>,
        public_url: Option<&'a str>,
    ) -> Composing<'a> {
        Box::pin(compose(store, user, now, public_url))
    }
}
