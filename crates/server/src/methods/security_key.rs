//! Security keys and passkeys (FIDO2/WebAuthn with user verification): registration.
//! Start checks policy and step-up and opens a ceremony whose options exclude the
//! user's keys; finish verifies the browser's answer against it, then adds the method and
//! its credential in one transaction. A security key never counts toward the
//! authenticator limit. Step-up and sign-in with a key are in `step_up` and `session`
//! (through `crate::webauthn`).

use crate::aaguids;
use crate::auth::Caller;
use crate::clock::unix_now_ms;
use crate::crypto::sha256_hex;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules;
use crate::state::AppState;
use crate::store::{self, KeyRow, MethodRow};
use crate::webauthn::{
    self, KeyCeremony, KeyFinishRequest, KeyStartRequest, Purpose, credential_id_text,
};
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::Method;
use security_info_core::methods::MethodType;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use webauthn_rs::prelude::{Credential, PasskeyRegistration, RegisterPublicKeyCredential};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(key_start))
        .routes(routes!(key_finish))
}

/// The WebAuthn user handle: stable per user, and not the user's id itself.
fn user_handle(user_id: &str) -> Uuid {
    let digest = sha256_hex(&format!("webauthn-user:{user_id}"));
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    Uuid::from_bytes(bytes)
}

