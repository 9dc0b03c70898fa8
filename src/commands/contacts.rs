//! `add`, `edit`, `archive`, `unarchive`: flags become a validated draft or
//! patch, naming the flag in every error, before anything is stored.

use std::io::Write;

use kith_core::ValidationError;
use kith_core::contact::{Contact, ContactDraft, ContactPatch};
use kith_core::ids::UserId;
use kith_core::values::{
    Birthday, Cadence, ContactName, Email, Link, Phone, TagName, TimeZone, optional_text,
};
use kith_store::{Store, StoreError};

use crate::app::Ctx;
use crate::cli::{AddArgs, ContactFields, EditArgs};
use crate::ui::{BOLD, DIM};
use kith_app::json;
use kith_app::{Field, resolve};

fn each<T>(
    values: &[String],
    flag: &str,
    parse: fn(&str) -> Result<T, ValidationError>,
) -> Result<Vec<T>, ValidationError> {
    values
        .iter()
        .map(|v| parse(v).map_err(|e| e.in_field(flag)))
        .collect()
}

/// A field's new value: `None` when the flag is absent, `Some(None)` when it
/// is given empty (clear it), `Some(Some(v))` otherwise.
fn change<T>(
    value: &Option<String>,
    flag: &str,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Option<Option<T>>, ValidationError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) => parse(v)
            .map(|v| Some(Some(v)))
            .map_err(|e| e.in_field(flag)),
    }
}

fn text(flag: &'static str, max: usize) -> impl Fn(&str) -> Result<String, ValidationError> {
    move |v| optional_text(flag, Some(v), max).map(Option::unwrap_or_default)
}

/// The scalar fields shared by add and edit, validated.
struct Scalars {
    organisation: Option<Option<String>>,
    title: Option<Option<String>>,
    function: Option<Option<String>>,
    industry: Option<Option<String>>,
    location: Option<Option<String>>,
    timezone: Option<Option<TimeZone>>,
    birthday: Option<Option<Birthday>>,
    how_met: Option<Option<String>>,
    notes: Option<Option<String>>,
    cadence: Option<Option<Cadence>>,
    given_name: Option<Option<String>>,
    family_name: Option<Option<String>>,
    nickname: Option<Option<String>>,
}

fn scalars(f: &ContactFields) -> Result<Scalars, ValidationError> {
    Ok(Scalars {
        organisation: change(&f.organisation, "--org", text("--org", 200))?,
        title: change(&f.title, "--title", text("--title", 200))?,
        function: change(&f.function, "--function", |v| {
            text("--function", 100)(v).map(|s| s.to_lowercase())
        })?,
        industry: change(&f.industry, "--industry", |v| {
            text("--industry", 100)(v).map(|s| s.to_lowercase())
        })?,
        location: change(&f.location, "--location", text("--location", 200))?,
        timezone: change(&f.timezone, "--timezone", TimeZone::parse)?,
        birthday: change(&f.birthday, "--birthday", Birthday::parse)?,
        how_met: change(&f.how_met, "--met", text("--met", 1000))?,
        notes: change(&f.notes, "--notes", text("--notes", 20_000))?,
        cadence: change(&f.every, "--every", Cadence::parse)?,
        given_name: change(&f.given_name, "--given-name", text("--given-name", 100))?,
        family_name: change(&f.family_name, "--family-name", text("--family-name", 100))?,
        nickname: change(&f.nickname, "--nickname", text("--nickname", 100))?,
    })
}

/// The contact `add` (or the web's new-contact form, posting the same
/// fields) describes, checked.
pub async fn draft(store: &Store, user: UserId, args: &AddArgs) -> anyhow::Result<ContactDraft> {
    let name = ContactName::parse(&args.name).map_err(|e| e.in_field("name"))?;
    let f = &args.fields;
    let s = scalars(f)?;
    let introduced_by = match f.introduced_by.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(who) => Some(
            resolve::contact_in_field(store, user, who, Field::IntroducedBy)
                .await?
                .id,
        ),
    };
    let draft = ContactDraft {
        name: Some(name),
        emails: each(&f.emails, "--email", Email::parse)?,
        phones: each(&f.phones, "--phone", Phone::parse)?,
        links: each(&f.links, "--link", Link::parse)?,
        tags: each(&f.tags, "--tag", TagName::parse)?,
        organisation: s.organisation.flatten(),
        title: s.title.flatten(),
        function: s.function.flatten(),
        industry: s.industry.flatten(),
        location: s.location.flatten(),
        timezone: s.timezone.flatten(),
        birthday: s.birthday.flatten(),
        how_met: s.how_met.flatten(),
        notes: s.notes.flatten(),
        cadence: s.cadence.flatten(),
        given_name: s.given_name.flatten(),
        family_name: s.family_name.flatten(),
        nickname: s.nickname.flatten(),
        introduced_by,
        uid: None,
    };
    Ok(draft)
}

