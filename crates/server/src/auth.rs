//! Who the caller is: a bearer JWT from the host portal, or the demo's own sign-in
//! session cookie (with its CSRF header). Also the client address for rate limiting.

use crate::config::Config;
use crate::crypto::{hex, random_bytes, sha256_hex};
use crate::error::{ApiError, ApiResult};
use crate::rules::without_hidden_characters;
use crate::state::AppState;
use crate::store::{self, UserRow};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use sqlx::AnyConnection;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "si_session";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRow,
    /// Whose step-up freshness applies: the demo session, or the bearer-token user.
    pub holder: String,
    /// The demo session's id hash, when the caller came with its cookie.
    pub session: Option<String>,
    pub admin: bool,
}

impl Caller {
    /// The admin API (users' methods, the token inventory) is for the admin role only.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(ApiError::Unauthenticated)?;
            let claims = state.jwt.verify(token).await?;
            let account = without_hidden_characters(
                claims
                    .email
                    .as_deref()
                    .or(claims.preferred_username.as_deref())
                    .unwrap_or(&claims.sub),
            )
            .take(256)
            .collect::<String>();
            let now = security_info_core::unix_now();
            let mut conn = state.db.pool.acquire().await?;
            let user = store::ensure_user(&mut conn, &claims.sub, &account, None, now).await?;
            return Ok(Caller {
                holder: format!("user:{}", user.id),
                session: None,
                admin: claims.roles.iter().any(|r| *r == state.config.admin_role),
                user,
            });
        }
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Err(ApiError::Unauthenticated);
        };
        let id_hash = sha256_hex(&cookie);
        let now = security_info_core::unix_now();
        let mut conn = state.db.pool.acquire().await?;
        let session = store::session(&mut conn, &id_hash, now)
            .await?
            .filter(|s| s.authenticated == 1)
            .ok_or(ApiError::Unauthenticated)?;
        require_csrf(&parts.method, &parts.headers, &state.config.cors_origins)?;
        let user = store::user_by_id(&mut conn, &session.user_id).await?;
        Ok(Caller {
            user,
            holder: store::session_holder(&session.id_hash),
            session: Some(session.id_hash),
            admin: false,
        })
    }
}

/// Cookie-authenticated changes must carry the CSRF header (a cross-site form cannot
/// set it, and a cross-origin script needs CORS consent to) and come from the page's own
/// origin or one allowed through CORS, as the browser reports it.
pub fn require_csrf(
    method: &Method,
    headers: &HeaderMap,
    cors_origins: &[String],
) -> ApiResult<()> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let has_header = headers
        .get(security_info_core::api::CSRF_HEADER)
        .is_some_and(|v| !v.is_empty());
    if has_header && from_allowed_origin(headers, cors_origins) {
        Ok(())
    } else {
        Err(ApiError::Csrf)
    }
}

/// Fetch metadata first: browsers send `Sec-Fetch-Site` and pages cannot forge it
/// (behind a proxy such as `trunk serve`'s it stays right where `Host` does not). Older
/// browsers send only `Origin`, compared with `Host`. A client that sends neither is not
/// a browser, so it holds no victim's cookie.
fn from_allowed_origin(headers: &HeaderMap, cors_origins: &[String]) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let origin = text(header::ORIGIN);
    let allowed_by_cors =
        || origin.is_some_and(|o| cors_origins.iter().any(|c| c.trim_end_matches('/') == o));
    match text(header::HeaderName::from_static("sec-fetch-site")) {
        Some("same-origin" | "none") => true,
        Some(_) => allowed_by_cors(),
        None => match origin {
            None => true,
            Some(o) => {
                let authority = o
                    .strip_prefix("https://")
                    .or_else(|| o.strip_prefix("http://"));
                (authority.is_some() && authority == text(header::HOST)) || allowed_by_cors()
            }
        },
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure when configured; `max_age` 0
/// removes it.
pub fn session_cookie_header(config: &Config, value: &str, max_age: u32) -> ApiResult<HeaderValue> {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    Ok(HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))?)
}

/// A fresh session id (the cookie's value) and its stored hash.
pub fn new_session_id() -> ApiResult<(String, String)> {
    let token = hex(&random_bytes::<32>()?);
    let hash = sha256_hex(&token);
    Ok((token, hash))
}

/// Gives a demo session a new id after a privilege change (the second factor, a
/// step-up), inside the caller's transaction: an id someone learned or planted before
/// is worthless from then on. Answers the new cookie.
pub async fn rotate_session(
    conn: &mut AnyConnection,
    config: &Config,
    id_hash: &str,
) -> ApiResult<HeaderValue> {
    let (token, new_hash) = new_session_id()?;
    if !store::rotate_session(conn, id_hash, &new_hash).await? {
        return Err(ApiError::Unauthenticated);
    }
    session_cookie_header(config, &token, config.session_ttl)
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` (also the demo portal's own session cookie).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The client's address: the peer, or the first entry of the trusted proxy header when
/// one is configured (never trusted otherwise: clients could pick their own bucket).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(name) = &state.config.trusted_proxy_header
            && let Some(first) = parts
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return Ok(ClientAddr(first.chars().take(64).collect()));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(ClientAddr(peer))
    }
}
