//! Security keys and passkeys (issue 14): registration, naming, step-up, deletion, and
//! every refusal — an expired ceremony, a replayed one, another user's, a cloned key
//! (its counter went back), a key registered twice, a key without user verification, a
//! wrong origin — with a software FIDO2 authenticator that makes real P-256 signatures
//! over what a browser would send. On SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use reqwest::{Method, StatusCode};
use serde_cbor_2::Value as Cbor;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ORIGIN: &str = "http://localhost:8080";
const YUBIKEY_5: [u8; 16] = [
    0xcb, 0x69, 0x48, 0x1e, 0x8f, 0xf7, 0x40, 0x39, 0x93, 0xec, 0x0a, 0x27, 0x29, 0xa1, 0x54, 0xa8,
];
/// fbfc3007-154e-4ecc-8c0b-6e020557d7bd: a platform authenticator (synced passkeys).
const ICLOUD_KEYCHAIN: [u8; 16] = [
    0xfb, 0xfc, 0x30, 0x07, 0x15, 0x4e, 0x4e, 0xcc, 0x8c, 0x0b, 0x6e, 0x02, 0x05, 0x57, 0xd7, 0xbd,
];

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A software CTAP2 authenticator: one credential, a signature counter, and whether it
/// verifies its user (a PIN). Clones share the key and copy the counter, as a cloned
/// hardware key would.
#[derive(Clone)]
struct SoftKey {
    key: SigningKey,
    credential_id: Vec<u8>,
    counter: u32,
    user_verification: bool,
    aaguid: [u8; 16],
    origin: String,
}

impl SoftKey {
    fn new() -> SoftKey {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("random");
        let mut credential_id = vec![0u8; 32];
        getrandom::fill(&mut credential_id).expect("random");
        SoftKey {
            key: SigningKey::from_slice(&secret).expect("key"),
            credential_id,
            counter: 0,
            user_verification: true,
            aaguid: [0; 16],
            origin: ORIGIN.to_owned(),
        }
    }

    fn flags(&self, attested: bool) -> u8 {
        0x01 | if self.user_verification { 0x04 } else { 0 } | if attested { 0x40 } else { 0 }
    }

    fn client_data(&self, kind: &str, options: &Value) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": options["challenge"],
            "origin": self.origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn rp_hash(options: &Value, rp_id: &str) -> Vec<u8> {
        let rp = options["rp"]["id"].as_str().or(options["rpId"].as_str());
        Sha256::digest(rp.unwrap_or(rp_id).as_bytes()).to_vec()
    }

    /// `navigator.credentials.create` answered, as `credential.toJSON()`.
    fn create(&mut self, options: &Value) -> Value {
        self.counter += 1;
        let point = self.key.verifying_key().to_encoded_point(false);
        let cose = Cbor::Map(
            [
                (Cbor::Integer(1), Cbor::Integer(2)),
                (Cbor::Integer(3), Cbor::Integer(-7)),
                (Cbor::Integer(-1), Cbor::Integer(1)),
                (
                    Cbor::Integer(-2),
                    Cbor::Bytes(point.x().expect("x").to_vec()),
                ),
                (
                    Cbor::Integer(-3),
                    Cbor::Bytes(point.y().expect("y").to_vec()),
                ),
            ]
            .into_iter()
            .collect(),
        );
        let mut auth = Self::rp_hash(options, "localhost");
        auth.push(self.flags(true));
        auth.extend_from_slice(&self.counter.to_be_bytes());
        auth.extend_from_slice(&self.aaguid);
        auth.extend_from_slice(
            &u16::try_from(self.credential_id.len())
                .expect("len")
                .to_be_bytes(),
        );
        auth.extend_from_slice(&self.credential_id);
        auth.extend_from_slice(&serde_cbor_2::to_vec(&cose).expect("cose"));
        let object = Cbor::Map(
            [
                (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
                (Cbor::Text("attStmt".into()), Cbor::Map(Default::default())),
                (Cbor::Text("authData".into()), Cbor::Bytes(auth)),
            ]
            .into_iter()
            .collect(),
        );
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": b64(&self.client_data("webauthn.create", options)),
                "attestationObject": b64(&serde_cbor_2::to_vec(&object).expect("cbor")),
                "transports": ["usb", "nfc"],
            },
            "clientExtensionResults": {},
        })
    }

    /// `navigator.credentials.get` answered, as `credential.toJSON()`.
    fn get(&mut self, options: &Value) -> Value {
        self.counter += 1;
        let mut auth = Self::rp_hash(options, "localhost");
        auth.push(self.flags(false));
        auth.extend_from_slice(&self.counter.to_be_bytes());
        let client_data = self.client_data("webauthn.get", options);
        let mut signed = auth.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: DerSignature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth),
                "signature": b64(signature.as_bytes()),
                "userHandle": null,
            },
            "clientExtensionResults": {},
        })
    }

    /// Is this key among the options' excluded credentials (a browser refuses then)?
    fn excluded_by(&self, options: &Value) -> bool {
        options["excludeCredentials"]
            .as_array()
            .is_some_and(|l| l.iter().any(|c| c["id"] == b64(&self.credential_id)))
    }
}

