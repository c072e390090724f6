//! Authenticator apps with push notifications and number matching (README "Push
//! protocol"). The browser's side: start (the activation code and URI the QR code
//! holds), the wizard's test notification, finishing once it is approved, step-up
//! notifications, and waiting for an answer. The device's side: activation, its
//! challenges (long-poll and server-sent events) and its answers, every request but
//! activation signed with the device's key (`push::DeviceCall`).

use crate::auth::{Caller, ClientAddr, rotate_session};
use crate::clock::unix_now_ms;
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::openapi::{ProblemResponse, TAG};
use crate::push::{self, DeviceCall};
use crate::push_hub::challenge_key;
use crate::push_store::{self, DeviceRow};
use crate::rules::{self, check_id, clean_name};
use crate::state::AppState;
use crate::store::{self, Bucket, MethodRow, db_time};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use security_info_core::Secret;
use security_info_core::api::{Method, StepUpResponse};
use security_info_core::methods::{DefaultMode, MethodType};
use security_info_core::push::{
    ActivateRequest, ActivateResponse, ChallengePurpose, ChallengeState, Decision, DecisionRequest,
    DecisionResponse, DeviceChallenge, PushChallenge, PushChallengeRequest, PushCompleteRequest,
    PushStartResponse, PushTestRequest, activation_uri, normalize_activation_code,
};
use security_info_core::totp::TotpParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(push_start))
        .routes(routes!(push_test))
        .routes(routes!(push_finish))
        .routes(routes!(push_challenge))
        .routes(routes!(challenge_status))
        .routes(routes!(challenge_stream))
        .routes(routes!(step_up_push))
        .routes(routes!(activate))
        .routes(routes!(device_challenges))
        .routes(routes!(device_stream))
        .routes(routes!(decide))
}

/// The label of activation code hashes (`SecretBox::keyed_hash`).
const CODE_HASH: &str = "push-activation-code";

/// `?wait=N`: long-poll up to N seconds (at most 30).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Wait {
    /// Seconds to wait for a change (0–30; default 0: answer at once).
    #[serde(default)]
    pub wait: Option<u64>,
}

/// 9 random digits, uniform.
fn activation_code() -> ApiResult<String> {
    const RANGE: u64 = 1_000_000_000;
    loop {
        let n = u64::from_le_bytes(crate::crypto::random_bytes::<8>()?);
        // Rejection sampling: no value is more likely than another.
        if n < u64::MAX - u64::MAX % RANGE {
            return Ok(format!("{:09}", n % RANGE));
        }
    }
}

/// Where devices post activation codes: this API, as the browser reached it.
fn activation_url(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .ok_or_else(|| ApiError::Validation("a Host header is required".into()))?;
    let scheme = if state.config.cookie_secure {
        "https"
    } else {
        "http"
    };
    Ok(format!(
        "{scheme}://{host}{}/device/activate",
        state.config.base_path
    ))
}

/// Starts adding a push authenticator: checks policy, the limit and step-up (403
/// `not-allowed-by-policy`, 409 `limit-reached`, 403 `step-up-required`, 403 `csrf`)
/// before anything is shown, then answers a single-use 9-digit activation code (stored
/// only hashed), the activation URL and the activation URI the QR code holds. 429
/// beyond the starts allowed per window.
#[utoipa::path(post, path = "/me/methods/authenticator-push/start", tag = TAG,
    responses(
        (status = 200, body = PushStartResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn push_start(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<PushStartResponse>> {
    let now = security_info_core::unix_now();
    let activation_url = activation_url(&state, &headers)?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &caller.user.id).await?;
    rules::check_add(
        &state.policy,
        MethodType::AuthenticatorPush,
        &rules::api_methods(&rows),
    )?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    let mut buckets = [Bucket {
        key: format!("enrollment-start:{}", caller.user.id),
        limit: state.config.enrollment_start_limit,
    }];
    let _counted =
        store::reserve_attempt(&state.db, &mut buckets, state.config.rate_limit_window, now)
            .await?;
    let expires_at = db_time(now) + i64::from(state.config.push_activation_ttl);
    let code = activation_code()?;
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &caller.user.id).await?;
    let enrollment_id = store::create_enrollment(
        &mut tx,
        &caller.user.id,
        MethodType::AuthenticatorPush,
        expires_at,
        rules::MAX_OPEN_ENROLLMENTS,
        now,
    )
    .await?;
    push_store::insert_activation(
        &mut tx,
        &enrollment_id,
        &caller.user.id,
        &state.secrets.keyed_hash(CODE_HASH, &code),
        expires_at,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PushStartResponse {
        enrollment_id,
        activation_uri: activation_uri(&code, &activation_url),
        activation_code: code,
        activation_url,
        expires_at,
    }))
}

