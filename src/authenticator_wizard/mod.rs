//! Screen C: set up an authenticator app, code path.
//!
//! Get the app → set up your account → scan the QR code → enter a code → done. The
//! secret is made in the browser (wasm core, browser CSPRNG) only after the server opened
//! the enrolment (so the limit and the policy refuse before any secret exists). Typed
//! codes are checked locally against the server's clock first; only a code that passes
//! is sent, and the server checks it again as the authority.
//!
//! The push path of step 4 ("Let's try it out") is a separate issue: it slots in as
//! another [`Step`] after [`Step::Scan`] on [`Path::App`].

use crate::code_input::CodeInput;
use crate::context::{browser_now, unique_id, use_ctx};
use crate::dialog::Dialog;
use crate::i18n::Key;
use crate::qr_panel::QrPanel;
use crate::testids;
use leptos::prelude::*;
use security_info_core::Secret;
use security_info_core::api::{ErrorCode, Method, TotpFinishRequest};
use security_info_core::otpauth::OtpAuthUri;
use security_info_core::totp::{TotpParams, Verification, Window, normalize_code};

/// The wizard's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    GetApp,
    SetUp,
    Scan,
    Code,
    Done,
}

/// Which app the person uses: the product's own app (all steps), or "a different
/// authenticator app" (no download step, generic wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    App,
    OtherApp,
}

impl Path {
    /// The numbered steps ("Step n of m"); [`Step::Done`] is not numbered.
    fn steps(self) -> &'static [Step] {
        match self {
            Path::App => &[Step::GetApp, Step::SetUp, Step::Scan, Step::Code],
            Path::OtherApp => &[Step::SetUp, Step::Scan, Step::Code],
        }
    }
}

/// An open enrolment: the server's id, the key URI with the browser-made secret, and
/// how far the server's clock is from the browser's.
#[derive(Clone)]
struct Enrollment {
    id: String,
    uri: OtpAuthUri,
    clock_offset: f64,
}

/// The authenticator app wizard (screen C) as a dialog.
#[component]
pub fn AuthenticatorWizard(
    /// Two-way open state.
    open: RwSignal<bool>,
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
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Dialog open title=ctx.i18n.t(Key::WizardTitle) testid=testids::WIZARD>
            <WizardBody open product on_added on_other_method other_app />
        </Dialog>
    }
}

