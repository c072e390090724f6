//! The state every handler gets. It depends only on the configuration, the database,
//! the secret box and the token verifier, so every area can use it without a cycle.

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::delivery::Delivery;
use crate::jwt::JwtVerifier;
use crate::keys;
use security_info_core::api::Policy;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub secrets: Arc<SecretBox>,
    pub jwt: Arc<JwtVerifier>,
    /// Built once from the configuration: what clients are told and what the rules
    /// enforce are the same value.
    pub policy: Arc<Policy>,
    /// Password hashes computed at once (`password::password_matches`).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Who delivers one-time codes by text, call and email.
    pub delivery: Arc<Delivery>,
}

impl AppState {
    /// [`AppState::load`], then refuses a key that is not the database's (see
    /// [`keys::check_at_start`]) and warns about a key file kept beside the database.
    pub async fn open(db: Db, config: Config) -> Result<AppState, Box<dyn std::error::Error>> {
        let state = AppState::load(db, config)?;
        keys::check_at_start(&state.db, &state.secrets, &keys::key_origin(&state.config)).await?;
        if let Some(dir) = keys::key_file_beside_database(&state.config) {
            tracing::warn!(
                directory = %dir.display(),
                "the key file is in the same directory as the database: a backup of that \
                 directory holds the secrets together with their key; keep the key elsewhere \
                 (--key-file) or give it with --encryption-key"
            );
        }
        Ok(state)
    }

    /// The state for serving `config` from `db`: loads (or creates) the encryption key
    /// and sets up the token verifier, with the derived demo secret in demo mode.
    pub fn load(db: Db, config: Config) -> Result<AppState, Box<dyn std::error::Error>> {
        let secrets = SecretBox::load(config.encryption_key.as_deref(), &config.key_file)?;
        let demo_secret = config.demo.then(|| secrets.derived_demo_jwt_secret());
        let jwt = JwtVerifier::new(&config, demo_secret)?;
        let policy = Policy {
            allowed_methods: config.allowed_methods.clone(),
            max_authenticators: config.max_authenticators,
            allow_delete_last_mfa_method: config.allow_delete_last_mfa_method,
            step_up_window_secs: config.step_up_window,
            security_questions_required: config.security_questions_required,
            security_questions: config.security_questions.clone(),
            authenticator_name: config.authenticator_name.clone(),
        };
        let hashing = Arc::new(tokio::sync::Semaphore::new(
            usize::try_from(config.password_hash_concurrency).unwrap_or(1),
        ));
        let delivery = Arc::new(Delivery::from_config(&config)?);
        Ok(AppState {
            delivery,
            hashing,
            db,
            config: Arc::new(config),
            secrets: Arc::new(secrets),
            jwt: Arc::new(jwt),
            policy: Arc::new(policy),
        })
    }
}
