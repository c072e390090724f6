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
    let srv =
        Server::start_with(Options::new(&db).args(&["--demo", "--portal-listen", "127.0.0.1:0"]))
            .await;
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
    let session_cookie = set_cookie_value(r.headers()).expect("cookie");
    let portal = srv.portal().await;
    let (portal_user, portal_password) = portal.users.first().cloned().expect("portal user");
    let r = browser
        .post(format!("{}/session", portal.url))
        .header(security_info_core::api::CSRF_HEADER, "1")
        .json(&json!({"username": portal_user, "password": portal_password}))
        .send()
        .await
        .expect("portal sign in");
    let portal_cookie = set_cookie_value(r.headers()).expect("portal cookie");
    let r = browser
        .post(format!("{}/session/token", portal.url))
        .header(security_info_core::api::CSRF_HEADER, "1")
        .send()
        .await
        .expect("portal token");
    let portal_token = Response::from(r).await.body["token"]
        .as_str()
        .expect("token")
        .to_owned();
    srv.get("/me/security-info", &portal_token).await;
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
        ("the portal's token", portal_token.as_str()),
        ("the session cookie", session_cookie.as_str()),
        ("the portal's session cookie", portal_cookie.as_str()),
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

/// Issue 10, point 1: anyone reaching a demo server asked `POST {base}/demo/token` for a
/// token of a seeded password user with the admin role. A 20-way anonymous burst must
/// mint no token at all (before the fix: 20 of 20, each listing and deleting Bob's
/// methods and reaching the admin API).
#[tokio::test]
async fn anonymous_demo_token_requests_get_nothing() {
    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).arg("--demo")).await;
    // Bob's own method, added as Bob (a test token signed with the configured secret).
    let bob = token("bob");
    let victim = srv.enroll(&bob, "Bob's phone").await;
    const BURST: usize = 20;
    let answers = futures::future::join_all((0..BURST).map(|_| {
        srv.call(
            Method::POST,
            "/demo/token",
            None,
            Some(json!({"sub": "bob", "admin": true})),
        )
    }))
    .await;
    let mut minted = 0;
    let mut read_bobs_methods = 0;
    let mut reached_admin = 0;
    for answer in &answers {
        let Some(stolen) = answer.body["token"].as_str() else {
            answer.assert_problem(404, "not-found");
            continue;
        };
        minted += 1;
        let info = srv.get("/me/security-info", stolen).await;
        if info.body["methods"].to_string().contains(&victim.id) {
            read_bobs_methods += 1;
        }
        if srv.get("/admin/users/bob/methods", stolen).await.status == StatusCode::OK {
            reached_admin += 1;
        }
    }
    assert_eq!(
        (minted, read_bobs_methods, reached_admin),
        (0, 0, 0),
        "tokens minted / reading Bob's methods / reaching the admin API, of {BURST}"
    );
    // Bob's method is still there.
    let info = srv.security_info(&bob).await;
    assert!(info["methods"].to_string().contains(&victim.id));
}

/// The claims of a token, read without checking it (the test looks at what was minted).
fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Issue 10, point 1 (what replaces the endpoint): the portal example mints tokens on its
/// own origin, only for the user signed in to a portal session, never with a role and
/// never for the demo's password users, whatever the request asks for.
#[tokio::test]
async fn portal_tokens_only_for_the_portal_session_user() {
    let db = TestDb::new().await;
    let srv =
        Server::start_with(Options::new(&db).args(&["--demo", "--portal-listen", "127.0.0.1:0"]))
            .await;
    let portal = srv.portal().await;
    let (carol, password) = portal.users.first().cloned().expect("a portal user");
    let session_url = format!("{}/session", portal.url);
    let token_url = format!("{}/session/token", portal.url);
    let ask = json!({"sub": "bob", "admin": true});
    const BURST: usize = 20;

    // No portal session: a burst of anonymous requests mints nothing.
    let anonymous = reqwest::Client::new();
    let answers = futures::future::join_all((0..BURST).map(|_| {
        anonymous
            .post(&token_url)
            .header(CSRF, "1")
            .json(&ask)
            .send()
    }))
    .await;
    let refused = answers
        .into_iter()
        .map(|a| a.expect("answer").status())
        .filter(|s| *s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused, BURST, "anonymous token requests refused with 401");

    // The demo's password users are not portal users, even with their own passwords.
    for (name, demo_password) in [
        ("alice", "alice-demo-password"),
        ("bob", "bob-demo-password"),
    ] {
        let r = anonymous
            .post(&session_url)
            .header(CSRF, "1")
            .json(&json!({"username": name, "password": demo_password}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{name}");
    }

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let credentials = json!({"username": carol, "password": password});
    // Sign-in is a state change: without the CSRF header a cross-site form gets nowhere.
    let r = browser
        .post(&session_url)
        .json(&credentials)
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let wrong = json!({"username": carol, "password": "wrong"});
    let r = browser
        .post(&session_url)
        .header(CSRF, "1")
        .json(&wrong)
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = browser
        .post(&session_url)
        .header(CSRF, "1")
        .json(&credentials)
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), StatusCode::OK);
    let set_cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(set_cookie.starts_with("portal_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let r = browser.post(&token_url).send().await.expect("token");
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF header");

    // A burst from the session, each asking for Bob as an administrator: every token is
    // Carol's, without a role, short-lived.
    let answers = futures::future::join_all((0..BURST).map(|_| {
        let request = browser.post(&token_url).header(CSRF, "1").json(&ask);
        async move { Response::from(request.send().await.expect("token")).await }
    }))
    .await;
    let now = security_info_core::unix_now() as i64;
    let mut for_carol = 0;
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let claims = claims_of(answer.body["token"].as_str().expect("token"));
        assert!(claims["roles"].is_null(), "no role: {claims}");
        let lifetime = claims["exp"].as_i64().expect("exp") - now;
        assert!((0..=300).contains(&lifetime), "lifetime {lifetime}");
        if claims["sub"] == carol.as_str() {
            for_carol += 1;
        }
    }
    assert_eq!(for_carol, BURST, "tokens minted for the session's user");
    let carols = answers[0].body["token"].as_str().expect("token").to_owned();
    assert_eq!(
        srv.get("/me/security-info", &carols).await.status,
        StatusCode::OK
    );
    srv.get("/admin/users/bob/methods", &carols)
        .await
        .assert_problem(403, "forbidden");

    // Signed out, the session mints nothing more.
    let r = browser
        .delete(&session_url)
        .header(CSRF, "1")
        .send()
        .await
        .expect("sign out");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = browser
        .post(&token_url)
        .header(CSRF, "1")
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
