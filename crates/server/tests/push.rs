//! Push authenticators (README "Push protocol"): enrolment by activation code and test
//! notification, step-up and sign-in by notification with number matching, the device
//! channels (long-poll and server-sent events), and every refusal. Runs on SQLite and
//! on PostgreSQL (`TEST_DATABASE_URL`), like every server test.

mod common;

use common::push::{Device, new_key, public_key, sign};
use common::*;
use reqwest::{Method, StatusCode};
use security_info_core::Secret;
use security_info_core::push::parse_activation_uri;
use security_info_core::totp::TotpParams;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The test server's options with push allowed (the default policy offers codes only
/// until the wizard's push path is in the components).
fn push_options(db: &TestDb) -> Options<'_> {
    Options::new(db).args(&["--allowed-methods", "authenticator_push,totp"])
}

/// Starts a push enrolment for `t`; asserts the answer's shape.
async fn start(srv: &Server, t: &str) -> Value {
    let r = srv
        .post("/me/methods/authenticator-push/start", t, json!(null))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

/// Enrols a push authenticator for `t` all the way: activation, test notification,
/// approval with the number, finish. Answers the device and the method.
async fn enrol(srv: &Server, t: &str, name: &str) -> (Device, Value) {
    let s = start(srv, t).await;
    let device = Device::activate(srv, &s, name).await.expect("activate");
    let challenge = srv
        .post(
            "/me/methods/authenticator-push/test",
            t,
            json!({"enrollmentId": s["enrollmentId"]}),
        )
        .await;
    assert_eq!(challenge.status, StatusCode::OK, "{:?}", challenge.body);
    let id = challenge.body["id"].as_str().expect("id");
    let number = challenge.body["number"].as_u64().expect("number");
    let r = device.approve(id, number).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "approved");
    let method = srv
        .post(
            "/me/methods/authenticator-push",
            t,
            json!({"challengeId": id}),
        )
        .await;
    assert_eq!(method.status, StatusCode::CREATED, "{:?}", method.body);
    (device, method.body)
}

/// A TOTP method view of the push device's secret (the app's codes).
fn codes_of(device: &Device) -> Totp {
    Totp {
        id: device.method_id.clone(),
        secret: Secret::from_base32(&device.totp_secret).expect("base32"),
        used: Default::default(),
    }
}

