//! The protocol client: activation, and requests signed with the device key
//! (`Authorization: Device <deviceId>.<unixTime>.<nonce>.<signature>`, ES256 over
//! `METHOD\nPATH\nunixTime\nnonce\nhex(SHA-256(body))`).

use crate::state::Account;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use security_info_core::push::{
    ActivateRequest, ActivateResponse, DeviceAuth, DeviceChallenge, signing_input,
};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::time::Duration;
use zeroize::Zeroizing;

/// The path (and query) part of a URL, with which requests are signed.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

fn agent(timeout: Option<Duration>) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(timeout)
        .build()
        .into()
}

/// An answer: the status and the body as JSON (or text).
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Answer {
    fn read(mut response: ureq::http::Response<ureq::Body>) -> Result<Answer, String> {
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("reading the answer: {e}"))?;
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        Ok(Answer { status, body })
    }

    /// The body as `T` on 2xx, else the problem's title and detail as the error.
    pub fn into<T: serde::de::DeserializeOwned>(self) -> Result<T, String> {
        if (200..300).contains(&self.status) {
            serde_json::from_value(self.body).map_err(|e| format!("unexpected answer: {e}"))
        } else {
            Err(problem_text(self.status, &self.body))
        }
    }
}

/// "HTTP 410 expired: …" from a problem+json body.
pub fn problem_text(status: u16, body: &serde_json::Value) -> String {
    let code = body["code"].as_str().unwrap_or("error");
    let title = body["title"].as_str().unwrap_or_default();
    match body["detail"].as_str() {
        Some(detail) => format!("HTTP {status} {code}: {title} ({detail})"),
        None => format!("HTTP {status} {code}: {title}"),
    }
}

/// A new device key and its public key (SEC1 uncompressed, base64url).
pub fn new_key() -> Result<(SigningKey, String), String> {
    loop {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut()).map_err(|e| format!("no randomness: {e}"))?;
        if let Ok(key) = SigningKey::from_slice(bytes.as_ref()) {
            let public =
                URL_SAFE_NO_PAD.encode(key.verifying_key().to_encoded_point(false).as_bytes());
            return Ok((key, public));
        }
    }
}

/// Posts the activation code with a new key; answers the account to store.
pub fn activate(code: &str, url: &str, name: &str) -> Result<Account, String> {
    let api_base = url
        .strip_suffix("/device/activate")
        .ok_or("the activation URL ends in /device/activate")?
        .to_owned();
    let (key, public_key) = new_key()?;
    let request = ActivateRequest {
        code: code.to_owned(),
        public_key,
        device_name: name.to_owned(),
    };
    let body = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
    let response = agent(Some(Duration::from_secs(30)))
        .post(url)
        .header("content-type", "application/json")
        .send(&body[..])
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let answer: ActivateResponse = Answer::read(response)?.into()?;
    Ok(Account {
        device_id: answer.device_id,
        method_id: answer.method_id,
        device_name: name.to_owned(),
        issuer: answer.issuer,
        account_name: answer.account_name,
        api_base,
        private_key: URL_SAFE_NO_PAD.encode(key.to_bytes()),
        totp_secret: answer.totp_secret,
        digits: answer.digits,
        period: answer.period,
    })
}

/// Signed requests for one account.
pub struct Device<'a> {
    account: &'a Account,
    key: SigningKey,
}

impl<'a> Device<'a> {
    pub fn new(account: &'a Account) -> Result<Device<'a>, String> {
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(&account.private_key)
                .map_err(|_| "the state file's key is not base64url")?,
        );
        let key = SigningKey::from_slice(&bytes).map_err(|_| "the state file's key is invalid")?;
        Ok(Device { account, key })
    }

    /// The `Authorization` header for `method` on `url` with `body`, now.
    fn authorization(&self, method: &str, url: &str, body: &[u8]) -> Result<String, String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| format!("no randomness: {e}"))?;
        let nonce = URL_SAFE_NO_PAD.encode(nonce);
        let digest: String = Sha256::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let input = signing_input(method, path_of(url), now, &nonce, &digest);
        let signature: Signature = self.key.sign(input.as_bytes());
        Ok(DeviceAuth {
            device_id: self.account.device_id.clone(),
            unix_time: now,
            nonce,
            signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
        }
        .header())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.account.api_base)
    }

    pub fn get(&self, path: &str, timeout: Duration) -> Result<Answer, String> {
        let url = self.url(path);
        let auth = self.authorization("GET", &url, b"")?;
        let response = agent(Some(timeout))
            .get(&url)
            .header("authorization", &auth)
            .call()
            .map_err(|e| format!("cannot reach {url}: {e}"))?;
        Answer::read(response)
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> Result<Answer, String> {
        let url = self.url(path);
        let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        let auth = self.authorization("POST", &url, &body)?;
        let response = agent(Some(Duration::from_secs(30)))
            .post(&url)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(&body[..])
            .map_err(|e| format!("cannot reach {url}: {e}"))?;
        Answer::read(response)
    }

    /// The notifications waiting for an answer (`wait`: long-poll seconds).
    pub fn challenges(&self, wait: u64) -> Result<Vec<DeviceChallenge>, String> {
        let path = if wait == 0 {
            "/device/challenges".to_owned()
        } else {
            format!("/device/challenges?wait={wait}")
        };
        self.get(&path, Duration::from_secs(wait + 30))?.into()
    }

    /// Reads the event stream, calling `each` for every notification until it answers
    /// false or the stream ends (the device was revoked, or the connection dropped).
    pub fn events(&self, mut each: impl FnMut(DeviceChallenge) -> bool) -> Result<(), String> {
        let url = self.url("/device/events");
        let auth = self.authorization("GET", &url, b"")?;
        let response = agent(None)
            .get(&url)
            .header("authorization", &auth)
            .header("accept", "text/event-stream")
            .call()
            .map_err(|e| format!("cannot reach {url}: {e}"))?;
        if response.status() != 200 {
            let answer = Answer::read(response)?;
            return Err(problem_text(answer.status, &answer.body));
        }
        let reader = BufReader::new(response.into_body().into_reader());
        let mut event = String::new();
        for line in reader.lines() {
            let line = line.map_err(|e| format!("the event stream broke: {e}"))?;
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_owned();
            } else if let Some(data) = line.strip_prefix("data:")
                && event == "challenge"
                && let Ok(challenge) = serde_json::from_str::<DeviceChallenge>(data.trim())
                && !each(challenge)
            {
                return Ok(());
            } else if line.is_empty() {
                event.clear();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn requests_are_signed_with_path_and_query() {
        assert_eq!(
            path_of("http://localhost:8080/api/device/challenges?wait=5"),
            "/api/device/challenges?wait=5"
        );
        assert_eq!(path_of("https://id.example"), "/");
    }
}
