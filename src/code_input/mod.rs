//! The one-time-code field shared by the wizard's "Enter code" step and "Verify your
//! identity": numeric keyboard on phones, the browser's one-time-code autofill, errors
//! announced through the element named by `error_id`.

use crate::context::{unique_id, use_ctx};
use crate::i18n::{I18n, Key};
use leptos::prelude::*;
use security_info_core::totp::CodeRefusal;

/// A labelled code input bound to `code`.
#[component]
pub fn CodeInput(
    /// The typed text (normalised by the core when it is checked, not while typing).
    code: RwSignal<String>,
    /// Whether the current text was refused (`aria-invalid`).
    #[prop(into)]
    invalid: Signal<bool>,
    /// Id of the element that holds the error message (`aria-describedby`).
    error_id: String,
    testid: &'static str,
) -> impl IntoView {
    let input_id = unique_id("code");
    view! {
        <label class="si-label" for=input_id.clone()>{use_ctx().i18n.t(Key::CodeLabel)}</label>
        <input
            id=input_id
            class="si-input si-code-input"
            data-testid=testid
            data-autofocus=""
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            spellcheck="false"
            aria-describedby=error_id
            aria-invalid=move || invalid.get().to_string()
            prop:value=move || code.get()
            on:input=move |ev| code.set(event_target_value(&ev))
        />
    }
}

/// The message for a code the core refused before sending it.
pub fn refusal_message(i18n: &I18n, refusal: CodeRefusal) -> String {
    match refusal {
        CodeRefusal::Malformed { digits } => {
            i18n.fmt(Key::CodeMalformed, &[("digits", &digits.to_string())])
        }
        CodeRefusal::Wrong => i18n.t(Key::CodeWrong),
        CodeRefusal::Drift { .. } => i18n.t(Key::ClockHint),
    }
}
