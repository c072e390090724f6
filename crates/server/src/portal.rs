//! Demo only: the "existing portal" example (`www/portal`) on a second origin. Like a real
//! portal it signs in its own users (a short fixed list, passwords drawn at start), keeps
//! its own session cookie, and hands its page short-lived bearer tokens for the signed-in
//! user only — so CORS and JWT authentication are exercised the way a real portal uses
//! them. Its users are not the demo's password users, and its tokens never carry the
//! admin role.

use crate::auth::{cookie_value, require_csrf};
use crate::config::PortalConfig;
use crate::crypto::{KeyError, hex, random_bytes, sha256_hex};
use crate::error::{ApiError, ApiResult, Json};
use crate::jwt::JwtVerifier;
use crate::state::AppState;
use crate::store::db_time;
use crate::web::{HTML_CSP, static_files};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use security_info_core::api::SignInRequest;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tower_http::set_header::SetResponseHeaderLayer;

/// The portal's users (their `sub` in the tokens it mints).
pub const PORTAL_USERS: [&str; 2] = ["carol@contoso.example", "dave@contoso.example"];
/// Not the API's `si_session`: cookies ignore ports, so on localhost both origins see both.
const PORTAL_COOKIE: &str = "portal_session";

/// A portal user and its password for this run.
pub struct PortalUser {
    pub subject: &'static str,
    pub password: String,
}

/// The portal's users with fresh random passwords (64 bits each: guessing them over HTTP
/// is hopeless, so the sign-in needs no rate limit). They live only in this process and
/// are printed at start, like the demo users.
pub fn users() -> Result<Vec<PortalUser>, KeyError> {
    PORTAL_USERS
        .into_iter()
        .map(|subject| {
            Ok(PortalUser {
                subject,
                password: hex(&random_bytes::<8>()?),
            })
        })
        .collect()
}

