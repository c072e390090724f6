//! The REST handlers (SPEC section 5). Each carries its OpenAPI description; the
//! router registers handlers only through `utoipa_axum::routes!`, so every route is in
//! the document.

use crate::app::AppState;
use crate::auth::{Caller, ClientAddr};
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::store::{self, Bucket, MethodRow};
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::{
    DefaultMethod, DefaultMethodResponse, Method, Policy, Problem, RenameRequest, SecurityInfo,
    SetDefaultRequest, StepUp, StepUpResponse, TotpFinishRequest, TotpStartRequest,
    TotpStartResponse, VerifyRequest,
};
use security_info_core::methods::{MethodType, Rules, limit_reached_message};
use security_info_core::totp::{Algorithm, TotpParams, Verification, Window};
use security_info_core::{CoreError, Secret};
use sqlx::AnyConnection;

pub const TAG: &str = "security-info";
const MAX_NAME_CHARS: usize = 64;
const MAX_ID_LEN: usize = 64;

// ---- shared logic ----------------------------------------------------------------------

pub fn policy(state: &AppState) -> Policy {
    let c = &state.config;
    Policy {
        allowed_methods: c.allowed_methods.clone(),
        max_authenticators: c.max_authenticators,
        allow_delete_last_mfa_method: c.allow_delete_last_mfa_method,
        step_up_window_secs: c.step_up_window,
        security_questions_required: c.security_questions_required,
        security_questions: c.security_questions.clone(),
        authenticator_name: c.authenticator_name.clone(),
    }
}

fn rules(state: &AppState) -> Rules {
    Rules {
        allowed: state.config.allowed_methods.clone(),
        max_authenticators: state.config.max_authenticators,
        allow_delete_last_mfa_method: state.config.allow_delete_last_mfa_method,
    }
}

fn check_add(state: &AppState, kind: MethodType, existing: &[Method]) -> ApiResult<()> {
    rules(state)
        .check_add(kind, &store::types_of(existing))
        .map_err(|e| match e {
            CoreError::LimitReached { max } => {
                ApiError::LimitReached(limit_reached_message(&state.config.authenticator_name, max))
            }
            other => ApiError::NotAllowedByPolicy(other.to_string()),
        })
}

/// Step-up is needed once the user has any two-step method and the holder has no
/// fresh verification.
async fn require_fresh(
    conn: &mut AnyConnection,
    caller: &Caller,
    rows: &[MethodRow],
) -> ApiResult<()> {
    if store::has_two_step(rows) && store::fresh_until(conn, &caller.holder).await?.is_none() {
        return Err(ApiError::StepUpRequired);
    }
    Ok(())
}

/// Ids are ours (hex); anything else cannot exist, and must not reach the database
/// (PostgreSQL refuses NUL bytes with an error, not a miss).
pub fn check_id(id: &str) -> ApiResult<()> {
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// A subject or user name: 1–256 characters without control characters.
pub fn valid_subject(subject: &str) -> bool {
    !subject.is_empty() && subject.len() <= 256 && !subject.chars().any(char::is_control)
}

/// A display name: trimmed, 1–64 characters, no control characters.
fn clean_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::Validation(format!(
            "a name has 1 to {MAX_NAME_CHARS} characters and no control characters"
        )));
    }
    Ok(name.to_owned())
}

/// Checks a TOTP code against `secret` under the rate limits; returns the matched time
/// step. Failed guesses stay counted; a right code leaves no trace in the counters.
pub async fn verify_code(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    secret: &[u8],
    code: &str,
) -> ApiResult<u64> {
    let params = TotpParams::default();
    // A malformed code is not a guess: refuse it before touching the counters.
    if code.len() > 32 || security_info_core::totp::normalize_code(code, params.digits).is_err() {
        return Err(ApiError::InvalidCode(Some(format!(
            "a code has {} digits",
            params.digits
        ))));
    }
    let mut buckets = [
        Bucket {
            key: format!("user:{user_id}"),
            limit: state.config.rate_limit_user,
        },
        Bucket {
            key: format!("client:{}", client.0),
            limit: state.config.rate_limit_client,
        },
    ];
    let now = security_info_core::unix_now();
    let mut outcome = Verification::Invalid;
    store::limited_attempt(
        &state.db,
        &mut buckets,
        state.config.rate_limit_window,
        || {
            outcome = params
                .verify(secret, code, now, Window::default())
                .unwrap_or(Verification::Invalid);
            matches!(outcome, Verification::Valid { .. })
        },
    )
    .await?;
    match outcome {
        Verification::Valid { step } => Ok(step),
        Verification::Drift { .. } => Err(ApiError::InvalidCode(Some(
            "this code is from another time: check the clock of the device".into(),
        ))),
        Verification::Invalid => Err(ApiError::InvalidCode(None)),
    }
}

