//! `serve`: the web app over the same database the command line uses.

use kith_app::accounts::{AccountInput, new_user};
use std::io::Write;

use kith_auth::{Secret, hash_password};
use kith_core::user::{Password, Username};

use crate::app;
use crate::cli::{Global, ServeArgs};
use crate::commands::demo;
use crate::config::{self, Settings};
use crate::ui::{BOLD, Ui};
use kith_web as web;

/// The paths the binary mounts beside the web's own routes, each answering
/// every method: MCP.
const MOUNTED: [&str; 1] = [kith_mcp::PATH];

/// `kith routes`: the route table and what the binary mounts beside it, one
/// `METHOD path` a line, or as JSON.
pub fn routes(ui: &mut Ui) -> anyhow::Result<()> {
    let table = web::table();
    let mut routes = table.routes().to_vec();
    routes.extend(MOUNTED.iter().map(|path| web::routes::RouteInfo {
        path: (*path).to_owned(),
        methods: vec!["*"],
    }));
    if ui.json {
        ui.print_json(&serde_json::to_value(&routes)?)?;
    } else {
        for route in &routes {
            for method in &route.methods {
                writeln!(ui.out(), "{method} {}", route.path)?;
            }
        }
    }
    Ok(())
}

pub async fn serve(global: &Global, args: &ServeArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let settings = Settings::read(args.config.as_deref())?;
    let in_settings = config::location(global, &settings);
    let config = config::server(args, settings)?;
    if args.demo {
        demo::check_size(args.demo_contacts)
            .map_err(|e| anyhow::anyhow!("invalid --demo-contacts: {e}"))?;
    }
    init_tracing();
    let location = if args.demo {
        demo::location(global, "demo-web.db")?
    } else {
        in_settings?
    };
    let store = app::open(global, &location).await?;
    let sender = match &config.mail {
        Some(mail) => Some(crate::mail::sender(store.clone(), mail.clone())?),
        None => None,
    };
    let demo_login = if args.demo {
        Some(demo_account(&store, args.demo_contacts).await?)
    } else {
        None
    };
    let users = store.users().await?.len();
    let public = config.public_url.clone();
    let out = ui.out();
    // MCP over HTTP at /mcp, behind the API's bearer tokens: the binary
    // composes the two front ends, neither imports the other.
    let mcp = vec![web::Mounted::new(
        kith_mcp::PATH,
        kith_mcp::service(store.clone()),
    )];
    web::run_with(store, config, sender, mcp, |addr| {
        let url = public.unwrap_or_else(|| format!("http://{addr}"));
        let _ = writeln!(out, "Kith is listening on {url}");
        match &demo_login {
            Some((user, password)) => {
                let _ = writeln!(
                    out,
                    "Sign in as {BOLD}{user}{BOLD:#} with the password {BOLD}{password}{BOLD:#} (demo data in {location:?})"
                );
            }
            None if users == 0 => {
                let _ = writeln!(
                    out,
                    "No users yet: open {url}/setup to create the first (admin) account"
                );
            }
            None => {}
        }
        let _ = writeln!(out, "Stop with Ctrl-C.");
        let _ = out.flush();
    })
    .await
}

/// A `demo` user with a fresh random password and a demo network.
async fn demo_account(
    store: &kith_store::Store,
    contacts: usize,
) -> anyhow::Result<(String, String)> {
    let password = loop {
        let secret = Secret::generate("")?;
        // 16 hex digits: 64 bits, readable, and long enough for the policy.
        if let Ok(p) = Password::parse(&secret.expose()[..16]) {
            break p;
        }
    };
    let hash = tokio::task::spawn_blocking({
        let password = Password::parse(password.expose())?;
        move || hash_password(&password)
    })
    .await??;
    let new = new_user(
        AccountInput {
            username: Some("demo"),
            name: Some("Demo User"),
            email: Some("demo@example.com"),
            timezone: None,
        },
        &app::machine_defaults(),
    )?;
    debug_assert_eq!(new.username.as_str(), Username::parse("demo")?.as_str());
    let user = store
        .create_account(&new, &hash, true, chrono::Utc::now())
        .await?;
    demo::fill(store, user.id, contacts, 1, true).await?;
    Ok((user.username, password.expose().to_owned()))
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("KITH_LOG").unwrap_or_else(|_| EnvFilter::new("kith=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
