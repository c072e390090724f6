//! The demo's own sign-in session (`--demo` only): password, then a second factor once
//! the user has a two-step method; an HttpOnly cookie with a CSRF header for changes.

use crate::auth::{ClientAddr, SESSION_COOKIE, require_csrf, session_cookie};
use crate::crypto::{hex, random_bytes, sha256_hex};
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::password::{password_matches, unknown_user_hash};
use crate::rules::{self, valid_subject};
use crate::state::AppState;
use crate::store::{self, Bucket, MethodRow, UserRow, db_time};
use crate::verify;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{Session, SignInRequest, VerifyRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current, sign_out))
        .routes(routes!(verify))
}

fn session_answer(user: &UserRow, rows: &[MethodRow], authenticated: bool) -> Session {
    let methods = rules::api_methods(rows);
    let default_method = rules::current_default(user, &methods);
    Session {
        username: user.subject.clone(),
        authenticated,
        // The second factor is a typed code: offer the methods that can verify one.
        methods: if authenticated {
            Vec::new()
        } else {
            methods
                .into_iter()
                .filter(|m| m.method_type.verifiable_by_code())
                .collect()
        },
        default_method,
    }
}

fn cookie(state: &AppState, value: &str, max_age: u32) -> ApiResult<HeaderValue> {
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    Ok(HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))?)
}

/// Signs in with a demo user's password. With a two-step method registered, the
/// session stays unauthenticated until `POST /session/verify`.
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
    require_csrf(&method, &headers)?;
    let now = security_info_core::unix_now();
    if !valid_subject(&request.username) || request.password.len() > 1024 {
        return Err(ApiError::Validation(
            "a user name has 1 to 256 characters without control characters".into(),
        ));
    }
    let buckets = [
        Bucket {
            key: format!("sign-in:{}", request.username),
            limit: state.config.rate_limit_user,
        },
        Bucket {
            key: format!("client:{}", client.0),
            limit: state.config.rate_limit_client,
        },
    ];
    let mut conn = state.db.pool.acquire().await?;
    // Not under the lock rows of `limited_attempt`: a password hash takes long enough
    // that holding SQLite's write lock meanwhile would stall every other request.
    store::check_limit(&mut conn, &buckets, state.config.rate_limit_window, now).await?;
    let user = store::user_by_subject(&mut conn, &request.username).await?;
    let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h))) else {
        // Spend the same time as a wrong password, so the answer's timing does not tell
        // which user names exist.
        password_matches(request.password, unknown_user_hash().await?).await?;
        store::record_failure(&mut conn, &buckets, now).await?;
        return Err(ApiError::Unauthenticated);
    };
    if !password_matches(request.password, hash).await? {
        store::record_failure(&mut conn, &buckets, now).await?;
        return Err(ApiError::Unauthenticated);
    }
    let rows = store::methods_of(&mut conn, &user.id).await?;
    let authenticated = !rules::has_two_step(&rows);
    let token = hex(&random_bytes::<32>()?);
    let expires_at = db_time(now) + i64::from(state.config.session_ttl);
    store::create_session(
        &mut conn,
        &sha256_hex(&token),
        &user.id,
        authenticated,
        expires_at,
        now,
    )
    .await?;
    let body = session_answer(&user, &rows, authenticated);
    Ok((
        [(
            header::SET_COOKIE,
            cookie(&state, &token, state.config.session_ttl)?,
        )],
        Json(body),
    )
        .into_response())
}

/// The second factor of the demo sign-in; it also counts as a step-up.
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
) -> ApiResult<Json<Session>> {
    let now = security_info_core::unix_now();
    let id_hash = session_cookie(&headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    require_csrf(&method, &headers)?;
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    drop(conn);
    if session.authenticated == 0 {
        let holder = store::session_holder(&id_hash);
        verify::step_up(&state, &user.id, &holder, &client, &request, now).await?;
        let mut conn = state.db.pool.acquire().await?;
        store::authenticate_session(&mut conn, &id_hash).await?;
    }
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    Ok(Json(session_answer(&user, &rows, true)))
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
    Ok(Json(Some(session_answer(
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
    require_csrf(&method, &headers)?;
    if let Some(c) = session_cookie(&headers) {
        let mut conn = state.db.pool.acquire().await?;
        store::delete_session(&mut conn, &sha256_hex(&c)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie(&state, "", 0)?)],
    )
        .into_response())
}
