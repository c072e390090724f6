//! Screen J: verify your identity with a second factor, for a step-up before a change or
//! as the second step of signing in. A push authenticator is asked by notification
//! first ([`push`]), with its code and the other methods behind "Sign in another way".
//! A security key is touched instead ([`key`]). A phone gets its code sent ([`phone`]).

mod key;
mod phone;
mod push;

use crate::client::Call;
use crate::code_input::{CodeInput, refusal_message};
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::i18n::{Key, Named};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{DefaultMethod, Method, VerifyRequest};
use security_info_core::methods::MethodType;
use security_info_core::screens::verify;
use wasm_bindgen::JsValue;

/// Where the proof goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyPurpose {
    /// `POST /me/step-up` before a sensitive change.
    #[default]
    StepUp,
    /// `POST /session/verify`: the second factor of the demo sign-in.
    SignIn,
}

/// The "Verify your identity" dialog (screen J).
#[component]
pub fn VerifyIdentityDialog(
    /// Two-way open state; closing it without verifying cancels the waiting change.
    #[prop(into)]
    open: Open,
    /// The user's methods; the two-step ones are offered.
    #[prop(into)]
    methods: Signal<Vec<Method>>,
    /// The default method, offered first.
    #[prop(optional, into)]
    default_method: Signal<Option<DefaultMethod>>,
    /// Called once the server accepted the proof (the dialog closes itself after it).
    on_verified: Callback<()>,
    #[prop(optional)] purpose: VerifyPurpose,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=Named::from(ctx.i18n.t(Key::VerifyTitle)) testid=testids::VERIFY_DIALOG>
            {verify_body(open, methods, default_method, on_verified, purpose)}
        </Dialog>
    }
}

