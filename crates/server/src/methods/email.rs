//! Email: for password reset only. Start sends a code to the address; finishing with it
//! adds the method, or — "Change" — puts the verified address in place of the old one.
//! Never a default or a two-step method (the core's rules: no default modes).

use crate::auth::{Caller, ClientAddr};
use crate::codes::{self, NewCode, Purpose};
use crate::delivery::Channel;
use crate::error::{ApiError, ApiResult, Json};
use crate::methods::phone::{finish_by_code, replaced};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::{CodeFinishRequest, CodeSent, EmailStartRequest, Method};
use security_info_core::methods::{MethodType, normalize_email};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(email_start))
        .routes(routes!(email_finish))
}

/// Sends a code to an email address to add it (or, with `replaces`, to change the
/// caller's email method to it). Refuses with `not-allowed-by-policy` or
/// `step-up-required` (403), `validation` (400), `rate-limited` (429: sends per user,
/// per address and per client address) and `delivery-failed` (503).
#[utoipa::path(post, path = "/me/methods/email/start", tag = TAG,
    request_body = EmailStartRequest,
    responses(
        (status = 200, body = CodeSent),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
        (status = 503, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn email_start(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<EmailStartRequest>,
) -> ApiResult<Json<CodeSent>> {
    let now = security_info_core::unix_now();
    let address = normalize_email(&request.address)
        .map_err(|_| ApiError::Validation("not a valid email address".into()))?;
    let user_id = &caller.user.id;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, user_id).await?;
    rules::check_add(&state.policy, MethodType::Email, &rules::api_methods(&rows))?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    let replaces = replaced(
        &state,
        user_id,
        request.replaces.as_deref(),
        MethodType::Email,
    )
    .await?;
    let new = NewCode {
        purpose: Purpose::Enrol,
        method_type: MethodType::Email,
        method_id: replaces.as_ref().map(|r| r.id.as_str()),
        channel: Channel::Email,
        contact: &address,
        phone_kind: None,
        extension: None,
        locale: request.locale.as_deref(),
    };
    codes::send_new(&state, user_id, &client, &new, now)
        .await
        .map(Json)
}

/// Finishes an email enrolment with the code that was sent: 201 with the new method, or
/// 200 with the changed one. Errors as for phones: 403, 404, 410 `expired`, 422
/// `invalid-code` or `code-reused`, 429.
#[utoipa::path(post, path = "/me/methods/email", tag = TAG,
    request_body = CodeFinishRequest,
    responses(
        (status = 200, body = Method, description = "the changed address"),
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn email_finish(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<CodeFinishRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    finish_by_code(
        &state,
        &caller,
        &client,
        &request,
        MethodType::Email,
        "Email",
    )
    .await
}
