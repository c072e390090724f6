//! Push authenticators below the areas (like `verify`): signed device requests,
//! sending a challenge under the push-fatigue limits, waiting for its answer (long-poll
//! and server-sent events, woken through `push_hub`), and using an approved one.

use crate::error::{ApiError, ApiResult};
use crate::push_hub::{challenge_key, device_key};
use crate::push_store::{self, ChallengeRow, DeviceRow, NewChallenge};
use crate::state::AppState;
use crate::store::{self, db_time};
use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::Stream;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use security_info_core::push::{
    ChallengePurpose, ChallengeState, DeviceAuth, MAX_CLOCK_SKEW, NONCE_TTL, PushChallenge,
    signing_input,
};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::time::Duration;
use tokio::time::Instant;

/// Push notifications a user may have open at once.
pub const MAX_OPEN: i64 = 1;
/// The push-fatigue window (seconds) of `Config::push_limit`.
pub const FATIGUE_WINDOW: u64 = 600;
/// Longest long-poll (seconds).
pub const MAX_WAIT: u64 = 30;

/// A device request whose signature, time and nonce were checked: the device and the
/// body it signed.
pub struct DeviceCall {
    pub device: DeviceRow,
    pub body: Bytes,
}

impl DeviceCall {
    /// The body as JSON; a body that is not is a 400.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> ApiResult<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::Validation(e.to_string().chars().take(200).collect::<String>()))
    }
}

impl FromRequest<AppState> for DeviceCall {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let now = security_info_core::unix_now();
        let (parts, body) = request.into_parts();
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(DeviceAuth::parse)
            .ok_or(ApiError::Unauthenticated)?;
        // The path as the device sent it, before the base path was stripped by nesting.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let body = axum::body::to_bytes(body, state.config.body_limit)
            .await
            .map_err(|_| ApiError::Validation("the request body is too large".into()))?;
        let device =
            check_device_request(state, &auth, parts.method.as_str(), &path, &body, now).await?;
        Ok(DeviceCall { device, body })
    }
}

/// Refuses (401) a request that is stale (time off by more than a minute), not signed
/// by a live device's key, or a replay (its nonce seen in the last five minutes).
pub async fn check_device_request(
    state: &AppState,
    auth: &DeviceAuth,
    method: &str,
    path: &str,
    body: &[u8],
    now: u64,
) -> ApiResult<DeviceRow> {
    if auth.unix_time.abs_diff(now) > MAX_CLOCK_SKEW {
        tracing::info!(device = %auth.device_id, "stale device request");
        return Err(ApiError::Unauthenticated);
    }
    let mut conn = state.db.pool.acquire().await?;
    let device = push_store::live_device(&mut conn, &auth.device_id, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let key = URL_SAFE_NO_PAD
        .decode(&device.public_key)
        .ok()
        .and_then(|k| VerifyingKey::from_sec1_bytes(&k).ok())
        .ok_or_else(|| ApiError::Internal("a stored device key does not parse".into()))?;
    let signature = URL_SAFE_NO_PAD
        .decode(&auth.signature)
        .ok()
        .and_then(|s| Signature::from_slice(&s).ok())
        .ok_or(ApiError::Unauthenticated)?;
    let digest = crate::crypto::hex(&Sha256::digest(body));
    let input = signing_input(method, path, auth.unix_time, &auth.nonce, &digest);
    if key.verify(input.as_bytes(), &signature).is_err() {
        tracing::info!(device = %device.id, "badly signed device request");
        return Err(ApiError::Unauthenticated);
    }
    if !push_store::claim_nonce(&mut conn, &device.id, &auth.nonce, NONCE_TTL, now).await? {
        tracing::info!(device = %device.id, "replayed device request");
        return Err(ApiError::Unauthenticated);
    }
    Ok(device)
}

/// A random two-digit number (10–99) for number matching.
fn random_number() -> ApiResult<u8> {
    // 90 values; rejection sampling keeps them uniform.
    loop {
        let [byte] = crate::crypto::random_bytes::<1>()?;
        if byte < 180 {
            return Ok(10 + byte % 90);
        }
    }
}

/// Sends a challenge to `device` for `purpose` on behalf of `holder`, under the user's
/// lock: refused with 429 (Retry-After) while one is open or when the user's limit per
/// 10 minutes is used up.
pub async fn send_challenge(
    state: &AppState,
    device: &DeviceRow,
    purpose: ChallengePurpose,
    holder: &str,
    now: u64,
) -> ApiResult<PushChallenge> {
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, &device.user_id).await?;
    let since = db_time(now.saturating_sub(FATIGUE_WINDOW));
    let (open, all, open_until, oldest) =
        push_store::recent_challenges(&mut tx, &device.user_id, since, now).await?;
    let retry = |at: Option<i64>| RateLimitedUntil(at.map_or(1, |t| t - db_time(now)));
    if open >= MAX_OPEN {
        return Err(retry(open_until).into());
    }
    if all >= i64::from(state.config.push_limit) {
        return Err(retry(oldest.map(|t| t + db_time(FATIGUE_WINDOW))).into());
    }
    let id = crate::crypto::random_id()?;
    let expires_at = db_time(now) + i64::from(state.config.push_challenge_ttl);
    push_store::insert_challenge(
        &mut tx,
        &NewChallenge {
            id: &id,
            user_id: &device.user_id,
            device_id: &device.id,
            purpose,
            holder,
            number: random_number()?,
            expires_at,
        },
        now,
    )
    .await?;
    let row = push_store::challenge_of_user(&mut tx, &device.user_id, &id).await?;
    tx.commit().await?;
    state
        .push
        .notify(&state.db, &[device_key(&device.id)])
        .await;
    tracing::info!(user = %device.user_id, challenge = %id, purpose = purpose.as_str(), "push sent");
    row.to_browser(now)
}

