//! The caller's methods, whatever their type: the security-info overview, rename,
//! delete and the default method. Each method type brings its enrolment in a submodule
//! with its own router (`totp`, `hardware` for hardware tokens, which are `totp` methods
//! too; a new type adds e.g. `phone.rs` the same way), merged here. Submodules use only
//! the layers below, never this module.

pub mod email;
pub mod hardware;
pub mod phone;
pub mod push;
pub mod security_key;
pub mod security_questions;
pub mod totp;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::inventory;
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, check_id, clean_name};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use security_info_core::api::{
    DefaultMethod, DefaultMethodResponse, Method, RenameRequest, SecurityInfo, SetDefaultRequest,
    StepUp,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(security_info))
        .routes(routes!(rename_method, delete_method))
        .routes(routes!(set_default))
        .merge(totp::router())
        .merge(hardware::router())
        .merge(security_key::router())
        .merge(push::router())
        .merge(phone::router())
        .merge(email::router())
        .merge(security_questions::router())
}

/// The caller's methods, default, policy and step-up state; for a demo-session cookie
/// also the session, so the demo page needs no second request to learn who is signed in.
#[utoipa::path(get, path = "/me/security-info", tag = TAG,
    responses(
        (status = 200, body = SecurityInfo),
        (status = 401, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn security_info(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SecurityInfo>> {
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &caller.user.id).await?;
    let methods = rules::api_methods(&rows);
    let fresh_until = store::fresh_until(&mut conn, &caller.holder, now).await?;
    Ok(Json(SecurityInfo {
        session: caller
            .session
            .is_some()
            .then(|| rules::session_answer(&caller.user, &rows, true)),
        default_method: rules::current_default(&caller.user, &methods),
        step_up: StepUp {
            required: rules::has_two_step(&rows) && fresh_until.is_none(),
            fresh_until,
        },
        methods,
        policy: state.policy.as_ref().clone(),
        server_time: store::db_time(now),
    }))
}

/// Renames one of the caller's methods. Refuses with `csrf` (403) for a cookie request
/// without the header.
#[utoipa::path(patch, path = "/me/methods/{id}", tag = TAG,
    params(("id" = String, Path, description = "method id")),
    request_body = RenameRequest,
    responses(
        (status = 200, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn rename_method(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(request): Json<RenameRequest>,
) -> ApiResult<Json<Method>> {
    check_id(&id)?;
    let name = clean_name(&request.name)?;
    let mut conn = state.db.pool.acquire().await?;
    store::rename_method(&mut conn, &caller.user.id, &id, &name).await?;
    let row = store::method_of(&mut conn, &caller.user.id, &id).await?;
    row.to_api().map(Json).ok_or(ApiError::NotFound)
}

/// Deletes one of the caller's methods (step-up first) and answers the new default.
/// Refuses with `step-up-required`, `not-allowed-by-policy` or `csrf` (403).
#[utoipa::path(delete, path = "/me/methods/{id}", tag = TAG,
    params(("id" = String, Path, description = "method id")),
    responses(
        (status = 200, body = DefaultMethodResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn delete_method(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DefaultMethodResponse>> {
    check_id(&id)?;
    let now = security_info_core::unix_now();
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_user(&mut tx, &caller.user.id).await?;
    let rows = store::methods_of(&mut tx, &user.id).await?;
    let target_row = rows.iter().find(|m| m.id == id).ok_or(ApiError::NotFound)?;
    let target = target_row.kind().ok_or(ApiError::NotFound)?;
    rules::require_fresh(&mut tx, &caller.holder, &rows, now).await?;
    let existing = rules::api_methods(&rows);
    rules::check_delete(&state.policy, target, &existing)?;
    inventory::return_token(&mut tx, &state.secrets, target_row).await?;
    store::delete_method(&mut tx, &user.id, &id).await?;
    // A push method's device key is revoked and its notifications cancelled.
    let revoked = crate::push_store::revoke_method_device(&mut tx, &id).await?;
    let remaining: Vec<Method> = existing.into_iter().filter(|m| m.id != id).collect();
    let default = rules::current_default(&user, &remaining);
    store::set_default(&mut tx, &user.id, default.as_ref()).await?;
    tx.commit().await?;
    if let Some(device) = revoked {
        let key = crate::push_hub::device_key(&device);
        state.push.notify(&state.db, &[key]).await;
    }
    tracing::info!(user = %user.id, method = %id, "method deleted");
    Ok(Json(DefaultMethodResponse {
        default_method: default,
    }))
}

/// Changes the default sign-in method to one of the caller's two-step methods.
/// Refuses with `csrf` (403) for a cookie request without the header.
#[utoipa::path(put, path = "/me/default-method", tag = TAG,
    request_body = SetDefaultRequest,
    responses(
        (status = 200, body = DefaultMethodResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn set_default(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<SetDefaultRequest>,
) -> ApiResult<Json<DefaultMethodResponse>> {
    check_id(&request.method_id)?;
    // Under the user's lock, like deleting: the default never names a deleted method.
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &caller.user.id).await?;
    let method = store::method_of(&mut tx, &caller.user.id, &request.method_id)
        .await?
        .to_api()
        .ok_or(ApiError::NotFound)?;
    if !method.default_modes.contains(&request.mode) {
        return Err(ApiError::Validation(
            "this method cannot be the default sign-in method in that mode".into(),
        ));
    }
    let default = DefaultMethod {
        method_id: method.id,
        mode: request.mode,
    };
    store::set_default(&mut tx, &caller.user.id, Some(&default)).await?;
    tx.commit().await?;
    Ok(Json(DefaultMethodResponse {
        default_method: Some(default),
    }))
}
