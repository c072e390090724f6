//! The demo's own sign-in session (`--demo` only): password, then a second factor once
//! the user has a two-step method; an HttpOnly cookie with a CSRF header for changes.

use crate::auth::{
    ClientAddr, new_session_id, require_csrf, rotate_session, session_cookie, session_cookie_header,
};
use crate::codes;
use crate::crypto::sha256_hex;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::password::{password_matches, unknown_user_hash};
use crate::rules::{self, valid_subject};
use crate::state::AppState;
use crate::store::{self, Bucket, UserRow, db_time};
use crate::verify;
use crate::webauthn::{self, KeyCeremony, KeyFinishRequest, KeyStartRequest, Purpose};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{CodeSent, SendCodeRequest, Session, SignInRequest, VerifyRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current, sign_out))
        .routes(routes!(verify))
        .routes(routes!(key_start))
        .routes(routes!(key_finish))
        .routes(routes!(send_code))
}

/// Signs in with a demo user's password. With a two-step method registered, the
/// session stays unauthenticated until `POST /session/verify`. Wrong passwords count per
/// user name and address (a stranger elsewhere cannot lock the person out), per user name
/// from all addresses (a higher ceiling), and per address.
#[utoipa::path(post, path = "/session", tag = TAG,
    request_body = SignInRequest,
    responses(
        (status = 200, body = Session),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> ApiResult<Response> {
    require_csrf(&method, &headers, &state.config.cors_origins)?;
    let now = security_info_core::unix_now();
    if !valid_subject(&request.username) || request.password.len() > 1024 {
        return Err(ApiError::Validation(
            "a user name has 1 to 256 characters without control characters".into(),
        ));
    }
    let config = &state.config;
    // The unit separator cannot occur in a user name (no control characters).
    let mut buckets = [
        Bucket {
            key: format!("sign-in:{}\u{1f}{}", request.username, client.0),
            limit: config.password_limit_per_client,
        },
        Bucket {
            key: format!("sign-in:{}", request.username),
            limit: config.password_limit_user,
        },
        Bucket {
            key: format!("client:{}", client.0),
            limit: config.rate_limit_client,
        },
    ];
    // Reserved before hashing, so a burst cannot slip guesses between check and record.
    let attempt =
        store::reserve_attempt(&state.db, &mut buckets, config.rate_limit_window, now).await?;
    let mut conn = state.db.pool.acquire().await?;
    let user = store::user_by_subject(&mut conn, &request.username).await?;
    // No connection is held while hashing: a burst of sign-ins must not starve the pool.
    drop(conn);
    let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h))) else {
        // Spend the same time as a wrong password, so the answer's timing does not tell
        // which user names exist.
        let hash = unknown_user_hash().await?;
        password_matches(&state.hashing, request.password, hash).await?;
        return Err(ApiError::Unauthenticated);
    };
    if !password_matches(&state.hashing, request.password, hash).await? {
        return Err(ApiError::Unauthenticated);
    }
    store::release_attempt(&state.db, attempt).await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    let authenticated = !rules::has_two_step(&rows);
    let (token, id_hash) = new_session_id()?;
    let expires_at = db_time(now) + i64::from(config.session_ttl);
    store::create_session(
        &mut conn,
        &id_hash,
        &user.id,
        authenticated,
        expires_at,
        now,
    )
    .await?;
    let body = rules::session_answer(&user, &rows, authenticated);
    let cookie = session_cookie_header(config, &token, config.session_ttl)?;
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// The second factor of the demo sign-in; it also counts as a step-up. The session gets
/// a new id (cookie): one learned or planted before the sign-in is worthless.
#[utoipa::path(post, path = "/session/verify", tag = TAG,
    request_body = VerifyRequest,
    responses(
        (status = 200, body = Session),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn verify(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<VerifyRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    let id_hash = session_cookie(&headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    require_csrf(&method, &headers, &state.config.cors_origins)?;
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    drop(conn);
    let cookie = if session.authenticated == 0 {
        let holder = store::session_holder(&id_hash);
        let (mut tx, _) =
            verify::step_up(&state, &user.id, &holder, &client, &request, now).await?;
        let cookie = rotate_session(&mut tx, &state.config, &id_hash).await?;
        tx.commit().await?;
        Some([(header::SET_COOKIE, cookie)])
    } else {
        None
    };
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    Ok((cookie, Json(rules::session_answer(&user, &rows, true))).into_response())
}

/// The current demo session, or `null` when signed out: asking is not an error, so a
/// page that checks on load does not log a failed request.
#[utoipa::path(get, path = "/session", tag = TAG,
    responses(
        (status = 200, body = Option<Session>, description = "the session, or null when signed out"),
    ))]
