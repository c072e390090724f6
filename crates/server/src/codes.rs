//! One-time codes sent by text, call or email: sending under the send limits, "Resend"
//! with its cool-down, and checking a typed code under the per-code tries and the
//! failed-verification limits. The codes themselves are never stored or logged: the
//! database holds an HMAC of each (`SecretBox::code_hash`).

use crate::auth::ClientAddr;
use crate::clock::unix_now_ms;
use crate::crypto::{random_bytes, random_id, sha256_hex};
use crate::delivery::{Channel, Compose, Message, compose, locale_of};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{self, Bucket, ChallengeRow, db_time};
use security_info_core::api::CodeSent;
use security_info_core::methods::{DefaultMode, MethodType, PhoneKind, mask_email};
use security_info_core::phone::{CODE_DIGITS, mask_phone};
use security_info_core::totp::check_code;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// What a challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Proving a new number or address (adding a method, or "Change").
    Enrol,
    /// Proving a registered method (step-up, sign-in).
    Verify,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Enrol => "enrol",
            Purpose::Verify => "verify",
        }
    }
}

/// A code to send: for what, where and how.
pub struct NewCode<'a> {
    pub purpose: Purpose,
    pub method_type: MethodType,
    /// Verify: the method; enrol: the method a change replaces.
    pub method_id: Option<&'a str>,
    pub channel: Channel,
    pub contact: &'a str,
    pub phone_kind: Option<PhoneKind>,
    pub extension: Option<&'a str>,
    pub locale: Option<&'a str>,
}

/// A random code of [`CODE_DIGITS`] digits, uniform (rejection sampling).
fn new_code() -> ApiResult<Zeroizing<String>> {
    let modulus = 10u32.pow(u32::from(CODE_DIGITS));
    // The largest multiple of the modulus that fits: values above it would favour low codes.
    let zone = u32::MAX - u32::MAX % modulus;
    loop {
        let value = u32::from_le_bytes(random_bytes::<4>()?);
        if value < zone {
            return Ok(Zeroizing::new(format!(
                "{:0width$}",
                value % modulus,
                width = usize::from(CODE_DIGITS)
            )));
        }
    }
}

/// The masked number or address, as the answers show it.
pub fn masked(channel: Channel, contact: &str) -> String {
    match channel {
        Channel::Email => mask_email(contact),
        Channel::Text | Channel::Call => mask_phone(contact),
    }
}

/// Counts one send against the user, the number or address (whoever asks: a number
/// someone else verified is allowed, under the same limit, with the same answers) and the
/// client address; 429 beyond any of them. Sends are never given back.
async fn count_send(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    contact: &str,
    now: u64,
) -> ApiResult<()> {
    let limits = &state.config.codes;
    let mut buckets = [
        Bucket {
            key: format!("code-send-user:{user_id}"),
            limit: limits.send_limit_user,
        },
        // Hashed: the attempts table holds no numbers or addresses.
        Bucket {
            key: format!("code-send-to:{}", sha256_hex(&contact.to_lowercase())),
            limit: limits.send_limit_contact,
        },
        Bucket {
            key: format!("code-send-client:{}", client.0),
            limit: limits.send_limit_client,
        },
    ];
    let _sent = store::reserve_attempt(&state.db, &mut buckets, limits.send_window, now).await?;
    Ok(())
}

fn message(state: &AppState, row: &ChallengeRow, channel: Channel, code: &str) -> Message {
    let locale = locale_of(Some(&row.locale));
    let (subject, text, html) = compose(&Compose {
        channel,
        locale,
        code,
        minutes: state.config.codes.ttl.div_ceil(60),
        issuer: &state.config.issuer,
    });
    Message {
        channel,
        to: row.contact.clone(),
        locale,
        subject,
        text,
        html,
        expires_at: row.expires_at,
        user_id: row.user_id.clone(),
    }
}

fn answer(state: &AppState, row: &ChallengeRow, channel: Channel, now: u64) -> CodeSent {
    CodeSent {
        challenge_id: row.id.clone(),
        detail: masked(channel, &row.contact),
        mode: channel.mode(),
        code_digits: CODE_DIGITS,
        expires_at: row.expires_at,
        resend_at: row.sent_at + i64::from(state.config.codes.resend_cooldown),
        server_time: db_time(now),
    }
}

