//! Hardware OATH tokens: a person activates a token an administrator imported (see
//! `tokens`) by its serial number and the code it shows. The activated token is a
//! `totp` method whose secret moves from the inventory (sealed to the serial) to the
//! method (sealed to user and method); deleting the method puts it back.

use crate::auth::{Caller, ClientAddr};
use crate::clock::unix_now_ms;
use crate::error::{ApiError, ApiResult, Json};
use crate::inventory::{normalize_serial, waiting_secret};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, clean_name};
use crate::state::AppState;
use crate::store::{self, MethodRow, TokenRow};
use crate::verify::{count_failed_guess, verify_code};
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::{HardwareTokenRequest, Method};
use security_info_core::methods::MethodType;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(activate))
}

/// May `user_id` activate this token: in the inventory, and assigned to nobody or to them.
fn activatable_by(token: &TokenRow, user_id: &str) -> bool {
    token.method_id.is_none() && token.user_id.as_deref().is_none_or(|u| u == user_id)
}

/// Activates a hardware token by its serial number and current code. Policy, the
/// authenticator limit (apps and tokens together) and step-up are checked first and
/// again in the transaction that adds the method. A serial number that is unknown, or
/// belongs to a token assigned to someone else or already in use, is answered 404 and
/// counts as a failed verification, like a wrong code. Errors: 403
/// `step-up-required`, `not-allowed-by-policy` or `csrf`; 404 `not-found`; 409
/// `limit-reached`; 422 `invalid-code` (with the drift detail when the token's clock is
/// off) or `code-reused`; 429 `rate-limited`.
#[utoipa::path(post, path = "/me/methods/hardware-token", tag = TAG,
    request_body = HardwareTokenRequest,
    responses(
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<HardwareTokenRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let now = now_ms / 1000;
    let name = match &request.name {
        Some(name) => clean_name(name)?,
        None => "Hardware token".to_owned(),
    };
    let user_id = caller.user.id.clone();
    // Refusals that need no guess come first, so they use up no attempt.
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user_id).await?;
    rules::check_add(&state.policy, MethodType::Totp, &rules::api_methods(&rows))?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    let token = match normalize_serial(&request.serial) {
        Some(serial) => store::token(&mut conn, &serial).await?,
        None => None,
    };
    drop(conn);
    let Some(token) = token.filter(|t| activatable_by(t, &user_id)) else {
        count_failed_guess(&state, &user_id, &client, now).await?;
        return Err(ApiError::NotFound);
    };
    let secret = waiting_secret(&state.secrets, &token)?;
    let params = token.params()?;
    let step = verify_code(
        &state,
        &user_id,
        &client,
        params,
        &secret,
        &request.code,
        now,
    )
    .await?;
    let step = store::db_step(step)?;
    // A code used before the token went back to the inventory stays used.
    if token.last_step.is_some_and(|last| step <= last) {
        return Err(ApiError::CodeReused);
    }

    let mut tx = state.db.begin_write().await?;
    let (user, existing) = rules::lock_for_add(
        &mut tx,
        &state.policy,
        MethodType::Totp,
        &user_id,
        &caller.holder,
        now,
    )
    .await?;
    let id = crate::crypto::random_id()?;
    if !store::activate_token(&mut tx, &token.serial, &user_id, &id, step).await? {
        // Another activation of this token (or a code at least as new) came first.
        return Err(ApiError::CodeReused);
    }
    let row = MethodRow {
        secret_enc: Some(
            state
                .secrets
                .seal(&secret, &store::secret_aad(&user_id, &id))?,
        ),
        id,
        user_id: user_id.clone(),
        method_type: MethodType::Totp.as_str().to_owned(),
        name,
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        // The activation code (and every earlier one) must not work again.
        last_step: Some(step),
        totp_algorithm: Some(params.algorithm.as_str().to_owned()),
        totp_digits: Some(i64::from(params.digits)),
        totp_period: Some(i64::from(params.period)),
        token_serial: Some(token.serial.clone()),
        key_model: None,
        contact: None,
        phone_kind: None,
        phone_extension: None,
    };
    let method = rules::insert_added(&mut tx, &user, &existing, &row).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, "hardware token activated");
    Ok((StatusCode::CREATED, Json(method)))
}
