//! Wake-ups for whoever waits on a push challenge (the browser) or for challenges (the
//! device). Nothing that matters lives here: the database has every challenge and its
//! state; a wake-up only says "look again now". With PostgreSQL a change on any
//! instance is announced with `NOTIFY` and every instance's `LISTEN` connection wakes
//! its own waiters; SQLite (one host) wakes its waiters directly. Waiters also look
//! again every poll interval, in case a wake-up is lost (a dropped listen connection).

use crate::db::{Backend, Db};
use sqlx::postgres::PgListener;
use tokio::sync::{OnceCell, broadcast};

/// The `LISTEN`/`NOTIFY` channel.
const CHANNEL: &str = "security_info_push";

#[derive(Debug)]
pub struct Hub {
    wake: broadcast::Sender<String>,
    listening: OnceCell<()>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            wake: broadcast::channel(256).0,
            listening: OnceCell::new(),
        }
    }
}

/// The wake-up key of a challenge's browser waiters.
pub fn challenge_key(challenge_id: &str) -> String {
    format!("challenge:{challenge_id}")
}

/// The wake-up key of a device's waiters.
pub fn device_key(device_id: &str) -> String {
    format!("device:{device_id}")
}

impl Hub {
    /// A receiver of wake-up keys. With PostgreSQL the first subscriber starts this
    /// instance's listener, and returns once `LISTEN` is in effect: a change committed
    /// after this returns is announced to it.
    pub async fn subscribe(&self, db: &Db, database_url: &str) -> broadcast::Receiver<String> {
        let receiver = self.wake.subscribe();
        if db.backend == Backend::Postgres {
            self.listening
                .get_or_init(|| async {
                    match PgListener::connect(database_url).await {
                        Ok(mut listener) => match listener.listen(CHANNEL).await {
                            Ok(()) => {
                                let wake = self.wake.clone();
                                tokio::spawn(async move {
                                    loop {
                                        // recv reconnects after a dropped connection
                                        // (notifications meanwhile are lost: the waiters'
                                        // poll covers them).
                                        match listener.recv().await {
                                            Ok(n) => {
                                                let _ = wake.send(n.payload().to_owned());
                                            }
                                            Err(e) => {
                                                tracing::warn!(error = %e, "push listener");
                                                tokio::time::sleep(std::time::Duration::from_secs(
                                                    1,
                                                ))
                                                .await;
                                            }
                                        }
                                    }
                                });
                            }
                            Err(e) => tracing::warn!(error = %e, "cannot LISTEN for push"),
                        },
                        Err(e) => tracing::warn!(error = %e, "cannot connect the push listener"),
                    }
                })
                .await;
        }
        receiver
    }

    /// Announces that `keys` changed; call after the change committed.
    pub async fn notify(&self, db: &Db, keys: &[String]) {
        match db.backend {
            Backend::Sqlite => {
                for key in keys {
                    let _ = self.wake.send(key.clone());
                }
            }
            Backend::Postgres => {
                for key in keys {
                    let sent = sqlx::query("SELECT 1 FROM pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(key)
                        .execute(&db.pool)
                        .await;
                    if let Err(e) = sent {
                        // The waiters' poll still sees the change.
                        tracing::warn!(error = %e, "NOTIFY failed");
                    }
                }
            }
        }
    }
}
