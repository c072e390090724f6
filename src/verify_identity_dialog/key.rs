//! Verifying with a security key in "Verify your identity": the key is touched instead of
//! a code being typed (`navigator.credentials.get` through [`crate::webauthn`]).

use super::VerifyPurpose;
use crate::client::KeyCeremony;
use crate::context::{Job, job_action, use_ctx};
use crate::dialog::Open;
use crate::i18n::Key;
use crate::webauthn;
use leptos::prelude::*;
use security_info_core::api::Method;

/// The sentence above the button for `method`.
pub(super) fn key_body(method: &Method) -> impl IntoView + use<> {
    let i18n = use_ctx().i18n;
    view! { <p>{i18n.named(Key::KeyVerifyBody, &method.name).view()}</p> }
}

/// Runs the ceremony for `purpose`; on success tells `on_verified` and closes the
/// dialog, else shows why in `error`. Answers the start and its pending state.
pub(super) fn key_proof(
    purpose: VerifyPurpose,
    error: RwSignal<Option<String>>,
    on_verified: Callback<()>,
    open: Open,
) -> (impl Fn() + Clone + 'static, Memo<bool>) {
    let ctx = use_ctx();
    let ceremony = job_action();
    let start = move || {
        if ceremony.pending().get_untracked() {
            return;
        }
        error.set(None);
        let ctx = ctx.clone();
        ceremony.dispatch_local(Job::new(async move {
            let kind = match purpose {
                VerifyPurpose::StepUp => KeyCeremony::StepUp,
                VerifyPurpose::SignIn => KeyCeremony::SignIn,
            };
            match webauthn::run(&ctx, kind).await {
                Ok(_) => {
                    on_verified.run(());
                    open.close();
                }
                Err(message) => error.set(Some(message)),
            }
        }));
    };
    (start, ceremony.pending())
}

/// "Use security key" for a key, "Verify" for a code.
pub(super) fn submit_label(
    i18n: &crate::i18n::I18n,
    current: impl Fn() -> Option<Method> + Send + Sync + 'static,
) -> Signal<String> {
    let i18n = i18n.clone();
    Signal::derive(move || {
        let key = current().is_some_and(|m| m.method_type.verifiable_by_key());
        i18n.t(if key { Key::KeyUse } else { Key::Verify })
    })
}
