//! "Verify your identity" by push notification: sent at once when the way is a push
//! authenticator's notification, waited for (long-poll, again while pending; back-off
//! after a failed request), then used as the step-up or the demo sign-in's second
//! factor.

use crate::client::Call;
use crate::context::{Change, Reply, Request, use_ctx};
use leptos::prelude::*;
use security_info_core::push::PushChallenge;
use security_info_core::screens::wizard::TryIt;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// Seconds the server holds a wait open (under the client's 15 s timeout).
const WAIT_SECS: u32 = 10;

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
        let failures = RwSignal::new(0u32);
        let ready = RwSignal::new(true);
        let wait = ctx.request(error, move |reply: Reply<PushChallenge>| match reply {
            Reply::Done(c) => {
                failures.set(0);
                let now = TryIt::of(c.state);
                state.set(now);
                if now == TryIt::Approved {
                    verify.with_value(|r| {
                        r.send(Change::new(Call::push_verify(&c.id, session)).without_step_up())
                    });
                }
                challenge.set(Some(c));
            }
            _ => {
                let n = failures.get_untracked().min(5);
                failures.set(n + 1);
                ready.set(false);
                set_timeout(
                    move || {
                        let _ = ready.try_set(true);
                    },
                    Duration::from_secs((1u64 << n).min(30)),
                );
            }
        });
        let wait_pending = wait.pending();
        Effect::new(move |_| {
            if state.get().is_waiting()
                && ready.get()
                && !wait_pending.get()
                && let Some(id) = challenge.with_untracked(|c| c.as_ref().map(|c| c.id.clone()))
            {
                wait.send(Change::new(Call::push_wait(&id, WAIT_SECS, session)).without_step_up());
            }
        });
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