/// Seconds until a push may be sent again.
struct RateLimitedUntil(i64);

impl From<RateLimitedUntil> for ApiError {
    fn from(RateLimitedUntil(secs): RateLimitedUntil) -> Self {
        ApiError::RateLimited(u64::try_from(secs.max(1)).unwrap_or(1))
    }
}

/// The user's challenge `id` once it is no longer pending, or when `wait` seconds
/// passed (long-poll; 0 answers at once). Another user's challenge is not found.
pub async fn wait_challenge(
    state: &AppState,
    user_id: &str,
    id: &str,
    wait: u64,
) -> ApiResult<PushChallenge> {
    let deadline = Instant::now() + Duration::from_secs(wait.min(MAX_WAIT));
    let key = challenge_key(id);
    let mut wake = state
        .push
        .subscribe(&state.db, &state.config.database_url)
        .await;
    loop {
        let now = security_info_core::unix_now();
        let mut conn = state.db.pool.acquire().await?;
        let challenge = push_store::challenge_of_user(&mut conn, user_id, id)
            .await?
            .to_browser(now)?;
        drop(conn);
        if challenge.state.is_final() || Instant::now() >= deadline {
            return Ok(challenge);
        }
        let poll = Duration::from_secs(u64::from(state.config.push_poll_interval));
        let until = deadline
            .min(Instant::now() + poll)
            .min(expiry_instant(challenge.expires_at));
        wait_for(&mut wake, &key, until).await;
    }
}

/// When a challenge expiring at `expires_at` (Unix seconds) expires, as an instant.
fn expiry_instant(expires_at: i64) -> Instant {
    let left = expires_at - db_time(security_info_core::unix_now());
    Instant::now() + Duration::from_secs(u64::try_from(left.max(0)).unwrap_or(0) + 1)
}

/// Waits until a wake-up for `key` (or a lost one: the channel lagged) or `until`.
async fn wait_for(wake: &mut tokio::sync::broadcast::Receiver<String>, key: &str, until: Instant) {
    let _ = tokio::time::timeout_at(until, async {
        loop {
            match wake.recv().await {
                Ok(k) if k == key => return,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    std::future::pending::<()>().await;
                }
            }
        }
    })
    .await;
}