async fn start_registration(srv: &App, t: &str) -> Value {
    let r = srv
        .post("/me/methods/security-key/start", t, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Required by the ceremony, asked for as "preferred" so that a key without a PIN
    // reaches the server and gets the PIN message (a_key_without_user_verification…).
    assert_eq!(
        r.body["publicKey"]["authenticatorSelection"]["userVerification"],
        "preferred"
    );
    assert_eq!(
        r.body["publicKey"]["extensions"]["credentialProtectionPolicy"],
        "userVerificationOptionalWithCredentialIDList"
    );
    assert_eq!(r.body["publicKey"]["attestation"], "none");
    r.body
}

async fn finish_registration(srv: &App, t: &str, ceremony: &Value, credential: Value) -> Response {
    srv.post(
        "/me/methods/security-key",
        t,
        json!({"ceremonyId": ceremony["ceremonyId"], "credential": credential}),
    )
    .await
}

/// Registers `key` for the holder of `t`; answers the new method.
async fn register(srv: &App, t: &str, key: &mut SoftKey) -> Value {
    let ceremony = start_registration(srv, t).await;
    let credential = key.create(&ceremony["publicKey"]);
    let r = finish_registration(srv, t, &ceremony, credential).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

/// The finishing request of a step-up or sign-in ceremony, answered by `key`.
fn assertion(ceremony: &Value, key: &mut SoftKey) -> Value {
    let credential = key.get(&ceremony["publicKey"]);
    json!({"ceremonyId": ceremony["ceremonyId"], "credential": credential})
}

async fn step_up_with(srv: &App, t: &str, key: &mut SoftKey) -> Response {
    let r = srv
        .post("/me/step-up/security-key/start", t, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let credential = key.get(&r.body["publicKey"]);
    srv.post(
        "/me/step-up/security-key",
        t,
        json!({"ceremonyId": r.body["ceremonyId"], "credential": credential}),
    )
    .await
}

#[tokio::test]
async fn register_name_step_up_and_delete_a_key() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token(&user("kim"));
    let mut key = SoftKey::new();
    key.aaguid = YUBIKEY_5;
    let method = register(&srv, &t, &mut key).await;
    assert_eq!(method["type"], "security_key");
    // Named after its model (the AAGUID table on the server), shown as its detail.
    assert_eq!(method["name"], "YubiKey 5 Series");
    assert_eq!(method["detail"], "YubiKey 5 Series");
    assert_eq!(method["defaultModes"], json!(["key"]));
    let id = method["id"].as_str().expect("id").to_owned();
    let info = srv.security_info(&t).await;
    assert_eq!(
        info["defaultMethod"],
        json!({"methodId": id, "mode": "key"})
    );
    assert!(info["methods"][0]["lastUsedAt"].is_null());

    let r = srv
        .call(
            Method::PATCH,
            &format!("/me/methods/{id}"),
            Some(&t),
            Some(json!({"name": "Blue key"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["name"], "Blue key");

    // With a key registered, deleting needs a step-up, which the key gives.
    srv.delete_method(&t, &id)
        .await
        .assert_problem(403, "step-up-required");
    let r = step_up_with(&srv, &t, &mut key).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["freshUntil"].as_i64().is_some());
    let info = srv.security_info(&t).await;
    assert!(info["methods"][0]["lastUsedAt"].as_i64().is_some());
    assert_eq!(srv.delete_method(&t, &id).await.status, StatusCode::OK);
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM security_keys")
        .fetch_one(&srv.state.db.pool)
        .await
        .expect("count");
    assert_eq!(count.0, 0, "the credential went with its method");
}

#[tokio::test]
async fn an_unknown_model_is_a_security_key_and_keys_never_count_toward_the_limit() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.max_authenticators = Some(1)).await;
    let t = token(&user("lou"));
    let mut app = srv.enroll(&t, "app").await;
    // The one authenticator allowed is there; a key is added all the same.
    assert_eq!(srv.step_up(&t, &mut app).await.status, StatusCode::OK);
    let method = register(&srv, &t, &mut SoftKey::new()).await;
    assert_eq!(method["name"], "Security key");
    assert!(method["detail"].is_null());
    // The app stays the default; a second key is fine too.
    let info = srv.security_info(&t).await;
    assert_eq!(info["defaultMethod"]["methodId"], app.id.as_str());
    register(&srv, &t, &mut SoftKey::new()).await;
}

#[tokio::test]
async fn an_expired_ceremony_is_refused() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.webauthn_timeout = Some(1)).await;
    let t = token(&user("max"));
    let mut key = SoftKey::new();
    let ceremony = start_registration(&srv, &t).await;
    assert_eq!(ceremony["publicKey"]["timeout"], 1000);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let credential = key.create(&ceremony["publicKey"]);
    finish_registration(&srv, &t, &ceremony, credential)
        .await
        .assert_problem(410, "expired");
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
}

