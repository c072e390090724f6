//! The demo's outbox (`--demo` only): the texts, calls and emails "sent" to the signed-in
//! person (also during the sign-in's second step), for the demo page's Outbox panel.

use crate::auth::session_cookie;
use crate::crypto::sha256_hex;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::HeaderMap;
use security_info_core::api::OutboxMessage;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(outbox))
}

/// The newest messages (up to 20, newest first) sent to the person of the demo session,
/// signed in or between password and second factor. 401 without a session.
#[utoipa::path(get, path = "/demo/outbox", tag = TAG,
    responses(
        (status = 200, body = Vec<OutboxMessage>),
        (status = 401, response = ProblemResponse),
    ))]
async fn outbox(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<OutboxMessage>>> {
    let id_hash = session_cookie(&headers)
        .map(|c| sha256_hex(&c))
        .ok_or(ApiError::Unauthenticated)?;
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    let session = store::session(&mut conn, &id_hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let rows = store::outbox_of(&mut conn, &session.user_id, 20).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OutboxMessage {
                id: r.id,
                kind: r.kind,
                to: r.recipient,
                subject: r.subject,
                text: r.body,
                created_at: r.created_ms / 1000,
            })
            .collect(),
    ))
}
