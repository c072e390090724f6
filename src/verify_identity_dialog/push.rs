//! "Verify your identity" by push notification: sent at once when the way is a push
//! authenticator's notification, waited for ([`crate::push_wait`]), then used as the step-up or the demo sign-in's second
//! factor.

use crate::client::Call;
use crate::context::{Change, Reply, Request, use_ctx};
use leptos::prelude::*;
use security_info_core::push::PushChallenge;
use security_info_core::screens::wizard::TryIt;
use wasm_bindgen::JsValue;

/// The notification of the dialog and its requests.
#[derive(Clone, Copy)]
pub struct VerifyPush {
    pub state: RwSignal<TryIt>,
    pub challenge: RwSignal<Option<PushChallenge>>,
    send: StoredValue<Request, LocalStorage>,
    session: bool,
}

impl VerifyPush {
    /// `session`: the demo sign-in's routes; `on_verified` runs once the approval was
    /// used.
    pub fn new(error: RwSignal<Option<String>>, session: bool, on_verified: Callback<()>) -> Self {
        let ctx = use_ctx();
        let state = RwSignal::new(TryIt::Sending);
        let challenge = RwSignal::new(None::<PushChallenge>);
        let verify = ctx.request(error, move |reply: Reply<JsValue>| {
            if let Reply::Done(_) = reply {
                on_verified.run(());
            }
        });
        let verify = StoredValue::new_local(verify);
        let send = ctx.request(error, move |reply: Reply<PushChallenge>| match reply {
            Reply::Done(c) => {
                challenge.set(Some(c));
                state.set(TryIt::Waiting);
            }
            _ => state.set(TryIt::Expired),
        });
        crate::push_wait::watch(
            Signal::derive(move || challenge.with(|c| c.as_ref().map(|c| c.id.clone()))),
            Signal::derive(move || state.get().is_waiting()),
            session,
            error,
            Callback::new(move |c: PushChallenge| {
                let now = TryIt::of(c.state);
                state.set(now);
                if now == TryIt::Approved {
                    verify.with_value(|r| {
                        r.send(Change::new(Call::push_verify(&c.id, session)).without_step_up())
                    });
                }
                challenge.set(Some(c));
            }),
        );
        VerifyPush {
            state,
            challenge,
            send: StoredValue::new_local(send),
            session,
        }
    }

    /// Sends a notification to `method_id` (again).
    pub fn send(&self, method_id: String) {
        self.state.set(TryIt::Sending);
        self.challenge.set(None);
        let call = Call::push_send(Some(method_id), self.session);
        self.send
            .with_value(|r| r.send(Change::new(call).without_step_up()));
    }
}
