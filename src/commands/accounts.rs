//! `user` and `token`: who can sign in, and the tokens scripts and phones use.

use kith_app::accounts::{AccountInput, new_user};
use kith_app::tokens::{self, NewToken};
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, Subcommand};
use kith_auth::hash_password;
use kith_core::user::{Password, User};
use kith_store::{Store, StoreError, TokenScope};
use serde_json::json;

use crate::app::{self, Ctx};
use crate::cli::Global;
use crate::ui::{self, BOLD, DIM, Ui, columns};
use kith_app::json;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user who signs in with a password (asked for, or --password-stdin)
    Add(UserAddArgs),
    /// Everyone with an account
    List,
    /// Set a user's password (ends their sessions)
    Passwd(UserPasswordArgs),
    /// Stop a user from signing in and end their sessions
    Disable(UserArg),
    /// Let a disabled user sign in again
    Enable(UserArg),
    /// Turn off a user's two-step sign-in (they lost their phone and their
    /// recovery codes) and end their sessions
    ResetTotp(UserArg),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login name: letters, digits, '.', '_' or '-'
    pub username: String,
    /// Their name as others see it
    #[arg(long)]
    pub name: Option<String>,
    /// Their e-mail address
    #[arg(long)]
    pub email: Option<String>,
    /// Their IANA time zone [default: the system's]
    #[arg(long)]
    pub timezone: Option<String>,
    /// May manage other users
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserPasswordArgs {
    pub username: String,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserArg {
    pub username: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is shown once
    Create(TokenCreateArgs),
    /// Your tokens (never their secrets)
    List,
    /// Revoke a token at once
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// What it is for, e.g. "backup script" or "Jane's phone"
    #[arg(long, default_value = "token")]
    pub name: String,
    /// An app password for CardDAV clients instead of an API token
    #[arg(long, conflicts_with = "read_only")]
    pub carddav: bool,
    /// An API token that can only read: the API refuses its writes, and an
    /// assistant connected over MCP with it is offered no tool that writes
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's id (from `kith token list`)
    pub id: i64,
}

/// Reads a new password from stdin (`--password-stdin`) or, on a terminal,
/// asks for it twice without echo.
fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("invalid password: the two entries differ");
        }
        first
    } else {
        bail!("invalid password: none given; pass --password-stdin and write it to standard input");
    };
    Ok(Password::parse(&text)?)
}

async fn find(store: &Store, username: &str) -> anyhow::Result<User> {
    let users = store.users().await?;
    users
        .into_iter()
        .find(|u| u.username == username.trim().to_lowercase())
        .ok_or_else(|| anyhow!("no user '{username}' (see kith user list)"))
}

pub async fn user(global: &Global, command: &UserCommand, ui: &mut Ui) -> anyhow::Result<()> {
    let store = app::open(global, &app::location(global)?).await?;
    let result = run_user(&store, command, ui).await;
    store.close().await;
    result
}

async fn run_user(store: &Store, command: &UserCommand, ui: &mut Ui) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => add_user(store, args, ui).await,
        UserCommand::List => list_users(store, ui).await,
        UserCommand::Passwd(args) => set_password(store, args, ui).await,
        UserCommand::ResetTotp(args) => reset_totp(store, args, ui).await,
        UserCommand::Disable(args) => set_disabled(store, args, true, ui).await,
        UserCommand::Enable(args) => set_disabled(store, args, false, ui).await,
    }
}

async fn add_user(store: &Store, args: &UserAddArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let new = new_user(
        AccountInput {
            username: Some(&args.username),
            name: args.name.as_deref(),
            email: args.email.as_deref(),
            timezone: args.timezone.as_deref(),
        },
        &app::machine_defaults(),
    )?;
    let password = read_password(args.password_stdin)?;
    let hash = hash_password(&password)?;
    let user = store
        .create_account(&new, &hash, args.admin, chrono::Utc::now())
        .await?;
    if ui.json {
        return Ok(ui.print_json(&json::user(&user))?);
    }
    writeln!(
        ui.out(),
        "Added user {BOLD}{}{BOLD:#} ({}){}",
        user.username,
        user.timezone,
        if args.admin { ", an admin" } else { "" }
    )?;
    Ok(())
}

async fn list_users(store: &Store, ui: &mut Ui) -> anyhow::Result<()> {
    let users = store.users().await?;
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for u in &users {
        let creds = store
            .credentials(&u.username)
            .await?
            .context("a listed user has credentials")?;
        let state = match (creds.disabled, creds.password_hash.is_some()) {
            (true, _) => "disabled",
            (false, true) => "can sign in",
            (false, false) => "no password (CLI only)",
        };
        let role = if creds.admin { "admin" } else { "" };
        rows.push(vec![
            u.username.clone(),
            u.display_name.clone(),
            role.into(),
            state.into(),
        ]);
        let mut value = json::user(u);
        value["admin"] = json!(creds.admin);
        value["disabled"] = json!(creds.disabled);
        value["has_password"] = json!(creds.password_hash.is_some());
        values.push(value);
    }
    if ui.json {
        return Ok(ui.print_json(&json!(values))?);
    }
    columns(ui.out(), &rows)?;
    Ok(())
}

