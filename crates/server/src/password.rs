//! Password hashing (argon2) for the demo users, off the async threads.

use crate::crypto::{hex, random_bytes};
use crate::error::ApiResult;
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

pub async fn password_matches(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(Into::into)
}
