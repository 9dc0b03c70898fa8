//! Kith as a Model Context Protocol server, a front end like the web and
//! the command line: its tools, resources and prompt call the same
//! `kith_app` use cases and answer with the same JSON shapes.
//!
//! Two transports: stdio for a local assistant (`kith mcp`, acting as one
//! user with every tool), and Streamable HTTP, which the binary mounts at
//! `/mcp` on `kith serve` behind the web's bearer-token check. There each
//! request carries the token's [`ApiAccess`] in its extensions (the web puts
//! it there; this crate never imports the web), so one server answers every
//! user, each request acts as its own token's user only, and a read-only
//! token is offered no tool that writes and is refused one called by name.

mod errors;
mod prompt;
mod resources;
mod tools;

use std::sync::Arc;

use kith_app::tokens::ApiAccess;
use kith_core::user::User;
use kith_store::Store;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, Implementation, ListPromptsResult, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt as _};

/// Where `kith serve` mounts [`service`].
pub const PATH: &str = "/mcp";

/// What the server tells an assistant when it connects.
const INSTRUCTIONS: &str = "Kith is the user's personal CRM: their contacts, conversations, \
follow-ups (homework both ways), goals, meetings and outreach plan. Name a contact by id \
(#12) or by part of their name; when a name fits several people the tool answers with the \
candidates, so ask the user which one they meant and call again with the id. Dates and times \
are read in the user's time zone and may be typed as people say them (\"friday\", \
\"2026-12-01 14:30\", \"yesterday\").";

/// The MCP server over one store. Cheap to clone.
#[derive(Clone)]
pub struct Kith {
    store: Store,
    /// The user of `kith mcp` over stdio; over HTTP each request's token.
    local: Option<Arc<ApiAccess>>,
    tools: Arc<ToolRouter<Kith>>,
}

impl Kith {
    fn new(store: Store, local: Option<ApiAccess>) -> Kith {
        Kith {
            store,
            local: local.map(Arc::new),
            tools: Arc::new(Kith::tool_router()),
        }
    }

    /// Acting as `user`, with every tool (stdio: the person at the machine).
    pub fn local(store: Store, user: User) -> Kith {
        Kith::new(
            store,
            Some(ApiAccess {
                user,
                read_only: false,
            }),
        )
    }

    /// For HTTP: each request acts as the token in its extensions.
    pub fn remote(store: Store) -> Kith {
        Kith::new(store, None)
    }

    /// Whom this request acts for: the local user, or the token the web
    /// checked. A request without one is refused (it cannot reach here
    /// through `kith serve`, which checks the token first).
    fn access(&self, context: &RequestContext<RoleServer>) -> Result<ApiAccess, ErrorData> {
        if let Some(local) = &self.local {
            return Ok((**local).clone());
        }
        context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<ApiAccess>())
            .cloned()
            .ok_or_else(|| ErrorData::invalid_request("an API token is required", None))
    }

    /// The tools `access` is offered: all of them, or only those that only
    /// read.
    fn offered(&self, access: &ApiAccess) -> Vec<Tool> {
        self.tools
            .list_all()
            .into_iter()
            .filter(|t| !access.read_only || reads_only(t))
            .collect()
    }
}

/// Whether a tool only reads (its annotation says so; a tool without one
/// counts as writing).
fn reads_only(tool: &Tool) -> bool {
    tool.annotations
        .as_ref()
        .and_then(|a| a.read_only_hint)
        .unwrap_or(false)
}

impl ServerHandler for Kith {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("kith", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let access = self.access(&context)?;
        Ok(ListToolsResult::with_all_items(self.offered(&access)))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.get(name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        mut context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let access = self.access(&context)?;
        if access.read_only
            && let Some(tool) = self.tools.get(&request.name)
            && !reads_only(tool)
        {
            return Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                "{} changes your data, and this connection's token can only read; \
                 connect with a full API token to use it",
                request.name
            ))])
            .into());
        }
        context.extensions.insert(access);
        let call = ToolCallContext::new(self, request, context);
        self.tools.call(call).await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.access(&context)?;
        Ok(ListResourcesResult::with_all_items(resources::listed()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        self.access(&context)?;
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let access = self.access(&context)?;
        resources::read(self, &access, &request.uri)
            .await
            .map(Into::into)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        self.access(&context)?;
        Ok(ListPromptsResult::with_all_items(prompt::listed()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let access = self.access(&context)?;
        prompt::get(self, &access, &request).await.map(Into::into)
    }
}

/// Serves `user` over stdin and stdout until the client closes them.
pub async fn serve_stdio(store: Store, user: User) -> anyhow::Result<()> {
    let running = Kith::local(store, user)
        .serve(rmcp::transport::stdio())
        .await?;
    running.waiting().await?;
    Ok(())
}

/// MCP over Streamable HTTP at `/mcp`, for the web server to mount behind
/// its bearer-token check. Stateless: every request stands alone (and is
/// authenticated alone), answered as JSON. Any `Host` is accepted, as on
/// the rest of `kith serve`: a page that rebinds a name to this server
/// still holds no token.
pub fn service(
    store: Store,
) -> rmcp::transport::streamable_http_server::StreamableHttpService<
    Kith,
    rmcp::transport::streamable_http_server::session::never::NeverSessionManager,
> {
    use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService,
    };
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .disable_allowed_hosts();
    StreamableHttpService::new(
        move || Ok(Kith::remote(store.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}
