//! Step "Scan the QR code" of the authenticator wizard: the QR code, and behind
//! "Can't scan image?" the secret and the URL to type or paste by hand.

use crate::context::unique_id;
use crate::i18n::{Key, use_i18n};
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
    let i18n = use_i18n();
    let manual_id = unique_id("manual");
    let revealed = RwSignal::new(false);
    let uri_text = Memo::new(move |_| uri.get().to_string());
    let alt = i18n.clone();
    let svg = Memo::new(move |_| {
        let title = uri.with(|u| alt.fmt(Key::QrAlt, &[("account", &u.account)]));
        qr_svg(&uri_text.get(), &title).unwrap_or_default()
    });
    let secret = Memo::new(move |_| uri.with(|u| u.secret.clone()));
    let url = move || manual_url.map_or_else(|| uri_text.get(), |u| u.get());
    let i18n_manual = i18n.clone();

    view! {
        <div class="si-qr-panel">
            <div class="si-qr" data-testid=testids::QR inner_html=move || svg.get()></div>
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
                    <p>{i18n_manual.t(Key::ManualIntro)}</p>
                    <dl class="si-manual">
                        <dt>{i18n_manual.t(Key::SecretKey)}</dt>
                        <dd>
                            {grouped_secret(secret)}
                            {copy_button(
                                testids::COPY_SECRET,
                                Key::CopySecret,
                                Signal::derive(move || secret.get().to_base32()),
                            )}
                        </dd>
                        <dt>{i18n_manual.t(Key::Url)}</dt>
                        <dd>
                            <code class="si-url" data-testid=testids::MANUAL_URL>{url}</code>
                            {copy_button(testids::COPY_URL, Key::CopyUrl, Signal::derive(url))}
                        </dd>
                    </dl>
                </Show>
            </div>
        </div>
    }
}

/// The secret in groups of four. Screen readers get it spelled out character by character
/// with a pause between groups, instead of trying to pronounce "GEZD" as a word.
fn grouped_secret(secret: Memo<Secret>) -> impl IntoView {
    let grouped = move || secret.get().to_grouped_base32();
    let spelled = move || spell_out(&grouped());
    view! {
        <code class="si-secret" data-testid=testids::MANUAL_SECRET aria-hidden="true">{grouped}</code>
        <span class="si-sr-only">{spelled}</span>
    }
}

/// "GEZD GNBV" → "G E Z D, G N B V": one character at a time, a pause between groups.
/// A plain loop: the split/collect/join chain it replaces cost 2.5 KB of wasm.
fn spell_out(grouped: &str) -> String {
    let mut out = String::new();
    for c in grouped.chars() {
        if c == ' ' {
            out.push(',');
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
        }
    }
    out
}

/// Copies `text` to the clipboard and says so. `label` names what is copied for screen
/// readers; the visible text stays a short "Copy".
pub(crate) fn copy_button(testid: &'static str, label: Key, text: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let copied_text = i18n.t(Key::Copied);
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
        <button
            type="button"
            class="si-button si-copy"
            data-testid=testid
            aria-label=i18n.t(label)
            on:click=copy
        >
            {i18n.t(Key::Copy)}
        </button>
        <span class="si-sr-only" role="status">
            {move || if copied.get() { copied_text.clone() } else { String::new() }}
        </span>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spells_out_groups() {
        assert_eq!(super::spell_out("GEZD GNBV G"), "G E Z D, G N B V, G");
        assert_eq!(super::spell_out(""), "");
    }
}