fn verify_body(
    open: Open,
    methods: Signal<Vec<Method>>,
    default_method: Signal<Option<DefaultMethod>>,
    on_verified: Callback<()>,
    purpose: VerifyPurpose,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    // Two-step methods, the default first.
    let choices =
        Memo::new(move |_| methods.with(|m| verify::choices(m, default_method.get().as_ref())));
    let first =
        choices.with_untracked(|c| verify::first_way(c, default_method.get_untracked().as_ref()));
    let chosen = RwSignal::new(first.as_ref().map(|w| w.method.id.clone()));
    // The chosen way is the push authenticator's notification.
    let by_push = RwSignal::new(first.as_ref().is_some_and(|w| w.by_notification));
    let listing = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let error_id = unique_id("verify-error");
    let push = push::VerifyPush::new(
        error,
        purpose == VerifyPurpose::SignIn,
        Callback::new(move |()| {
            on_verified.run(());
            open.close();
        }),
    );
    let phone = phone::VerifyPhone::new(error, purpose == VerifyPurpose::SignIn);
    let phone_at_once =
        verify::sends_at_once(first.as_ref(), default_method.get_untracked().as_ref());
    // A push default: the notification goes out as the dialog opens; a phone default
    // by text or call: its code.
    Effect::new(move |done: Option<()>| {
        if done.is_none()
            && let Some(id) = chosen.get_untracked()
        {
            if by_push.get_untracked() {
                push.send(id);
            } else if phone_at_once
                && let Some(mode) = default_method.get_untracked().map(|d| d.mode)
            {
                phone.send(id, mode);
            }
        }
    });
    let resend = Callback::new(move |()| {
        if let Some(id) = chosen.get_untracked() {
            push.send(id);
        }
    });

    let current = move || {
        let id = chosen.get()?;
        choices.with(|c| c.iter().find(|m| m.id == id).cloned())
    };

    let send = ctx.request(error, move |reply: Reply<JsValue>| {
        if let Reply::Done(_) = reply {
            on_verified.run(());
            open.close();
        }
    });
    let (touch_key, key_pending) = key::key_proof(purpose, error, on_verified, open);
    let submit = {
        let i18n = i18n.clone();
        move || {
            let Some(method) = current() else {
                return;
            };
            if method.method_type.verifiable_by_key() {
                return touch_key();
            }
            match verify::typed_code(&method, &code.get_untracked()) {
                Some(Ok(code)) => {
                    let request = VerifyRequest {
                        method_id: method.id,
                        code,
                    };
                    // The request is itself the verification: no step-up around it.
                    send.send(
                        Change::new(match purpose {
                            VerifyPurpose::StepUp => Call::step_up(&request),
                            VerifyPurpose::SignIn => Call::verify_session(&request),
                        })
                        .without_step_up(),
                    )
                }
                Some(Err(refusal)) => error.set(Some(refusal_message(&i18n, refusal))),
                None => {}
            }
        }
    };

    let body = {
        let i18n = i18n.clone();
        let error_id = error_id.clone();
        move || {
            let i18n = i18n.clone();
            if listing.get() {
                let options = choices
                    .with(|c| verify::ways(c))
                    .into_iter()
                    .map(|way| {
                        let notification = way.by_notification;
                        let m = way.method;
                        let id = m.id.clone();
                        let mode = (m.method_type == MethodType::AuthenticatorPush).then(|| {
                            i18n.t(if notification {
                                Key::ModeNotification
                            } else {
                                Key::ModeCode
                            })
                        });
                        let label = view! {
                            <bdi>{m.name}</bdi>
                            {m.detail.map(|d| view! { " (" <bdi>{d}</bdi> ")" })}
                            {mode.map(|t| format!(" – {t}"))}
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="si-choice"
                                    data-testid=testids::VERIFY_METHOD_OPTION
                                    data-method-id=m.id.clone()
                                    data-way=if notification { "notification" } else { "code" }
                                    on:click=move |_| {
                                        chosen.set(Some(id.clone()));
                                        by_push.set(notification);
                                        listing.set(false);
                                        error.set(None);
                                        phone.reset();
                                        if notification {
                                            push.send(id.clone());
                                        }
                                    }
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                return view! { <ul class="si-choices" data-autofocus="">{options}</ul> }
                    .into_any();
            }
            match current() {
                None => view! { <p>{i18n.t(Key::NoVerifyMethods)}</p> }.into_any(),
                Some(_) if by_push.get() => crate::push_status::push_status(
                    push.state.into(),
                    push.challenge.into(),
                    resend,
                )
                .into_any(),
                Some(m) if m.method_type.verifiable_by_key() => key::key_body(&m).into_any(),
                Some(m) if !m.method_type.verifiable_by_code() => {
                    view! { <p>{i18n.t(Key::VerifyUnsupported)}</p> }.into_any()
                }
                Some(m) => view! {
                    <p>{i18n.named(Key::VerifyBody, &m.name).view()}</p>
                    {verify::phone_mode(&m, default_method.get_untracked().as_ref())
                        .map(|mode| phone.status(m.clone(), mode))}
                    <CodeInput
                        code
                        invalid=move || error.with(Option::is_some)
                        error_id=error_id.clone()
                        testid=testids::VERIFY_INPUT
                    />
                }
                .into_any(),
            }
        }
    };

    let can_submit = move || {
        !listing.get() && !by_push.get() && current().is_some_and(|m| m.method_type.verifiable())
    };
    let submit_label = key::submit_label(&i18n, current);

    let i18n_other = i18n.clone();
    view! {
        <form
            class="si-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            {body}
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>
                {move || error.get()}
            </p>
            <div class="si-footer">
                <Show when=move || { choices.with(|c| verify::ways(c).len() > 1) && !listing.get() }>
                    <button
                        type="button"
                        class="si-link si-footer-start"
                        data-testid=testids::SIGN_IN_OTHER_WAY
                        on:click=move |_| listing.set(true)
                    >
                        {i18n_other.t(Key::SignInOtherWay)}
                    </button>
                </Show>
                <button type="button" class="si-button" on:click=move |_| open.close()>
                    {i18n.t(Key::Cancel)}
                </button>
                <Show when=can_submit>
                    <button
                        type="submit"
                        class="si-button si-primary"
                        data-testid=testids::VERIFY_SUBMIT
                        aria-disabled=move || (send.pending().get() || key_pending.get()).to_string()
                    >
                        {submit_label}
                    </button>
                </Show>
            </div>
        </form>
    }
}
