//! "Default sign-in method: …" and its "Change" link.

use crate::change_default_dialog::option_label;
use crate::context::Ctx;
use crate::i18n::{Key, Named};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::SecurityInfo as Info;

/// "Default sign-in method: …" with its "Change" link (when there is a two-step
/// method to choose).
pub(super) fn default_line(
    info: Signal<Option<Info>>,
    default_open: RwSignal<bool>,
) -> impl IntoView {
    let ctx: Ctx = crate::context::use_ctx();
    let i18n = ctx.i18n.clone();
    let label = {
        let i18n = i18n.clone();
        move || {
            let label = info.with(|i| {
                i.as_ref().and_then(|i| {
                    i.default_method
                        .as_ref()
                        .map(|d| option_label(&i18n, &i.methods, d))
                })
            });
            match label {
                Some(label) => i18n.named(Key::DefaultMethod, &label),
                None => Named::from(i18n.t(Key::NoDefaultMethod)),
            }
            .view()
        }
    };
    let has_two_step = move || {
        info.with(|i| {
            i.as_ref()
                .is_some_and(|i| i.methods.iter().any(|m| m.method_type.is_two_step()))
        })
    };
    let change = (!ctx.config().read_only).then(|| {
        view! {
            <Show when=has_two_step>
                <button
                    type="button"
                    class="si-link"
                    data-testid=testids::CHANGE_DEFAULT
                    aria-label=i18n.t(Key::ChangeDefaultLabel)
                    on:click=move |_| default_open.set(true)
                >
                    {i18n.t(Key::Change)}
                </button>
            </Show>
        }
    });
    view! {
        <p
            class="si-default"
            data-testid=testids::DEFAULT_METHOD
            data-method-id=move || {
                info.with(|i| {
                    i.as_ref().and_then(|i| i.default_method.as_ref()).map(|d| d.method_id.clone())
                })
            }
        >
            <span>{label}</span>
            {change}
        </p>
    }
}
