//! Adding an email address (SPEC section 2, G; password reset only): the address screen
//! sends a code, the phone dialog's code screen checks it ("Resend" after the server's
//! cool-down). "Change" ([`EmailDialog::replaces`]) verifies the new address before it
//! replaces the old one. The core (`security_info_core::screens::email`) checks the
//! address; the server is the authority and sends the code.

mod address;

use crate::client::Call;
use crate::dialog::Open;
use crate::i18n::{I18n, Key};
use crate::methods::phone::code::Channel;
use crate::methods::phone::frame::{CodeDialog, code_dialog};
use crate::testids;
use address::AddressStep;
use leptos::prelude::*;
use security_info_core::api::Method;
use security_info_core::methods::MethodType;
use security_info_core::screens::add::Enrolment;
use security_info_core::screens::email::refusal;
use security_info_core::screens::phone::Refusal;

/// This dialog enrols email addresses.
pub fn enrols(e: Enrolment) -> bool {
    e.method_type == MethodType::Email
}

/// An email address's code screen.
const EMAIL: Channel = Channel {
    finish: Call::email_finish,
    refusal,
    message,
    email: true,
};

/// The email enrolment (or change) as a dialog.
#[component]
pub fn EmailDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// "Change": the email method the verified new address replaces (`None`: add one).
    #[prop(optional, into)]
    replaces: Signal<Option<Method>>,
    /// Called with the new (or changed) method once the server stored it; the dialog closes.
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    code_dialog(
        CodeDialog {
            open,
            title: Key::EmailTitle,
            testid: testids::EMAIL_DIALOG,
            channel: EMAIL,
            replaces,
            on_added,
            on_other_method,
        },
        |sent, replaces, on_other_method| view! { <AddressStep sent replaces on_other_method /> },
    )
}

/// What the dialog says about a refusal (the phone's words, but for sending).
fn message(i18n: &I18n, refusal: &Refusal) -> String {
    match refusal {
        Refusal::DeliveryFailed => i18n.t(Key::EmailDeliveryFailed),
        other => crate::methods::phone::message(i18n, other),
    }
}
