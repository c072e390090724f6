//! "Authenticator app or hardware token": where the codes come from, asked after the
//! type passed the rules and the host. An app opens the authenticator wizard, a token
//! its activation.

use crate::i18n::Key;
use crate::testids;
use leptos::prelude::*;
use security_info_core::methods::MethodSource;
use security_info_core::screens::add::Enrolment;

/// The two choices and "Back" (to the list of types, whose select gets focus again).
pub fn source_choice(
    // The enrolment waiting for its source.
    pending: Enrolment,
    // Cleared by "Back".
    choosing: RwSignal<Option<Enrolment>>,
    on_choose: Callback<Enrolment>,
    // The id of the type select, focused after "Back".
    select_id: String,
) -> impl IntoView {
    let i18n = crate::context::use_ctx().i18n;
    let heading = NodeRef::<leptos::html::H3>::new();
    // The buttons that had focus are gone: continue from the question.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let choices = MethodSource::ALL
        .into_iter()
        .map(|source| {
            let (label, hint, testid) = match source {
                MethodSource::App => (Key::SourceApp, Key::SourceAppHint, testids::SOURCE_APP),
                MethodSource::Hardware => (
                    Key::HardwareToken,
                    Key::SourceHardwareHint,
                    testids::SOURCE_HARDWARE,
                ),
            };
            view! {
                <li>
                    <button
                        type="button"
                        class="si-choice"
                        data-testid=testid
                        on:click=move |_| on_choose.run(pending.from(source))
                    >
                        {i18n.t(label)}
                        <span class="si-choice-hint">{i18n.t(hint)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let back = move |_| {
        choosing.set(None);
        let select_id = select_id.clone();
        request_animation_frame(move || {
            if let Some(select) = document().get_element_by_id(&select_id)
                && let Ok(select) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(select)
            {
                let _ = select.focus();
            }
        });
    };
    view! {
        <h3 class="si-step-title" tabindex="-1" node_ref=heading>{i18n.t(Key::SourcePrompt)}</h3>
        <ul class="si-choices">{choices}</ul>
        <div class="si-footer">
            <button type="button" class="si-button" data-testid=testids::SOURCE_BACK on:click=back>
                {i18n.t(Key::Back)}
            </button>
        </div>
    }
}
