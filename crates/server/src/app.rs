//! The router: API under the base path, OpenAPI document, static front end, CORS,
//! security headers, body limit, request logs; and serving with graceful shutdown.

use crate::auth::JwtVerifier;
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::error::{ApiError, problem_response};
use crate::{admin, api, demo};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{CSRF_HEADER, ErrorCode, Problem};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// CSP of HTML pages: the wasm front end needs only its own origin.
pub const HTML_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
/// CSP of everything else (JSON, problems): nothing to run or embed.
const OTHER_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub secrets: Arc<SecretBox>,
    pub jwt: Arc<JwtVerifier>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "security-info", description = "Security info REST contract: methods, TOTP enrolment, default method, step-up."),
    modifiers(&SecuritySchemes),
    components(schemas(security_info_core::api::ErrorCode))
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
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                &format!("Demo sign-in session; state-changing requests also need the {CSRF_HEADER} header"),
            ))),
        );
    }
}

/// The API routes (relative to the base path) and their OpenAPI document.
pub fn api_router(config: &Config) -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::new()
        .routes(routes!(api::security_info))
        .routes(routes!(api::totp_start))
        .routes(routes!(api::totp_finish))
        .routes(routes!(api::rename_method, api::delete_method))
        .routes(routes!(api::set_default))
        .routes(routes!(api::step_up))
        .routes(routes!(api::health))
        .routes(routes!(admin::api_list))
        .routes(routes!(admin::api_delete))
        .routes(routes!(admin::api_reset));
    if config.demo {
        router = router
            .routes(routes!(demo::sign_in, demo::current, demo::sign_out))
            .routes(routes!(demo::verify))
            .routes(routes!(demo::token));
    }
    router
}

pub fn build(state: AppState) -> Router {
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
            axum::routing::any(not_found),
        )
        .with_state(state);

    let mut app = match &config.static_dir {
        Some(dir) => api.fallback_service(static_files(dir)),
        None => api.fallback(not_found),
    };
    app = app.layer(DefaultBodyLimit::max(config.body_limit));
    if !config.cors_origins.is_empty() {
        app = app.layer(cors(&config.cors_origins));
    }
    // Outside CORS, so preflight answers get the security headers too.
    app.layer(middleware::from_fn(security_headers)).layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// Static files; `.br`/`.gz` siblings written at build time are served to browsers that
/// accept them (the wasm is ~3× smaller in brotli, and nothing is compressed per request).
pub fn static_files(dir: &std::path::Path) -> ServeDir {
    ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip()
}

async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(CSRF_HEADER),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// Security headers on every response; the strict CSP on HTML; no caching of API data.
/// Also turns axum's own bodyless errors (405) into problems.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == axum::http::StatusCode::METHOD_NOT_ALLOWED {
        let problem = Problem::new(ErrorCode::MethodNotAllowed);
        let allow = response.headers().get(header::ALLOW).cloned();
        response = problem_response(&problem);
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A 304 has no content type; browsers merge its headers into the cached response, so
    // it keeps the policy that came with the 200 rather than getting the API's.
    let revalidated = response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    if !revalidated {
        let csp = if is_html { HTML_CSP } else { OTHER_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Binds, prints the URL (tests read the real port from it) and serves until Ctrl-C or
/// SIGTERM, letting requests in flight finish. In demo mode with a portal address, the
/// "existing portal" example is served too, on its own origin.
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
            Some((
                portal_listener,
                portal_url,
                crate::portal::router(&portal, &api_base),
            ))
        }
        None => None,
    };
    let app = build(state);
    println!("security-info-server listening on {url}");
    tracing::info!(%url, "listening");

    let (stop, stopped) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(());
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<()>| async move {
        let _ = stopped.changed().await;
    };
    let main = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(until_stopped(stopped.clone()));
    match portal {
        Some((portal_listener, portal_url, portal_app)) => {
            println!("demo portal on {portal_url}");
            let portal = axum::serve(portal_listener, portal_app)
                .with_graceful_shutdown(until_stopped(stopped));
            tokio::try_join!(main.into_future(), portal.into_future()).map(|_| ())
        }
        None => main.await,
    }
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
