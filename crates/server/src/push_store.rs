//! The push tables' SQL (migration 0008): activation codes, devices, nonces and
//! challenges. `now` is passed in, as in `store`.

use crate::error::{ApiError, ApiResult};
use crate::store::db_time;
use security_info_core::push::{ChallengePurpose, ChallengeState, DeviceChallenge, PushChallenge};
use sqlx::AnyConnection;

// ---- activations -----------------------------------------------------------------------

pub async fn insert_activation(
    conn: &mut AnyConnection,
    enrollment_id: &str,
    user_id: &str,
    code_hash: &str,
    expires_at: i64,
    now: u64,
) -> ApiResult<()> {
    // Expired activations, and pending devices whose activation expired: a pending
    // method not approved in time is removed.
    remove_expired(conn, now).await?;
    sqlx::query(
        "INSERT INTO push_activations (enrollment_id, user_id, code_hash, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(enrollment_id)
    .bind(user_id)
    .bind(code_hash)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes expired activation codes and the pending devices nobody approved in time
/// (with their challenges).
pub async fn remove_expired(conn: &mut AnyConnection, now: u64) -> ApiResult<()> {
    let now = db_time(now);
    sqlx::query(
        "DELETE FROM push_challenges WHERE device_id IN \
         (SELECT id FROM push_devices WHERE pending_until IS NOT NULL AND pending_until <= $1)",
    )
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM push_devices WHERE pending_until IS NOT NULL AND pending_until <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM push_activations WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivationRow {
    pub enrollment_id: String,
    pub user_id: String,
    pub expires_at: i64,
    pub device_id: Option<String>,
}

pub async fn activation_by_hash(
    conn: &mut AnyConnection,
    code_hash: &str,
) -> ApiResult<Option<ActivationRow>> {
    Ok(sqlx::query_as::<_, ActivationRow>(
        "SELECT enrollment_id, user_id, expires_at, device_id FROM push_activations \
         WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn activation_of(
    conn: &mut AnyConnection,
    user_id: &str,
    enrollment_id: &str,
) -> ApiResult<ActivationRow> {
    sqlx::query_as::<_, ActivationRow>(
        "SELECT enrollment_id, user_id, expires_at, device_id FROM push_activations \
         WHERE enrollment_id = $1 AND user_id = $2",
    )
    .bind(enrollment_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(ApiError::NotFound)
}

/// Marks the code used by `device_id`; false when it already was (a concurrent
/// activation won).
pub async fn use_activation(
    conn: &mut AnyConnection,
    enrollment_id: &str,
    device_id: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE push_activations SET device_id = $1 WHERE enrollment_id = $2 AND device_id IS NULL",
    )
    .bind(device_id)
    .bind(enrollment_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- devices -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceRow {
    pub id: String,
    pub user_id: String,
    pub method_id: String,
    pub enrollment_id: String,
    pub name: String,
    pub public_key: String,
    pub secret_enc: Option<String>,
    pub pending_until: Option<i64>,
}

const DEVICE_COLUMNS: &str =
    "id, user_id, method_id, enrollment_id, name, public_key, secret_enc, pending_until";

pub async fn insert_device(
    conn: &mut AnyConnection,
    device: &DeviceRow,
    now: u64,
) -> ApiResult<()> {
    sqlx::query(&format!(
        "INSERT INTO push_devices ({DEVICE_COLUMNS}, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&device.id)
    .bind(&device.user_id)
    .bind(&device.method_id)
    .bind(&device.enrollment_id)
    .bind(&device.name)
    .bind(&device.public_key)
    .bind(&device.secret_enc)
    .bind(device.pending_until)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// A device that may sign requests: active, or pending and not expired.
pub async fn live_device(
    conn: &mut AnyConnection,
    device_id: &str,
    now: u64,
) -> ApiResult<Option<DeviceRow>> {
    Ok(sqlx::query_as::<_, DeviceRow>(&format!(
        "SELECT {DEVICE_COLUMNS} FROM push_devices WHERE id = $1 \
         AND (pending_until IS NULL OR pending_until > $2)"
    ))
    .bind(device_id)
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?)
}

pub async fn device_of_enrollment(
    conn: &mut AnyConnection,
    user_id: &str,
    enrollment_id: &str,
    now: u64,
) -> ApiResult<Option<DeviceRow>> {
    Ok(sqlx::query_as::<_, DeviceRow>(&format!(
        "SELECT {DEVICE_COLUMNS} FROM push_devices WHERE user_id = $1 AND enrollment_id = $2 \
         AND (pending_until IS NULL OR pending_until > $3)"
    ))
    .bind(user_id)
    .bind(enrollment_id)
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?)
}

/// The active device of a push method.
pub async fn device_of_method(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
) -> ApiResult<Option<DeviceRow>> {
    Ok(sqlx::query_as::<_, DeviceRow>(&format!(
        "SELECT {DEVICE_COLUMNS} FROM push_devices WHERE user_id = $1 AND method_id = $2 \
         AND pending_until IS NULL"
    ))
    .bind(user_id)
    .bind(method_id)
    .fetch_optional(conn)
    .await?)
}

/// The pending device becomes active (its secret now lives in the method).
pub async fn activate_device(conn: &mut AnyConnection, device_id: &str) -> ApiResult<()> {
    sqlx::query("UPDATE push_devices SET pending_until = NULL, secret_enc = NULL WHERE id = $1")
        .bind(device_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes the device of a deleted method and cancels its challenges; answers the
/// device's id, if it had one (to wake its waiters).
pub async fn revoke_method_device(
    conn: &mut AnyConnection,
    method_id: &str,
) -> ApiResult<Option<String>> {
    let device: Option<(String,)> =
        sqlx::query_as("SELECT id FROM push_devices WHERE method_id = $1")
            .bind(method_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((device_id,)) = device else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM push_challenges WHERE device_id = $1")
        .bind(&device_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM push_nonces WHERE device_id = $1")
        .bind(&device_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM push_devices WHERE id = $1")
        .bind(&device_id)
        .execute(conn)
        .await?;
    Ok(Some(device_id))
}

/// Records a device request's nonce; false when it was seen (a replay). Forgets nonces
/// older than `ttl`.
pub async fn claim_nonce(
    conn: &mut AnyConnection,
    device_id: &str,
    nonce: &str,
    ttl: u64,
    now: u64,
) -> ApiResult<bool> {
    sqlx::query("DELETE FROM push_nonces WHERE at <= $1")
        .bind(db_time(now.saturating_sub(ttl)))
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "INSERT INTO push_nonces (device_id, nonce, at) VALUES ($1, $2, $3) \
         ON CONFLICT (device_id, nonce) DO NOTHING",
    )
    .bind(device_id)
    .bind(nonce)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- challenges ----------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeRow {
    pub id: String,
    pub user_id: String,
    pub device_id: String,
    pub purpose: String,
    pub holder: String,
    pub number: i64,
    pub state: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The device's name and method (joined).
    pub device_name: String,
    pub method_id: String,
}

impl ChallengeRow {
    pub fn purpose(&self) -> ApiResult<ChallengePurpose> {
        ChallengePurpose::parse(&self.purpose)
            .ok_or_else(|| ApiError::Internal(format!("challenge purpose {}", self.purpose)))
    }

    /// The state at `now`: a pending challenge past its expiry is expired.
    pub fn state(&self, now: u64) -> ApiResult<ChallengeState> {
        let state = ChallengeState::parse(&self.state)
            .ok_or_else(|| ApiError::Internal(format!("challenge state {}", self.state)))?;
        Ok(
            if state == ChallengeState::Pending && self.expires_at <= db_time(now) {
                ChallengeState::Expired
            } else {
                state
            },
        )
    }

    pub fn to_browser(&self, now: u64) -> ApiResult<PushChallenge> {
        Ok(PushChallenge {
            id: self.id.clone(),
            number: u8::try_from(self.number).map_err(|e| ApiError::Internal(e.to_string()))?,
            purpose: self.purpose()?,
            state: self.state(now)?,
            device_name: self.device_name.clone(),
            expires_at: self.expires_at,
        })
    }

    pub fn to_device(&self, issuer: &str, account_name: &str) -> ApiResult<DeviceChallenge> {
        let purpose = self.purpose()?;
        Ok(DeviceChallenge {
            id: self.id.clone(),
            purpose,
            action: purpose.action().to_owned(),
            issuer: issuer.to_owned(),
            account_name: account_name.to_owned(),
            expires_at: self.expires_at,
        })
    }
}

const CHALLENGE_SELECT: &str = "SELECT c.id, c.user_id, c.device_id, c.purpose, c.holder, \
     c.number, c.state, c.created_at, c.expires_at, d.name AS device_name, d.method_id \
     FROM push_challenges c JOIN push_devices d ON d.id = c.device_id";

pub struct NewChallenge<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub device_id: &'a str,
    pub purpose: ChallengePurpose,
    pub holder: &'a str,
    pub number: u8,
    pub expires_at: i64,
}

pub async fn insert_challenge(
    conn: &mut AnyConnection,
    c: &NewChallenge<'_>,
    now: u64,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO push_challenges (id, user_id, device_id, purpose, holder, number, state, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)",
    )
    .bind(c.id)
    .bind(c.user_id)
    .bind(c.device_id)
    .bind(c.purpose.as_str())
    .bind(c.holder)
    .bind(i64::from(c.number))
    .bind(db_time(now))
    .bind(c.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user's challenges created since `since`: (open ones at `now`, all, the earliest
/// open one's expiry, the oldest one's creation).
pub async fn recent_challenges(
    conn: &mut AnyConnection,
    user_id: &str,
    since: i64,
    now: u64,
) -> ApiResult<(i64, i64, Option<i64>, Option<i64>)> {
    sqlx::query("DELETE FROM push_challenges WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(since)
        .execute(&mut *conn)
        .await?;
    let (open, open_until): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(expires_at) FROM push_challenges \
         WHERE user_id = $1 AND state = 'pending' AND expires_at > $2",
    )
    .bind(user_id)
    .bind(db_time(now))
    .fetch_one(&mut *conn)
    .await?;
    let (all, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM push_challenges \
         WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((open, all, open_until, oldest))
}

/// One of the user's challenges; another user's is not found.
pub async fn challenge_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
) -> ApiResult<ChallengeRow> {
    sqlx::query_as::<_, ChallengeRow>(&format!(
        "{CHALLENGE_SELECT} WHERE c.id = $1 AND c.user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(ApiError::NotFound)
}

/// One of the device's challenges; another device's is not found.
pub async fn challenge_of_device(
    conn: &mut AnyConnection,
    device_id: &str,
    id: &str,
) -> ApiResult<ChallengeRow> {
    sqlx::query_as::<_, ChallengeRow>(&format!(
        "{CHALLENGE_SELECT} WHERE c.id = $1 AND c.device_id = $2"
    ))
    .bind(id)
    .bind(device_id)
    .fetch_optional(conn)
    .await?
    .ok_or(ApiError::NotFound)
}

/// The device's challenges waiting for an answer at `now`.
pub async fn pending_for_device(
    conn: &mut AnyConnection,
    device_id: &str,
    now: u64,
) -> ApiResult<Vec<ChallengeRow>> {
    Ok(sqlx::query_as::<_, ChallengeRow>(&format!(
        "{CHALLENGE_SELECT} WHERE c.device_id = $1 AND c.state = 'pending' AND c.expires_at > $2 \
         ORDER BY c.created_at, c.id"
    ))
    .bind(device_id)
    .bind(db_time(now))
    .fetch_all(conn)
    .await?)
}

/// Moves a challenge from `from` to `to`, if it is still in `from` (and, for a pending
/// one, not expired at `now`); false when another answer came first.
pub async fn move_challenge(
    conn: &mut AnyConnection,
    id: &str,
    from: ChallengeState,
    to: ChallengeState,
    now: u64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE push_challenges SET state = $1 WHERE id = $2 AND state = $3 \
         AND (state <> 'pending' OR expires_at > $4)",
    )
    .bind(to.as_str())
    .bind(id)
    .bind(from.as_str())
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
