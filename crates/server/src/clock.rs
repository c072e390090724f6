//! The wall clock, read once per request by the handler and passed down as `now`.

/// Milliseconds since the Unix epoch: methods added within one second keep their order.
pub fn unix_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
