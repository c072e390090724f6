//! Demo only: the "existing portal" example (`www/portal`) on a second origin. It embeds
//! the component through the npm package with a bearer token from the demo token
//! endpoint, so CORS and JWT authentication are exercised the way a real portal uses them.

use crate::config::PortalConfig;
use crate::web::{HTML_CSP, static_files};
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Json};
use tower_http::set_header::SetResponseHeaderLayer;

/// The portal's signed-in user (its `sub` in the tokens it asks for).
pub const PORTAL_USER: &str = "carol@contoso.example";

pub fn router(portal: &PortalConfig, api_base: &str) -> Router {
    // The demo's CSP, except that the page may call the API on the other origin.
    let api_origin = api_base.split('/').take(3).collect::<Vec<_>>().join("/");
    let csp = HTML_CSP.replace(
        "connect-src 'self'",
        &format!("connect-src 'self' {api_origin}"),
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static(HTML_CSP));
    let config = serde_json::json!({ "apiBase": api_base, "user": PORTAL_USER });
    Router::new()
        .route(
            "/config.json",
            axum::routing::get(move || {
                let config = config.clone();
                async move { Json(config).into_response() }
            }),
        )
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
