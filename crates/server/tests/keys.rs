//! The encryption key against the real binary: a wrong key refuses to start, key
//! rotation is resumable, the key file is not kept beside the database unnoticed, the
//! SQLite files are private, and settings of 0 that would disable a protection are
//! refused.

mod common;

use common::*;
use reqwest::StatusCode;
use security_info_core::totp::TotpParams;
use security_info_server::config::Settings;
use security_info_server::db::Db;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a start of the binary came to.
#[derive(Debug)]
enum Outcome {
    /// It printed its URL (and was then stopped).
    Started(String),
    /// It exited before serving, with this code and output.
    Exited(i32, String),
}

impl Outcome {
    fn started(&self) -> bool {
        matches!(self, Outcome::Started(_))
    }
}

/// Runs `cmd` until the server prints its URL (then kills it) or exits by itself.
fn launch(mut cmd: Command) -> Outcome {
    cmd.arg("--listen")
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn server");
    let output = Arc::new(Mutex::new(String::new()));
    let readers = [
        read_into(child.stdout.take().expect("stdout"), output.clone()),
        read_into(child.stderr.take().expect("stderr"), output.clone()),
    ];
    for _ in 0..1200 {
        if output.lock().expect("output").contains("http://localhost:") {
            let _ = child.kill();
            let _ = child.wait();
            readers.into_iter().for_each(|r| r.join().expect("reader"));
            return Outcome::Started(output.lock().expect("output").clone());
        }
        if let Ok(Some(status)) = child.try_wait() {
            readers.into_iter().for_each(|r| r.join().expect("reader"));
            return Outcome::Exited(
                status.code().unwrap_or(-1),
                output.lock().expect("output").clone(),
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the server neither started nor exited in 120 s");
}

fn read_into(
    stream: impl Read + Send + 'static,
    output: Arc<Mutex<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut out = output.lock().expect("output");
            out.push_str(&line);
            out.push('\n');
        }
    })
}

async fn launch_async(cmd: Command) -> Outcome {
    tokio::task::spawn_blocking(move || launch(cmd))
        .await
        .expect("join")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The test command with the key taken from `key_file` instead of the harness's key.
fn with_key_file(db: &TestDb, key_file: &Path) -> Command {
    let mut cmd = command(db);
    cmd.env("SECURITY_INFO_ENCRYPTION_KEY", "")
        .args(["--key-file", path_str(key_file)]);
    cmd
}

fn options_with_key_file<'a>(db: &'a TestDb, key_file: &Path) -> Options<'a> {
    let mut options = Options::new(db).args(&["--key-file", path_str(key_file)]);
    options
        .env
        .push(("SECURITY_INFO_ENCRYPTION_KEY".into(), String::new()));
    options
}

/// A directory for key files apart from the database's.
fn key_dir(db: &TestDb) -> PathBuf {
    let dir = db.dir.0.join("keys");
    std::fs::create_dir_all(&dir).expect("key dir");
    dir
}

/// Point 11: an instance with another key file on the same database used to start and
/// answer 500 for every method enrolled under the first key.
#[tokio::test]
async fn another_key_on_the_same_database_refuses_to_start() {
    let db = TestDb::new().await;
    let keys = key_dir(&db);
    let (key_a, key_b) = (keys.join("a.key"), keys.join("b.key"));
    let srv = Server::start_with(options_with_key_file(&db, &key_a)).await;
    let t = token(&user("kim"));
    let mut m = srv.enroll(&t, "app").await;
    assert!(srv.stop());

    let outcome = launch_async(with_key_file(&db, &key_b)).await;
    let Outcome::Exited(code, output) = outcome else {
        panic!("started with another key: {outcome:?}");
    };
    assert_ne!(code, 0);
    assert!(output.contains(path_str(&key_b)), "{output}");
    // The same holds for a key given in the configuration, named as such.
    let mut cmd = command(&db);
    cmd.env(
        "SECURITY_INFO_ENCRYPTION_KEY",
        "//////////////////////////////////////////8=",
    );
    let Outcome::Exited(code, output) = launch_async(cmd).await else {
        panic!("started with another configured key");
    };
    assert_ne!(code, 0);
    assert!(output.contains("--encryption-key"), "{output}");

    // The right key still starts and opens the secret.
    let srv = Server::start_with(options_with_key_file(&db, &key_a)).await;
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
}

