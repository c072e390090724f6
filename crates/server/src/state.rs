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
use std::time::Duration;
use url::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

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
    /// The WebAuthn relying party (security keys).
    pub webauthn: Arc<Webauthn>,
    /// Wake-ups for push waiters (`push_hub`): the database holds the state.
    pub push: Arc<crate::push_hub::Hub>,
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
        let webauthn = Arc::new(relying_party(&config)?);
        let delivery = Arc::new(Delivery::from_config(&config)?);
        Ok(AppState {
            webauthn,
            delivery,
            hashing,
            push: Arc::default(),
            db,
            config: Arc::new(config),
            secrets: Arc::new(secrets),
            jwt: Arc::new(jwt),
            policy: Arc::new(policy),
        })
    }
}

/// The WebAuthn relying party of `config`: its RP id and the origins that share it.
/// Without configured origins, `http://localhost` on any port (the demo and tests).
fn relying_party(config: &Config) -> Result<Webauthn, Box<dyn std::error::Error>> {
    let c = &config.webauthn;
    let origins = c
        .origins
        .iter()
        .map(|o| Url::parse(o).map_err(|e| format!("webauthn-origin {o:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let localhost = Url::parse("http://localhost")?;
    let first = origins.first().unwrap_or(&localhost);
    let mut builder = WebauthnBuilder::new(&c.rp_id, first)
        .map_err(|e| format!("webauthn-rp-id {:?} does not fit {first}: {e}", c.rp_id))?
        .rp_name(&c.rp_name)
        .timeout(Duration::from_secs(u64::from(c.timeout)));
    for origin in origins.iter().skip(1) {
        builder = builder.append_allowed_origin(origin);
    }
    if origins.is_empty() {
        builder = builder.allow_any_port(true);
    }
    Ok(builder.build()?)
}