#[tokio::test]
async fn a_ceremony_finishes_once_and_only_for_its_user() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let (ann, bob) = (token(&user("ann")), token(&user("bob")));
    let mut key = SoftKey::new();
    let ceremony = start_registration(&srv, &ann).await;
    let credential = key.create(&ceremony["publicKey"]);
    // Bob cannot finish Ann's ceremony (and does not use it up)...
    finish_registration(&srv, &bob, &ceremony, credential.clone())
        .await
        .assert_problem(404, "not-found");
    assert_eq!(srv.security_info(&bob).await["methods"], json!([]));
    // ...Ann can, once.
    let r = finish_registration(&srv, &ann, &ceremony, credential.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // The same for an assertion: replaying a step-up's answer is refused.
    let start = srv
        .post("/me/step-up/security-key/start", &ann, json!({}))
        .await;
    let answer = json!({"ceremonyId": start.body["ceremonyId"], "credential": key.get(&start.body["publicKey"])});
    srv.post("/me/step-up/security-key", &bob, answer.clone())
        .await
        .assert_problem(404, "not-found");
    assert_eq!(
        srv.post("/me/step-up/security-key", &ann, answer.clone())
            .await
            .status,
        StatusCode::OK
    );
    srv.post("/me/step-up/security-key", &ann, answer)
        .await
        .assert_problem(404, "not-found");
    // Now fresh, Ann's registration answer again is a replay.
    finish_registration(&srv, &ann, &ceremony, credential)
        .await
        .assert_problem(404, "not-found");
    // A step-up ceremony does not register, nor the other way round.
    let start = srv
        .post("/me/step-up/security-key/start", &ann, json!({}))
        .await;
    finish_registration(
        &srv,
        &ann,
        &start.body,
        key.create(&start.body["publicKey"]),
    )
    .await
    .assert_problem(404, "not-found");
}

#[tokio::test]
async fn a_counter_that_goes_back_is_a_cloned_key() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token(&user("cy"));
    let mut key = SoftKey::new();
    register(&srv, &t, &mut key).await;
    assert_eq!(
        step_up_with(&srv, &t, &mut key).await.status,
        StatusCode::OK
    );
    // A clone made now, used after the original: its counter is behind.
    let mut clone = key.clone();
    assert_eq!(
        step_up_with(&srv, &t, &mut key).await.status,
        StatusCode::OK
    );
    step_up_with(&srv, &t, &mut clone)
        .await
        .assert_problem(422, "key-cloned");
    // The stored counter raised past the key's (another instance accepted a higher one
    // meanwhile): refused too, by the database's condition.
    sqlx::query("UPDATE security_keys SET sign_count = 1000")
        .execute(&srv.state.db.pool)
        .await
        .expect("raise");
    step_up_with(&srv, &t, &mut key)
        .await
        .assert_problem(422, "key-cloned");
}