async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Option<Session>>> {
    let Some(id_hash) = session_cookie(&headers).map(|c| sha256_hex(&c)) else {
        return Ok(Json(None));
    };
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    let Some(session) = store::session(&mut conn, &id_hash, now).await? else {
        return Ok(Json(None));
    };
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    Ok(Json(Some(rules::session_answer(
        &user,
        &rows,
        session.authenticated == 1,
    ))))
}

/// Signs out.
#[utoipa::path(delete, path = "/session", tag = TAG,
    responses(
        (status = 204, description = "signed out"),
        (status = 403, response = ProblemResponse),
    ))]
async fn sign_out(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    require_csrf(&method, &headers, &state.config.cors_origins)?;
    if let Some(c) = session_cookie(&headers) {
        let mut conn = state.db.pool.acquire().await?;
        store::delete_session(&mut conn, &sha256_hex(&c)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            session_cookie_header(&state.config, "", 0)?,
        )],
    )
        .into_response())
}

/// The request's demo session that still waits for its second factor (its id hash and
/// user). Refuses with 401 without one, 403 `csrf`, 400 when it is signed in already.
async fn waiting_session(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    now: u64,
) -> ApiResult<(String, UserRow)> {
    let id_hash = session_cookie(headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    require_csrf(method, headers, &state.config.cors_origins)?;
    if session.authenticated != 0 {
        return Err(ApiError::Validation(
            "this session is signed in already".into(),
        ));
    }
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    Ok((id_hash, user))
}

/// Starts the demo sign-in's second factor with a security key (any of the user's).
/// Errors: 400 no security key or signed in already; 401 no session; 403 `csrf`; 429
/// `rate-limited`.
#[utoipa::path(post, path = "/session/verify/security-key/start", tag = TAG,
    request_body = KeyStartRequest,
    responses(
        (status = 200, body = KeyCeremony),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn key_start(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Json(_request): Json<KeyStartRequest>,
) -> ApiResult<Json<KeyCeremony>> {
    let now = security_info_core::unix_now();
    let (id_hash, user) = waiting_session(&state, &method, &headers, now).await?;
    let holder = store::session_holder(&id_hash);
    webauthn::start_assertion(&state, &user.id, &holder, Purpose::SignIn, now)
        .await
        .map(Json)
}

/// Finishes the demo sign-in's second factor with a security key; it also counts as a
/// step-up, and the session gets a new id (cookie). Errors: 400 not a credential; 401 no
/// session; 403 `csrf`; 404 no such open ceremony; 410 `expired`; 422
/// `user-verification-required`, `key-rejected` or `key-cloned`; 429 `rate-limited`.
#[utoipa::path(post, path = "/session/verify/security-key", tag = TAG,
    request_body = KeyFinishRequest,
    responses(
        (status = 200, body = Session),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn key_finish(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<KeyFinishRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    let (id_hash, user) = waiting_session(&state, &method, &headers, now).await?;
    let holder = store::session_holder(&id_hash);
    let (mut tx, _) = webauthn::finish_assertion(
        &state,
        &user.id,
        &holder,
        &client,
        Purpose::SignIn,
        request,
        now,
    )
    .await?;
    let cookie = rotate_session(&mut tx, &state.config, &id_hash).await?;
    tx.commit().await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(rules::session_answer(&user, &rows, true)),
    )
        .into_response())
}

/// Sends a code to one of the signing-in person's phones for the second factor (after the
/// password, before `POST /session/verify`). Errors: 400 not a phone or not that way, or
/// signed in already; 401 no session; 403 `csrf`; 404 no such method; 429 within the
/// resend cool-down or beyond the send limits; 503 `delivery-failed`.
#[utoipa::path(post, path = "/session/code", tag = TAG,
    request_body = SendCodeRequest,
    responses(
        (status = 200, body = CodeSent),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
        (status = 503, response = ProblemResponse),
    ))]
async fn send_code(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<SendCodeRequest>,
) -> ApiResult<Json<CodeSent>> {
    let now = security_info_core::unix_now();
    let (_, user) = waiting_session(&state, &method, &headers, now).await?;
    codes::send_for_method(&state, &user.id, &client, &request, now)
        .await
        .map(Json)
}
