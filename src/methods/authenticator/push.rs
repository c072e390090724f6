//! The push path's requests: open the enrolment, send the test notification, wait for
//! its answer ([`crate::push_wait`]), and finish once it is approved. Nothing here decides: the
//! core's `Wizard` says which step and what "Next" does.

use crate::client::Call;
use crate::context::{Change, Reply, Request, use_ctx};
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::push::{PushChallenge, PushStartResponse};
use security_info_core::screens::wizard::{Step, Wizard};

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
        // Waiting for the answer while the notification is pending.
        crate::push_wait::watch(
            Signal::derive(move || challenge.with(|c| c.as_ref().map(|c| c.id.clone()))),
            Signal::derive(move || {
                wizard.with(|w| w.step() == Step::TryIt && w.try_it().is_waiting())
            }),
            false,
            error,
            Callback::new(move |c: PushChallenge| {
                wizard.update(|w| w.notification_is(c.state));
                challenge.set(Some(c));
            }),
        );
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
