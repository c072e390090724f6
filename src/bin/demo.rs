//! The Trunk demo: a fresh secret as a scannable QR code.

use leptos::prelude::*;
use security_info::QrPanel;
use security_info::core::{Secret, otpauth::OtpAuthUri};

fn main() {
    let view = match Secret::generate() {
        Ok(secret) => {
            let uri = OtpAuthUri::new("security-info demo", "demo@example.com", secret);
            view! {
                <main class="si-root">
                    <h1>"Scan the QR code"</h1>
                    <p>"Use your authenticator app to scan the QR code. This connects the app with your account."</p>
                    <QrPanel uri=uri />
                </main>
            }
            .into_any()
        }
        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
    };
    leptos::mount::mount_to_body(move || view);
}
