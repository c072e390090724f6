//! Queries. Everything that matters lives in the database, so any number of instances
//! can serve one database.

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use security_info_core::api::{DefaultMethod, Method};
use security_info_core::methods::{
    DefaultMode, MethodSource, MethodType, PhoneKind, mask_email, mask_serial,
};
use security_info_core::phone::mask_phone;
use security_info_core::totp::{Algorithm, TotpParams};
use sqlx::AnyConnection;

/// A Unix time as the database stores it. Every function here takes the time from its
/// caller: the handler reads the clock once, so one request sees one "now".
pub fn db_time(unix_secs: u64) -> i64 {
    i64::try_from(unix_secs).unwrap_or(i64::MAX)
}

/// A matched time step as stored (`last_step`).
pub fn db_step(step: u64) -> ApiResult<i64> {
    i64::try_from(step).map_err(|_| ApiError::Validation("time step out of range".into()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub subject: String,
    pub account_name: String,
    pub password_hash: Option<String>,
    pub default_method_id: Option<String>,
    pub default_mode: Option<String>,
}

impl UserRow {
    pub fn default_pair(&self) -> Option<(String, DefaultMode)> {
        let id = self.default_method_id.clone()?;
        let mode = DefaultMode::parse(self.default_mode.as_deref()?)?;
        Some((id, mode))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodRow {
    pub id: String,
    pub user_id: String,
    pub method_type: String,
    pub name: String,
    pub secret_enc: Option<String>,
    pub created_ms: i64,
    pub last_used_at: Option<i64>,
    /// The last time step accepted (RFC 6238 section 5.2: that one and every earlier one
    /// are refused from then on).
    pub last_step: Option<i64>,
    /// Code parameters; `None` for the defaults of authenticator apps.
    pub totp_algorithm: Option<String>,
    pub totp_digits: Option<i64>,
    pub totp_period: Option<i64>,
    /// The hardware token this method is (its serial number), if it is one.
    pub token_serial: Option<String>,
    /// A security key's model, when its AAGUID is a known one (shown as the detail).
    pub key_model: Option<String>,
    /// A phone's E.164 number or an email address: where its codes go.
    pub contact: Option<String>,
    /// `mobile` or `office`, for phones.
    pub phone_kind: Option<String>,
    /// An office phone's extension.
    pub phone_extension: Option<String>,
}

impl MethodRow {
    pub fn kind(&self) -> Option<MethodType> {
        MethodType::parse(&self.method_type)
    }

    /// The associated data that binds a sealed secret to this method and user.
    pub fn aad(&self) -> String {
        secret_aad(&self.user_id, &self.id)
    }

    /// A phone's kind (mobile or office).
    pub fn phone(&self) -> Option<PhoneKind> {
        let kind = self.phone_kind.as_deref()?;
        PhoneKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// What the list shows of the method: a masked serial, number or address, or a
    /// security key's model.
    fn masked_detail(&self, kind: MethodType) -> Option<String> {
        match kind {
            MethodType::Phone => self.contact.as_deref().map(mask_phone),
            MethodType::Email => self.contact.as_deref().map(mask_email),
            _ => self
                .token_serial
                .as_deref()
                .map(mask_serial)
                .or_else(|| self.key_model.clone()),
        }
    }

    pub fn to_api(&self) -> Option<Method> {
        let kind = self.kind()?;
        let phone = (kind == MethodType::Phone).then(|| self.phone()).flatten();
        Some(Method {
            id: self.id.clone(),
            method_type: kind,
            name: self.name.clone(),
            detail: self.masked_detail(kind),
            phone_kind: phone,
            source: (kind == MethodType::Totp).then_some(if self.token_serial.is_some() {
                MethodSource::Hardware
            } else {
                MethodSource::App
            }),
            code_digits: self
                .totp_digits
                .and_then(|d| u8::try_from(d).ok())
                .filter(|d| Some(*d) != kind.code_digits()),
            usable_for: kind.usable_for().to_vec(),
            default_modes: kind.default_modes(phone).to_vec(),
            created_at: self.created_ms / 1000,
            last_used_at: self.last_used_at,
        })
    }
}

impl MethodRow {
    /// The parameters its codes are checked with: a hardware token's own (60 s periods
    /// and 8 digits exist), the defaults for apps.
    pub fn params(&self) -> ApiResult<TotpParams> {
        match (&self.totp_algorithm, self.totp_digits, self.totp_period) {
            (None, None, None) => Ok(TotpParams::default()),
            (Some(algorithm), Some(digits), Some(period)) => {
                stored_params(algorithm, digits, period)
            }
            _ => Err(ApiError::Internal(format!(
                "method {} has partial code parameters",
                self.id
            ))),
        }
    }
}

/// Code parameters as stored; the import validated them, so a failure is the server's.
pub fn stored_params(algorithm: &str, digits: i64, period: i64) -> ApiResult<TotpParams> {
    let algorithm = Algorithm::parse(algorithm).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digits = u8::try_from(digits).map_err(|e| ApiError::Internal(e.to_string()))?;
    let period = u32::try_from(period).map_err(|e| ApiError::Internal(e.to_string()))?;
    TotpParams::new(algorithm, digits, period).map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn secret_aad(user_id: &str, method_id: &str) -> String {
    format!("totp-secret:{user_id}:{method_id}")
}

const USER_COLUMNS: &str =
    "id, subject, account_name, password_hash, default_method_id, default_mode";
const METHOD_COLUMNS: &str = "id, user_id, method_type, name, secret_enc, created_ms, \
     last_used_at, last_step, totp_algorithm, totp_digits, totp_period, token_serial, key_model, \
     contact, phone_kind, phone_extension";

pub async fn user_by_subject(
    conn: &mut AnyConnection,
    subject: &str,
) -> ApiResult<Option<UserRow>> {
    Ok(sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE subject = $1"
    ))
    .bind(subject)
    .fetch_optional(conn)
    .await?)
}

pub async fn user_by_id(conn: &mut AnyConnection, id: &str) -> ApiResult<UserRow> {
    sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(ApiError::Unauthenticated)
}

/// The user for `subject`, created on first sight.
pub async fn ensure_user(
    conn: &mut AnyConnection,
    subject: &str,
    account_name: &str,
    password_hash: Option<&str>,
    now: u64,
) -> ApiResult<UserRow> {
    // Read first: most requests come from known users, and a write per request would
    // serialise every request on SQLite's single writer.
    if let Some(user) = user_by_subject(conn, subject).await? {
        return Ok(user);
    }
    let id = crate::crypto::random_id()?;
    sqlx::query(
        "INSERT INTO users (id, subject, account_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject) DO NOTHING",
    )
    .bind(&id)
    .bind(subject)
    .bind(account_name)
    .bind(password_hash)
    .bind(db_time(now))
    .execute(&mut *conn)
    .await?;
    user_by_subject(conn, subject)
        .await?
        .ok_or_else(|| ApiError::Internal("user vanished after insert".into()))
}

/// Takes the user's row lock (PostgreSQL) / confirms the write lock (SQLite) for the
/// rest of the transaction, so concurrent changes to one user's methods serialise.
pub async fn lock_user(conn: &mut AnyConnection, user_id: &str) -> ApiResult<UserRow> {
    sqlx::query("UPDATE users SET lock_counter = lock_counter + 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    user_by_id(conn, user_id).await
}

pub async fn methods_of(conn: &mut AnyConnection, user_id: &str) -> ApiResult<Vec<MethodRow>> {
    Ok(sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM methods WHERE user_id = $1 ORDER BY created_ms, id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// One of the user's methods; another user's id is simply not found.
pub async fn method_of(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
) -> ApiResult<MethodRow> {
    sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM methods WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(method_id)
    .fetch_optional(conn)
    .await?
    .ok_or(ApiError::NotFound)
}

/// A method by id alone, for the token inventory (which knows only the method's id).
pub async fn method_by_id(
    conn: &mut AnyConnection,
    method_id: &str,
) -> ApiResult<Option<MethodRow>> {
    Ok(sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM methods WHERE id = $1"
    ))
    .bind(method_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_default(
    conn: &mut AnyConnection,
    user_id: &str,
    default: Option<&DefaultMethod>,
) -> ApiResult<()> {
    let mode = default.map(|d| d.mode.as_str());
    sqlx::query("UPDATE users SET default_method_id = $1, default_mode = $2 WHERE id = $3")
        .bind(default.map(|d| d.method_id.clone()))
        .bind(mode)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

// ---- step-up freshness -------------------------------------------------------------

pub async fn fresh_until(
    conn: &mut AnyConnection,
    holder: &str,
    now: u64,
) -> ApiResult<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT fresh_until FROM freshness WHERE holder = $1")
        .bind(holder)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0).filter(|t| *t > db_time(now)))
}

pub async fn make_fresh(
    conn: &mut AnyConnection,
    holder: &str,
    until: i64,
    now: u64,
) -> ApiResult<()> {
    sqlx::query("DELETE FROM freshness WHERE fresh_until <= $1")
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO freshness (holder, fresh_until) VALUES ($1, $2) \
         ON CONFLICT (holder) DO UPDATE SET fresh_until = excluded.fresh_until",
    )
    .bind(holder)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- replay refusal ------------------------------------------------------------------

/// Records that `step` was accepted for `method_id`, and when; false when this step or a
/// later one already was (by any instance: the conditional update decides).
pub async fn claim_step(
    conn: &mut AnyConnection,
    method_id: &str,
    step: u64,
    now: u64,
) -> ApiResult<bool> {
    let step = db_step(step)?;
    let done = sqlx::query(
        "UPDATE methods SET last_step = $1, last_used_at = $2 \
         WHERE id = $3 AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(step)
    .bind(db_time(now))
    .bind(method_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records when a method was last used (a sent code's step-up or sign-in).
pub async fn mark_used(conn: &mut AnyConnection, method_id: &str, now: u64) -> ApiResult<()> {
    sqlx::query("UPDATE methods SET last_used_at = $1 WHERE id = $2")
        .bind(db_time(now))
        .bind(method_id)
        .execute(conn)
        .await?;
    Ok(())
}

// ---- rate limiting -----------------------------------------------------------------

/// A bucket of failed attempts with its limit.
pub struct Bucket {
    pub key: String,
    pub limit: u32,
}

/// Refuses with 429 when any bucket already holds its limit of failures in the window.
async fn check_limit(
    conn: &mut AnyConnection,
    buckets: &[Bucket],
    window: u32,
    now: u64,
) -> ApiResult<()> {
    let now = db_time(now);
    let since = now - i64::from(window);
    for bucket in buckets {
        sqlx::query("DELETE FROM attempts WHERE bucket = $1 AND at <= $2")
            .bind(&bucket.key)
            .bind(since)
            .execute(&mut *conn)
            .await?;
        let (count, oldest): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MIN(at) FROM attempts WHERE bucket = $1 AND at > $2")
                .bind(&bucket.key)
                .bind(since)
                .fetch_one(&mut *conn)
                .await?;
        if count >= i64::from(bucket.limit) {
            let retry = oldest.map_or(i64::from(window), |t| t + i64::from(window) - now);
            return Err(ApiError::RateLimited(
                u64::try_from(retry.max(1)).unwrap_or(1),
            ));
        }
    }
    Ok(())
}

/// An attempt recorded in advance as a failure in each of its buckets; it stays one
/// unless [`release_attempt`] takes it back.
#[must_use = "an attempt that succeeded must be released"]
pub struct Reservation(Vec<String>);

/// Reserves one attempt in every bucket, atomically across instances: the buckets' lock
/// rows are held from the count to the recorded attempt, so a burst of concurrent
/// attempts gets exactly the limit through, however long each attempt then takes (a
/// password hash runs after this transaction, holding no connection). Refuses with 429
/// when a bucket is full. Locks are taken in key order so two buckets cannot deadlock.
pub async fn reserve_attempt(
    db: &Db,
    buckets: &mut [Bucket],
    window: u32,
    now: u64,
) -> ApiResult<Reservation> {
    buckets.sort_by(|a, b| a.key.cmp(&b.key));
    let mut tx = db.begin_write().await?;
    for bucket in buckets.iter() {
        sqlx::query(
            "INSERT INTO rate_locks (bucket, touched) VALUES ($1, $2) \
             ON CONFLICT (bucket) DO UPDATE SET touched = excluded.touched",
        )
        .bind(&bucket.key)
        .bind(db_time(now))
        .execute(&mut *tx)
        .await?;
    }
    check_limit(&mut tx, buckets, window, now).await?;
    let mut ids = Vec::with_capacity(buckets.len());
    for bucket in buckets.iter() {
        let id = crate::crypto::random_id()?;
        sqlx::query("INSERT INTO attempts (id, bucket, at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(&bucket.key)
            .bind(db_time(now))
            .execute(&mut *tx)
            .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(Reservation(ids))
}

/// Takes back a reserved attempt: it succeeded, so it does not count.
pub async fn release_attempt(db: &Db, reservation: Reservation) -> ApiResult<()> {
    let mut conn = db.pool.acquire().await?;
    for id in reservation.0 {
        sqlx::query("DELETE FROM attempts WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Runs `check` (a code verification: microseconds) as a reserved attempt: failed ones
/// stay counted, right ones leave no trace.
pub async fn limited_attempt(
    db: &Db,
    buckets: &mut [Bucket],
    window: u32,
    now: u64,
    check: impl FnOnce() -> bool,
) -> ApiResult<bool> {
    let reservation = reserve_attempt(db, buckets, window, now).await?;
    let ok = check();
    if ok {
        release_attempt(db, reservation).await?;
    }
    Ok(ok)
}

// ---- enrolments ----------------------------------------------------------------------

/// Opens an enrolment and closes the user's oldest ones beyond `keep_open`. Call inside
/// a transaction that holds the user's lock ([`lock_user`]): the lock counter it bumped
/// orders the enrolments, and concurrent starts cannot keep more open.
pub async fn create_enrollment(
    conn: &mut AnyConnection,
    user_id: &str,
    kind: MethodType,
    expires_at: i64,
    keep_open: u32,
    now: u64,
) -> ApiResult<String> {
    let id = crate::crypto::random_id()?;
    sqlx::query("DELETE FROM enrollments WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO enrollments (id, user_id, method_type, expires_at, seq) \
         VALUES ($1, $2, $3, $4, (SELECT lock_counter FROM users WHERE id = $2))",
    )
    .bind(&id)
    .bind(user_id)
    .bind(kind.as_str())
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM enrollments WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM enrollments WHERE user_id = $1 ORDER BY seq DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(i64::from(keep_open))
    .execute(conn)
    .await?;
    Ok(id)
}

/// The enrolment's expiry, if it exists for this user and type.
pub async fn enrollment_expiry(
    conn: &mut AnyConnection,
    user_id: &str,
    enrollment_id: &str,
    kind: MethodType,
) -> ApiResult<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT expires_at FROM enrollments WHERE id = $1 AND user_id = $2 AND method_type = $3",
    )
    .bind(enrollment_id)
    .bind(user_id)
    .bind(kind.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.0).ok_or(ApiError::NotFound)
}

/// Consumes the enrolment; false when another request already did.
pub async fn consume_enrollment(
    conn: &mut AnyConnection,
    user_id: &str,
    enrollment_id: &str,
) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM enrollments WHERE id = $1 AND user_id = $2")
        .bind(enrollment_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_method(conn: &mut AnyConnection, row: &MethodRow) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO methods (id, user_id, method_type, name, secret_enc, created_ms, last_step, \
         totp_algorithm, totp_digits, totp_period, token_serial, key_model, contact, phone_kind, \
         phone_extension) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&row.id)
    .bind(&row.user_id)
    .bind(&row.method_type)
    .bind(&row.name)
    .bind(&row.secret_enc)
    .bind(row.created_ms)
    .bind(row.last_step)
    .bind(&row.totp_algorithm)
    .bind(row.totp_digits)
    .bind(row.totp_period)
    .bind(&row.token_serial)
    .bind(&row.key_model)
    .bind(&row.contact)
    .bind(&row.phone_kind)
    .bind(&row.phone_extension)
    .execute(conn)
    .await?;
    Ok(())
}

/// "Change": a verified new number or address replaces the method's old one.
pub async fn replace_contact(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
    contact: &str,
    phone_kind: Option<&str>,
    extension: Option<&str>,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE methods SET contact = $1, phone_kind = $2, phone_extension = $3 \
         WHERE id = $4 AND user_id = $5",
    )
    .bind(contact)
    .bind(phone_kind)
    .bind(extension)
    .bind(method_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_method(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
) -> ApiResult<()> {
    let done = sqlx::query("DELETE FROM methods WHERE id = $1 AND user_id = $2")
        .bind(method_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Removes everything a user registered (administrator reset). The user row stays so
/// the identity provider's subject keeps working.
pub async fn reset_user(conn: &mut AnyConnection, user_id: &str) -> ApiResult<()> {
    for sql in [
        "DELETE FROM methods WHERE user_id = $1",
        "DELETE FROM enrollments WHERE user_id = $1",
        "DELETE FROM webauthn_ceremonies WHERE user_id = $1",
        "DELETE FROM push_challenges WHERE user_id = $1",
        "DELETE FROM push_devices WHERE user_id = $1",
        "DELETE FROM push_activations WHERE user_id = $1",
        "DELETE FROM code_challenges WHERE user_id = $1",
        "DELETE FROM sessions WHERE user_id = $1",
        "UPDATE users SET default_method_id = NULL, default_mode = NULL WHERE id = $1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut *conn).await?;
    }
    sqlx::query("DELETE FROM freshness WHERE holder = $1")
        .bind(format!("user:{user_id}"))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn rename_method(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
    name: &str,
) -> ApiResult<()> {
    let done = sqlx::query("UPDATE methods SET name = $1 WHERE id = $2 AND user_id = $3")
        .bind(name)
        .bind(method_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

// ---- demo sessions -------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: String,
    pub authenticated: i64,
}

pub async fn create_session(
    conn: &mut AnyConnection,
    id_hash: &str,
    user_id: &str,
    authenticated: bool,
    expires_at: i64,
    now: u64,
) -> ApiResult<()> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, authenticated, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(i64::from(authenticated))
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(
    conn: &mut AnyConnection,
    id_hash: &str,
    now: u64,
) -> ApiResult<Option<SessionRow>> {
    Ok(sqlx::query_as::<_, SessionRow>(
        "SELECT id_hash, user_id, authenticated FROM sessions WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(id_hash)
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?)
}

/// Moves a session and its step-up freshness to a new id, authenticated; false when
/// the session is gone.
pub async fn rotate_session(
    conn: &mut AnyConnection,
    id_hash: &str,
    new_hash: &str,
) -> ApiResult<bool> {
    let done =
        sqlx::query("UPDATE sessions SET id_hash = $1, authenticated = 1 WHERE id_hash = $2")
            .bind(new_hash)
            .bind(id_hash)
            .execute(&mut *conn)
            .await?;
    sqlx::query("UPDATE freshness SET holder = $1 WHERE holder = $2")
        .bind(session_holder(new_hash))
        .bind(session_holder(id_hash))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Who a demo session's step-up belongs to, in the freshness table (bearer callers
/// are their token's subject).
pub fn session_holder(id_hash: &str) -> String {
    format!("session:{id_hash}")
}

pub async fn delete_session(conn: &mut AnyConnection, id_hash: &str) -> ApiResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM freshness WHERE holder = $1")
        .bind(session_holder(id_hash))
        .execute(conn)
        .await?;
    Ok(())
}

// ---- encryption key check and rotation -----------------------------------------------

/// A key check value: which key (its id) and the constant sealed with it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyCheckRow {
    pub key_id: String,
    pub sealed: String,
}

pub async fn key_check(conn: &mut AnyConnection, name: &str) -> ApiResult<Option<KeyCheckRow>> {
    Ok(
        sqlx::query_as::<_, KeyCheckRow>("SELECT key_id, sealed FROM key_check WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

/// Records a check value unless one is already there (the caller reads back which won).
pub async fn insert_key_check(
    conn: &mut AnyConnection,
    name: &str,
    check: &KeyCheckRow,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO key_check (name, key_id, sealed) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&check.key_id)
    .bind(&check.sealed)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the check value `from` (the finished rotation's) the one named `to`.
pub async fn promote_key_check(conn: &mut AnyConnection, from: &str, to: &str) -> ApiResult<()> {
    sqlx::query("DELETE FROM key_check WHERE name = $1")
        .bind(to)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE key_check SET name = $1 WHERE name = $2")
        .bind(to)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// Any one sealed secret, to tell whether a key is the one the database's secrets use.
pub async fn any_sealed_secret(conn: &mut AnyConnection) -> ApiResult<Option<MethodRow>> {
    Ok(sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM methods WHERE secret_enc IS NOT NULL LIMIT 1"
    ))
    .fetch_optional(conn)
    .await?)
}

const NOT_UNDER_KEY: &str =
    "FROM methods WHERE secret_enc IS NOT NULL AND (secret_key_id IS NULL OR secret_key_id <> $1)";

/// Up to `limit` secrets not yet sealed with the key `key_id`.
pub async fn secrets_not_under(
    conn: &mut AnyConnection,
    key_id: &str,
    limit: u64,
) -> ApiResult<Vec<MethodRow>> {
    Ok(sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} {NOT_UNDER_KEY} ORDER BY id LIMIT $2"
    ))
    .bind(key_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?)
}

pub async fn count_secrets_not_under(conn: &mut AnyConnection, key_id: &str) -> ApiResult<u64> {
    let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {NOT_UNDER_KEY}"))
        .bind(key_id)
        .fetch_one(conn)
        .await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Replaces a sealed secret with the same secret sealed by the key `key_id`, unless the
/// row changed meanwhile (deleted: nothing to do).
pub async fn reseal_secret(
    conn: &mut AnyConnection,
    method_id: &str,
    old_sealed: &str,
    new_sealed: &str,
    key_id: &str,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE methods SET secret_enc = $1, secret_key_id = $2 WHERE id = $3 AND secret_enc = $4",
    )
    .bind(new_sealed)
    .bind(key_id)
    .bind(method_id)
    .bind(old_sealed)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- hardware tokens -------------------------------------------------------------------

/// Where a hardware token is: in the inventory for anyone, set aside for one person, or
/// in use as a method.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TokenState {
    Available,
    Assigned,
    Activated,
}

impl TokenState {
    pub const ALL: [TokenState; 3] = [
        TokenState::Available,
        TokenState::Assigned,
        TokenState::Activated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Available => "available",
            TokenState::Assigned => "assigned",
            TokenState::Activated => "activated",
        }
    }

    pub fn parse(text: &str) -> Option<TokenState> {
        TokenState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub serial: String,
    /// Sealed with [`token_aad`] while the token is not activated.
    pub secret_enc: Option<String>,
    pub algorithm: String,
    pub digits: i64,
    pub period: i64,
    pub manufacturer: String,
    pub model: String,
    pub user_id: Option<String>,
    pub method_id: Option<String>,
    pub last_step: Option<i64>,
    /// The subject of `user_id`.
    pub assigned_to: Option<String>,
    /// The subject of the user whose method it is.
    pub activated_by: Option<String>,
}

impl TokenRow {
    pub fn state(&self) -> TokenState {
        match (&self.method_id, &self.user_id) {
            (Some(_), _) => TokenState::Activated,
            (None, Some(_)) => TokenState::Assigned,
            (None, None) => TokenState::Available,
        }
    }

    pub fn params(&self) -> ApiResult<TotpParams> {
        stored_params(&self.algorithm, self.digits, self.period)
    }
}

/// The associated data that binds a token's sealed secret to its serial number while it
/// waits in the inventory (a sealed secret copied onto another serial does not open).
pub fn token_aad(serial: &str) -> String {
    format!("hardware-token-secret:{serial}")
}

const TOKEN_SELECT: &str = "SELECT t.serial, t.secret_enc, t.algorithm, t.digits, t.period, \
     t.manufacturer, t.model, t.user_id, t.method_id, t.last_step, \
     a.subject AS assigned_to, u.subject AS activated_by \
     FROM hardware_tokens t LEFT JOIN users a ON a.id = t.user_id \
     LEFT JOIN methods m ON m.id = t.method_id LEFT JOIN users u ON u.id = m.user_id";

pub async fn token(conn: &mut AnyConnection, serial: &str) -> ApiResult<Option<TokenRow>> {
    Ok(
        sqlx::query_as::<_, TokenRow>(&format!("{TOKEN_SELECT} WHERE t.serial = $1"))
            .bind(serial)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn tokens(conn: &mut AnyConnection) -> ApiResult<Vec<TokenRow>> {
    Ok(
        sqlx::query_as::<_, TokenRow>(&format!("{TOKEN_SELECT} ORDER BY t.serial"))
            .fetch_all(conn)
            .await?,
    )
}

/// A token to add to the inventory, its secret already sealed with [`token_aad`].
pub struct NewToken<'a> {
    pub serial: &'a str,
    pub sealed: &'a str,
    pub params: TotpParams,
    pub manufacturer: &'a str,
    pub model: &'a str,
    pub user_id: Option<&'a str>,
}

/// Adds a token; false when its serial is already there (left as it is).
pub async fn insert_token(
    conn: &mut AnyConnection,
    token: &NewToken<'_>,
    now: u64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "INSERT INTO hardware_tokens (serial, secret_enc, algorithm, digits, period, \
         manufacturer, model, user_id, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (serial) DO NOTHING",
    )
    .bind(token.serial)
    .bind(token.sealed)
    .bind(token.params.algorithm.as_str())
    .bind(i64::from(token.params.digits))
    .bind(i64::from(token.params.period))
    .bind(token.manufacturer)
    .bind(token.model)
    .bind(token.user_id)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the token as activated as `method_id` by `user_id` (its secret now lives in the
/// method); false when it is no longer available to this user or `step` is not later
/// than its last accepted one — a concurrent activation won.
pub async fn activate_token(
    conn: &mut AnyConnection,
    serial: &str,
    user_id: &str,
    method_id: &str,
    step: i64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE hardware_tokens SET method_id = $1, secret_enc = NULL, secret_key_id = NULL \
         WHERE serial = $2 AND method_id IS NULL AND (user_id IS NULL OR user_id = $3) \
         AND (last_step IS NULL OR last_step < $4)",
    )
    .bind(method_id)
    .bind(serial)
    .bind(user_id)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a token whose method is being deleted back in the inventory, its secret sealed
/// to the serial again, keeping its assignment and its last accepted step.
pub async fn return_token(
    conn: &mut AnyConnection,
    serial: &str,
    sealed: &str,
    last_step: Option<i64>,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE hardware_tokens SET method_id = NULL, secret_enc = $1, secret_key_id = NULL, \
         last_step = $2 WHERE serial = $3",
    )
    .bind(sealed)
    .bind(last_step)
    .bind(serial)
    .execute(conn)
    .await?;
    Ok(())
}

/// Assigns the token to a user, or to nobody; false when there is no such token.
pub async fn set_token_user(
    conn: &mut AnyConnection,
    serial: &str,
    user_id: Option<&str>,
) -> ApiResult<bool> {
    let done = sqlx::query("UPDATE hardware_tokens SET user_id = $1 WHERE serial = $2")
        .bind(user_id)
        .bind(serial)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_token(conn: &mut AnyConnection, serial: &str) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM hardware_tokens WHERE serial = $1")
        .bind(serial)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

const TOKENS_NOT_UNDER_KEY: &str = "FROM hardware_tokens t WHERE t.secret_enc IS NOT NULL \
     AND (t.secret_key_id IS NULL OR t.secret_key_id <> $1)";

/// Up to `limit` token secrets in the inventory not yet sealed with the key `key_id`.
pub async fn token_secrets_not_under(
    conn: &mut AnyConnection,
    key_id: &str,
    limit: u64,
) -> ApiResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT t.serial, t.secret_enc {TOKENS_NOT_UNDER_KEY} ORDER BY t.serial LIMIT $2"
    ))
    .bind(key_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?)
}

pub async fn count_token_secrets_not_under(
    conn: &mut AnyConnection,
    key_id: &str,
) -> ApiResult<u64> {
    let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {TOKENS_NOT_UNDER_KEY}"))
        .bind(key_id)
        .fetch_one(conn)
        .await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// As [`reseal_secret`], for a token in the inventory.
pub async fn reseal_token_secret(
    conn: &mut AnyConnection,
    serial: &str,
    old_sealed: &str,
    new_sealed: &str,
    key_id: &str,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE hardware_tokens SET secret_enc = $1, secret_key_id = $2 \
         WHERE serial = $3 AND secret_enc = $4",
    )
    .bind(new_sealed)
    .bind(key_id)
    .bind(serial)
    .bind(old_sealed)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- security keys (WebAuthn) ---------------------------------------------------------

/// A registered security key or passkey (`security_keys`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub method_id: String,
    pub user_id: String,
    /// base64url.
    pub credential_id: String,
    pub aaguid: String,
    /// Comma-separated.
    pub transports: String,
    /// webauthn-rs's credential as JSON.
    pub credential: String,
    pub sign_count: i64,
}

const KEY_COLUMNS: &str =
    "method_id, user_id, credential_id, aaguid, transports, credential, sign_count";

/// Stores a key; false when its credential id is registered already (to anyone).
pub async fn insert_key(conn: &mut AnyConnection, key: &KeyRow) -> ApiResult<bool> {
    let done = sqlx::query(
        "INSERT INTO security_keys (method_id, user_id, credential_id, aaguid, transports, \
         credential, sign_count) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(&key.method_id)
    .bind(&key.user_id)
    .bind(&key.credential_id)
    .bind(&key.aaguid)
    .bind(&key.transports)
    .bind(&key.credential)
    .bind(key.sign_count)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's keys, oldest first.
pub async fn keys_of(conn: &mut AnyConnection, user_id: &str) -> ApiResult<Vec<KeyRow>> {
    Ok(sqlx::query_as::<_, KeyRow>(&format!(
        "SELECT {KEY_COLUMNS} FROM security_keys WHERE user_id = $1 ORDER BY method_id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Is this credential registered (to anyone)?
pub async fn key_exists(conn: &mut AnyConnection, credential_id: &str) -> ApiResult<bool> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT method_id FROM security_keys WHERE credential_id = $1")
            .bind(credential_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// Records an accepted assertion: the new counter and credential, and the method's last
/// use. False when the stored counter is not below `count` (a counter of 0 on both
/// sides is a key without a counter, as synced passkeys are): the key may be a clone.
/// The condition is in the statement, so two instances cannot both accept one count.
pub async fn advance_key(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
    count: i64,
    credential: &str,
    now: u64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE security_keys SET sign_count = $1, credential = $2 \
         WHERE method_id = $3 AND user_id = $4 AND (sign_count < $1 OR (sign_count = 0 AND $1 = 0))",
    )
    .bind(count)
    .bind(credential)
    .bind(method_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE methods SET last_used_at = $1 WHERE id = $2 AND user_id = $3")
        .bind(db_time(now))
        .bind(method_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Opens a ceremony (its challenge state) for `holder`, dropping the user's expired ones
/// and keeping at most `keep_open` (the newest). Call under the user's lock.
#[allow(clippy::too_many_arguments)]
pub async fn create_ceremony(
    conn: &mut AnyConnection,
    user_id: &str,
    holder: &str,
    purpose: &str,
    state: &str,
    expires_at: i64,
    keep_open: u32,
    now: u64,
) -> ApiResult<String> {
    let id = crate::crypto::random_id()?;
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (id, user_id, holder, purpose, state, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(holder)
    .bind(purpose)
    .bind(state)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM webauthn_ceremonies WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM webauthn_ceremonies WHERE user_id = $1 \
          ORDER BY expires_at DESC, id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(i64::from(keep_open))
    .execute(conn)
    .await?;
    Ok(id)
}

/// Takes (deletes) a ceremony of this user, holder and purpose: its state and expiry.
/// `None` when there is none — never started, someone else's, or finished already.
pub async fn take_ceremony(
    conn: &mut AnyConnection,
    id: &str,
    user_id: &str,
    holder: &str,
    purpose: &str,
) -> ApiResult<Option<(String, i64)>> {
    Ok(sqlx::query_as(
        "DELETE FROM webauthn_ceremonies \
         WHERE id = $1 AND user_id = $2 AND holder = $3 AND purpose = $4 \
         RETURNING state, expires_at",
    )
    .bind(id)
    .bind(user_id)
    .bind(holder)
    .bind(purpose)
    .fetch_optional(conn)
    .await?)
}

// ---- one-time codes sent by text, call or email -----------------------------------------

/// An open one-time code: where it went, for what, and its HMAC.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeRow {
    pub id: String,
    pub user_id: String,
    pub purpose: String,
    pub method_type: String,
    pub method_id: Option<String>,
    pub channel: String,
    pub contact: String,
    pub phone_kind: Option<String>,
    pub phone_extension: Option<String>,
    pub locale: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
    pub sent_at: i64,
}

const CHALLENGE_COLUMNS: &str = "id, user_id, purpose, method_type, method_id, channel, contact, \
     phone_kind, phone_extension, locale, code_hash, expires_at, attempts, sent_at";

/// Stores a new challenge, first dropping the user's expired ones and the open one for
/// the same purpose and method (a new code replaces the one before).
pub async fn insert_challenge(
    conn: &mut AnyConnection,
    row: &ChallengeRow,
    now: u64,
) -> ApiResult<()> {
    sqlx::query("DELETE FROM code_challenges WHERE user_id = $1 AND expires_at <= $2")
        .bind(&row.user_id)
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "DELETE FROM code_challenges WHERE user_id = $1 AND purpose = $2 AND method_type = $3 \
         AND COALESCE(method_id, '') = COALESCE($4, '')",
    )
    .bind(&row.user_id)
    .bind(&row.purpose)
    .bind(&row.method_type)
    .bind(&row.method_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO code_challenges ({CHALLENGE_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(&row.id)
    .bind(&row.user_id)
    .bind(&row.purpose)
    .bind(&row.method_type)
    .bind(&row.method_id)
    .bind(&row.channel)
    .bind(&row.contact)
    .bind(&row.phone_kind)
    .bind(&row.phone_extension)
    .bind(&row.locale)
    .bind(&row.code_hash)
    .bind(row.expires_at)
    .bind(row.attempts)
    .bind(row.sent_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// One of the user's challenges; another user's is simply not found.
pub async fn challenge(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
) -> ApiResult<ChallengeRow> {
    sqlx::query_as::<_, ChallengeRow>(&format!(
        "SELECT {CHALLENGE_COLUMNS} FROM code_challenges WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(ApiError::NotFound)
}

/// The open verification code for one of the user's methods (step-up, sign-in).
pub async fn challenge_for_method(
    conn: &mut AnyConnection,
    user_id: &str,
    method_id: &str,
) -> ApiResult<Option<ChallengeRow>> {
    Ok(sqlx::query_as::<_, ChallengeRow>(&format!(
        "SELECT {CHALLENGE_COLUMNS} FROM code_challenges \
         WHERE user_id = $1 AND method_id = $2 AND purpose = 'verify'"
    ))
    .bind(user_id)
    .bind(method_id)
    .fetch_optional(conn)
    .await?)
}

/// A new code for a challenge ("Resend"): false when another resend changed it since it
/// was read (`sent_at` is the version).
pub async fn renew_challenge(
    conn: &mut AnyConnection,
    id: &str,
    seen_sent_at: i64,
    code_hash: &str,
    channel: &str,
    expires_at: i64,
    sent_at: i64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE code_challenges SET code_hash = $1, channel = $2, expires_at = $3, sent_at = $4, \
         attempts = 0 WHERE id = $5 AND sent_at = $6",
    )
    .bind(code_hash)
    .bind(channel)
    .bind(expires_at)
    .bind(sent_at)
    .bind(id)
    .bind(seen_sent_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts back the send time of a resend that could not be delivered, so the person may
/// try again at once.
pub async fn restore_sent_at(
    conn: &mut AnyConnection,
    id: &str,
    failed_sent_at: i64,
    sent_at: i64,
) -> ApiResult<()> {
    sqlx::query("UPDATE code_challenges SET sent_at = $1 WHERE id = $2 AND sent_at = $3")
        .bind(sent_at)
        .bind(id)
        .bind(failed_sent_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts one try of the challenge's code; false when it has no tries left (the
/// conditional update decides, across instances).
pub async fn count_code_try(conn: &mut AnyConnection, id: &str, max: u32) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE code_challenges SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2",
    )
    .bind(id)
    .bind(i64::from(max))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses the challenge up; false when another request already did.
pub async fn consume_challenge(conn: &mut AnyConnection, id: &str) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM code_challenges WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_challenge(conn: &mut AnyConnection, id: &str) -> ApiResult<()> {
    consume_challenge(conn, id).await.map(|_| ())
}

// ---- the demo's outbox -----------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub user_id: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub created_ms: i64,
}

pub async fn insert_outbox(conn: &mut AnyConnection, row: &OutboxRow) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO outbox (id, user_id, kind, recipient, subject, body, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&row.user_id)
    .bind(&row.kind)
    .bind(&row.recipient)
    .bind(&row.subject)
    .bind(&row.body)
    .bind(row.created_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user's newest messages, newest first.
pub async fn outbox_of(
    conn: &mut AnyConnection,
    user_id: &str,
    limit: i64,
) -> ApiResult<Vec<OutboxRow>> {
    Ok(sqlx::query_as::<_, OutboxRow>(
        "SELECT id, user_id, kind, recipient, subject, body, created_ms FROM outbox \
         WHERE user_id = $1 ORDER BY created_ms DESC, id LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

// ---- security answers ------------------------------------------------------------------

/// Replaces the method's answers (argon2 hashes) with `answers` (question id, hash).
pub async fn set_answers(
    conn: &mut AnyConnection,
    method_id: &str,
    answers: &[(String, String)],
) -> ApiResult<()> {
    sqlx::query("DELETE FROM security_answers WHERE method_id = $1")
        .bind(method_id)
        .execute(&mut *conn)
        .await?;
    for (question_id, hash) in answers {
        sqlx::query(
            "INSERT INTO security_answers (method_id, question_id, answer_hash) VALUES ($1, $2, $3)",
        )
        .bind(method_id)
        .bind(question_id)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The method's (question id, answer hash) pairs.
pub async fn answers_of(
    conn: &mut AnyConnection,
    method_id: &str,
) -> ApiResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT question_id, answer_hash FROM security_answers WHERE method_id = $1 ORDER BY question_id",
    )
    .bind(method_id)
    .fetch_all(conn)
    .await?)
}
