//! Screen C: set up an authenticator app, code path.
//!
//! Get the app → set up your account → scan the QR code → enter a code → done. The
//! secret is made in the browser (wasm core, browser CSPRNG) only after the server opened
//! the enrolment (so the limit and the policy refuse before any secret exists). Typed
//! codes are checked locally against the server's clock first; only a code that passes
//! is sent, and the server checks it again as the authority.
//!
//! The steps and paths are `security_info_core::screens::wizard`; this module renders
//! them and runs the two requests. The push path (SPEC C's default when the policy
//! allows push: activation QR code, then "Let's try it out") has its requests in
//! [`push`] and its views in [`push_panel`] and `crate::push_status`.

mod push;
mod push_panel;
mod steps;

use crate::client::Call;
use crate::code_input::refusal_message;
use crate::context::{Change, Reply, browser_now, unique_id, use_ctx};
use crate::dialog::{Dialog, Open};
use crate::i18n::{Key, Named};
use crate::testids;
use leptos::prelude::*;
use security_info_core::Secret;
use security_info_core::api::{ErrorCode, Method, TotpFinishRequest, TotpStartResponse};
use security_info_core::methods::{MethodSource, MethodType};
use security_info_core::otpauth::OtpAuthUri;
use security_info_core::screens::add::Enrolment;
use security_info_core::screens::wizard::{Next, Path, Step, Wizard};
use security_info_core::totp::{TotpParams, Window};

/// What this wizard enrols: the product's app (push, later) and any authenticator app
/// (codes, but not a hardware token's); both start on the product's app.
pub fn enrols(e: Enrolment) -> bool {
    matches!(
        e.method_type,
        MethodType::AuthenticatorPush | MethodType::Totp
    ) && e.source != Some(MethodSource::Hardware)
}

/// An open enrolment: the server's id, the key URI with the browser-made secret, and
/// how far the server's clock is from the browser's.
#[derive(Clone)]
struct Enrollment {
    id: String,
    uri: OtpAuthUri,
    clock_offset: f64,
}

impl Enrollment {
    /// The enrolment the server opened, with a fresh secret; `None` when the server's
    /// parameters are not valid TOTP parameters.
    fn new(start: TotpStartResponse, secret: Secret) -> Option<Self> {
        let mut uri = OtpAuthUri::new(start.issuer, start.account_name, secret);
        uri.params = TotpParams::new(start.algorithm, start.digits, start.period).ok()?;
        Some(Self {
            id: start.enrollment_id,
            uri,
            clock_offset: start.server_time as f64 - browser_now(),
        })
    }
}

/// The authenticator app wizard (screen C) as a dialog.
#[component]
pub fn AuthenticatorWizard(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// The product named in the texts and the limit message ("Microsoft Authenticator").
    #[prop(into)]
    product: Signal<String>,
    /// Called with the new method once the server stored it.
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
    /// Start on the code-only path ("a different authenticator app"); read when the
    /// wizard opens.
    #[prop(optional, into)]
    other_app: Signal<bool>,
    /// Start on the push path (the product's app with notifications); read when the
    /// wizard opens.
    #[prop(optional, into)]
    push: Signal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let first = move || {
        if push.get_untracked() {
            Wizard::push()
        } else {
            Wizard::new(other_app.get_untracked())
        }
    };
    view! {
        <Dialog open title=Named::from(ctx.i18n.t(Key::WizardTitle)) testid=testids::WIZARD>
            {wizard_body(open, product, on_added, on_other_method, first())}
        </Dialog>
    }
}

