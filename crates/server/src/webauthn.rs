//! WebAuthn ceremonies for security keys and passkeys (`webauthn-rs`), shared by the
//! areas that run them: registration (`methods::security_key`), step-up (`step_up`) and
//! the demo's second factor (`session`). A ceremony's challenge state is stored in the
//! database with an expiry and bound to the user, the holder (bearer user or demo
//! session) and its purpose; finishing takes it (deletes it) once, so a replayed answer,
//! another user's ceremony or an expired one is refused.

use crate::auth::ClientAddr;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::rules::check_id;
use crate::state::AppState;
use crate::store::{self, Bucket, KeyRow, db_time};
use crate::verify::count_failed_guess;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    AuthenticationResult, Passkey, PasskeyAuthentication, PublicKeyCredential, WebauthnError,
};

/// Ceremonies a user keeps open at once: a new one closes the oldest beyond this.
pub const MAX_OPEN_CEREMONIES: u32 = 3;

/// What a ceremony is for; only that purpose can finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    StepUp,
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::StepUp => "step-up",
            Purpose::SignIn => "sign-in",
        }
    }
}

/// `{}`: starting a ceremony takes nothing.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyStartRequest {}

/// A started ceremony: its id and the options for the browser.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyCeremony {
    pub ceremony_id: String,
    /// WebAuthn's `PublicKeyCredentialCreationOptionsJSON` (registration) or
    /// `PublicKeyCredentialRequestOptionsJSON` (step-up, sign-in): binary fields in
    /// base64url, for `PublicKeyCredential.parseCreationOptionsFromJSON` /
    /// `parseRequestOptionsFromJSON`.
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
    /// Unix seconds; the ceremony cannot be finished after it.
    pub expires_at: i64,
}

/// Finishing a ceremony: its id and the browser's credential (`credential.toJSON()`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFinishRequest {
    pub ceremony_id: String,
    /// `PublicKeyCredential.toJSON()` of the created or asserted credential.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// Stores a ceremony's state for `holder`; answers its id and expiry. Every start counts
/// against the enrolment-start limit, so a loop of starts is refused (429).
pub async fn open(
    state: &AppState,
    user_id: &str,
    holder: &str,
    purpose: Purpose,
    ceremony: &impl Serialize,
    now: u64,
) -> ApiResult<(String, i64)> {
    let mut buckets = [Bucket {
        key: format!("webauthn-start:{user_id}"),
        limit: state.config.enrollment_start_limit,
    }];
    let _counted =
        store::reserve_attempt(&state.db, &mut buckets, state.config.rate_limit_window, now)
            .await?;
    let text = serde_json::to_string(ceremony)?;
    let expires_at = db_time(now) + i64::from(state.config.webauthn.timeout);
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, user_id).await?;
    let id = store::create_ceremony(
        &mut tx,
        user_id,
        holder,
        purpose.as_str(),
        &text,
        expires_at,
        MAX_OPEN_CEREMONIES,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((id, expires_at))
}

/// Takes the ceremony's state: 404 when it is not this holder's open ceremony for this
/// purpose (unknown, another user's, finished already), 410 when it expired.
pub async fn take<T: DeserializeOwned>(
    state: &AppState,
    ceremony_id: &str,
    user_id: &str,
    holder: &str,
    purpose: Purpose,
    now: u64,
) -> ApiResult<T> {
    check_id(ceremony_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let (text, expires_at) =
        store::take_ceremony(&mut conn, ceremony_id, user_id, holder, purpose.as_str())
            .await?
            .ok_or(ApiError::NotFound)?;
    if expires_at <= db_time(now) {
        return Err(ApiError::Expired);
    }
    serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("ceremony state: {e}")))
}

/// The browser's credential as webauthn-rs reads it; a wrong shape is a 400.
pub fn credential<T: DeserializeOwned>(value: serde_json::Value) -> ApiResult<T> {
    serde_json::from_value(value).map_err(|e| {
        ApiError::Validation(format!(
            "credential: {}",
            e.to_string().chars().take(160).collect::<String>()
        ))
    })
}

