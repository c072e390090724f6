//! The demo sign-in's second factor by push notification (`--demo` only): "Sign in"
//! is sent to the user's push authenticator; once approved on the device, the session
//! is authenticated. The session cookie identifies the caller (not yet authenticated,
//! so not a `Caller`).

use crate::auth::{require_csrf, rotate_session, session_cookie};
use crate::crypto::sha256_hex;
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::methods::push::{Wait, push_device};
use crate::openapi::{ProblemResponse, TAG};
use crate::push::{self, use_approved};
use crate::push_hub::challenge_key;
use crate::rules::{self, check_id};
use crate::state::AppState;
use crate::store::{self, SessionRow, UserRow, db_time};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::Session;
use security_info_core::push::{
    ChallengePurpose, PushChallenge, PushChallengeRequest, PushCompleteRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send))
        .routes(routes!(status))
        .routes(routes!(events))
        .routes(routes!(verify_push))
}

/// The demo session of the cookie (authenticated or not), its user and its step-up
/// holder.
async fn session_user(
    state: &AppState,
    headers: &HeaderMap,
    now: u64,
) -> ApiResult<(SessionRow, UserRow, String)> {
    let id_hash = session_cookie(headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    Ok((session, user, store::session_holder(&id_hash)))
}

/// Sends "Sign in" to the user's push authenticator (the default one when none is
/// named). 401 no session; 403 `csrf`; 404 no push method; 429 push fatigue.
#[utoipa::path(post, path = "/session/push", tag = TAG,
    request_body = PushChallengeRequest,
    responses(
        (status = 200, body = PushChallenge),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn send(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<PushChallengeRequest>,
) -> ApiResult<Json<PushChallenge>> {
    let now = security_info_core::unix_now();
    let (_, user, holder) = session_user(&state, &headers, now).await?;
    require_csrf(&method, &headers, &state.config.cors_origins)?;
    let mut conn = state.db.pool.acquire().await?;
    let device = push_device(&mut conn, &user, request.method_id.as_deref()).await?;
    drop(conn);
    let challenge =
        push::send_challenge(&state, &device, ChallengePurpose::SignIn, &holder, now).await?;
    Ok(Json(challenge))
}

/// The session's sign-in notification and its state (`?wait=N` waits while pending).
#[utoipa::path(get, path = "/session/push/{id}", tag = TAG,
    params(("id" = String, Path, description = "challenge id"), Wait),
    responses(
        (status = 200, body = PushChallenge),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ))]
async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(wait): Query<Wait>,
) -> ApiResult<Json<PushChallenge>> {
    check_id(&id)?;
    let now = security_info_core::unix_now();
    let (_, user, _) = session_user(&state, &headers, now).await?;
    Ok(Json(
        push::wait_challenge(&state, &user.id, &id, wait.wait.unwrap_or(0)).await?,
    ))
}

/// The session's sign-in notification as server-sent `state` events.
#[utoipa::path(get, path = "/session/push/{id}/events", tag = TAG,
    params(("id" = String, Path, description = "challenge id")),
    responses(
        (status = 200, content_type = "text/event-stream", body = String),
        (status = 401, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ))]
async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    check_id(&id)?;
    let now = security_info_core::unix_now();
    let (_, user, _) = session_user(&state, &headers, now).await?;
    Ok(push::challenge_events(state, user.id, id)
        .await?
        .into_response())
}

/// The second factor of the demo sign-in by an approved notification; it counts as a
/// step-up too, and the session gets a new id (cookie). 400 not answered yet; 403
/// denied, wrong number or `csrf`; 404 not this session's; 410 expired; 422
/// `code-reused`.
#[utoipa::path(post, path = "/session/verify-push", tag = TAG,
    request_body = PushCompleteRequest,
    responses(
        (status = 200, body = Session),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    ))]
async fn verify_push(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<PushCompleteRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    check_id(&request.challenge_id)?;
    let (session, user, holder) = session_user(&state, &headers, now).await?;
    require_csrf(&method, &headers, &state.config.cors_origins)?;
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &user.id).await?;
    use_approved(
        &mut tx,
        &user.id,
        &holder,
        &request.challenge_id,
        ChallengePurpose::SignIn,
        now,
    )
    .await?;
    let fresh_until = db_time(now) + i64::from(state.config.step_up_window);
    store::make_fresh(&mut tx, &holder, fresh_until, now).await?;
    let cookie = rotate_session(&mut tx, &state.config, &session.id_hash).await?;
    let rows = store::methods_of(&mut tx, &user.id).await?;
    tx.commit().await?;
    state
        .push
        .notify(&state.db, &[challenge_key(&request.challenge_id)])
        .await;
    let methods = rules::api_methods(&rows);
    let body = Session {
        username: user.subject.clone(),
        authenticated: true,
        methods: Vec::new(),
        default_method: rules::current_default(&user, &methods),
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}
