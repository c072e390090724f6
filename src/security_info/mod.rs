//! Screen A: the Security info page — default method, the list of methods, and the
//! dialogs that change them.

use crate::add_method_dialog::AddMethodDialog;
use crate::authenticator_wizard::AuthenticatorWizard;
use crate::change_default_dialog::{ChangeDefaultDialog, option_label};
use crate::client::ClientError;
use crate::config::{Action, Config};
use crate::confirm_dialog::ConfirmDialog;
use crate::context::{Ctx, provide_security_info, unique_id};
use crate::i18n::Key;
use crate::testids;
use crate::verify_identity_dialog::VerifyIdentityDialog;
use leptos::prelude::*;
use security_info_core::api::{Method, SecurityInfo as Info};
use security_info_core::methods::{MethodType, Usage};

/// The whole "Security info" page (screen A) with its dialogs.
///
/// Everything it shows comes from the server and is fetched again after every change,
/// so the list always shows what the server has, also after a failed request.
#[component]
pub fn SecurityInfo(
    /// Where the API is, how to authenticate, language, options and callbacks.
    config: Config,
) -> impl IntoView {
    let ctx = provide_security_info(config);
    let i18n = ctx.i18n.clone();
    let info = RwSignal::new(None::<Info>);
    let load_error = RwSignal::new(None::<ClientError>);
    let action_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(String::new());

    let add_open = RwSignal::new(false);
    let wizard_open = RwSignal::new(false);
    let default_open = RwSignal::new(false);
    let confirm_open = RwSignal::new(false);
    let verify_open = RwSignal::new(false);
    let delete_target = RwSignal::new(None::<Method>);
    let renaming = RwSignal::new(None::<String>);

    let reload = {
        let ctx = ctx.clone();
        Callback::new(move |()| {
            let ctx = ctx.clone();
            leptos::task::spawn_local(async move {
                match ctx.client().security_info().await {
                    Ok(fresh) => {
                        if let Some(on_load) = &ctx.config().on_load {
                            on_load(&fresh);
                        }
                        info.set(Some(fresh));
                        load_error.set(None);
                    }
                    Err(e) => {
                        ctx.report(&e);
                        load_error.set(Some(e));
                    }
                }
            });
        })
    };
    reload.run(());

    // A change that needs a fresh verification opens the verify dialog; closing it
    // without verifying tells the waiting change to give up.
    let step_up = ctx.step_up;
    Effect::new(move |_| {
        if step_up.with(Option::is_some) {
            verify_open.set(true);
        }
    });
    Effect::new(move |_| {
        if !verify_open.get()
            && let Some(request) = step_up.write_untracked().take()
        {
            request.finish(false);
        }
    });
    let on_verified = Callback::new(move |()| {
        if let Some(request) = step_up.write_untracked().take() {
            request.finish(true);
        }
    });

    let methods = Signal::derive(move || {
        info.with(|i| i.as_ref().map(|i| i.methods.clone()).unwrap_or_default())
    });
    let default_method =
        Signal::derive(move || info.with(|i| i.as_ref().and_then(|i| i.default_method.clone())));
    let product = Signal::derive(move || {
        info.with(|i| {
            i.as_ref()
                .map(|i| i.policy.authenticator_name.clone())
                .unwrap_or_default()
        })
    });

    // Both enrollable types start with the product's app; "I want to use a different
    // authenticator app" inside the wizard switches to the generic code path.
    let on_choose = Callback::new(move |_: MethodType| {
        add_open.set(false);
        // Let the add dialog hand focus back first, so the wizard returns it there too.
        request_animation_frame(move || wizard_open.set(true));
    });
    let on_added = {
        let ctx = ctx.clone();
        Callback::new(move |m: Method| {
            notice.set(ctx.i18n.fmt(Key::Added, &[("name", &m.name)]));
            if let Some(on_add) = &ctx.config().on_add {
                on_add(&m);
            }
            reload.run(());
        })
    };
    let on_renamed = {
        let i18n = i18n.clone();
        Callback::new(move |name: String| {
            notice.set(i18n.fmt(Key::Renamed, &[("name", &name)]));
            reload.run(());
        })
    };
    let on_other_method = Callback::new(move |()| {
        wizard_open.set(false);
        request_animation_frame(move || add_open.set(true));
    });
    let on_default_changed = {
        let ctx = ctx.clone();
        Callback::new(move |d: Option<security_info_core::api::DefaultMethod>| {
            if let Some(choice) = &d {
                let label = methods.with_untracked(|m| option_label(&ctx.i18n, m, choice));
                notice.set(ctx.i18n.fmt(Key::DefaultChanged, &[("name", &label)]));
            }
            if let Some(cb) = &ctx.config().on_default_change {
                cb(d.as_ref());
            }
            reload.run(());
        })
    };

    let delete = {
        let ctx = ctx.clone();
        Callback::new(move |()| {
            let Some(method) = delete_target.get_untracked() else {
                return;
            };
            let ctx = ctx.clone();
            leptos::task::spawn_local(async move {
                let id = method.id.clone();
                let result = ctx
                    .with_step_up(|c| {
                        let id = id.clone();
                        async move { c.delete(&id).await }
                    })
                    .await;
                match result {
                    Ok(answer) => {
                        let mut text = ctx.i18n.fmt(Key::Deleted, &[("name", &method.name)]);
                        if method.method_type.counts_toward_authenticator_limit() {
                            text = format!("{text} {}", ctx.i18n.t(Key::RemoveFromApp));
                        }
                        notice.set(text);
                        if let Some(cb) = &ctx.config().on_delete {
                            cb(&method);
                        }
                        let before = default_method.get_untracked();
                        if before != answer.default_method
                            && let Some(cb) = &ctx.config().on_default_change
                        {
                            cb(answer.default_method.as_ref());
                        }
                    }
                    Err(e) => {
                        ctx.report(&e);
                        action_error.set(Some(e.message(&ctx.i18n)));
                    }
                }
                reload.run(());
            });
        })
    };

    let ask_delete = {
        let ctx = ctx.clone();
        move |method: Method| {
            action_error.set(None);
            let may = info.with_untracked(|i| {
                i.as_ref().is_none_or(|i| {
                    let types: Vec<MethodType> = i.methods.iter().map(|m| m.method_type).collect();
                    i.policy.rules().may_delete(method.method_type, &types)
                })
            });
            if !may {
                action_error.set(Some(ctx.i18n.t(Key::LastMethod)));
                return;
            }
            let ctx = ctx.clone();
            leptos::task::spawn_local(async move {
                if ctx
                    .config()
                    .allows(Action::Delete, Some(method.method_type))
                    .await
                {
                    delete_target.set(Some(method));
                    confirm_open.set(true);
                }
            });
        }
    };

    let confirm_title = {
        let i18n = i18n.clone();
        Signal::derive(move || {
            delete_target.with(|m| {
                i18n.fmt(
                    Key::DeleteTitle,
                    &[(
                        "name",
                        m.as_ref().map(|m| m.name.as_str()).unwrap_or_default(),
                    )],
                )
            })
        })
    };
    let confirm_notes = {
        let i18n = i18n.clone();
        Signal::derive(move || {
            let mut notes = vec![i18n.t(Key::CannotUndo)];
            if delete_target.with(|m| {
                m.as_ref()
                    .is_some_and(|m| m.method_type.counts_toward_authenticator_limit())
            }) {
                notes.push(i18n.t(Key::RemoveFromAppWarning));
            }
            notes
        })
    };

    let config = ctx.config().clone();
    let can_change = !config.read_only;
    let can_add = !config.read_only && !config.disable_add;
    let can_delete = !config.read_only && !config.disable_delete;
    let heading_id = unique_id("title");

    let header = (!config.hide_header).then(|| {
        view! {
            <h2 class="si-title" id=heading_id.clone()>{i18n.t(Key::Title)}</h2>
            <p class="si-intro">{i18n.t(Key::Intro)}</p>
        }
    });

    let status = {
        let i18n = i18n.clone();
        move || {
            let i18n = i18n.clone();
            if let Some(e) = load_error.get() {
                let retryable = e.is_retryable();
                return view! {
                    <div class="si-problem" role="alert" data-testid=testids::ERROR>
                        <p>{i18n.t(Key::LoadFailed)} " " {e.message(&i18n)}</p>
                        {retryable.then(|| view! {
                            <button
                                type="button"
                                class="si-button"
                                data-testid=testids::RETRY
                                on:click=move |_| reload.run(())
                            >
                                {i18n.t(Key::Retry)}
                            </button>
                        })}
                    </div>
                }
                .into_any();
            }
            if info.with(Option::is_none) {
                return view! {
                    <div class="si-loading" data-testid=testids::LOADING role="status" aria-busy="true">
                        <span class="si-spinner" aria-hidden="true"></span>
                        {i18n.t(Key::Loading)}
                    </div>
                }
                .into_any();
            }
            ().into_any()
        }
    };

    let page = {
        let i18n = i18n.clone();
        let ctx: Ctx = ctx.clone();
        move || {
            let i18n = i18n.clone();
            let ctx = ctx.clone();
            let ask_delete = ask_delete.clone();
            info.with(|i| i.is_some()).then(move || {
                let default_line = {
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
                            Some(label) => i18n.fmt(Key::DefaultMethod, &[("name", &label)]),
                            None => i18n.t(Key::NoDefaultMethod),
                        }
                    }
                };
                let has_two_step =
                    move || methods.with(|m| m.iter().any(|m| m.method_type.is_two_step()));
                let rows = {
                    let i18n = i18n.clone();
                    let ctx = ctx.clone();
                    move || {
                        let visible: Vec<Method> = methods
                            .get()
                            .into_iter()
                            .filter(|m| ctx.config().shows(m.method_type))
                            .collect();
                        if visible.is_empty() {
                            return view! {
                                <p class="si-empty" data-testid=testids::EMPTY>{i18n.t(Key::Empty)}</p>
                            }
                            .into_any();
                        }
                        let rows = visible
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <MethodRow
                                        method=m
                                        can_change
                                        can_delete
                                        renaming
                                        on_delete=ask_delete.clone()
                                        on_renamed
                                        action_error
                                    />
                                }
                            })
                            .collect_view();
                        view! {
                            <ul class="si-methods" aria-label=i18n.t(Key::Methods)>{rows}</ul>
                        }
                        .into_any()
                    }
                };
                view! {
                    <p
                        class="si-default"
                        data-testid=testids::DEFAULT_METHOD
                        data-method-id=move || {
                            info.with(|i| {
                                i.as_ref()
                                    .and_then(|i| i.default_method.as_ref())
                                    .map(|d| d.method_id.clone())
                            })
                        }
                    >
                        <span>{default_line}</span>
                        {can_change.then(|| {
                            let i18n = i18n.clone();
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
                        }})}
                    </p>
                    {can_add.then(|| view! {
                        <button
                            type="button"
                            class="si-button si-add"
                            data-testid=testids::ADD_METHOD
                            on:click=move |_| {
                                action_error.set(None);
                                add_open.set(true);
                            }
                        >
                            <span aria-hidden="true">"+ "</span>
                            {i18n.t(Key::AddMethod)}
                        </button>
                    })}
                    {rows}
                }
            })
        }
    };

    view! {
        <section
            class="si-root"
            data-testid=testids::SECURITY_INFO
            lang=i18n.lang().to_owned()
            data-theme=config.theme.as_str()
            aria-labelledby=(!config.hide_header).then_some(heading_id)
            tabindex="-1"
        >
            {header}
            <p class="si-notice" role="status" aria-live="polite" data-testid=testids::NOTICE>
                {move || notice.get()}
            </p>
            <p class="si-error" role="alert" data-testid=testids::ERROR>{move || action_error.get()}</p>
            {status}
            {page}
            <AddMethodDialog open=add_open info=info on_choose />
            <AuthenticatorWizard
                open=wizard_open
                product
                on_added
                on_other_method
            />
            <ChangeDefaultDialog
                open=default_open
                methods
                current=default_method
                on_changed=on_default_changed
            />
            <ConfirmDialog
                open=confirm_open
                title=confirm_title
                message=i18n.t(Key::ConfirmDelete)
                notes=confirm_notes
                on_yes=delete
            />
            // Last, so it stacks above a dialog whose action it verifies.
            <VerifyIdentityDialog
                open=verify_open
                methods
                default_method
                on_verified
            />
        </section>
    }
}

