//! Handler cases in process: the application router (`security_info_server::app`) is
//! called with `tower::ServiceExt::oneshot`, on SQLite or (with `TEST_DATABASE_URL`)
//! PostgreSQL. Configuration, logs, shutdown and several instances are tested against
//! the server process in the other files.

mod common;

use axum::body::Body;
use common::*;
use reqwest::{Method, StatusCode};
use security_info_server::crypto::sha256_hex;
use security_info_server::store;
use serde_json::json;

#[tokio::test]
async fn errors_are_problems() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token(&user("pam"));
    srv.call(Method::GET, "/me/security-info", None, None)
        .await
        .assert_problem(401, "unauthenticated");
    srv.get("/no/such/route", &t)
        .await
        .assert_problem(404, "not-found");
    let request = App::request(Method::POST, "/me/methods/totp/start")
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .expect("request");
    let r = srv.send(request).await;
    r.assert_problem(400, "validation");
    assert!(r.body["detail"].as_str().is_some_and(|d| d.len() <= 200));
    let request = App::request(Method::POST, "/me/methods/totp/start")
        .header("authorization", format!("Bearer {t}"))
        .body(Body::from("{}"))
        .expect("request");
    let r = srv.send(request).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.body["detail"], "expected Content-Type: application/json");
    // Not UTF-8 after percent-decoding: the path extractor's rejection is a 404.
    srv.call(
        Method::PATCH,
        "/me/methods/%FF%FE",
        Some(&t),
        Some(json!({"name": "ok"})),
    )
    .await
    .assert_problem(404, "not-found");
    srv.call(
        Method::PATCH,
        "/me/methods/not-an-id!",
        Some(&t),
        Some(json!({"name": "ok"})),
    )
    .await
    .assert_problem(404, "not-found");
}

#[tokio::test]
async fn security_info_of_a_fresh_user() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let info = srv.security_info(&token(&user("quy"))).await;
    assert_eq!(info["methods"], json!([]));
    assert_eq!(info["defaultMethod"], json!(null));
    // A bearer token has no demo session to report.
    assert_eq!(info.get("session"), None);
    assert_eq!(
        info["stepUp"],
        json!({"required": false, "freshUntil": null})
    );
    // Without a sender for codes, phones and email are not offered.
    assert_eq!(
        info["policy"]["allowedMethods"],
        json!(["totp", "security_key", "security_questions"])
    );
    assert_eq!(
        info["policy"]["authenticatorName"],
        "Microsoft Authenticator"
    );
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_changes() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.demo = Some(true)).await;
    // A signed-in session straight in the database: the password step is the
    // process-level tests' business.
    let cookie = "0123456789abcdef0123456789abcdef";
    let now = security_info_core::unix_now();
    let mut conn = srv.state.db.pool.acquire().await.expect("connection");
    let rex = user("rex");
    let u = store::ensure_user(&mut conn, &rex, "rex", None, now)
        .await
        .expect("user");
    let expires = store::db_time(now) + 600;
    store::create_session(&mut conn, &sha256_hex(cookie), &u.id, true, expires, now)
        .await
        .expect("session");
    drop(conn);
    let with_cookie = |method: Method, path: &str| {
        App::request(method, path)
            .header("cookie", format!("si_session={cookie}"))
            .header("content-type", "application/json")
    };
    let r = srv
        .send(
            with_cookie(Method::GET, "/me/security-info")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The answer names the session, so the demo page needs no `GET /session` as well.
    assert_eq!(
        r.body["session"],
        json!({"username": rex, "authenticated": true, "methods": [], "defaultMethod": null})
    );
    let rename = || Body::from(json!({"name": "x"}).to_string());
    let r = srv
        .send(
            with_cookie(Method::PATCH, "/me/methods/abc")
                .body(rename())
                .expect("request"),
        )
        .await;
    r.assert_problem(403, "csrf");
    // With the header the request gets through to the handler (no such method).
    let r = srv
        .send(
            with_cookie(Method::PATCH, "/me/methods/abc")
                .header(security_info_core::api::CSRF_HEADER, "1")
                .body(rename())
                .expect("request"),
        )
        .await;
    r.assert_problem(404, "not-found");
}

