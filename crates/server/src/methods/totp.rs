//! TOTP enrolment (authenticator apps and hardware tokens): start reserves an
//! enrolment, the client generates the secret, finish checks a code against it.

use crate::auth::{Caller, ClientAddr};
use crate::clock::unix_now_ms;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, check_id, clean_name};
use crate::state::AppState;
use crate::store::{self, Bucket, MethodRow, db_time};
use crate::verify::verify_code;
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::Secret;
use security_info_core::api::{Method, TotpFinishRequest, TotpStartRequest, TotpStartResponse};
use security_info_core::methods::MethodType;
use security_info_core::totp::TotpParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zeroize::Zeroizing;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(totp_start))
        .routes(routes!(totp_finish))
}

/// Reserves a TOTP enrolment after checking policy, the limit and step-up — refusing
/// with `not-allowed-by-policy` (403), `limit-reached` (409), `step-up-required` (403),
/// in that order, or `csrf` (403), and with `rate-limited` (429) beyond the starts
/// allowed per window. A user keeps at most three enrolments open: a new one closes the
/// oldest. The client then generates the secret itself and finishes with a code.
#[utoipa::path(post, path = "/me/methods/totp/start", tag = TAG,
    request_body = TotpStartRequest,
    responses(
        (status = 200, body = TotpStartResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn totp_start(
    State(state): State<AppState>,
    caller: Caller,
    Json(_request): Json<TotpStartRequest>,
) -> ApiResult<Json<TotpStartResponse>> {
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &caller.user.id).await?;
    rules::check_add(&state.policy, MethodType::Totp, &rules::api_methods(&rows))?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    // Every start counts: opening enrolments in a loop is refused, not just bounded.
    let mut buckets = [Bucket {
        key: format!("enrollment-start:{}", caller.user.id),
        limit: state.config.enrollment_start_limit,
    }];
    let _counted =
        store::reserve_attempt(&state.db, &mut buckets, state.config.rate_limit_window, now)
            .await?;
    let expires_at = db_time(now) + i64::from(state.config.enrollment_ttl);
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &caller.user.id).await?;
    let enrollment_id = store::create_enrollment(
        &mut tx,
        &caller.user.id,
        MethodType::Totp,
        expires_at,
        rules::MAX_OPEN_ENROLLMENTS,
        now,
    )
    .await?;
    tx.commit().await?;
    let params = TotpParams::default();
    Ok(Json(TotpStartResponse {
        enrollment_id,
        issuer: state.config.issuer.clone(),
        account_name: caller.user.account_name.clone(),
        algorithm: params.algorithm,
        digits: params.digits,
        period: params.period,
        expires_at,
        server_time: db_time(now),
    }))
}

/// Finishes a TOTP enrolment: the server checks the code against the client's secret,
/// then adds the method inside a transaction that re-checks the limit and step-up.
/// Errors: 403 `step-up-required`, `not-allowed-by-policy` or `csrf`; 404 unknown
/// enrolment; 409 `limit-reached`; 410 the enrolment expired; 422 `invalid-code`;
/// 429 `rate-limited`.
#[utoipa::path(post, path = "/me/methods/totp", tag = TAG,
    request_body = TotpFinishRequest,
    responses(
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn totp_finish(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<TotpFinishRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let now = now_ms / 1000;
    check_id(&request.enrollment_id)?;
    let name = match &request.name {
        Some(name) => clean_name(name)?,
        None => "Authenticator app".to_owned(),
    };
    // The Base32 text is the secret too: wiped when the handler returns.
    let secret_text = Zeroizing::new(request.secret);
    if secret_text.len() > 256 {
        return Err(ApiError::Validation("the secret is too long".into()));
    }
    let secret = Secret::from_base32(&secret_text)
        .map_err(|_| ApiError::Validation("the secret is not Base32".into()))?;
    rules::check_secret_len(&secret)?;
    let user_id = caller.user.id.clone();
    let mut conn = state.db.pool.acquire().await?;
    let expires_at = store::enrollment_expiry(
        &mut conn,
        &user_id,
        &request.enrollment_id,
        MethodType::Totp,
    )
    .await?;
    drop(conn);
    if expires_at <= db_time(now) {
        return Err(ApiError::Expired);
    }
    let step = verify_code(
        &state,
        &user_id,
        &client,
        TotpParams::default(),
        secret.as_bytes(),
        &request.code,
        now,
    )
    .await?;

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
    if !store::consume_enrollment(&mut tx, &user_id, &request.enrollment_id).await? {
        return Err(ApiError::NotFound);
    }
    let id = crate::crypto::random_id()?;
    let sealed = state
        .secrets
        .seal(secret.as_bytes(), &store::secret_aad(&user_id, &id))?;
    let row = MethodRow {
        id,
        user_id: user_id.clone(),
        method_type: MethodType::Totp.as_str().to_owned(),
        name,
        secret_enc: Some(sealed),
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        // The enrolment code (and every earlier one) must not work again, e.g. as a
        // step-up.
        last_step: Some(store::db_step(step)?),
        totp_algorithm: None,
        totp_digits: None,
        totp_period: None,
        token_serial: None,
        key_model: None,
        contact: None,
        phone_kind: None,
        phone_extension: None,
    };
    let method = rules::insert_added(&mut tx, &user, &existing, &row).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, "authenticator added");
    Ok((StatusCode::CREATED, Json(method)))
}