/// Opens a security key registration: refuses with `not-allowed-by-policy` or
/// `step-up-required` (403), `csrf` (403), `rate-limited` (429) beyond the starts allowed
/// per window. The ceremony requires user verification (PIN or biometric; the options
/// say "preferred" so a key without a PIN is refused by the server with
/// `user-verification-required` rather than by the browser as if cancelled), asks for no
/// attestation, and excludes the user's keys, so the browser refuses a key registered
/// already.
#[utoipa::path(post, path = "/me/methods/security-key/start", tag = TAG,
    request_body = KeyStartRequest,
    responses(
        (status = 200, body = KeyCeremony),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn key_start(
    State(state): State<AppState>,
    caller: Caller,
    Json(_request): Json<KeyStartRequest>,
) -> ApiResult<Json<KeyCeremony>> {
    let now = security_info_core::unix_now();
    let user = &caller.user;
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user.id).await?;
    rules::check_add(
        &state.policy,
        MethodType::SecurityKey,
        &rules::api_methods(&rows),
    )?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    let keys = store::keys_of(&mut conn, &user.id).await?;
    drop(conn);
    let exclude = keys
        .iter()
        .map(|k| webauthn::passkey(k).map(|p| p.cred_id().clone()))
        .collect::<ApiResult<Vec<_>>>()?;
    let (options, ceremony) = state
        .webauthn
        .start_passkey_registration(
            user_handle(&user.id),
            &user.account_name,
            &user.account_name,
            Some(exclude),
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut public_key = serde_json::to_value(options.public_key)?;
    // The ceremony requires user verification (the stored state checks the UV flag).
    // The browser is asked for it as "preferred": with "required", browsers refuse a key
    // without a PIN with the same NotAllowedError as a cancel, so the person could not
    // be told to set a PIN; this way such a key's answer reaches the server, which
    // refuses it with `user-verification-required`. A key with a PIN is asked for it.
    public_key["authenticatorSelection"]["userVerification"] = "preferred".into();
    // credProtect's "userVerificationRequired" is inconsistent with "preferred" for
    // browsers (NotSupportedError): the key is asked to keep the credential undiscoverable
    // without UV instead (level 2); every assertion still requires UV.
    if let Some(extensions) = public_key["extensions"].as_object_mut()
        && extensions.contains_key("credentialProtectionPolicy")
    {
        extensions.insert(
            "credentialProtectionPolicy".into(),
            "userVerificationOptionalWithCredentialIDList".into(),
        );
    }
    if state.config.webauthn.roaming_only {
        // Ask the browser for a roaming key (USB, NFC, BLE) only.
        public_key["authenticatorSelection"]["authenticatorAttachment"] = "cross-platform".into();
        public_key["hints"] = serde_json::json!(["security-key"]);
    }
    let (ceremony_id, expires_at) = webauthn::open(
        &state,
        &user.id,
        &caller.holder,
        Purpose::Register,
        &ceremony,
        now,
    )
    .await?;
    Ok(Json(KeyCeremony {
        ceremony_id,
        public_key,
        expires_at,
    }))
}

/// The AAGUID in an attestation object (hyphenated), all zeros when absent.
fn aaguid(attestation_object: &[u8]) -> String {
    let found = serde_cbor_2::from_slice::<serde_cbor_2::Value>(attestation_object)
        .ok()
        .and_then(|v| match v {
            serde_cbor_2::Value::Map(map) => map
                .into_iter()
                .find(|(k, _)| *k == serde_cbor_2::Value::Text("authData".into()))
                .and_then(|(_, v)| match v {
                    serde_cbor_2::Value::Bytes(b) => Some(b),
                    _ => None,
                }),
            _ => None,
        })
        // rpIdHash (32), flags (1; 0x40: attested credential data), counter (4), AAGUID.
        .filter(|auth| auth.len() >= 53 && auth[32] & 0x40 != 0)
        .and_then(|auth| Uuid::from_slice(&auth[37..53]).ok());
    found.unwrap_or_default().hyphenated().to_string()
}

/// Finishes a security key registration with the browser's answer and stores the key
/// (named after its model when its AAGUID is known, else "Security key"; rename it
/// after). Errors: 400 `validation` (not a credential); 403 `step-up-required`,
/// `not-allowed-by-policy` or `csrf`; 404 no such open ceremony (never started,
/// another user's, finished already); 409 `key-already-registered`; 410 `expired`;
/// 422 `user-verification-required` (no PIN or biometric) or `key-rejected` (a wrong
/// origin, challenge or signature, or a platform authenticator where only roaming keys
/// are allowed).
#[utoipa::path(post, path = "/me/methods/security-key", tag = TAG,
    request_body = KeyFinishRequest,
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
async fn key_finish(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<KeyFinishRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let now = now_ms / 1000;
    rules::check_id(&request.ceremony_id)?;
    let platform = request.credential.get("authenticatorAttachment")
        == Some(&serde_json::Value::from("platform"));
    let answer: RegisterPublicKeyCredential = webauthn::credential(request.credential)?;
    let user_id = caller.user.id.clone();
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user_id).await?;
    rules::check_add(
        &state.policy,
        MethodType::SecurityKey,
        &rules::api_methods(&rows),
    )?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    let ceremony: PasskeyRegistration = webauthn::take(
        &state,
        &request.ceremony_id,
        &user_id,
        &caller.holder,
        Purpose::Register,
        now,
    )
    .await?;
    // webauthn-rs words an excluded credential as a changed algorithm: answer a key that
    // is registered already (to anyone) for what it is first.
    let mut conn = state.db.pool.acquire().await?;
    if store::key_exists(&mut conn, &credential_id_text(answer.raw_id.as_ref())).await? {
        return Err(ApiError::KeyAlreadyRegistered);
    }
    drop(conn);
    let passkey = state
        .webauthn
        .finish_passkey_registration(&answer, &ceremony)
        .map_err(webauthn::refusal)?;
    if platform && state.config.webauthn.roaming_only {
        return Err(ApiError::KeyRejected(
            "your organization allows only security keys you plug in or hold to the device".into(),
        ));
    }
    let aaguid = aaguid(&answer.response.attestation_object);
    let model = aaguids::model(&aaguid);
    let transports = answer
        .response
        .transports
        .iter()
        .flatten()
        .filter_map(|t| serde_json::to_value(t).ok()?.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(",");
    let credential_id = credential_id_text(passkey.cred_id().as_ref());

    let mut tx = state.db.begin_write().await?;
    let (user, existing) = rules::lock_for_add(
        &mut tx,
        &state.policy,
        MethodType::SecurityKey,
        &user_id,
        &caller.holder,
        now,
    )
    .await?;
    if store::key_exists(&mut tx, &credential_id).await? {
        return Err(ApiError::KeyAlreadyRegistered);
    }
    let id = crate::crypto::random_id()?;
    let row = MethodRow {
        id: id.clone(),
        user_id: user_id.clone(),
        method_type: MethodType::SecurityKey.as_str().to_owned(),
        name: model.unwrap_or("Security key").to_owned(),
        secret_enc: None,
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        last_step: None,
        totp_algorithm: None,
        totp_digits: None,
        totp_period: None,
        token_serial: None,
        key_model: model.map(str::to_owned),
        contact: None,
        phone_kind: None,
        phone_extension: None,
    };
    let method = rules::insert_added(&mut tx, &user, &existing, &row).await?;
    let key = KeyRow {
        method_id: id,
        user_id: user_id.clone(),
        credential_id,
        aaguid,
        transports,
        credential: serde_json::to_string(&passkey)?,
        sign_count: i64::from(Credential::from(passkey.clone()).counter),
    };
    if !store::insert_key(&mut tx, &key).await? {
        return Err(ApiError::KeyAlreadyRegistered);
    }
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, "security key added");
    Ok((StatusCode::CREATED, Json(method)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_handles_are_stable_and_differ_per_user() {
        assert_eq!(user_handle("a"), user_handle("a"));
        assert_ne!(user_handle("a"), user_handle("b"));
    }

    #[test]
    fn aaguid_comes_from_attested_credential_data() {
        let mut auth = vec![0u8; 37];
        auth[32] = 0x45;
        auth.extend_from_slice(&[0xcb; 16]);
        let object = serde_cbor_2::to_vec(&serde_cbor_2::Value::Map(
            [(
                serde_cbor_2::Value::Text("authData".into()),
                serde_cbor_2::Value::Bytes(auth),
            )]
            .into_iter()
            .collect(),
        ))
        .unwrap_or_default();
        assert_eq!(aaguid(&object), "cbcbcbcb-cbcb-cbcb-cbcb-cbcbcbcbcbcb");
        assert_eq!(aaguid(b"not cbor"), "00000000-0000-0000-0000-000000000000");
    }
}
