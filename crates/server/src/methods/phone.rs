//! Phone methods: a mobile number (codes by text or call) or an office phone (call, with
//! an optional extension). Start sends a code to the number; finishing with it adds the
//! method, or — "Change" — puts the verified number in place of the old one. Also
//! "Resend" for any sent enrolment code (phone or email).

use crate::auth::{Caller, ClientAddr};
use crate::clock::unix_now_ms;
use crate::codes::{self, NewCode, Purpose};
use crate::delivery::Channel;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, check_id, clean_name};
use crate::state::AppState;
use crate::store::{self, ChallengeRow, MethodRow};
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::{
    CodeFinishRequest, CodeSent, Method, PhoneStartRequest, ResendRequest,
};
use security_info_core::methods::{DefaultMode, MethodType, PhoneKind};
use security_info_core::phone::{normalize_e164, valid_extension};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(phone_start))
        .routes(routes!(phone_finish))
        .routes(routes!(resend))
}

/// Checks the number, kind, extension and mode of a start.
fn checked(request: &PhoneStartRequest) -> ApiResult<(String, Channel, Option<String>)> {
    if request.number.len() > 64 {
        return Err(ApiError::Validation("the number is too long".into()));
    }
    let number = normalize_e164(&request.number).map_err(|_| {
        ApiError::Validation("not a valid international phone number (E.164)".into())
    })?;
    let channel = match (request.phone_kind, request.mode) {
        (PhoneKind::Mobile, DefaultMode::Text) => Channel::Text,
        (_, DefaultMode::Call) => Channel::Call,
        _ => {
            return Err(ApiError::Validation(
                "a mobile phone gets a text or a call, an office phone a call".into(),
            ));
        }
    };
    let extension = match (&request.extension, request.phone_kind) {
        (None, _) => None,
        (Some(e), _) if e.trim().is_empty() => None,
        (Some(e), PhoneKind::Office) if valid_extension(e.trim()) => Some(e.trim().to_owned()),
        _ => {
            return Err(ApiError::Validation(
                "an extension has 1 to 10 digits and only office phones have one".into(),
            ));
        }
    };
    Ok((number, channel, extension))
}

/// The caller's method of `kind` a change replaces (404 when it is not theirs).
pub async fn replaced(
    state: &AppState,
    user_id: &str,
    replaces: Option<&str>,
    kind: MethodType,
) -> ApiResult<Option<MethodRow>> {
    let Some(id) = replaces else {
        return Ok(None);
    };
    check_id(id)?;
    let mut conn = state.db.pool.acquire().await?;
    let row = store::method_of(&mut conn, user_id, id).await?;
    if row.kind() != Some(kind) {
        return Err(ApiError::NotFound);
    }
    Ok(Some(row))
}

