//! Attacks on the reference server's guarantees, in process (the router through
//! `oneshot`, on a multi-threaded runtime so bursts really run at once): password
//! guessing bursts and lockout by strangers, races between deleting a method and using
//! or choosing it, pool starvation by password hashing, enrolment spam, older codes after
//! newer ones, session fixation, names with format characters, cross-origin cookie
//! requests. Each test counts outcomes of a fixed burst; none asserts a duration.

mod common;

use axum::body::Body;
use common::*;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use security_info_server::config::Settings;
use security_info_server::{demo, store};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const CSRF: &str = security_info_core::api::CSRF_HEADER;
const ALICE_PASSWORD: &str = "alice-demo-password";

/// The demo server in process with its users seeded; client addresses come from
/// `x-forwarded-for`, so a test can play several clients.
async fn demo_app(db: &TestDb, adjust: impl FnOnce(&mut Settings)) -> App {
    let app = App::start_with(db, |s| {
        s.demo = Some(true);
        s.trusted_proxy_header = Some("x-forwarded-for".into());
        adjust(s);
    })
    .await;
    demo::seed(&app.state).await.expect("seed");
    app
}

async fn sign_in(app: &App, username: &str, password: &str, client: &str) -> Response {
    app.send(
        App::request(Method::POST, "/session")
            .header("content-type", "application/json")
            .header(CSRF, "1")
            .header("x-forwarded-for", client)
            .body(Body::from(
                json!({"username": username, "password": password}).to_string(),
            ))
            .expect("request"),
    )
    .await
}

fn with_cookie(method: Method, path: &str, cookie: &str) -> axum::http::request::Builder {
    App::request(method, path)
        .header("cookie", format!("si_session={cookie}"))
        .header("content-type", "application/json")
        .header(CSRF, "1")
}

/// Point 2: 50 wrong passwords at once, for a known and an unknown user name: exactly
/// the limit (5) is evaluated, the rest is refused before hashing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_evaluates_only_the_limit() {
    let db = TestDb::new().await;
    let app = demo_app(&db, |s| s.rate_limit_client = Some(1000)).await;
    for name in ["alice", "nobody-at-all"] {
        let burst = (0..50).map(|_| sign_in(&app, name, "wrong", "10.0.0.1"));
        let statuses: Vec<u16> = join_all(burst)
            .await
            .iter()
            .map(|r| r.status.as_u16())
            .collect();
        let evaluated = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        println!("{name}: guesses evaluated in a 50-way burst: {evaluated}, refused: {refused}");
        assert_eq!((evaluated, refused), (5, 45), "{name}: {statuses:?}");
    }
}

/// Point 13: wrong passwords from one address do not lock the person out elsewhere;
/// only the per-user ceiling (20) stops guesses spread over many addresses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_cannot_lock_a_person_out() {
    let db = TestDb::new().await;
    let app = demo_app(&db, |s| s.rate_limit_client = Some(1000)).await;
    for _ in 0..5 {
        sign_in(&app, "alice", "wrong", "10.0.0.66")
            .await
            .assert_problem(401, "unauthenticated");
    }
    sign_in(&app, "alice", "wrong", "10.0.0.66")
        .await
        .assert_problem(429, "rate-limited");
    let r = sign_in(&app, "alice", ALICE_PASSWORD, "10.0.0.2").await;
    println!(
        "the person's own sign-in after 5 failures elsewhere: {}",
        r.status
    );
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Spread over addresses, the per-user ceiling holds: 20 failures, then everyone waits.
    for client in ["10.0.1.1", "10.0.1.2", "10.0.1.3"] {
        for _ in 0..5 {
            sign_in(&app, "alice", "wrong", client)
                .await
                .assert_problem(401, "unauthenticated");
        }
    }
    sign_in(&app, "alice", "wrong", "10.0.1.4")
        .await
        .assert_problem(429, "rate-limited");
    sign_in(&app, "alice", ALICE_PASSWORD, "10.0.0.2")
        .await
        .assert_problem(429, "rate-limited");
}

/// Point 5: with one pooled connection, a read issued while 16 sign-ins hash their
/// passwords is answered before most of them: hashing holds no connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_does_not_hold_the_pool() {
    let db = TestDb::new().await;
    let app = Arc::new(
        demo_app(&db, |s| {
            s.rate_limit_client = Some(1000);
            s.db_max_connections = Some(1);
        })
        .await,
    );
    let done = Arc::new(AtomicUsize::new(0));
    let sign_ins: Vec<_> = (0..16)
        .map(|i| {
            let (app, done) = (app.clone(), done.clone());
            tokio::spawn(async move {
                let r = sign_in(&app, &format!("user-{i}"), "wrong", "10.0.0.1").await;
                done.fetch_add(1, Ordering::SeqCst);
                r.status
            })
        })
        .collect();
    // Under way: wait until the first sign-in has finished.
    while done.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let health = app.call(Method::GET, "/health", None, None).await;
    let finished_before_read = done.load(Ordering::SeqCst);
    assert_eq!(health.status, StatusCode::OK);
    for sign_in in sign_ins {
        assert_eq!(sign_in.await.expect("join"), StatusCode::UNAUTHORIZED);
    }
    println!(
        "sign-ins (of 16) finished before a read issued after the first one: {finished_before_read}"
    );
    assert!(finished_before_read <= 8, "{finished_before_read} of 16");
}

