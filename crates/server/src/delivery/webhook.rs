//! The signed webhook: a POST of a JSON payload an operator's receiver turns into an SMS,
//! a call or an email with any provider. `X-Signature` is `sha256=` and the hex
//! HMAC-SHA256, keyed with the configured secret, of `{X-Signature-Timestamp}.{body}`; a
//! receiver recomputes it and refuses old timestamps. At most three tries within ten
//! seconds; any 2xx answer is delivery.

use super::Message;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const TRIES: u32 = 3;
const DEADLINE: Duration = Duration::from_secs(10);
const TRY_TIMEOUT: Duration = Duration::from_secs(3);

/// The JSON body (documented in the server README, "Delivery webhook").
#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    /// `text`, `call` or `email`.
    pub kind: String,
    /// E.164 number or email address.
    pub to: String,
    /// `en` or `nl`: the language of `message`.
    pub locale: String,
    /// Email subject (also given for texts and calls, for receivers that log it).
    pub subject: String,
    /// What to text, say or mail (plain text; it holds the code).
    pub message: String,
    /// The email's HTML part (emails only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// When the code stops working (Unix seconds).
    pub expires_at: i64,
}

#[derive(Debug)]
pub struct Webhook {
    url: String,
    secret: Zeroizing<Vec<u8>>,
    client: reqwest::Client,
}

/// The `X-Signature` value of `body` sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| {
        <Hmac<Sha256> as Mac>::new_from_slice(&[0]).expect("HMAC accepts a 1-byte key")
    });
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "sha256={}",
        crate::crypto::hex(&mac.finalize().into_bytes())
    )
}

impl Webhook {
    pub fn new(url: String, secret: &[u8]) -> Webhook {
        Webhook {
            url,
            secret: Zeroizing::new(secret.to_vec()),
            client: reqwest::Client::builder()
                .connect_timeout(TRY_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    pub async fn send(&self, message: &Message) -> Result<(), String> {
        let payload = WebhookPayload {
            kind: message.channel.as_str().to_owned(),
            to: message.to.clone(),
            locale: message.locale.to_owned(),
            subject: message.subject.clone(),
            message: message.text.clone(),
            html: (message.channel == super::Channel::Email).then(|| message.html.clone()),
            expires_at: message.expires_at,
        };
        let body = Zeroizing::new(serde_json::to_vec(&payload).map_err(|e| e.to_string())?);
        let started = Instant::now();
        let mut last = String::new();
        for attempt in 1..=TRIES {
            let left = DEADLINE.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            let timestamp = security_info_core::unix_now();
            let result = self
                .client
                .post(&self.url)
                .timeout(left.min(TRY_TIMEOUT))
                .header("content-type", "application/json")
                .header("x-signature-timestamp", timestamp.to_string())
                .header("x-signature", signature(&self.secret, timestamp, &body))
                .body(body.to_vec())
                .send()
                .await;
            match result {
                Ok(answer) if answer.status().is_success() => return Ok(()),
                Ok(answer) => last = format!("try {attempt}: HTTP {}", answer.status()),
                // Without the URL: it may carry a provider's key.
                Err(e) => last = format!("try {attempt}: {}", e.without_url()),
            }
            if attempt < TRIES {
                let pause = Duration::from_millis(250 * u64::from(attempt));
                if started.elapsed() + pause >= DEADLINE {
                    break;
                }
                tokio::time::sleep(pause).await;
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a value computed independently: Python's
    /// `hmac.new(b"Jefe", b"1700000000.{}", hashlib.sha256).hexdigest()`.
    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        assert_eq!(
            signature(b"Jefe", 1_700_000_000, b"{}"),
            "sha256=d3793e2b4103edfbd98cc19591832f5fad701d413db9fcae0ae7dab8184ed207"
        );
    }
}
