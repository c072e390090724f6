//! One folder per method kind with its enrolment UI; this module is where kinds are
//! registered. A new kind is its folder plus its chunk and one line in [`enrol_dialogs`]
//! (and its capability in `security_info_core::methods::MethodType::enrolable`). Each
//! kind's dialog is a chunk of its own in a split build ([`crate::chunk`]).

pub mod authenticator;
pub mod email;
pub mod hardware_token;
pub mod phone;
pub mod security_key;
pub mod security_questions;

use crate::chunk::{chunk, lazy};
use crate::dialog::Open;
use authenticator::AuthenticatorWizard;
use email::EmailDialog;
use hardware_token::HardwareTokenDialog;
use leptos::prelude::*;
use phone::PhoneDialog;
use security_info_core::api::Method;
use security_info_core::methods::MethodType;
use security_info_core::screens::add::Enrolment;
use security_key::SecurityKeyDialog;
use security_questions::SecurityQuestionsDialog;

/// The enrolment dialogs of every kind; the one for the chosen type is open.
pub fn enrol_dialogs(
    // What is being added; `None` when no enrolment is open. Closing a dialog
    // clears it.
    adding: RwSignal<Option<Enrolment>>,
    // "Change": the method the enrolment replaces (phone, email, security questions);
    // `None` when adding. Closing a dialog clears it.
    replacing: RwSignal<Option<Method>>,
    // The product named in the texts ("Microsoft Authenticator").
    product: Signal<String>,
    // Called with the new method once the server stored it.
    on_added: Callback<Method>,
    // "I want to set up a different method": back to "Add a method".
    on_other_method: Callback<()>,
) -> impl IntoView {
    let open_for = move |enrols: fn(Enrolment) -> bool| {
        Open::derived(
            move || adding.get().is_some_and(enrols),
            move || {
                adding.set(None);
                replacing.set(None);
            },
        )
    };
    let (app, token) = (
        open_for(authenticator::enrols),
        open_for(hardware_token::enrols),
    );
    let key = open_for(security_key::enrols);
    let phone = open_for(phone::enrols);
    let (email, questions) = (
        open_for(email::enrols),
        open_for(security_questions::enrols),
    );
    let replaces = Signal::from(replacing);
    // The product's app with notifications: the wizard's push path.
    let push = Signal::derive(move || {
        adding.with(|a| a.is_some_and(|e| e.method_type == MethodType::AuthenticatorPush))
    });
    view! {
        {lazy(app, app_chunk::preload, move || app_chunk::view(app, product, on_added, on_other_method, push))}
        {lazy(token, token_chunk::preload, move || token_chunk::view(token, on_added, on_other_method))}
        {lazy(key, key_chunk::preload, move || key_chunk::view(key, on_added, on_other_method))}
        {lazy(phone, phone_chunk::preload, move || phone_chunk::view(phone, replaces, on_added, on_other_method))}
        {lazy(email, email_chunk::preload, move || email_chunk::view(email, replaces, on_added, on_other_method))}
        {lazy(questions, questions_chunk::preload, move || questions_chunk::view(questions, replaces, on_added, on_other_method))}
    }
}

chunk!(app_chunk, |open: Open,
                   product: Signal<String>,
                   on_added: Callback<Method>,
                   on_other_method: Callback<()>,
                   push: Signal<bool>| view! { <AuthenticatorWizard open product on_added on_other_method push /> });

chunk!(
    key_chunk,
    |open: Open, on_added: Callback<Method>, on_other_method: Callback<()>| view! { <SecurityKeyDialog open on_added on_other_method /> }
);

chunk!(
    phone_chunk,
    |open: Open,
     replaces: Signal<Option<Method>>,
     on_added: Callback<Method>,
     on_other_method: Callback<()>| view! { <PhoneDialog open replaces on_added on_other_method /> }
);

chunk!(
    email_chunk,
    |open: Open,
     replaces: Signal<Option<Method>>,
     on_added: Callback<Method>,
     on_other_method: Callback<()>| view! { <EmailDialog open replaces on_added on_other_method /> }
);

chunk!(
    questions_chunk,
    |open: Open,
     replaces: Signal<Option<Method>>,
     on_added: Callback<Method>,
     on_other_method: Callback<()>| view! { <SecurityQuestionsDialog open replaces on_added on_other_method /> }
);

chunk!(
    token_chunk,
    |open: Open, on_added: Callback<Method>, on_other_method: Callback<()>| view! { <HardwareTokenDialog open on_added on_other_method /> }
);

/// "I want to set up a different method" at the start of an enrolment dialog's footer,
/// when the host offers other methods.
pub(crate) fn other_method_button(
    i18n: &crate::i18n::I18n,
    on_click: Callback<()>,
) -> impl IntoView + use<> {
    let label = i18n.t(crate::i18n::Key::UseOtherMethod);
    view! {
        <button
            type="button"
            class="si-link si-footer-start"
            data-testid=crate::testids::USE_OTHER_METHOD
            on:click=move |_| on_click.run(())
        >
            {label}
        </button>
    }
}