/// Point 3: a step-up with a method racing the deletion of that method answers 200 or
/// 404, never 500 (40 races).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn step_up_racing_delete_of_its_method() {
    let db = TestDb::new().await;
    let app = App::start_with(&db, |s| {
        s.max_authenticators = Some(50);
        s.enrollment_start_limit = Some(100);
    })
    .await;
    let t = token(&user("race"));
    let mut keep = app.enroll(&t, "keep").await;
    assert_eq!(app.step_up(&t, &mut keep).await.status, StatusCode::OK);
    let mut server_errors = 0;
    for _ in 0..40 {
        let mut doomed = app.enroll(&t, "doomed").await;
        let code = doomed.next_code();
        let body = json!({"methodId": doomed.id, "code": code});
        let (step_up, delete) = tokio::join!(
            app.post("/me/step-up", &t, body),
            app.delete_method(&t, &doomed.id)
        );
        if step_up.status.is_server_error() || delete.status.is_server_error() {
            server_errors += 1;
            continue;
        }
        assert_eq!(delete.status, StatusCode::OK, "{:?}", delete.body);
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND].contains(&step_up.status),
            "{:?}",
            step_up.body
        );
    }
    println!("server errors in 40 step-up/delete races: {server_errors}");
    assert_eq!(server_errors, 0);
}

/// Point 3: choosing a method as the default while it is deleted never leaves the
/// stored default pointing at the deleted method (12 races).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn default_racing_delete_of_its_method() {
    let db = TestDb::new().await;
    let app = App::start_with(&db, |s| {
        s.max_authenticators = Some(50);
        s.enrollment_start_limit = Some(100);
    })
    .await;
    let sub = user("dflt");
    let t = token(&sub);
    let mut keep = app.enroll(&t, "keep").await;
    assert_eq!(app.step_up(&t, &mut keep).await.status, StatusCode::OK);
    let mut dangling = 0;
    for _ in 0..12 {
        let doomed = app.enroll(&t, "doomed").await;
        let body = json!({"methodId": doomed.id, "mode": "code"});
        let (set, delete) = tokio::join!(
            app.call(Method::PUT, "/me/default-method", Some(&t), Some(body)),
            app.delete_method(&t, &doomed.id)
        );
        assert!(!set.status.is_server_error() && delete.status == StatusCode::OK);
        let mut conn = app.state.db.pool.acquire().await.expect("connection");
        let row = store::user_by_subject(&mut conn, &sub)
            .await
            .expect("query")
            .expect("user");
        let methods = store::methods_of(&mut conn, &row.id)
            .await
            .expect("methods");
        if let Some(id) = &row.default_method_id
            && !methods.iter().any(|m| &m.id == id)
        {
            dangling += 1;
        }
    }
    println!("stored defaults naming a deleted method after 12 races: {dangling}");
    assert_eq!(dangling, 0);
}

async fn open_enrolments(app: &App, sub: &str) -> i64 {
    let mut conn = app.state.db.pool.acquire().await.expect("connection");
    let user = store::user_by_subject(&mut conn, sub)
        .await
        .expect("query")
        .expect("user");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM enrollments WHERE user_id = $1")
        .bind(&user.id)
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    n
}

/// Point 6: 50 enrolment starts at once leave at most 3 open enrolments, and starts
/// beyond the rate limit are refused; a new start replaces the oldest open one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn enrolment_spam_is_bounded() {
    let db = TestDb::new().await;
    let app = App::start(&db).await;
    let sub = user("spam");
    let t = token(&sub);
    let burst = (0..50).map(|_| app.post("/me/methods/totp/start", &t, json!({})));
    let statuses: Vec<u16> = join_all(burst)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    let open = open_enrolments(&app, &sub).await;
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    println!("50 concurrent starts: {accepted} accepted, {open} enrolments left open");
    assert!(open <= 3, "{open} open");
    assert!(accepted <= 20, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 429].contains(s)),
        "{statuses:?}"
    );

    // The oldest of four sequential starts is gone; the newest still finishes.
    let other = token(&user("spam"));
    let mut ids = Vec::new();
    for _ in 0..4 {
        let r = app.post("/me/methods/totp/start", &other, json!({})).await;
        ids.push(r.body["enrollmentId"].as_str().expect("id").to_owned());
    }
    let finish = |id: &str| {
        let mut totp = Totp {
            id: String::new(),
            secret: security_info_core::Secret::generate().expect("secret"),
            used: Default::default(),
        };
        let code = totp.next_code();
        json!({"enrollmentId": id, "secret": totp.secret.to_base32(), "code": code})
    };
    app.post("/me/methods/totp", &other, finish(&ids[0]))
        .await
        .assert_problem(404, "not-found");
    let r = app.post("/me/methods/totp", &other, finish(&ids[3])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

/// Point 7 (RFC 6238 section 5.2): after the code of step s+1, the code of step s−1 is
/// refused, though it is still inside the window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_code_after_a_newer_one_is_refused() {
    let db = TestDb::new().await;
    let app = App::start(&db).await;
    let t = token(&user("older"));
    let totp = app.enroll(&t, "phone").await;
    // Far from a step boundary, so s+1 and s−1 both stay inside the window.
    while security_info_core::unix_now() % 30 > 25 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let now = Totp::step_now();
    let newer = json!({"methodId": totp.id, "code": totp.code_at_step(now + 1)});
    let r = app.post("/me/step-up", &t, newer).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let older = json!({"methodId": totp.id, "code": totp.code_at_step(now - 1)});
    let r = app.post("/me/step-up", &t, older).await;
    println!("code of step s-1 after s+1: {}", r.status);
    r.assert_problem(422, "code-reused");
}

