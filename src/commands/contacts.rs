//! `add`, `edit`, `archive`, `unarchive`, `delete`: flags become
//! `kith_app::contacts` inputs; the app checks them (naming the field of
//! each mistake, which `errors.rs` says as the flag) and stores them.

use std::io::Write;

use clap::Args;
use kith_app::contacts::{self, ContactChanges, ContactInput};
use kith_app::json;
use kith_app::resolve::{self, Who};
use kith_core::contact::{Contact, ContactPatch};

use crate::app::Ctx;
use crate::ui::{BOLD, DIM};

/// Fields that `add` sets and `edit` changes.
#[derive(Debug, Clone, Args, Default)]
pub struct ContactFields {
    /// An e-mail address (repeat for more)
    #[arg(long = "email", value_name = "ADDRESS")]
    pub emails: Vec<String>,
    /// A phone number (repeat for more)
    #[arg(long = "phone", value_name = "NUMBER")]
    pub phones: Vec<String>,
    /// A link such as a LinkedIn profile (repeat for more)
    #[arg(long = "link", value_name = "URL")]
    pub links: Vec<String>,
    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Organisation they work for
    #[arg(long = "org", value_name = "NAME")]
    pub organisation: Option<String>,
    /// Job title
    #[arg(long)]
    pub title: Option<String>,
    /// Function or department (engineering, sales, finance, …)
    #[arg(long)]
    pub function: Option<String>,
    /// Industry
    #[arg(long)]
    pub industry: Option<String>,
    /// Where they live or work
    #[arg(long)]
    pub location: Option<String>,
    /// Their IANA time zone, e.g. America/New_York
    #[arg(long)]
    pub timezone: Option<String>,
    /// Birthday: YYYY-MM-DD or --MM-DD
    #[arg(long, allow_hyphen_values = true)]
    pub birthday: Option<String>,
    /// How you met
    #[arg(long = "met", value_name = "HOW")]
    pub how_met: Option<String>,
    /// The contact who introduced you
    #[arg(long, value_name = "CONTACT")]
    pub introduced_by: Option<String>,
    /// Free notes
    #[arg(long)]
    pub notes: Option<String>,
    /// Keep in touch this often: 30d, 6w, 3m, 1y
    #[arg(long, value_name = "INTERVAL")]
    pub every: Option<String>,
    /// Given (first) name
    #[arg(long)]
    pub given_name: Option<String>,
    /// Family (last) name
    #[arg(long)]
    pub family_name: Option<String>,
    /// Nickname
    #[arg(long)]
    pub nickname: Option<String>,
}

impl ContactFields {
    fn input(&self) -> contacts::ContactFields {
        contacts::ContactFields {
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            links: self.links.clone(),
            tags: self.tags.clone(),
            organisation: self.organisation.clone(),
            title: self.title.clone(),
            function: self.function.clone(),
            industry: self.industry.clone(),
            location: self.location.clone(),
            timezone: self.timezone.clone(),
            birthday: self.birthday.clone(),
            how_met: self.how_met.clone(),
            introduced_by: self.introduced_by.clone().map(Who::Named),
            notes: self.notes.clone(),
            cadence: self.every.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            nickname: self.nickname.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Full name
    pub name: String,
    #[command(flatten)]
    pub fields: ContactFields,
    /// Add them even if they look like someone already in your contacts
    /// (the same e-mail, phone, LinkedIn profile or name)
    #[arg(long)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Id or part of the name
    pub contact: String,
    /// New full name
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
    /// Remove an e-mail address
    #[arg(long = "remove-email", value_name = "ADDRESS")]
    pub remove_emails: Vec<String>,
    /// Remove a phone number
    #[arg(long = "remove-phone", value_name = "NUMBER")]
    pub remove_phones: Vec<String>,
    /// Remove a link
    #[arg(long = "remove-link", value_name = "URL")]
    pub remove_links: Vec<String>,
    /// Remove a tag
    #[arg(long = "untag", value_name = "TAG")]
    pub remove_tags: Vec<String>,
}

impl EditArgs {
    fn changes(&self) -> ContactChanges {
        ContactChanges {
            name: self.name.clone(),
            fields: self.fields.input(),
            remove_emails: self.remove_emails.clone(),
            remove_phones: self.remove_phones.clone(),
            remove_links: self.remove_links.clone(),
            remove_tags: self.remove_tags.clone(),
            archived: None,
        }
    }
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Name, #id or e-mail
    pub contact: String,
    /// Do not ask first (needed when there is no terminal to ask on)
    #[arg(long)]
    pub yes: bool,
}

pub async fn add(ctx: &mut Ctx, args: &AddArgs) -> anyhow::Result<()> {
    let input = ContactInput {
        name: args.name.clone(),
        fields: args.fields.input(),
        allow_duplicate: args.allow_duplicate,
    };
    let contact = contacts::add(&ctx.store, ctx.user.id, &input, ctx.now).await?;
    report(ctx, "Added", &contact)
}

pub async fn edit(ctx: &mut Ctx, args: &EditArgs) -> anyhow::Result<()> {
    let patch = contacts::patch(&ctx.store, ctx.user.id, &args.changes()).await?;
    if patch.is_empty() {
        anyhow::bail!(
            "nothing to change: give at least one field, e.g. --title \"VP Product\" (see kith edit --help)"
        );
    }
    let target = resolve::contact(&ctx.store, ctx.user.id, &args.contact).await?;
    let contact = contacts::update(&ctx.store, ctx.user.id, target.id, &patch, ctx.now).await?;
    report(ctx, "Updated", &contact)
}

pub async fn set_archived(ctx: &mut Ctx, who: &str, archived: bool) -> anyhow::Result<()> {
    let target = resolve::contact(&ctx.store, ctx.user.id, who).await?;
    if archived {
        // Archiving can be undone for a while (kith undo).
        ctx.store
            .archive_contact(ctx.user.id, target.id, ctx.now)
            .await?;
        let contact = ctx.store.contact(ctx.user.id, target.id).await?;
        return report(ctx, "Archived", &contact);
    }
    let patch = ContactPatch {
        archived: Some(false),
        ..ContactPatch::default()
    };
    let contact = contacts::update(&ctx.store, ctx.user.id, target.id, &patch, ctx.now).await?;
    report(ctx, "Unarchived", &contact)
}

pub async fn delete(ctx: &mut Ctx, args: &DeleteArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    let target = resolve::contact(&ctx.store, ctx.user.id, &args.contact).await?;
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "kith delete changes nothing without --yes when it cannot ask (archive keeps the history)"
            );
        }
        eprint!(
            "Delete {} (#{}) for good, with their follow-ups and the conversations only they were in? [y/N] ",
            target.name, target.id
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            writeln!(ctx.ui.out(), "Nothing deleted.")?;
            return Ok(());
        }
    }
    ctx.store
        .delete_contact(ctx.user.id, target.id, ctx.now)
        .await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(
            &serde_json::json!({ "deleted": { "id": target.id.0, "name": target.name } }),
        )?);
    }
    writeln!(
        ctx.ui.out(),
        "Deleted {BOLD}{}{BOLD:#} {DIM}#{}{DIM:#}",
        target.name,
        target.id
    )?;
    Ok(())
}

/// The changed contact as JSON, or one line saying what happened to it.
fn report(ctx: &mut Ctx, verb: &str, contact: &Contact) -> anyhow::Result<()> {
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::contact(contact))?);
    }
    writeln!(
        ctx.ui.out(),
        "{verb} {BOLD}{}{BOLD:#} {DIM}#{}{DIM:#}",
        contact.name,
        contact.id
    )?;
    Ok(())
}
