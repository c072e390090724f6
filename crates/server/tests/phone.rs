//! Phone and email methods with codes delivered to the demo outbox (a real table, read
//! back as the demo page does): send, verify, expiry, tries per code, resend cool-down,
//! send limits, isolation, change, step-up and delivery failures. SQLite, or
//! PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use axum::body::Body;
use common::*;
use reqwest::{Method, StatusCode};
use security_info_server::config::Settings;
use security_info_server::demo;
use security_info_server::store;
use serde_json::{Value, json};

const NUMBER: &str = "+31612345678";

fn phones(s: &mut Settings) {
    s.allowed_methods = Some(vec!["totp".into(), "phone".into(), "email".into()]);
    s.demo = Some(true);
}

async fn app(adjust: impl FnOnce(&mut Settings)) -> (TestDb, App) {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        phones(s);
        adjust(s);
    })
    .await;
    (db, srv)
}

/// The messages in `subject`'s outbox, newest first.
async fn outbox(srv: &App, subject: &str) -> Vec<store::OutboxRow> {
    let mut conn = srv.state.db.pool.acquire().await.expect("conn");
    let user = store::user_by_subject(&mut conn, subject)
        .await
        .expect("user")
        .expect("known user");
    store::outbox_of(&mut conn, &user.id, 50)
        .await
        .expect("outbox")
}

/// The code in the newest message: its first six digits (a call spells them out).
async fn last_code(srv: &App, subject: &str) -> String {
    let messages = outbox(srv, subject).await;
    let body = &messages.first().expect("a message").body;
    body.chars().filter(char::is_ascii_digit).take(6).collect()
}

fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| char::from(b'0' + (c as u8 - b'0' + 1) % 10))
        .collect()
}

