//! Demo mode: seeded users with passwords for the demo's own sign-in. None of this exists
//! without `--demo`. (Bearer tokens come only from the portal example, for its own users:
//! `portal`.)

use crate::error::ApiError;
use crate::password::hash_password;
use crate::state::AppState;
use crate::store;

/// Seeded demo accounts (user name, password): printed at start.
pub const DEMO_USERS: [(&str, &str); 2] = [
    ("alice", "alice-demo-password"),
    ("bob", "bob-demo-password"),
];

pub async fn seed(state: &AppState) -> Result<(), ApiError> {
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
    Ok(())
}
