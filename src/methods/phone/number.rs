//! The number screen: which phone, country or region and number, how the code comes.

use super::countries;
use super::frame::Sending;
use crate::client::Call;
use crate::context::{unique_id, use_ctx};
use crate::i18n::Key;
use crate::methods::other_method_button;
use crate::testids;
use leptos::prelude::*;
use security_info_core::api::{CodeSent, Method};
use security_info_core::methods::{DefaultMode, PhoneKind};
use security_info_core::screens::phone::{NumberForm, Refusal};

/// The form; a sent code moves the dialog on (`sent`).
#[component]
pub fn NumberStep(
    /// Set to the server's answer once a code was sent.
    sent: RwSignal<Option<CodeSent>>,
    /// "Change": the method the new number replaces.
    replaces: Option<Method>,
    /// "I want to set up a different method".
    on_other_method: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = ctx.i18n.clone();
    let form = RwSignal::new(NumberForm::new(i18n.lang()));
    let sending = Sending::new(super::code::PHONE, sent);
    let Sending {
        refusal,
        error,
        pending,
        ..
    } = sending.clone();
    let ids = (unique_id("phone-country"), unique_id("phone-number"));
    let (extension_id, error_id) = (unique_id("phone-extension"), unique_id("phone-error"));
    let lang = i18n.lang().to_owned();
    let replaced_id = replaces.as_ref().map(|m| m.id.clone());
    let submit = move || {
        sending.send(
            form.with_untracked(|f| f.request(replaced_id.clone(), Some(lang.clone())))
                .map(|request| Call::phone_start(&request)),
        );
    };
    let number_invalid = move || refusal.with(|r| r.as_ref().is_some_and(Refusal::about_number));
    let extension_invalid = move || refusal.get() == Some(Refusal::ExtensionInvalid);
    let office = move || form.with(|f| f.kind == PhoneKind::Office);
    let options = countries::options(i18n.lang());
    let chosen = form.with_untracked(|f| f.country.clone());
    let kind_name = unique_id("phone-kind");
    let mode_name = unique_id("phone-mode");
    let other_method = on_other_method.map(|cb| other_method_button(&i18n, cb));
    let replaces_note = replaces.and_then(|m| m.detail).map(|detail| {
        view! { <p class="si-note" data-testid=testids::REPLACES_NOTE>{i18n.fmt(Key::ReplacesNote, &[("detail", &detail)])}</p> }
    });
    view! {
        <form class="si-wizard" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <p>{i18n.t(Key::PhoneIntro)}</p>
            {replaces_note}
            <fieldset class="si-fieldset" data-testid=testids::PHONE_KIND>
                <legend class="si-label">{i18n.t(Key::PhoneKindLegend)}</legend>
                {radio(form, kind_name.clone(), true, i18n.t(Key::PhoneMobile), "phone-kind-mobile", |f| f.kind = PhoneKind::Mobile)}
                {radio(form, kind_name, false, i18n.t(Key::PhoneOffice), "phone-kind-office", |f| f.kind = PhoneKind::Office)}
            </fieldset>
            <label class="si-label si-field-gap" for=ids.0.clone()>{i18n.t(Key::PhoneCountry)}</label>
            <select id=ids.0.clone() class="si-input" data-testid=testids::PHONE_COUNTRY
                autocomplete="tel-country-code"
                on:change=move |ev| form.update(|f| f.country = event_target_value(&ev))>
                {options.into_iter().map(|o| view! {
                    <option value=o.iso selected=o.iso == chosen>{o.label}</option>
                }).collect_view()}
            </select>
            <label class="si-label si-field-gap" for=ids.1.clone()>{i18n.t(Key::PhoneNumber)}</label>
            <input id=ids.1.clone() class="si-input" type="tel" autocomplete="tel-national"
                data-testid=testids::PHONE_NUMBER data-autofocus="" maxlength="32"
                aria-describedby=error_id.clone()
                aria-invalid=move || number_invalid().to_string()
                prop:value=move || form.with(|f| f.national.clone())
                on:input=move |ev| form.update(|f| f.national = event_target_value(&ev)) />
            <Show when=office fallback=move || view! {
                <fieldset class="si-fieldset si-field-gap" data-testid=testids::PHONE_MODE>
                    <legend class="si-label">{use_ctx().i18n.t(Key::PhoneModeLegend)}</legend>
                    {radio(form, mode_name.clone(), form.with_untracked(|f| f.mode == DefaultMode::Text), use_ctx().i18n.t(Key::PhoneTextMe), "phone-mode-text", |f| f.mode = DefaultMode::Text)}
                    {radio(form, mode_name.clone(), form.with_untracked(|f| f.mode == DefaultMode::Call), use_ctx().i18n.t(Key::PhoneCallMe), "phone-mode-call", |f| f.mode = DefaultMode::Call)}
                </fieldset>
            }>
                <label class="si-label si-field-gap" for=extension_id.clone()>{use_ctx().i18n.t(Key::PhoneExtension)}</label>
                <input id=extension_id.clone() class="si-input" inputmode="numeric" autocomplete="off"
                    data-testid=testids::PHONE_EXTENSION maxlength="10"
                    aria-invalid=move || extension_invalid().to_string()
                    prop:value=move || form.with(|f| f.extension.clone())
                    on:input=move |ev| form.update(|f| f.extension = event_target_value(&ev)) />
                <p class="si-note">{use_ctx().i18n.t(Key::PhoneOfficeNote)}</p>
            </Show>
            <p class="si-error" id=error_id role="alert" data-testid=testids::ERROR>{move || error.get()}</p>
            <div class="si-footer" aria-busy=move || pending.get().to_string()>
                {other_method}
                <button type="submit" class="si-button si-primary" data-testid=testids::PHONE_SEND
                    aria-disabled=move || pending.get().to_string()>
                    {i18n.t(Key::Next)}
                </button>
            </div>
        </form>
    }
}

/// One radio choice that sets a field of the form.
fn radio(
    form: RwSignal<NumberForm>,
    name: String,
    checked: bool,
    label: String,
    testid: &'static str,
    set: fn(&mut NumberForm),
) -> impl IntoView {
    view! {
        <label class="si-radio">
            <input type="radio" name=name checked=checked data-testid=testid
                on:change=move |_| form.update(set) />
            <span>{label}</span>
        </label>
    }
}
