//! The accept loop of both listeners (API and demo portal): what one client connection
//! may cost in time and how many may be open at once, and a deadline for shutting down.
//! `axum::serve` has none of these: one half-open request stayed open forever, 1,100 of
//! them exhausted the descriptors, and SIGTERM waited for them.
//!
//! A connection is in one of three phases, each with its own clock:
//!
//! - waiting for a request's headers, from connecting or from the first byte after the
//!   previous response: closed after `header_timeout`;
//! - a request in flight, from its parsed headers until its response is written: no
//!   connection timeout. Its body must arrive within `body_timeout` of the headers (a
//!   whole-body deadline: a timeout between pieces would let a body trickle in a byte at
//!   a time for hours); the response may take as long as it needs, so a long-lived
//!   response (an event stream) is never cut — it sends its own heartbeats (axum's
//!   `Sse::keep_alive`) so proxies keep it open, and nothing else is needed to exempt it;
//! - idle between requests: closed after `idle_timeout`.
//!
//! In every phase, a write the client does not take (it stopped reading, with the
//! buffers full) for `idle_timeout` closes the connection: a response nobody reads must
//! not hold it forever. An event stream whose client reads its heartbeats never stalls.
//!
//! hyper's own `header_read_timeout` is not used: its clock also runs while a kept-alive
//! connection idles, so the idle timeout could never be longer than the header timeout.
//! Bytes of a pipelined request read while the previous one is in flight count as idle
//! time once that response is written (bounded by `idle_timeout` all the same).

use crate::config::ConnectionLimits;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

/// Descriptors needed besides client connections: the database pool, SQLite's files, the
/// listeners, the JWKS client, standard streams.
const RESERVED_DESCRIPTORS: u64 = 128;

/// The connection cap that fits the open-file limit: raises the soft limit (up to the
/// hard one) so `max_connections` fit beside the reserve, and says so; when they cannot,
/// lowers the cap with a warning — at the limit, accepting would fail with "too many open
/// files" and the database could not open its files either.
#[cfg(unix)]
pub fn fit_descriptor_limit(max_connections: usize) -> usize {
    let wanted = max_connections as u64 + RESERVED_DESCRIPTORS;
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft);
    match (before, rlimit::increase_nofile_limit(wanted)) {
        (_, Ok(limit)) if limit < wanted => {
            let fits = usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS))
                .unwrap_or(max_connections)
                .max(1);
            tracing::warn!(
                limit,
                max_connections = fits,
                "the open-file limit is too low for --max-connections: the cap is lowered \
                 (raise the hard limit to keep it)"
            );
            return fits;
        }
        (Ok(before), Ok(limit)) if before < limit => {
            tracing::info!(from = before, to = limit, "raised the open-file limit");
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit");
        }
        _ => {}
    }
    max_connections
}

/// Serves `app` on `listener` until `stop` completes, then lets the requests in flight
/// finish for at most `shutdown_timeout`. Each connection holds one of `permits` (shared
/// by the listeners of one server) while open; without one, new connections wait in the
/// kernel's accept queue, costing no descriptor.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    permits: Arc<Semaphore>,
    stop: impl Future<Output = ()>,
) {
    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let mut stop = pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
            () = &mut stop => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let clock = Arc::new(Clock::new(limits, Instant::now()));
        let io = TokioIo::new(Watched {
            stream,
            clock: clock.clone(),
        });
        let service = service(app.clone(), remote, limits, clock.clone());
        let connection = graceful.watch(builder.serve_connection(io, service).into_owned());
        tokio::spawn(async move {
            drive(connection, &clock).await;
            drop(permit);
        });
    }
    // No new connections; the open ones finish their request and close.
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_timeout) => {
            tracing::warn!(
                seconds = limits.shutdown_timeout.as_secs(),
                "connections still open at the shutdown deadline are closed"
            );
        }
    }
}