/// Sends a code to a phone number to add it (or, with `replaces`, to change one of the
/// caller's phones to it). Refuses with `not-allowed-by-policy` or `step-up-required`
/// (403), `validation` (400: not E.164, text to an office phone), `rate-limited` (429,
/// with `Retry-After`: sends per user, per number and per client address) and
/// `delivery-failed` (503: the code could not be sent; nothing was).
#[utoipa::path(post, path = "/me/methods/phone/start", tag = TAG,
    request_body = PhoneStartRequest,
    responses(
        (status = 200, body = CodeSent),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
        (status = 503, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn phone_start(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<PhoneStartRequest>,
) -> ApiResult<Json<CodeSent>> {
    let now = security_info_core::unix_now();
    let (number, channel, extension) = checked(&request)?;
    let user_id = &caller.user.id;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, user_id).await?;
    rules::check_add(&state.policy, MethodType::Phone, &rules::api_methods(&rows))?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    let replaces = replaced(
        &state,
        user_id,
        request.replaces.as_deref(),
        MethodType::Phone,
    )
    .await?;
    let new = NewCode {
        purpose: Purpose::Enrol,
        method_type: MethodType::Phone,
        method_id: replaces.as_ref().map(|r| r.id.as_str()),
        channel,
        contact: &number,
        phone_kind: Some(request.phone_kind),
        extension: extension.as_deref(),
        locale: request.locale.as_deref(),
    };
    codes::send_new(&state, user_id, &client, &new, now)
        .await
        .map(Json)
}

/// The caller's open enrolment challenge of `kind`.
async fn enrol_challenge(
    state: &AppState,
    user_id: &str,
    challenge_id: &str,
    kind: MethodType,
) -> ApiResult<ChallengeRow> {
    check_id(challenge_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let row = store::challenge(&mut conn, user_id, challenge_id).await?;
    if row.purpose != Purpose::Enrol.as_str() || row.method_type != kind.as_str() {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// Adds the method (201) or, for a change, replaces the number or address (200), inside
/// the adding transaction; the challenge is used up there. Shared by phone and email.
async fn finish_enrolment(
    state: &AppState,
    caller: &Caller,
    challenge: &ChallengeRow,
    kind: MethodType,
    name: String,
    now_ms: u64,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now = now_ms / 1000;
    let user_id = &caller.user.id;
    let mut tx = state.db.begin_write().await?;
    let (user, existing) =
        rules::lock_for_add(&mut tx, &state.policy, kind, user_id, &caller.holder, now).await?;
    if !store::consume_challenge(&mut tx, &challenge.id).await? {
        return Err(ApiError::CodeReused);
    }
    if let Some(method_id) = &challenge.method_id {
        if !store::replace_contact(
            &mut tx,
            user_id,
            method_id,
            &challenge.contact,
            challenge.phone_kind.as_deref(),
            challenge.phone_extension.as_deref(),
        )
        .await?
        {
            return Err(ApiError::NotFound);
        }
        let rows = store::methods_of(&mut tx, user_id).await?;
        // A mobile phone that became an office phone cannot stay the default for texts.
        let default = rules::current_default(&user, &rules::api_methods(&rows));
        store::set_default(&mut tx, user_id, default.as_ref()).await?;
        let method = store::method_of(&mut tx, user_id, method_id)
            .await?
            .to_api()
            .ok_or(ApiError::NotFound)?;
        tx.commit().await?;
        tracing::info!(user = %user_id, method = %method.id, "number or address changed");
        return Ok((StatusCode::OK, Json(method)));
    }
    let row = MethodRow {
        id: crate::crypto::random_id()?,
        user_id: user_id.clone(),
        method_type: kind.as_str().to_owned(),
        name,
        secret_enc: None,
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        last_step: None,
        totp_algorithm: None,
        totp_digits: None,
        totp_period: None,
        token_serial: None,
        contact: Some(challenge.contact.clone()),
        phone_kind: challenge.phone_kind.clone(),
        phone_extension: challenge.phone_extension.clone(),
        key_model: None,
    };
    let method = rules::insert_added(&mut tx, &user, &existing, &row).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, kind = %kind, "method added");
    Ok((StatusCode::CREATED, Json(method)))
}

/// Finishes a phone enrolment with the code that was sent: 201 with the new method, or
/// 200 with the changed one. Errors: 403 `step-up-required`, `not-allowed-by-policy` or
/// `csrf`; 404 unknown challenge; 410 `expired` (too late, or no tries left: send a new
/// code); 422 `invalid-code` or `code-reused`; 429 `rate-limited`.
#[utoipa::path(post, path = "/me/methods/phone", tag = TAG,
    request_body = CodeFinishRequest,
    responses(
        (status = 200, body = Method, description = "the changed phone"),
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn phone_finish(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<CodeFinishRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    finish_by_code(
        &state,
        &caller,
        &client,
        &request,
        MethodType::Phone,
        "Phone",
    )
    .await
}

/// The end of a phone or email enrolment: the code checked against the caller's open
/// enrolment challenge of `kind`, then the method added (or its contact replaced), named
/// `default_name` unless the request names it.
pub async fn finish_by_code(
    state: &AppState,
    caller: &Caller,
    client: &ClientAddr,
    request: &CodeFinishRequest,
    kind: MethodType,
    default_name: &str,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let name = match &request.name {
        Some(name) => clean_name(name)?,
        None => default_name.to_owned(),
    };
    let challenge = enrol_challenge(state, &caller.user.id, &request.challenge_id, kind).await?;
    codes::check(state, &challenge, client, &request.code, now_ms / 1000).await?;
    finish_enrolment(state, caller, &challenge, kind, name, now_ms).await
}

/// "Resend": a new code for an open phone or email enrolment, optionally by call
/// instead of text (or back). Refuses with 429 during the cool-down (`resendAt`) and
/// beyond the send limits, 503 `delivery-failed` when it could not be sent.
#[utoipa::path(post, path = "/me/codes/resend", tag = TAG,
    request_body = ResendRequest,
    responses(
        (status = 200, body = CodeSent),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
        (status = 503, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    client: ClientAddr,
    Json(request): Json<ResendRequest>,
) -> ApiResult<Json<CodeSent>> {
    let now = security_info_core::unix_now();
    check_id(&request.challenge_id)?;
    codes::resend(
        &state,
        &caller.user.id,
        &client,
        &request.challenge_id,
        request.mode,
        now,
    )
    .await
    .map(Json)
}
