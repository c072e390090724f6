//! Screen A's list: one row per method with its icon, name, masked detail, what it can
//! be used for, and its rename and delete actions.

use super::row_actions::{self, RowActions};
use crate::client::Call;
use crate::config::Action as HostAction;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::first_paint::{self, type_label};
use crate::i18n::{I18n, Key};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::methods::{MethodType, Usage};

/// The methods the host shows, or the empty state.
pub fn method_list(
    // The user's methods as the server has them.
    methods: Signal<Vec<Method>>,
    // Rename and Change are offered.
    can_change: bool,
    // Delete is offered.
    can_delete: bool,
    // A row's "Delete" and "Change".
    actions: RowActions,
    // After a rename, with the new name.
    on_renamed: Callback<String>,
    // Where a failed rename says why.
    action_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    // The row being renamed: one at a time.
    let renaming = RwSignal::new(None::<String>);
    move || {
        let visible: Vec<Method> = methods
            .get()
            .into_iter()
            .filter(|m| ctx.config().shows(m.method_type))
            .collect();
        if visible.is_empty() {
            return view! {
                <p class="si-empty" data-testid=testids::EMPTY>{ctx.i18n.t(Key::Empty)}</p>
            }
            .into_any();
        }
        let rows = visible
            .into_iter()
            .map(|method| {
                view! {
                    {untrack(|| method_row(method, can_change, can_delete, renaming, actions, on_renamed, action_error))}
                }
            })
            .collect_view();
        view! { <ul class="si-methods" aria-label=ctx.i18n.t(Key::Methods)>{rows}</ul> }.into_any()
    }
}

/// One row of the list: icon, name, masked detail, what it can be used for, actions.
fn method_row(
    method: Method,
    can_change: bool,
    can_delete: bool,
    renaming: RwSignal<Option<String>>,
    actions: RowActions,
    on_renamed: Callback<String>,
    action_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let sspr_only = !method.usable_for.contains(&Usage::Mfa);
    let id = method.id.clone();
    let is_renaming = {
        let id = id.clone();
        move || renaming.with(|r| r.as_deref() == Some(id.as_str()))
    };
    let draft = RwSignal::new(method.name.clone());

    let save = ctx.request(action_error, move |reply: Reply<Method>| match reply {
        Reply::Done(renamed) => {
            renaming.set(None);
            on_renamed.run(renamed.name);
        }
        Reply::Declined => renaming.set(None),
        Reply::Failed(_) => {}
    });
    let save = {
        let id = id.clone();
        move || {
            let name = draft.get_untracked().trim().to_owned();
            if !name.is_empty() {
                save.send(
                    Change::new(Call::rename(&id, &name)).asking_host(HostAction::Rename, None),
                );
            }
        }
    };

    let name_view = {
        let i18n = i18n.clone();
        let name = method.name.clone();
        let input_id = unique_id("rename");
        move || {
            if is_renaming() {
                let save = save.clone();
                view! {
                    <form
                        class="si-rename"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            save();
                        }
                    >
                        <label class="si-sr-only" for=input_id.clone()>{i18n.t(Key::NameLabel)}</label>
                        <input
                            id=input_id.clone()
                            class="si-input"
                            data-testid=testids::RENAME_INPUT
                            maxlength="64"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        />
                        <button type="submit" class="si-button" data-testid=testids::RENAME_SAVE>
                            {i18n.t(Key::Save)}
                        </button>
                        <button type="button" class="si-button" on:click=move |_| renaming.set(None)>
                            {i18n.t(Key::Cancel)}
                        </button>
                    </form>
                }
                .into_any()
            } else {
                // `<bdi>`: the name is the user's (or a server's) text.
                view! { <bdi class="si-method-name">{name.clone()}</bdi> }.into_any()
            }
        }
    };

    let rename_button = can_change.then(|| {
        let id = id.clone();
        let name = method.name.clone();
        view! {
            <button
                type="button"
                class="si-link"
                data-testid=testids::RENAME_METHOD
                aria-label=i18n.fmt(Key::RenameNamed, &[("name", &name)])
                on:click=move |_| {
                    draft.set(name.clone());
                    renaming.set(Some(id.clone()));
                }
            >
                {i18n.t(Key::Rename)}
            </button>
        }
    });
    let (change_button, delete_button) =
        row_actions::buttons(&i18n, &method, can_change, can_delete, actions);

    view! {
        <li
            class="si-method"
            data-testid=testids::METHOD_ROW
            data-method-id=method.id.clone()
            data-method-type=method.method_type.as_str()
        >
            {icon(method.method_type)}
            <div class="si-method-text">
                {name_view}
                <span class="si-method-type">{type_label(&i18n, &method)}</span>
                {method.detail.clone().map(|d| view! { <bdi class="si-method-detail">{d}</bdi> })}
                {sspr_only.then(|| view! { <span class="si-method-note">{i18n.t(Key::SsprOnly)}</span> })}
                {(method.method_type == MethodType::SecurityKey).then(|| last_use(&i18n, method.last_used_at))}
            </div>
            <div class="si-method-actions">{change_button} {rename_button} {delete_button}</div>
        </li>
    }
}

/// When a security key was last used, or that it was not used yet.
fn last_use(i18n: &I18n, at: Option<i64>) -> impl IntoView + use<> {
    let text = first_paint::last_use(i18n, at);
    view! { <span class="si-method-note" data-testid=testids::METHOD_LAST_USED>{text}</span> }
}

/// A decorative outline icon per method type (the row's text names the type).
fn icon(t: MethodType) -> impl IntoView {
    view! {
        <svg class="si-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=first_paint::icon_path(t) />
        </svg>
    }
}
