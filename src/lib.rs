//! security-info: the "Security info" page as Leptos components compiled to WebAssembly.
//!
//! The rules live in [`security_info_core`]; these components render and wire them.
//! Start with [`SecurityInfo`] and a [`Config`]; the dialogs are public for hosts that
//! compose their own page (call [`provide_security_info`] above them).

pub mod add_method_dialog;
pub mod change_default_dialog;
pub mod chunk;
pub mod client;
pub mod code_input;
pub mod config;
pub mod confirm_dialog;
pub mod context;
pub mod demo_outbox;
pub mod dialog;
pub mod embed;
pub mod error;
pub mod first_paint;
pub mod i18n;
mod json;
pub mod methods;
pub mod push_status;
pub mod push_wait;
pub mod qr_panel;
pub mod security_info;
pub mod testids;
pub mod verify_identity_dialog;
pub mod webauthn;

pub use add_method_dialog::AddMethodDialog;
pub use change_default_dialog::ChangeDefaultDialog;
pub use client::Client;
pub use config::{Action, Answer, Auth, Config, MethodOptions, Outgoing, Theme, Transport};
pub use confirm_dialog::ConfirmDialog;
pub use context::provide_security_info;
pub use dialog::Open;
pub use error::ClientError;
pub use methods::authenticator::AuthenticatorWizard;
pub use qr_panel::QrPanel;
pub use security_info::SecurityInfo;
pub use security_info_core as core;
pub use verify_identity_dialog::{VerifyIdentityDialog, VerifyPurpose};
