//! The push path's requests: open the enrolment, send the test notification, wait for
//! its answer (long-poll, again after each answer while it is pending; after a failed
//! request with back-off), and finish once it is approved. Nothing here decides: the
//! core's `Wizard` says which step and what "Next" does.

use crate::client::Call;
use crate::context::{Change, Reply, Request, use_ctx};
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::push::{PushChallenge, PushStartResponse};
use security_info_core::screens::wizard::{Step, Wizard};
use std::time::Duration;

/// Seconds the server holds a wait open (under the client's 15 s timeout).
const WAIT_SECS: u32 = 10;

/// The push path's state and requests.
#[derive(Clone, Copy)]
pub struct Push {
    /// The open enrolment: the activation code, URL and URI.
    pub enrollment: RwSignal<Option<PushStartResponse>>,
    /// The test notification, as last seen.
    pub challenge: RwSignal<Option<PushChallenge>>,
    start: StoredValue<Request, LocalStorage>,
    test: StoredValue<Request, LocalStorage>,
    finish: StoredValue<Request, LocalStorage>,
    busy: Signal<bool>,
}

impl Push {
    /// The requests of the push path for `wizard`; failures go to `error`.
    pub fn new(
        wizard: RwSignal<Wizard>,
        error: RwSignal<Option<String>>,
        on_added: Option<Callback<Method>>,
    ) -> Push {
        let ctx = use_ctx();
        let enrollment = RwSignal::new(None::<PushStartResponse>);
        let challenge = RwSignal::new(None::<PushChallenge>);
        let start = ctx.request(error, move |reply: Reply<PushStartResponse>| {
            if let Reply::Done(start) = reply {
                enrollment.set(Some(start));
                wizard.update(Wizard::enrolment_opened);
            }
        });
        let test = ctx.request(error, move |reply: Reply<PushChallenge>| match reply {
            Reply::Done(c) => {
                challenge.set(Some(c));
                wizard.update(Wizard::notification_sent);
            }
            // No device activated yet (or the activation expired): back to the QR code.
            _ => wizard.update(Wizard::test_refused),
        });
        let finish = ctx.request(error, move |reply: Reply<Method>| {
            if let Reply::Done(method) = reply {
                wizard.update(Wizard::code_accepted);
                if let Some(cb) = on_added {
                    cb.run(method);
                }
            }
        });
        // Waiting: one long-poll after another while the notification is pending.
        let failures = RwSignal::new(0u32);
        let ready = RwSignal::new(true);
        let wait = ctx.request(error, move |reply: Reply<PushChallenge>| match reply {
            Reply::Done(c) => {
                failures.set(0);
                wizard.update(|w| w.notification_is(c.state));
                challenge.set(Some(c));
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
        let wait_pending = wait.pending();
        Effect::new(move |_| {
            let waiting = wizard.with(|w| w.step() == Step::TryIt && w.try_it().is_waiting());
            if waiting
                && ready.get()
                && !wait_pending.get()
                && let Some(id) = challenge.with_untracked(|c| c.as_ref().map(|c| c.id.clone()))
            {
                wait.send(Change::new(Call::push_wait(&id, WAIT_SECS, false)).without_step_up());
            }
        });
        let (start_p, test_p, finish_p) = (start.pending(), test.pending(), finish.pending());
        Push {
            enrollment,
            challenge,
            busy: Signal::derive(move || start_p.get() || test_p.get() || finish_p.get()),
            start: StoredValue::new_local(start),
            test: StoredValue::new_local(test),
            finish: StoredValue::new_local(finish),
        }
    }

    /// A push request is under way.
    pub fn busy(&self) -> Signal<bool> {
        self.busy
    }

    /// Opens the enrolment (policy, limit and step-up are checked there first).
    pub fn open(&self) {
        self.start
            .with_value(|r| r.send(Change::new(Call::push_start())));
    }

    /// Sends the test notification (again).
    pub fn send_test(&self) {
        if let Some(id) = self
            .enrollment
            .with_untracked(|e| e.as_ref().map(|e| e.enrollment_id.clone()))
        {
            self.test
                .with_value(|r| r.send(Change::new(Call::push_test(&id))));
        }
    }

    /// Finishes with the approved test notification.
    pub fn finish(&self) {
        if let Some(id) = self
            .challenge
            .with_untracked(|c| c.as_ref().map(|c| c.id.clone()))
        {
            self.finish
                .with_value(|r| r.send(Change::new(Call::push_finish(&id))));
        }
    }
}
