//! Password hashing (argon2) for the demo users, off the async threads and bounded.

use crate::crypto::{hex, random_bytes};
use crate::error::{ApiError, ApiResult};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        Ok(Argon2::default()
            .hash_password(password.as_bytes())?
            .to_string())
    })
    .await?
}

/// A hash no password matches (its password is random and forgotten), made once.
pub async fn unknown_user_hash() -> ApiResult<String> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async {
        let password = hex(&random_bytes::<16>()?);
        hash_password(password).await
    })
    .await
    .cloned()
}

/// Checks on the blocking pool, at most `slots`' permits at once: a burst of sign-ins
/// queues here, holding no database connection and leaving the async threads free.
pub async fn password_matches(
    slots: &tokio::sync::Semaphore,
    password: String,
    hash: String,
) -> ApiResult<bool> {
    let _slot = slots
        .acquire()
        .await
        .map_err(|_| ApiError::Internal("password hashing closed".into()))?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(Into::into)
}
