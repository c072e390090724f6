//! Encryption at rest of TOTP secrets (XChaCha20-Poly1305) and small random helpers.
//! Key material and opened secrets are wiped from memory when dropped (`Zeroizing`; the
//! cipher through chacha20poly1305's `zeroize` feature).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::Zeroizing;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the encryption key must be 32 bytes in base64")]
    BadKey,
    #[error("key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("the random source failed")]
    Random,
}

/// Seals and opens TOTP secrets. The associated data binds a ciphertext to its method
/// and user, so a row copied onto another method does not decrypt.
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    key_digest: Zeroizing<[u8; 32]>,
    /// Keys the HMAC of sent one-time codes (`code_hash`).
    code_key: Zeroizing<[u8; 32]>,
    key_id: String,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// The key from configuration, else from `key_file`, which is created (mode 0600)
    /// with a fresh key when it does not exist.
    pub fn load(configured: Option<&str>, key_file: &Path) -> Result<SecretBox, KeyError> {
        let key = match configured {
            Some(text) => decode_key(text)?,
            None => read_or_create_key_file(key_file)?,
        };
        let cipher =
            XChaCha20Poly1305::new_from_slice(key.as_slice()).map_err(|_| KeyError::BadKey)?;
        Ok(SecretBox {
            cipher,
            key_id: hex(&Sha256::new()
                .chain_update(b"security-info key id v1")
                .chain_update(key.as_slice())
                .finalize()[..8]),
            code_key: Zeroizing::new(
                Sha256::new()
                    .chain_update(b"security-info one-time codes v1")
                    .chain_update(key.as_slice())
                    .finalize()
                    .into(),
            ),
            key_digest: Zeroizing::new(
                Sha256::new()
                    .chain_update(b"security-info demo jwt v1")
                    .chain_update(key.as_slice())
                    .finalize()
                    .into(),
            ),
        })
    }

    /// A secret for signing demo tokens, derived from the encryption key so that every
    /// instance sharing the key (and a restarted one) accepts the same tokens.
    pub fn derived_demo_jwt_secret(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.key_digest.to_vec())
    }

    /// A hash of `text` keyed with a key derived from the encryption key, domain-separated
    /// by `label` (HMAC-SHA256, hex): for short secrets stored only hashed (push activation
    /// codes, one-time codes), so a copy of the database alone does not let anyone try all
    /// codes offline (a plain hash of six digits would fall in a million tries).
    pub fn keyed_hash(&self, label: &str, text: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.code_key.as_slice())
            .expect("HMAC accepts a 32-byte key");
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// How a sent one-time code is stored: [`Self::keyed_hash`] bound to its challenge.
    pub fn code_hash(&self, challenge_id: &str, code: &str) -> String {
        self.keyed_hash(challenge_id, code)
    }

    /// A short name of the key (64 bits of a domain-separated hash: names the key in
    /// the database and in messages without revealing it).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The key check value stored in the database: a constant sealed with this key.
    pub fn seal_check(&self) -> Result<String, KeyError> {
        self.seal(KEY_CHECK, &check_aad(&self.key_id))
    }

    /// Whether `sealed` is this key's check value.
    pub fn opens_check(&self, sealed: &str) -> bool {
        self.open(sealed, &check_aad(&self.key_id))
            .is_some_and(|plain| plain.as_slice() == KEY_CHECK)
    }

    pub fn seal(&self, plaintext: &[u8], aad: &str) -> Result<String, KeyError> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes()?;
        let nonce = XNonce::from(nonce_bytes);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| KeyError::BadKey)?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// `None` when the text was not sealed with this key and `aad`.
    pub fn open(&self, sealed: &str, aad: &str) -> Option<Zeroizing<Vec<u8>>> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).ok()?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

const KEY_CHECK: &[u8] = b"security-info key check v1";

fn check_aad(key_id: &str) -> String {
    format!("key-check:{key_id}")
}

fn decode_key(text: &str) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|_| KeyError::BadKey)?);
    let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| KeyError::BadKey)?;
    Ok(Zeroizing::new(key))
}

fn read_or_create_key_file(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    let file_error = |source| KeyError::File {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path).map(Zeroizing::new) {
        Ok(text) => decode_key(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(file_error)?;
            }
            let key = Zeroizing::new(random_bytes::<KEY_LEN>()?);
            let text = Zeroizing::new(B64.encode(key.as_slice()));
            write_private(path, text.as_bytes()).map_err(file_error)?;
            tracing::info!(path = %path.display(), "generated a new encryption key file");
            Ok(key)
        }
        Err(e) => Err(file_error(e)),
    }
}

/// Creates the file readable by its owner only; `create_new` so two instances starting
/// at once cannot overwrite each other's key (or database).
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| KeyError::Random)?;
    Ok(bytes)
}

/// A random identifier: 128 bits in hex.
pub fn random_id() -> Result<String, KeyError> {
    Ok(hex(&random_bytes::<16>()?))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stored form of a session cookie value: the database never holds the cookie itself.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}
