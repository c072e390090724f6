//! Adding a phone (SPEC section 2, D): the number screen (country or region, national
//! number, mobile by text or call or office by call with an extension) sends a code,
//! the code screen checks it ("Resend" after the server's cool-down). The core
//! (`security_info_core::screens::phone`) joins and checks the number and the code;
//! the server is the authority and sends the code.

pub(crate) mod code;
mod countries;
pub(crate) mod frame;
mod number;

use crate::dialog::Open;
use crate::i18n::{I18n, Key};
use crate::testids;
use frame::{CodeDialog, code_dialog};
use leptos::prelude::*;
use number::NumberStep;
use security_info_core::api::Method;
use security_info_core::methods::MethodType;
use security_info_core::phone::CODE_DIGITS;
use security_info_core::screens::add::Enrolment;
use security_info_core::screens::phone::Refusal;

/// This dialog enrols phones.
pub fn enrols(e: Enrolment) -> bool {
    e.method_type == MethodType::Phone
}

/// The phone enrolment as a dialog.
#[component]
pub fn PhoneDialog(
    /// Two-way open state.
    #[prop(into)]
    open: Open,
    /// "Change": the phone method the verified new number replaces (`None`: add one).
    #[prop(optional, into)]
    replaces: Signal<Option<Method>>,
    /// Called with the new method once the server stored it (the dialog closes).
    #[prop(optional, into)]
    on_added: Option<Callback<Method>>,
    /// "I want to set up a different method": the host goes back to "Add a method".
    #[prop(optional, into)]
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    code_dialog(
        CodeDialog {
            open,
            title: Key::PhoneTitle,
            testid: testids::PHONE_DIALOG,
            channel: code::PHONE,
            replaces,
            on_added,
            on_other_method,
        },
        |sent, replaces, on_other_method| view! { <NumberStep sent replaces on_other_method /> },
    )
}

/// What the dialog says about a refusal.
pub(crate) fn message(i18n: &I18n, refusal: &Refusal) -> String {
    let digits = CODE_DIGITS.to_string();
    match refusal {
        Refusal::CountryMissing => i18n.t(Key::PhoneCountryMissing),
        Refusal::NumberInvalid => i18n.t(Key::PhoneNumberInvalid),
        Refusal::AddressInvalid => i18n.t(Key::EmailAddressInvalid),
        Refusal::ExtensionInvalid => i18n.t(Key::PhoneExtensionInvalid),
        Refusal::CodeMalformed => i18n.fmt(Key::PhoneCodeMalformed, &[("digits", &digits)]),
        Refusal::CodeWrong => i18n.t(Key::PhoneCodeWrong),
        Refusal::CodeExpired => i18n.t(Key::PhoneCodeExpired),
        Refusal::RateLimited(seconds) => {
            i18n.fmt(Key::ErrRateLimited, &[("seconds", &seconds.to_string())])
        }
        Refusal::DeliveryFailed => i18n.t(Key::PhoneDeliveryFailed),
    }
}