#[tokio::test]
async fn enrolment_by_activation_code_and_test_notification_makes_push_the_default() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("pia"));
    let s = start(&srv, &t).await;
    let code = s["activationCode"].as_str().expect("code");
    assert_eq!(code.len(), 9);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let url = s["activationUrl"].as_str().expect("url");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api/device/activate"),
        "{url}"
    );
    assert_eq!(
        parse_activation_uri(s["activationUri"].as_str().expect("uri")),
        Some((code.to_owned(), url.to_owned()))
    );
    // The code is stored only hashed.
    assert!(!String::from_utf8_lossy(&db.dump().await).contains(code));

    let device = Device::activate(&srv, &s, "Pixel 9")
        .await
        .expect("activate");
    // Pending: not listed until the test notification is approved.
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
    let c = srv
        .post(
            "/me/methods/authenticator-push/test",
            &t,
            json!({"enrollmentId": s["enrollmentId"]}),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["purpose"], "enrol");
    assert_eq!(c.body["state"], "pending");
    assert_eq!(c.body["deviceName"], "Pixel 9");
    let number = c.body["number"].as_u64().expect("number");
    assert!((10..=99).contains(&number));
    let seen = device.challenges().await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["action"], "Add a sign-in method");
    assert!(!seen[0]["issuer"].as_str().expect("issuer").is_empty());
    assert!(
        seen[0].get("number").is_none(),
        "the device never sees the number"
    );
    let id = c.body["id"].as_str().expect("id");
    assert_eq!(device.approve(id, number).await.body["state"], "approved");
    let m = srv
        .post(
            "/me/methods/authenticator-push",
            &t,
            json!({"challengeId": id}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    assert_eq!(m.body["type"], "authenticator_push");
    assert_eq!(m.body["name"], "Pixel 9");
    assert_eq!(m.body["id"], device.method_id.as_str());
    let info = srv.security_info(&t).await;
    assert_eq!(
        info["defaultMethod"],
        json!({"methodId": device.method_id, "mode": "notification"})
    );

    // The same device's codes work too ("Authenticator app – code").
    let mut codes = codes_of(&device);
    let r = srv.step_up(&t, &mut codes).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Finishing twice with one approval is refused.
    srv.post(
        "/me/methods/authenticator-push",
        &t,
        json!({"challengeId": id}),
    )
    .await
    .assert_problem(422, "code-reused");
    let r = srv
        .call(
            Method::PUT,
            "/me/default-method",
            Some(&t),
            Some(json!({"methodId": device.method_id, "mode": "code"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn step_up_by_notification_with_number_matching() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("sven"));
    let (device, _) = enrol(&srv, &t, "phone").await;
    // Two-step registered: changes need a step-up.
    srv.post("/me/methods/totp/start", &t, json!({}))
        .await
        .assert_problem(403, "step-up-required");
    let c = srv.post("/me/push/challenges", &t, json!({})).await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["purpose"], "step_up");
    let id = c.body["id"].as_str().expect("id");
    let seen = device.challenges().await;
    assert_eq!(seen[0]["action"], "Verify your identity");
    // Before the answer: not usable yet.
    srv.post("/me/step-up/push", &t, json!({"challengeId": id}))
        .await
        .assert_problem(400, "validation");
    device
        .approve(id, c.body["number"].as_u64().expect("n"))
        .await;
    let r = srv
        .post("/me/step-up/push", &t, json!({"challengeId": id}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["freshUntil"].as_i64().is_some());
    assert_eq!(
        srv.post("/me/methods/totp/start", &t, json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // One approval, one step-up.
    srv.post("/me/step-up/push", &t, json!({"challengeId": id}))
        .await
        .assert_problem(422, "code-reused");
}

#[tokio::test]
async fn activation_code_refusals_unknown_malformed_used_expired_and_guessing() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db).args(&[
        "--rate-limit-client",
        "3",
        "--push-activation-ttl",
        "2",
    ]))
    .await;
    let t = token(&user("una"));
    let s = start(&srv, &t).await;
    let url = s["activationUrl"].as_str().expect("url").to_owned();
    let http = reqwest::Client::new();
    let activate = |code: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            Response::from(
                http.post(&url)
                    .json(&json!({"code": code, "publicKey": public_key(&new_key()), "deviceName": "x"}))
                    .send()
                    .await
                    .expect("send"),
            )
            .await
        }
    };
    let right = s["activationCode"].as_str().expect("code").to_owned();
    let wrong = if right == "000000000" {
        "000000001"
    } else {
        "000000000"
    };
    // Malformed: refused without counting.
    activate("12345".into())
        .await
        .assert_problem(422, "invalid-code");
    // A bad key is refused before the code is looked at.
    let r = Response::from(
        http.post(&url)
            .json(&json!({"code": right, "publicKey": "AAAA", "deviceName": "x"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    r.assert_problem(400, "validation");
    // Unknown codes count toward the address's failed verifications.
    activate(wrong.into())
        .await
        .assert_problem(422, "invalid-code");
    activate(wrong.into())
        .await
        .assert_problem(422, "invalid-code");
    // The right code still works before the limit, and only once.
    let ok = activate(right.clone()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{:?}", ok.body);
    activate(right.clone())
        .await
        .assert_problem(422, "code-reused");
    activate(wrong.into())
        .await
        .assert_problem(422, "invalid-code");
    // Three failures: even a right code is refused now.
    let s2 = start(&srv, &t).await;
    let r = activate(s2["activationCode"].as_str().expect("c").to_owned()).await;
    r.assert_problem(429, "rate-limited");
    assert!(r.headers.get("retry-after").is_some());

    // Expired (another address's limit: a fresh server).
    drop(srv);
    let srv = Server::start_with(push_options(&db).args(&["--push-activation-ttl", "1"])).await;
    let s = start(&srv, &t).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = Device::activate(&srv, &s, "late")
        .await
        .err()
        .expect("refused");
    r.assert_problem(410, "expired");
}

#[tokio::test]
async fn a_pending_method_not_approved_in_time_is_removed() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db).args(&["--push-activation-ttl", "2"])).await;
    let t = token(&user("otto"));
    let s = start(&srv, &t).await;
    // No device has activated with the code yet: nothing to send a test notification to.
    srv.post(
        "/me/methods/authenticator-push/test",
        &t,
        json!({"enrollmentId": s["enrollmentId"]}),
    )
    .await
    .assert_problem(400, "validation");
    let device = Device::activate(&srv, &s, "slow").await.expect("activate");
    assert_eq!(
        device.get("/device/challenges").await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    device
        .get("/device/challenges")
        .await
        .assert_problem(401, "unauthenticated");
    srv.post(
        "/me/methods/authenticator-push/test",
        &t,
        json!({"enrollmentId": s["enrollmentId"]}),
    )
    .await
    .assert_problem(410, "expired");
    // The next start sweeps it from the database.
    start(&srv, &t).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("database");
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM push_devices")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
}

#[tokio::test]
async fn device_signature_refusals_bad_replayed_stale_and_malformed() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("rita"));
    let s = start(&srv, &t).await;
    let device = Device::activate(&srv, &s, "phone").await.expect("activate");
    let path = "/device/challenges";
    // A good request works; the same header again is a replay.
    let auth = device.auth("GET", path, b"", 0);
    assert_eq!(
        device.send_with(Method::GET, path, b"", &auth).await.status,
        StatusCode::OK
    );
    device
        .send_with(Method::GET, path, b"", &auth)
        .await
        .assert_problem(401, "unauthenticated");
    // Stale and from the future: more than 60 s off.
    for offset in [-120, 120] {
        let auth = device.auth("GET", path, b"", offset);
        device
            .send_with(Method::GET, path, b"", &auth)
            .await
            .assert_problem(401, "unauthenticated");
    }
    // Within the skew: fine.
    let auth = device.auth("GET", path, b"", -30);
    assert_eq!(
        device.send_with(Method::GET, path, b"", &auth).await.status,
        StatusCode::OK
    );
    // Signed by another key.
    let now = security_info_core::unix_now();
    let other = sign(
        &new_key(),
        &device.id,
        "GET",
        &device.path(path),
        b"",
        now,
        "nonce-other-1",
    );
    device
        .send_with(Method::GET, path, b"", &other)
        .await
        .assert_problem(401, "unauthenticated");
    // Signed for another path, method or body.
    let auth = device.auth("GET", "/device/events", b"", 0);
    device
        .send_with(Method::GET, path, b"", &auth)
        .await
        .assert_problem(401, "unauthenticated");
    let body = br#"{"decision":"deny"}"#;
    let auth = device.auth("POST", "/device/challenges/abcdef12", b"{}", 0);
    device
        .send_with(Method::POST, "/device/challenges/abcdef12", body, &auth)
        .await
        .assert_problem(401, "unauthenticated");
    // An unknown device, and headers that are not of the form.
    let stranger = sign(
        &device.key,
        "0123456789abcdef",
        "GET",
        &device.path(path),
        b"",
        now,
        "nonce-other-2",
    );
    device
        .send_with(Method::GET, path, b"", &stranger)
        .await
        .assert_problem(401, "unauthenticated");
    for bad in ["Device x", "Bearer abc", "Device a.b.c.d"] {
        device
            .send_with(Method::GET, path, b"", bad)
            .await
            .assert_problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn challenge_refusals_wrong_number_denied_expired_other_user_and_device() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db).args(&["--push-challenge-ttl", "2"])).await;
    let t = token(&user("wim"));
    let s = start(&srv, &t).await;
    let device = Device::activate(&srv, &s, "phone").await.expect("activate");
    let test = || {
        srv.post(
            "/me/methods/authenticator-push/test",
            &t,
            json!({"enrollmentId": s["enrollmentId"]}),
        )
    };

    // Wrong number: denied, and the browser sees it.
    let c = test().await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    let number = c.body["number"].as_u64().expect("n");
    let wrong = if number == 99 { 10 } else { number + 1 };
    device
        .approve(&id, wrong)
        .await
        .assert_problem(422, "invalid-code");
    assert_eq!(
        srv.get(&format!("/me/push/challenges/{id}"), &t).await.body["state"],
        "wrong_number"
    );
    // Answered already: the right number no longer helps.
    device
        .approve(&id, number)
        .await
        .assert_problem(422, "code-reused");
    srv.post(
        "/me/methods/authenticator-push",
        &t,
        json!({"challengeId": id}),
    )
    .await
    .assert_problem(403, "forbidden");

    // Denied.
    let c = test().await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    assert_eq!(device.deny(&id).await.body["state"], "denied");
    assert_eq!(
        srv.get(&format!("/me/push/challenges/{id}"), &t).await.body["state"],
        "denied"
    );
    srv.post(
        "/me/methods/authenticator-push",
        &t,
        json!({"challengeId": id}),
    )
    .await
    .assert_problem(403, "forbidden");

    // Expired.
    let c = test().await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    device
        .approve(&id, c.body["number"].as_u64().expect("n"))
        .await
        .assert_problem(410, "expired");
    assert_eq!(
        srv.get(&format!("/me/push/challenges/{id}"), &t).await.body["state"],
        "expired"
    );
    srv.post(
        "/me/methods/authenticator-push",
        &t,
        json!({"challengeId": id}),
    )
    .await
    .assert_problem(410, "expired");

    // Another user's challenge: not found for them, and another device cannot answer it.
    let c = test().await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    let t2 = token(&user("eve"));
    srv.get(&format!("/me/push/challenges/{id}"), &t2)
        .await
        .assert_problem(404, "not-found");
    srv.post(
        "/me/methods/authenticator-push",
        &t2,
        json!({"challengeId": id}),
    )
    .await
    .assert_problem(404, "not-found");
    let r = srv
        .call(
            Method::GET,
            &format!("/me/push/challenges/{id}/events"),
            Some(&t2),
            None,
        )
        .await;
    r.assert_problem(404, "not-found");
    let s2 = start(&srv, &t2).await;
    let eve_device = Device::activate(&srv, &s2, "eve's")
        .await
        .expect("activate");
    eve_device
        .approve(&id, c.body["number"].as_u64().expect("n"))
        .await
        .assert_problem(404, "not-found");
    // An enrolment of another user cannot be tested either.
    srv.post(
        "/me/methods/authenticator-push/test",
        &t2,
        json!({"enrollmentId": s["enrollmentId"]}),
    )
    .await
    .assert_problem(404, "not-found");
}

#[tokio::test]
async fn another_device_of_the_same_user_cannot_see_or_answer_the_first_devices_challenge() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("tess"));
    let (first, _) = enrol(&srv, &t, "phone").await;
    let mut codes = codes_of(&first);
    assert_eq!(srv.step_up(&t, &mut codes).await.status, StatusCode::OK);
    let (second, _) = enrol(&srv, &t, "tablet").await;
    assert_eq!(
        srv.security_info(&t).await["methods"]
            .as_array()
            .expect("methods")
            .len(),
        2
    );

    // A step-up notification to the first device, named (the second is the default now).
    let c = srv
        .post(
            "/me/push/challenges",
            &t,
            json!({"methodId": first.method_id}),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["deviceName"], "phone");
    let id = c.body["id"].as_str().expect("id").to_owned();
    let number = c.body["number"].as_u64().expect("n");
    assert_eq!(first.challenges().await[0]["id"], id.as_str());
    // The user's other device does not see it, and cannot answer it either way.
    assert_eq!(second.challenges().await, Vec::<Value>::new());
    second
        .approve(&id, number)
        .await
        .assert_problem(404, "not-found");
    second.deny(&id).await.assert_problem(404, "not-found");
    // Untouched by those attempts: still pending, and its own device answers it.
    assert_eq!(
        srv.get(&format!("/me/push/challenges/{id}"), &t).await.body["state"],
        "pending"
    );
    let r = first.approve(&id, number).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = srv
        .post("/me/step-up/push", &t, json!({"challengeId": id}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn enrolment_start_checks_policy_limit_and_step_up() {
    let db = TestDb::new().await;
    let t = token(&user("stan"));
    // The default policy does not offer push.
    let srv = Server::start(&db).await;
    srv.post("/me/methods/authenticator-push/start", &t, json!(null))
        .await
        .assert_problem(403, "not-allowed-by-policy");
    drop(srv);

    // One authenticator allowed and there: the limit, before step-up is asked for.
    let srv = Server::start_with(push_options(&db).args(&["--max-authenticators", "1"])).await;
    let (device, _) = enrol(&srv, &t, "phone").await;
    let r = srv
        .post("/me/methods/authenticator-push/start", &t, json!(null))
        .await;
    r.assert_problem(409, "limit-reached");
    assert!(
        r.body["detail"]
            .as_str()
            .expect("detail")
            .contains("you already have one authenticator app"),
        "{:?}",
        r.body
    );
    drop(srv);

    // Within the limit: a user with a method needs a fresh step-up first.
    let srv = Server::start_with(push_options(&db)).await;
    srv.post("/me/methods/authenticator-push/start", &t, json!(null))
        .await
        .assert_problem(403, "step-up-required");
    let mut codes = codes_of(&device);
    assert_eq!(srv.step_up(&t, &mut codes).await.status, StatusCode::OK);
    start(&srv, &t).await;
}

#[tokio::test]
async fn push_fatigue_one_open_and_five_per_ten_minutes() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("fay"));
    let (device, _) = enrol(&srv, &t, "phone").await; // the test notification is the 1st
    let c = srv.post("/me/push/challenges", &t, json!({})).await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    // One open at a time.
    let r = srv.post("/me/push/challenges", &t, json!({})).await;
    r.assert_problem(429, "rate-limited");
    let retry: u64 = r.headers["retry-after"]
        .to_str()
        .expect("h")
        .parse()
        .expect("n");
    assert!((1..=61).contains(&retry), "{retry}");
    device.deny(c.body["id"].as_str().expect("id")).await;
    // 3 more (5 in all), then refused for the rest of the window.
    for _ in 0..3 {
        let c = srv.post("/me/push/challenges", &t, json!({})).await;
        assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
        device.deny(c.body["id"].as_str().expect("id")).await;
    }
    let r = srv.post("/me/push/challenges", &t, json!({})).await;
    r.assert_problem(429, "rate-limited");
    let retry: u64 = r.headers["retry-after"]
        .to_str()
        .expect("h")
        .parse()
        .expect("n");
    assert!(retry > 500 && retry <= 600, "{retry}");
}

