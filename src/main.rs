//! `kith`: the command line. Parses arguments, runs one command, and turns an
//! error into one line on stderr and exit code 2.

mod app;
mod cli;
mod commands;
mod config;
mod errors;
mod mail;
mod ui;

use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: reading rows through sqlx allocates
/// and frees a value per column on two threads (sqlx's SQLite worker and the
/// async threads), and glibc's allocator was a fifth of a CardDAV multiget's
/// time under `perf` (bench/RESULTS.md has the A/B).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // One thread for a command; every core for the servers.
    let runtime = match cli.command {
        cli::Command::Serve(_) | cli::Command::Mcp => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()
    .expect("the runtime starts");
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // `kith list | head` closes the pipe early: that is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kith: {}", errors::message(&error));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
