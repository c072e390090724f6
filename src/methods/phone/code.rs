//! The code screen: where the code went, the code, "Resend" after the cool-down. The
//! email dialog uses it too ([`Channel`] says what differs); the dialog around it is
//! [`super::frame`].

use crate::client::Call;
use crate::code_input::CodeInput;
use crate::context::{Change, Reply, unique_id, use_ctx};
use crate::error::ClientError;
use crate::i18n::{I18n, Key};
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{CodeFinishRequest, CodeSent, Method, Problem, ResendRequest};
use security_info_core::methods::DefaultMode;
use security_info_core::screens::phone::{Refusal, finish_request, resend_wait};
use std::time::Duration;
use wasm_bindgen::JsCast;

/// What differs between a phone's code screen and an email address's.
#[derive(Clone, Copy)]
pub struct Channel {
    /// The request that finishes the enrolment with the code.
    pub finish: fn(&CodeFinishRequest) -> Call,
    /// The refusal for a problem the server answered.
    pub refusal: fn(&Problem) -> Option<Refusal>,
    /// What the dialog says about a refusal.
    pub message: fn(&I18n, &Refusal) -> String,
    /// The code went by email ("We just sent a code to …", never "We're calling").
    pub email: bool,
}

/// A phone's code screen.
pub const PHONE: Channel = Channel {
    finish: Call::phone_finish,
    refusal: Refusal::from_problem,
    message: super::message,
    email: false,
};

/// Enter the code that was sent (`first`); `on_added` gets the new method.
#[component]
pub fn CodeStep(
    /// The server's answer to the start.
    first: CodeSent,
    /// Called with the new method once the server stored it.
    on_added: Callback<Method>,
    /// Phone or email.
    channel: Channel,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let sent = RwSignal::new(first);
    let code = RwSignal::new(String::new());
    let refusal = RwSignal::new(None::<Refusal>);
    let error = RwSignal::new(None::<String>);
    let resent = RwSignal::new(false);
    let error_id = unique_id("phone-code-error");
    // "Resend" waits for the server's cool-down (seconds, by the server's clock).
    let cooling = RwSignal::new(0u64);
    let cool_down = move |answer: &CodeSent| {
        let wait = resend_wait(answer);
        cooling.set(wait);
        if wait > 0 {
            set_timeout(
                move || {
                    let _ = cooling.try_set(0);
                },
                Duration::from_secs(wait),
            );
        }
    };
    cool_down(&sent.get_untracked());

    let show = {
        let i18n = i18n.clone();
        move |r: Refusal| {
            error.set(Some((channel.message)(&i18n, &r)));
            refusal.set(Some(r));
        }
    };
    let on_problem = {
        let show = show.clone();
        move |e: ClientError| {
            if let ClientError::Problem(p) = e
                && let Some(r) = (channel.refusal)(&p)
            {
                show(r);
            }
        }
    };
    let finish = ctx.request(error, {
        let on_problem = on_problem.clone();
        move |reply: Reply<Method>| match reply {
            Reply::Done(method) => on_added.run(method),
            Reply::Failed(e) => on_problem(e),
            Reply::Declined => {}
        }
    });
    let resend = ctx.request(error, move |reply: Reply<CodeSent>| match reply {
        Reply::Done(answer) => {
            cool_down(&answer);
            sent.set(answer);
            code.set(String::new());
            resent.set(true);
        }
        Reply::Failed(e) => on_problem(e),
        Reply::Declined => {}
    });
    let (finishing, resending) = (finish.pending(), resend.pending());
    let submit = move || {
        if finishing.get_untracked() {
            return;
        }
        refusal.set(None);
        resent.set(false);
        match sent.with_untracked(|s| finish_request(s, &code.get_untracked())) {
            Ok(request) => finish.send(Change::new((channel.finish)(&request))),
            Err(r) => show(r),
        }
    };
    let ask_again = move |_| {
        if cooling.get_untracked() > 0 || resending.get_untracked() {
            return;
        }
        refusal.set(None);
        let request = ResendRequest {
            challenge_id: sent.with_untracked(|s| s.challenge_id.clone()),
            mode: None,
        };
        resend.send(Change::new(Call::code_resend(&request)));
    };
    let where_to = {
        let i18n = i18n.clone();
        move || {
            sent.with(|s| {
                let key = match s.mode {
                    DefaultMode::Call if !channel.email => Key::PhoneSentCall,
                    _ => Key::PhoneSentText,
                };
                let digits = s.code_digits.to_string();
                i18n.fmt(key, &[("detail", &s.detail), ("digits", &digits)])
            })
        }
    };
    let code_invalid =
        Signal::derive(move || refusal.with(|r| r.as_ref().is_some_and(Refusal::about_code)));
    let wait_text = {
        let i18n = i18n.clone();
        move || {
            let seconds = cooling.get();
            (seconds > 0)
                .then(|| i18n.fmt(Key::PhoneResendWait, &[("seconds", &seconds.to_string())]))
        }
    };
    let resent_text = i18n.t(Key::PhoneResent);
    // The number screen's button had focus and is gone: the code field gets it.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(form) = form_ref.get()
            && let Ok(Some(field)) = form.query_selector("[data-autofocus]")
            && let Ok(field) = field.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = field.focus();
        }
    });
    view! {
        <form node_ref=form_ref class="si-wizard" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <p data-testid=testids::PHONE_SENT>{where_to}</p>
            <CodeInput code invalid=code_invalid error_id=error_id.clone() testid=testids::CODE_INPUT />
            <p class="si-note" role="status" data-testid=testids::RESEND_WAIT>
                {wait_text}
                {move || resent.get().then(|| resent_text.clone())}
            </p>
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
            <div class="si-footer" aria-busy=move || (finishing.get() || resending.get()).to_string()>
                <button type="button" class="si-button si-footer-start" data-testid=testids::RESEND_CODE
                    aria-disabled=move || (cooling.get() > 0 || resending.get()).to_string()
                    on:click=ask_again>
                    {i18n.t(Key::PhoneResend)}
                </button>
                <button type="submit" class="si-button si-primary" data-testid=testids::CODE_SUBMIT
                    aria-disabled=move || finishing.get().to_string()>
                    {i18n.t(Key::Verify)}
                </button>
            </div>
        </form>
    }
}