#[tokio::test]
async fn deleting_the_method_revokes_the_device_and_cancels_its_challenges() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let t = token(&user("dirk"));
    let (device, method) = enrol(&srv, &t, "phone").await;
    let mut codes = codes_of(&device);
    assert_eq!(srv.step_up(&t, &mut codes).await.status, StatusCode::OK);
    let c = srv.post("/me/push/challenges", &t, json!({})).await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    // The device's event stream ends when it is revoked.
    let auth = device.auth("GET", "/device/events", b"", 0);
    let events = device
        .http
        .get(format!(
            "{}{}",
            device.origin,
            device.path("/device/events")
        ))
        .header("authorization", auth)
        .send()
        .await
        .expect("events");
    assert_eq!(events.status(), StatusCode::OK);
    let r = srv
        .delete_method(&t, method["id"].as_str().expect("id"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let text = tokio::time::timeout(Duration::from_secs(20), events.text())
        .await
        .expect("the stream ends")
        .expect("body");
    assert!(text.contains("event: challenge"), "{text}");
    device
        .get("/device/challenges")
        .await
        .assert_problem(401, "unauthenticated");
    srv.get(&format!("/me/push/challenges/{id}"), &t)
        .await
        .assert_problem(404, "not-found");
    srv.post("/me/push/challenges", &t, json!({}))
        .await
        .assert_problem(404, "not-found");
}

#[tokio::test]
async fn an_administrator_deleting_the_method_or_resetting_the_user_revokes_the_device() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let subject = user("adam");
    let t = token(&subject);
    let admin = token_with(&user("ada"), json!({"roles": ["admin"]}));
    let (device, method) = enrol(&srv, &t, "phone").await;
    let id = method["id"].as_str().expect("id");
    let r = srv
        .call(
            Method::DELETE,
            &format!("/admin/users/{subject}/methods/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    device
        .get("/device/challenges")
        .await
        .assert_problem(401, "unauthenticated");
    // Reset: the user's devices go too.
    let (device, _) = enrol(&srv, &t, "phone 2").await;
    let r = srv
        .call(
            Method::POST,
            &format!("/admin/users/{subject}/reset"),
            Some(&admin),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    device
        .get("/device/challenges")
        .await
        .assert_problem(401, "unauthenticated");
}

/// Reads server-sent events until one of `name` whose data satisfies `done`.
async fn read_events(
    mut response: reqwest::Response,
    name: &str,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let mut buffer = String::new();
    let mut seen = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let event = block.lines().find_map(|l| l.strip_prefix("event: "));
            let data = block.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(event), Some(data)) = (event, data)
                && event == name
            {
                let value: Value = serde_json::from_str(data).expect("json");
                let finished = done(&value);
                seen.push(value);
                if finished {
                    return seen;
                }
            }
        }
    }
    seen
}

