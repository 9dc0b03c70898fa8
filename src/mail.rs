//! What the mail sender of `kith_app::mail` takes from the process: this
//! process's name among the servers that send (host, pid, a nonce).

use std::sync::Arc;

use kith_app::mail::{MailConfig, Sender, Templates};
use kith_store::Store;

/// The sender for `config`, composing digests with the templates.
pub fn sender(store: Store, config: MailConfig) -> anyhow::Result<Sender> {
    Ok(Sender::new(
        store,
        config,
        Arc::new(Templates),
        server_name()?,
    )?)
}

/// This process among the servers sharing a database: host, process id and
/// a nonce.
fn server_name() -> anyhow::Result<String> {
    let mut nonce = [0u8; 4];
    getrandom::fill(&mut nonce)?;
    Ok(format!(
        "{}-{}-{:08x}",
        hostname(),
        std::process::id(),
        u32::from_le_bytes(nonce)
    ))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kith".into())
}
