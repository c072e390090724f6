//! The address screen: the address, "Next" sends the code.

use crate::client::Call;
use crate::context::{unique_id, use_ctx};
use crate::i18n::Key;
use crate::methods::other_method_button;
use crate::methods::phone::frame::Sending;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{CodeSent, Method};
use security_info_core::screens::email::start_request;
use security_info_core::screens::phone::Refusal;

/// The form; a sent code moves the dialog on (`sent`).
#[component]
pub fn AddressStep(
    /// Set to the server's answer once a code was sent.
    sent: RwSignal<Option<CodeSent>>,
    /// "Change": the method the new address replaces.
    replaces: Option<Method>,
    /// "I want to set up a different method" (adding only).
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let address = RwSignal::new(String::new());
    let sending = Sending::new(super::EMAIL, sent);
    let Sending {
        refusal,
        error,
        pending,
        ..
    } = sending.clone();
    let (field_id, error_id) = (unique_id("email-address"), unique_id("email-error"));
    let lang = i18n.lang().to_owned();
    let replaced_id = replaces.as_ref().map(|m| m.id.clone());
    let submit = move || {
        let typed = address.get_untracked();
        sending.send(
            start_request(&typed, replaced_id.clone(), Some(lang.clone()))
                .map(|request| Call::email_start(&request)),
        );
    };
    let invalid = move || refusal.with(|r| r.as_ref().is_some_and(Refusal::about_number));
    let replaces_note = replaces.and_then(|m| m.detail).map(|detail| {
        view! {
            <p class="si-note" data-testid=testids::REPLACES_NOTE>
                {i18n.fmt(Key::ReplacesNote, &[("detail", &detail)])}
            </p>
        }
    });
    let other_method = on_other_method.map(|cb| other_method_button(&i18n, cb));
    view! {
        <form class="si-wizard" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <p>{i18n.t(Key::EmailIntro)}</p>
            <p class="si-note">{i18n.t(Key::SsprOnly)}</p>
            {replaces_note}
            <label class="si-label si-field-gap" for=field_id.clone()>{i18n.t(Key::EmailAddress)}</label>
            <input id=field_id class="si-input" type="email" autocomplete="email" inputmode="email"
                data-testid=testids::EMAIL_ADDRESS data-autofocus="" maxlength="254"
                aria-describedby=error_id.clone()
                aria-invalid=move || invalid().to_string()
                prop:value=move || address.get()
                on:input=move |ev| address.set(event_target_value(&ev)) />
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
            <div class="si-footer" aria-busy=move || pending.get().to_string()>
                {other_method}
                <button type="submit" class="si-button si-primary" data-testid=testids::EMAIL_SEND
                    aria-disabled=move || pending.get().to_string()>
                    {i18n.t(Key::Next)}
                </button>
            </div>
        </form>
    }
}
