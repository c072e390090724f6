//! The encryption key against the database: a key check value so an instance with
//! another key refuses to start (instead of answering 500 for every method), and
//! resumable key rotation.
//!
//! Rotation (`admin rotate-encryption-key`) marks the database as rotating to the new
//! key, re-encrypts the secrets (of methods, then of the hardware tokens in the
//! inventory) in committed batches, recording beside each the key that
//! sealed it, and at the end makes the new key the database's key. While it is marked,
//! no instance starts (with either key): a half-rotated database has secrets under both
//! keys. A run with the same new key resumes where the last one stopped.

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::{Db, sqlite_path};
use crate::error::ApiError;
use crate::store::{self, KeyCheckRow};
use sqlx::AnyConnection;
use std::path::PathBuf;

/// The check value of the key that seals the secrets.
const CURRENT: &str = "current";
/// The check value of the new key while a rotation is unfinished.
const ROTATING_TO: &str = "rotating-to";
/// Secrets re-encrypted per transaction: short transactions, few round trips.
const BATCH: u64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum KeyCheckError {
    #[error(
        "{origin} (key id {given}) is not this database's encryption key (key id {expected}): \
         start with the key the database was set up with"
    )]
    WrongKey {
        origin: String,
        given: String,
        expected: String,
    },
    #[error(
        "{origin} (key id {given}) does not open the secrets already in this database: \
         start with the key they were sealed with"
    )]
    NotTheSecretsKey { origin: String, given: String },
    #[error(
        "a rotation of the encryption key to key id {to} is unfinished: run \
         `security-info-server admin rotate-encryption-key` again with that new key to finish it"
    )]
    RotationUnfinished { to: String },
    #[error("a rotation to key id {pending} is unfinished: finish it with that key first")]
    OtherRotation { pending: String },
    #[error("the new key is the current key")]
    SameKey,
    #[error("the secret of {0} does not open with the current key")]
    Unreadable(String),
    #[error(transparent)]
    Store(#[from] ApiError),
}

impl From<sqlx::Error> for KeyCheckError {
    fn from(e: sqlx::Error) -> Self {
        KeyCheckError::Store(e.into())
    }
}

/// Where the key came from, for messages: the configured key or the key file.
pub fn key_origin(config: &Config) -> String {
    if config.encryption_key.is_some() {
        "the key given with --encryption-key (SECURITY_INFO_ENCRYPTION_KEY)".to_owned()
    } else {
        format!("the key file {}", config.key_file.display())
    }
}

/// The configured key for an admin command that seals or opens secrets, refused like
/// at a server start when it is not the database's (or during a rotation).
pub async fn open_checked(
    db: &Db,
    config: &Config,
) -> Result<SecretBox, Box<dyn std::error::Error>> {
    let secrets = SecretBox::load(config.encryption_key.as_deref(), &config.key_file)?;
    check_at_start(db, &secrets, &key_origin(config)).await?;
    Ok(secrets)
}

/// Refuses to serve with a key that is not the database's, or during a rotation. The
/// first start records its key.
pub async fn check_at_start(
    db: &Db,
    secrets: &SecretBox,
    origin: &str,
) -> Result<(), KeyCheckError> {
    let mut conn = db.pool.acquire().await?;
    if let Some(rotating) = store::key_check(&mut conn, ROTATING_TO).await? {
        return Err(KeyCheckError::RotationUnfinished {
            to: rotating.key_id,
        });
    }
    check_current(&mut conn, secrets, origin).await
}

/// Compares `secrets` with the database's key check value, recording it when there is
/// none yet: on an empty database, or on one from a version without check values whose
/// secrets this key opens.
async fn check_current(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    origin: &str,
) -> Result<(), KeyCheckError> {
    let current = match store::key_check(conn, CURRENT).await? {
        Some(current) => current,
        None => {
            if let Some(method) = store::any_sealed_secret(conn).await?
                && let Some(sealed) = &method.secret_enc
                && secrets.open(sealed, &method.aad()).is_none()
            {
                return Err(KeyCheckError::NotTheSecretsKey {
                    origin: origin.to_owned(),
                    given: secrets.key_id().to_owned(),
                });
            }
            // Of instances starting at once, one records its key; the others read it
            // back and compare like any later start.
            store::insert_key_check(conn, CURRENT, &check_row(secrets)?).await?;
            store::key_check(conn, CURRENT)
                .await?
                .ok_or_else(|| ApiError::Internal("key check vanished after insert".into()))?
        }
    };
    if current.key_id == secrets.key_id() && secrets.opens_check(&current.sealed) {
        Ok(())
    } else {
        Err(KeyCheckError::WrongKey {
            origin: origin.to_owned(),
            given: secrets.key_id().to_owned(),
            expected: current.key_id,
        })
    }
}