#[tokio::test]
async fn admin_api_is_for_administrators() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let someone = user("sam");
    let t = token(&someone);
    srv.enroll(&t, "mine").await;
    let path = format!("/admin/users/{someone}/methods");
    srv.get(&path, &t).await.assert_problem(403, "forbidden");
    srv.call(
        Method::POST,
        &format!("/admin/users/{someone}/reset"),
        Some(&t),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    let admin = token_with(&user("ada"), json!({"roles": ["admin"]}));
    let r = srv.get(&path, &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body[0]["name"], "mine");
    srv.get("/admin/users/nobody-at-all/methods", &admin)
        .await
        .assert_problem(404, "not-found");
}

#[tokio::test]
async fn every_error_response_is_documented_as_a_problem() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.demo = Some(true)).await;
    let doc = srv
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .body;
    let problem = &doc["components"]["responses"]["Problem"];
    assert_eq!(
        problem["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    let mut errors = 0;
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                if status.as_str() >= "400" {
                    errors += 1;
                    assert_eq!(
                        response["$ref"], "#/components/responses/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(errors > 40, "{errors} error responses");
}

#[tokio::test]
async fn bearer_tokens_are_checked() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.jwt_issuer = Some("https://portal.example".into());
        s.jwt_audience = Some("security-info".into());
    })
    .await;
    let good = token_with(
        "dora",
        json!({"iss": "https://portal.example", "aud": "security-info"}),
    );
    assert_eq!(
        srv.get("/me/security-info", &good).await.status,
        StatusCode::OK
    );
    let r = srv.call(Method::GET, "/me/security-info", None, None).await;
    r.assert_problem(401, "unauthenticated");
    for bad in [
        token("dora"),
        token_with(
            "dora",
            json!({"iss": "https://evil.example", "aud": "security-info"}),
        ),
        token_with(
            "dora",
            json!({"iss": "https://portal.example", "aud": "other"}),
        ),
        token_with(
            "dora",
            json!({"iss": "https://portal.example", "aud": "security-info", "exp": 1_000_000}),
        ),
        "not-a-jwt".to_owned(),
    ] {
        srv.get("/me/security-info", &bad)
            .await
            .assert_problem(401, "unauthenticated");
    }
    // Signed with another secret.
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"sub": "dora", "exp": security_info_core::unix_now() + 60,
                "iss": "https://portal.example", "aud": "security-info"}),
        &jsonwebtoken::EncodingKey::from_secret(b"another secret entirely"),
    )
    .expect("token");
    srv.get("/me/security-info", &forged)
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn totp_enrolment_rename_default_and_delete() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let t = token_with(&user("fay"), json!({"email": "fay@contoso.example"}));

    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"], json!([]));
    assert_eq!(info["defaultMethod"], json!(null));
    assert_eq!(info["stepUp"]["required"], false);
    assert!(info["serverTime"].as_i64().is_some());
    assert_eq!(info["policy"]["maxAuthenticators"], 5);

    let start = srv.post("/me/methods/totp/start", &t, json!({})).await;
    assert_eq!(start.status, StatusCode::OK);
    assert_eq!(start.body["accountName"], "fay@contoso.example");
    assert_eq!(start.body["issuer"], "Security Info Demo");
    assert_eq!(start.body["digits"], 6);
    assert_eq!(start.body["period"], 30);

    let mut first = srv.enroll(&t, "Phone app").await;
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"][0]["name"], "Phone app");
    assert_eq!(info["methods"][0]["type"], "totp");
    assert_eq!(info["methods"][0]["usableFor"], json!(["mfa", "sspr"]));
    assert_eq!(
        info["defaultMethod"],
        json!({"methodId": first.id, "mode": "code"})
    );
    // Finishing an enrolment is not a step-up.
    assert_eq!(info["stepUp"]["required"], true);
    srv.post("/me/methods/totp/start", &t, json!({}))
        .await
        .assert_problem(403, "step-up-required");

    let r = srv.step_up(&t, &mut first).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["freshUntil"].as_i64().is_some());
    let info = srv.security_info(&t).await;
    assert_eq!(info["stepUp"]["required"], false);
    let second = srv.enroll(&t, "Token").await;

    let r = srv
        .call(
            Method::PATCH,
            &format!("/me/methods/{}", second.id),
            Some(&t),
            Some(json!({"name": "  Hardware token  "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["name"], "Hardware token");
    srv.call(
        Method::PATCH,
        &format!("/me/methods/{}", second.id),
        Some(&t),
        Some(json!({"name": ""})),
    )
    .await
    .assert_problem(400, "validation");

    let r = srv
        .call(
            Method::PUT,
            "/me/default-method",
            Some(&t),
            Some(json!({"methodId": second.id, "mode": "code"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["defaultMethod"]["methodId"], second.id);
    srv.call(
        Method::PUT,
        "/me/default-method",
        Some(&t),
        Some(json!({"methodId": second.id, "mode": "text"})),
    )
    .await
    .assert_problem(400, "validation");

    // Deleting the default falls back to the other method.
    let r = srv.delete_method(&t, &second.id).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["defaultMethod"],
        json!({"methodId": first.id, "mode": "code"})
    );
    // The last one may go too (allowDeleteLastMfaMethod defaults to true).
    let r = srv.delete_method(&t, &first.id).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["defaultMethod"], json!(null));
    srv.delete_method(&t, &first.id)
        .await
        .assert_problem(404, "not-found");
}

#[tokio::test]
async fn wrong_codes_secrets_and_expired_enrolments() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.enrollment_ttl = Some(5)).await;
    let t = token(&user("gus"));
    let start = srv.post("/me/methods/totp/start", &t, json!({})).await;
    let secret = security_info_core::Secret::generate().expect("secret");
    let probe = Totp {
        id: String::new(),
        secret: secret.clone(),
        used: Default::default(),
    };
    let finish = |code: String, secret: String| json!({"enrollmentId": start.body["enrollmentId"], "secret": secret, "code": code});
    srv.post(
        "/me/methods/totp",
        &t,
        finish(probe.wrong_code(), secret.to_base32()),
    )
    .await
    .assert_problem(422, "invalid-code");
    // A code from a phone whose clock is 5 minutes off: refused, with a hint.
    let drift = probe.code_at_step(Totp::step_now() + 10);
    let r = srv
        .post("/me/methods/totp", &t, finish(drift, secret.to_base32()))
        .await;
    r.assert_problem(422, "invalid-code");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("clock")
    );
    srv.post(
        "/me/methods/totp",
        &t,
        finish("12ab".into(), secret.to_base32()),
    )
    .await
    .assert_problem(422, "invalid-code");
    srv.post(
        "/me/methods/totp",
        &t,
        finish("123456".into(), "not base32!".into()),
    )
    .await
    .assert_problem(400, "validation");
    srv.post(
        "/me/methods/totp",
        &t,
        finish("123456".into(), "MFRGGZDF".into()),
    )
    .await
    .assert_problem(400, "validation");
    let r = srv
        .post(
            "/me/methods/totp",
            &t,
            json!({"enrollmentId": "nope", "secret": secret.to_base32(), "code": "123456"}),
        )
        .await;
    r.assert_problem(404, "not-found");
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let mut totp = probe;
    let code = totp.next_code();
    srv.post("/me/methods/totp", &t, finish(code, secret.to_base32()))
        .await
        .assert_problem(410, "expired");
}

