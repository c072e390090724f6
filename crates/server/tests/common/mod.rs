//! Test harness: the router in process ([`App`]), or the real server binary
//! ([`Server`]) on 127.0.0.1 (port 0, read back from its output); either against a
//! fresh database — an SQLite file in a temporary directory, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` points at a server.

#![allow(dead_code)] // Each test file uses a different part of the harness.

pub mod push;

use reqwest::{Method, StatusCode};
use security_info_core::Secret;
use security_info_core::totp::TotpParams;
use security_info_server::config::Settings;
use security_info_server::db::Db;
use security_info_server::{AppState, app};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

pub const JWT_SECRET: &str = "test-jwt-secret-of-enough-length-0123456789";
/// Every test server requires these in bearer tokens (iss and aud are mandatory with JWT
/// verification on); [`token_with`] puts them in every test token.
pub const JWT_ISSUER: &str = "security-info-tests";
pub const JWT_AUDIENCE: &str = "security-info";
pub const ENCRYPTION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub fn is_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("random");
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("si-server-test-{name}"));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One database for one test (shared by the instances and restarts of that test).
pub struct TestDb {
    pub url: String,
    pub dir: TempDir,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = TempDir::new();
        let url = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => create_pg_database(&admin).await,
            _ => format!(
                "sqlite://{}?mode=rwc",
                dir.0.join("security-info.db").display()
            ),
        };
        TestDb { url, dir }
    }

    pub fn sqlite_file(&self) -> Option<PathBuf> {
        (!is_postgres()).then(|| self.dir.0.join("security-info.db"))
    }

    /// Everything stored, as text: the SQLite file and its WAL, or every row of every
    /// table on PostgreSQL.
    pub async fn dump(&self) -> Vec<u8> {
        match self.sqlite_file() {
            Some(file) => {
                let mut all = std::fs::read(&file).unwrap_or_default();
                let mut wal = file.clone().into_os_string();
                wal.push("-wal");
                all.extend(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
                all
            }
            None => {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&self.url).await.expect("pg");
                let mut out = Vec::new();
                for table in [
                    "users",
                    "methods",
                    "enrollments",
                    "attempts",
                    "freshness",
                    "sessions",
                    "rate_locks",
                    "hardware_tokens",
                ] {
                    let rows: Vec<(String,)> =
                        sqlx::query_as(&format!("SELECT row_to_json(t)::text FROM {table} t"))
                            .fetch_all(&mut conn)
                            .await
                            .expect("dump");
                    for (row,) in rows {
                        out.extend(row.into_bytes());
                        out.push(b'\n');
                    }
                }
                out
            }
        }
    }
}