/// One row of the list: icon, name, masked detail, what it can be used for, actions.
#[component]
fn MethodRow(
    method: Method,
    can_change: bool,
    can_delete: bool,
    renaming: RwSignal<Option<String>>,
    on_delete: impl Fn(Method) + Clone + Send + Sync + 'static,
    on_renamed: Callback<String>,
    action_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = crate::context::use_ctx();
    let i18n = ctx.i18n.clone();
    let sspr_only = !method.usable_for.contains(&Usage::Mfa);
    let id = method.id.clone();
    let is_renaming = {
        let id = id.clone();
        move || renaming.with(|r| r.as_deref() == Some(id.as_str()))
    };
    let draft = RwSignal::new(method.name.clone());
    let pending = RwSignal::new(false);

    let save = {
        let ctx = ctx.clone();
        let id = id.clone();
        move || {
            if pending.get_untracked() {
                return;
            }
            let name = draft.get_untracked().trim().to_owned();
            if name.is_empty() {
                return;
            }
            pending.set(true);
            let ctx = ctx.clone();
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let allowed = ctx.config().allows(Action::Rename, None).await;
                let result = if allowed {
                    ctx.with_step_up(|c| {
                        let (id, name) = (id.clone(), name.clone());
                        async move { c.rename(&id, &name).await }
                    })
                    .await
                    .map(Some)
                } else {
                    Ok(None)
                };
                pending.set(false);
                match result {
                    Ok(Some(renamed)) => {
                        renaming.set(None);
                        on_renamed.run(renamed.name);
                    }
                    Ok(None) => renaming.set(None),
                    Err(e) => {
                        ctx.report(&e);
                        action_error.set(Some(e.message(&ctx.i18n)));
                    }
                }
            });
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
                view! { <span class="si-method-name">{name.clone()}</span> }.into_any()
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
    let delete_button = can_delete.then(|| {
        let m = method.clone();
        view! {
            <button
                type="button"
                class="si-link si-danger-link"
                data-testid=testids::DELETE_METHOD
                aria-label=i18n.fmt(Key::DeleteNamed, &[("name", &method.name)])
                on:click=move |_| on_delete(m.clone())
            >
                {i18n.t(Key::Delete)}
            </button>
        }
    });

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
                <span class="si-method-type">{i18n.method_type(method.method_type)}</span>
                {method.detail.clone().map(|d| view! { <span class="si-method-detail">{d}</span> })}
                {sspr_only.then(|| view! { <span class="si-method-note">{i18n.t(Key::SsprOnly)}</span> })}
            </div>
            <div class="si-method-actions">{rename_button} {delete_button}</div>
        </li>
    }
}

/// A decorative outline icon per method type (the row's text names the type).
fn icon(t: MethodType) -> impl IntoView {
    let d = match t {
        MethodType::AuthenticatorPush | MethodType::Totp => {
            "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM9.5 12l2 2 3.5-4"
        }
        MethodType::Phone => {
            "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 18h2"
        }
        MethodType::SecurityKey => "M8 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM12 12h9M18 12v3M21 12v3",
        MethodType::Email => "M3 6h18v12H3zM3 6l9 7 9-7",
        MethodType::SecurityQuestions => {
            "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5V14M12 17v.5"
        }
    };
    view! {
        <svg class="si-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=d />
        </svg>
    }
}