/// The user's challenge as server-sent events: a `state` event with the challenge now
/// and after every change, ending after a final state. The browser reads it with
/// `fetch` (bearer tokens work; `EventSource` cannot send them).
pub async fn challenge_events(
    state: AppState,
    user_id: String,
    id: String,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Unknown or another user's: 404 before the stream starts.
    let mut conn = state.db.pool.acquire().await?;
    push_store::challenge_of_user(&mut conn, &user_id, &id).await?;
    drop(conn);
    let wake = state
        .push
        .subscribe(&state.db, &state.config.database_url)
        .await;
    let stream = futures_util::stream::unfold(
        (state, user_id, id, wake, None::<ChallengeState>, false),
        |(state, user_id, id, mut wake, last, done)| async move {
            if done {
                return None;
            }
            let key = challenge_key(&id);
            loop {
                let now = security_info_core::unix_now();
                let challenge = match state.db.pool.acquire().await {
                    Ok(mut conn) => push_store::challenge_of_user(&mut conn, &user_id, &id)
                        .await
                        .and_then(|c| c.to_browser(now)),
                    Err(e) => Err(e.into()),
                };
                let Ok(challenge) = challenge else {
                    // Gone (the method was deleted) or the database failed: end the
                    // stream; the browser falls back to polling, which says which.
                    return None;
                };
                if last != Some(challenge.state) {
                    let event = Event::default()
                        .event("state")
                        .json_data(&challenge)
                        .unwrap_or_default();
                    let final_state = challenge.state.is_final();
                    return Some((
                        Ok(event),
                        (state, user_id, id, wake, Some(challenge.state), final_state),
                    ));
                }
                let poll = Duration::from_secs(u64::from(state.config.push_poll_interval));
                let until = (Instant::now() + poll).min(expiry_instant(challenge.expires_at));
                wait_for(&mut wake, &key, until).await;
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The device's pending challenges once there is one, or when `wait` seconds passed
/// (long-poll; 0 answers at once).
pub async fn wait_device_challenges(
    state: &AppState,
    device_id: &str,
    wait: u64,
) -> ApiResult<Vec<ChallengeRow>> {
    let deadline = Instant::now() + Duration::from_secs(wait.min(MAX_WAIT));
    let key = device_key(device_id);
    let mut wake = state
        .push
        .subscribe(&state.db, &state.config.database_url)
        .await;
    loop {
        let now = security_info_core::unix_now();
        let mut conn = state.db.pool.acquire().await?;
        let pending = push_store::pending_for_device(&mut conn, device_id, now).await?;
        drop(conn);
        if !pending.is_empty() || Instant::now() >= deadline {
            return Ok(pending);
        }
        let poll = Duration::from_secs(u64::from(state.config.push_poll_interval));
        wait_for(&mut wake, &key, deadline.min(Instant::now() + poll)).await;
    }
}

/// Every challenge sent to the device from now on (and those pending already) as
/// `challenge` events; the stream ends when the device is revoked.
pub async fn device_events(
    state: AppState,
    device: DeviceRow,
    issuer: String,
    account_name: String,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let wake = state
        .push
        .subscribe(&state.db, &state.config.database_url)
        .await;
    let sent: Vec<String> = Vec::new();
    let stream = futures_util::stream::unfold(
        (
            state,
            device,
            wake,
            sent,
            std::collections::VecDeque::<Event>::new(),
        ),
        move |(state, device, mut wake, mut sent, mut queue)| {
            let issuer = issuer.clone();
            let account_name = account_name.clone();
            async move {
                let key = device_key(&device.id);
                loop {
                    if let Some(event) = queue.pop_front() {
                        return Some((Ok(event), (state, device, wake, sent, queue)));
                    }
                    let now = security_info_core::unix_now();
                    let mut conn = state.db.pool.acquire().await.ok()?;
                    // Revoked (method deleted) or expired while pending: the stream ends.
                    push_store::live_device(&mut conn, &device.id, now)
                        .await
                        .ok()??;
                    let pending = push_store::pending_for_device(&mut conn, &device.id, now)
                        .await
                        .ok()?;
                    drop(conn);
                    for row in pending {
                        if sent.contains(&row.id) {
                            continue;
                        }
                        let Ok(challenge) = row.to_device(&issuer, &account_name) else {
                            continue;
                        };
                        sent.push(row.id.clone());
                        queue.push_back(
                            Event::default()
                                .event("challenge")
                                .json_data(&challenge)
                                .unwrap_or_default(),
                        );
                    }
                    if queue.is_empty() {
                        let poll = Duration::from_secs(u64::from(state.config.push_poll_interval));
                        wait_for(&mut wake, &key, Instant::now() + poll).await;
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Uses the user's approved challenge `id` for `purpose` by `holder`, inside `tx`
/// (which holds the user's lock): pending is 400, denied or wrong number 403, expired
/// 410, already used 422 `code-reused`, someone else's (user or holder) 404.
pub async fn use_approved(
    tx: &mut sqlx::AnyConnection,
    user_id: &str,
    holder: &str,
    id: &str,
    purpose: ChallengePurpose,
    now: u64,
) -> ApiResult<ChallengeRow> {
    let row = push_store::challenge_of_user(tx, user_id, id).await?;
    if row.holder != holder || row.purpose()? != purpose {
        return Err(ApiError::NotFound);
    }
    match row.state(now)? {
        ChallengeState::Approved => {}
        ChallengeState::Pending => {
            return Err(ApiError::Validation(
                "the notification has not been answered yet".into(),
            ));
        }
        ChallengeState::Denied | ChallengeState::WrongNumber => return Err(ApiError::Forbidden),
        ChallengeState::Expired => return Err(ApiError::Expired),
        ChallengeState::Completed => return Err(ApiError::CodeReused),
    }
    if !push_store::move_challenge(
        tx,
        id,
        ChallengeState::Approved,
        ChallengeState::Completed,
        now,
    )
    .await?
    {
        return Err(ApiError::CodeReused);
    }
    Ok(row)
}
