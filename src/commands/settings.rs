//! `settings` and `tag`: the user's defaults and per-tag rhythms.

use std::io::Write;

use clap::{Args, Subcommand};
use kith_app::settings::{SettingsChanges, set_tag, update_settings};
use serde_json::json;

use crate::app::Ctx;
use crate::ui::{BOLD, columns};
use kith_app::json;

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Every tag, how many contacts carry it and its rhythm
    List,
    /// Set the keep-in-touch interval for contacts with this tag
    Set(TagSetArgs),
}

#[derive(Debug, Args)]
pub struct TagSetArgs {
    pub tag: String,
    /// Keep in touch this often: 30d, 6w, 3m, 1y ("" removes it)
    #[arg(long, value_name = "INTERVAL")]
    pub every: String,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Your name as others see it
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail address ("" removes it)
    #[arg(long)]
    pub email: Option<String>,
    /// Your IANA time zone
    #[arg(long)]
    pub timezone: Option<String>,
    /// The rhythm for contacts whose own or tags' rhythm is not set: 30d, 6w, 3m
    #[arg(long, value_name = "INTERVAL")]
    pub every: Option<String>,
    /// Whether an e-mail or message resets the keep-in-touch clock
    #[arg(long, value_name = "BOOL")]
    pub light_resets_clock: Option<bool>,
    /// The Jitsi server for --jitsi rooms ("" for https://meet.jit.si)
    #[arg(long, value_name = "URL")]
    pub jitsi: Option<String>,
}

impl From<&SettingsArgs> for SettingsChanges {
    fn from(args: &SettingsArgs) -> Self {
        SettingsChanges {
            name: args.name.clone(),
            email: args.email.clone(),
            timezone: args.timezone.clone(),
            every: args.every.clone(),
            light_resets_clock: args.light_resets_clock,
            jitsi: args.jitsi.clone(),
        }
    }
}

pub async fn settings(ctx: &mut Ctx, args: &SettingsArgs) -> anyhow::Result<()> {
    ctx.user = update_settings(&ctx.store, &ctx.user, &args.into(), ctx.now).await?;
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