/// A failed accept: the client's problem (it reset the connection) is skipped; anything
/// else (out of descriptors) is logged and retried after a pause instead of spinning.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(error = %e, "cannot accept a connection");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// The router as the connection's service: tells the clock when a request starts and
/// when its response has been written (or dropped), gives the handlers the client
/// address, and gives the request body its deadline.
fn service(
    app: Router,
    remote: SocketAddr,
    limits: ConnectionLimits,
    clock: Arc<Clock>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send + 'static,
> + Clone {
    let service = move |request: hyper::Request<Incoming>| {
        let in_flight = InFlight::start(clock.clone());
        let expires = tokio::time::sleep(limits.body_timeout);
        let mut request = request.map(|body| Body::new(Deadline { body, expires }));
        request.extensions_mut().insert(ConnectInfo(remote));
        let response = tower::ServiceExt::oneshot(app.clone(), request);
        async move {
            let response = response.await?;
            // The guard lives as long as the response body: hyper drops that once written.
            Ok(response.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    let _ = &in_flight;
                    frame
                }))
            }))
        }
    };
    hyper::service::service_fn(service)
}

pin_project_lite::pin_project! {
    /// A request body that fails once its deadline has passed; the handler's extractor
    /// then answers 400, and hyper closes the connection since the body was not read.
    struct Deadline<B> {
        #[pin]
        body: B,
        #[pin]
        expires: tokio::time::Sleep,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

impl<B: HttpBody> HttpBody for Deadline<B>
where
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if let Poll::Ready(frame) = this.body.poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match this.expires.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimedOut.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Runs one connection until it ends, its phase's deadline passes (then dropping it
/// closes the socket), or the server's shutdown deadline drops the task.
async fn drive<E: std::fmt::Display>(
    connection: impl Future<Output = Result<(), E>>,
    clock: &Clock,
) {
    let mut connection = pin!(connection);
    loop {
        let deadline = clock.deadline();
        let expired = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = &mut connection => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            () = expired => {
                tracing::debug!("connection timed out");
                return;
            }
            () = clock.changed.notified() => {}
        }
    }
}

/// The phase of one connection and when it ends.
#[derive(Debug)]
struct Phase {
    in_flight: usize,
    /// Idle between requests (no byte of the next one read yet).
    idle: bool,
    deadline: Option<Instant>,
    /// Since when a write has been waiting for the client to read.
    write_stalled: Option<Instant>,
}

impl Phase {
    /// A new connection waits for its first request's headers.
    fn new(limits: &ConnectionLimits, now: Instant) -> Phase {
        Phase {
            in_flight: 0,
            idle: false,
            deadline: Some(now + limits.header_timeout),
            write_stalled: None,
        }
    }

    /// The phase's deadline, or the stalled write's if sooner.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let stalled = self.write_stalled.map(|since| since + limits.idle_timeout);
        match (self.deadline, stalled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A write completed (`stalled` false) or must wait for the client; answers whether
    /// the deadline changed.
    fn wrote(&mut self, stalled: bool, now: Instant) -> bool {
        match (stalled, self.write_stalled) {
            (true, None) => self.write_stalled = Some(now),
            (false, Some(_)) => self.write_stalled = None,
            _ => return false,
        }
        true
    }

    /// Bytes arrived; answers whether the deadline changed.
    fn read(&mut self, limits: &ConnectionLimits, now: Instant) -> bool {
        if self.in_flight == 0 && self.idle {
            self.idle = false;
            self.deadline = Some(now + limits.header_timeout);
            return true;
        }
        false
    }

    fn request_started(&mut self) {
        self.in_flight += 1;
        self.idle = false;
        self.deadline = None;
    }

    fn request_finished(&mut self, limits: &ConnectionLimits, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if self.in_flight == 0 {
            self.idle = true;
            self.deadline = Some(now + limits.idle_timeout);
        }
    }
}

/// A connection's [`Phase`], shared by its socket, its requests and its driver, which
/// `changed` wakes to pick up a new deadline.
struct Clock {
    limits: ConnectionLimits,
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Clock {
    fn new(limits: ConnectionLimits, now: Instant) -> Clock {
        Clock {
            phase: Mutex::new(Phase::new(&limits, now)),
            limits,
            changed: Notify::new(),
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .deadline(&self.limits)
    }

    /// Applies a change that answers whether the deadline moved (the socket's reads and
    /// writes mostly do not), and then wakes the driver; a stored permit if it is busy,
    /// so it never misses one.
    fn change(&self, change: impl FnOnce(&mut Phase, &ConnectionLimits, Instant) -> bool) {
        let changed = {
            let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
            change(&mut phase, &self.limits, Instant::now())
        };
        if changed {
            self.changed.notify_one();
        }
    }
}

/// One request from its parsed headers until its response is written or dropped.
struct InFlight(Arc<Clock>);

impl InFlight {
    fn start(clock: Arc<Clock>) -> InFlight {
        clock.change(|phase, _, _| {
            phase.request_started();
            true
        });
        InFlight(clock)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.change(|phase, limits, now| {
            phase.request_finished(limits, now);
            true
        });
    }
}

/// The client socket, telling the clock when bytes arrive.
struct Watched {
    stream: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.change(Phase::read);
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        let stalled = result.is_pending();
        self.clock.change(|phase, _, now| phase.wrote(stalled, now));
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        let stalled = result.is_pending();
        self.clock.change(|phase, _, now| phase.wrote(stalled, now));
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 8,
            shutdown_timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn each_phase_has_its_own_clock() {
        let (l, t0) = (limits(), Instant::now());
        let s = Duration::from_secs;
        let mut phase = Phase::new(&l, t0);
        assert_eq!(phase.deadline, Some(t0 + s(10)), "headers from connecting");
        assert!(
            !phase.read(&l, t0 + s(1)),
            "more header bytes keep the deadline"
        );
        assert_eq!(phase.deadline, Some(t0 + s(10)));
        phase.request_started();
        assert_eq!(
            phase.deadline, None,
            "no timeout while a request is in flight"
        );
        assert!(!phase.read(&l, t0 + s(2)), "body bytes");
        phase.request_finished(&l, t0 + s(100));
        assert_eq!(phase.deadline, Some(t0 + s(160)), "idle after the response");
        assert!(phase.read(&l, t0 + s(130)), "the next request's first byte");
        assert_eq!(phase.deadline, Some(t0 + s(140)), "its headers in time");
        // Two in flight (HTTP/2): idle only when both are done.
        phase.request_started();
        phase.request_started();
        phase.request_finished(&l, t0 + s(150));
        assert_eq!(phase.deadline, None);
        phase.request_finished(&l, t0 + s(151));
        assert_eq!(phase.deadline, Some(t0 + s(211)));
    }

    #[test]
    fn a_stalled_write_has_the_idle_timeout() {
        let (l, t0) = (limits(), Instant::now());
        let s = Duration::from_secs;
        let mut phase = Phase::new(&l, t0);
        phase.request_started();
        assert_eq!(phase.deadline(&l), None);
        assert!(phase.wrote(true, t0 + s(5)), "the client stopped reading");
        assert!(!phase.wrote(true, t0 + s(6)), "still the first stall");
        assert_eq!(phase.deadline(&l), Some(t0 + s(65)));
        assert!(phase.wrote(false, t0 + s(7)), "it reads again");
        assert_eq!(phase.deadline(&l), None);
        assert!(!phase.wrote(false, t0 + s(8)));
        // Idle after the response, with a stall sooner than the idle deadline.
        phase.request_finished(&l, t0 + s(10));
        phase.wrote(true, t0 + s(9));
        assert_eq!(phase.deadline(&l), Some(t0 + s(69)));
    }
}