#[tokio::test]
async fn a_key_is_registered_once() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let (ann, bob) = (token(&user("ann")), token(&user("bob")));
    let mut key = SoftKey::new();
    register(&srv, &ann, &mut key).await;
    assert_eq!(
        step_up_with(&srv, &ann, &mut key).await.status,
        StatusCode::OK
    );
    // The options exclude it, so a browser refuses; an authenticator that ignores that
    // is refused by the server.
    let ceremony = start_registration(&srv, &ann).await;
    assert!(key.excluded_by(&ceremony["publicKey"]));
    let credential = key.create(&ceremony["publicKey"]);
    finish_registration(&srv, &ann, &ceremony, credential)
        .await
        .assert_problem(409, "key-already-registered");
    // Nor can another account take it.
    let ceremony = start_registration(&srv, &bob).await;
    assert!(!key.excluded_by(&ceremony["publicKey"]));
    let credential = key.create(&ceremony["publicKey"]);
    finish_registration(&srv, &bob, &ceremony, credential)
        .await
        .assert_problem(409, "key-already-registered");
    assert_eq!(srv.security_info(&bob).await["methods"], json!([]));
}

#[tokio::test]
async fn a_key_without_user_verification_or_from_another_origin_is_refused() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token(&user("dee"));
    let mut no_pin = SoftKey::new();
    no_pin.user_verification = false;
    let ceremony = start_registration(&srv, &t).await;
    let credential = no_pin.create(&ceremony["publicKey"]);
    finish_registration(&srv, &t, &ceremony, credential)
        .await
        .assert_problem(422, "user-verification-required");

    let mut phished = SoftKey::new();
    phished.origin = "http://localhost.evil.example".into();
    let ceremony = start_registration(&srv, &t).await;
    let credential = phished.create(&ceremony["publicKey"]);
    finish_registration(&srv, &t, &ceremony, credential)
        .await
        .assert_problem(422, "key-rejected");

    // A step-up without the PIN is refused as well.
    let mut key = SoftKey::new();
    register(&srv, &t, &mut key).await;
    key.user_verification = false;
    step_up_with(&srv, &t, &mut key)
        .await
        .assert_problem(422, "user-verification-required");
    assert_eq!(srv.security_info(&t).await["stepUp"]["required"], true);
}

#[tokio::test]
async fn only_roaming_keys_when_the_policy_says_so() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.webauthn_roaming_only = Some(true)).await;
    let t = token(&user("eve"));
    let ceremony = start_registration(&srv, &t).await;
    assert_eq!(
        ceremony["publicKey"]["authenticatorSelection"]["authenticatorAttachment"],
        "cross-platform"
    );
    let mut key = SoftKey::new();
    let mut credential = key.create(&ceremony["publicKey"]);
    credential["authenticatorAttachment"] = "platform".into();
    finish_registration(&srv, &t, &ceremony, credential)
        .await
        .assert_problem(422, "key-rejected");
    register(&srv, &t, &mut key).await;
}

#[tokio::test]
async fn a_policy_without_security_keys_refuses_them() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.allowed_methods = Some(vec!["totp".into()])).await;
    let t = token(&user("fay"));
    srv.post("/me/methods/security-key/start", &t, json!({}))
        .await
        .assert_problem(403, "not-allowed-by-policy");
    srv.post("/me/step-up/security-key/start", &t, json!({}))
        .await
        .assert_problem(400, "validation");
}

