//! The JSON API under `/api/v1`. Authentication is a bearer token (`kith
//! token create`) or the browser's session. The shapes are `kith_app::json`'s,
//! the same as `--json` on the command line; the OpenAPI document at
//! `/api/v1/openapi.json` is generated from these handlers and types.

mod calendar;
mod follow_ups;
mod handlers;
mod mail;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::{OpenApi, ToSchema};

use super::error::WebError;
use super::routes::{RouteTable, delete, get, patch, post};

pub fn routes() -> RouteTable {
    use handlers as h;
    RouteTable::new()
        .route("/me", get(h::me))
        .route("/contacts", get(h::list_contacts).post(h::create_contact))
        .route(
            "/contacts/{id}",
            get(h::get_contact).patch(h::update_contact),
        )
        .route(
            "/contacts/{id}/conversations",
            get(h::contact_conversations),
        )
        .route("/conversations", post(h::log_conversation))
        .route(
            "/follow-ups",
            get(follow_ups::list_follow_ups).post(follow_ups::create_follow_up),
        )
        .route(
            "/follow-ups/{id}/done",
            post(follow_ups::complete_follow_up),
        )
        .route("/follow-ups/{id}/drop", post(follow_ups::drop_follow_up))
        .route("/follow-ups/{id}", patch(follow_ups::edit_follow_up))
        .route("/undo", get(follow_ups::list_undo))
        .route("/undo/{id}", post(follow_ups::undo))
        .route("/goals", get(h::list_goals).post(h::create_goal))
        .route("/goals/{id}", get(h::get_goal))
        .route("/due", get(h::due))
        .route("/today", get(h::today))
        .route("/search", get(h::search))
        .route(
            "/meetings",
            get(calendar::list_meetings).post(calendar::create_meeting),
        )
        .route("/meetings/{id}", get(calendar::get_meeting))
        .route("/meetings/{id}/convert", post(calendar::convert_meeting))
        .route("/meetings/{id}/cancel", post(calendar::cancel_meeting))
        .route("/meetings/{id}/invitation", get(calendar::invitation))
        .route("/meetings/{id}/send", post(mail::send_invitation))
        .route("/digest", get(mail::get_digest).patch(mail::update_digest))
        .route("/digest/send", post(mail::send_digest))
        .route("/outbox", get(mail::list_outbox))
        .route("/outbox/{id}/retry", post(mail::retry))
        .route(
            "/blocks",
            get(calendar::list_blocks).post(calendar::create_block),
        )
        .route("/blocks/{id}", delete(calendar::remove_block))
        .route("/plan", get(calendar::plan))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(WebError::NotFound("no such API route".into())) })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kith API", description = "A personal CRM for people who network on purpose."),
    paths(
        handlers::me,
        handlers::list_contacts,
        handlers::create_contact,
        handlers::get_contact,
        handlers::update_contact,
        handlers::contact_conversations,
        handlers::log_conversation,
        follow_ups::list_follow_ups,
        follow_ups::create_follow_up,
        follow_ups::complete_follow_up,
        follow_ups::drop_follow_up,
        follow_ups::edit_follow_up,
        follow_ups::list_undo,
        follow_ups::undo,
        handlers::list_goals,
        handlers::create_goal,
        handlers::get_goal,
        handlers::due,
        handlers::today,
        handlers::search,
        calendar::list_meetings,
        calendar::create_meeting,
        calendar::get_meeting,
        calendar::convert_meeting,
        calendar::cancel_meeting,
        calendar::invitation,
        calendar::list_blocks,
        calendar::create_block,
        calendar::remove_block,
        calendar::plan,
        mail::send_invitation,
        mail::get_digest,
        mail::update_digest,
        mail::send_digest,
        mail::list_outbox,
        mail::retry,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &CommonResponses),
    security(("bearer" = [])),
    servers((url = "/api/v1"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation can give besides its own: 401 without valid
/// credentials, 422 for a parameter or body that does not validate, and for
/// operations that take a body, 400 (not JSON, or not this JSON) and 413
/// (too large).
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |text: &str| {
            ResponseBuilder::new()
                .description(text)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                let mut add = |code: &str, text: &str| {
                    responses
                        .entry(code.to_owned())
                        .or_insert_with(|| error(text).into());
                };
                add("401", "No valid credentials (a bearer token or a session)");
                add(
                    "422",
                    "A parameter or field does not validate; `field` names it",
                );
                if operation.request_body.is_some() {
                    add(
                        "400",
                        "The body is not JSON, or not the JSON this operation takes",
                    );
                    add("413", "The body is too large");
                }
            }
        }
    }
}

async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.openapi = utoipa::openapi::OpenApiVersion::Version31;
    axum::Json(doc).into_response()
}

/// Every error: `{"error": {"code", "message", "field"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `not_found`, `invalid`, `bad_request`, `unauthorized`, …
    pub code: String,
    pub message: String,
    /// The request field to blame, if one is.
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E> From<E> for ApiError
where
    WebError: From<E>,
{
    fn from(e: E) -> Self {
        ApiError(WebError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code().to_owned(),
                message: e.message(),
                field: e.field().map(str::to_owned),
            },
        };
        let mut r = (e.status(), axum::Json(body)).into_response();
        e.add_headers(&mut r);
        if matches!(e, WebError::Unauthorized) {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"kith\""),
            );
        }
        r
    }
}

/// A JSON body whose problems are reported as API errors naming the field.
pub struct Body<T>(pub T);

/// An answer with a `Link` to the undo of what it did, when it did something
/// that can be undone.
pub fn with_undo(mut response: Response, undo: Option<kith_core::ids::UndoId>) -> Response {
    if let Some(id) = undo {
        let link = format!("<{}>; rel=\"undo\"", kith_app::json::undo_link(id));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(ApiError(json_rejection(rejection))),
        }
    }
}

fn json_rejection(r: JsonRejection) -> WebError {
    match r {
        JsonRejection::JsonDataError(e) => {
            // serde's message names the field: "missing field `name`", "name: invalid type".
            let text = e.body_text();
            let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
            let field = detail
                .split('`')
                .nth(1)
                .map(str::to_owned)
                .or_else(|| detail.split_once(':').map(|(f, _)| f.trim().to_owned()))
                .unwrap_or_else(|| "body".into());
            WebError::Invalid {
                field,
                message: detail.to_owned(),
            }
        }
        JsonRejection::MissingJsonContentType(_) => {
            WebError::BadRequest("send the body as JSON with Content-Type: application/json".into())
        }
        JsonRejection::JsonSyntaxError(e) => {
            // serde's words name the line and column: "expected value at line 1 column 1".
            let text = e.body_text();
            let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
            WebError::BadRequest(format!("the body is not valid JSON: {detail}"))
        }
        other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            WebError::TooLarge("the body is larger than this server accepts".into())
        }
        other => {
            tracing::debug!(error = %other.body_text(), "request body refused");
            WebError::BadRequest("the body could not be read".into())
        }
    }
}

/// Query parameters whose problems are API errors.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(r) => Err(ApiError(query_rejection(r))),
        }
    }
}

fn query_rejection(r: QueryRejection) -> WebError {
    let text = r.body_text();
    let detail = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, d)| d)
        .to_owned();
    let field = detail
        .split('`')
        .nth(1)
        .or_else(|| detail.split_once(':').map(|(f, _)| f.trim()))
        .unwrap_or("query")
        .to_owned();
    WebError::Invalid {
        field,
        message: detail,
    }
}
