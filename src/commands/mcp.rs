//! `kith mcp`: Kith as an MCP server on stdin and stdout for a local
//! assistant, acting as the database's user with every tool. Nothing else
//! may write to stdout while it runs (the log goes to stderr).

use crate::app::Ctx;

pub async fn serve(ctx: &mut Ctx) -> anyhow::Result<()> {
    kith_mcp::serve_stdio(ctx.store.clone(), ctx.user.clone()).await
}