#[tokio::test]
async fn two_origins_share_one_rp_id_and_a_third_is_refused() {
    let db = TestDb::new().await;
    let (portal, login) = (
        "https://portal.example.com",
        "https://login.example.com:8443",
    );
    let srv = App::start_with(&db, |s| {
        s.webauthn_rp_id = Some("example.com".into());
        s.webauthn_origins = Some(vec![portal.into(), login.into()]);
    })
    .await;
    let t = token(&user("ora"));
    // Registered from the first origin...
    let mut key = SoftKey::new();
    key.origin = portal.into();
    let ceremony = start_registration(&srv, &t).await;
    assert_eq!(ceremony["publicKey"]["rp"]["id"], "example.com");
    let credential = key.create(&ceremony["publicKey"]);
    let r = finish_registration(&srv, &t, &ceremony, credential).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // ...the key steps up from the second (one RP id: the same credential)...
    key.origin = login.into();
    let r = step_up_with(&srv, &t, &mut key).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // ...and another key is registered from the second.
    let mut second = SoftKey::new();
    second.origin = login.into();
    register(&srv, &t, &mut second).await;

    // A third origin, even under the RP id, or an allowed host on another port: refused.
    for origin in ["https://evil.example.com", "https://login.example.com"] {
        let mut other = SoftKey::new();
        other.origin = origin.into();
        let ceremony = start_registration(&srv, &t).await;
        let credential = other.create(&ceremony["publicKey"]);
        let r = finish_registration(&srv, &t, &ceremony, credential).await;
        r.assert_problem(422, "key-rejected");
        assert_eq!(
            r.body["detail"], "the page's origin is not allowed for security keys",
            "{origin}"
        );
    }
    key.origin = "https://evil.example.com".into();
    step_up_with(&srv, &t, &mut key)
        .await
        .assert_problem(422, "key-rejected");
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"].as_array().expect("methods").len(), 2);
}

