//! What each stage of the security key dialog says (the buttons are the dialog's).

use crate::context::unique_id;
use crate::i18n::{I18n, Key};
use crate::testids;
use leptos::prelude::*;
use security_info_core::screens::security_key::Stage;

/// The body of `stage`; the naming step edits `name`, described by its hint and by the
/// dialog's error (`error_id`).
pub(super) fn stage_view(
    i18n: &I18n,
    stage: &Stage,
    name: RwSignal<String>,
    error_id: &str,
) -> AnyView {
    match stage {
        Stage::Intro => view! {
            <p>{i18n.t(Key::KeyIntro)}</p>
            <p>{i18n.t(Key::KeyPinNote)}</p>
        }
        .into_any(),
        Stage::Touching => view! {
            <p data-testid=testids::KEY_TOUCH><strong>{i18n.t(Key::KeyTouch)}</strong></p>
            <p>{i18n.t(Key::KeyTouchHint)}</p>
        }
        .into_any(),
        Stage::Naming(_) => {
            let (name_id, hint_id) = (unique_id("key-name"), unique_id("key-name-hint"));
            view! {
                <label class="si-label" for=name_id.clone()>{i18n.t(Key::KeyNameLabel)}</label>
                <input
                    id=name_id
                    class="si-input"
                    data-testid=testids::KEY_NAME_INPUT
                    data-autofocus=""
                    autocomplete="off"
                    maxlength="64"
                    aria-describedby=format!("{hint_id} {error_id}")
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <p class="si-note" id=hint_id>{i18n.t(Key::KeyNameHint)}</p>
            }
            .into_any()
        }
    }
}
