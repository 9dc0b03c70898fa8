//! One module per group of commands. Each validates its flags into domain
//! values first, then talks to the store, then prints text or JSON.

pub mod accounts;
pub mod archive;
pub mod browse;
pub mod contacts;
pub mod demo;
pub mod goals;
mod init;
pub mod interop;
pub mod keep;
pub mod log;
pub mod mail;
mod mcp;
pub mod meetings;
pub mod plan;
mod serve;
pub mod settings;
pub mod todo;
pub mod undo;

use clap::CommandFactory;

use crate::app::{self, Ctx};
use crate::cli::{Cli, Command, ExportCommand, ImportCommand, OutboxCommand};
use crate::ui::Ui;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut ui = Ui::new(cli.global.json);
    let global = &cli.global;
    match &cli.command {
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails, so the script is
            // written here: a closed pipe (`| head`) then ends quietly.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "kith", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
        }
        Command::Routes => serve::routes(&mut ui)?,
        Command::Init(args) => init::init(global, args, &mut ui).await?,
        Command::Demo(args) => demo::demo(global, args, &mut ui).await?,
        Command::User(command) => accounts::user(global, command, &mut ui).await?,
        Command::Serve(args) => serve::serve(global, args, &mut ui).await?,
        Command::Backup(args) => archive::backup(global, args, &mut ui).await?,
        Command::Restore(args) => archive::restore(global, args, &mut ui).await?,
        Command::Outbox(args) if let Some(OutboxCommand::Deliver(mail)) = &args.command => {
            mail::deliver(global, mail, &mut ui).await?;
        }
        Command::Mcp => {
            // The MCP transport writes to stdout itself: the Ui's lock on
            // stdout goes first, or its first answer would wait forever.
            drop(ui);
            let location = app::location(global)?;
            let store = app::open(global, &location).await?;
            let user = app::acting_user(&store, global.user.as_deref()).await?;
            let result = mcp::serve(store.clone(), user).await;
            store.close().await;
            return result;
        }
        command => {
            let location = app::location(global)?;
            let store = app::open(global, &location).await?;
            let user = app::acting_user(&store, global.user.as_deref()).await?;
            let mut ctx = Ctx {
                store,
                user,
                now: chrono::Utc::now(),
                ui,
            };
            let result = as_user(&mut ctx, command).await;
            ctx.store.close().await;
            ui = ctx.ui;
            result?;
        }
    }
    Ok(ui.flush()?)
}

/// A command that acts as one user on their contact book.
async fn as_user(ctx: &mut Ctx, command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Add(args) => contacts::add(ctx, args).await,
        Command::Edit(args) => contacts::edit(ctx, args).await,
        Command::Archive(c) => contacts::set_archived(ctx, &c.contact, true).await,
        Command::Delete(args) => contacts::delete(ctx, args).await,
        Command::Unarchive(c) => contacts::set_archived(ctx, &c.contact, false).await,
        Command::Show(c) => browse::show(ctx, &c.contact).await,
        Command::List(args) => browse::list(ctx, args).await,
        Command::Search(args) => browse::search(ctx, args).await,
        Command::Log(args) => log::log(ctx, args).await,
        Command::Due(args) => keep::due(ctx, args).await,
        Command::Today => keep::agenda(ctx).await,
        Command::Snooze(args) => keep::snooze(ctx, args).await,
        Command::Todo(command) => todo::run(ctx, command).await,
        Command::Undo(args) => undo::run(ctx, args).await,
        Command::Tag(command) => settings::tag(ctx, command).await,
        Command::Settings(args) => settings::settings(ctx, args).await,
        Command::Token(command) => accounts::token(ctx, command).await,
        Command::Goal(command) => goals::goal(ctx, command).await,
        Command::Org(command) => goals::org(ctx, command).await,
        Command::Meet(args) => meetings::meet(ctx, args).await,
        Command::Meeting(command) => meetings::run(ctx, command).await,
        Command::Block(command) => plan::block(ctx, command).await,
        Command::Plan(args) => plan::plan(ctx, args).await,
        Command::Digest(args) => mail::digest(ctx, args).await,
        Command::Outbox(args) => mail::outbox(ctx, args).await,
        Command::Import(ImportCommand::Json(args)) => archive::import_json(ctx, args).await,
        Command::Import(command) => interop::import(ctx, command).await,
        Command::Export(ExportCommand::Ics(args)) => plan::export(ctx, args).await,
        Command::Export(ExportCommand::Json(args)) => archive::export_json(ctx, args).await,
        Command::Export(ExportCommand::Csv(args)) => interop::export_csv(ctx, args).await,
        Command::Export(ExportCommand::Vcard(args)) => interop::export(ctx, args).await,
        Command::Duplicates(args) => interop::duplicates(ctx, args).await,
        Command::Merge(args) => interop::merge(ctx, args).await,
        Command::Completions { .. }
        | Command::Routes
        | Command::Init(_)
        | Command::Demo(_)
        | Command::Serve(_)
        | Command::Mcp
        | Command::Backup(_)
        | Command::Restore(_)
        | Command::User(_) => {
            unreachable!("handled above")
        }
    }
}

/// Writes `bytes` to the file at `path` (made or emptied first), which only
/// its owner may then read or write, whatever the umask: an export holds the
/// address book, and the JSON one the whole account.
pub fn write_private(path: &std::path::Path, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let cannot = || format!("cannot write {}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(cannot)?;
    // A file that was there keeps its mode when opened: narrow it too (but
    // not a device such as /dev/stdout).
    #[cfg(unix)]
    if file.metadata().with_context(cannot)?.is_file() {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(cannot)?;
    }
    file.write_all(bytes.as_ref()).with_context(cannot)
}
