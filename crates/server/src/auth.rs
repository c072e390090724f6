//! Who the caller is: a bearer JWT from the host portal, or the demo's own sign-in
//! session cookie (with its CSRF header). Also the client address for rate limiting.

use crate::crypto::sha256_hex;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{self, UserRow};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "si_session";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRow,
    /// Whose step-up freshness applies: the demo session, or the bearer-token user.
    pub holder: String,
    pub admin: bool,
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
            let account = claims
                .email
                .as_deref()
                .or(claims.preferred_username.as_deref())
                .unwrap_or(&claims.sub)
                .chars()
                .filter(|c| !c.is_control())
                .take(256)
                .collect::<String>();
            let now = security_info_core::unix_now();
            let mut conn = state.db.pool.acquire().await?;
            let user = store::ensure_user(&mut conn, &claims.sub, &account, None, now).await?;
            return Ok(Caller {
                holder: format!("user:{}", user.id),
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
        require_csrf(&parts.method, &parts.headers)?;
        let user = store::user_by_id(&mut conn, &session.user_id).await?;
        Ok(Caller {
            user,
            holder: store::session_holder(&session.id_hash),
            admin: false,
        })
    }
}

/// Cookie-authenticated changes must carry the CSRF header: a cross-site form cannot
/// set it, and a cross-origin script needs CORS consent to.
pub fn require_csrf(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let has_header = headers
        .get(security_info_core::api::CSRF_HEADER)
        .is_some_and(|v| !v.is_empty());
    if safe || has_header {
        Ok(())
    } else {
        Err(ApiError::Csrf)
    }
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
