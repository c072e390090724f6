//! Waiting for a push notification's answer, for the wizard's test and the verify dialog:
//! the challenge's event stream read through `fetch` (bearer tokens work; `EventSource`
//! cannot send them), and when the stream cannot be read or ends early — a host
//! transport, a proxy that buffers, a dropped connection — long-polls, with back-off
//! after failed requests.

use crate::client::Call;
use crate::context::{Change, Reply, use_ctx};
use crate::json::{self, FromJson};
use leptos::prelude::*;
use security_info_core::push::PushChallenge;
use std::time::Duration;

/// Seconds the server holds a long-poll open (under the client's 15 s timeout).
const WAIT_SECS: u32 = 10;

/// Keeps `on_state` told about the challenge `challenge` names while `waiting` is true.
/// `session`: the demo sign-in's routes.
pub fn watch(
    challenge: Signal<Option<String>>,
    waiting: Signal<bool>,
    session: bool,
    error: RwSignal<Option<String>>,
    on_state: Callback<PushChallenge>,
) {
    let ctx = use_ctx();
    // The challenge whose stream was tried (once each); polling waits while it is open.
    let streamed = RwSignal::new(None::<String>);
    let streaming = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(id) = challenge.get().filter(|_| waiting.get()) else {
            return;
        };
        if streamed.with_untracked(|s| s.as_ref() == Some(&id)) {
            return;
        }
        streamed.set(Some(id.clone()));
        streaming.set(true);
        let client = ctx.client().clone();
        leptos::task::spawn_local(async move {
            let path = Call::push_events_path(&id, session);
            let _ = client
                .events(&path, |data| {
                    let parsed = json::parse(data).and_then(|v| PushChallenge::from_json(&v));
                    // The dialog may have closed meanwhile: then nobody listens.
                    if let Ok(c) = parsed {
                        let _ = on_state.try_run(c);
                    }
                })
                .await;
            let _ = streaming.try_set(false);
        });
    });

    let failures = RwSignal::new(0u32);
    let ready = RwSignal::new(true);
    let poll = use_ctx().request(error, move |reply: Reply<PushChallenge>| match reply {
        Reply::Done(c) => {
            failures.set(0);
            on_state.run(c);
        }
        _ => {
            // Back off: 1, 2, 4 … 30 s before asking again.
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
    let poll_pending = poll.pending();
    Effect::new(move |_| {
        if waiting.get()
            && !streaming.get()
            && ready.get()
            && !poll_pending.get()
            && let Some(id) = challenge.get_untracked()
        {
            poll.send(Change::new(Call::push_wait(&id, WAIT_SECS, session)).without_step_up());
        }
    });
}