/// Verifies a code for one of the caller's registered methods and marks its step used.
pub async fn verify_method_code(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    request: &VerifyRequest,
) -> ApiResult<()> {
    check_id(&request.method_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let method = store::method_of(&mut conn, user_id, &request.method_id).await?;
    drop(conn);
    if !method.kind().is_some_and(MethodType::is_two_step) {
        return Err(ApiError::Validation(
            "this method cannot verify sign-ins".into(),
        ));
    }
    let sealed = method
        .secret_enc
        .as_deref()
        .ok_or_else(|| ApiError::Validation("this method has no code generator".into()))?;
    let secret = state.secrets.open(sealed, &method.aad()).ok_or_else(|| {
        ApiError::Internal("a stored secret does not decrypt with this key".into())
    })?;
    let step = verify_code(state, user_id, client, &secret, &request.code).await?;
    let mut conn = state.db.pool.acquire().await?;
    if !store::claim_step(&mut conn, &method.id, step).await? {
        return Err(ApiError::CodeReused);
    }
    store::touch_method(&mut conn, &method.id).await?;
    Ok(())
}

pub async fn security_info_for(state: &AppState, caller: &Caller) -> ApiResult<SecurityInfo> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &caller.user.id).await?;
    let methods = store::api_methods(&rows);
    let fresh_until = store::fresh_until(&mut conn, &caller.holder).await?;
    Ok(SecurityInfo {
        default_method: store::current_default(&caller.user, &methods),
        step_up: StepUp {
            required: store::has_two_step(&rows) && fresh_until.is_none(),
            fresh_until,
        },
        methods,
        policy: policy(state),
        server_time: store::now(),
    })
}

// ---- handlers --------------------------------------------------------------------------