pub async fn add(ctx: &mut Ctx, args: &AddArgs) -> anyhow::Result<()> {
    let draft = draft(&ctx.store, ctx.user.id, args).await?;
    let id = ctx.store.add_contact(ctx.user.id, &draft, ctx.now).await?;
    let contact = ctx.store.contact(ctx.user.id, id).await?;
    report(ctx, "Added", &contact)
}

/// The change `edit` (or the web's edit form) describes, checked; empty
/// when nothing changes.
pub async fn patch(store: &Store, user: UserId, args: &EditArgs) -> anyhow::Result<ContactPatch> {
    let f = &args.fields;
    let s = scalars(f)?;
    let name = args
        .name
        .as_deref()
        .map(ContactName::parse)
        .transpose()
        .map_err(|e| e.in_field("--name"))?;
    let introduced_by = match f.introduced_by.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(who) => Some(Some(
            resolve::contact_in_field(store, user, who, Field::IntroducedBy)
                .await?
                .id,
        )),
    };
    let patch = ContactPatch {
        name,
        add_emails: each(&f.emails, "--email", Email::parse)?,
        remove_emails: each(&args.remove_emails, "--remove-email", Email::parse)?,
        add_phones: each(&f.phones, "--phone", Phone::parse)?,
        remove_phones: each(&args.remove_phones, "--remove-phone", Phone::parse)?,
        add_links: each(&f.links, "--link", Link::parse)?,
        remove_links: each(&args.remove_links, "--remove-link", Link::parse)?,
        add_tags: each(&f.tags, "--tag", TagName::parse)?,
        remove_tags: each(&args.remove_tags, "--untag", TagName::parse)?,
        organisation: s.organisation,
        title: s.title,
        function: s.function,
        industry: s.industry,
        location: s.location,
        timezone: s.timezone,
        birthday: s.birthday,
        how_met: s.how_met,
        notes: s.notes,
        cadence: s.cadence,
        given_name: s.given_name,
        family_name: s.family_name,
        nickname: s.nickname,
        introduced_by,
        archived: None,
    };
    Ok(patch)
}

pub async fn edit(ctx: &mut Ctx, args: &EditArgs) -> anyhow::Result<()> {
    let patch = patch(&ctx.store, ctx.user.id, args).await?;
    if patch.is_empty() {
        anyhow::bail!(
            "nothing to change: give at least one field, e.g. --title \"VP Product\" (see kith edit --help)"
        );
    }
    let target = resolve::contact(&ctx.store, ctx.user.id, &args.contact).await?;
    let contact = ctx
        .store
        .update_contact(ctx.user.id, target.id, &patch, ctx.now)
        .await
        .map_err(removal_flag)?;
    report(ctx, "Updated", &contact)
}

pub async fn set_archived(ctx: &mut Ctx, who: &str, archived: bool) -> anyhow::Result<()> {
    let target = resolve::contact(&ctx.store, ctx.user.id, who).await?;
    let patch = ContactPatch {
        archived: Some(archived),
        ..ContactPatch::default()
    };
    let contact = ctx
        .store
        .update_contact(ctx.user.id, target.id, &patch, ctx.now)
        .await?;
    let verb = if archived { "Archived" } else { "Unarchived" };
    report(ctx, verb, &contact)
}

pub async fn delete(ctx: &mut Ctx, args: &crate::cli::DeleteArgs) -> anyhow::Result<()> {
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

/// Names the flag a refused removal came from (`--remove-email`, `--untag`…).
pub fn removal_flag(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Invalid(e) => {
            let flag = match e.field.as_str() {
                "email" => "--remove-email",
                "phone" => "--remove-phone",
                "link" => "--remove-link",
                "tag" => "--untag",
                "introduced-by" => "--introduced-by",
                other => other,
            }
            .to_owned();
            e.in_field(flag).into()
        }
        other => other.into(),
    }
}
