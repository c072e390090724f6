//! Delivery against real receivers on 127.0.0.1: an SMTP server (Debian's
//! python3-aiosmtpd, `smtp_receiver.py`) that requires STARTTLS with a certificate this
//! test generates (openssl) and AUTH; and a webhook receiver (axum) that checks what a
//! provider's receiver would: the signature, the payload, the tries.

mod common;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use common::*;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use security_info_server::config::Settings;
use security_info_server::delivery::WebhookPayload;
use serde_json::json;
use sha2::Sha256;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SMTP_USER: &str = "mailer";
const SMTP_PASSWORD: &str = "mailer-password";

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

fn openssl(args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl (Debian package openssl)");
    assert!(status.success(), "openssl {args:?} failed");
}

/// The SMTP receiver process and its certificate and messages.
struct SmtpReceiver {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl SmtpReceiver {
    fn start() -> SmtpReceiver {
        let dir = TempDir::new();
        // A private CA (what the server is told to trust) and the receiver's certificate
        // for "localhost" signed by it: rustls refuses a CA certificate as a server's own.
        let d = |name: &str| dir.0.join(name);
        std::fs::write(
            d("ext.cnf"),
            "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .expect("ext.cnf");
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Test SMTP CA",
            "-keyout",
            path(&d("ca-key.pem")),
            "-out",
            path(&d("ca.pem")),
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            path(&d("key.pem")),
            "-out",
            path(&d("leaf.csr")),
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            path(&d("leaf.csr")),
            "-CA",
            path(&d("ca.pem")),
            "-CAkey",
            path(&d("ca-key.pem")),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            path(&d("ext.cnf")),
            "-out",
            path(&d("cert.pem")),
        ]);
        std::fs::create_dir(dir.0.join("out")).expect("out dir");
        let python =
            std::env::var("SMTP_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_receiver.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(dir.0.join("cert.pem"))
            .arg(dir.0.join("key.pem"))
            .arg(dir.0.join("out"))
            .args([SMTP_USER, SMTP_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (Debian package python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("receiver output");
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP receiver did not start: {line:?}"));
        SmtpReceiver { child, port, dir }
    }

    /// The CA certificate the server must trust.
    fn ca(&self) -> PathBuf {
        self.dir.0.join("ca.pem")
    }

    /// The `n`th message received (raw) and its envelope, waiting up to 5 s.
    fn message(&self, n: u32) -> (String, String) {
        let eml = self.dir.0.join(format!("out/{n}.eml"));
        let rcpt = self.dir.0.join(format!("out/{n}.rcpt"));
        let deadline = Instant::now() + Duration::from_secs(5);
        while !rcpt.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        (
            std::fs::read_to_string(eml).expect("a message arrived"),
            std::fs::read_to_string(rcpt).expect("its envelope"),
        )
    }

    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.0.join("out"))
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
                })
                .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_settings(s: &mut Settings, receiver: &SmtpReceiver) {
    s.allowed_methods = Some(vec!["totp".into(), "email".into()]);
    s.smtp_host = Some("localhost".into());
    s.smtp_port = Some(receiver.port);
    s.smtp_tls = Some("starttls".into());
    s.smtp_username = Some(SMTP_USER.into());
    s.smtp_password = Some(SMTP_PASSWORD.into());
    s.smtp_from = Some("no-reply@example.com".into());
    s.smtp_ca_cert = Some(receiver.ca());
}

/// A header's value (first occurrence, unfolded).
fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        l.split_once(':')
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

#[tokio::test]
async fn email_codes_arrive_over_starttls_with_headers_and_text_and_html_parts() {
    let receiver = SmtpReceiver::start();
    let db = TestDb::new().await;
    let srv = App::start_with(&db, |s| smtp_settings(s, &receiver)).await;
    let t = token(&user("smtp"));
    let sent = srv
        .post(
            "/me/methods/email/start",
            &t,
            json!({"address": "jan@example.org", "locale": "en"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let (raw, envelope) = receiver.message(1);
    assert_eq!(
        envelope, "no-reply@example.com\njan@example.org\ntls=True\n",
        "sent over the STARTTLS session"
    );
    assert_eq!(
        header(&raw, "From"),
        Some("\"Security Info Demo\" <no-reply@example.com>")
    );
    assert_eq!(header(&raw, "To"), Some("jan@example.org"));
    assert_eq!(
        header(&raw, "Subject"),
        Some("Your Security Info Demo verification code")
    );
    assert!(header(&raw, "Date").is_some() && header(&raw, "Message-ID").is_some());
    assert!(
        header(&raw, "Content-Type").is_some_and(|v| v.starts_with("multipart/alternative")),
        "{raw}"
    );
    // Quoted-printable soft line breaks joined.
    let body = raw.replace("=\r\n", "").replace("=\n", "");
    assert!(
        body.contains("Content-Type: text/plain; charset=utf-8"),
        "{raw}"
    );
    assert!(
        body.contains("Content-Type: text/html; charset=utf-8"),
        "{raw}"
    );
    let text_at = body.find("verification code is ").expect("the text part") + 21;
    let code: String = body[text_at..].chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");
    assert!(
        body.contains(&format!("<strong>{code}</strong>")),
        "the HTML part carries it too"
    );
    // The code in the email finishes the enrolment.
    let r = srv
        .post(
            "/me/methods/email",
            &t,
            json!({"challengeId": sent.body["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["detail"], "j•••••@example.org");
}

#[tokio::test]
async fn an_smtp_server_with_an_untrusted_certificate_or_wrong_credentials_gets_nothing() {
    let receiver = SmtpReceiver::start();
    let db = TestDb::new().await;
    // The system's roots do not know the test's certificate.
    let srv = App::start_with(&db, |s| {
        smtp_settings(s, &receiver);
        s.smtp_ca_cert = None;
    })
    .await;
    let t = token(&user("untrusted"));
    let started = Instant::now();
    srv.post(
        "/me/methods/email/start",
        &t,
        json!({"address": "jan@example.org"}),
    )
    .await
    .assert_problem(503, "delivery-failed");
    let srv = App::start_with(&db, |s| {
        smtp_settings(s, &receiver);
        s.smtp_password = Some("wrong".into());
    })
    .await;
    srv.post(
        "/me/methods/email/start",
        &t,
        json!({"address": "jan@example.org"}),
    )
    .await
    .assert_problem(503, "delivery-failed");
    assert!(
        started.elapsed() < Duration::from_secs(11),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(receiver.count(), 0);
}

/// What the webhook receiver saw, and how many requests it still fails.
#[derive(Default)]
struct Hook {
    seen: Vec<(HeaderMap, Bytes, Instant)>,
    fail_first: usize,
}

async fn webhook_receiver(fail_first: usize) -> (String, Arc<Mutex<Hook>>) {
    let hook = Arc::new(Mutex::new(Hook {
        fail_first,
        ..Hook::default()
    }));
    let state = hook.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move {
                let mut hook = state.lock().expect("hook");
                hook.seen.push((headers, body, Instant::now()));
                if hook.seen.len() <= hook.fail_first {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hook)
}

const HOOK_SECRET: &str = "webhook-signing-secret";

fn check_signature(headers: &HeaderMap, body: &[u8]) {
    let timestamp = headers["x-signature-timestamp"]
        .to_str()
        .expect("timestamp");
    let age = security_info_core::unix_now().abs_diff(timestamp.parse::<u64>().expect("number"));
    assert!(age <= 30, "a fresh timestamp");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(HOOK_SECRET.as_bytes()).expect("key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        headers["x-signature"].to_str().expect("signature"),
        format!("sha256={expected}")
    );
}

async fn webhook_app(db: &TestDb, url: String) -> App {
    App::start_with(db, |s| {
        s.allowed_methods = Some(vec!["totp".into(), "phone".into(), "email".into()]);
        s.delivery_webhook_url = Some(url);
        s.delivery_webhook_secret = Some(HOOK_SECRET.into());
    })
    .await
}

#[tokio::test]
async fn the_webhook_is_signed_and_tried_again_after_failures() {
    let (url, hook) = webhook_receiver(2).await;
    let db = TestDb::new().await;
    let srv = webhook_app(&db, url).await;
    let t = token(&user("hook"));
    let sent = srv
        .post(
            "/me/methods/phone/start",
            &t,
            json!({"phoneKind": "mobile", "number": "+31612345678", "mode": "text", "locale": "nl"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let (seen, code) = {
        let hook = hook.lock().expect("hook");
        assert_eq!(hook.seen.len(), 3, "two failures, then delivered");
        for (headers, body, _) in &hook.seen {
            check_signature(headers, body);
            assert_eq!(headers["content-type"], "application/json");
        }
        let payload: WebhookPayload = serde_json::from_slice(&hook.seen[2].1).expect("payload");
        let code: String = payload
            .message
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        (payload, code)
    };
    assert_eq!(seen.kind, "text");
    assert_eq!(seen.to, "+31612345678");
    assert_eq!(seen.locale, "nl");
    assert!(
        seen.message
            .starts_with("Je verificatiecode voor Security Info Demo is ")
    );
    assert_eq!(seen.expires_at, sent.body["expiresAt"].as_i64().unwrap());
    assert_eq!(seen.html, None, "HTML for emails only");
    let body: serde_json::Value =
        serde_json::from_slice(&hook.lock().expect("hook").seen[2].1).expect("json");
    let mut keys: Vec<_> = body.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["expiresAt", "kind", "locale", "message", "subject", "to"]
    );
    let r = srv
        .post(
            "/me/methods/phone",
            &t,
            json!({"challengeId": sent.body["challengeId"], "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // Email through the webhook (no SMTP configured) carries the HTML part.
    let sent = srv
        .post(
            "/me/methods/email/start",
            &token(&user("hook-mail")),
            json!({"address": "jan@example.org"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let hook = hook.lock().expect("hook");
    let payload: WebhookPayload = serde_json::from_slice(&hook.seen[3].1).expect("payload");
    assert_eq!(payload.kind, "email");
    assert!(payload.html.is_some_and(|h| h.contains("<strong>")));
}

#[tokio::test]
async fn a_webhook_that_keeps_failing_gets_three_tries_within_ten_seconds_and_no_success() {
    let (url, hook) = webhook_receiver(usize::MAX).await;
    let db = TestDb::new().await;
    let srv = webhook_app(&db, url).await;
    let t = token(&user("hook-down"));
    let started = Instant::now();
    srv.post(
        "/me/methods/phone/start",
        &t,
        json!({"phoneKind": "mobile", "number": "+31612345678", "mode": "call"}),
    )
    .await
    .assert_problem(503, "delivery-failed");
    assert!(started.elapsed() < Duration::from_secs(10));
    let hook = hook.lock().expect("hook");
    assert_eq!(hook.seen.len(), 3);
    // The same payload each time, each signed afresh.
    assert!(hook.seen.iter().all(|(_, body, _)| *body == hook.seen[0].1));
    assert!(hook.seen[1].2 > hook.seen[0].2);
}