/// The device activates with the code: it sends its ECDSA P-256 public key and a name,
/// and gets its device id and the TOTP secret of the same method. The method is pending
/// until the wizard's test notification is approved, and removed if that does not
/// happen before the activation code expires. A wrong code counts as a failed
/// verification of the address (422 `invalid-code`, 429 beyond the limit); an expired
/// one is 410, a used one 422 `code-reused`.
#[utoipa::path(post, path = "/device/activate", tag = TAG,
    request_body = ActivateRequest,
    responses(
        (status = 201, body = ActivateResponse),
        (status = 400, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ))]
async fn activate(
    State(state): State<AppState>,
    client: ClientAddr,
    Json(request): Json<ActivateRequest>,
) -> ApiResult<(StatusCode, Json<ActivateResponse>)> {
    let now = security_info_core::unix_now();
    let name = clean_name(&request.device_name)?;
    let key_ok = request.public_key.len() <= 128
        && URL_SAFE_NO_PAD
            .decode(&request.public_key)
            .ok()
            .is_some_and(|k| {
                k.len() == 65 && p256::ecdsa::VerifyingKey::from_sec1_bytes(&k).is_ok()
            });
    if !key_ok {
        return Err(ApiError::Validation(
            "publicKey is an uncompressed P-256 point (65 bytes, base64url)".into(),
        ));
    }
    // A malformed code is not a guess: refused before the counters.
    let code = normalize_activation_code(&request.code)
        .ok_or_else(|| ApiError::InvalidCode(Some("an activation code has 9 digits".into())))?;
    // Guesses count toward the address's failed verifications, and all addresses'
    // together toward a global ceiling (a guess cannot name its user).
    let mut buckets = [
        Bucket {
            key: format!("client:{}", client.0),
            limit: state.config.rate_limit_client,
        },
        Bucket {
            key: "push-activation".to_owned(),
            limit: state.config.rate_limit_client.saturating_mul(10),
        },
    ];
    let attempt =
        store::reserve_attempt(&state.db, &mut buckets, state.config.rate_limit_window, now)
            .await?;
    let mut conn = state.db.pool.acquire().await?;
    let found =
        push_store::activation_by_hash(&mut conn, &state.secrets.keyed_hash(CODE_HASH, &code))
            .await?;
    drop(conn);
    let Some(activation) = found else {
        return Err(ApiError::InvalidCode(None));
    };
    store::release_attempt(&state.db, attempt).await?;
    if activation.device_id.is_some() {
        return Err(ApiError::CodeReused);
    }
    if activation.expires_at <= db_time(now) {
        return Err(ApiError::Expired);
    }
    let secret = Secret::from_random_bytes(crate::crypto::random_bytes()?);
    let device_id = crate::crypto::random_id()?;
    let method_id = crate::crypto::random_id()?;
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_user(&mut tx, &activation.user_id).await?;
    if !push_store::use_activation(&mut tx, &activation.enrollment_id, &device_id).await? {
        return Err(ApiError::CodeReused);
    }
    let device = DeviceRow {
        id: device_id.clone(),
        user_id: user.id.clone(),
        method_id: method_id.clone(),
        enrollment_id: activation.enrollment_id.clone(),
        name,
        public_key: request.public_key,
        secret_enc: Some(
            state
                .secrets
                .seal(secret.as_bytes(), &store::secret_aad(&user.id, &method_id))?,
        ),
        pending_until: Some(activation.expires_at),
    };
    push_store::insert_device(&mut tx, &device, now).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, device = %device_id, "push device activated (pending)");
    let params = TotpParams::default();
    Ok((
        StatusCode::CREATED,
        Json(ActivateResponse {
            device_id,
            method_id,
            issuer: state.config.issuer.clone(),
            account_name: user.account_name,
            totp_secret: secret.to_base32(),
            digits: params.digits,
            period: params.period,
            pending_until: activation.expires_at,
        }),
    ))
}