/// Point 11: instances starting at once on a database without a check value, each with
/// its own key — only one key may be recorded, so only one instance serves.
#[tokio::test]
async fn first_starts_at_once_with_different_keys_record_one_key() {
    let db = TestDb::new().await;
    // Migrated, but no key recorded yet: the state of a database never served.
    drop(Db::connect(&db.url, None).await.expect("migrate"));
    let keys = key_dir(&db);
    let starts = (0..4).map(|i| {
        let cmd = with_key_file(&db, &keys.join(format!("{i}.key")));
        tokio::task::spawn_blocking(move || launch(cmd))
    });
    let outcomes: Vec<Outcome> = futures::future::join_all(starts)
        .await
        .into_iter()
        .map(|o| o.expect("join"))
        .collect();
    let started = outcomes.iter().filter(|o| o.started()).count();
    assert_eq!(started, 1, "{outcomes:#?}");
}

/// Runs `admin rotate-encryption-key` from `old` to `new`; answers exit code and output.
fn rotate(db: &TestDb, old: &Path, new: &Path, limit: Option<u32>) -> (i32, String) {
    let mut cmd = with_key_file(db, old);
    cmd.args([
        "admin",
        "rotate-encryption-key",
        "--new-key-file",
        path_str(new),
    ]);
    if let Some(limit) = limit {
        cmd.args(["--limit", &limit.to_string()]);
    }
    let out = cmd.output().expect("cli");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Point 9: key rotation re-encrypts every secret, survives an interruption (a run that
/// stops after one row), refuses to serve half-done, and retires the old key. The
/// hardware tokens waiting in the inventory are re-encrypted too (issue 15).
#[tokio::test]
async fn key_rotation_is_resumable_and_retires_the_old_key() {
    let db = TestDb::new().await;
    let keys = key_dir(&db);
    let (old, new) = (keys.join("old.key"), keys.join("new.key"));
    let srv = Server::start_with(options_with_key_file(&db, &old)).await;
    let mut methods = Vec::new();
    for _ in 0..4 {
        let t = token(&user("rot"));
        methods.push((t.clone(), srv.enroll(&t, "app").await));
    }
    assert!(srv.stop());
    let tokens = [
        HwToken::new("ROT-0001", TotpParams::default()),
        HwToken::new("ROT-0002", TotpParams::default()),
    ];
    let file = db.dir.0.join("tokens.csv");
    let lines: String = tokens.iter().map(|t| t.csv_line("")).collect();
    std::fs::write(&file, format!("{TOKEN_CSV_HEADER}{lines}")).expect("csv");
    let (code, out, err) = tokens_cli(with_key_file(&db, &old), &["import", path_str(&file)]);
    assert_eq!(code, 0, "{out}{err}");

    // Interrupted after one of six secrets (four methods, two tokens).
    let (code, out) = rotate(&db, &old, &new, Some(1));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"remaining\": 5"), "{out}");
    // Half-done: neither key serves.
    for key in [&old, &new] {
        let outcome = launch_async(with_key_file(&db, key)).await;
        let Outcome::Exited(code, output) = outcome else {
            panic!("served during a rotation: {outcome:?}");
        };
        assert_ne!(code, 0);
        assert!(output.contains("rotate-encryption-key"), "{output}");
    }
    // Another new key cannot take over the unfinished rotation.
    let (code, out) = rotate(&db, &old, &keys.join("third.key"), None);
    assert_ne!(code, 0, "{out}");

    // The re-run finishes the job; a third run has nothing left to do.
    let (code, out) = rotate(&db, &old, &new, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"reencrypted\": 5"), "{out}");
    assert!(out.contains("\"remaining\": 0"), "{out}");
    let (code, out) = rotate(&db, &old, &new, None);
    assert_eq!(code, 0, "{out}");

    let outcome = launch_async(with_key_file(&db, &old)).await;
    assert!(!outcome.started(), "the old key still serves: {outcome:?}");
    let srv = Server::start_with(options_with_key_file(&db, &new)).await;
    let mut accepted = 0;
    for (t, m) in &mut methods {
        if srv.step_up(t, m).await.status == StatusCode::OK {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 4);
    // The tokens' secrets open with the new key: both activate.
    let step = tokens[0].settled_step();
    for hw in &tokens {
        let t = token(&user("rot"));
        let r = srv.activate(&t, &hw.serial, &hw.code_at_step(step)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
}

/// Point 9: a key file in the database's directory is one backup away from the
/// secrets it protects — the start says so, and only then.
#[tokio::test]
async fn key_file_beside_the_database_is_warned_about() {
    let db = TestDb::new().await;
    let beside = db.dir.0.join("secret.key");
    let warned = |outcome: &Outcome| match outcome {
        Outcome::Started(output) => output.contains("same directory as the database"),
        Outcome::Exited(..) => panic!("did not start: {outcome:?}"),
    };
    let first = launch_async(with_key_file(&db, &beside)).await;
    // On PostgreSQL there is no database file to sit beside.
    assert_eq!(warned(&first), !is_postgres(), "{first:?}");
    if let Outcome::Started(output) = &first {
        assert!(
            is_postgres() || output.contains("--encryption-key"),
            "{output}"
        );
    }
    // A fresh database for the other key (a database takes one key).
    let db = TestDb::new().await;
    let elsewhere = key_dir(&db).join("secret.key");
    let second = launch_async(with_key_file(&db, &elsewhere)).await;
    assert!(!warned(&second), "{second:?}");
}

/// Point 9: the SQLite file and its -wal/-shm companions are readable by their owner
/// only (they hold the sealed secrets, password hashes and session hashes).
#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::new().await;
    let Some(file) = db.sqlite_file() else {
        return;
    };
    let srv = Server::start(&db).await;
    let t = token(&user("perm"));
    srv.enroll(&t, "app").await;
    let mut modes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut path = file.clone().into_os_string();
        path.push(suffix);
        let mode = std::fs::metadata(&path).expect("file").permissions().mode() & 0o777;
        modes.push(format!("{suffix}:{mode:o}"));
    }
    assert_eq!(modes, [":600", "-wal:600", "-shm:600"]);
}