#[tokio::test]
async fn device_and_browser_receive_by_events_and_long_poll() {
    let db = TestDb::new().await;
    // A minute between polls: only the wake-ups can make these fast.
    let srv = Server::start_with(push_options(&db).args(&["--push-poll-interval", "60"])).await;
    let t = token(&user("lena"));
    let (device, _) = enrol(&srv, &t, "phone").await;

    // Device: long-poll started before the notification is sent.
    let waiting = {
        let auth = device.auth("GET", "/device/challenges?wait=25", b"", 0);
        let request = device
            .http
            .get(format!(
                "{}{}",
                device.origin,
                device.path("/device/challenges?wait=25")
            ))
            .header("authorization", auth);
        tokio::spawn(async move { Response::from(request.send().await.expect("poll")).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let c = srv.post("/me/push/challenges", &t, json!({})).await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    let polled = waiting.await.expect("join");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(polled.body[0]["id"], id.as_str());

    // Browser: the event stream says pending, then approved.
    let events = reqwest::Client::new()
        .get(format!("{}/me/push/challenges/{id}/events", srv.api))
        .bearer_auth(&t)
        .send()
        .await
        .expect("events");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let reader = tokio::spawn(read_events(events, "state", |v| v["state"] != "pending"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    device
        .approve(&id, c.body["number"].as_u64().expect("n"))
        .await;
    let seen = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("woken, not polled")
        .expect("join");
    let states: Vec<&Value> = seen.iter().map(|v| &v["state"]).collect();
    assert_eq!(states, [&json!("pending"), &json!("approved")]);
    assert_eq!(
        srv.post("/me/step-up/push", &t, json!({"challengeId": id}))
            .await
            .status,
        StatusCode::OK
    );

    // Device: the event stream delivers the next notification.
    let auth = device.auth("GET", "/device/events", b"", 0);
    let events = device
        .http
        .get(format!(
            "{}{}",
            device.origin,
            device.path("/device/events")
        ))
        .header("authorization", auth)
        .send()
        .await
        .expect("events");
    let reader = tokio::spawn(read_events(events, "challenge", |_| true));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let c = srv.post("/me/push/challenges", &t, json!({})).await;
    let seen = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("woken, not polled")
        .expect("join");
    assert_eq!(seen[0]["id"], c.body["id"]);
    assert_eq!(seen[0]["action"], "Verify your identity");

    // Browser long-poll: answers when the device does.
    let id = c.body["id"].as_str().expect("id").to_owned();
    let path = format!("/me/push/challenges/{id}?wait=25");
    let started = Instant::now();
    let (waited, _) = tokio::join!(srv.get(&path, &t), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        device.deny(&id).await
    });
    assert_eq!(waited.body["state"], "denied");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn demo_sign_in_with_push_as_second_factor() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db).arg("--demo")).await;
    let browser = CookieBrowser::new(&srv);
    let credentials = json!({"username": "bob", "password": "bob-demo-password"});
    let r = browser
        .call(Method::POST, "/session", Some(credentials.clone()))
        .await;
    assert_eq!(r.body["authenticated"], true, "{:?}", r.body);
    // Enrol push with the session cookie.
    let s = browser
        .call(Method::POST, "/me/methods/authenticator-push/start", None)
        .await;
    assert_eq!(s.status, StatusCode::OK, "{:?}", s.body);
    let device = Device::activate(&srv, &s.body, "bob's phone")
        .await
        .expect("activate");
    let c = browser
        .call(
            Method::POST,
            "/me/methods/authenticator-push/test",
            Some(json!({"enrollmentId": s.body["enrollmentId"]})),
        )
        .await;
    let id = c.body["id"].as_str().expect("id").to_owned();
    device
        .approve(&id, c.body["number"].as_u64().expect("n"))
        .await;
    let m = browser
        .call(
            Method::POST,
            "/me/methods/authenticator-push",
            Some(json!({"challengeId": id})),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    browser.call(Method::DELETE, "/session", None).await;

    // Sign in again: the password, then the notification.
    let r = browser
        .call(Method::POST, "/session", Some(credentials))
        .await;
    assert_eq!(r.body["authenticated"], false);
    assert_eq!(r.body["defaultMethod"]["mode"], "notification");
    let c = browser
        .call(Method::POST, "/session/push", Some(json!({})))
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["purpose"], "sign_in");
    let id = c.body["id"].as_str().expect("id").to_owned();
    assert_eq!(device.challenges().await[0]["action"], "Sign in");
    // Not yet approved: still signed out of the security info.
    browser
        .call(
            Method::POST,
            "/session/verify-push",
            Some(json!({"challengeId": id})),
        )
        .await
        .assert_problem(400, "validation");
    device
        .approve(&id, c.body["number"].as_u64().expect("n"))
        .await;
    let waited = browser
        .call(Method::GET, &format!("/session/push/{id}?wait=5"), None)
        .await;
    assert_eq!(waited.body["state"], "approved");
    let r = browser
        .call(
            Method::POST,
            "/session/verify-push",
            Some(json!({"challengeId": id})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authenticated"], true);
    assert!(r.set_cookie().is_some(), "a new session id");
    let info = browser.call(Method::GET, "/me/security-info", None).await;
    assert_eq!(info.status, StatusCode::OK);
    assert_eq!(info.body["stepUp"]["required"], false);
}

/// Two instances on one database: the browser waits on A with the fallback poll at a
/// minute, the device approves on B, and only the wake-up (PostgreSQL `LISTEN/NOTIFY`)
/// can end the wait within the bound. SQLite serves one host: there the same wait is
/// woken on one instance.
#[tokio::test]
async fn an_approval_on_one_instance_wakes_the_wait_on_another() {
    let db = TestDb::new().await;
    let options = || push_options(&db).args(&["--push-poll-interval", "60"]);
    let a = Server::start_with(options()).await;
    let b_holder;
    let b = if is_postgres() {
        b_holder = Server::start_with(options()).await;
        &b_holder
    } else {
        &a
    };
    let t = token(&user("ivo"));
    let (device, _) = enrol(&a, &t, "phone").await;
    let device_b = device.on(b);
    for waiter in ["long-poll", "events"] {
        let c = a.post("/me/push/challenges", &t, json!({})).await;
        assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
        let id = c.body["id"].as_str().expect("id").to_owned();
        let started = Instant::now();
        let wait = match waiter {
            "long-poll" => {
                let request = reqwest::Client::new()
                    .get(format!("{}/me/push/challenges/{id}?wait=30", a.api))
                    .bearer_auth(&t);
                tokio::spawn(async move {
                    let r = Response::from(request.send().await.expect("wait")).await;
                    vec![r.body]
                })
            }
            _ => {
                let events = reqwest::Client::new()
                    .get(format!("{}/me/push/challenges/{id}/events", a.api))
                    .bearer_auth(&t)
                    .send()
                    .await
                    .expect("events");
                tokio::spawn(read_events(events, "state", |v| v["state"] != "pending"))
            }
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        let r = device_b
            .approve(&id, c.body["number"].as_u64().expect("n"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let seen = tokio::time::timeout(Duration::from_secs(15), wait)
            .await
            .expect("woken within the bound")
            .expect("join");
        assert_eq!(
            seen.last().expect("an answer")["state"],
            "approved",
            "{waiter}"
        );
        assert!(started.elapsed() < Duration::from_secs(15), "{waiter}");
        assert_eq!(
            b.post("/me/step-up/push", &t, json!({"challengeId": id}))
                .await
                .status,
            StatusCode::OK
        );
    }
    // TOTP codes from the device's secret are accepted by either instance.
    let code = TotpParams::default().code_at(
        Secret::from_base32(&device.totp_secret)
            .expect("b32")
            .as_bytes(),
        security_info_core::unix_now(),
    );
    let r = b
        .post(
            "/me/step-up",
            &t,
            json!({"methodId": device.method_id, "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// Attack bursts (tests/attacks.rs style: counts, not durations): concurrent guesses of
/// activation codes get exactly the limit evaluated; concurrent answers to one
/// notification and concurrent sends each let exactly one through.
#[tokio::test]
async fn bursts_of_guesses_answers_and_sends_get_exactly_their_limit() {
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db).args(&["--rate-limit-client", "5"])).await;
    let t = token(&user("burst"));
    let s = start(&srv, &t).await;
    let url = s["activationUrl"].as_str().expect("url").to_owned();
    let right = s["activationCode"].as_str().expect("code").to_owned();
    let http = reqwest::Client::new();
    let guesses = (0..20).map(|i| {
        let http = http.clone();
        let url = url.clone();
        let mut guess = format!("{:09}", 100_000_000 + i);
        if guess == right {
            guess = format!("{:09}", 200_000_000 + i);
        }
        async move {
            http.post(&url)
                .json(
                    &json!({"code": guess, "publicKey": public_key(&new_key()), "deviceName": "x"}),
                )
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        15,
        "{statuses:?}"
    );

    // The address's failures stay counted: the rest on a fresh database.
    drop(srv);
    let db = TestDb::new().await;
    let srv = Server::start_with(push_options(&db)).await;
    let (device, _) = enrol(&srv, &t, "phone").await;
    let mut codes = codes_of(&device);
    assert_eq!(srv.step_up(&t, &mut codes).await.status, StatusCode::OK);
    // Ten concurrent sends: one notification.
    let sends = (0..10).map(|_| srv.post("/me/push/challenges", &t, json!({})));
    let answers = futures::future::join_all(sends).await;
    let sent: Vec<&Response> = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(
        sent.len(),
        1,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        answers
            .iter()
            .all(|r| r.status == StatusCode::OK || r.status.as_u16() == 429)
    );
    // Ten concurrent approvals: one counts.
    let id = sent[0].body["id"].as_str().expect("id").to_owned();
    let number = sent[0].body["number"].as_u64().expect("n");
    let approvals = (0..10).map(|_| device.approve(&id, number));
    let answers = futures::future::join_all(approvals).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        9,
        "{statuses:?}"
    );
    // Ten concurrent uses of the approval: one step-up.
    let uses = (0..10).map(|_| srv.post("/me/step-up/push", &t, json!({"challengeId": id})));
    let statuses: Vec<u16> = futures::future::join_all(uses)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        9,
        "{statuses:?}"
    );
}
