//! Bearer JWTs from the host portal (HS256, RS256, ES256, or a JWKS), and in demo mode
//! the tokens the demo portal example mints for its signed-in users.

use crate::config::Config;
use crate::error::ApiError;
use crate::rules::valid_subject;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("cannot read JWT key {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("JWKS client: {0}")]
    Jwks(String),
    #[error("invalid JWT key {path}: {source}")]
    Key {
        path: String,
        source: jsonwebtoken::errors::Error,
    },
}

/// The claims this server reads. `sub` is the user; the rest label the account in the
/// authenticator app and grant the admin role.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// A string or a list of strings (RFC 7519); the library checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

pub struct JwtVerifier {
    keys: Vec<(Algorithm, DecodingKey)>,
    jwks: Option<Jwks>,
    issuer: Option<String>,
    audience: Option<String>,
    /// Demo mode only: the key that signs the demo portal's tokens.
    demo_key: Option<EncodingKey>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field(
                "algorithms",
                &self.keys.iter().map(|k| k.0).collect::<Vec<_>>(),
            )
            .field("jwks", &self.jwks.as_ref().map(|j| j.url.as_str()))
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    pub fn new(
        config: &Config,
        demo_secret: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<Self, AuthSetupError> {
        let mut keys = Vec::new();
        let mut demo_key = None;
        match (&config.jwt_secret, demo_secret) {
            (Some(secret), _) => {
                keys.push((
                    Algorithm::HS256,
                    DecodingKey::from_secret(secret.as_bytes()),
                ));
                if config.demo {
                    demo_key = Some(EncodingKey::from_secret(secret.as_bytes()));
                }
            }
            (None, Some(secret)) => {
                keys.push((Algorithm::HS256, DecodingKey::from_secret(&secret)));
                demo_key = Some(EncodingKey::from_secret(&secret));
            }
            (None, None) => {}
        }
        let read = |path: &std::path::Path| {
            std::fs::read(path).map_err(|source| AuthSetupError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let bad = |path: &std::path::Path| {
            let path = path.display().to_string();
            move |source| AuthSetupError::Key { path, source }
        };
        if let Some(path) = &config.jwt_rs256_key {
            let key = DecodingKey::from_rsa_pem(&read(path)?).map_err(bad(path))?;
            keys.push((Algorithm::RS256, key));
        }
        if let Some(path) = &config.jwt_es256_key {
            let key = DecodingKey::from_ec_pem(&read(path)?).map_err(bad(path))?;
            keys.push((Algorithm::ES256, key));
        }
        let jwks = match &config.jwks_url {
            Some(url) => Some(Jwks {
                url: url.clone(),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| AuthSetupError::Jwks(e.to_string()))?,
                cache: RwLock::new(JwksCache {
                    set: JwkSet { keys: Vec::new() },
                    fetched: None,
                }),
            }),
            None => None,
        };
        Ok(JwtVerifier {
            keys,
            jwks,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            demo_key,
        })
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::Unauthenticated)?;
        let configured = self
            .keys
            .iter()
            .find(|(alg, _)| *alg == header.alg)
            .map(|(_, key)| key.clone());
        let key = match (configured, &self.jwks) {
            (Some(key), _) => key,
            (None, Some(jwks)) if JWKS_ALGORITHMS.contains(&header.alg) => jwks
                .key(header.kid.as_deref(), header.alg)
                .await
                .ok_or(ApiError::Unauthenticated)?,
            _ => return Err(ApiError::Unauthenticated),
        };
        let mut validation = Validation::new(header.alg);
        let mut required = vec!["exp", "sub"];
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
            required.push("iss");
        }
        match &self.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| {
            tracing::debug!(reason = ?e.kind(), "bearer token refused");
            ApiError::Unauthenticated
        })?;
        if !valid_subject(&data.claims.sub) {
            return Err(ApiError::Unauthenticated);
        }
        Ok(data.claims)
    }

    /// Demo mode: a token for `sub` without any role, valid for five minutes from `now`
    /// (the demo portal's page asks for a new one when it runs out).
    pub fn mint_demo(&self, sub: &str, now: i64) -> Result<(String, i64), ApiError> {
        let key = self.demo_key.as_ref().ok_or(ApiError::NotFound)?;
        let exp = now + 300;
        let claims = Claims {
            sub: sub.to_owned(),
            exp,
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(serde_json::Value::String),
            email: None,
            preferred_username: Some(sub.to_owned()),
            roles: Vec::new(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)?;
        Ok((token, exp))
    }
}

/// Signature algorithms accepted from a JWKS: public-key ones only, so a key set can
/// never turn into an HMAC secret (algorithm confusion).
const JWKS_ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];
/// An unknown `kid` triggers a refetch (the portal rotated keys), but not more often
/// than this, so forged tokens cannot make the server hammer the key endpoint.
const JWKS_REFRESH: Duration = Duration::from_secs(30);

/// The host portal's key set, fetched on first use and when a token names a key we do
/// not have. A cache of public data: losing it costs one fetch.
struct Jwks {
    url: String,
    client: reqwest::Client,
    cache: RwLock<JwksCache>,
}

struct JwksCache {
    set: JwkSet,
    fetched: Option<Instant>,
}

impl Jwks {
    async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        if let Some(key) = find_jwk(&self.cache.read().await.set, kid, alg) {
            return Some(key);
        }
        let mut cache = self.cache.write().await;
        if cache.fetched.is_some_and(|t| t.elapsed() < JWKS_REFRESH) {
            return find_jwk(&cache.set, kid, alg);
        }
        cache.fetched = Some(Instant::now());
        match self.fetch().await {
            Ok(set) => cache.set = set,
            Err(e) => tracing::warn!(url = %self.url, error = %e, "cannot fetch the JWKS"),
        }
        find_jwk(&cache.set, kid, alg)
    }

    async fn fetch(&self) -> Result<JwkSet, reqwest::Error> {
        self.client
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?
            .json::<JwkSet>()
            .await
    }
}

/// The key named by `kid` (or the only key when the token names none), if it is meant
/// for `alg`.
fn find_jwk(set: &JwkSet, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
    let jwk = match kid {
        Some(kid) => set.find(kid)?,
        None if set.keys.len() == 1 => set.keys.first()?,
        None => return None,
    };
    if let Some(declared) = jwk.common.key_algorithm
        && Algorithm::try_from(declared).ok() != Some(alg)
    {
        return None;
    }
    DecodingKey::from_jwk(jwk).ok()
}
