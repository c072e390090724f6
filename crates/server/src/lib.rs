//! Reference REST backend of the security-info components (routes and behaviour: crates/server/README.md).
//!
//! Layers, each using only the ones above it (no module cycles):
//!
//! - leaves: `config`, `crypto`, `db`, `error`, `openapi`, `web`, `password`, `listen`
//!   (the accept loop with the connection limits)
//! - `store` (SQL only), then `rules` (policy, validation, defaults), `inventory` (the
//!   hardware token inventory: import files, sealing to the serial, return on delete),
//!   `jwt` and `keys` (the encryption key's check value and rotation)
//! - `state` (`AppState`), then `auth` (who calls) and `verify` (codes under rate limits),
//!   then `webauthn` (security key ceremonies; `aaguids` names key models: a leaf)
//! - areas, each with its own `router()`: `methods` (one submodule per method type),
//!   `step_up`, `session`, `admin`, `tokens` (the hardware token inventory's admin API
//!   and CLI), `portal`; and `demo` (seeding)
//! - this root: the full router ([`app`]) and [`serve`].

pub mod aaguids;
pub mod admin;
pub mod auth;
pub mod clock;
pub mod codes;
pub mod config;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod inventory;
pub mod jwt;
pub mod keys;
pub mod listen;
pub mod methods;
pub mod openapi;
pub mod outbox;
pub mod password;
pub mod portal;
pub mod push;
pub mod push_hub;
pub mod push_store;
pub mod rules;
pub mod session;
pub mod session_push;
pub mod state;
pub mod step_up;
pub mod store;
pub mod tokens;
pub mod verify;
pub mod web;
pub mod webauthn;

pub use state::AppState;

use crate::config::Config;
use crate::error::{ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware;
use security_info_core::api::CSRF_HEADER;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "security-info", description = "Security info REST contract: methods, TOTP enrolment, default method, step-up."),
    modifiers(&SecuritySchemes),
    components(
        schemas(security_info_core::api::ErrorCode, security_info_core::api::Problem),
        responses(ProblemResponse)
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "device",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "A push device's signed request: `Device <deviceId>.<unixTime>.<nonce>.<signature>` (README, Push protocol)",
            ))),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                auth::SESSION_COOKIE,
                &format!("Demo sign-in session; state-changing requests also need the {CSRF_HEADER} header"),
            ))),
        );
    }
}

/// The API routes (relative to the base path) and their OpenAPI document: every area
/// brings its own router; the demo's only exist in demo mode.
fn api_router(config: &Config) -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::new()
        .merge(methods::router())
        .merge(step_up::router())
        .merge(admin::router())
        .merge(tokens::router())
        .routes(routes!(health));
    if config.demo {
        router
            .merge(session::router())
            .merge(session_push::router())
            .merge(outbox::router())
    } else {
        router
    }
}

/// The whole application: the API under the base path, its OpenAPI document, the static
/// front end, CORS, security headers, the body limit and request logs.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(&config.base_path, api_router(&config))
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let doc = Arc::new(doc);
    let openapi_path = format!("{}/openapi.json", config.base_path);
    let api = api
        .route(
            &openapi_path,
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route(
            &format!("{}/{{*rest}}", config.base_path),
            axum::routing::any(web::not_found),
        )
        .with_state(state);

    let mut app = match &config.static_dir {
        Some(dir) => api.fallback_service(web::static_files(dir)),
        None => api.fallback(web::not_found),
    };
    app = app.layer(DefaultBodyLimit::max(config.body_limit));
    if !config.cors_origins.is_empty() {
        app = app.layer(web::cors(&config.cors_origins));
    }
    // Outside CORS, so preflight answers get the security headers too.
    app = app.layer(middleware::from_fn(web::security_headers));
    if config.cookie_secure {
        app = app.layer(web::hsts());
    }
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// Liveness, including the database.
#[utoipa::path(get, path = "/health", tag = TAG,
    responses((status = 200, description = "healthy", body = Health),
              (status = 500, response = ProblemResponse)))]
async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

/// Binds, prints the URL (tests read the real port from it) and serves until Ctrl-C or
/// SIGTERM, letting requests in flight finish until the shutdown deadline. In demo mode
/// with a portal address, the "existing portal" example is served too, on its own
/// origin. Both listeners share the connection limits ([`listen`]).
pub async fn serve(mut state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.listen).await?;
    let url = public_url(listener.local_addr()?);
    let portal = match state.config.portal.clone() {
        Some(portal) => {
            let portal_listener = tokio::net::TcpListener::bind(portal.listen).await?;
            let portal_url = public_url(portal_listener.local_addr()?);
            // The portal calls the API from its own origin.
            let mut config = state.config.as_ref().clone();
            config.cors_origins.push(portal_url.clone());
            state.config = Arc::new(config);
            let api_base = format!("{url}{}", state.config.base_path);
            let users = portal::users().map_err(std::io::Error::other)?;
            for user in &users {
                println!("portal user: {} / {}", user.subject, user.password);
            }
            let mut portal_app = portal::router(&portal, &api_base, &state, users);
            if state.config.cookie_secure {
                portal_app = portal_app.layer(web::hsts());
            }
            Some((portal_listener, portal_url, portal_app))
        }
        None => None,
    };
    let mut limits = state.config.limits;
    #[cfg(unix)]
    {
        limits.max_connections = listen::fit_descriptor_limit(limits.max_connections);
    }
    let app = app(state);
    println!("security-info-server listening on {url}");
    tracing::info!(
        %url,
        max_connections = limits.max_connections,
        header_timeout = limits.header_timeout.as_secs(),
        body_timeout = limits.body_timeout.as_secs(),
        idle_timeout = limits.idle_timeout.as_secs(),
        "listening"
    );

    let (stop, stopped) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(());
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<()>| async move {
        let _ = stopped.changed().await;
    };
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let main = listen::serve(
        listener,
        app,
        limits,
        permits.clone(),
        until_stopped(stopped.clone()),
    );
    match portal {
        Some((portal_listener, portal_url, portal_app)) => {
            println!("demo portal on {portal_url}");
            let portal = listen::serve(
                portal_listener,
                portal_app,
                limits,
                permits,
                until_stopped(stopped),
            );
            tokio::join!(main, portal);
        }
        None => main.await,
    }
    Ok(())
}

/// Cookies are per host name and WebAuthn refuses IP addresses: loopback is printed as
/// `localhost`.
fn public_url(local: SocketAddr) -> String {
    let host = if local.ip().is_loopback() || local.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        local.ip().to_string()
    };
    format!("http://{host}:{}", local.port())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
