//! Screen E: "Are you sure?" before an irreversible change (deleting a method).

use crate::dialog::Dialog;
use crate::i18n::{Key, Named, use_i18n};
use crate::testids;
use leptos::prelude::*;

/// A yes/no confirmation. "Yes" closes the dialog and then runs `on_yes`, once.
#[component]
pub fn ConfirmDialog(
    /// Two-way open state.
    open: RwSignal<bool>,
    /// Heading, e.g. "Delete Authenticator app" (the name isolated: [`Named`]).
    #[prop(into)]
    title: Signal<Named>,
    /// The question ("Are you sure you would like to delete this method?").
    #[prop(into)]
    message: Signal<String>,
    /// Further lines under the question (that it cannot be undone, reminders).
    #[prop(optional, into)]
    notes: Signal<Vec<String>>,
    /// What "Yes" does.
    on_yes: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Dialog open title testid=testids::CONFIRM_DIALOG>
            {confirm_body(open, message, notes, on_yes, i18n.clone())}
        </Dialog>
    }
}

fn confirm_body(
    open: RwSignal<bool>,
    message: Signal<String>,
    notes: Signal<Vec<String>>,
    on_yes: Callback<()>,
    i18n: crate::i18n::I18n,
) -> impl IntoView {
    // Created per opening: a second click on "Yes" before the dialog is gone is ignored.
    let answered = RwSignal::new(false);
    view! {
        <p>{move || message.get()}</p>
        {move || notes.get().into_iter().map(|n| view! { <p class="si-note">{n}</p> }).collect_view()}
        <div class="si-footer">
            <button
                type="button"
                class="si-button"
                data-testid=testids::CONFIRM_NO
                data-autofocus=""
                on:click=move |_| open.set(false)
            >
                {i18n.t(Key::No)}
            </button>
            <button
                type="button"
                class="si-button si-danger"
                data-testid=testids::CONFIRM_YES
                on:click=move |_| {
                    if !answered.get_untracked() {
                        answered.set(true);
                        open.set(false);
                        on_yes.run(());
                    }
                }
            >
                {i18n.t(Key::Yes)}
            </button>
        </div>
    }
}