fn wizard_body(
    open: Open,
    product: Signal<String>,
    on_added: Option<Callback<Method>>,
    on_other_method: Option<Callback<()>>,
    first: Wizard,
) -> impl IntoView {
    let ctx = use_ctx();
    let wizard = RwSignal::new(first);
    let enrollment = RwSignal::new(None::<Enrollment>);
    let error = RwSignal::new(None::<String>);
    let push = push::Push::new(wizard, error, on_added);
    let code = RwSignal::new(String::new());
    let heading = NodeRef::<leptos::html::H3>::new();
    let error_id = unique_id("wizard-error");

    // Moving between steps replaces the buttons that had focus: put focus on the new
    // step's heading so keyboard and screen-reader users continue from there.
    Effect::new(move |previous: Option<Step>| {
        let now = wizard.with(Wizard::step);
        if previous.is_some_and(|p| p != now)
            && let Some(h) = heading.get_untracked()
        {
            let _ = h.focus();
        }
        now
    });

    let i18n = ctx.i18n.clone();
    let start = ctx.request(error, move |reply: Reply<TotpStartResponse>| {
        let Reply::Done(start) = reply else {
            return;
        };
        let opened = Secret::generate()
            .map_err(|_| Key::ErrRandom)
            .and_then(|secret| Enrollment::new(start, secret).ok_or(Key::ErrUnexpected));
        match opened {
            Ok(en) => {
                enrollment.set(Some(en));
                wizard.update(Wizard::enrolment_opened);
            }
            Err(key) => error.set(Some(i18n.t(key))),
        }
    });
    let finish = ctx.request(error, move |reply: Reply<Method>| match reply {
        Reply::Done(method) => {
            wizard.update(Wizard::code_accepted);
            if let Some(cb) = on_added {
                cb.run(method);
            }
        }
        // The enrolment timed out: a new one (and a new secret) is needed.
        Reply::Failed(e) if e.code() == Some(ErrorCode::Expired) => {
            enrollment.set(None);
            wizard.update(Wizard::enrolment_expired);
        }
        _ => {}
    });
    let push_busy = push.busy();
    let busy =
        Signal::derive(move || start.pending().get() || finish.pending().get() || push_busy.get());

    let i18n = ctx.i18n.clone();
    let submit_code = move || {
        let Some(en) = enrollment.get_untracked() else {
            return;
        };
        let server_now = (browser_now() + en.clock_offset).max(0.0) as u64;
        let secret = en.uri.secret.as_bytes();
        match en
            .uri
            .params
            .check(secret, &code.get_untracked(), server_now, Window::default())
        {
            Ok(code) => finish.send(Change::new(Call::totp_finish(&TotpFinishRequest {
                enrollment_id: en.id.clone(),
                secret: en.uri.secret.to_base32(),
                code,
                name: None,
            }))),
            Err(refusal) => error.set(Some(refusal_message(&i18n, refusal))),
        }
    };
    // "Next", and Enter on the code step. One request at a time, and none once done:
    // a double click or a second Enter must not create a second method.
    let forward = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        match wizard.try_update(Wizard::forward) {
            Some(Next::Moved) => error.set(None),
            Some(Next::OpenEnrolment) if wizard.with_untracked(Wizard::path) == Path::Push => {
                push.open();
            }
            Some(Next::OpenEnrolment) => start.send(Change::new(Call::totp_start())),
            Some(Next::SubmitCode) => submit_code(),
            Some(Next::SendTest) => push.send_test(),
            Some(Next::FinishPush) => push.finish(),
            Some(Next::Close) => open.close(),
            None => {}
        }
    });
    let back = Callback::new(move |()| {
        error.set(None);
        wizard.update(Wizard::back);
    });
    let resend = Callback::new(move |()| {
        if !busy.get_untracked() && wizard.try_update(Wizard::resend) == Some(Next::SendTest) {
            push.send_test();
        }
    });
    let use_other_app = Callback::new(move |()| {
        error.set(None);
        wizard.update(Wizard::use_other_app);
    });

    let uri = Signal::derive(move || enrollment.with(|e| e.as_ref().map(|e| e.uri.clone())));
    // The QR code (of either path) is shown: "Next" on "Scan the QR code" is possible.
    let ready = Signal::derive(move || {
        enrollment.with(Option::is_some) || push.enrollment.with(Option::is_some)
    });
    let push_view = steps::PushView {
        use_other_app,
        enrollment: push.enrollment.into(),
        challenge: push.challenge,
        resend,
    };
    let step_label = {
        let i18n = ctx.i18n.clone();
        move || {
            let w = wizard.get();
            let title = i18n.t(steps::title(w.step()));
            match w.position() {
                Some((n, m)) => format!(
                    "{} · {title}",
                    i18n.fmt(Key::StepOf, &[("n", &n.to_string()), ("m", &m.to_string())])
                ),
                None => title,
            }
        }
    };

    view! {
        <form
            class="si-wizard"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if wizard.with_untracked(Wizard::step) == Step::Code {
                    forward.run(());
                }
            }
        >
            <h3 class="si-step-title" data-testid=testids::WIZARD_STEP tabindex="-1" node_ref=heading>
                {step_label.clone()}
            </h3>
            <p class="si-sr-only" role="status" aria-live="polite">{step_label}</p>
            {steps::step_body(wizard, uri, push_view, product, code, error, error_id.clone())}
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>
                {move || error.get()}
            </p>
            <div class="si-footer" aria-busy=move || busy.get().to_string()>
                {steps::step_footer(wizard, ready, busy, forward, back, on_other_method)}
            </div>
        </form>
    }
}
