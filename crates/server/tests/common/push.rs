//! A push device as the protocol describes it (README "Push protocol"), written from
//! the documentation with its own ES256 signing: the server tests' device client.

use super::{Response, Server};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use reqwest::{Method, StatusCode};
use security_info_core::push::{DeviceAuth, parse_activation_uri, signing_input};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct Device {
    pub id: String,
    pub key: SigningKey,
    /// The server's URL (scheme, host and port); paths carry the base path.
    pub origin: String,
    pub base_path: String,
    pub totp_secret: String,
    pub method_id: String,
    pub http: reqwest::Client,
}

pub fn new_key() -> SigningKey {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("random");
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}

pub fn public_key(key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(key.verifying_key().to_encoded_point(false).as_bytes())
}

fn random_nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `Authorization` value for a request, signed by `key` at `time` with `nonce`.
pub fn sign(
    key: &SigningKey,
    id: &str,
    method: &str,
    path: &str,
    body: &[u8],
    time: u64,
    nonce: &str,
) -> String {
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let signature: Signature =
        key.sign(signing_input(method, path, time, nonce, &digest).as_bytes());
    DeviceAuth {
        device_id: id.to_owned(),
        unix_time: time,
        nonce: nonce.to_owned(),
        signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
    }
    .header()
}

impl Device {
    /// Activates with the activation URI a start answered (its URL is rewritten to
    /// 127.0.0.1, where the test server listens).
    pub async fn activate(srv: &Server, start: &Value, name: &str) -> Result<Device, Response> {
        let (code, url) = parse_activation_uri(start["activationUri"].as_str().expect("uri"))
            .expect("an activation URI");
        let key = new_key();
        let http = reqwest::Client::new();
        let r = Response::from(
            http.post(&url)
                .json(&json!({"code": code, "publicKey": public_key(&key), "deviceName": name}))
                .send()
                .await
                .expect("activate"),
        )
        .await;
        if r.status != StatusCode::CREATED {
            return Err(r);
        }
        let base_path = srv.api.strip_prefix(&srv.url).expect("base").to_owned();
        Ok(Device {
            id: r.body["deviceId"].as_str().expect("id").to_owned(),
            key,
            origin: srv.url.clone(),
            base_path,
            totp_secret: r.body["totpSecret"].as_str().expect("secret").to_owned(),
            method_id: r.body["methodId"].as_str().expect("method").to_owned(),
            http,
        })
    }

    /// The same device talking to another instance.
    pub fn on(&self, srv: &Server) -> Device {
        Device {
            id: self.id.clone(),
            key: self.key.clone(),
            origin: srv.url.clone(),
            base_path: self.base_path.clone(),
            totp_secret: self.totp_secret.clone(),
            method_id: self.method_id.clone(),
            http: self.http.clone(),
        }
    }

    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// A signed request with the given authorization (tests vary it).
    pub async fn send_with(&self, method: Method, path: &str, body: &[u8], auth: &str) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.origin, self.path(path)))
            .header("authorization", auth);
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        Response::from(request.send().await.expect("device request")).await
    }

    pub fn auth(&self, method: &str, path: &str, body: &[u8], offset: i64) -> String {
        let time = security_info_core::unix_now().saturating_add_signed(offset);
        sign(
            &self.key,
            &self.id,
            method,
            &self.path(path),
            body,
            time,
            &random_nonce(),
        )
    }

    pub async fn get(&self, path: &str) -> Response {
        let auth = self.auth("GET", path, b"", 0);
        self.send_with(Method::GET, path, b"", &auth).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        let body = serde_json::to_vec(&body).expect("json");
        let auth = self.auth("POST", path, &body, 0);
        self.send_with(Method::POST, path, &body, &auth).await
    }

    pub async fn challenges(&self) -> Vec<Value> {
        let r = self.get("/device/challenges").await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body.as_array().expect("list").clone()
    }

    pub async fn approve(&self, id: &str, number: u64) -> Response {
        self.post(
            &format!("/device/challenges/{id}"),
            json!({"decision": "approve", "number": number}),
        )
        .await
    }

    pub async fn deny(&self, id: &str) -> Response {
        self.post(
            &format!("/device/challenges/{id}"),
            json!({"decision": "deny"}),
        )
        .await
    }
}
