//! Database access through sqlx's `Any` driver, so one set of portable queries and
//! migrations serves SQLite and PostgreSQL.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    /// Connects and migrates; `max_connections` overrides the backend's default pool size.
    pub async fn connect(url: &str, max_connections: Option<u32>) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            prepare_sqlite_file(url);
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            }))
            .acquire_timeout(Duration::from_secs(30))
            // sqlx pings a connection before handing it out. An SQLite connection is a
            // file handle that cannot go stale, and the ping is a round trip to the
            // driver's worker thread: two of a bearer read's five (the extractor and the
            // handler each acquire). PostgreSQL keeps it (a dropped TCP connection).
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; the busy timeout makes
                        // concurrent writers wait for the lock instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// A transaction that holds the write lock from its first statement on SQLite
    /// (`BEGIN IMMEDIATE`: a deferred transaction that reads, then writes, can fail with
    /// SQLITE_BUSY that no busy timeout resolves). PostgreSQL callers lock the user row.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// The file of an SQLite URL (`sqlite://path/to/file.db?…`); `None` for other
/// databases and in-memory ones.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// Creates the directory, so a first start needs no set-up, and — when the URL lets
/// SQLite create the database (`mode=rwc`) — the file itself, readable by its owner
/// only: SQLite gives the -wal and -shm files the database file's permissions, and the
/// three hold sealed secrets and password hashes.
fn prepare_sqlite_file(url: &str) {
    let Some(path) = sqlite_path(url) else {
        return;
    };
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        tracing::warn!(error = %e, "cannot create the database directory");
    }
    if !url.contains("mode=rwc") {
        return;
    }
    match crate::crypto::write_private(&path, &[]) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => tracing::warn!(error = %e, "cannot create the database file"),
    }
}