#[tokio::test]
async fn methods_are_only_visible_to_their_owner() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let owner = token(&user("ida"));
    let other = token(&user("jon"));
    let mut m = srv.enroll(&owner, "mine").await;
    let path = format!("/me/methods/{}", m.id);
    srv.call(
        Method::PATCH,
        &path,
        Some(&other),
        Some(json!({"name": "x"})),
    )
    .await
    .assert_problem(404, "not-found");
    srv.call(Method::DELETE, &path, Some(&other), None)
        .await
        .assert_problem(404, "not-found");
    let code = m.next_code();
    srv.post(
        "/me/step-up",
        &other,
        json!({"methodId": m.id, "code": code}),
    )
    .await
    .assert_problem(404, "not-found");
    srv.call(
        Method::PUT,
        "/me/default-method",
        Some(&other),
        Some(json!({"methodId": m.id, "mode": "code"})),
    )
    .await
    .assert_problem(404, "not-found");
    assert_eq!(srv.security_info(&other).await["methods"], json!([]));
}

#[tokio::test]
async fn limit_reached_with_the_exact_message() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.max_authenticators = Some(2);
        s.authenticator_name = Some("Contoso Authenticator".into());
    })
    .await;
    let t = token(&user("kim"));
    let mut m = srv.enroll(&t, "one").await;
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
    srv.enroll(&t, "two").await;
    let r = srv.post("/me/methods/totp/start", &t, json!({})).await;
    r.assert_problem(409, "limit-reached");
    assert_eq!(
        r.body["detail"],
        "You can't set up Contoso Authenticator because you already have two authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens."
    );
}

