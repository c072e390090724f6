//! Activating a hardware OATH token that an administrator imported: the serial number
//! on its back, the code it shows now, optionally a name. The browser never has the
//! token's secret: it checks the shapes (`security_info_core::screens::hardware_token`)
//! and the server checks the code, the replay, the rate limit and the limit.

use crate::client::Call;
use crate::code_input::CodeInput;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::error::ClientError;
use crate::i18n::{I18n, Key, Named};
use crate::methods::other_method_button;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::methods::MethodSource;
use security_info_core::screens::add::Enrolment;
use security_info_core::screens::hardware_token::{Activation, Field, MAX_SERIAL_CHARS, Refusal};
use security_info_core::totp::CodeRefusal;

/// This dialog enrols the "Hardware token" choice of "Authenticator app or hardware token".
pub fn enrols(e: Enrolment) -> bool {
    e.source == Some(MethodSource::Hardware)
}

/// The hardware token activation as a dialog.
#[component]
pub fn HardwareTokenDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// Called with the new method once the server stored it (the dialog closes).
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=Named::from(ctx.i18n.t(Key::TokenTitle)) testid=testids::HARDWARE_TOKEN_DIALOG>
            {token_body(open, on_added, on_other_method)}
        </Dialog>
    }
}

fn token_body(
    open: Open,
    on_added: Option<Callback<Method>>,
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let state = RwSignal::new(Activation::default());
    let serial = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let error_id = unique_id("token-error");
    let hint_id = unique_id("serial-hint");
    let serial_id = unique_id("serial");
    let name_id = unique_id("token-name");

    let i18n = ctx.i18n.clone();
    // The refusal's own sentence replaces the general one the request put in `error`.
    let show_refusal = move || {
        if let Some(text) = state.with_untracked(|s| s.refusal().map(|r| message(&i18n, r))) {
            error.set(Some(text));
        }
    };
    let send = ctx.request(error, {
        let show_refusal = show_refusal.clone();
        move |reply: Reply<Method>| match reply {
            Reply::Done(method) => {
                state.set(Activation::Idle);
                open.close();
                if let Some(cb) = on_added {
                    cb.run(method);
                }
            }
            Reply::Failed(ClientError::Problem(p)) => {
                state.update(|s| s.failed(Some(&p)));
                show_refusal();
            }
            _ => state.update(|s| s.failed(None)),
        }
    });
    let submit = move || {
        let request = state
            .try_update(|s| {
                s.submit(
                    &serial.get_untracked(),
                    &code.get_untracked(),
                    &name.get_untracked(),
                )
            })
            .flatten();
        match request {
            // With a step-up first when the person already has a two-step method.
            Some(request) => send.send(Change::new(Call::hardware_token(&request))),
            None => show_refusal(),
        }
    };
    let invalid = move |field: Field| {
        Signal::derive(move || state.with(|s| s.refusal().is_some_and(|r| r.field() == field)))
    };
    let serial_invalid = invalid(Field::Serial);

    let i18n = ctx.i18n.clone();
    let other_method = on_other_method.map(|cb| other_method_button(&i18n, cb));
    let busy = move || state.with(Activation::is_submitting).to_string();
    view! {
        <form
            class="si-wizard"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <p>{i18n.t(Key::TokenBody)}</p>
            <label class="si-label" for=serial_id.clone()>{i18n.t(Key::SerialLabel)}</label>
            <input
                id=serial_id
                class="si-input"
                data-testid=testids::SERIAL_INPUT
                data-autofocus=""
                autocomplete="off"
                spellcheck="false"
                maxlength=MAX_SERIAL_CHARS.to_string()
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=move || serial_invalid.get().to_string()
                prop:value=move || serial.get()
                on:input=move |ev| serial.set(event_target_value(&ev))
            />
            <p class="si-note" id=hint_id>{i18n.t(Key::SerialHint)}</p>
            <CodeInput code invalid=invalid(Field::Code) error_id=error_id.clone() testid=testids::CODE_INPUT />
            <label class="si-label si-field-gap" for=name_id.clone()>{i18n.t(Key::TokenNameLabel)}</label>
            <input
                id=name_id
                class="si-input"
                data-testid=testids::TOKEN_NAME_INPUT
                autocomplete="off"
                maxlength="64"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>
                {move || error.get()}
            </p>
            <div class="si-footer" aria-busy=busy>
                {other_method}
                <button
                    type="submit"
                    class="si-button si-primary"
                    data-testid=testids::TOKEN_SUBMIT
                    aria-disabled=busy
                >
                    {i18n.t(Key::Activate)}
                </button>
            </div>
        </form>
    }
}

/// What the dialog says about a refusal.
fn message(i18n: &I18n, refusal: &Refusal) -> String {
    match refusal {
        Refusal::SerialMissing => i18n.t(Key::TokenSerialMissing),
        Refusal::SerialTooLong => i18n.fmt(
            Key::TokenSerialTooLong,
            &[("max", &MAX_SERIAL_CHARS.to_string())],
        ),
        Refusal::Code(CodeRefusal::Malformed { digits }) => {
            i18n.fmt(Key::TokenCodeMalformed, &[("digits", &digits.to_string())])
        }
        Refusal::Code(_) | Refusal::Wrong => i18n.t(Key::TokenCodeWrong),
        Refusal::Drift => i18n.t(Key::TokenDrift),
        Refusal::NotFound => i18n.t(Key::TokenNotFound),
        Refusal::CodeReused => i18n.t(Key::ErrCodeReused),
        // The server words the limit exactly as the SPEC does, with the product's name.
        Refusal::LimitReached(Some(sentence)) => sentence.clone(),
        Refusal::LimitReached(None) => i18n.t(Key::ErrLimit),
    }
}
