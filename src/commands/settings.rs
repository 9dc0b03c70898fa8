//! `settings` and `tag`: the user's defaults and per-tag rhythms.

use std::io::Write;

use kith_core::meeting::JitsiBase;
use kith_core::user::SettingsPatch;
use kith_core::values::{Cadence, Email, TagName, TimeZone, optional_text};
use serde_json::json;

use crate::app::Ctx;
use crate::cli::{SettingsArgs, TagCommand};
use crate::ui::{BOLD, columns};
use kith_app::json;

/// The change `settings` (or the web's settings form) describes, checked.
pub fn patch(args: &SettingsArgs) -> anyhow::Result<SettingsPatch> {
    Ok(SettingsPatch {
        display_name: args
            .name
            .as_deref()
            .map(|n| {
                optional_text("--name", Some(n), 200)?
                    .ok_or_else(|| kith_core::ValidationError::new("--name", "must not be empty"))
            })
            .transpose()?,
        email: match args.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(e) => Some(Some(Email::parse(e).map_err(|e| e.in_field("--email"))?)),
        },
        timezone: args
            .timezone
            .as_deref()
            .map(TimeZone::parse)
            .transpose()
            .map_err(|e| e.in_field("--timezone"))?,
        default_cadence: args
            .every
            .as_deref()
            .map(Cadence::parse)
            .transpose()
            .map_err(|e| e.in_field("--every"))?,
        light_resets_clock: args.light_resets_clock,
    })
}

pub async fn settings(ctx: &mut Ctx, args: &SettingsArgs) -> anyhow::Result<()> {
    let patch = patch(args)?;
    let jitsi = match args.jitsi.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(url) => Some(Some(
            JitsiBase::parse(url).map_err(|e| e.in_field("--jitsi"))?,
        )),
    };
    if patch != SettingsPatch::default() {
        ctx.user = ctx.store.update_settings(ctx.user.id, &patch).await?;
        if patch.timezone.is_some() {
            super::mail::reschedule_digest(&ctx.store, &ctx.user, ctx.now).await?;
        }
    }
    if let Some(base) = &jitsi {
        ctx.store.set_jitsi_base(ctx.user.id, base.as_ref()).await?;
    }
    let jitsi = ctx.store.jitsi_base(ctx.user.id).await?;
    let u = &ctx.user;
    if ctx.ui.json {
        let mut value = json::user(u);
        value["default_cadence_days"] = json!(u.default_cadence.days());
        value["light_resets_clock"] = json!(u.light_resets_clock);
        value["jitsi"] = json!(jitsi.as_str());
        return Ok(ctx.ui.print_json(&value)?);
    }
    let rows = vec![
        vec!["username".into(), u.username.clone()],
        vec!["name".into(), u.display_name.clone()],
        vec![
            "email".into(),
            u.email.clone().unwrap_or_else(|| "—".into()),
        ],
        vec!["timezone".into(), u.timezone.to_string()],
        vec![
            "rhythm".into(),
            format!(
                "every {} unless a contact or tag says otherwise",
                u.default_cadence
            ),
        ],
        vec![
            "clock".into(),
            if u.light_resets_clock {
                "any conversation resets it"
            } else {
                "only calls and meetings reset it, not e-mail or messages"
            }
            .into(),
        ],
        vec!["jitsi".into(), jitsi.as_str().to_owned()],
    ];
    columns(ctx.ui.out(), &rows)?;
    Ok(())
}

/// Sets (or, with "" or "none", clears) a tag's keep-in-touch interval.
pub async fn set_tag(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
    tag: &str,
    every: &str,
) -> anyhow::Result<()> {
    let tag = TagName::parse(tag).map_err(|e| e.in_field("tag"))?;
    let cadence = match every.trim() {
        "" | "none" => None,
        every => Some(Cadence::parse(every).map_err(|e| e.in_field("--every"))?),
    };
    store
        .set_tag_cadence(user, &tag, cadence)
        .await
        .map_err(|e| match e {
            // The input's fault, not the server's: the web answers 422.
            kith_store::StoreError::NotFound { .. } => {
                anyhow::Error::from(kith_core::ValidationError::new(
                    "tag",
                    format!("no tag '{tag}': a tag exists once a contact has it"),
                ))
            }
            other => other.into(),
        })?;
    Ok(())
}

pub async fn tag(ctx: &mut Ctx, command: &TagCommand) -> anyhow::Result<()> {
    if let TagCommand::Set(args) = command {
        set_tag(&ctx.store, ctx.user.id, &args.tag, &args.every).await?;
    }
    let tags = ctx.store.tags(ctx.user.id).await?;
    if ctx.ui.json {
        let value: Vec<_> = tags
            .iter()
            .map(|t| json!({ "name": t.name, "contacts": t.contacts, "cadence_days": t.cadence.map(|c| c.days()) }))
            .collect();
        return Ok(ctx.ui.print_json(&json!(value))?);
    }
    let out = ctx.ui.out();
    if tags.is_empty() {
        writeln!(
            out,
            "No tags yet. Tag someone with: kith edit NAME --tag mentor"
        )?;
        return Ok(());
    }
    writeln!(out, "{BOLD}Tags{BOLD:#}")?;
    let rows: Vec<Vec<String>> = tags
        .iter()
        .map(|t| {
            let rhythm = t.cadence.map(|c| format!("every {c}")).unwrap_or_default();
            vec![
                format!("  {}", t.name),
                format!("{} contacts", t.contacts),
                rhythm,
            ]
        })
        .collect();
    columns(out, &rows)?;
    Ok(())
}
