//! The `data-testid` values: part of the public contract (host pages and tests query
//! them), so they live in one place.

pub const QR: &str = "qr";
pub const CANT_SCAN: &str = "cant-scan";
pub const MANUAL_SECRET: &str = "manual-secret";
pub const MANUAL_URL: &str = "manual-url";
pub const COPY_SECRET: &str = "copy-secret";
pub const COPY_URL: &str = "copy-url";
