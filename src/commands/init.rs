//! `init`: create the database and the first user, with their details.

use kith_app::accounts::{AccountInput, new_user};
use std::io::Write;

use crate::app;
use crate::cli::{Global, InitArgs};
use crate::ui::{BOLD, Ui};
use kith_app::json;

pub async fn init(global: &Global, args: &InitArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let location = app::location(global)?;
    let wanted = new_user(
        AccountInput {
            username: args.username.as_deref(),
            name: args.name.as_deref(),
            email: args.email.as_deref(),
            timezone: args.timezone.as_deref(),
        },
        &app::machine_defaults(),
    )?;
    let store = app::open(global, &location).await?;
    let users = store.users().await?;
    let (user, created) = match users
        .iter()
        .find(|u| u.username == wanted.username.as_str())
    {
        Some(existing) => (existing.clone(), false),
        None if users.is_empty() || args.username.is_some() => {
            (store.create_user(&wanted, chrono::Utc::now()).await?, true)
        }
        None => anyhow::bail!(
            "the database already has users ({}); add another with --username",
            users
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    store.close().await;
    if ui.json {
        let mut value = json::user(&user);
        value["database"] = serde_json::json!(format!("{location:?}"));
        value["created"] = serde_json::json!(created);
        return Ok(ui.print_json(&value)?);
    }
    let verb = if created {
        "Created user"
    } else {
        "Already set up: user"
    };
    let out = ui.out();
    writeln!(
        out,
        "{verb} {BOLD}{}{BOLD:#} ({}) in {location:?}",
        user.username, user.timezone
    )?;
    writeln!(
        out,
        "Next: kith add \"Jane Doe\" --email jane@example.com --org Acme --every 6w"
    )?;
    Ok(())
}
