//! Bearer tokens as an attacker presents them: missing or foreign audience, not yet
//! valid, and a JWKS (served on loopback by the test) that hangs, is huge, drops a key
//! or offers weak and misdeclared keys. And no JWT verification without iss and aud.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[tokio::test]
async fn tokens_need_the_audience_and_are_not_valid_before_nbf() {
    let db = TestDb::new().await;
    let srv = App::start(&db).await;
    let now = security_info_core::unix_now() as i64;
    let status = |extra: Value| {
        let t = token_with(&user("nia"), extra);
        let srv = &srv;
        async move { srv.get("/me/security-info", &t).await.status.as_u16() }
    };
    assert_eq!(status(json!({})).await, 200);
    let refused = [
        ("no aud", json!({"aud": null})),
        ("another aud", json!({"aud": "another-service"})),
        ("no iss", json!({"iss": null})),
        ("nbf in two minutes", json!({"nbf": now + 120})),
        ("expired 45 s ago", json!({"exp": now - 45})),
    ];
    let mut accepted = Vec::new();
    for (what, extra) in refused {
        if status(extra).await != 401 {
            accepted.push(what);
        }
    }
    assert_eq!(accepted, Vec::<&str>::new(), "accepted tokens");
    // Within the leeway (30 s by default) clocks may disagree.
    assert_eq!(status(json!({"nbf": now + 10})).await, 200);
    assert_eq!(status(json!({"exp": now - 10})).await, 200);

    let strict = App::start_with(&db, |s| s.jwt_leeway = Some(0)).await;
    let t = token_with(&user("nia"), json!({"exp": now - 10}));
    strict
        .get("/me/security-info", &t)
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn demo_mode_defaults_its_issuer_and_audience() {
    let db = TestDb::new().await;
    let demo = App::start_with(&db, |s| {
        s.demo = Some(true);
        s.jwt_issuer = None;
        s.jwt_audience = None;
    })
    .await;
    assert_eq!(
        demo.state.config.jwt_issuer.as_deref(),
        Some("security-info-demo")
    );
    assert_eq!(
        demo.state.config.jwt_audience.as_deref(),
        Some("security-info")
    );
}

/// Runs the binary with `args` and the test JWT secret but no issuer or audience;
/// answers its exit code and output, or `None` if it was still running after 20 s.
fn start_without_claims(db: &TestDb, args: &[&str]) -> Option<(i32, String)> {
    let mut child = command(db)
        .env_remove("SECURITY_INFO_JWT_ISSUER")
        .env_remove("SECURITY_INFO_JWT_AUDIENCE")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    for _ in 0..200 {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            return Some((status.code().unwrap_or(-1), err));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[tokio::test]
async fn jwt_verification_needs_issuer_and_audience() {
    let db = TestDb::new().await;
    for args in [
        &[][..],
        &["--jwt-audience", "security-info"][..],
        &["--jwt-issuer", "security-info-tests"][..],
        &["--jwt-allow-any-audience"][..],
    ] {
        let Some((code, err)) = start_without_claims(&db, args) else {
            panic!("started with {args:?} and no issuer or audience");
        };
        assert_ne!(code, 0, "{args:?}");
        assert!(
            err.contains("not set") && err.contains("--jwt-allow-any-audience"),
            "{args:?}: {err}"
        );
    }

    // An explicit opt-out of the audience check: the issuer is still required.
    let mut options = Options::new(&db).args(&["--jwt-allow-any-audience"]);
    options
        .env
        .push(("SECURITY_INFO_JWT_AUDIENCE".into(), String::new()));
    let srv = Server::start_with(options).await;
    for extra in [json!({"aud": null}), json!({"aud": "another-service"})] {
        let t = token_with(&user("oli"), extra);
        assert_eq!(
            srv.get("/me/security-info", &t).await.status,
            StatusCode::OK
        );
    }
    srv.get(
        "/me/security-info",
        &token_with("oli", json!({"iss": null})),
    )
    .await
    .assert_problem(401, "unauthenticated");
}

/// What the loopback JWKS endpoint answers to its n-th fetch (the last one repeats).
#[derive(Clone)]
struct Reply {
    body: String,
    cache_control: Option<&'static str>,
    /// Answer only when the test releases it.
    hang: bool,
}

impl Reply {
    fn keys(body: String) -> Reply {
        Reply {
            body,
            cache_control: None,
            hang: false,
        }
    }
}

struct JwksServer {
    url: String,
    fetches: Arc<AtomicUsize>,
    started: tokio::sync::mpsc::UnboundedReceiver<usize>,
    release: Arc<tokio::sync::Semaphore>,
}

async fn jwks_server(replies: Vec<Reply>) -> JwksServer {
    let fetches = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let (started_tx, started) = tokio::sync::mpsc::unbounded_channel();
    let (counter, gate) = (fetches.clone(), release.clone());
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let _ = started_tx.send(n);
            let reply = replies[(n - 1).min(replies.len() - 1)].clone();
            let gate = gate.clone();
            async move {
                if reply.hang {
                    let _ = gate.acquire().await;
                }
                let mut headers = vec![("content-type", "application/json")];
                if let Some(cc) = reply.cache_control {
                    headers.push(("cache-control", cc));
                }
                let mut response = axum::response::IntoResponse::into_response(reply.body);
                for (k, v) in headers {
                    response.headers_mut().insert(
                        k,
                        axum::http::HeaderValue::from_str(v).expect("header value"),
                    );
                }
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    JwksServer {
        url,
        fetches,
        started,
        release,
    }
}

fn jwks_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("jwks fixture")
}

fn rs256(pem: &str, kid: &str, sub: &str) -> String {
    let key = std::fs::read(fixture(pem)).expect("key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        &claims_with(sub, json!({})),
        &jsonwebtoken::EncodingKey::from_rsa_pem(&key).expect("rsa key"),
    )
    .expect("token")
}

async fn jwks_app(db: &TestDb, jwks: &JwksServer, env: &[(&str, &str)]) -> Server {
    let mut options = Options::new(db).args(&["--jwks-url", &jwks.url]);
    options.env.extend(
        env.iter()
            .map(|(k, v)| (format!("SECURITY_INFO_{k}"), (*v).to_owned())),
    );
    Server::start_with(options).await
}

#[tokio::test]
async fn a_hanging_jwks_fetch_stalls_neither_cached_keys_nor_more_fetches() {
    let keys = jwks_fixture("jwks.json");
    let mut jwks = jwks_server(vec![
        Reply::keys(keys.clone()),
        Reply {
            hang: true,
            ..Reply::keys(keys)
        },
    ])
    .await;
    let db = TestDb::new().await;
    let srv = Arc::new(jwks_app(&db, &jwks, &[("JWKS_REFRESH", "1")]).await);
    let cached = rs256("rs256-private.pem", "test-rsa-1", "pia");
    assert_eq!(
        srv.get("/me/security-info", &cached).await.status,
        StatusCode::OK
    );
    assert_eq!(jwks.started.recv().await, Some(1));
    // Past the refetch interval, an unknown kid fetches again: that fetch hangs.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let unknown = rs256("rs256-private.pem", "rotated-in", "pia");
    let waiting: Vec<_> = (0..20)
        .map(|_| {
            let (srv, unknown) = (srv.clone(), unknown.clone());
            tokio::spawn(async move { srv.get("/me/security-info", &unknown).await.status })
        })
        .collect();
    let second = tokio::time::timeout(Duration::from_secs(5), jwks.started.recv()).await;
    assert_eq!(
        second.ok().flatten(),
        Some(2),
        "the unknown kid did not fetch"
    );
    // The cached key answers while that fetch still hangs (the server's fetch timeout is
    // 10 s; before, this request waited for it).
    let during = tokio::time::timeout(
        Duration::from_secs(5),
        srv.get("/me/security-info", &cached),
    )
    .await;
    assert_eq!(
        during.map(|r| r.status).ok(),
        Some(StatusCode::OK),
        "a cached key waited for the hanging fetch"
    );
    jwks.release.add_permits(100);
    for task in waiting {
        assert_eq!(task.await.expect("join"), StatusCode::UNAUTHORIZED);
    }
    // Twenty unknown-kid requests shared the one fetch in flight.
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_oversized_jwks_is_refused() {
    let mut body = jwks_fixture("jwks.json");
    // Valid JSON all the same: whitespace after the key set, 2 MiB of it.
    body.push_str(&" ".repeat(2 << 20));
    let jwks = jwks_server(vec![Reply::keys(body)]).await;
    let db = TestDb::new().await;
    let srv = jwks_app(&db, &jwks, &[]).await;
    let t = rs256("rs256-private.pem", "test-rsa-1", "quin");
    srv.get("/me/security-info", &t)
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_key_removed_from_the_jwks_stops_verifying_after_its_max_age() {
    let jwks = jwks_server(vec![
        Reply {
            cache_control: Some("public, max-age=1"),
            ..Reply::keys(jwks_fixture("jwks.json"))
        },
        Reply::keys(r#"{"keys": []}"#.to_owned()),
    ])
    .await;
    let db = TestDb::new().await;
    let srv = jwks_app(&db, &jwks, &[]).await;
    let t = rs256("rs256-private.pem", "test-rsa-1", "rui");
    assert_eq!(
        srv.get("/me/security-info", &t).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    srv.get("/me/security-info", &t)
        .await
        .assert_problem(401, "unauthenticated");
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn weak_and_misdeclared_jwks_keys_are_refused() {
    let jwks = jwks_server(vec![Reply::keys(jwks_fixture("jwks-weak.json"))]).await;
    let db = TestDb::new().await;
    let srv = jwks_app(&db, &jwks, &[]).await;
    let sub = user("sol");
    assert_eq!(
        srv.get(
            "/me/security-info",
            &rs256("rs256-private.pem", "test-rsa-1", &sub)
        )
        .await
        .status,
        StatusCode::OK
    );
    let mut accepted = Vec::new();
    for (pem, kid) in [
        ("rs256-private.pem", "encryption-only"),
        ("rs256-private.pem", "declared-rs384"),
        ("rs1024-private.pem", "rsa-1024"),
        ("rs512-private.pem", "rsa-512"),
    ] {
        let r = srv
            .call(
                Method::GET,
                "/me/security-info",
                Some(&rs256(pem, kid, &sub)),
                None,
            )
            .await;
        if r.status != StatusCode::UNAUTHORIZED {
            accepted.push(kid);
        }
    }
    assert_eq!(accepted, Vec::<&str>::new(), "keys that verified");
}