#[tokio::test]
async fn policy_refusals() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.allowed_methods = Some(vec!["phone".into(), "email".into()]);
        // Codes for phones and email need a sender: the demo's outbox.
        s.demo = Some(true);
    })
    .await;
    let t = token(&user("lea"));
    srv.post("/me/methods/totp/start", &t, json!({}))
        .await
        .assert_problem(403, "not-allowed-by-policy");
    assert_eq!(
        srv.security_info(&t).await["policy"]["allowedMethods"],
        json!(["phone", "email"])
    );
    drop(srv);

    let srv = App::start_with(&db, |s| s.allow_delete_last_mfa_method = Some(false)).await;
    let mut m = srv.enroll(&t, "only").await;
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
    srv.delete_method(&t, &m.id)
        .await
        .assert_problem(403, "not-allowed-by-policy");
}

#[tokio::test]
async fn step_up_window_replay_and_rate_limit() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.step_up_window = Some(5);
        s.rate_limit_user = Some(3);
        s.rate_limit_client = Some(100);
        s.rate_limit_window = Some(60);
    })
    .await;
    let t = token(&user("max"));
    let mut m = srv.enroll(&t, "app").await;

    // Replay: a step accepted once (here: the enrolment's) is never accepted again.
    let used_step = *m.used.iter().next().expect("a used step");
    let replay = m.code_at_step(used_step);
    srv.post("/me/step-up", &t, json!({"methodId": m.id, "code": replay}))
        .await
        .assert_problem(422, "code-reused");
    let code = m.next_code();
    let ok = srv
        .post(
            "/me/step-up",
            &t,
            json!({"methodId": m.id, "code": code.clone()}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    srv.post("/me/step-up", &t, json!({"methodId": m.id, "code": code}))
        .await
        .assert_problem(422, "code-reused");

    // The window: fresh now, stale after it.
    assert_eq!(
        srv.post("/me/methods/totp/start", &t, json!({}))
            .await
            .status,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    srv.post("/me/methods/totp/start", &t, json!({}))
        .await
        .assert_problem(403, "step-up-required");
    srv.delete_method(&t, &m.id)
        .await
        .assert_problem(403, "step-up-required");

    // Rate limit: three wrong codes, then 429 with Retry-After even for a right one.
    for _ in 0..3 {
        srv.post(
            "/me/step-up",
            &t,
            json!({"methodId": m.id, "code": m.wrong_code()}),
        )
        .await
        .assert_problem(422, "invalid-code");
    }
    let code = m.next_code();
    let r = srv
        .post("/me/step-up", &t, json!({"methodId": m.id, "code": code}))
        .await;
    r.assert_problem(429, "rate-limited");
    let retry: u64 = r
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(r.body["retryAfter"], retry);
    // Another user is not affected.
    let t2 = token(&user("ned"));
    let mut m2 = srv.enroll(&t2, "app").await;
    assert_eq!(srv.step_up(&t2, &mut m2).await.status, StatusCode::OK);
}

#[tokio::test]
async fn rate_limit_per_client_address() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| {
        s.rate_limit_user = Some(100);
        s.rate_limit_client = Some(2);
        s.trusted_proxy_header = Some("x-forwarded-for".into());
    })
    .await;
    let users: Vec<String> = (0..3).map(|_| token(&user("ola"))).collect();
    let mut methods = Vec::new();
    for t in &users {
        methods.push(srv.enroll(t, "app").await);
    }
    let attempt = |t: &str, m: &Totp, from: &str| {
        let body = json!({"methodId": m.id, "code": m.wrong_code()});
        let request = App::request(Method::POST, "/me/step-up")
            .header("authorization", format!("Bearer {t}"))
            .header("x-forwarded-for", from)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        srv.send(request)
    };
    for (t, m) in users.iter().zip(&methods).take(2) {
        attempt(t, m, "203.0.113.7, 10.0.0.1")
            .await
            .assert_problem(422, "invalid-code");
    }
    attempt(&users[2], &methods[2], "203.0.113.7")
        .await
        .assert_problem(429, "rate-limited");
    attempt(&users[2], &methods[2], "198.51.100.1")
        .await
        .assert_problem(422, "invalid-code");
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| s.demo = Some(true)).await;
    let r = srv.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.body;
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    let expected = [
        ("get", "/api/me/security-info"),
        ("post", "/api/me/methods/totp/start"),
        ("post", "/api/me/methods/totp"),
        ("post", "/api/me/methods/hardware-token"),
        ("patch", "/api/me/methods/{id}"),
        ("delete", "/api/me/methods/{id}"),
        ("put", "/api/me/default-method"),
        ("post", "/api/me/step-up"),
        ("post", "/api/me/methods/security-key/start"),
        ("post", "/api/me/methods/security-key"),
        ("post", "/api/me/step-up/security-key/start"),
        ("post", "/api/me/step-up/security-key"),
        ("post", "/api/session/verify/security-key/start"),
        ("post", "/api/session/verify/security-key"),
        ("get", "/api/health"),
        ("post", "/api/session"),
        ("get", "/api/session"),
        ("delete", "/api/session"),
        ("post", "/api/session/verify"),
        ("get", "/api/admin/users/{subject}/methods"),
        ("delete", "/api/admin/users/{subject}/methods/{id}"),
        ("post", "/api/admin/users/{subject}/reset"),
        ("get", "/api/admin/tokens"),
        ("post", "/api/admin/tokens"),
        ("put", "/api/admin/tokens/{serial}/user"),
        ("delete", "/api/admin/tokens/{serial}/user"),
        ("delete", "/api/admin/tokens/{serial}"),
        // Push authenticators (tests/push.rs).
        ("post", "/api/me/methods/authenticator-push/start"),
        ("post", "/api/me/methods/authenticator-push/test"),
        ("post", "/api/me/methods/authenticator-push"),
        ("post", "/api/me/push/challenges"),
        ("get", "/api/me/push/challenges/{id}"),
        ("get", "/api/me/push/challenges/{id}/events"),
        ("post", "/api/me/step-up/push"),
        ("post", "/api/device/activate"),
        ("get", "/api/device/challenges"),
        ("get", "/api/device/events"),
        ("post", "/api/device/challenges/{id}"),
        ("post", "/api/session/push"),
        ("get", "/api/session/push/{id}"),
        ("get", "/api/session/push/{id}/events"),
        ("post", "/api/session/verify-push"),
        ("post", "/api/me/methods/phone/start"),
        ("post", "/api/me/methods/phone"),
        ("post", "/api/me/methods/email/start"),
        ("post", "/api/me/methods/email"),
        ("post", "/api/me/codes/resend"),
        ("post", "/api/me/step-up/code"),
        ("post", "/api/session/code"),
        ("get", "/api/demo/outbox"),
        ("get", "/api/me/security-questions"),
        ("post", "/api/me/methods/security-questions"),
    ];
    for (method, path) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .map(|p| {
            p.values()
                .map(|v| v.as_object().map_or(0, |o| o.len()))
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(
        documented,
        expected.len(),
        "a route is documented but not tested here"
    );
    for schema in [
        "SecurityInfo",
        "Method",
        "Problem",
        "TotpFinishRequest",
        "HardwareTokenRequest",
        "KeyCeremony",
        "KeyFinishRequest",
        "TokenInfo",
        "ImportReport",
        "ErrorCode",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    // Every documented route answers (not 404/405 from the router).
    let t = token(&user("quin"));
    for (method, path) in expected {
        let path = path
            .trim_start_matches("/api")
            .replace("{id}", "x")
            .replace("{subject}", "x")
            .replace("{serial}", "x");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let r = srv.call(m, &path, Some(&t), Some(json!({}))).await;
        assert!(
            r.status != StatusCode::METHOD_NOT_ALLOWED
                && !(r.status == StatusCode::NOT_FOUND
                    && r.body["detail"].is_null()
                    && path.contains("session")),
            "{method} {path}: {}",
            r.status
        );
        assert!(r.status.as_u16() < 500, "{method} {path}: {}", r.status);
    }
}

/// The demo token endpoint is gone (issue 10, point 1): anyone could mint a token for
/// any user, admin included. Demo mode or not, it is undocumented and answers 404.
#[tokio::test]
async fn no_demo_token_endpoint() {
    let db = TestDb::new().await;
    for demo in [false, true] {
        let srv = App::start_with(&db, |s| s.demo = Some(demo)).await;
        srv.call(
            Method::POST,
            "/demo/token",
            None,
            Some(json!({"sub": "bob", "admin": true})),
        )
        .await
        .assert_problem(404, "not-found");
        let doc = srv
            .call(Method::GET, "/openapi.json", None, None)
            .await
            .body;
        assert!(doc["paths"]["/api/demo/token"].is_null());
        assert!(!doc.to_string().contains("DemoToken"));
    }
}
