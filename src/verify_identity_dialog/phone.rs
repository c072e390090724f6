//! Verifying with a phone in "Verify your identity": the server texts or calls a code
//! (`POST /me/step-up/code`, or `POST /session/code` for the demo sign-in), which is then
//! typed like any code. The default phone gets its code as the dialog opens; "Resend"
//! waits for the server's cool-down.

use crate::client::Call;
use crate::context::{Change, Reply, use_ctx};
use crate::error::ClientError;
use crate::i18n::Key;
use crate::methods::phone::message;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{CodeSent, Method, SendCodeRequest};
use security_info_core::methods::DefaultMode;
use security_info_core::screens::phone::{Refusal, resend_wait};
use std::time::Duration;

/// The sending of a phone's code and what the server answered.
#[derive(Clone, Copy)]
pub(super) struct VerifyPhone {
    sent: RwSignal<Option<CodeSent>>,
    /// Seconds until "Resend" may be used.
    cooling: RwSignal<u64>,
    request: crate::context::Request,
    session: bool,
}

impl VerifyPhone {
    pub fn new(error: RwSignal<Option<String>>, session: bool) -> Self {
        let ctx = use_ctx();
        let i18n = ctx.i18n.clone();
        let sent = RwSignal::new(None::<CodeSent>);
        let cooling = RwSignal::new(0u64);
        let request = ctx.request(error, move |reply: Reply<CodeSent>| match reply {
            Reply::Done(answer) => {
                let wait = resend_wait(&answer);
                cooling.set(wait);
                set_timeout(
                    move || {
                        let _ = cooling.try_set(0);
                    },
                    Duration::from_secs(wait),
                );
                sent.set(Some(answer));
            }
            Reply::Failed(ClientError::Problem(p)) => {
                if let Some(r @ (Refusal::RateLimited(_) | Refusal::DeliveryFailed)) =
                    Refusal::from_problem(&p)
                {
                    error.set(Some(message(&i18n, &r)));
                }
            }
            _ => {}
        });
        Self {
            sent,
            cooling,
            request,
            session,
        }
    }

    /// Sends a code to `method_id` by `mode` (nothing while one is on its way).
    pub fn send(&self, method_id: String, mode: DefaultMode) {
        if self.request.pending().get_untracked() {
            return;
        }
        let request = SendCodeRequest {
            method_id,
            mode,
            locale: Some(use_ctx().i18n.lang().to_owned()),
        };
        // Sending the code is part of the verification: no step-up around it.
        self.request
            .send(Change::new(Call::send_code(&request, self.session)).without_step_up());
    }

    /// Forgets a code sent to another phone (another way was chosen).
    pub fn reset(&self) {
        self.sent.set(None);
    }

    /// Where the code went (or the button that sends it) and "Resend".
    pub fn status(self, method: Method, mode: DefaultMode) -> impl IntoView {
        let i18n = use_ctx().i18n;
        let id = method.id.clone();
        let ask = move |_| {
            if self.cooling.get_untracked() == 0 {
                self.send(id.clone(), mode);
            }
        };
        let text = {
            let i18n = i18n.clone();
            move || match self.sent.get() {
                Some(s) => {
                    let key = match s.mode {
                        DefaultMode::Call => Key::PhoneSentCall,
                        _ => Key::PhoneSentText,
                    };
                    let digits = s.code_digits.to_string();
                    i18n.fmt(key, &[("detail", &s.detail), ("digits", &digits)])
                }
                None => i18n.fmt(
                    Key::PhoneSendTo,
                    &[("detail", method.detail.as_deref().unwrap_or_default())],
                ),
            }
        };
        let label = {
            let i18n = i18n.clone();
            move || match (self.sent.with(Option::is_some), mode) {
                (true, _) => i18n.t(Key::PhoneResend),
                (false, DefaultMode::Call) => i18n.t(Key::PhoneCallMe),
                (false, _) => i18n.t(Key::PhoneTextMe),
            }
        };
        let pending = self.request.pending();
        view! {
            <p data-testid=testids::PHONE_SENT role="status">{text}</p>
            <button type="button" class="si-button" data-testid=testids::RESEND_CODE
                aria-disabled=move || (self.cooling.get() > 0 || pending.get()).to_string()
                on:click=ask>
                {label}
            </button>
        }
    }
}