/// Sends the wizard's test notification ("Let's try it out") to the device that
/// activated this enrolment, again after a denial or expiry. 400 before a device
/// activated; 404 unknown enrolment; 410 the activation expired; 429 push fatigue
/// (one open notification, `push-limit` per 10 minutes).
#[utoipa::path(post, path = "/me/methods/authenticator-push/test", tag = TAG,
    request_body = PushTestRequest,
    responses(
        (status = 200, body = PushChallenge),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn push_test(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<PushTestRequest>,
) -> ApiResult<Json<PushChallenge>> {
    let now = security_info_core::unix_now();
    check_id(&request.enrollment_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let activation =
        push_store::activation_of(&mut conn, &caller.user.id, &request.enrollment_id).await?;
    if activation.expires_at <= db_time(now) {
        return Err(ApiError::Expired);
    }
    let device =
        push_store::device_of_enrollment(&mut conn, &caller.user.id, &request.enrollment_id, now)
            .await?
            .filter(|d| d.pending_until.is_some())
            .ok_or_else(|| ApiError::Validation("scan the QR code with the app first".into()))?;
    drop(conn);
    let challenge = push::send_challenge(
        &state,
        &device,
        ChallengePurpose::Enrol,
        &caller.holder,
        now,
    )
    .await?;
    Ok(Json(challenge))
}

/// Finishes adding the push authenticator once its test notification was approved: the
/// method becomes active (and the default, SPEC C), in the adding transaction that
/// checks policy, the limit and step-up again. 400 not answered yet; 403 denied or
/// wrong number (or policy, step-up, csrf); 404 unknown; 409 `limit-reached`; 410
/// expired; 422 `code-reused` already used.
#[utoipa::path(post, path = "/me/methods/authenticator-push", tag = TAG,
    request_body = PushCompleteRequest,
    responses(
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn push_finish(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<PushCompleteRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let now = now_ms / 1000;
    check_id(&request.challenge_id)?;
    let user_id = caller.user.id.clone();
    let mut tx = state.db.begin_write().await?;
    let (user, existing) = rules::lock_for_add(
        &mut tx,
        &state.policy,
        MethodType::AuthenticatorPush,
        &user_id,
        &caller.holder,
        now,
    )
    .await?;
    let challenge = push::use_approved(
        &mut tx,
        &user_id,
        &caller.holder,
        &request.challenge_id,
        ChallengePurpose::Enrol,
        now,
    )
    .await?;
    let device = push_store::live_device(&mut tx, &challenge.device_id, now)
        .await?
        .filter(|d| d.pending_until.is_some())
        .ok_or(ApiError::Expired)?;
    if !store::consume_enrollment(&mut tx, &user_id, &device.enrollment_id).await? {
        return Err(ApiError::Expired);
    }
    let row = MethodRow {
        id: device.method_id.clone(),
        user_id: user_id.clone(),
        method_type: MethodType::AuthenticatorPush.as_str().to_owned(),
        name: device.name.clone(),
        secret_enc: device.secret_enc.clone(),
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        last_step: None,
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
    push_store::activate_device(&mut tx, &device.id).await?;
    tx.commit().await?;
    state
        .push
        .notify(&state.db, &[challenge_key(&challenge.id)])
        .await;
    tracing::info!(user = %user_id, method = %method.id, "push authenticator added");
    Ok((StatusCode::CREATED, Json(method)))
}

/// The device of a push method of the user's: the one named, else the default method
/// when it is one, else the first. 404 when there is none.
pub async fn push_device(
    conn: &mut sqlx::AnyConnection,
    user: &store::UserRow,
    method_id: Option<&str>,
) -> ApiResult<DeviceRow> {
    let rows = store::methods_of(conn, &user.id).await?;
    let push_methods: Vec<&MethodRow> = rows
        .iter()
        .filter(|m| m.kind() == Some(MethodType::AuthenticatorPush))
        .collect();
    let chosen = match method_id {
        Some(id) => {
            check_id(id)?;
            push_methods.iter().find(|m| m.id == id)
        }
        None => {
            let default = user
                .default_pair()
                .filter(|(_, mode)| *mode == DefaultMode::Notification)
                .map(|(id, _)| id);
            push_methods
                .iter()
                .find(|m| Some(&m.id) == default.as_ref())
                .or(push_methods.first())
        }
    };
    let method = chosen.ok_or(ApiError::NotFound)?;
    push_store::device_of_method(conn, &user.id, &method.id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Sends a step-up notification ("Verify your identity") to one of the caller's push
/// authenticators (the default one when none is named). 404 no such method; 429 push
/// fatigue (Retry-After).
#[utoipa::path(post, path = "/me/push/challenges", tag = TAG,
    request_body = PushChallengeRequest,
    responses(
        (status = 200, body = PushChallenge),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn push_challenge(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<PushChallengeRequest>,
) -> ApiResult<Json<PushChallenge>> {
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    let device = push_device(&mut conn, &caller.user, request.method_id.as_deref()).await?;
    drop(conn);
    let challenge = push::send_challenge(
        &state,
        &device,
        ChallengePurpose::StepUp,
        &caller.holder,
        now,
    )
    .await?;
    Ok(Json(challenge))
}

/// One of the caller's notifications: its number and state (`?wait=N` waits up to N
/// seconds while it is pending: the fallback when the event stream is not available).
/// Another user's is 404.
#[utoipa::path(get, path = "/me/push/challenges/{id}", tag = TAG,
    params(("id" = String, Path, description = "challenge id"), Wait),
    responses(
        (status = 200, body = PushChallenge),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn challenge_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(wait): Query<Wait>,
) -> ApiResult<Json<PushChallenge>> {
    check_id(&id)?;
    let challenge =
        push::wait_challenge(&state, &caller.user.id, &id, wait.wait.unwrap_or(0)).await?;
    Ok(Json(challenge))
}

/// One of the caller's notifications as server-sent events: a `state` event (a
/// `PushChallenge`) now and after every change, ending after the answer or expiry.
/// Another user's is 404.
#[utoipa::path(get, path = "/me/push/challenges/{id}/events", tag = TAG,
    params(("id" = String, Path, description = "challenge id")),
    responses(
        (status = 200, content_type = "text/event-stream", body = String),
        (status = 401, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn challenge_stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    check_id(&id)?;
    Ok(push::challenge_events(state, caller.user.id, id)
        .await?
        .into_response())
}

/// Step-up with an approved "Verify your identity" notification: sensitive changes are
/// allowed for the step-up window (a demo session gets a new id). 400 not answered
/// yet; 403 denied, wrong number or `csrf`; 404 unknown or someone else's; 410
/// expired; 422 `code-reused` used already.
#[utoipa::path(post, path = "/me/step-up/push", tag = TAG,
    request_body = PushCompleteRequest,
    responses(
        (status = 200, body = StepUpResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn step_up_push(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<PushCompleteRequest>,
) -> ApiResult<Response> {
    let now = security_info_core::unix_now();
    check_id(&request.challenge_id)?;
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &caller.user.id).await?;
    let challenge = push::use_approved(
        &mut tx,
        &caller.user.id,
        &caller.holder,
        &request.challenge_id,
        ChallengePurpose::StepUp,
        now,
    )
    .await?;
    let fresh_until = db_time(now) + i64::from(state.config.step_up_window);
    store::make_fresh(&mut tx, &caller.holder, fresh_until, now).await?;
    let cookie = match &caller.session {
        Some(id_hash) => Some(rotate_session(&mut tx, &state.config, id_hash).await?),
        None => None,
    };
    tx.commit().await?;
    state
        .push
        .notify(&state.db, &[challenge_key(&challenge.id)])
        .await;
    let set_cookie = cookie.map(|c| [(header::SET_COOKIE, c)]);
    Ok((set_cookie, Json(StepUpResponse { fresh_until })).into_response())
}

/// The notifications waiting for this device's answer (`?wait=N`: long-poll up to N
/// seconds until there is one). Signed device request (`Authorization: Device …`); 401
/// when the signature, time or nonce is refused or the device was revoked.
#[utoipa::path(get, path = "/device/challenges", tag = TAG,
    params(Wait),
    responses(
        (status = 200, body = Vec<DeviceChallenge>),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
    ),
    security(("device" = [])))]
async fn device_challenges(
    State(state): State<AppState>,
    Query(wait): Query<Wait>,
    call: DeviceCall,
) -> ApiResult<Json<Vec<DeviceChallenge>>> {
    let rows =
        push::wait_device_challenges(&state, &call.device.id, wait.wait.unwrap_or(0)).await?;
    let mut conn = state.db.pool.acquire().await?;
    let user = store::user_by_id(&mut conn, &call.device.user_id).await?;
    rows.iter()
        .map(|r| r.to_device(&state.config.issuer, &user.account_name))
        .collect::<ApiResult<Vec<_>>>()
        .map(Json)
}

/// This device's notifications as server-sent events: a `challenge` event (a
/// `DeviceChallenge`) for each, as it is sent; the stream ends when the device is
/// revoked. Signed device request; 401 as for `/device/challenges`.
#[utoipa::path(get, path = "/device/events", tag = TAG,
    responses(
        (status = 200, content_type = "text/event-stream", body = String),
        (status = 401, response = ProblemResponse),
    ),
    security(("device" = [])))]
async fn device_stream(State(state): State<AppState>, call: DeviceCall) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let user = store::user_by_id(&mut conn, &call.device.user_id).await?;
    drop(conn);
    let issuer = state.config.issuer.clone();
    Ok(
        push::device_events(state, call.device, issuer, user.account_name)
            .await
            .into_response(),
    )
}

/// The device's answer: approve with the number the person typed, or deny. A wrong
/// number denies the notification (422 `invalid-code`; the browser shows it). 404
/// another device's or unknown; 410 expired; 422 `code-reused` answered already; 401 as
/// for `/device/challenges`.
#[utoipa::path(post, path = "/device/challenges/{id}", tag = TAG,
    params(("id" = String, Path, description = "challenge id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = DecisionResponse),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    ),
    security(("device" = [])))]
async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    call: DeviceCall,
) -> ApiResult<Json<DecisionResponse>> {
    let now = security_info_core::unix_now();
    check_id(&id)?;
    let request: DecisionRequest = call.json()?;
    let mut conn = state.db.pool.acquire().await?;
    let row = push_store::challenge_of_device(&mut conn, &call.device.id, &id).await?;
    match row.state(now)? {
        ChallengeState::Pending => {}
        ChallengeState::Expired => return Err(ApiError::Expired),
        _ => return Err(ApiError::CodeReused),
    }
    let to = match (request.decision, request.number) {
        (Decision::Deny, _) => ChallengeState::Denied,
        (Decision::Approve, None) => {
            return Err(ApiError::Validation(
                "approving needs the number shown in the browser".into(),
            ));
        }
        (Decision::Approve, Some(n)) if i64::from(n) == row.number => ChallengeState::Approved,
        (Decision::Approve, Some(_)) => ChallengeState::WrongNumber,
    };
    let moved =
        push_store::move_challenge(&mut conn, &id, ChallengeState::Pending, to, now).await?;
    drop(conn);
    if !moved {
        // Expired or answered meanwhile.
        return Err(
            if row.expires_at <= db_time(security_info_core::unix_now()) {
                ApiError::Expired
            } else {
                ApiError::CodeReused
            },
        );
    }
    state.push.notify(&state.db, &[challenge_key(&id)]).await;
    tracing::info!(challenge = %id, state = to.as_str(), "push answered");
    if to == ChallengeState::WrongNumber {
        return Err(ApiError::InvalidCode(Some(
            "that is not the number shown: the notification is denied".into(),
        )));
    }
    Ok(Json(DecisionResponse { state: to }))
}
