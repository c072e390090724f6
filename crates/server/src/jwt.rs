//! Bearer JWTs from the host portal (HS256, RS256, ES256, or a JWKS), and in demo mode
//! the tokens the demo portal example mints for its signed-in users.

use crate::config::Config;
use crate::error::ApiError;
use crate::rules::valid_subject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::header::{CACHE_CONTROL, HeaderMap};
use serde::{Deserialize, Serialize};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};
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
    #[error(
        "JWT verification is on but {0} not set: every token must name who issued it (iss) \
         and for whom (aud); --jwt-allow-any-audience waives the audience, not the issuer"
    )]
    Claims(&'static str),
}

/// Why a JWKS fetch brought no keys (the cached ones stay until their max age).
#[derive(Debug, thiserror::Error)]
enum JwksError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("larger than {JWKS_MAX_BYTES} bytes")]
    TooLarge,
    #[error("not a key set: {0}")]
    Json(#[from] serde_json::Error),
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
    leeway: u64,
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
                refresh: config.jwks_refresh,
                cache: RwLock::new(JwksCache::default()),
                fetching: tokio::sync::Mutex::new(()),
            }),
            None => None,
        };
        // A token is only meant for this server when it says so: without both checks a
        // token the portal issued for another service (or another portal's token signed
        // with a shared key) would be accepted.
        if !keys.is_empty() || jwks.is_some() {
            let any_audience = config.jwt_allow_any_audience;
            match (&config.jwt_issuer, &config.jwt_audience) {
                (None, None) if !any_audience => {
                    return Err(AuthSetupError::Claims(
                        "--jwt-issuer and --jwt-audience are",
                    ));
                }
                (None, _) => return Err(AuthSetupError::Claims("--jwt-issuer is")),
                (Some(_), None) if !any_audience => {
                    return Err(AuthSetupError::Claims("--jwt-audience is"));
                }
                _ => {}
            }
        }
        Ok(JwtVerifier {
            keys,
            jwks,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            leeway: config.jwt_leeway,
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
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
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
/// Largest JWKS body read: a key set is a few kilobytes; the cap keeps a broken or
/// hostile endpoint from filling memory.
const JWKS_MAX_BYTES: usize = 1 << 20;
/// How long fetched keys verify when the response does not say (`Cache-Control:
/// max-age`): a key removed from the set stops verifying within this time.
const JWKS_MAX_AGE: Duration = Duration::from_secs(600);
/// Bounds on a response's max-age: at most one fetch a second, at least one a day.
const JWKS_MAX_AGE_RANGE: (Duration, Duration) =
    (Duration::from_secs(1), Duration::from_secs(86_400));
/// Smallest RSA modulus accepted from a JWKS (NIST SP 800-131A).
const MIN_RSA_BITS: usize = 2048;

/// The host portal's key set, fetched on first use, when its max age has passed, and when
/// a token names a key we do not have (the portal rotated keys) — one fetch at a time and
/// at most one per `refresh`, so forged tokens cannot make the server hammer the key
/// endpoint. A cache of public data: losing it costs one fetch.
struct Jwks {
    url: String,
    client: reqwest::Client,
    refresh: Duration,
    /// Held only to read or replace the keys, never across a fetch: requests whose key is
    /// cached never wait for the network.
    cache: RwLock<JwksCache>,
    /// The single flight: requests that need a fetch queue here, and the ones after the
    /// first find its result in the cache.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct JwksCache {
    /// Only keys fit to verify signatures (see [`unusable`]).
    set: JwkSet,
    /// The keys verify until then.
    fresh_until: Option<Instant>,
    /// No fetch before then.
    next_fetch: Option<Instant>,
}

impl JwksCache {
    fn key(&self, kid: Option<&str>, alg: Algorithm, now: Instant) -> Option<DecodingKey> {
        if self.fresh_until.is_some_and(|until| now < until) {
            find_jwk(&self.set, kid, alg)
        } else {
            None
        }
    }

    fn may_fetch(&self, now: Instant) -> bool {
        self.next_fetch.is_none_or(|at| now >= at)
    }

    /// Records a fetch that ended at `now`.
    fn fetched(
        &mut self,
        result: Result<(JwkSet, Duration), JwksError>,
        refresh: Duration,
        now: Instant,
        url: &str,
    ) {
        match result {
            Ok((set, max_age)) => {
                self.set = set;
                self.fresh_until = Some(now + max_age);
                // A max age shorter than the refresh interval allows refetching sooner.
                self.next_fetch = Some(now + max_age.min(refresh));
            }
            Err(e) => {
                tracing::warn!(%url, error = %e, "cannot fetch the JWKS");
                self.next_fetch = Some(now + refresh);
            }
        }
    }
}

impl Jwks {
    async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let read = |now| {
            self.cache
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .key(kid, alg, now)
        };
        if let Some(key) = read(Instant::now()) {
            return Some(key);
        }
        let _flight = self.fetching.lock().await;
        // The fetch this request waited for may have brought the key.
        if let Some(key) = read(Instant::now()) {
            return Some(key);
        }
        let may_fetch = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .may_fetch(Instant::now());
        if !may_fetch {
            return None;
        }
        let result = self.fetch().await;
        let now = Instant::now();
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .fetched(result, self.refresh, now, &self.url);
        read(now)
    }

    /// The key set, without the keys unfit to verify, and how long it may be used.
    async fn fetch(&self) -> Result<(JwkSet, Duration), JwksError> {
        let mut response = self
            .client
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?;
        if response
            .content_length()
            .is_some_and(|n| n > JWKS_MAX_BYTES as u64)
        {
            return Err(JwksError::TooLarge);
        }
        let max_age = max_age(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > JWKS_MAX_BYTES {
                return Err(JwksError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let mut set: JwkSet = serde_json::from_slice(&body)?;
        set.keys.retain(|jwk| match unusable(jwk) {
            Some(reason) => {
                let kid = jwk.common.key_id.as_deref().unwrap_or_default();
                tracing::warn!(url = %self.url, kid, reason, "JWKS key ignored");
                false
            }
            None => true,
        });
        Ok((set, max_age))
    }
}

/// How long a JWKS response may be used: its `Cache-Control: max-age` (`no-cache` and
/// `no-store` as the shortest), or [`JWKS_MAX_AGE`], within [`JWKS_MAX_AGE_RANGE`].
fn max_age(headers: &HeaderMap) -> Duration {
    let (shortest, longest) = JWKS_MAX_AGE_RANGE;
    let directives = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase());
    let mut age = None;
    for directive in directives {
        if directive == "no-cache" || directive == "no-store" {
            return shortest;
        }
        if let Some(secs) = directive
            .strip_prefix("max-age=")
            .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
        {
            age = Some(Duration::from_secs(secs));
        }
    }
    age.unwrap_or(JWKS_MAX_AGE).clamp(shortest, longest)
}

/// Why a JWK must not verify signatures, if it must not: meant for encryption (`use`,
/// `key_ops`), or an RSA key under [`MIN_RSA_BITS`].
fn unusable(jwk: &Jwk) -> Option<&'static str> {
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return Some("its use is not sig");
    }
    if jwk
        .common
        .key_operations
        .as_ref()
        .is_some_and(|ops| !ops.contains(&KeyOperations::Verify))
    {
        return Some("its key_ops do not include verify");
    }
    if let AlgorithmParameters::RSA(rsa) = &jwk.algorithm {
        let bits = rsa_bits(&rsa.n);
        if bits < MIN_RSA_BITS {
            return Some("RSA key under 2048 bits");
        }
    }
    None
}

/// Size in bits of a base64url big-endian RSA modulus (0 when it does not decode).
fn rsa_bits(n: &str) -> usize {
    let bytes = URL_SAFE_NO_PAD.decode(n).unwrap_or_default();
    match bytes.iter().position(|b| *b != 0) {
        Some(first) => (bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize,
        None => 0,
    }
}

/// The key named by `kid` (or the only key when the token names none), if it is meant
/// for `alg`: a key that declares its algorithm verifies only that one.
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn age(values: &[&str]) -> Duration {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(CACHE_CONTROL, HeaderValue::from_str(v).expect("value"));
        }
        max_age(&headers)
    }

    #[test]
    fn max_age_of_a_jwks_response() {
        assert_eq!(age(&[]), JWKS_MAX_AGE);
        assert_eq!(age(&["public, max-age=120"]), Duration::from_secs(120));
        assert_eq!(age(&["public", "Max-Age=\"90\""]), Duration::from_secs(90));
        assert_eq!(age(&["max-age=0"]), Duration::from_secs(1));
        assert_eq!(age(&["no-store"]), Duration::from_secs(1));
        assert_eq!(age(&["max-age=99999999"]), Duration::from_secs(86_400));
        assert_eq!(age(&["max-age=soon"]), JWKS_MAX_AGE);
    }

    #[test]
    fn rsa_modulus_sizes() {
        assert_eq!(rsa_bits(&URL_SAFE_NO_PAD.encode([0x80; 256])), 2048);
        assert_eq!(rsa_bits(&URL_SAFE_NO_PAD.encode([0x7f; 256])), 2047);
        let mut padded = vec![0u8];
        padded.extend([0xc0; 128]);
        assert_eq!(rsa_bits(&URL_SAFE_NO_PAD.encode(padded)), 1024);
        assert_eq!(rsa_bits("not base64!"), 0);
    }
}
