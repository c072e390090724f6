//! Checking one-time codes under the rate limits, for every area that verifies one
//! (enrolment, step-up, the demo's second factor).

use crate::auth::ClientAddr;
use crate::codes;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::rules::check_id;
use crate::state::AppState;
use crate::store::{self, Bucket};
use security_info_core::api::VerifyRequest;
use security_info_core::methods::MethodType;
use security_info_core::totp::{TotpParams, Verification, Window, check_code};

/// The failed-verification counters a code attempt by `user_id` from `client` counts in.
fn code_buckets(state: &AppState, user_id: &str, client: &ClientAddr) -> [Bucket; 2] {
    [
        Bucket {
            key: format!("user:{user_id}"),
            limit: state.config.rate_limit_user,
        },
        Bucket {
            key: format!("client:{}", client.0),
            limit: state.config.rate_limit_client,
        },
    ]
}

/// Counts a guess that failed before any code could be checked (a hardware token's
/// serial number that is unknown or someone else's): like a wrong code, it uses up the
/// user's and the address's attempts, and is refused with 429 once they are used up.
pub async fn count_failed_guess(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    now: u64,
) -> ApiResult<()> {
    let mut buckets = code_buckets(state, user_id, client);
    store::limited_attempt(
        &state.db,
        &mut buckets,
        state.config.rate_limit_window,
        now,
        || false,
    )
    .await?;
    Ok(())
}

/// Checks a TOTP code against `secret` (with its parameters: a hardware token's may
/// differ from the apps' defaults) under the rate limits; returns the matched time step.
/// Failed guesses stay counted; a right code leaves no trace in the counters.
pub async fn verify_code(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    params: TotpParams,
    secret: &[u8],
    code: &str,
    now: u64,
) -> ApiResult<u64> {
    // A malformed code is not a guess: refuse it before touching the counters.
    let code = check_code(code, params.digits)
        .map_err(|_| ApiError::InvalidCode(Some(format!("a code has {} digits", params.digits))))?;
    let mut buckets = code_buckets(state, user_id, client);
    let mut outcome = Verification::Invalid;
    store::limited_attempt(
        &state.db,
        &mut buckets,
        state.config.rate_limit_window,
        now,
        || {
            outcome = params
                .verify(secret, &code, now, Window::default())
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

/// A step-up: verifies a code for one of the user's registered methods, claims its time
/// step and lets `holder` (a bearer subject or a demo session) make sensitive changes
/// for the step-up window. All of it happens in the returned write transaction, which
/// holds the user's lock: a method deleted meanwhile is simply not found, never a
/// reference to a deleted row. The caller adds what else the step-up changes and commits.
/// Also answers until when (Unix seconds).
pub async fn step_up(
    state: &AppState,
    user_id: &str,
    holder: &str,
    client: &ClientAddr,
    request: &VerifyRequest,
    now: u64,
) -> ApiResult<(Tx, i64)> {
    check_id(&request.method_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let method = store::method_of(&mut conn, user_id, &request.method_id).await?;
    drop(conn);
    if method.kind() == Some(MethodType::Phone) {
        return sent_code_step_up(
            state,
            user_id,
            holder,
            client,
            &method.id,
            &request.code,
            now,
        )
        .await;
    }
    if !method.kind().is_some_and(MethodType::verifiable_by_code) {
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
    let params = method.params()?;
    let step = verify_code(state, user_id, client, params, &secret, &request.code, now).await?;
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, user_id).await?;
    store::method_of(&mut tx, user_id, &method.id).await?;
    if !store::claim_step(&mut tx, &method.id, step, now).await? {
        return Err(ApiError::CodeReused);
    }
    let fresh_until = store::db_time(now) + i64::from(state.config.step_up_window);
    store::make_fresh(&mut tx, holder, fresh_until, now).await?;
    Ok((tx, fresh_until))
}

/// A step-up with the code sent to a phone (`POST /me/step-up/code`): checked under the
/// per-code tries and the rate limits, then used up in the returned transaction.
async fn sent_code_step_up(
    state: &AppState,
    user_id: &str,
    holder: &str,
    client: &ClientAddr,
    method_id: &str,
    code: &str,
    now: u64,
) -> ApiResult<(Tx, i64)> {
    let mut conn = state.db.pool.acquire().await?;
    let challenge = store::challenge_for_method(&mut conn, user_id, method_id)
        .await?
        .ok_or_else(|| ApiError::InvalidCode(Some("send a code to the phone first".into())))?;
    drop(conn);
    codes::check(state, &challenge, client, code, now).await?;
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, user_id).await?;
    store::method_of(&mut tx, user_id, method_id).await?;
    if !store::consume_challenge(&mut tx, &challenge.id).await? {
        return Err(ApiError::CodeReused);
    }
    store::mark_used(&mut tx, method_id, now).await?;
    let fresh_until = store::db_time(now) + i64::from(state.config.step_up_window);
    store::make_fresh(&mut tx, holder, fresh_until, now).await?;
    Ok((tx, fresh_until))
}