/// Sends a new code (replacing the user's open one for the same purpose and method).
/// When it cannot be delivered, the challenge is removed and the person is told
/// `delivery-failed`, never that a code is on its way.
pub async fn send_new(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    new: &NewCode<'_>,
    now: u64,
) -> ApiResult<CodeSent> {
    if state.delivery.sender(new.channel).is_none() {
        return Err(ApiError::DeliveryFailed);
    }
    count_send(state, user_id, client, new.contact, now).await?;
    let code = new_code()?;
    let id = random_id()?;
    let row = ChallengeRow {
        code_hash: state.secrets.code_hash(&id, &code),
        id,
        user_id: user_id.to_owned(),
        purpose: new.purpose.as_str().to_owned(),
        method_type: new.method_type.as_str().to_owned(),
        method_id: new.method_id.map(str::to_owned),
        channel: new.channel.as_str().to_owned(),
        contact: new.contact.to_owned(),
        phone_kind: new.phone_kind.map(|k| k.as_str().to_owned()),
        phone_extension: new.extension.map(str::to_owned),
        locale: locale_of(new.locale).to_owned(),
        expires_at: db_time(now) + i64::from(state.config.codes.ttl),
        attempts: 0,
        sent_at: db_time(now),
    };
    let mut tx = state.db.begin_write().await?;
    store::insert_challenge(&mut tx, &row, now).await?;
    tx.commit().await?;
    let delivered = state
        .delivery
        .deliver(
            &state.db,
            &message(state, &row, new.channel, &code),
            unix_now_ms(),
        )
        .await;
    if let Err(e) = delivered {
        let mut conn = state.db.pool.acquire().await?;
        store::delete_challenge(&mut conn, &row.id).await?;
        return Err(e);
    }
    Ok(answer(state, &row, new.channel, now))
}

/// "Resend": a new code for the user's challenge, optionally by another channel a mobile
/// phone has. Refused with 429 (and `Retry-After`) during the cool-down, and beyond the
/// send limits.
pub async fn resend(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    challenge_id: &str,
    mode: Option<DefaultMode>,
    now: u64,
) -> ApiResult<CodeSent> {
    let mut conn = state.db.pool.acquire().await?;
    let row = store::challenge(&mut conn, user_id, challenge_id).await?;
    drop(conn);
    let current =
        Channel::parse(&row.channel).ok_or_else(|| ApiError::Internal("unknown channel".into()))?;
    let channel = match mode {
        None => current,
        Some(mode) => {
            let wanted = Channel::of_mode(mode).filter(|_| current != Channel::Email);
            let office = row.phone_kind.as_deref() == Some(PhoneKind::Office.as_str());
            match wanted {
                Some(Channel::Text) if office => None,
                other => other,
            }
            .ok_or_else(|| ApiError::Validation("this code cannot be sent that way".into()))?
        }
    };
    let ready_at = row.sent_at + i64::from(state.config.codes.resend_cooldown);
    if ready_at > db_time(now) {
        return Err(ApiError::RateLimited(
            u64::try_from(ready_at - db_time(now)).unwrap_or(1),
        ));
    }
    count_send(state, user_id, client, &row.contact, now).await?;
    let code = new_code()?;
    let renewed = ChallengeRow {
        code_hash: state.secrets.code_hash(&row.id, &code),
        channel: channel.as_str().to_owned(),
        expires_at: db_time(now) + i64::from(state.config.codes.ttl),
        sent_at: db_time(now),
        attempts: 0,
        ..row.clone()
    };
    let mut conn = state.db.pool.acquire().await?;
    let changed = store::renew_challenge(
        &mut conn,
        &row.id,
        row.sent_at,
        &renewed.code_hash,
        &renewed.channel,
        renewed.expires_at,
        renewed.sent_at,
    )
    .await?;
    drop(conn);
    if !changed {
        // A concurrent resend won: this one is within its cool-down.
        return Err(ApiError::RateLimited(u64::from(
            state.config.codes.resend_cooldown.max(1),
        )));
    }
    let delivered = state
        .delivery
        .deliver(
            &state.db,
            &message(state, &renewed, channel, &code),
            unix_now_ms(),
        )
        .await;
    if let Err(e) = delivered {
        let mut conn = state.db.pool.acquire().await?;
        store::restore_sent_at(&mut conn, &row.id, renewed.sent_at, row.sent_at).await?;
        return Err(e);
    }
    Ok(answer(state, &renewed, channel, now))
}

