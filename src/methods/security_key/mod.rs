//! Adding a security key or passkey (screen I): what you need and that your browser will
//! ask for the key's PIN, then "Touch your security key" (`navigator.credentials.create`
//! through [`crate::webauthn`]), then a name — the key's model when the server knows it.
//! The stages and the failures' meanings are `security_info_core::screens::security_key`;
//! each stage's text is in [`steps`].

mod steps;

use crate::client::{Call, KeyCeremony};
use crate::context::{Change, Job, Reply, job_action, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::error::ClientError;
use crate::i18n::{Key, Named};
use crate::json::FromJson;
use crate::methods::other_method_button;
use crate::{testids, webauthn};
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::methods::MethodType;
use security_info_core::screens::add::Enrolment;
use security_info_core::screens::security_key::{Stage, name_to_save, suggested_name};

/// This dialog enrols security keys.
pub fn enrols(e: Enrolment) -> bool {
    e.method_type == MethodType::SecurityKey
}

/// The security key registration as a dialog.
#[component]
pub fn SecurityKeyDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// Called with the new method (with its chosen name) once it is stored; also when the
    /// dialog is closed at the naming step, with the name the key got.
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=Named::from(ctx.i18n.t(Key::KeyTitle)) testid=testids::SECURITY_KEY_DIALOG>
            {key_body(open, on_added, on_other_method)}
        </Dialog>
    }
}

fn key_body(
    open: Open,
    on_added: Option<Callback<Method>>,
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let stage = RwSignal::new(Stage::Intro);
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    // The stored key until its name is settled: told to the host even if the dialog is
    // closed at the naming step.
    let unsaved = StoredValue::new(None::<Method>);
    let added = move |method: Method| {
        unsaved.set_value(None);
        if let Some(cb) = on_added {
            cb.run(method);
        }
    };
    on_cleanup(move || {
        if let Some(method) = unsaved.try_update_value(Option::take).flatten() {
            added(method);
        }
    });

    let ceremony = job_action();
    let touch = {
        let ctx = ctx.clone();
        move || {
            if ceremony.pending().get_untracked() {
                return;
            }
            error.set(None);
            stage.set(Stage::Touching);
            let ctx = ctx.clone();
            ceremony.dispatch_local(Job::new(async move {
                let outcome = webauthn::run(&ctx, KeyCeremony::Register)
                    .await
                    .and_then(|v| {
                        Method::from_json(&v).map_err(|e| ctx.fail(&ClientError::Decode(e)))
                    });
                match outcome {
                    Ok(method) => {
                        name.set(suggested_name(&method, &ctx.i18n.t(Key::KeyTitle)));
                        unsaved.set_value(Some(method.clone()));
                        stage.set(Stage::Naming(method));
                    }
                    Err(message) => error.set(Some(message)),
                }
            }));
        }
    };
    let rename = ctx.request(error, move |reply: Reply<Method>| {
        if let Reply::Done(method) = reply {
            added(method);
            open.close();
        }
    });
    let save = move || {
        let Stage::Naming(method) = stage.get_untracked() else {
            return;
        };
        match name_to_save(&method, &name.get_untracked()) {
            Some(new) => rename.send(Change::new(Call::rename(&method.id, &new))),
            None => {
                added(method);
                open.close();
            }
        }
    };

    let i18n = ctx.i18n.clone();
    // Not once the key is stored: another method would not undo it.
    let other_method = {
        let i18n = i18n.clone();
        move || {
            let named = matches!(stage.get(), Stage::Naming(_));
            on_other_method
                .filter(|_| !named)
                .map(|cb| other_method_button(&i18n, cb))
        }
    };
    let error_id = unique_id("key-error");
    let busy = move || (ceremony.pending().get() || rename.pending().get()).to_string();
    let content = {
        let (i18n, error_id) = (i18n.clone(), error_id.clone());
        move || steps::stage_view(&i18n, &stage.get(), name, &error_id)
    };
    let buttons = move || {
        let i18n = i18n.clone();
        match stage.get() {
            Stage::Intro => {
                let touch = touch.clone();
                view! {
                    <button type="button" class="si-button si-primary" data-testid=testids::KEY_NEXT data-autofocus=""
                        on:click=move |_| touch()>
                        {i18n.t(Key::Next)}
                    </button>
                }
                .into_any()
            }
            Stage::Touching => {
                let touch = touch.clone();
                view! {
                    <Show when=move || error.with(Option::is_some) && !ceremony.pending().get()>
                        <button type="button" class="si-button si-primary" data-testid=testids::KEY_RETRY
                            on:click={let touch = touch.clone(); move |_| touch()}>
                            {i18n.t(Key::Retry)}
                        </button>
                    </Show>
                }
                .into_any()
            }
            Stage::Naming(_) => view! {
                <button type="submit" class="si-button si-primary" data-testid=testids::KEY_NAME_SAVE aria-disabled=busy>
                    {i18n.t(Key::Save)}
                </button>
            }
            .into_any(),
        }
    };
    view! {
        <form class="si-wizard" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
            {content}
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>
                {move || error.get()}
            </p>
            <div class="si-footer" aria-busy=busy>
                {other_method}
                {buttons}
            </div>
        </form>
    }
}