async fn set_password(store: &Store, args: &UserPasswordArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let user = find(store, &args.username).await?;
    let password = read_password(args.password_stdin)?;
    store
        .set_password_hash(user.id, &hash_password(&password)?)
        .await?;
    if ui.json {
        return Ok(ui.print_json(&json!({ "username": user.username, "sessions_ended": true }))?);
    }
    writeln!(
        ui.out(),
        "Password set for {BOLD}{}{BOLD:#}; their sessions are ended",
        user.username
    )?;
    Ok(())
}

async fn reset_totp(store: &Store, args: &UserArg, ui: &mut Ui) -> anyhow::Result<()> {
    let user = find(store, &args.username).await?;
    let removed = store.remove_totp(user.id).await?;
    let ended = store.delete_sessions(user.id).await?;
    if ui.json {
        return Ok(ui.print_json(&json!({
            "username": user.username,
            "removed": removed,
            "sessions_ended": ended,
        }))?);
    }
    if removed {
        writeln!(
            ui.out(),
            "Two-step sign-in of {BOLD}{}{BOLD:#} is off and their {ended} sessions are ended; they can set it up again in Settings.",
            user.username
        )?;
    } else {
        writeln!(ui.out(), "{} had no two-step sign-in.", user.username)?;
    }
    Ok(())
}

async fn set_disabled(
    store: &Store,
    args: &UserArg,
    disable: bool,
    ui: &mut Ui,
) -> anyhow::Result<()> {
    let user = find(store, &args.username).await?;
    store.set_disabled(user.id, disable).await?;
    if ui.json {
        return Ok(ui.print_json(&json!({ "username": user.username, "disabled": disable }))?);
    }
    let what = if disable {
        "disabled; their sessions are ended"
    } else {
        "enabled"
    };
    writeln!(ui.out(), "{BOLD}{}{BOLD:#} is {what}", user.username)?;
    Ok(())
}

pub async fn token(ctx: &mut Ctx, command: &TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create(args) => create_token(ctx, args).await,
        TokenCommand::List => list_tokens(ctx).await,
        TokenCommand::Revoke(args) => revoke_token(ctx, args).await,
    }
}

async fn create_token(ctx: &mut Ctx, args: &TokenCreateArgs) -> anyhow::Result<()> {
    let scope = if args.carddav {
        TokenScope::CardDav
    } else if args.read_only {
        TokenScope::ApiReadOnly
    } else {
        TokenScope::Api
    };
    let NewToken { info, secret } =
        tokens::create(&ctx.store, ctx.user.id, &args.name, scope, ctx.now).await?;
    if ctx.ui.json {
        let value = json!({ "id": info.id, "name": info.name, "scope": scope.as_str(), "token": secret.expose() });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let out = ctx.ui.out();
    writeln!(out, "{}", secret.expose())?;
    let usage = match scope {
        TokenScope::Api => "send it as Authorization: Bearer <token>",
        TokenScope::ApiReadOnly => {
            "send it as Authorization: Bearer <token>; it can read, not write"
        }
        TokenScope::CardDav => "use it as the password in your CardDAV client",
        TokenScope::Calendar => "it is the secret in your calendar feed's URL",
    };
    writeln!(
        out,
        "{DIM}Token #{} \"{}\": {usage}. It is shown only now.{DIM:#}",
        info.id, info.name
    )?;
    Ok(())
}

async fn list_tokens(ctx: &mut Ctx) -> anyhow::Result<()> {
    let user = ctx.user.id;
    let tokens = ctx.store.tokens(user).await?;
    let tz = ctx.user.timezone;
    if ctx.ui.json {
        let value: Vec<_> = tokens
            .iter()
            .map(|t| {
                json!({
                    "id": t.id, "name": t.name, "scope": t.scope.as_str(),
                    "created_at": t.created_at.to_rfc3339(),
                    "last_used_at": t.last_used_at.map(|x| x.to_rfc3339()),
                    "revoked_at": t.revoked_at.map(|x| x.to_rfc3339()),
                })
            })
            .collect();
        return Ok(ctx.ui.print_json(&json!(value))?);
    }
    let rows: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            let state = match (t.revoked_at, t.last_used_at) {
                (Some(at), _) => format!("revoked {}", ui::date(at, tz)),
                (None, Some(at)) => format!("last used {}", ui::date(at, tz)),
                (None, None) => "never used".into(),
            };
            vec![
                format!("#{}", t.id),
                t.name.clone(),
                t.scope.as_str().into(),
                format!("created {}", ui::date(t.created_at, tz)),
                state,
            ]
        })
        .collect();
    if rows.is_empty() {
        writeln!(
            ctx.ui.out(),
            "No tokens. Create one with: kith token create --name \"backup script\""
        )?;
    }
    columns(ctx.ui.out(), &rows)?;
    Ok(())
}

async fn revoke_token(ctx: &mut Ctx, args: &TokenRevokeArgs) -> anyhow::Result<()> {
    let user = ctx.user.id;
    ctx.store
        .revoke_token(user, args.id, ctx.now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound { .. } => {
                anyhow!("no active token with id {} (see kith token list)", args.id)
            }
            other => other.into(),
        })?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&json!({ "id": args.id, "revoked": true }))?);
    }
    writeln!(ctx.ui.out(), "Revoked token #{}", args.id)?;
    Ok(())
}