/// Checks a typed code against the challenge: malformed codes are refused without
/// counting; each try counts against the code (`code-attempts`, then 410 `expired`: send
/// a new one) and, when wrong, against the user's and the client's failed
/// verifications (429). The caller consumes the challenge in its transaction
/// ([`store::consume_challenge`]).
pub async fn check(
    state: &AppState,
    row: &ChallengeRow,
    client: &ClientAddr,
    typed: &str,
    now: u64,
) -> ApiResult<()> {
    let code = check_code(typed, CODE_DIGITS)
        .map_err(|_| ApiError::InvalidCode(Some(format!("a code has {CODE_DIGITS} digits"))))?;
    if row.expires_at <= db_time(now) {
        return Err(ApiError::Expired);
    }
    let mut buckets = [
        Bucket {
            key: format!("user:{}", row.user_id),
            limit: state.config.rate_limit_user,
        },
        Bucket {
            key: format!("client:{}", client.0),
            limit: state.config.rate_limit_client,
        },
    ];
    let reservation =
        store::reserve_attempt(&state.db, &mut buckets, state.config.rate_limit_window, now)
            .await?;
    let mut conn = state.db.pool.acquire().await?;
    if !store::count_code_try(&mut conn, &row.id, state.config.codes.attempts).await? {
        // Used up: the failed-verification counters keep this try too.
        return Err(ApiError::Expired);
    }
    drop(conn);
    let typed_hash = state.secrets.code_hash(&row.id, &code);
    if bool::from(typed_hash.as_bytes().ct_eq(row.code_hash.as_bytes())) {
        store::release_attempt(&state.db, reservation).await?;
        Ok(())
    } else {
        Err(ApiError::InvalidCode(None))
    }
}

/// Sends a code to one of the user's registered phones (`text` or `call`, as the phone
/// allows) for a step-up or the demo sign-in. Asking again within the cool-down is
/// refused with 429, like "Resend".
pub async fn send_for_method(
    state: &AppState,
    user_id: &str,
    client: &ClientAddr,
    request: &security_info_core::api::SendCodeRequest,
    now: u64,
) -> ApiResult<CodeSent> {
    crate::rules::check_id(&request.method_id)?;
    let mut conn = state.db.pool.acquire().await?;
    let method = store::method_of(&mut conn, user_id, &request.method_id).await?;
    let open = store::challenge_for_method(&mut conn, user_id, &method.id).await?;
    drop(conn);
    let api = method.to_api().ok_or(ApiError::NotFound)?;
    let contact = method
        .contact
        .as_deref()
        .filter(|_| api.method_type == MethodType::Phone);
    let (Some(contact), Some(channel)) = (contact, Channel::of_mode(request.mode)) else {
        return Err(ApiError::Validation(
            "codes are sent to phones, by text or call".into(),
        ));
    };
    if !api.default_modes.contains(&request.mode) {
        return Err(ApiError::Validation(
            "this phone cannot receive codes that way".into(),
        ));
    }
    if let Some(open) = open {
        let ready_at = open.sent_at + i64::from(state.config.codes.resend_cooldown);
        if ready_at > db_time(now) {
            return Err(ApiError::RateLimited(
                u64::try_from(ready_at - db_time(now)).unwrap_or(1),
            ));
        }
    }
    let new = NewCode {
        purpose: Purpose::Verify,
        method_type: MethodType::Phone,
        method_id: Some(&method.id),
        channel,
        contact,
        phone_kind: api.phone_kind,
        extension: method.phone_extension.as_deref(),
        locale: request.locale.as_deref(),
    };
    send_new(state, user_id, client, &new, now).await
}
