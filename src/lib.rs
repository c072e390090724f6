//! security-info: the "Security info" page as Leptos components compiled to WebAssembly.
//!
//! The rules live in [`security_info_core`]; these components render and wire them.
//! Start with [`SecurityInfo`] and a [`Config`]; the dialogs are public for hosts that
//! compose their own page (call [`provide_security_info`] above them).

pub mod add_method_dialog;
pub mod authenticator_wizard;
pub mod change_default_dialog;
pub mod client;
pub mod code_input;
pub mod config;
pub mod confirm_dialog;
pub mod context;
pub mod dialog;
pub mod embed;
pub mod i18n;
pub mod json;
pub mod qr_panel;
pub mod security_info;
pub mod testids;
pub mod verify_identity_dialog;

pub use add_method_dialog::AddMethodDialog;
pub use authenticator_wizard::AuthenticatorWizard;
pub use change_default_dialog::ChangeDefaultDialog;
pub use client::{Client, ClientError};
pub use config::{Action, Auth, Config, MethodOptions, Theme};
pub use confirm_dialog::ConfirmDialog;
pub use context::provide_security_info;
pub use qr_panel::QrPanel;
pub use security_info::SecurityInfo;
pub use security_info_core as core;
pub use verify_identity_dialog::{VerifyIdentityDialog, VerifyPurpose};
