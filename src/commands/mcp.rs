//! `kith mcp`: Kith as an MCP server on stdin and stdout for a local
//! assistant, acting as the database's user with every tool. Nothing else
//! may write to stdout while it runs (the log goes to stderr).

use kith_core::user::User;
use kith_store::Store;

pub async fn serve(store: Store, user: User) -> anyhow::Result<()> {
    kith_mcp::serve_stdio(store, user).await
}