#[component]
fn WizardBody(
    open: RwSignal<bool>,
    product: Signal<String>,
    on_added: Option<Callback<Method>>,
    on_other_method: Option<Callback<()>>,
    other_app: Signal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let path = RwSignal::new(if other_app.get_untracked() {
        Path::OtherApp
    } else {
        Path::App
    });
    let step = RwSignal::new(path.get_untracked().steps()[0]);
    let enrollment = RwSignal::new(None::<Enrollment>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let heading = NodeRef::<leptos::html::H3>::new();
    let error_id = unique_id("wizard-error");

    // Moving between steps replaces the buttons that had focus: put focus on the new
    // step's heading so keyboard and screen-reader users continue from there.
    Effect::new(move |previous: Option<Step>| {
        let now = step.get();
        if previous.is_some_and(|p| p != now)
            && let Some(h) = heading.get_untracked()
        {
            let _ = h.focus();
        }
        now
    });

    let go = move |to: Step| {
        error.set(None);
        step.set(to);
    };

    let start_ctx = ctx.clone();
    let begin_scan = move || {
        if pending.get_untracked() {
            return;
        }
        if enrollment.with_untracked(Option::is_some) {
            go(Step::Scan);
            return;
        }
        pending.set(true);
        error.set(None);
        let ctx = start_ctx.clone();
        leptos::task::spawn_local(async move {
            match ctx
                .with_step_up(|c| async move { c.totp_start().await })
                .await
            {
                Ok(start) => match Secret::generate() {
                    Ok(secret) => {
                        let mut uri = OtpAuthUri::new(start.issuer, start.account_name, secret);
                        uri.params = TotpParams {
                            algorithm: start.algorithm,
                            digits: start.digits,
                            period: start.period,
                        };
                        enrollment.set(Some(Enrollment {
                            id: start.enrollment_id,
                            uri,
                            clock_offset: start.server_time as f64 - browser_now(),
                        }));
                        go(Step::Scan);
                    }
                    Err(_) => error.set(Some(ctx.i18n.t(Key::ErrRandom))),
                },
                Err(e) => {
                    ctx.report(&e);
                    error.set(Some(e.message(&ctx.i18n)));
                }
            }
            pending.set(false);
        });
    };

    let finish_ctx = ctx.clone();
    let submit = move || {
        // One request at a time, and none once done: a double click or a second Enter
        // must not create a second method.
        if pending.get_untracked() || step.get_untracked() != Step::Code {
            return;
        }
        let Some(en) = enrollment.get_untracked() else {
            return;
        };
        let ctx = finish_ctx.clone();
        let params = en.uri.params;
        let digits = params.digits.to_string();
        let typed = code.get_untracked();
        let server_now = (browser_now() + en.clock_offset).max(0.0) as u64;
        let checked = params.verify(
            en.uri.secret.as_bytes(),
            &typed,
            server_now,
            Window::default(),
        );
        let normalized = match (checked, normalize_code(&typed, params.digits)) {
            (Ok(Verification::Valid { .. }), Ok(normalized)) => normalized,
            (Ok(Verification::Drift { .. }), _) => {
                error.set(Some(ctx.i18n.t(Key::ClockHint)));
                return;
            }
            (Ok(Verification::Invalid), _) => {
                error.set(Some(ctx.i18n.t(Key::CodeWrong)));
                return;
            }
            _ => {
                error.set(Some(
                    ctx.i18n.fmt(Key::CodeMalformed, &[("digits", &digits)]),
                ));
                return;
            }
        };
        pending.set(true);
        error.set(None);
        let request = TotpFinishRequest {
            enrollment_id: en.id.clone(),
            secret: en.uri.secret.to_base32(),
            code: normalized,
            name: None,
        };
        leptos::task::spawn_local(async move {
            let result = ctx
                .with_step_up(|c| {
                    let request = request.clone();
                    async move { c.totp_finish(&request).await }
                })
                .await;
            match result {
                Ok(method) => {
                    go(Step::Done);
                    if let Some(cb) = on_added {
                        cb.run(method);
                    }
                }
                Err(e) => {
                    ctx.report(&e);
                    if e.code() == Some(ErrorCode::Expired) {
                        // The enrolment timed out: a new one (and a new secret) is needed.
                        enrollment.set(None);
                    }
                    error.set(Some(e.message(&ctx.i18n)));
                }
            }
            pending.set(false);
        });
    };

    let step_label = {
        let i18n = i18n.clone();
        move || {
            let steps = path.get().steps();
            let now = step.get();
            let title = i18n.t(step_title(now));
            match steps.iter().position(|s| *s == now) {
                Some(i) => format!(
                    "{} · {title}",
                    i18n.fmt(
                        Key::StepOf,
                        &[("n", &(i + 1).to_string()), ("m", &steps.len().to_string())]
                    )
                ),
                None => title,
            }
        }
    };

    let back = move || {
        let steps = path.get_untracked().steps();
        let now = step.get_untracked();
        match steps.iter().position(|s| *s == now) {
            Some(i) if i > 0 => go(steps[i - 1]),
            _ => {}
        }
    };

    let body = {
        let i18n = i18n.clone();
        let app_url = ctx.config().app_url.clone();
        let error_id = error_id.clone();
        move || {
            let i18n = i18n.clone();
            let product_name = product.get();
            match step.get() {
                Step::GetApp => view! {
                    <p>{i18n.fmt(Key::GetAppBody, &[("product", &product_name)])}</p>
                    {app_url.clone().map(|href| view! {
                        <p>
                            <a class="si-link" href=href target="_blank" rel="noopener noreferrer">
                                {i18n.t(Key::DownloadNow)}
                            </a>
                        </p>
                    })}
                    <p>
                        <button
                            type="button"
                            class="si-link"
                            data-testid=testids::USE_OTHER_APP
                            on:click=move |_| {
                                path.set(Path::OtherApp);
                                go(Step::SetUp);
                            }
                        >
                            {i18n.t(Key::UseOtherApp)}
                        </button>
                    </p>
                }
                .into_any(),
                Step::SetUp => {
                    let text = match path.get() {
                        Path::App => Key::SetUpBody,
                        Path::OtherApp => Key::SetUpBodyOther,
                    };
                    view! { <p>{i18n.t(text)}</p> }.into_any()
                }
                Step::Scan => match enrollment.get() {
                    Some(en) => {
                        let href = en.uri.to_string();
                        view! {
                            <p>{i18n.t(Key::ScanBody)}</p>
                            <QrPanel uri=en.uri />
                            <p class="si-otpauth">
                                <a class="si-button" href=href data-testid=testids::OTPAUTH_LINK>
                                    {i18n.t(Key::OpenInApp)}
                                </a>
                            </p>
                        }
                        .into_any()
                    }
                    None => view! { <p>{i18n.t(Key::Preparing)}</p> }.into_any(),
                },
                Step::Code => {
                    let digits = enrollment
                        .with(|e| e.as_ref().map(|e| e.uri.params.digits))
                        .unwrap_or(6)
                        .to_string();
                    view! {
                        <p>{i18n.fmt(Key::CodeBody, &[("digits", &digits)])}</p>
                        <CodeInput
                            code
                            invalid=move || error.with(Option::is_some)
                            error_id=error_id.clone()
                            testid=testids::CODE_INPUT
                        />
                    }
                    .into_any()
                }
                Step::Done => view! { <p>{i18n.t(Key::DoneBody)}</p> }.into_any(),
            }
        }
    };

    let footer = {
        let i18n = i18n.clone();
        let begin_scan = begin_scan.clone();
        move || {
            let i18n = i18n.clone();
            let now = step.get();
            let first = path.get().steps().first() == Some(&now);
            let back_button = (!first && now != Step::Done).then(|| {
                view! {
                    <button
                        type="button"
                        class="si-button"
                        data-testid=testids::WIZARD_BACK
                        on:click=move |_| back()
                    >
                        {i18n.t(Key::Back)}
                    </button>
                }
            });
            let other_method = (matches!(now, Step::GetApp | Step::SetUp) && first)
                .then_some(on_other_method)
                .flatten()
                .map(|cb| {
                    view! {
                        <button
                            type="button"
                            class="si-link si-footer-start"
                            data-testid=testids::USE_OTHER_METHOD
                            on:click=move |_| cb.run(())
                        >
                            {i18n.t(Key::UseOtherMethod)}
                        </button>
                    }
                });
            let primary = match now {
                Step::GetApp => view! {
                    <button
                        type="button"
                        class="si-button si-primary"
                        data-testid=testids::WIZARD_NEXT
                        on:click=move |_| go(Step::SetUp)
                    >
                        {i18n.t(Key::Next)}
                    </button>
                }
                .into_any(),
                Step::SetUp => {
                    let begin_scan = begin_scan.clone();
                    view! {
                        <button
                            type="button"
                            class="si-button si-primary"
                            data-testid=testids::WIZARD_NEXT
                            aria-disabled=move || pending.get().to_string()
                            on:click=move |_| begin_scan()
                        >
                            {i18n.t(Key::Next)}
                        </button>
                    }
                    .into_any()
                }
                Step::Scan => view! {
                    <button
                        type="button"
                        class="si-button si-primary"
                        data-testid=testids::WIZARD_NEXT
                        disabled=move || enrollment.with(Option::is_none)
                        on:click=move |_| go(Step::Code)
                    >
                        {i18n.t(Key::Next)}
                    </button>
                }
                .into_any(),
                Step::Code => view! {
                    <button
                        type="submit"
                        class="si-button si-primary"
                        data-testid=testids::CODE_SUBMIT
                        aria-disabled=move || pending.get().to_string()
                    >
                        {i18n.t(Key::Verify)}
                    </button>
                }
                .into_any(),
                Step::Done => view! {
                    <button
                        type="button"
                        class="si-button si-primary"
                        data-testid=testids::WIZARD_DONE
                        on:click=move |_| open.set(false)
                    >
                        {i18n.t(Key::Done)}
                    </button>
                }
                .into_any(),
            };
            view! {
                {other_method}
                {back_button}
                {primary}
            }
        }
    };

    view! {
        <form
            class="si-wizard"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <h3 class="si-step-title" data-testid=testids::WIZARD_STEP tabindex="-1" node_ref=heading>
                {step_label.clone()}
            </h3>
            <p class="si-sr-only" role="status" aria-live="polite">{step_label}</p>
            {body}
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>
                {move || error.get()}
            </p>
            <div class="si-footer" aria-busy=move || pending.get().to_string()>{footer}</div>
        </form>
    }
}

fn step_title(step: Step) -> Key {
    match step {
        Step::GetApp => Key::GetAppTitle,
        Step::SetUp => Key::SetUpTitle,
        Step::Scan => Key::ScanTitle,
        Step::Code => Key::CodeTitle,
        Step::Done => Key::DoneTitle,
    }
}
