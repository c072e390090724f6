//! Demo mode: seeded users with passwords, and a token endpoint for tests and the demo
//! portal page. None of this exists without `--demo`.

use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::password::hash_password;
use crate::state::AppState;
use crate::store::{self, db_time};
use axum::extract::State;
use security_info_core::api::{DemoTokenRequest, DemoTokenResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Seeded demo accounts (user name, password): printed at start.
pub const DEMO_USERS: [(&str, &str); 2] = [
    ("alice", "alice-demo-password"),
    ("bob", "bob-demo-password"),
];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(token))
}

pub async fn seed(state: &AppState) -> Result<(), ApiError> {
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    for (name, password) in DEMO_USERS {
        if store::user_by_subject(&mut conn, name).await?.is_some() {
            continue;
        }
        let hash = hash_password(password.to_owned()).await?;
        let account = format!("{name}@example.com");
        store::ensure_user(&mut conn, name, &account, Some(&hash), now).await?;
    }
    Ok(())
}

/// Demo only: a bearer token for any user, so tests and the demo portal page can act
/// as a fresh user.
#[utoipa::path(post, path = "/demo/token", tag = TAG,
    request_body = DemoTokenRequest,
    responses(
        (status = 200, body = DemoTokenResponse),
        (status = 400, response = ProblemResponse),
    ))]
async fn token(
    State(state): State<AppState>,
    Json(request): Json<DemoTokenRequest>,
) -> ApiResult<Json<DemoTokenResponse>> {
    let sub = request.sub.trim();
    if sub.is_empty() || sub.len() > 128 || sub.chars().any(char::is_control) {
        return Err(ApiError::Validation("sub has 1 to 128 characters".into()));
    }
    let role = request.admin.then_some(state.config.admin_role.as_str());
    let now = db_time(security_info_core::unix_now());
    let (token, expires_at) = state.jwt.mint_demo(sub, role, now)?;
    Ok(Json(DemoTokenResponse { token, expires_at }))
}