/// What a failed verification answers.
pub fn refusal(error: WebauthnError) -> ApiError {
    match error {
        WebauthnError::UserNotVerified => ApiError::UserVerificationRequired,
        WebauthnError::CredentialPossibleCompromise => ApiError::KeyCloned,
        WebauthnError::CredentialExcludedFromRequest => ApiError::KeyAlreadyRegistered,
        WebauthnError::InvalidRPOrigin => {
            ApiError::KeyRejected("the page's origin is not allowed for security keys".into())
        }
        other => ApiError::KeyRejected(other.to_string()),
    }
}

/// A stored key's credential.
pub fn passkey(key: &KeyRow) -> ApiResult<Passkey> {
    serde_json::from_str(&key.credential)
        .map_err(|e| ApiError::Internal(format!("stored security key: {e}")))
}

/// The text form of a credential id (base64url without padding).
pub fn credential_id_text(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// Starts a step-up or sign-in with any of the user's keys.
pub async fn start_assertion(
    state: &AppState,
    user_id: &str,
    holder: &str,
    purpose: Purpose,
    now: u64,
) -> ApiResult<KeyCeremony> {
    let mut conn = state.db.pool.acquire().await?;
    let keys = store::keys_of(&mut conn, user_id).await?;
    drop(conn);
    if keys.is_empty() {
        return Err(ApiError::Validation("no security key is registered".into()));
    }
    let passkeys = keys.iter().map(passkey).collect::<ApiResult<Vec<_>>>()?;
    let (options, ceremony) = state
        .webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let (ceremony_id, expires_at) = open(state, user_id, holder, purpose, &ceremony, now).await?;
    Ok(KeyCeremony {
        ceremony_id,
        public_key: serde_json::to_value(options.public_key)?,
        expires_at,
    })
}

/// Finishes a step-up or sign-in: verifies the assertion against the ceremony, refuses
/// a counter that did not grow (a cloned key), records the use and makes `holder`
/// fresh — all in the returned write transaction (holding the user's lock), which the
/// caller completes and commits. A refused assertion counts as a failed verification.
/// Also answers until when the holder is fresh.
pub async fn finish_assertion(
    state: &AppState,
    user_id: &str,
    holder: &str,
    client: &ClientAddr,
    purpose: Purpose,
    request: KeyFinishRequest,
    now: u64,
) -> ApiResult<(Tx, i64)> {
    check_id(&request.ceremony_id)?;
    let answer: PublicKeyCredential = credential(request.credential)?;
    let ceremony: PasskeyAuthentication =
        take(state, &request.ceremony_id, user_id, holder, purpose, now).await?;
    let result: AuthenticationResult = match state
        .webauthn
        .finish_passkey_authentication(&answer, &ceremony)
    {
        Ok(result) => result,
        Err(e) => {
            count_failed_guess(state, user_id, client, now).await?;
            return Err(refusal(e));
        }
    };
    let credential_id = credential_id_text(result.cred_id().as_ref());
    let mut tx = state.db.begin_write().await?;
    store::lock_user(&mut tx, user_id).await?;
    let key = store::keys_of(&mut tx, user_id)
        .await?
        .into_iter()
        .find(|k| k.credential_id == credential_id)
        .ok_or(ApiError::NotFound)?;
    let mut updated = passkey(&key)?;
    updated.update_credential(&result);
    let text = serde_json::to_string(&updated)?;
    let count = i64::from(result.counter());
    if !store::advance_key(&mut tx, user_id, &key.method_id, count, &text, now).await? {
        tracing::warn!(user = %user_id, method = %key.method_id, "security key counter went back");
        return Err(ApiError::KeyCloned);
    }
    let fresh_until = db_time(now) + i64::from(state.config.step_up_window);
    store::make_fresh(&mut tx, holder, fresh_until, now).await?;
    Ok((tx, fresh_until))
}