/// Point 9: settings of 0 that would switch a protection off (or the product) are
/// refused, by `Settings::resolve` and by the binary with exit code 2.
#[tokio::test]
async fn settings_that_disable_a_protection_are_refused() {
    type Set = fn(&mut Settings);
    let zeros: [(&str, Set); 8] = [
        ("rate-limit-window", |s| s.rate_limit_window = Some(0)),
        ("rate-limit-user", |s| s.rate_limit_user = Some(0)),
        ("rate-limit-client", |s| s.rate_limit_client = Some(0)),
        ("step-up-window", |s| s.step_up_window = Some(0)),
        ("enrollment-ttl", |s| s.enrollment_ttl = Some(0)),
        ("session-ttl", |s| s.session_ttl = Some(0)),
        ("body-limit", |s| s.body_limit = Some(0)),
        ("max-authenticators", |s| s.max_authenticators = Some(0)),
    ];
    let db = TestDb::new().await;
    let (mut refused, mut exited_2) = (0, 0);
    for (flag, set) in zeros {
        let mut settings = Settings::default();
        set(&mut settings);
        match settings.resolve() {
            Err(e) => {
                assert!(e.to_string().contains(flag), "{flag}: {e}");
                refused += 1;
            }
            Ok(_) => eprintln!("{flag} 0 accepted by resolve"),
        }
        let mut cmd = command(&db);
        cmd.args([&format!("--{flag}"), "0"]);
        match launch_async(cmd).await {
            Outcome::Exited(2, output) if output.contains(flag) => exited_2 += 1,
            outcome => eprintln!("--{flag} 0: {outcome:?}"),
        }
    }
    assert_eq!((refused, exited_2), (8, 8));
}

/// Point 11: a database from a version without check values gets one only from a key
/// that opens its secrets — otherwise the first start after the upgrade would record the
/// wrong key.
#[tokio::test]
async fn upgraded_database_records_only_the_key_of_its_secrets() {
    let db = TestDb::new().await;
    let keys = key_dir(&db);
    let (key_a, key_b) = (keys.join("a.key"), keys.join("b.key"));
    let srv = Server::start_with(options_with_key_file(&db, &key_a)).await;
    let t = token(&user("upg"));
    let mut m = srv.enroll(&t, "app").await;
    assert!(srv.stop());
    // As written by a version before the check value.
    let pool = Db::connect(&db.url, None).await.expect("database");
    sqlx::query("DELETE FROM key_check")
        .execute(&pool.pool)
        .await
        .expect("delete");
    pool.pool.close().await;

    let Outcome::Exited(code, output) = launch_async(with_key_file(&db, &key_b)).await else {
        panic!("another key started on the upgraded database");
    };
    assert_ne!(code, 0);
    assert!(output.contains(path_str(&key_b)), "{output}");
    let srv = Server::start_with(options_with_key_file(&db, &key_a)).await;
    assert_eq!(srv.step_up(&t, &mut m).await.status, StatusCode::OK);
    drop(srv);
    // The key is recorded now: another key is refused on an empty method list too.
    let outcome = launch_async(with_key_file(&db, &key_b)).await;
    assert!(!outcome.started(), "{outcome:?}");
}