/// Signed-in portal sessions by the SHA-256 of their cookie (in memory: the portal is a
/// demo of another application, not part of the security-info database).
#[derive(Default)]
struct Sessions(HashMap<String, (&'static str, i64)>);

impl Sessions {
    /// Opens a session and forgets the expired ones, so the map stays bounded by the
    /// sign-ins of one session lifetime.
    fn open(&mut self, id_hash: String, subject: &'static str, expires_at: i64, now: i64) {
        self.0.retain(|_, (_, expires)| *expires > now);
        self.0.insert(id_hash, (subject, expires_at));
    }

    fn user(&self, id_hash: &str, now: i64) -> Option<&'static str> {
        self.0
            .get(id_hash)
            .filter(|(_, expires)| *expires > now)
            .map(|(subject, _)| *subject)
    }

    fn close(&mut self, id_hash: &str) {
        self.0.remove(id_hash);
    }
}

#[derive(Clone)]
struct Portal {
    jwt: Arc<JwtVerifier>,
    users: Arc<[PortalUser]>,
    sessions: Arc<Mutex<Sessions>>,
    session_ttl: u32,
    cookie_secure: bool,
}

impl Portal {
    /// A panic elsewhere cannot leave the map half-changed (each change is one call).
    fn sessions(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn signed_in(&self, headers: &HeaderMap, now: i64) -> Option<&'static str> {
        let id_hash = sha256_hex(&cookie_value(headers, PORTAL_COOKIE)?);
        self.sessions().user(&id_hash, now)
    }

    fn cookie(&self, value: &str, max_age: u32) -> ApiResult<HeaderValue> {
        let secure = if self.cookie_secure { "; Secure" } else { "" };
        Ok(HeaderValue::from_str(&format!(
            "{PORTAL_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        ))?)
    }
}

#[derive(Serialize)]
struct PortalSession {
    user: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PortalToken {
    token: String,
    expires_at: i64,
}

pub fn router(
    portal: &PortalConfig,
    api_base: &str,
    state: &AppState,
    users: Vec<PortalUser>,
) -> Router {
    // The demo's CSP, except that the page may call the API on the other origin.
    let api_origin = api_base.split('/').take(3).collect::<Vec<_>>().join("/");
    let csp = HTML_CSP.replace(
        "connect-src 'self'",
        &format!("connect-src 'self' {api_origin}"),
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static(HTML_CSP));
    let config = serde_json::json!({ "apiBase": api_base });
    // No CORS layer: only the portal's own pages can send the CSRF header to these.
    let own_api = Router::new()
        .route("/session", get(current).post(sign_in).delete(sign_out))
        .route("/session/token", post(token))
        .with_state(Portal {
            jwt: state.jwt.clone(),
            users: users.into(),
            sessions: Arc::default(),
            session_ttl: state.config.session_ttl,
            cookie_secure: state.config.cookie_secure,
        })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .route(
            "/config.json",
            get(move || {
                let config = config.clone();
                async move { axum::Json(config).into_response() }
            }),
        )
        .merge(own_api)
        .nest_service("/security-info", static_files(&portal.pkg_dir))
        .fallback_service(static_files(&portal.dir))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

fn now() -> i64 {
    db_time(security_info_core::unix_now())
}

/// The signed-in portal user, or `null`.
async fn current(State(portal): State<Portal>, headers: HeaderMap) -> Json<Option<PortalSession>> {
    Json(
        portal
            .signed_in(&headers, now())
            .map(|user| PortalSession { user }),
    )
}

async fn sign_in(
    State(portal): State<Portal>,
    method: Method,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> ApiResult<Response> {
    // The portal allows no other origin (it sends no CORS headers).
    require_csrf(&method, &headers, &[])?;
    // Digests compared, so the comparison's timing tells nothing about the password.
    let given = sha256_hex(&request.password);
    let user = portal
        .users
        .iter()
        .find(|u| u.subject == request.username && sha256_hex(&u.password) == given)
        .ok_or(ApiError::Unauthenticated)?;
    let cookie = hex(&random_bytes::<32>()?);
    let now = now();
    portal.sessions().open(
        sha256_hex(&cookie),
        user.subject,
        now + i64::from(portal.session_ttl),
        now,
    );
    Ok((
        [(
            header::SET_COOKIE,
            portal.cookie(&cookie, portal.session_ttl)?,
        )],
        Json(PortalSession { user: user.subject }),
    )
        .into_response())
}

async fn sign_out(
    State(portal): State<Portal>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // The portal allows no other origin (it sends no CORS headers).
    require_csrf(&method, &headers, &[])?;
    if let Some(cookie) = cookie_value(&headers, PORTAL_COOKIE) {
        portal.sessions().close(&sha256_hex(&cookie));
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, portal.cookie("", 0)?)],
    )
        .into_response())
}

/// A short-lived bearer token for the session's user: who it is for comes from the
/// session alone (nothing in the request chooses it), and it never has a role.
async fn token(
    State(portal): State<Portal>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Json<PortalToken>> {
    let now = now();
    let user = portal
        .signed_in(&headers, now)
        .ok_or(ApiError::Unauthenticated)?;
    // The portal allows no other origin (it sends no CORS headers).
    require_csrf(&method, &headers, &[])?;
    let (token, expires_at) = portal.jwt.mint_demo(user, now)?;
    Ok(Json(PortalToken { token, expires_at }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_users_are_not_the_demo_password_users() {
        for (name, _) in crate::demo::DEMO_USERS {
            assert!(!PORTAL_USERS.contains(&name));
        }
    }

    #[test]
    fn sessions_expire_and_close() {
        let mut sessions = Sessions::default();
        sessions.open("a".into(), PORTAL_USERS[0], 100, 0);
        assert_eq!(sessions.user("a", 99), Some(PORTAL_USERS[0]));
        assert_eq!(sessions.user("a", 100), None);
        assert_eq!(sessions.user("b", 0), None);
        // Opening another one later forgets the expired one.
        sessions.open("b".into(), PORTAL_USERS[1], 300, 200);
        assert_eq!(sessions.0.len(), 1);
        sessions.close("b");
        assert_eq!(sessions.user("b", 200), None);
    }
}