fn check_row(secrets: &SecretBox) -> Result<KeyCheckRow, ApiError> {
    Ok(KeyCheckRow {
        key_id: secrets.key_id().to_owned(),
        sealed: secrets.seal_check()?,
    })
}

/// What a rotation run did (the `admin rotate-encryption-key` output).
#[derive(Debug, serde::Serialize)]
pub struct Rotation {
    pub from: String,
    pub to: String,
    pub reencrypted: u64,
    pub remaining: u64,
    /// The new key is now the database's key: start the instances with it.
    pub finished: bool,
}

/// Re-encrypts every secret sealed with `old` with `new`, at most `limit` of them in
/// this run; finishes the rotation when none is left.
pub async fn rotate(
    db: &Db,
    old: &SecretBox,
    new: &SecretBox,
    origin: &str,
    limit: Option<u64>,
) -> Result<Rotation, KeyCheckError> {
    if old.key_id() == new.key_id() {
        return Err(KeyCheckError::SameKey);
    }
    let mut rotation = Rotation {
        from: old.key_id().to_owned(),
        to: new.key_id().to_owned(),
        reencrypted: 0,
        remaining: 0,
        finished: true,
    };
    let mut conn = db.pool.acquire().await?;
    let pending = store::key_check(&mut conn, ROTATING_TO).await?;
    // A re-run after the last step: nothing left to do.
    if pending.is_none()
        && let Some(current) = store::key_check(&mut conn, CURRENT).await?
        && current.key_id == new.key_id()
        && new.opens_check(&current.sealed)
    {
        return Ok(rotation);
    }
    check_current(&mut conn, old, origin).await?;
    if pending.is_none() {
        store::insert_key_check(&mut conn, ROTATING_TO, &check_row(new)?).await?;
    }
    // Read back: a concurrent run to another key may have marked it first.
    match store::key_check(&mut conn, ROTATING_TO).await? {
        Some(marked) if marked.key_id == new.key_id() && new.opens_check(&marked.sealed) => {}
        marked => {
            return Err(KeyCheckError::OtherRotation {
                pending: marked.map(|m| m.key_id).unwrap_or_default(),
            });
        }
    }
    drop(conn);

    loop {
        let room = limit.map_or(BATCH, |l| BATCH.min(l - rotation.reencrypted));
        if room == 0 {
            break;
        }
        let mut tx = db.begin_write().await?;
        let mut done = 0;
        for row in store::secrets_not_under(&mut tx, new.key_id(), room).await? {
            let Some(sealed) = &row.secret_enc else {
                continue;
            };
            let secret = old
                .open(sealed, &row.aad())
                .ok_or_else(|| KeyCheckError::Unreadable(format!("method {}", row.id)))?;
            let resealed = new.seal(&secret, &row.aad()).map_err(ApiError::from)?;
            store::reseal_secret(&mut tx, &row.id, sealed, &resealed, new.key_id()).await?;
            done += 1;
        }
        // Then the hardware tokens waiting in the inventory, sealed to their serials.
        for (serial, sealed) in
            store::token_secrets_not_under(&mut tx, new.key_id(), room - done).await?
        {
            let aad = store::token_aad(&serial);
            let secret = old
                .open(&sealed, &aad)
                .ok_or_else(|| KeyCheckError::Unreadable(format!("hardware token {serial}")))?;
            let resealed = new.seal(&secret, &aad).map_err(ApiError::from)?;
            store::reseal_token_secret(&mut tx, &serial, &sealed, &resealed, new.key_id()).await?;
            done += 1;
        }
        if done == 0 {
            break;
        }
        tx.commit().await?;
        rotation.reencrypted += done;
        tracing::info!(
            done = rotation.reencrypted,
            "re-encrypted a batch of secrets"
        );
    }

    let mut tx = db.begin_write().await?;
    rotation.remaining = store::count_secrets_not_under(&mut tx, new.key_id()).await?
        + store::count_token_secrets_not_under(&mut tx, new.key_id()).await?;
    rotation.finished = rotation.remaining == 0;
    if rotation.finished {
        store::promote_key_check(&mut tx, ROTATING_TO, CURRENT).await?;
    }
    tx.commit().await?;
    Ok(rotation)
}

/// The database file's directory when the key file sits in it: a backup (or a copy) of
/// that directory holds the sealed secrets together with their key.
pub fn key_file_beside_database(config: &Config) -> Option<PathBuf> {
    if config.encryption_key.is_some() {
        return None;
    }
    let database_dir = sqlite_path(&config.database_url)?
        .canonicalize()
        .ok()?
        .parent()?
        .to_path_buf();
    let key_dir = config.key_file.canonicalize().ok()?.parent()?.to_path_buf();
    (database_dir == key_dir).then_some(database_dir)
}
