//! The REST contract against the real server process, for what needs one: HTTP
//! headers, CORS, static files, bad bodies over a real connection (and no failure in the
//! logs), key files and JWKS, configuration, shutdown, concurrent connections. Handler
//! cases are in `handlers.rs`.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn health_headers_and_unknown_routes() {
    let db = TestDb::new().await;
    let srv = Server::start(&db).await;
    let r = srv.call(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ] {
        assert_eq!(
            r.headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name}"
        );
    }
    let r = srv.call(Method::GET, "/no/such/route", None, None).await;
    r.assert_problem(404, "not-found");
    assert!(r.headers.contains_key("x-content-type-options"));
}

#[tokio::test]
async fn rs256_and_es256_public_keys() {
    let db = TestDb::new().await;
    let rsa_pub = fixture("rs256-public.pem");
    let ec_pub = fixture("es256-public.pem");
    let srv = Server::start_with(Options::new(&db).args(&[
        "--jwt-rs256-key",
        rsa_pub.to_str().expect("path"),
        "--jwt-es256-key",
        ec_pub.to_str().expect("path"),
    ]))
    .await;
    let claims = claims_with("erin", json!({}));
    let rsa_key = std::fs::read(fixture("rs256-private.pem")).expect("key");
    let ec_key = std::fs::read(fixture("es256-private.pem")).expect("key");
    let rs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(&rsa_key).expect("rsa"),
    )
    .expect("rs256");
    let es = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_pem(&ec_key).expect("ec"),
    )
    .expect("es256");
    assert_eq!(
        srv.get("/me/security-info", &rs).await.status,
        StatusCode::OK
    );
    assert_eq!(
        srv.get("/me/security-info", &es).await.status,
        StatusCode::OK
    );
    // Same claims, but HS256 with the public key as secret (algorithm confusion).
    let confused = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&std::fs::read(&rsa_pub).expect("pem")),
    )
    .expect("hs256");
    srv.get("/me/security-info", &confused)
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn bad_input_is_400_problem_never_500() {
    let db = TestDb::new().await;
    let srv = Server::start(&db).await;
    let t = token(&user("hal"));
    let send = |body: String, content_type: &'static str| {
        srv.http
            .post(format!("{}/me/methods/totp", srv.api))
            .bearer_auth(&t)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let huge = "A".repeat(100_000);
    let cases = [
        ("{not json".to_owned(), "application/json"),
        (
            r#"{"enrollmentId": 1, "secret": "A", "code": "1"}"#.to_owned(),
            "application/json",
        ),
        (
            r#"{"enrollmentId": "e", "secret": "A", "code": "1", "extra": true}"#.to_owned(),
            "application/json",
        ),
        (r#"{"secret": "A"}"#.to_owned(), "application/json"),
        (r#"[]"#.to_owned(), "application/json"),
        (
            format!(r#"{{"enrollmentId": "e", "secret": "{huge}", "code": "1"}}"#),
            "application/json",
        ),
        (
            r#"{"enrollmentId": "e", "secret": "A", "code": "1"}"#.to_owned(),
            "text/plain",
        ),
        (String::new(), "application/json"),
    ];
    for (body, content_type) in cases {
        // The server may answer an oversized body before reading all of it and close the
        // connection; the client can then see a reset instead of the answer. Retry.
        let mut answer = None;
        for _ in 0..5 {
            if let Ok(r) = send(body.clone(), content_type).await {
                answer = Some(Response::from(r).await);
                break;
            }
        }
        answer.expect("an answer").assert_problem(400, "validation");
    }
    // Within the body limit, a long name is still refused by validation.
    let start = srv.post("/me/methods/totp/start", &t, json!({})).await;
    srv.post(
        "/me/methods/totp",
        &t,
        json!({"enrollmentId": start.body["enrollmentId"], "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
               "code": "123456", "name": "n".repeat(5000)}),
    )
    .await
    .assert_problem(400, "validation");
    let long_id = "x".repeat(5000);
    srv.call(
        Method::PATCH,
        &format!("/me/methods/{long_id}"),
        Some(&t),
        Some(json!({"name": "ok"})),
    )
    .await
    .assert_problem(404, "not-found");
    // A path segment that is not UTF-8 cannot name anything.
    srv.call(
        Method::PATCH,
        "/me/methods/%FF%FE",
        Some(&t),
        Some(json!({"name": "ok"})),
    )
    .await
    .assert_problem(404, "not-found");
    // NUL bytes are refused before the database (PostgreSQL would raise an error).
    srv.call(
        Method::PUT,
        "/me/default-method",
        Some(&t),
        Some(json!({"methodId": "a\u{0}b", "mode": "code"})),
    )
    .await
    .assert_problem(404, "not-found");
    // A known path with the wrong verb: a problem with its own code and the Allow header.
    let r = srv
        .call(Method::PUT, "/me/security-info", Some(&t), None)
        .await;
    assert_eq!(
        r.headers.get("allow").map(|v| v.to_str().unwrap_or("")),
        Some("GET,HEAD")
    );
    r.assert_problem(405, "method-not-allowed");
    let nul_user = token("nul\u{0}user");
    srv.get("/me/security-info", &nul_user)
        .await
        .assert_problem(401, "unauthenticated");
    assert!(!srv.logs().contains("panicked"));
    assert!(!srv.logs().contains("request failed"));
}

#[tokio::test]
async fn fifty_concurrent_enrolments_yield_exactly_the_limit() {
    let db = TestDb::new().await;
    let srv = Server::start(&db).await;
    let t = token(&user("pia"));
    let mut first = srv.enroll(&t, "first").await;
    assert_eq!(srv.step_up(&t, &mut first).await.status, StatusCode::OK);
    let statuses = concurrent_enrolments(&[&srv], &t, 50).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(created, 4, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let info = srv.security_info(&t).await;
    assert_eq!(info["methods"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn cors_allow_list() {
    let db = TestDb::new().await;
    let srv =
        Server::start_with(Options::new(&db).args(&["--cors-origin", "http://localhost:9999"]))
            .await;
    let preflight = |origin: &'static str| {
        srv.http
            .request(
                Method::OPTIONS,
                format!("{}/me/methods/totp/start", srv.api),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type,x-security-info-csrf",
            )
            .send()
    };
    let r = preflight("http://localhost:9999").await.expect("preflight");
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:9999");
    assert_eq!(h["access-control-allow-credentials"], "true");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .expect("headers")
        .to_lowercase();
    for name in ["authorization", "content-type", "x-security-info-csrf"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert_eq!(h["x-content-type-options"], "nosniff");
    let r = preflight("http://evil.example").await.expect("preflight");
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn static_files_with_strict_csp() {
    let db = TestDb::new().await;
    let www = TempDir::new();
    std::fs::write(www.0.join("index.html"), "<!doctype html><title>x</title>").expect("write");
    std::fs::write(www.0.join("app.js"), "export {}").expect("write");
    let srv = Server::start_with(
        Options::new(&db).args(&["--static-dir", www.0.to_str().expect("path")]),
    )
    .await;
    let r = srv
        .http
        .get(format!("{}/", srv.url))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    );
    // A revalidation (304) must not carry the API's `default-src 'none'`: browsers merge a
    // 304's headers into the cached page, which then could not load its own script.
    let last_modified = r.headers()["last-modified"].clone();
    let r = srv
        .http
        .get(format!("{}/", srv.url))
        .header("if-modified-since", last_modified)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.headers().get("content-security-policy").is_none());
    let r = srv
        .http
        .get(format!("{}/app.js", srv.url))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    // A precompressed sibling is sent to browsers that accept it.
    std::fs::write(www.0.join("app.js.br"), b"brotli bytes").expect("write");
    let r = srv
        .http
        .get(format!("{}/app.js", srv.url))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("get");
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.expect("body").as_ref(), b"brotli bytes");
    // The API still answers under the base path.
    let r = srv.call(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The split build's files: hashed names are cached for good, everything that names them
/// is revalidated, wasm is `application/wasm` (streaming compilation needs it).
#[tokio::test]
async fn static_cache_policy() {
    let db = TestDb::new().await;
    let www = TempDir::new();
    let files = [
        ("index.html", "no-cache", "text/html"),
        ("boot.js", "no-cache", "text/javascript"),
        (
            "security_info_bg-0123456789abcdef.wasm",
            "public, max-age=31536000, immutable",
            "application/wasm",
        ),
        (
            "split_add_chunk-fedcba9876543210.wasm",
            "public, max-age=31536000, immutable",
            "application/wasm",
        ),
        (
            "security-info-demo-0123456789abcdef_bg.wasm",
            "public, max-age=31536000, immutable",
            "application/wasm",
        ),
        (
            "__wasm_split-0123456789abcdef.js",
            "public, max-age=31536000, immutable",
            "text/javascript",
        ),
        // Not a hash: too short, or not hex.
        ("app-0123456789abcde.js", "no-cache", "text/javascript"),
        ("app-0123456789abcdeg.js", "no-cache", "text/javascript"),
    ];
    for (name, _, _) in files {
        std::fs::write(www.0.join(name), "x").expect("write");
    }
    let srv = Server::start_with(
        Options::new(&db).args(&["--static-dir", www.0.to_str().expect("path")]),
    )
    .await;
    for (name, cache, mime) in files {
        let r = srv
            .http
            .get(format!("{}/{name}", srv.url))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        assert_eq!(r.headers()["cache-control"], cache, "{name}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with(mime),
            "{name}"
        );
    }
    let r = srv.call(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn config_file_and_base_path() {
    let db = TestDb::new().await;
    let file = db.dir.0.join("server.toml");
    std::fs::write(
        &file,
        "max-authenticators = 3\nissuer = \"Contoso\"\nstep-up-window = 120\nsecurity-questions = [\"Q1?\", \"Q2?\"]\n",
    )
    .expect("write");
    let srv = Server::start_with(Options::new(&db).args(&[
        "--config",
        file.to_str().expect("path"),
        "--base-path",
        "/v1",
        "--step-up-window",
        "60",
    ]))
    .await;
    assert!(srv.api.ends_with("/v1"));
    let t = token(&user("sam"));
    let info = srv.security_info(&t).await;
    assert_eq!(info["policy"]["maxAuthenticators"], 3);
    assert_eq!(info["policy"]["securityQuestions"], json!(["Q1?", "Q2?"]));
    // Flags win over the file.
    assert_eq!(info["policy"]["stepUpWindowSecs"], 60);
    let start = srv.post("/me/methods/totp/start", &t, json!({})).await;
    assert_eq!(start.body["issuer"], "Contoso");
}

#[tokio::test]
async fn graceful_shutdown_and_json_logs() {
    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).args(&["--log-format", "json"])).await;
    assert_eq!(
        srv.call(Method::GET, "/health", None, None).await.status,
        StatusCode::OK
    );
    let structured = |logs: &str| {
        logs.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["level"].is_string() && v["fields"].is_object())
            .count()
    };
    // The request's log line is read from the server's stderr by another thread: on a
    // busy machine it can arrive a little after the response.
    for _ in 0..100 {
        if structured(&srv.logs()) >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let logs = srv.logs();
    assert!(structured(&logs) >= 2, "{logs}");
    assert!(srv.stop(), "the server did not exit cleanly on SIGTERM");
}

#[tokio::test]
async fn jwks_url_served_on_loopback() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let fetches = Arc::new(AtomicUsize::new(0));
    let jwks = std::fs::read_to_string(fixture("jwks.json")).expect("jwks");
    let counter = fetches.clone();
    let app = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = jwks.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let jwks_url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let db = TestDb::new().await;
    let srv = Server::start_with(Options::new(&db).args(&["--jwks-url", &jwks_url])).await;
    let rsa_key = std::fs::read(fixture("rs256-private.pem")).expect("key");
    let sign = |kid: Option<&str>| {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(
            &header,
            &claims_with("zoe", json!({})),
            &jsonwebtoken::EncodingKey::from_rsa_pem(&rsa_key).expect("rsa"),
        )
        .expect("token")
    };
    assert_eq!(
        srv.get("/me/security-info", &sign(Some("test-rsa-1")))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        srv.get("/me/security-info", &sign(None)).await.status,
        StatusCode::OK
    );
    // The key set is cached, and an unknown kid does not refetch within 30 s.
    for _ in 0..3 {
        srv.get("/me/security-info", &sign(Some("rotated-away")))
            .await
            .assert_problem(401, "unauthenticated");
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    // The HS256 secret still works beside the JWKS.
    assert_eq!(
        srv.get("/me/security-info", &token("zoe")).await.status,
        StatusCode::OK
    );
}