#[tokio::test]
async fn a_platform_authenticator_is_accepted_with_its_aaguid_and_transports() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token(&user("pat"));
    let mut key = SoftKey::new();
    key.aaguid = ICLOUD_KEYCHAIN;
    let ceremony = start_registration(&srv, &t).await;
    // The default policy asks the browser for any authenticator.
    assert!(
        ceremony["publicKey"]["authenticatorSelection"]["authenticatorAttachment"].is_null(),
        "{:?}",
        ceremony["publicKey"]["authenticatorSelection"]
    );
    let mut credential = key.create(&ceremony["publicKey"]);
    credential["authenticatorAttachment"] = "platform".into();
    credential["response"]["transports"] = json!(["internal", "hybrid"]);
    let r = finish_registration(&srv, &t, &ceremony, credential).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["name"], "iCloud Keychain");
    let id = r.body["id"].as_str().expect("id").to_owned();
    // Stored as the authenticator said.
    let (aaguid, transports): (String, String) =
        sqlx::query_as("SELECT aaguid, transports FROM security_keys WHERE method_id = $1")
            .bind(&id)
            .fetch_one(&srv.state.db.pool)
            .await
            .expect("key row");
    assert_eq!(aaguid, "fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
    assert_eq!(transports, "internal,hybrid");
    // And it is used like any key.
    let r = step_up_with(&srv, &t, &mut key).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// The demo's sign-in (`--demo`): the password, then the key as the second factor. A
/// ceremony finishes only for the purpose it was opened for: one opened for a step-up
/// does not sign in, nor one opened for sign-in step up, even when it is made the
/// finishing session's own (its holder changed in the database, so that only the
/// purpose differs).
#[tokio::test]
async fn demo_sign_in_with_a_key_and_ceremonies_keep_their_purpose() {
    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    let browser = CookieBrowser::new(&srv);
    let credentials = json!({"username": "alice", "password": "alice-demo-password"});
    let r = browser
        .call(Method::POST, "/session", Some(credentials.clone()))
        .await;
    assert_eq!(r.body["authenticated"], true, "{:?}", r.body);
    // Register a key with the session cookie.
    let mut key = SoftKey::new();
    let c = browser
        .call(
            Method::POST,
            "/me/methods/security-key/start",
            Some(json!({})),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    let m = browser.call(
        Method::POST,
        "/me/methods/security-key",
        Some(json!({"ceremonyId": c.body["ceremonyId"], "credential": key.create(&c.body["publicKey"])})),
    )
    .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    browser.call(Method::DELETE, "/session", None).await;

    // Sign in again: the password, then the key.
    let r = browser
        .call(Method::POST, "/session", Some(credentials.clone()))
        .await;
    assert_eq!(r.body["authenticated"], false, "{:?}", r.body);
    assert_eq!(r.body["defaultMethod"]["mode"], "key");
    browser
        .call(Method::GET, "/me/security-info", None)
        .await
        .assert_problem(401, "unauthenticated");
    let c = browser
        .call(
            Method::POST,
            "/session/verify/security-key/start",
            Some(json!({})),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    let signed = assertion(&c.body, &mut key);
    let r = browser
        .call(
            Method::POST,
            "/session/verify/security-key",
            Some(signed.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authenticated"], true);
    assert!(r.set_cookie().is_some(), "a new session id");
    let info = browser.call(Method::GET, "/me/security-info", None).await;
    assert_eq!(info.status, StatusCode::OK, "{:?}", info.body);
    assert_eq!(info.body["stepUp"]["required"], false);
    // Signed in: the answer is not taken again.
    browser
        .call(Method::POST, "/session/verify/security-key", Some(signed))
        .await
        .assert_problem(400, "validation");

    // A step-up ceremony of the signed-in session; then a new waiting session with two
    // sign-in ceremonies.
    let step_up = browser
        .call(
            Method::POST,
            "/me/step-up/security-key/start",
            Some(json!({})),
        )
        .await;
    assert_eq!(step_up.status, StatusCode::OK, "{:?}", step_up.body);
    browser.call(Method::DELETE, "/session", None).await;
    let r = browser
        .call(Method::POST, "/session", Some(credentials))
        .await;
    assert_eq!(r.body["authenticated"], false, "{:?}", r.body);
    let mut sign_ins = Vec::new();
    for _ in 0..2 {
        let c = browser
            .call(
                Method::POST,
                "/session/verify/security-key/start",
                Some(json!({})),
            )
            .await;
        assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
        sign_ins.push(c.body);
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("database");
    // `ceremony` made to belong to the holder of `like`.
    let hand_over = |ceremony: &Value, like: &Value| {
        let (ceremony, like) = (ceremony["ceremonyId"].clone(), like["ceremonyId"].clone());
        let pool = pool.clone();
        async move {
            let (holder,): (String,) =
                sqlx::query_as("SELECT holder FROM webauthn_ceremonies WHERE id = $1")
                    .bind(like.as_str().expect("id"))
                    .fetch_one(&pool)
                    .await
                    .expect("holder");
            let done = sqlx::query("UPDATE webauthn_ceremonies SET holder = $1 WHERE id = $2")
                .bind(holder)
                .bind(ceremony.as_str().expect("id"))
                .execute(&pool)
                .await
                .expect("update");
            assert_eq!(done.rows_affected(), 1);
        }
    };

    // The step-up ceremony, now this waiting session's, does not sign in.
    hand_over(&step_up.body, &sign_ins[0]).await;
    browser
        .call(
            Method::POST,
            "/session/verify/security-key",
            Some(assertion(&step_up.body, &mut key)),
        )
        .await
        .assert_problem(404, "not-found");
    assert_eq!(
        browser.call(Method::GET, "/session", None).await.body["authenticated"],
        false
    );
    // Its own sign-in ceremony does.
    let r = browser
        .call(
            Method::POST,
            "/session/verify/security-key",
            Some(assertion(&sign_ins[0], &mut key)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authenticated"], true);

    // The other sign-in ceremony, made the signed-in session's, does not step up.
    let step_up = browser
        .call(
            Method::POST,
            "/me/step-up/security-key/start",
            Some(json!({})),
        )
        .await;
    assert_eq!(step_up.status, StatusCode::OK, "{:?}", step_up.body);
    hand_over(&sign_ins[1], &step_up.body).await;
    browser
        .call(
            Method::POST,
            "/me/step-up/security-key",
            Some(assertion(&sign_ins[1], &mut key)),
        )
        .await
        .assert_problem(404, "not-found");
    // Its own step-up ceremony does.
    let r = browser
        .call(
            Method::POST,
            "/me/step-up/security-key",
            Some(assertion(&step_up.body, &mut key)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["freshUntil"].as_i64().is_some());
}
