//! security-info: the "Security info" page as Leptos components compiled to WebAssembly.
//!
//! The rules live in [`security_info_core`]; these components render and wire them.

pub mod qr_panel;
pub mod testids;

pub use qr_panel::QrPanel;
pub use security_info_core as core;
