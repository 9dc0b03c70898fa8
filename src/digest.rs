//! The e-mail digest's words: the text and HTML templates over
//! `kith_app::digest::DigestView`, with the next outreach block from the
//! plan (`crate::calendar`). `kith digest --preview`, `kith digest send`,
//! the web and the mail sender (through [`Templates`], its
//! `kith_app::mail::Compose`) all compose it here.

use askama::Template;
use chrono::{DateTime, Utc};
use kith_app::AppError;
use kith_app::agenda::Today;
use kith_app::digest::{Block, DigestView, Line};
use kith_app::mail::{Compose, Composing, Digest};
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
    let block = calendar::next_block(store, user, now)
        .await
        .map_err(internal)?
        .map(|b| {
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

/// A fault of ours, kept for the log; a busy or refusing store keeps its
/// meaning.
fn internal(e: impl Into<anyhow::Error>) -> AppError {
    let e = e.into();
    match e.downcast::<kith_store::StoreError>() {
        Ok(store) => store.into(),
        Err(e) => AppError::Internal(e.into()),
    }
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
