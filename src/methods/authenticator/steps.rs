//! What each step of the authenticator wizard shows: its text and fields, and its
//! buttons. The decisions (which step, which buttons) come from the core's `Wizard`.

use crate::code_input::CodeInput;
use crate::context::use_ctx;
use crate::i18n::Key;
use crate::methods::other_method_button;
use crate::qr_panel::QrPanel;
use crate::testids;
use leptos::prelude::*;
use security_info_core::otpauth::OtpAuthUri;
use security_info_core::push::{PushChallenge, PushStartResponse};
use security_info_core::screens::wizard::{Path, Step, TryIt, Wizard};

/// What the steps need besides the code path's key URI: the push path's enrolment and
/// test notification, and the links between paths.
#[derive(Clone, Copy)]
pub struct PushView {
    /// "I want to use a different authenticator app".
    pub use_other_app: Callback<()>,
    /// The open push enrolment (activation code, URL and URI).
    pub enrollment: Signal<Option<PushStartResponse>>,
    /// The test notification.
    pub challenge: RwSignal<Option<PushChallenge>>,
    /// "Resend notification".
    pub resend: Callback<()>,
}

/// The heading of a step.
pub fn title(step: Step) -> Key {
    match step {
        Step::GetApp => Key::GetAppTitle,
        Step::SetUp => Key::SetUpTitle,
        Step::Scan => Key::ScanTitle,
        Step::Code => Key::CodeTitle,
        Step::TryIt => Key::TryItTitle,
        Step::Done => Key::DoneTitle,
    }
}

/// The text and fields of the current step.
pub fn step_body(
    wizard: RwSignal<Wizard>,
    // The key URI once the server opened the enrolment.
    uri: Signal<Option<OtpAuthUri>>,
    push: PushView,
    product: Signal<String>,
    code: RwSignal<String>,
    error: RwSignal<Option<String>>,
    error_id: String,
) -> impl IntoView {
    let use_other_app = push.use_other_app;
    let ctx = use_ctx();
    let app_url = ctx.config().app_url.clone();
    let i18n = ctx.i18n;
    move || {
        let i18n = i18n.clone();
        let w = wizard.get();
        match w.step() {
            Step::GetApp => view! {
                <p>{i18n.fmt(Key::GetAppBody, &[("product", &product.get())])}</p>
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
                        on:click=move |_| use_other_app.run(())
                    >
                        {i18n.t(Key::UseOtherApp)}
                    </button>
                </p>
            }
            .into_any(),
            Step::SetUp => {
                let text = match w.path() {
                    Path::App | Path::Push => Key::SetUpBody,
                    Path::OtherApp => Key::SetUpBodyOther,
                };
                view! { <p>{i18n.t(text)}</p> }.into_any()
            }
            Step::Scan if w.path() == Path::Push => match push.enrollment.get() {
                Some(start) => super::push_panel::push_qr_panel(start).into_any(),
                None => view! { <p>{i18n.t(Key::Preparing)}</p> }.into_any(),
            },
            Step::TryIt => crate::push_status::push_status(
                Signal::derive(move || wizard.with(Wizard::try_it)),
                push.challenge.into(),
                push.resend,
            )
            .into_any(),
            Step::Scan => match uri.get() {
                Some(uri) => {
                    let href = uri.to_string();
                    view! {
                        <p>{i18n.t(Key::ScanBody)}</p>
                        <QrPanel uri />
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
                let digits = uri
                    .with(|u| u.as_ref().map(|u| u.params.digits))
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
}

/// The buttons of the current step: "I want to set up a different method" on the
/// first step, "Back" after it, and the step's primary button.
pub fn step_footer(
    wizard: RwSignal<Wizard>,
    // The QR code is shown ("Next" on "Scan the QR code").
    ready: Signal<bool>,
    // A request is under way.
    busy: Signal<bool>,
    forward: Callback<()>,
    back: Callback<()>,
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_ctx().i18n;
    move || {
        let i18n = i18n.clone();
        let w = wizard.get();
        let other_method = w
            .offers_other_method()
            .then_some(on_other_method)
            .flatten()
            .map(|cb| other_method_button(&i18n, cb));
        let back_button = w.can_go_back().then(|| {
            view! {
                <button
                    type="button"
                    class="si-button"
                    data-testid=testids::WIZARD_BACK
                    on:click=move |_| back.run(())
                >
                    {i18n.t(Key::Back)}
                </button>
            }
        });
        let primary = match w.step() {
            Step::GetApp | Step::SetUp | Step::Scan => view! {
                <button
                    type="button"
                    class="si-button si-primary"
                    data-testid=testids::WIZARD_NEXT
                    aria-disabled=move || busy.get().to_string()
                    disabled=move || w.step() == Step::Scan && !ready.get()
                    on:click=move |_| forward.run(())
                >
                    {i18n.t(Key::Next)}
                </button>
            }
            .into_any(),
            Step::TryIt => view! {
                <button
                    type="button"
                    class="si-button si-primary"
                    data-testid=testids::WIZARD_NEXT
                    aria-disabled=move || {
                        (busy.get() || !wizard.with(|w| w.try_it() == TryIt::Approved)).to_string()
                    }
                    on:click=move |_| forward.run(())
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
                    aria-disabled=move || busy.get().to_string()
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
                    on:click=move |_| forward.run(())
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
}
