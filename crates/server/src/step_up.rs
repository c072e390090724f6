//! Step-up: proving the caller's identity again with a code, so sensitive changes are
//! allowed for the step-up window.

use crate::auth::{Caller, ClientAddr, rotate_session};
use crate::codes;
use crate::error::{ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::state::AppState;
use crate::verify;
use crate::webauthn::{self, KeyCeremony, KeyFinishRequest, KeyStartRequest, Purpose};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use security_info_core::api::{CodeSent, SendCodeRequest, StepUpResponse, VerifyRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(step_up))
        .routes(routes!(key_start))
        .routes(routes!(key_finish))
        .routes(routes!(step_up_code))
}

/// Proves the caller's identity again with a code; sensitive changes are then allowed
/// for the step-up window. A demo session gets a new id (cookie). Errors: 403 `csrf`;
/// 404 the method is gone; 422 `invalid-code` or `code-reused`; 429 `rate-limited`.
#[utoipa::path(post, path = "/me/step-up", tag = TAG,
    request_body = VerifyRequest,
    responses(
        (status = 200, body = StepUpResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn step_up(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<VerifyRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    let (mut tx, fresh_until) = verify::step_up(
        &state,
        &caller.user.id,
        &caller.holder,
        &client,
        &request,
        now,
    )
    .await?;
    let cookie = match &caller.session {
        Some(id_hash) => Some(rotate_session(&mut tx, &state.config, id_hash).await?),
        None => None,
    };
    tx.commit().await?;
    let set_cookie = cookie.map(|c| [(header::SET_COOKIE, c)]);
    Ok((set_cookie, Json(StepUpResponse { fresh_until })).into_response())
}

/// Starts a step-up with one of the caller's security keys (any of them). Errors: 400
/// no security key; 403 `csrf`; 429 `rate-limited` beyond the starts allowed per window.
#[utoipa::path(post, path = "/me/step-up/security-key/start", tag = TAG,
    request_body = KeyStartRequest,
    responses(
        (status = 200, body = KeyCeremony),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn key_start(
    State(state): State<AppState>,
    caller: Caller,
    Json(_request): Json<KeyStartRequest>,
) -> ApiResult<Json<KeyCeremony>> {
    let now = security_info_core::unix_now();
    webauthn::start_assertion(
        &state,
        &caller.user.id,
        &caller.holder,
        Purpose::StepUp,
        now,
    )
    .await
    .map(Json)
}

/// Finishes a step-up with a security key; sensitive changes are then allowed for the
/// step-up window. A demo session gets a new id (cookie). Errors: 400 not a credential;
/// 403 `csrf`; 404 no such open ceremony (replayed, another user's) or the key is gone;
/// 410 `expired`; 422 `user-verification-required`, `key-rejected` or `key-cloned` (the
/// signature counter went back); 429 `rate-limited`.
#[utoipa::path(post, path = "/me/step-up/security-key", tag = TAG,
    request_body = KeyFinishRequest,
    responses(
        (status = 200, body = StepUpResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn key_finish(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<KeyFinishRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    let (mut tx, fresh_until) = webauthn::finish_assertion(
        &state,
        &caller.user.id,
        &caller.holder,
        &client,
        Purpose::StepUp,
        request,
        now,
    )
    .await?;
    let cookie = match &caller.session {
        Some(id_hash) => Some(rotate_session(&mut tx, &state.config, id_hash).await?),
        None => None,
    };
    tx.commit().await?;
    let set_cookie = cookie.map(|c| [(header::SET_COOKIE, c)]);
    Ok((set_cookie, Json(StepUpResponse { fresh_until })).into_response())
}

/// Sends a code to one of the caller's phones (by `text` or `call`) for a step-up; the
/// step-up then takes it like any code. Errors: 400 not a phone or not that way; 403
/// `csrf`; 404 no such method; 429 within the resend cool-down or beyond the send
/// limits; 503 `delivery-failed`.
#[utoipa::path(post, path = "/me/step-up/code", tag = TAG,
    request_body = SendCodeRequest,
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
async fn step_up_code(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<SendCodeRequest>,
) -> ApiResult<Json<CodeSent>> {
    let now = security_info_core::unix_now();
    codes::send_for_method(&state, &caller.user.id, &client, &request, now)
        .await
        .map(Json)
}
