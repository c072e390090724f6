//! Demo mode: seeded users with passwords for the demo's own sign-in, and two hardware
//! tokens in the inventory to try the activation with any TOTP tool. None of this exists
//! without `--demo`. (Bearer tokens come only from the portal example, for its own users:
//! `portal`.)

use crate::error::ApiError;
use crate::inventory;
use crate::password::hash_password;
use crate::state::AppState;
use crate::store::{self, NewToken, token_aad};
use security_info_core::Secret;
use security_info_core::totp::TotpParams;

/// Seeded demo accounts (user name, password): printed at start.
pub const DEMO_USERS: [(&str, &str); 2] = [
    ("alice", "alice-demo-password"),
    ("bob", "bob-demo-password"),
];

/// Serial numbers of the demo's hardware tokens (available to anyone).
pub const DEMO_TOKENS: [&str; 2] = ["DEMO-TOKEN-0001", "DEMO-TOKEN-0002"];

/// A seeded hardware token: its serial and its secret in Base32, printed at start.
pub struct DemoToken {
    pub serial: &'static str,
    pub secret: String,
}

/// Seeds the demo users and tokens (fresh random secrets the first time; the same ones
/// on later starts) and answers the tokens.
pub async fn seed(state: &AppState) -> Result<Vec<DemoToken>, ApiError> {
    let now = security_info_core::unix_now();
    let mut conn = state.db.pool.acquire().await?;
    for (name, password) in DEMO_USERS {
        if store::user_by_subject(&mut conn, name).await?.is_some() {
            continue;
        }
        let hash = hash_password(password.to_owned()).await?;
        let account = format!("{name}@example.com");
        store::ensure_user(&mut conn, name, &account, Some(&hash), now).await?;
    }
    let mut tokens = Vec::new();
    for serial in DEMO_TOKENS {
        let fresh = Secret::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
        let sealed = state.secrets.seal(fresh.as_bytes(), &token_aad(serial))?;
        let new = NewToken {
            serial,
            sealed: &sealed,
            params: TotpParams::default(),
            manufacturer: "Demo",
            model: "TOTP token",
            user_id: None,
        };
        // Another instance (or an earlier start) may have seeded it: read what is there.
        store::insert_token(&mut conn, &new, now).await?;
        let token = store::token(&mut conn, serial)
            .await?
            .ok_or_else(|| ApiError::Internal("demo token vanished".into()))?;
        let secret = inventory::secret_of(&mut conn, &state.secrets, &token).await?;
        tokens.push(DemoToken {
            serial,
            secret: Secret::from_bytes(&secret)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .to_base32(),
        });
    }
    Ok(tokens)
}
