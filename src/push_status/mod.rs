//! A push notification in the browser (the wizard's "Let's try it out", the verify
//! dialog): the number to enter in the app, announced in a live region, and what became
//! of the notification, with "Resend notification" after a denial, a wrong number or
//! expiry.

use crate::i18n::{Key, use_i18n};
use crate::testids;
use leptos::prelude::*;
use security_info_core::push::PushChallenge;
use security_info_core::screens::wizard::TryIt;

/// The text of the notification's state.
fn status(try_it: TryIt) -> Option<Key> {
    match try_it {
        TryIt::Sending => Some(Key::NotificationSending),
        TryIt::Waiting => None,
        TryIt::Approved => Some(Key::NotificationApproved),
        TryIt::Denied => Some(Key::NotificationDenied),
        TryIt::WrongNumber => Some(Key::NotificationWrongNumber),
        TryIt::Expired => Some(Key::NotificationExpired),
    }
}

/// The instruction, the number, the state and "Resend notification".
pub fn push_status(
    // Where the notification is.
    state: Signal<TryIt>,
    // The notification once sent.
    challenge: Signal<Option<PushChallenge>>,
    // "Resend notification".
    resend: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let number = move || {
        challenge
            .with(|c| c.as_ref().map(|c| c.number.to_string()))
            .filter(|_| state.get() != TryIt::Sending)
    };
    let announce = {
        let i18n = i18n.clone();
        move || match (state.get(), number()) {
            (TryIt::Waiting, Some(n)) => i18n.fmt(Key::NumberToEnter, &[("number", &n)]),
            (other, _) => status(other).map(|k| i18n.t(k)).unwrap_or_default(),
        }
    };
    let failed = move || state.get().offers_resend();
    let resend_label = i18n.t(Key::ResendNotification);
    view! {
        <p>{i18n.t(Key::TryItBody)}</p>
        <p class="si-push-number" data-testid=testids::PUSH_NUMBER aria-hidden="true">
            {number}
        </p>
        <p
            class="si-push-status"
            class:si-error=failed
            data-testid=testids::PUSH_STATUS
            role="status"
            aria-live="polite"
        >
            {announce}
        </p>
        <Show when=failed>
            <p>
                <button
                    type="button"
                    class="si-button"
                    data-testid=testids::RESEND_NOTIFICATION
                    on:click=move |_| resend.run(())
                >
                    {resend_label.clone()}
                </button>
            </p>
        </Show>
    }
}
