//! Demo sign-in with CSRF, administrators, restarts, and what must never be stored or
//! logged.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CSRF: &str = security_info_core::api::CSRF_HEADER;

async fn cookie_call(
    srv: &Server,
    client: &reqwest::Client,
    method: Method,
    path: &str,
    csrf: bool,
    body: Option<Value>,
) -> Response {
    let mut request = client.request(method, format!("{}{path}", srv.api));
    if csrf {
        request = request.header(CSRF, "1");
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    Response::from(request.send().await.expect("request")).await
}

#[tokio::test]
async fn demo_sign_in_with_second_factor_and_csrf() {
    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    assert!(srv.logs().contains("alice / alice-demo-password"));
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let credentials = json!({"username": "alice", "password": "alice-demo-password"});

    cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session",
        false,
        Some(credentials.clone()),
    )
    .await
    .assert_problem(403, "csrf");
    cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session",
        true,
        Some(json!({"username": "alice", "password": "wrong"})),
    )
    .await
    .assert_problem(401, "unauthenticated");
    // An unknown name gets the same answer as a wrong password.
    cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session",
        true,
        Some(json!({"username": "mallory", "password": "wrong"})),
    )
    .await
    .assert_problem(401, "unauthenticated");
    let r = cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session",
        true,
        Some(credentials.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authenticated"], true);
    let set_cookie = r.headers["set-cookie"].to_str().expect("cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));

    let r = cookie_call(
        &srv,
        &browser,
        Method::GET,
        "/me/security-info",
        false,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Cookie-authenticated changes need the CSRF header.
    cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/me/methods/totp/start",
        false,
        Some(json!({})),
    )
    .await
    .assert_problem(403, "csrf");
    let start = cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/me/methods/totp/start",
        true,
        Some(json!({})),
    )
    .await;
    assert_eq!(start.status, StatusCode::OK);
    assert_eq!(start.body["accountName"], "alice@example.com");
    let mut totp = Totp {
        id: String::new(),
        secret: security_info_core::Secret::generate().expect("secret"),
        used: Default::default(),
    };
    let code = totp.next_code();
    let r = cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/me/methods/totp",
        true,
        Some(json!({"enrollmentId": start.body["enrollmentId"], "secret": totp.secret.to_base32(), "code": code})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    totp.id = r.body["id"].as_str().expect("id").to_owned();

    let r = cookie_call(&srv, &browser, Method::DELETE, "/session", true, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    cookie_call(
        &srv,
        &browser,
        Method::GET,
        "/me/security-info",
        false,
        None,
    )
    .await
    .assert_problem(401, "unauthenticated");

    // Now the second factor is required.
    let r = cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session",
        true,
        Some(credentials),
    )
    .await;
    assert_eq!(r.body["authenticated"], false);
    assert_eq!(r.body["methods"][0]["id"], totp.id.as_str());
    cookie_call(
        &srv,
        &browser,
        Method::GET,
        "/me/security-info",
        false,
        None,
    )
    .await
    .assert_problem(401, "unauthenticated");
    let r = cookie_call(&srv, &browser, Method::GET, "/session", false, None).await;
    assert_eq!(r.body["authenticated"], false);
    let code = totp.next_code();
    let r = cookie_call(
        &srv,
        &browser,
        Method::POST,
        "/session/verify",
        true,
        Some(json!({"methodId": totp.id, "code": code})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authenticated"], true);
    // The second factor at sign-in counts as a step-up.
    let r = cookie_call(
        &srv,
        &browser,
        Method::GET,
        "/me/security-info",
        false,
        None,
    )
    .await;
    assert_eq!(r.body["stepUp"]["required"], false);
    assert_eq!(r.body["methods"][0]["id"], totp.id.as_str());
}

#[tokio::test]
async fn administrators_act_through_the_api_and_the_cli() {
    let db = TestDb::new().await;
    let srv = Server::start(&db).await;
    let subject = user("tess");
    let t = token(&subject);
    let mut first = srv.enroll(&t, "one").await;
    assert_eq!(srv.step_up(&t, &mut first).await.status, StatusCode::OK);
    let second = srv.enroll(&t, "two").await;

    let list = format!("/admin/users/{subject}/methods");
    srv.get(&list, &t).await.assert_problem(403, "forbidden");
    let admin = token_with("root", json!({"roles": ["admin"]}));
    let r = srv.get(&list, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_array().map(Vec::len), Some(2));
    let r = srv
        .call(
            Method::DELETE,
            &format!("{list}/{}", first.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["defaultMethod"]["methodId"], second.id.as_str());
    srv.get("/admin/users/nobody-here/methods", &admin)
        .await
        .assert_problem(404, "not-found");

    // The CLI works on the same database.
    let out = command(&db)
        .args(["admin", "list-methods", &subject])
        .output()
        .expect("cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed[0]["id"], second.id.as_str());
    let out = command(&db)
        .args(["admin", "reset-user", &subject])
        .output()
        .expect("cli");
    assert!(out.status.success());
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
    let out = command(&db)
        .args(["admin", "list-methods", "nobody-here"])
        .output()
        .expect("cli");
    assert!(!out.status.success());

    // The API reset too.
    srv.enroll(&t, "again").await;
    let r = srv
        .call(
            Method::POST,
            &format!("/admin/users/{subject}/reset"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(srv.security_info(&t).await["methods"], json!([]));
}

#[tokio::test]
async fn methods_survive_a_restart() {
    let db = TestDb::new().await;
    let srv = Server::start(&db).await;
    let t = token(&user("uma"));
    let mut m = srv.enroll(&t, "kept").await;
    assert!(srv.stop());
    let srv = Server::start(&db).await;
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"][0]["id"], m.id.as_str());
    assert_eq!(info["methods"][0]["name"], "kept");
    // The secret still decrypts: a step-up works after the restart.
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
}

#[tokio::test]
async fn generated_key_file_is_private_and_reused() {
    let db = TestDb::new().await;
    let key_file = db.dir.0.join("keys").join("secret.key");
    let opts = || {
        let mut o = Options::new(&db).args(&["--key-file", key_file.to_str().expect("path")]);
        o.env
            .push(("SECURITY_INFO_ENCRYPTION_KEY".into(), String::new()));
        o
    };
    let srv = Server::start_with(opts()).await;
    let t = token(&user("vic"));
    let mut m = srv.enroll(&t, "app").await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(srv);
    let srv = Server::start_with(opts()).await;
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
    // Another key does not even start on this database: tests/keys.rs.
}

#[tokio::test]
async fn no_secret_code_or_token_in_database_or_logs() {
    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    let t = token(&user("wim"));
    let mut m = srv.enroll(&t, "app").await;
    let enrol_code = m.code_at_step(*m.used.iter().next().expect("step"));
    let step_code = m.next_code();
    let r = srv
        .post(
            "/me/step-up",
            &t,
            json!({"methodId": m.id, "code": step_code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = browser
        .post(format!("{}/session", srv.api))
        .header(security_info_core::api::CSRF_HEADER, "1")
        .json(&json!({"username": "bob", "password": "bob-demo-password"}))
        .send()
        .await
        .expect("sign in");
    let session_cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("cookie");
    let demo = srv
        .call(
            Method::POST,
            "/demo/token",
            None,
            Some(json!({"sub": "xena"})),
        )
        .await;
    let demo_token = demo.body["token"].as_str().expect("token").to_owned();
    srv.get("/me/security-info", &demo_token).await;
    // Let the server finish writing its logs.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let secret = m.secret.to_base32();
    let grouped = m.secret.to_grouped_base32();
    let needles = [
        ("the Base32 secret", secret.as_str()),
        ("the grouped secret", grouped.as_str()),
        ("the enrolment code", enrol_code.as_str()),
        ("the step-up code", step_code.as_str()),
        ("the bearer token", t.as_str()),
        ("the demo token", demo_token.as_str()),
        ("the session cookie", session_cookie.as_str()),
        ("the demo password", "bob-demo-password"),
    ];
    let stored = db.dump().await;
    assert!(!stored.is_empty());
    let stored = String::from_utf8_lossy(&stored);
    let logs = srv.logs();
    for (what, needle) in needles {
        assert!(!stored.contains(needle), "the database contains {what}");
        // The seeding banner prints the demo passwords by design.
        if what != "the demo password" {
            assert!(!logs.contains(needle), "the logs contain {what}");
        }
    }
    assert!(
        logs.contains("authenticator added"),
        "logs are written at all"
    );
}
