//! "Scan the QR code" on the push path: the QR code of the activation URI and, under
//! "Can't scan image?", the 9-digit activation code (grouped 3-3-3) and the activation
//! URL, each with a copy button; "Open in the app" carries the same URI for phones.

use crate::context::unique_id;
use crate::i18n::{Key, use_i18n};
use crate::qr_panel::copy_button;
use crate::testids;
use leptos::prelude::*;
use security_info_core::push::{PushStartResponse, group_activation_code};
use security_info_core::qr::qr_svg;

/// The activation QR code with its manual fallback.
pub fn push_qr_panel(start: PushStartResponse) -> impl IntoView {
    let i18n = use_i18n();
    let manual_id = unique_id("manual");
    let revealed = RwSignal::new(false);
    let svg = qr_svg(&start.activation_uri, &i18n.t(Key::QrPushAlt)).unwrap_or_default();
    let grouped = group_activation_code(&start.activation_code);
    // Read out digit by digit, with a pause between the groups.
    let spelled = grouped
        .split(' ')
        .map(|g| g.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ");
    let code = Signal::stored(start.activation_code.clone());
    let url = Signal::stored(start.activation_url.clone());
    let uri = start.activation_uri;
    view! {
        <p>{i18n.t(Key::ScanBody)}</p>
        <div class="si-qr-panel">
            <div class="si-qr" data-testid=testids::QR inner_html=svg></div>
            <button
                type="button"
                class="si-link"
                data-testid=testids::CANT_SCAN
                aria-expanded=move || revealed.get().to_string()
                aria-controls=manual_id.clone()
                on:click=move |_| revealed.update(|r| *r = !*r)
            >
                {i18n.t(Key::CantScan)}
            </button>
            <div id=manual_id>
                <Show when=move || revealed.get()>
                    <p>{use_i18n().t(Key::ManualPushIntro)}</p>
                    <dl class="si-manual">
                        <dt>{use_i18n().t(Key::ActivationCode)}</dt>
                        <dd>
                            <code class="si-secret" data-testid=testids::ACTIVATION_CODE aria-hidden="true">
                                {grouped.clone()}
                            </code>
                            <span class="si-sr-only">{spelled.clone()}</span>
                            {copy_button(testids::COPY_CODE, Key::CopyCode, code)}
                        </dd>
                        <dt>{use_i18n().t(Key::Url)}</dt>
                        <dd>
                            <code class="si-url" data-testid=testids::MANUAL_URL>{url}</code>
                            {copy_button(testids::COPY_URL, Key::CopyUrl, url)}
                        </dd>
                    </dl>
                </Show>
            </div>
        </div>
        <p class="si-otpauth">
            <a class="si-button" href=uri data-testid=testids::OTPAUTH_LINK>
                {i18n.t(Key::OpenInApp)}
            </a>
        </p>
    }
}
