//! Pure logic shared by the security-info browser components and the reference server.
//!
//! No web, server or async dependencies: everything here compiles natively and to
//! `wasm32-unknown-unknown`. Time and randomness are parameters of the pure functions;
//! the thin wrappers that read the clock or the OS random source are named as such
//! ([`Secret::generate`], [`unix_now`]).
//!
//! On `wasm32-unknown-unknown`, the crate that links this one must enable getrandom's
//! `wasm_js` feature (the `security-info` component crate does).

pub mod api;
mod error;
pub mod methods;
pub mod otpauth;
pub mod phone;
pub mod push;
pub mod qr;
pub mod screens;
mod secret;
pub mod sse;
pub mod totp;

pub use error::CoreError;
pub use secret::{SECRET_LEN, Secret};

/// The current Unix time in seconds from the system clock (native targets only; in the
/// browser, read `Date.now()` and pass it to the pure functions).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
