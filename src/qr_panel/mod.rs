//! Step "Scan the QR code" of the authenticator wizard: the QR code, and behind
//! "Can't scan image?" the secret and the URL to type or paste by hand.

use crate::testids;
use leptos::prelude::*;
use security_info_core::{Secret, otpauth::OtpAuthUri, qr::qr_svg};

/// Shows `uri` as a QR code with a "Can't scan image?" fallback.
///
/// `manual_url` is the URL shown under "Can't scan image?": the otpauth URI itself on the
/// code path (default), the activation URL on the push path.
#[component]
pub fn QrPanel(
    /// The key URI to encode.
    #[prop(into)]
    uri: Signal<OtpAuthUri>,
    /// URL shown for manual entry; defaults to the otpauth URI.
    #[prop(optional, into)]
    manual_url: Option<Signal<String>>,
) -> impl IntoView {
    let revealed = RwSignal::new(false);
    let uri_text = Memo::new(move |_| uri.get().to_string());
    let svg = Memo::new(move |_| {
        let title = format!("QR code for {}", uri.with(|u| u.account.clone()));
        qr_svg(&uri_text.get(), &title).unwrap_or_default()
    });
    let secret = Memo::new(move |_| uri.with(|u| u.secret.clone()));
    let url = move || manual_url.map_or_else(|| uri_text.get(), |u| u.get());

    view! {
        <div class="si-qr-panel">
            <div class="si-qr" data-testid=testids::QR inner_html=move || svg.get()></div>
            <button
                type="button"
                class="si-link"
                data-testid=testids::CANT_SCAN
                aria-expanded=move || revealed.get().to_string()
                aria-controls="si-manual-entry"
                on:click=move |_| revealed.update(|r| *r = !*r)
            >
                "Can't scan image?"
            </button>
            <Show when=move || revealed.get()>
                <dl class="si-manual" id="si-manual-entry">
                    <dt>"Secret key"</dt>
                    <dd>
                        <GroupedSecret secret=secret />
                        <CopyButton testid=testids::COPY_SECRET text=Signal::derive(move || secret.get().to_base32()) />
                    </dd>
                    <dt>"URL"</dt>
                    <dd>
                        <code class="si-url" data-testid=testids::MANUAL_URL>{url}</code>
                        <CopyButton testid=testids::COPY_URL text=Signal::derive(url) />
                    </dd>
                </dl>
            </Show>
        </div>
    }
}

/// The secret in groups of four. Screen readers get it spelled out character by character
/// with a pause between groups, instead of trying to pronounce "GEZD" as a word.
#[component]
fn GroupedSecret(#[prop(into)] secret: Signal<Secret>) -> impl IntoView {
    let grouped = move || secret.get().to_grouped_base32();
    let spelled = move || {
        grouped()
            .split(' ')
            .map(|g| g.chars().map(String::from).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <code class="si-secret" data-testid=testids::MANUAL_SECRET aria-hidden="true">{grouped}</code>
        <span class="si-sr-only">{spelled}</span>
    }
}

/// Copies `text` to the clipboard and says so.
#[component]
fn CopyButton(testid: &'static str, #[prop(into)] text: Signal<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let value = text.get_untracked();
        let clipboard = window().navigator().clipboard();
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&value)).await;
            copied.set(done.is_ok());
        });
    };
    view! {
        <button type="button" class="si-button si-copy" data-testid=testid on:click=copy>
            "Copy"
        </button>
        <span class="si-sr-only" role="status">{move || if copied.get() { "Copied" } else { "" }}</span>
    }
}
