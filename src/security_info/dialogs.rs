//! The page's dialogs, each in a chunk of its own in a split build ([`crate::chunk`]):
//! the list paints without their code.

use crate::add_method_dialog::AddMethodDialog;
use crate::change_default_dialog::ChangeDefaultDialog;
use crate::chunk::{chunk, lazy};
use crate::confirm_dialog::ConfirmDialog;
use crate::dialog::Open;
use crate::i18n::Named;
use crate::verify_identity_dialog::VerifyIdentityDialog;
use leptos::prelude::*;
use security_info_core::api::{DefaultMethod, Method, SecurityInfo as Info};
use security_info_core::screens::add::Enrolment;

chunk!(
    add_chunk,
    |open: RwSignal<bool>, info: Signal<Option<Info>>, on_choose: Callback<Enrolment>| view! { <AddMethodDialog open info on_choose /> }
);

/// "Add a method" (screen B).
pub fn add_method(
    open: RwSignal<bool>,
    info: Signal<Option<Info>>,
    on_choose: Callback<Enrolment>,
) -> impl IntoView {
    lazy(open.into(), add_chunk::preload, move || {
        add_chunk::view(open, info, on_choose)
    })
}

chunk!(default_chunk, |open: RwSignal<bool>,
                       methods: Signal<Vec<Method>>,
                       current: Signal<Option<DefaultMethod>>,
                       on_changed: Callback<
    Option<DefaultMethod>,
>| view! { <ChangeDefaultDialog open methods current on_changed /> });

/// "Change default method" (screen E).
pub fn change_default(
    open: RwSignal<bool>,
    methods: Signal<Vec<Method>>,
    current: Signal<Option<DefaultMethod>>,
    on_changed: Callback<Option<DefaultMethod>>,
) -> impl IntoView {
    lazy(open.into(), default_chunk::preload, move || {
        default_chunk::view(open, methods, current, on_changed)
    })
}

chunk!(confirm_chunk, |open: RwSignal<bool>,
                       title: Signal<Named>,
                       message: String,
                       notes: Signal<Vec<String>>,
                       on_yes: Callback<()>| view! { <ConfirmDialog open title message notes on_yes /> });

/// "Are you sure?" before a delete.
pub fn confirm(
    open: RwSignal<bool>,
    title: Signal<Named>,
    message: String,
    notes: Signal<Vec<String>>,
    on_yes: Callback<()>,
) -> impl IntoView {
    lazy(open.into(), confirm_chunk::preload, move || {
        confirm_chunk::view(open, title, message.clone(), notes, on_yes)
    })
}

chunk!(
    verify_chunk,
    |open: Open,
     methods: Signal<Vec<Method>>,
     default_method: Signal<Option<DefaultMethod>>,
     on_verified: Callback<()>| view! { <VerifyIdentityDialog open methods default_method on_verified /> }
);

/// "Verify your identity" for a step-up (screen J).
pub fn verify_identity(
    open: Open,
    methods: Signal<Vec<Method>>,
    default_method: Signal<Option<DefaultMethod>>,
    on_verified: Callback<()>,
) -> impl IntoView {
    lazy(open, verify_chunk::preload, move || {
        verify_chunk::view(open, methods, default_method, on_verified)
    })
}