async fn create_pg_database(admin_url: &str) -> String {
    use sqlx::Connection;
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("random");
    let name = format!(
        "si_test_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("TEST_DATABASE_URL must reach PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    format!("{prefix}/{name}{query}")
}

/// A running server process.
pub struct Server {
    child: Child,
    pub url: String,
    pub api: String,
    logs: Arc<Mutex<String>>,
    pub http: reqwest::Client,
}

pub struct Options<'a> {
    pub db: &'a TestDb,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl<'a> Options<'a> {
    pub fn new(db: &'a TestDb) -> Self {
        Options {
            db,
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_security-info-server")
}

/// Base command with the test's database, key and JWT secret, and no inherited
/// configuration from the environment.
pub fn command(db: &TestDb) -> Command {
    let mut cmd = Command::new(binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("SECURITY_INFO_") || key == "DATABASE_URL" {
            cmd.env_remove(key);
        }
    }
    cmd.env("DATABASE_URL", &db.url)
        .env("SECURITY_INFO_DATA_DIR", &db.dir.0)
        .env("SECURITY_INFO_ENCRYPTION_KEY", ENCRYPTION_KEY)
        .env("SECURITY_INFO_JWT_SECRET", JWT_SECRET)
        .env("SECURITY_INFO_JWT_ISSUER", JWT_ISSUER)
        .env("SECURITY_INFO_JWT_AUDIENCE", JWT_AUDIENCE)
        .env("RUST_LOG", "info,security_info_server=debug");
    cmd
}

impl Server {
    pub async fn start(db: &TestDb) -> Server {
        Server::start_with(Options::new(db)).await
    }

    pub async fn start_with(options: Options<'_>) -> Server {
        let mut cmd = command(options.db);
        cmd.arg("--listen")
            .arg("127.0.0.1:0")
            .args(&options.args)
            .envs(options.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn server");
        let logs = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        spawn_reader(stdout, logs.clone(), Some(tx));
        spawn_reader(stderr, logs.clone(), None);
        let url = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(120)))
            .await
            .expect("join");
        let Ok(url) = url else {
            std::thread::sleep(Duration::from_millis(200));
            panic!(
                "the server did not print its URL; output:\n{}",
                logs.lock().expect("logs")
            );
        };
        let base = options
            .args
            .iter()
            .position(|a| a == "--base-path")
            .and_then(|i| options.args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| "/api".to_owned());
        // Connect to 127.0.0.1 (what it listens on); it prints localhost for browsers.
        let url = url.replace("localhost", "127.0.0.1");
        Server {
            child,
            api: format!("{url}{base}"),
            url,
            logs,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
        }
    }

    pub fn logs(&self) -> String {
        self.logs.lock().expect("logs").clone()
    }

    /// The demo portal of a server started with `--portal-listen`: its URL and its
    /// users with this run's passwords, as printed at start.
    pub async fn portal(&self) -> Portal {
        for _ in 0..100 {
            let logs = self.logs();
            let url = logs
                .lines()
                .find_map(|l| l.strip_prefix("demo portal on "))
                .map(|u| u.trim().replace("localhost", "127.0.0.1"));
            if let Some(url) = url {
                let users = logs
                    .lines()
                    .filter_map(|l| l.strip_prefix("portal user: "))
                    .filter_map(|l| l.split_once(" / "))
                    .map(|(user, password)| (user.to_owned(), password.trim().to_owned()))
                    .collect();
                return Portal { url, users };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no portal URL in the output:\n{}", self.logs());
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops with SIGTERM and waits; returns whether it exited cleanly.
    pub fn stop(mut self) -> bool {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

pub struct Portal {
    pub url: String,
    /// (subject, password)
    pub users: Vec<(String, String)>,
}

impl Api for Server {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, format!("{}{path}", self.api));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Response::from(request.send().await.expect("request")).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The calls tests make, against the server process ([`Server`]) or the router in
/// process ([`App`]): both answer the same `Response`.
pub trait Api {
    /// Calls the API; answers status, JSON body (Null when none) and headers.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response;

    async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    async fn delete_method(&self, token: &str, id: &str) -> Response {
        let path = format!("/me/methods/{id}");
        self.call(Method::DELETE, &path, Some(token), None).await
    }

    async fn security_info(&self, token: &str) -> Value {
        let r = self.get("/me/security-info", token).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body
    }

    /// Enrols a TOTP method; returns it with its secret and the used steps.
    async fn enroll(&self, token: &str, name: &str) -> Totp {
        let start = self.post("/me/methods/totp/start", token, json!({})).await;
        assert_eq!(start.status, StatusCode::OK, "start: {:?}", start.body);
        let secret = Secret::generate().expect("secret");
        let mut totp = Totp {
            id: String::new(),
            secret,
            used: HashSet::new(),
        };
        let code = totp.next_code();
        let finish = self
            .post(
                "/me/methods/totp",
                token,
                json!({
                    "enrollmentId": start.body["enrollmentId"],
                    "secret": totp.secret.to_base32(),
                    "code": code,
                    "name": name,
                }),
            )
            .await;
        assert_eq!(
            finish.status,
            StatusCode::CREATED,
            "finish: {:?}",
            finish.body
        );
        totp.id = finish.body["id"].as_str().expect("id").to_owned();
        totp
    }

    /// Activates a hardware token by its serial number and a code.
    async fn activate(&self, token: &str, serial: &str, code: &str) -> Response {
        self.post(
            "/me/methods/hardware-token",
            token,
            json!({"serial": serial, "code": code}),
        )
        .await
    }

    async fn step_up(&self, token: &str, totp: &mut Totp) -> Response {
        let code = totp.next_code();
        self.post(
            "/me/step-up",
            token,
            json!({"methodId": totp.id, "code": code}),
        )
        .await
    }
}

/// The application router in this process (`tower::ServiceExt::oneshot`), on the test's
/// database with the test key and JWT secret; `/api` is its base path.
pub struct App {
    pub router: axum::Router,
    pub state: AppState,
}

impl App {
    pub async fn start(db: &TestDb) -> App {
        App::start_with(db, |_| {}).await
    }

    /// Settings are given as values, not flags: nothing comes from the environment.
    pub async fn start_with(db: &TestDb, adjust: impl FnOnce(&mut Settings)) -> App {
        let mut settings = Settings {
            database_url: Some(db.url.clone()),
            data_dir: Some(db.dir.0.clone()),
            encryption_key: Some(ENCRYPTION_KEY.to_owned()),
            jwt_secret: Some(JWT_SECRET.to_owned()),
            jwt_issuer: Some(JWT_ISSUER.to_owned()),
            jwt_audience: Some(JWT_AUDIENCE.to_owned()),
            ..Settings::default()
        };
        adjust(&mut settings);
        let config = settings.resolve().expect("config");
        let pool = Db::connect(&config.database_url, config.db_max_connections)
            .await
            .expect("database");
        let state = AppState::load(pool, config).expect("state");
        App {
            router: app(state.clone()),
            state,
        }
    }

    /// Sends a request as built by the test (headers, cookies, raw bodies).
    pub async fn send(&self, request: axum::http::Request<axum::body::Body>) -> Response {
        use tower::ServiceExt;
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        let text = String::from_utf8_lossy(&bytes);
        Response {
            status: parts.status,
            headers: parts.headers,
            body: serde_json::from_str(&text).unwrap_or(if text.is_empty() {
                Value::Null
            } else {
                Value::String(text.into_owned())
            }),
        }
    }

    pub fn request(method: Method, path: &str) -> axum::http::request::Builder {
        axum::http::Request::builder()
            .method(method)
            .uri(format!("/api{path}"))
    }
}

impl Api for App {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = App::request(method, path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                axum::body::Body::from(body.to_string())
            }
            None => axum::body::Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }
}

fn spawn_reader(
    stream: impl Read + Send + 'static,
    logs: Arc<Mutex<String>>,
    url_tx: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &url_tx
                && !sent
                && let Some(pos) = line.find("http://localhost:")
            {
                let url = line[pos..].split_whitespace().next().unwrap_or_default();
                let _ = tx.send(url.to_owned());
                sent = true;
            }
            let mut logs = logs.lock().expect("logs");
            logs.push_str(&line);
            logs.push('\n');
        }
    });
}

/// A browser with a cookie jar, for the demo's session routes (the CSRF header set).
pub struct CookieBrowser {
    client: reqwest::Client,
    api: String,
}

impl CookieBrowser {
    pub fn new(srv: &Server) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        CookieBrowser {
            client,
            api: srv.api.clone(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.api))
            .header(security_info_core::api::CSRF_HEADER, "1");
        if let Some(body) = body {
            request = request.json(&body);
        }
        Response::from(request.send().await.expect("send")).await
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Response {
    pub async fn from(response: reqwest::Response) -> Response {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        });
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the first cookie the answer sets, if any.
    pub fn set_cookie(&self) -> Option<String> {
        set_cookie_value(&self.headers)
    }

    /// Asserts a problem+json answer with `status` and `code`.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {:?}", self.body);
        assert_eq!(self.content_type(), "application/problem+json");
        assert_eq!(self.body["code"], code, "body: {:?}", self.body);
        assert_eq!(self.body["status"], status);
    }
}

/// A TOTP method as the authenticator app sees it. Codes come from the steps T−1, T and
/// T+1 around now, in increasing order (the server refuses a step it already accepted
/// and every earlier one).
pub struct Totp {
    pub id: String,
    pub secret: Secret,
    pub used: HashSet<u64>,
}

impl Totp {
    pub fn step_now() -> u64 {
        security_info_core::unix_now() / 30
    }

    pub fn code_at_step(&self, step: u64) -> String {
        TotpParams::default().code_at_step(self.secret.as_bytes(), step)
    }

    /// A valid code for a step later than every one used (the server refuses a step
    /// and every earlier one once it accepted it: RFC 6238 section 5.2); waits for the
    /// next step when T+1 is used. Earliest first, so three codes are available at once;
    /// T−1 only when the clock is not about to tick (it would leave the window).
    pub fn next_code(&mut self) -> String {
        loop {
            let now_secs = security_info_core::unix_now();
            let now = now_secs / 30;
            let last = self.used.iter().max().copied();
            let earliest = if now_secs % 30 < 25 { now - 1 } else { now };
            if let Some(step) = (earliest..=now + 1).find(|s| last.is_none_or(|l| *s > l)) {
                self.used.insert(step);
                return self.code_at_step(step);
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    /// A code that is certainly wrong now.
    pub fn wrong_code(&self) -> String {
        let now = Totp::step_now();
        let near: Vec<String> = (now - 12..=now + 12)
            .map(|s| self.code_at_step(s))
            .collect();
        (0..1_000_000u32)
            .map(|n| format!("{n:06}"))
            .find(|c| !near.contains(c))
            .expect("a wrong code")
    }
}

/// A hardware OATH token as its owner holds it: the serial on its back and the secret
/// inside (the test computes its codes).
pub struct HwToken {
    pub serial: String,
    pub secret: Secret,
    pub params: TotpParams,
}

impl HwToken {
    pub fn new(serial: &str, params: TotpParams) -> HwToken {
        HwToken {
            serial: serial.to_owned(),
            secret: Secret::generate().expect("secret"),
            params,
        }
    }

    /// Its line in an import file (`upn` empty: available to anyone).
    pub fn csv_line(&self, upn: &str) -> String {
        format!(
            "{upn},{},{},{},Acme,OTP c200,{},{}\n",
            self.serial,
            self.secret.to_base32(),
            self.params.period,
            self.params.algorithm.as_str(),
            self.params.digits
        )
    }

    /// The current time step, at least five seconds before it ends, so codes of the
    /// steps before, at and after it are all accepted for a while.
    pub fn settled_step(&self) -> u64 {
        loop {
            let now = security_info_core::unix_now();
            if now % u64::from(self.params.period) < u64::from(self.params.period) - 5 {
                return self.params.step_at(now);
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    pub fn code_at_step(&self, step: u64) -> String {
        self.params.code_at_step(self.secret.as_bytes(), step)
    }
}

/// The header of a token import file with the optional algorithm and digits columns.
pub const TOKEN_CSV_HEADER: &str =
    "upn,serial number,secret key,time interval,manufacturer,model,algorithm,digits\n";

/// Runs `admin tokens ARGS…` on the test's database: exit code, stdout, stderr.
pub fn tokens_cli(mut cmd: Command, args: &[&str]) -> (i32, String, String) {
    cmd.args(["admin", "tokens"]).args(args);
    let out = cmd.output().expect("cli");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An HS256 token for `sub` signed with the test secret.
pub fn token(sub: &str) -> String {
    token_with(sub, json!({}))
}

/// The claims of a test token for `sub` (issuer, audience, an hour to live), with
/// `extra` added or replacing them (`null` removes a claim).
pub fn claims_with(sub: &str, extra: Value) -> Value {
    let mut claims = json!({
        "sub": sub,
        "exp": security_info_core::unix_now() + 3600,
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
    });
    if let (Some(map), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            if v.is_null() {
                map.remove(k);
            } else {
                map.insert(k.clone(), v.clone());
            }
        }
    }
    claims
}

/// An HS256 token for `sub` signed with the test secret, with `extra` claims.
pub fn token_with(sub: &str, extra: Value) -> String {
    let claims = claims_with(sub, extra);
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("token")
}

/// The value of the first cookie a `Set-Cookie` header sets (empty when it removes one).
pub fn set_cookie_value(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.split_once('='))
        .map(|(_, v)| v.to_owned())
}

/// A unique user name per call, so tests sharing a database never collide.
pub fn user(prefix: &str) -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("random");
    format!(
        "{prefix}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Starts and finishes `n` enrolments, spread over `servers`, in concurrent waves of
/// three (the server keeps at most three of a user's enrolments open); returns the
/// finish statuses (starts refused with 409 count as 409).
pub async fn concurrent_enrolments(servers: &[&Server], token: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(n);
    for wave in (0..n).collect::<Vec<_>>().chunks(3) {
        let tasks = wave.iter().map(|i| {
            let srv = servers[i % servers.len()];
            async move {
                let start = srv.post("/me/methods/totp/start", token, json!({})).await;
                if start.status != StatusCode::OK {
                    return start.status.as_u16();
                }
                let mut totp = Totp {
                    id: String::new(),
                    secret: security_info_core::Secret::generate().expect("secret"),
                    used: Default::default(),
                };
                let code = totp.next_code();
                srv.post(
                    "/me/methods/totp",
                    token,
                    json!({"enrollmentId": start.body["enrollmentId"],
                           "secret": totp.secret.to_base32(), "code": code}),
                )
                .await
                .status
                .as_u16()
            }
        });
        statuses.extend(futures::future::join_all(tasks).await);
    }
    statuses
}
