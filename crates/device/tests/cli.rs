//! The CLI against the real server binary (`SECURITY_INFO_SERVER_BIN`, default: the
//! `security-info-server` beside this crate's binary; `cargo build -p
//! security-info-server` first): activate from the activation URI and from code + URL,
//! watch (event stream and long-poll), approve, deny, a wrong number, code, list, and a
//! revoked device.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const CSRF: &str = security_info_core::api::CSRF_HEADER;

fn device_bin() -> &'static str {
    env!("CARGO_BIN_EXE_security-info-device")
}

fn server_bin() -> PathBuf {
    match std::env::var_os("SECURITY_INFO_SERVER_BIN") {
        Some(p) => PathBuf::from(p),
        None => Path::new(device_bin()).with_file_name("security-info-server"),
    }
}

struct Server {
    child: Child,
    api: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random");
    let dir = std::env::temp_dir().join(format!(
        "si-device-{name}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn start_server() -> Server {
    let bin = server_bin();
    assert!(
        bin.exists(),
        "{} is missing: build it (cargo build -p security-info-server) or set SECURITY_INFO_SERVER_BIN",
        bin.display()
    );
    let dir = temp_dir("server");
    let mut cmd = Command::new(bin);
    for (key, _) in std::env::vars() {
        if key.starts_with("SECURITY_INFO_") || key == "DATABASE_URL" {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd
        .args([
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--allowed-methods",
            "authenticator_push,totp",
        ])
        .arg("--data-dir")
        .arg(&dir)
        .env(
            "SECURITY_INFO_ENCRYPTION_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server printed its URL")
            .expect("line");
        if let Some(url) = line.strip_prefix("security-info-server listening on ") {
            break url.trim().to_owned();
        }
    };
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        api: format!("{url}/api"),
        dir,
    }
}

/// The demo's browser: a session cookie and the CSRF header.
struct Browser {
    api: String,
    /// Replaced when an answer rotates the session (sign-in's second factor, step-up).
    cookie: std::cell::RefCell<String>,
    agent: ureq::Agent,
}

impl Browser {
    fn sign_in(srv: &Server, user: &str) -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let body = json!({"username": user, "password": format!("{user}-demo-password")});
        let response = agent
            .post(format!("{}/session", srv.api))
            .header(CSRF, "1")
            .header("content-type", "application/json")
            .send(serde_json::to_vec(&body).expect("json").as_slice())
            .expect("sign in");
        assert_eq!(response.status(), 200);
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        Browser {
            api: srv.api.clone(),
            cookie: cookie.into(),
            agent,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.api);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("cookie", self.cookie.borrow().as_str())
            .header(CSRF, "1")
            .header("content-type", "application/json");
        let body = body
            .map(|b| serde_json::to_vec(&b).expect("json"))
            .unwrap_or_default();
        let mut response = self
            .agent
            .run(request.body(body).expect("request"))
            .expect("call");
        let status = response.status().as_u16();
        if let Some(cookie) = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
        {
            *self.cookie.borrow_mut() = cookie.to_owned();
        }
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn device(state: &Path, args: &[&str]) -> Output {
    Command::new(device_bin())
        .arg("--state")
        .arg(state)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run the device")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn activate_watch_approve_deny_wrong_number_code_list_and_revoke() {
    let srv = start_server();
    let browser = Browser::sign_in(&srv, "alice");
    let dir = temp_dir("state");
    let state = dir.join("device.json");

    let (status, start) = browser.call("POST", "/me/methods/authenticator-push/start", None);
    assert_eq!(status, 200, "{start}");
    let out = device(
        &state,
        &[
            "activate",
            start["activationUri"].as_str().expect("uri"),
            "--name",
            "CLI phone",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Activated \"CLI phone\""),
        "{}",
        text(&out)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state)
            .expect("state")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The URI again: used.
    let again = device(
        &state,
        &["activate", start["activationUri"].as_str().expect("uri")],
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("code-reused"), "{}", text(&again));

    // Watch (event stream) prints the test notification with its context.
    let watcher = Command::new(device_bin())
        .arg("--state")
        .arg(&state)
        .args(["watch", "--count", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("watch");
    std::thread::sleep(Duration::from_millis(700));
    let (status, challenge) = browser.call(
        "POST",
        "/me/methods/authenticator-push/test",
        Some(json!({"enrollmentId": start["enrollmentId"]})),
    );
    assert_eq!(status, 200, "{challenge}");
    let watched = watcher.wait_with_output().expect("watch output");
    let watched_text = String::from_utf8_lossy(&watched.stdout);
    assert!(watched.status.success());
    assert!(
        watched_text.contains("Add a sign-in method"),
        "{watched_text}"
    );
    assert!(watched_text.contains("--number NN"), "{watched_text}");
    assert!(watched_text.contains(challenge["id"].as_str().expect("id")));

    // Approve the only pending one with the number the browser shows.
    let number = challenge["number"].as_u64().expect("number").to_string();
    let out = device(&state, &["approve", "--number", &number]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Notification approved."));
    let (status, method) = browser.call(
        "POST",
        "/me/methods/authenticator-push",
        Some(json!({"challengeId": challenge["id"]})),
    );
    assert_eq!(status, 201, "{method}");
    assert_eq!(method["name"], "CLI phone");
    let (_, info) = browser.call("GET", "/me/security-info", None);
    assert_eq!(info["defaultMethod"]["mode"], "notification");

    // The code works as a step-up.
    let out = device(&state, &["code"]);
    let code = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(code.len(), 6, "{}", text(&out));
    let (status, body) = browser.call(
        "POST",
        "/me/step-up",
        Some(json!({"methodId": method["id"], "code": code})),
    );
    assert_eq!(status, 200, "{body}");

    // Watch by long-poll, then deny.
    let watcher = Command::new(device_bin())
        .arg("--state")
        .arg(&state)
        .args(["watch", "--poll", "--count", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("watch");
    std::thread::sleep(Duration::from_millis(700));
    let (status, challenge) = browser.call("POST", "/me/push/challenges", Some(json!({})));
    assert_eq!(status, 200, "{challenge}");
    let watched = watcher.wait_with_output().expect("watch output");
    assert!(String::from_utf8_lossy(&watched.stdout).contains("Verify your identity"));
    let out = device(&state, &["list"]);
    assert!(
        text(&out).contains("Verify your identity"),
        "{}",
        text(&out)
    );
    let out = device(&state, &["deny"]);
    assert!(
        text(&out).contains("Notification denied."),
        "{}",
        text(&out)
    );
    let id = challenge["id"].as_str().expect("id");
    let (_, seen) = browser.call("GET", &format!("/me/push/challenges/{id}"), None);
    assert_eq!(seen["state"], "denied");

    // A wrong number denies.
    let (_, challenge) = browser.call("POST", "/me/push/challenges", Some(json!({})));
    let number = challenge["number"].as_u64().expect("number");
    let wrong = if number == 99 { 10 } else { number + 1 }.to_string();
    let id = challenge["id"].as_str().expect("id");
    let out = device(&state, &["approve", "--id", id, "--number", &wrong]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not the number shown"),
        "{}",
        text(&out)
    );
    let (_, seen) = browser.call("GET", &format!("/me/push/challenges/{id}"), None);
    assert_eq!(seen["state"], "wrong_number");
    let out = device(&state, &["approve", "--number", "42"]);
    assert!(
        text(&out).contains("no notification is waiting"),
        "{}",
        text(&out)
    );

    // Deleting the method revokes the device.
    let (status, _) = browser.call(
        "DELETE",
        &format!("/me/methods/{}", method["id"].as_str().expect("id")),
        None,
    );
    assert_eq!(status, 200);
    let out = device(&state, &["deny"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("HTTP 401"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn activate_with_code_and_url_and_refusals() {
    let srv = start_server();
    let browser = Browser::sign_in(&srv, "bob");
    let dir = temp_dir("state");
    let state = dir.join("device.json");
    let (_, start) = browser.call("POST", "/me/methods/authenticator-push/start", None);
    let code = start["activationCode"].as_str().expect("code");
    let grouped = security_info_core::push::group_activation_code(code);
    let url = start["activationUrl"].as_str().expect("url");
    // A wrong code is refused.
    let wrong = if code == "000000000" {
        "000000001"
    } else {
        "000000000"
    };
    let out = device(&state, &["activate", "--code", wrong, "--url", url]);
    assert!(!out.status.success());
    assert!(text(&out).contains("invalid-code"), "{}", text(&out));
    assert!(!state.exists(), "nothing stored for a refused activation");
    // Not an activation URI.
    let out = device(&state, &["activate", "otpauth://totp/x?secret=ABC"]);
    assert!(!out.status.success());
    // The grouped code as the page shows it.
    let out = device(&state, &["activate", "--code", &grouped, "--url", url]);
    assert!(out.status.success(), "{}", text(&out));
    let out = device(&state, &["list"]);
    assert!(
        text(&out).contains("no notifications waiting"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("security-info-device"),
        "{}",
        text(&out)
    );
    let help = Command::new(device_bin())
        .arg("--help")
        .output()
        .expect("help");
    for command in ["activate", "list", "watch", "approve", "deny", "code"] {
        assert!(String::from_utf8_lossy(&help.stdout).contains(command));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
