//! A row's "Change" (a new number, address or set of questions, verified before it
//! replaces the method's) and "Delete".

use crate::i18n::{I18n, Key};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::screens::add::Enrolment;

/// What a row's "Delete" and "Change" do.
#[derive(Clone, Copy)]
pub struct RowActions {
    pub delete: Callback<Method>,
    pub change: Callback<Method>,
}

/// "Change" (for the types that have it, when changes are allowed) and "Delete".
pub fn buttons(
    i18n: &I18n,
    method: &Method,
    can_change: bool,
    can_delete: bool,
    actions: RowActions,
) -> (impl IntoView + use<>, impl IntoView + use<>) {
    let change = (can_change && method.method_type.changeable()).then(|| {
        let m = method.clone();
        view! {
            <button
                type="button"
                class="si-link"
                data-testid=testids::CHANGE_METHOD
                aria-label=i18n.fmt(Key::ChangeNamed, &[("name", &method.name)])
                on:click=move |_| actions.change.run(m.clone())
            >
                {i18n.t(Key::Change)}
            </button>
        }
    });
    let delete = can_delete.then(|| {
        let m = method.clone();
        view! {
            <button
                type="button"
                class="si-link si-danger-link"
                data-testid=testids::DELETE_METHOD
                aria-label=i18n.fmt(Key::DeleteNamed, &[("name", &method.name)])
                on:click=move |_| actions.delete.run(m.clone())
            >
                {i18n.t(Key::Delete)}
            </button>
        }
    });
    (change, delete)
}

/// "Change" on a phone, email or security questions row: the type's enrolment dialog,
/// replacing the method.
pub fn change(
    adding: RwSignal<Option<Enrolment>>,
    replacing: RwSignal<Option<Method>>,
    action_error: RwSignal<Option<String>>,
) -> Callback<Method> {
    Callback::new(move |m: Method| {
        action_error.set(None);
        let enrolment = Enrolment::of(m.method_type);
        replacing.set(Some(m));
        // As for "Add": the row's button hands focus back once the dialog closes.
        request_animation_frame(move || adding.set(Some(enrolment)));
    })
}