/// The caller's methods, default, policy and step-up state.
#[utoipa::path(get, path = "/me/security-info", tag = TAG,
    responses(
        (status = 200, body = SecurityInfo),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn security_info(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SecurityInfo>> {
    Ok(Json(security_info_for(&state, &caller).await?))
}

/// Reserves a TOTP enrolment after checking policy, the limit and step-up. The client
/// then generates the secret itself and finishes with a code.
#[utoipa::path(post, path = "/me/methods/totp/start", tag = TAG,
    request_body = TotpStartRequest,
    responses(
        (status = 200, body = TotpStartResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "step-up-required, not-allowed-by-policy or csrf", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "limit-reached", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn totp_start(
    State(state): State<AppState>,
    caller: Caller,
    Json(_request): Json<TotpStartRequest>,
) -> ApiResult<Json<TotpStartResponse>> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &caller.user.id).await?;
    check_add(&state, MethodType::Totp, &store::api_methods(&rows))?;
    require_fresh(&mut conn, &caller, &rows).await?;
    let expires_at = store::now() + i64::from(state.config.enrollment_ttl);
    let enrollment_id =
        store::create_enrollment(&mut conn, &caller.user.id, MethodType::Totp, expires_at).await?;
    let params = TotpParams::default();
    Ok(Json(TotpStartResponse {
        enrollment_id,
        issuer: state.config.issuer.clone(),
        account_name: caller.user.account_name.clone(),
        algorithm: Algorithm::Sha1,
        digits: params.digits,
        period: params.period,
        expires_at,
        server_time: store::now(),
    }))
}

/// Finishes a TOTP enrolment: the server checks the code against the client's secret,
/// then adds the method inside a transaction that re-checks the limit and step-up.
#[utoipa::path(post, path = "/me/methods/totp", tag = TAG,
    request_body = TotpFinishRequest,
    responses(
        (status = 201, body = Method),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "step-up-required, not-allowed-by-policy or csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "limit-reached", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "the enrolment expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "rate-limited", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn totp_finish(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<TotpFinishRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    check_id(&request.enrollment_id)?;
    let name = match &request.name {
        Some(name) => clean_name(name)?,
        None => "Authenticator app".to_owned(),
    };
    if request.secret.len() > 256 {
        return Err(ApiError::Validation("the secret is too long".into()));
    }
    let secret = Secret::from_base32(&request.secret)
        .map_err(|_| ApiError::Validation("the secret is not Base32".into()))?;
    if !(16..=64).contains(&secret.as_bytes().len()) {
        return Err(ApiError::Validation("a secret has 128 to 512 bits".into()));
    }
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
    if expires_at <= store::now() {
        return Err(ApiError::Expired);
    }
    let step = verify_code(&state, &user_id, &client, secret.as_bytes(), &request.code).await?;

    let mut tx = state.db.begin_write().await?;
    let user = store::lock_user(&mut tx, &user_id).await?;
    let rows = store::methods_of(&mut tx, &user_id).await?;
    let existing = store::api_methods(&rows);
    check_add(&state, MethodType::Totp, &existing)?;
    require_fresh(&mut tx, &caller, &rows).await?;
    if !store::consume_enrollment(&mut tx, &user_id, &request.enrollment_id).await? {
        return Err(ApiError::NotFound);
    }
    let id = crate::crypto::random_id().map_err(|e| ApiError::Internal(e.to_string()))?;
    let sealed = state
        .secrets
        .seal(secret.as_bytes(), &store::secret_aad(&user_id, &id))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let row = MethodRow {
        id,
        user_id: user_id.clone(),
        method_type: MethodType::Totp.as_str().to_owned(),
        name,
        secret_enc: Some(sealed),
        created_ms: store::now_ms(),
        last_used_at: None,
    };
    store::insert_method(&mut tx, &row).await?;
    // The enrolment code must not work again, e.g. as a step-up.
    store::claim_step(&mut tx, &row.id, step).await?;
    let method = row
        .to_api()
        .ok_or_else(|| ApiError::Internal("unknown method type".into()))?;
    let default = store::default_with_added(&user, &existing, &method);
    store::set_default(&mut tx, &user_id, default.as_ref()).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, "authenticator added");
    Ok((StatusCode::CREATED, Json(method)))
}

/// Renames one of the caller's methods.
#[utoipa::path(patch, path = "/me/methods/{id}", tag = TAG,
    params(("id" = String, Path, description = "method id")),
    request_body = RenameRequest,
    responses(
        (status = 200, body = Method),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn rename_method(
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
#[utoipa::path(delete, path = "/me/methods/{id}", tag = TAG,
    params(("id" = String, Path, description = "method id")),
    responses(
        (status = 200, body = DefaultMethodResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "step-up-required, not-allowed-by-policy or csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn delete_method(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DefaultMethodResponse>> {
    check_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_user(&mut tx, &caller.user.id).await?;
    let rows = store::methods_of(&mut tx, &user.id).await?;
    let target = rows
        .iter()
        .find(|m| m.id == id)
        .and_then(MethodRow::kind)
        .ok_or(ApiError::NotFound)?;
    require_fresh(&mut tx, &caller, &rows).await?;
    let existing = store::api_methods(&rows);
    if !rules(&state).may_delete(target, &store::types_of(&existing)) {
        return Err(ApiError::NotAllowedByPolicy(
            "your organization requires at least one two-step verification method".into(),
        ));
    }
    store::delete_method(&mut tx, &user.id, &id).await?;
    let remaining: Vec<Method> = existing.into_iter().filter(|m| m.id != id).collect();
    let default = store::default_after_delete(&user, &remaining);
    store::set_default(&mut tx, &user.id, default.as_ref()).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, method = %id, "method deleted");
    Ok(Json(DefaultMethodResponse {
        default_method: default,
    }))
}

/// Changes the default sign-in method to one of the caller's two-step methods.
#[utoipa::path(put, path = "/me/default-method", tag = TAG,
    request_body = SetDefaultRequest,
    responses(
        (status = 200, body = DefaultMethodResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn set_default(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<SetDefaultRequest>,
) -> ApiResult<Json<DefaultMethodResponse>> {
    check_id(&request.method_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let method = store::method_of(&mut conn, &caller.user.id, &request.method_id)
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
    store::set_default(&mut conn, &caller.user.id, Some(&default)).await?;
    Ok(Json(DefaultMethodResponse {
        default_method: Some(default),
    }))
}

/// Proves the caller's identity again with a code; sensitive changes are then allowed
/// for the step-up window.
#[utoipa::path(post, path = "/me/step-up", tag = TAG,
    request_body = VerifyRequest,
    responses(
        (status = 200, body = StepUpResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "csrf", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-code or code-reused", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "rate-limited", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn step_up(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<VerifyRequest>,
) -> ApiResult<Json<StepUpResponse>> {
    verify_method_code(&state, &caller.user.id, &client, &request).await?;
    let fresh_until = store::now() + i64::from(state.config.step_up_window);
    let mut conn = state.db.pool.acquire().await?;
    store::make_fresh(&mut conn, &caller.holder, fresh_until).await?;
    Ok(Json(StepUpResponse { fresh_until }))
}

/// Liveness, including the database.
#[utoipa::path(get, path = "/health", tag = TAG,
    responses((status = 200, description = "healthy", body = crate::app::Health),
              (status = 500, body = Problem, content_type = "application/problem+json")))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<crate::app::Health>> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Json(crate::app::Health {
        status: "ok".into(),
    }))
}