/// Point 8: the second factor gives the session a new id; the id known before it (which
/// an attacker may have planted) no longer works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_factor_rotates_the_session_id() {
    let db = TestDb::new().await;
    let app = demo_app(&db, |_| {}).await;
    let mut totp = app.enroll(&token("alice"), "phone").await;
    let r = sign_in(&app, "alice", ALICE_PASSWORD, "10.0.0.3").await;
    assert_eq!(r.body["authenticated"], false, "{:?}", r.body);
    let before = r.set_cookie().expect("cookie");
    let code = totp.next_code();
    let verify = app
        .send(
            with_cookie(Method::POST, "/session/verify", &before)
                .body(Body::from(
                    json!({"methodId": totp.id, "code": code}).to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(verify.status, StatusCode::OK, "{:?}", verify.body);
    let after = verify.set_cookie();
    println!(
        "session id changed by the second factor: {}",
        after.as_ref().is_some_and(|a| *a != before)
    );
    let after = after.expect("a new session cookie");
    assert_ne!(after, before);
    let get = |cookie: &str| {
        app.send(
            with_cookie(Method::GET, "/me/security-info", cookie)
                .body(Body::empty())
                .expect("request"),
        )
    };
    get(&before).await.assert_problem(401, "unauthenticated");
    assert_eq!(get(&after).await.status, StatusCode::OK);
}

/// Point 9: names with Unicode format characters (bidi overrides, zero-width ones) are
/// refused like control characters.
#[tokio::test]
async fn names_with_format_characters_are_refused() {
    let db = TestDb::new().await;
    let app = App::start(&db).await;
    let t = token(&user("bidi"));
    let totp = app.enroll(&t, "phone").await;
    let path = format!("/me/methods/{}", totp.id);
    let mut accepted = 0;
    for name in [
        "\u{202E}abc",
        "a\u{200B}b",
        "\u{2066}x\u{2069}",
        "x\u{FEFF}",
        "\u{061C}y",
    ] {
        let r = app
            .call(Method::PATCH, &path, Some(&t), Some(json!({"name": name})))
            .await;
        if r.status == StatusCode::OK {
            accepted += 1;
        } else {
            r.assert_problem(400, "validation");
        }
    }
    println!("names with format characters accepted: {accepted} of 5");
    assert_eq!(accepted, 0);
    // Letters of right-to-left scripts are fine.
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&t),
            Some(json!({"name": "هاتف"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// Point 9: a cookie request from another site is refused even with the CSRF header
/// (Origin and Sec-Fetch-Site), while the page's own origin gets through.
#[tokio::test]
async fn cross_site_cookie_changes_are_refused() {
    let db = TestDb::new().await;
    let app = demo_app(&db, |_| {}).await;
    let r = sign_in(&app, "bob", "bob-demo-password", "10.0.0.4").await;
    let cookie = r.set_cookie().expect("cookie");
    let rename = |extra: &[(&str, &str)]| {
        let mut request = with_cookie(Method::PATCH, "/me/methods/abc", &cookie)
            .header("host", "demo.example:8080");
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        app.send(
            request
                .body(Body::from(json!({"name": "x"}).to_string()))
                .expect("request"),
        )
    };
    let mut let_through = 0;
    for attack in [
        &[("origin", "http://evil.example")][..],
        &[("sec-fetch-site", "cross-site")],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.demo.example:8080"),
        ],
        &[("origin", "null")],
    ] {
        let r: Response = rename(attack).await;
        if r.status != StatusCode::FORBIDDEN {
            let_through += 1;
        } else {
            r.assert_problem(403, "csrf");
        }
    }
    println!("cross-site cookie changes let through: {let_through} of 4");
    assert_eq!(let_through, 0);
    // Same origin, or no browser headers at all (not a browser): on to the handler.
    for fine in [
        &[
            ("origin", "http://demo.example:8080"),
            ("sec-fetch-site", "same-origin"),
        ][..],
        &[],
    ] {
        let r: Response = rename(fine).await;
        r.assert_problem(404, "not-found");
    }
}