async fn start_phone(srv: &App, t: &str, number: &str, mode: &str) -> Value {
    let r = srv
        .post(
            "/me/methods/phone/start",
            t,
            json!({"phoneKind": "mobile", "number": number, "mode": mode}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

async fn add_phone(srv: &App, sub: &str, t: &str) -> Value {
    let sent = start_phone(srv, t, NUMBER, "text").await;
    let code = last_code(srv, sub).await;
    let r = srv
        .post(
            "/me/methods/phone",
            t,
            json!({"challengeId": sent["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

#[tokio::test]
async fn a_mobile_phone_is_added_with_a_texted_code_and_steps_up_by_call() {
    let (_db, srv) = app(|_| {}).await;
    let sub = user("pia");
    let t = token(&sub);
    let sent = start_phone(&srv, &t, "+31 6 1234 5678", "text").await;
    assert_eq!(sent["detail"], "+31 6 ••••• 78");
    assert_eq!(sent["mode"], "text");
    assert_eq!(sent["codeDigits"], 6);
    let ttl = sent["expiresAt"].as_i64().unwrap() - sent["serverTime"].as_i64().unwrap();
    assert_eq!(ttl, 600, "ten minutes by default");
    let messages = outbox(&srv, &sub).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].kind, "text");
    assert_eq!(messages[0].recipient, NUMBER);
    assert!(
        messages[0]
            .body
            .starts_with("Your Security Info Demo verification code is "),
        "{}",
        messages[0].body
    );
    // Nothing in the database holds the code itself.
    let code = last_code(&srv, &sub).await;
    let mut conn = srv.state.db.pool.acquire().await.expect("conn");
    let (hash,): (String,) = sqlx::query_as("SELECT code_hash FROM code_challenges")
        .fetch_one(&mut *conn)
        .await
        .expect("challenge");
    assert!(!hash.contains(&code) && hash.len() == 64);
    drop(conn);

    let method = srv
        .post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent["challengeId"], "code": format!("{}-{}", &code[..3], &code[3..])}),
        )
        .await;
    assert_eq!(method.status, StatusCode::CREATED, "{:?}", method.body);
    let m = &method.body;
    assert_eq!(m["type"], "phone");
    assert_eq!(m["phoneKind"], "mobile");
    assert_eq!(m["detail"], "+31 6 ••••• 78");
    assert_eq!(m["defaultModes"], json!(["text", "call"]));
    assert_eq!(m["usableFor"], json!(["mfa", "sspr"]));
    let info = srv.security_info(&t).await;
    assert_eq!(info["defaultMethod"]["methodId"], m["id"]);
    assert_eq!(info["defaultMethod"]["mode"], "text");
    // The number is never answered in full.
    assert!(!info.to_string().contains("12345678"));
    // The challenge is used up.
    srv.post(
        "/me/methods/phone",
        &t,
        json!({"challengeId": sent["challengeId"], "code": code}),
    )
    .await
    .assert_problem(404, "not-found");

    // A step-up by call: a code is sent, then taken like any code.
    let before = outbox(&srv, &sub).await.len();
    let sent = srv
        .post(
            "/me/step-up/code",
            &t,
            json!({"methodId": m["id"], "mode": "call", "locale": "nl"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body["mode"], "call");
    let messages = outbox(&srv, &sub).await;
    assert_eq!(messages.len(), before + 1);
    assert_eq!(messages[0].kind, "call");
    assert!(
        messages[0].body.starts_with("Dit is Security Info Demo."),
        "{}",
        messages[0].body
    );
    let code = last_code(&srv, &sub).await;
    srv.post(
        "/me/step-up",
        &t,
        json!({"methodId": m["id"], "code": wrong(&code)}),
    )
    .await
    .assert_problem(422, "invalid-code");
    let r = srv
        .post(
            "/me/step-up",
            &t,
            json!({"methodId": m["id"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(srv.security_info(&t).await["stepUp"]["freshUntil"].is_i64());
    // Once: the same code is not a second step-up.
    srv.post(
        "/me/step-up",
        &t,
        json!({"methodId": m["id"], "code": code}),
    )
    .await
    .assert_problem(422, "invalid-code");
}

#[tokio::test]
async fn numbers_modes_and_extensions_are_checked_by_the_server() {
    let (_db, srv) = app(|_| {}).await;
    let t = token(&user("oscar"));
    let start = |body: Value| srv.post("/me/methods/phone/start", &t, body);
    for number in ["0612345678", "+31 6 1234x678", "+12", ""] {
        start(json!({"phoneKind": "mobile", "number": number, "mode": "text"}))
            .await
            .assert_problem(400, "validation");
    }
    // An office phone takes calls only; only office phones have extensions.
    start(json!({"phoneKind": "office", "number": "+31201234567", "mode": "text"}))
        .await
        .assert_problem(400, "validation");
    start(json!({"phoneKind": "mobile", "number": NUMBER, "mode": "text", "extension": "12"}))
        .await
        .assert_problem(400, "validation");
    start(json!({"phoneKind": "office", "number": "+31201234567", "mode": "call", "extension": "12a"}))
        .await
        .assert_problem(400, "validation");
    start(json!({"phoneKind": "mobile", "number": NUMBER, "mode": "code"}))
        .await
        .assert_problem(400, "validation");
    let sent = start(json!({"phoneKind": "office", "number": "+31201234567", "mode": "call", "extension": "4321"})).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let code = last_code(&srv, &user_of(&t)).await;
    let added = srv
        .post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent.body["challengeId"], "code": code, "name": "Desk"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(added.body["phoneKind"], "office");
    assert_eq!(added.body["defaultModes"], json!(["call"]));
    assert_eq!(added.body["name"], "Desk");
    // An office phone's code goes by call only.
    srv.post(
        "/me/step-up/code",
        &t,
        json!({"methodId": added.body["id"], "mode": "text"}),
    )
    .await
    .assert_problem(400, "validation");
}

fn user_of(t: &str) -> String {
    // token(sub) carries the subject; the tests keep it beside the token instead.
    let payload = t.split('.').nth(1).expect("payload");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    let claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims["sub"].as_str().expect("sub").to_owned()
}

#[tokio::test]
async fn a_code_expires_and_has_a_limited_number_of_tries() {
    let (_db, srv) = app(|s| {
        s.code_ttl = Some(2);
        s.code_attempts = Some(3);
        s.rate_limit_user = Some(50);
        s.rate_limit_client = Some(50);
    })
    .await;
    let sub = user("tries");
    let t = token(&sub);
    let sent = start_phone(&srv, &t, NUMBER, "text").await;
    let code = last_code(&srv, &sub).await;
    let finish = |code: String| {
        srv.post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent["challengeId"], "code": code}),
        )
    };
    // Malformed codes do not use a try.
    finish("12345".into())
        .await
        .assert_problem(422, "invalid-code");
    for _ in 0..3 {
        finish(wrong(&code))
            .await
            .assert_problem(422, "invalid-code");
    }
    // No tries left: even the right code is refused; a new code is needed.
    finish(code.clone()).await.assert_problem(410, "expired");

    let sent = start_phone(&srv, &t, NUMBER, "text").await;
    let code = last_code(&srv, &sub).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    srv.post(
        "/me/methods/phone",
        &t,
        json!({"challengeId": sent["challengeId"], "code": code}),
    )
    .await
    .assert_problem(410, "expired");
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
}

#[tokio::test]
async fn resend_waits_for_its_cool_down_and_replaces_the_code() {
    let (_db, srv) = app(|s| s.code_resend_cooldown = Some(1)).await;
    let sub = user("resend");
    let t = token(&sub);
    let sent = start_phone(&srv, &t, NUMBER, "text").await;
    assert_eq!(
        sent["resendAt"].as_i64().unwrap(),
        sent["serverTime"].as_i64().unwrap() + 1
    );
    let first = last_code(&srv, &sub).await;
    let resend = json!({"challengeId": sent["challengeId"], "mode": "call"});
    let r = srv.post("/me/codes/resend", &t, resend.clone()).await;
    r.assert_problem(429, "rate-limited");
    assert_eq!(r.headers["retry-after"], "1");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = srv.post("/me/codes/resend", &t, resend).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["mode"], "call");
    assert_eq!(r.body["challengeId"], sent["challengeId"]);
    let messages = outbox(&srv, &sub).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].kind, "call");
    let second = last_code(&srv, &sub).await;
    if first != second {
        // The first code no longer works.
        srv.post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent["challengeId"], "code": first}),
        )
        .await
        .assert_problem(422, "invalid-code");
    }
    let r = srv
        .post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent["challengeId"], "code": second}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn sends_are_limited_per_user_and_per_number_whoever_asks() {
    let (_db, srv) = app(|s| {
        s.code_send_limit_contact = Some(2);
        s.code_send_limit_user = Some(2);
    })
    .await;
    let (a, b) = (token(&user("send-a")), token(&user("send-b")));
    start_phone(&srv, &a, NUMBER, "text").await;
    start_phone(&srv, &b, NUMBER, "text").await;
    // The number's third code in the window, asked by either person: refused alike.
    for t in [&a, &b] {
        let r = srv
            .post(
                "/me/methods/phone/start",
                t,
                json!({"phoneKind": "mobile", "number": NUMBER, "mode": "call"}),
            )
            .await;
        r.assert_problem(429, "rate-limited");
        assert!(r.headers.contains_key("retry-after"));
    }
    // Per user: the second send is the user's limit (a refused send is not counted).
    start_phone(&srv, &a, "+31687654321", "text").await;
    srv.post(
        "/me/methods/phone/start",
        &a,
        json!({"phoneKind": "mobile", "number": "+31611112222", "mode": "text"}),
    )
    .await
    .assert_problem(429, "rate-limited");
    let sends: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(&srv.state.db.pool)
        .await
        .expect("count");
    assert_eq!(sends.0, 3, "refused sends send nothing");
}

