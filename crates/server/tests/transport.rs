//! Connections as an attacker holds them: half-open requests, slow bodies, idle
//! keep-alive connections, more connections than the server should hold, a shutdown
//! with a connection open; and HSTS when cookies are Secure.
//!
//! The timeouts are given as environment variables (the server's own configuration), in
//! whole seconds, short so the tests stay quick. "Closed" means the server ended the
//! connection; each wait for it is bounded, and no assertion depends on how long it took.

mod common;

use common::*;
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough for a 1 s server timeout on a loaded machine; only reached when the
/// server does not close the connection at all.
const BOUND: Duration = Duration::from_secs(10);

async fn server(db: &TestDb, env: &[(&str, &str)]) -> Server {
    let mut options = Options::new(db);
    options.env.extend(
        env.iter()
            .map(|(k, v)| (format!("SECURITY_INFO_{k}"), (*v).to_owned())),
    );
    Server::start_with(options).await
}

async fn connect(srv: &Server) -> TcpStream {
    let addr = srv.url.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("connect")
}

/// Reads until the server closes the connection (end of stream or reset) and returns
/// what it sent, or `None` if it was still open after [`BOUND`].
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(BOUND, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

/// Reads one complete `/health` answer (its body ends the JSON object).
async fn read_health(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&received).contains("\"ok\"}") {
        let n = tokio::time::timeout(BOUND, stream.read(&mut buf))
            .await
            .expect("answer in time")
            .expect("read");
        assert!(n > 0, "closed before the answer");
        received.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

const HEALTH: &[u8] = b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[tokio::test]
async fn half_open_requests_are_closed_after_the_header_timeout() {
    let db = TestDb::new().await;
    let srv = server(&db, &[("HEADER_TIMEOUT", "1"), ("IDLE_TIMEOUT", "60")]).await;
    let mut partial = connect(&srv).await;
    partial
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    let mut silent = connect(&srv).await;
    let partial = until_closed(&mut partial).await;
    assert!(
        partial.is_some(),
        "a request with partial headers is still open after {BOUND:?}"
    );
    assert!(
        until_closed(&mut silent).await.is_some(),
        "a connection that sends nothing is still open after {BOUND:?}"
    );
    // The server still serves.
    assert_eq!(
        srv.call(reqwest::Method::GET, "/health", None, None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn slow_bodies_are_closed_after_the_body_timeout() {
    let db = TestDb::new().await;
    let srv = server(&db, &[("BODY_TIMEOUT", "1"), ("HEADER_TIMEOUT", "60")]).await;
    let mut stream = connect(&srv).await;
    let request = format!(
        "POST /api/me/methods/totp/start HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        token(&user("sam"))
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let answer = until_closed(&mut stream).await;
    let Some(answer) = answer else {
        panic!("a request whose body stalls is still open after {BOUND:?}");
    };
    // The handler saw an unreadable body: a client error, never a server error.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
}

#[tokio::test]
async fn trickled_bodies_are_closed_after_the_body_timeout() {
    let db = TestDb::new().await;
    let srv = server(&db, &[("BODY_TIMEOUT", "1"), ("HEADER_TIMEOUT", "60")]).await;
    let mut stream = connect(&srv).await;
    let request = format!(
        "POST /api/me/methods/totp/start HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        token(&user("tia"))
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    // One byte every 300 ms: never a pause as long as the timeout, but the body would
    // take 30 s in all. Stop at the first answer or failed write.
    let (mut read, mut write) = stream.into_split();
    let trickle = async {
        for _ in 0..100 {
            if write.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    let answer = async {
        let mut buf = [0u8; 1024];
        let n = read.read(&mut buf).await.unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let answered = tokio::time::timeout(BOUND, async {
        tokio::select! {
            answer = answer => Some(answer),
            () = trickle => None,
        }
    })
    .await;
    let Ok(Some(answer)) = answered else {
        panic!("a request whose body trickles in is still open after {BOUND:?}");
    };
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_after_the_idle_timeout() {
    let db = TestDb::new().await;
    // The idle timeout is its own: shorter than the header timeout here…
    let srv = server(&db, &[("IDLE_TIMEOUT", "1"), ("HEADER_TIMEOUT", "60")]).await;
    let mut stream = connect(&srv).await;
    stream.write_all(HEALTH).await.expect("write");
    assert!(read_health(&mut stream).await.starts_with("HTTP/1.1 200"));
    assert!(
        until_closed(&mut stream).await.is_some(),
        "an idle keep-alive connection is still open after {BOUND:?}"
    );
    drop(srv);

    // …and longer here: a connection idle for longer than the header timeout between
    // two requests still serves the second one.
    let srv = server(&db, &[("IDLE_TIMEOUT", "60"), ("HEADER_TIMEOUT", "1")]).await;
    let mut stream = connect(&srv).await;
    stream.write_all(HEALTH).await.expect("write");
    assert!(read_health(&mut stream).await.starts_with("HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stream.write_all(HEALTH).await.expect("write");
    assert!(read_health(&mut stream).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn responses_the_client_does_not_read_are_dropped_after_the_idle_timeout() {
    const SIZE: usize = 32 << 20;
    let db = TestDb::new().await;
    let site = TempDir::new();
    std::fs::write(site.0.join("big.bin"), vec![b'x'; SIZE]).expect("file");
    let mut options = Options::new(&db).args(&["--static-dir", site.0.to_str().expect("path")]);
    for (k, v) in [("IDLE_TIMEOUT", "1"), ("HEADER_TIMEOUT", "60")] {
        options
            .env
            .push((format!("SECURITY_INFO_{k}"), v.to_owned()));
    }
    let srv = Server::start_with(options).await;
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("buffer");
    let addr = srv.url.trim_start_matches("http://").parse().expect("addr");
    let mut stream = socket.connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    // Read nothing for a while: the server's writes stall once the buffers are full.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = tokio::time::timeout(BOUND, async {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
    })
    .await;
    // Closed before the whole file: what sat in the buffers, not 32 MiB.
    let Ok(received) = received else {
        panic!("a response nobody reads was still being sent after {BOUND:?}");
    };
    println!("bytes received before the server dropped the stalled response: {received}");
    assert!(
        received < SIZE,
        "the whole response was sent: {received} bytes"
    );
}

/// Open sockets of a process (connections, listeners, database sockets).
fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or_default()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn connections_beyond_the_cap_wait_while_the_server_keeps_serving() {
    const CAP: usize = 8;
    const FLOOD: usize = 24;
    let db = TestDb::new().await;
    let srv = server(
        &db,
        &[
            ("MAX_CONNECTIONS", "8"),
            ("HEADER_TIMEOUT", "1"),
            ("IDLE_TIMEOUT", "60"),
        ],
    )
    .await;
    // One kept-alive client connection, and the database pool warmed.
    let health = || srv.call(reqwest::Method::GET, "/health", None, None);
    assert_eq!(health().await.status, StatusCode::OK);
    let baseline = sockets(srv.pid());
    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        let mut stream = connect(&srv).await;
        stream
            .write_all(b"GET /api/health HTTP/1.1\r\n")
            .await
            .expect("write");
        flood.push(stream);
    }
    // Served on its connection while the flood waits.
    assert_eq!(health().await.status, StatusCode::OK);
    let mut held = 0;
    for _ in 0..10 {
        held = held.max(sockets(srv.pid()).saturating_sub(baseline));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("half-open connections held at once: {held} of {FLOOD} (cap {CAP})");
    // Slack of two for database connections the pool may open meanwhile.
    assert!(
        held <= CAP + 2,
        "{held} of {FLOOD} half-open connections held"
    );
    // A new client gets in once the header timeout has freed places.
    let fresh = reqwest::Client::new();
    let r = tokio::time::timeout(
        Duration::from_secs(30),
        fresh.get(format!("{}/health", srv.api)).send(),
    )
    .await
    .expect("a new connection is served eventually")
    .expect("request");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn sigterm_with_a_half_open_connection_exits_within_the_deadline() {
    let db = TestDb::new().await;
    let srv = server(&db, &[("HEADER_TIMEOUT", "60"), ("SHUTDOWN_TIMEOUT", "1")]).await;
    let mut stream = connect(&srv).await;
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    // Let the server accept it before the signal.
    assert_eq!(
        srv.call(reqwest::Method::GET, "/health", None, None)
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        srv.stop(),
        "the server did not exit (cleanly) within 10 s of SIGTERM"
    );
}

/// The HSTS header on an answer, a problem and a refusal.
async fn hsts(srv: &App) -> Vec<Option<String>> {
    let mut seen = Vec::new();
    for path in ["/health", "/no/such/route", "/me/security-info"] {
        let r = srv.call(reqwest::Method::GET, path, None, None).await;
        seen.push(
            r.headers
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
    }
    seen
}

#[tokio::test]
async fn hsts_only_when_cookies_are_secure() {
    let db = TestDb::new().await;
    let plain = App::start(&db).await;
    assert_eq!(hsts(&plain).await, vec![None, None, None]);
    let secure = App::start_with(&db, |s| s.cookie_secure = Some(true)).await;
    let expected = Some("max-age=31536000; includeSubDomains".to_owned());
    assert_eq!(
        hsts(&secure).await,
        vec![expected.clone(), expected.clone(), expected]
    );
}
