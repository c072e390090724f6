//! Demo mode: seeded users with passwords, the demo's own sign-in (password, then a
//! second factor once the user has a two-step method) and a token endpoint for tests.
//! None of these routes exist without `--demo`.

use crate::api::{TAG, verify_method_code};
use crate::app::AppState;
use crate::auth::{ClientAddr, SESSION_COOKIE, require_csrf, session_cookie};
use crate::crypto::{hex, random_bytes, sha256_hex};
use crate::error::{ApiError, ApiResult, Json};
use crate::store::{self, Bucket};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{
    DemoTokenRequest, DemoTokenResponse, Problem, Session, SignInRequest, VerifyRequest,
};

/// Seeded demo accounts (user name, password): printed at start.
pub const DEMO_USERS: [(&str, &str); 2] = [
    ("alice", "alice-demo-password"),
    ("bob", "bob-demo-password"),
];

pub async fn seed(state: &AppState) -> Result<(), ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    for (name, password) in DEMO_USERS {
        if store::user_by_subject(&mut conn, name).await?.is_some() {
            continue;
        }
        let hash = hash_password(password.to_owned()).await?;
        store::ensure_user(&mut conn, name, &format!("{name}@example.com"), Some(&hash)).await?;
    }
    Ok(())
}

async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// A hash no password matches (its password is random and forgotten), made once.
async fn unknown_user_hash() -> ApiResult<String> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async {
        let password = hex(&random_bytes::<16>().map_err(|e| ApiError::Internal(e.to_string()))?);
        hash_password(password).await
    })
    .await
    .cloned()
}

async fn password_matches(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))
}

fn session_answer(
    user: &store::UserRow,
    rows: &[store::MethodRow],
    authenticated: bool,
) -> Session {
    let methods = store::api_methods(rows);
    let default_method = store::current_default(user, &methods);
    Session {
        username: user.subject.clone(),
        authenticated,
        methods: if authenticated {
            Vec::new()
        } else {
            methods
                .into_iter()
                .filter(|m| m.method_type.is_two_step())
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
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Signs in with a demo user's password. With a two-step method registered, the
/// session stays unauthenticated until `POST /session/verify`.
#[utoipa::path(post, path = "/session", tag = TAG,
    request_body = SignInRequest,
    responses(
        (status = 200, body = Session),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> ApiResult<Response> {
    require_csrf(&method, &headers)?;
    if !crate::api::valid_subject(&request.username) || request.password.len() > 1024 {
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
    store::check_limit(&mut conn, &buckets, state.config.rate_limit_window).await?;
    let user = store::user_by_subject(&mut conn, &request.username).await?;
    let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h))) else {
        // Spend the same time as a wrong password, so the answer's timing does not tell
        // which user names exist.
        password_matches(request.password, unknown_user_hash().await?).await?;
        store::record_failure(&mut conn, &buckets).await?;
        return Err(ApiError::Unauthenticated);
    };
    if !password_matches(request.password, hash).await? {
        store::record_failure(&mut conn, &buckets).await?;
        return Err(ApiError::Unauthenticated);
    }
    let rows = store::methods_of(&mut conn, &user.id).await?;
    let authenticated = !store::has_two_step(&rows);
    let token = hex(&random_bytes::<32>().map_err(|e| ApiError::Internal(e.to_string()))?);
    let expires_at = store::now() + i64::from(state.config.session_ttl);
    store::create_session(
        &mut conn,
        &sha256_hex(&token),
        &user.id,
        authenticated,
        expires_at,
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
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    client: ClientAddr,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<VerifyRequest>,
) -> ApiResult<Json<Session>> {
    let id_hash = session_cookie(&headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    require_csrf(&method, &headers)?;
    let user = store::user_by_id(&mut conn, &session.user_id).await?;
    drop(conn);
    if session.authenticated == 0 {
        verify_method_code(&state, &user.id, &client, &request).await?;
        let mut conn = state.db.pool.acquire().await?;
        store::authenticate_session(&mut conn, &id_hash).await?;
        let fresh_until = store::now() + i64::from(state.config.step_up_window);
        store::make_fresh(&mut conn, &format!("session:{id_hash}"), fresh_until).await?;
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
pub async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Option<Session>>> {
    let Some(id_hash) = session_cookie(&headers).map(|c| sha256_hex(&c)) else {
        return Ok(Json(None));
    };
    let mut conn = state.db.pool.acquire().await?;
    let Some(session) = store::session(&mut conn, &id_hash).await? else {
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
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_out(
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

/// Demo only: a bearer token for any user, so tests and the demo portal page can act
/// as a fresh user.
#[utoipa::path(post, path = "/demo/token", tag = TAG,
    request_body = DemoTokenRequest,
    responses(
        (status = 200, body = DemoTokenResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn token(
    State(state): State<AppState>,
    Json(request): Json<DemoTokenRequest>,
) -> ApiResult<Json<DemoTokenResponse>> {
    let sub = request.sub.trim();
    if sub.is_empty() || sub.len() > 128 || sub.chars().any(char::is_control) {
        return Err(ApiError::Validation("sub has 1 to 128 characters".into()));
    }
    let role = request.admin.then_some(state.config.admin_role.as_str());
    let (token, expires_at) = state.jwt.mint_demo(sub, role)?;
    Ok(Json(DemoTokenResponse { token, expires_at }))
}