#[tokio::test]
async fn another_persons_challenge_and_phone_are_not_found() {
    let (_db, srv) = app(|_| {}).await;
    let (sa, sb) = (user("iso-a"), user("iso-b"));
    let (a, b) = (token(&sa), token(&sb));
    let sent = start_phone(&srv, &a, NUMBER, "text").await;
    let code = last_code(&srv, &sa).await;
    srv.post(
        "/me/methods/phone",
        &b,
        json!({"challengeId": sent["challengeId"], "code": code}),
    )
    .await
    .assert_problem(404, "not-found");
    srv.post(
        "/me/codes/resend",
        &b,
        json!({"challengeId": sent["challengeId"]}),
    )
    .await
    .assert_problem(404, "not-found");
    let r = srv
        .post(
            "/me/methods/phone",
            &a,
            json!({"challengeId": sent["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.body["id"].clone();
    srv.post(
        "/me/step-up/code",
        &b,
        json!({"methodId": id, "mode": "text"}),
    )
    .await
    .assert_problem(404, "not-found");
    srv.post(
        "/me/methods/phone/start",
        &b,
        json!({"phoneKind": "mobile", "number": NUMBER, "mode": "text", "replaces": id}),
    )
    .await
    .assert_problem(404, "not-found");
    assert!(outbox(&srv, &sb).await.is_empty());
}

#[tokio::test]
async fn change_verifies_the_new_number_before_it_replaces_the_old() {
    let (_db, srv) = app(|_| {}).await;
    let sub = user("change");
    let t = token(&sub);
    let phone = add_phone(&srv, &sub, &t).await;
    let id = phone["id"].clone();
    // Adding or changing once there is a two-step method takes a step-up.
    let change =
        json!({"phoneKind": "office", "number": "+442071234567", "mode": "call", "replaces": id});
    srv.post("/me/methods/phone/start", &t, change.clone())
        .await
        .assert_problem(403, "step-up-required");
    srv.post(
        "/me/step-up/code",
        &t,
        json!({"methodId": id, "mode": "text"}),
    )
    .await;
    let code = last_code(&srv, &sub).await;
    let r = srv
        .post("/me/step-up", &t, json!({"methodId": id, "code": code}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let sent = srv.post("/me/methods/phone/start", &t, change).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body["detail"], "+44 2 ••••• 67");
    // Not verified yet: the old number stays.
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"][0]["detail"], "+31 6 ••••• 78");
    let code = last_code(&srv, &sub).await;
    let r = srv
        .post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent.body["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["detail"], "+44 2 ••••• 67");
    assert_eq!(r.body["phoneKind"], "office");
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"].as_array().unwrap().len(), 1);
    // An office phone cannot be the default for texts: the call is.
    assert_eq!(info["defaultMethod"]["mode"], "call");
}

#[tokio::test]
async fn email_is_for_password_reset_only() {
    let (_db, srv) = app(|_| {}).await;
    let sub = user("mail");
    let t = token(&sub);
    srv.post(
        "/me/methods/email/start",
        &t,
        json!({"address": "not an address"}),
    )
    .await
    .assert_problem(400, "validation");
    let sent = srv
        .post(
            "/me/methods/email/start",
            &t,
            json!({"address": " Jan.Jansen@Contoso.NL ", "locale": "nl"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body["detail"], "J•••••@contoso.nl");
    let messages = outbox(&srv, &sub).await;
    assert_eq!(messages[0].kind, "email");
    assert_eq!(messages[0].recipient, "Jan.Jansen@contoso.nl");
    assert_eq!(
        messages[0].subject.as_deref(),
        Some("Je verificatiecode voor Security Info Demo")
    );
    let code = last_code(&srv, &sub).await;
    // Not the phone's finish.
    srv.post(
        "/me/methods/phone",
        &t,
        json!({"challengeId": sent.body["challengeId"], "code": code}),
    )
    .await
    .assert_problem(404, "not-found");
    let r = srv
        .post(
            "/me/methods/email",
            &t,
            json!({"challengeId": sent.body["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["usableFor"], json!(["sspr"]));
    assert_eq!(r.body["defaultModes"], json!([]));
    let info = srv.security_info(&t).await;
    assert_eq!(info["defaultMethod"], Value::Null);
    assert_eq!(info["stepUp"]["required"], false, "not a two-step method");
    // Never a default, never a step-up.
    srv.call(
        Method::PUT,
        "/me/default-method",
        Some(&t),
        Some(json!({"methodId": r.body["id"], "mode": "call"})),
    )
    .await
    .assert_problem(400, "validation");
    srv.post(
        "/me/step-up/code",
        &t,
        json!({"methodId": r.body["id"], "mode": "text"}),
    )
    .await
    .assert_problem(400, "validation");
    srv.post(
        "/me/step-up",
        &t,
        json!({"methodId": r.body["id"], "code": code}),
    )
    .await
    .assert_problem(400, "validation");
}

#[tokio::test]
async fn types_the_policy_does_not_allow_are_refused() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.demo = Some(true);
        s.allowed_methods = Some(vec!["totp".into()]);
    })
    .await;
    let t = token(&user("policy"));
    srv.post(
        "/me/methods/phone/start",
        &t,
        json!({"phoneKind": "mobile", "number": NUMBER, "mode": "text"}),
    )
    .await
    .assert_problem(403, "not-allowed-by-policy");
    srv.post("/me/methods/email/start", &t, json!({"address": "a@b.nl"}))
        .await
        .assert_problem(403, "not-allowed-by-policy");
    // Without a list, the demo allows what it can deliver codes for.
    let srv = App::start_with(&db, |s| s.demo = Some(true)).await;
    assert_eq!(
        srv.security_info(&t).await["policy"]["allowedMethods"],
        json!([
            "totp",
            "phone",
            "security_key",
            "email",
            "security_questions"
        ])
    );
}

#[tokio::test]
async fn a_failed_delivery_is_never_a_success() {
    // A webhook nobody listens on: every try fails at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    drop(listener);
    let (_db, srv) = app(|s| {
        s.demo = Some(false);
        s.delivery_webhook_url = Some(url);
        s.delivery_webhook_secret = Some("hook-secret".into());
    })
    .await;
    let t = token(&user("undelivered"));
    let r = srv
        .post(
            "/me/methods/phone/start",
            &t,
            json!({"phoneKind": "mobile", "number": NUMBER, "mode": "text"}),
        )
        .await;
    r.assert_problem(503, "delivery-failed");
    assert_eq!(r.body["detail"], "We couldn't send the code, try again");
    let open: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM code_challenges")
        .fetch_one(&srv.state.db.pool)
        .await
        .expect("count");
    assert_eq!(open.0, 0, "no code waits for an answer that cannot come");
}

#[test]
fn a_type_without_a_sender_refuses_to_start() {
    let settings = Settings {
        allowed_methods: Some(vec!["phone".into()]),
        encryption_key: Some(ENCRYPTION_KEY.into()),
        ..Settings::default()
    };
    let config = settings.resolve().expect("config");
    let error = security_info_server::delivery::Delivery::from_config(&config)
        .expect_err("no sender for phones");
    assert!(
        error.to_string().contains("delivery-webhook-url"),
        "{error}"
    );
}

const CSRF: &str = security_info_core::api::CSRF_HEADER;

fn with_cookie(method: Method, path: &str, cookie: &str) -> axum::http::request::Builder {
    App::request(method, path)
        .header("cookie", format!("si_session={cookie}"))
        .header("content-type", "application/json")
        .header(CSRF, "1")
}

/// The demo sign-in's second step by a code sent to the phone, read from the outbox as
/// the demo page's Outbox panel does (`GET /demo/outbox`, the session's own messages).
#[tokio::test]
async fn the_demo_sign_in_takes_a_code_sent_to_the_phone() {
    let (_db, srv) = app(|_| {}).await;
    demo::seed(&srv.state).await.expect("seed");
    let phone = add_phone(&srv, "alice", &token("alice")).await;
    let signed = srv
        .send(
            App::request(Method::POST, "/session")
                .header("content-type", "application/json")
                .header(CSRF, "1")
                .body(Body::from(
                    json!({"username": "alice", "password": "alice-demo-password"}).to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(signed.body["authenticated"], false, "{:?}", signed.body);
    assert_eq!(
        signed.body["methods"][0]["id"], phone["id"],
        "the phone is offered"
    );
    let cookie = signed.set_cookie().expect("cookie");
    let send = |mode: &str| {
        srv.send(
            with_cookie(Method::POST, "/session/code", &cookie)
                .body(Body::from(
                    json!({"methodId": phone["id"], "mode": mode}).to_string(),
                ))
                .expect("request"),
        )
    };
    let sent = send("call").await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    // Asking again at once is the resend cool-down.
    send("text").await.assert_problem(429, "rate-limited");
    let outbox = srv
        .send(
            with_cookie(Method::GET, "/demo/outbox", &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(outbox.status, StatusCode::OK, "{:?}", outbox.body);
    let newest = &outbox.body[0];
    assert_eq!(newest["kind"], "call");
    assert_eq!(newest["to"], NUMBER);
    let code: String = newest["text"]
        .as_str()
        .expect("text")
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    // Bob's session sees none of Alice's messages.
    let bob = srv
        .send(
            App::request(Method::POST, "/session")
                .header("content-type", "application/json")
                .header(CSRF, "1")
                .body(Body::from(
                    json!({"username": "bob", "password": "bob-demo-password"}).to_string(),
                ))
                .expect("request"),
        )
        .await
        .set_cookie()
        .expect("bob's cookie");
    let theirs = srv
        .send(
            with_cookie(Method::GET, "/demo/outbox", &bob)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(theirs.body, json!([]));
    srv.call(Method::GET, "/demo/outbox", None, None)
        .await
        .assert_problem(401, "unauthenticated");
    let verified = srv
        .send(
            with_cookie(Method::POST, "/session/verify", &cookie)
                .body(Body::from(
                    json!({"methodId": phone["id"], "code": code}).to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{:?}", verified.body);
    assert_eq!(verified.body["authenticated"], true);
}

/// A burst of 20 wrong codes at once for one sent code: exactly its tries (3) are
/// evaluated, the rest find it used up — across connections, decided in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_guesses_gets_exactly_the_codes_tries() {
    let (_db, srv) = app(|s| {
        s.code_attempts = Some(3);
        s.rate_limit_user = Some(1000);
        s.rate_limit_client = Some(1000);
    })
    .await;
    let sub = user("burst");
    let t = token(&sub);
    let sent = start_phone(&srv, &t, NUMBER, "text").await;
    let code = last_code(&srv, &sub).await;
    let guesses = (0..20).map(|i| {
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
        srv.post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent["challengeId"], "code": guess}),
        )
    });
    let statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 410).count(),
        17,
        "{statuses:?}"
    );
}
