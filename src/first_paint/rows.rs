//! The first paint's default line and rows, and the row texts and icons the Leptos list
//! (`security_info/list.rs`) uses too.

use super::Listed;
use super::dom::{Builder, El};
use crate::change_default_dialog::option_label;
use crate::config::Config;
use crate::i18n::{FirstPaint, I18n, Key, Named, Texts};
use crate::testids;
use security_info_core::api::Method;
use security_info_core::methods::{MethodSource, MethodType, Usage};
use wasm_bindgen::{JsValue, UnwrapThrowExt};

impl Builder {
    pub(super) fn default_line(
        &self,
        config: &Config,
        i18n: &I18n<FirstPaint>,
        info: Listed,
    ) -> El {
        let line = self
            .el("p")
            .attr("class", "si-default")
            .attr("data-testid", testids::DEFAULT_METHOD);
        let label = self.el("span");
        match info.default_method {
            Some(d) => {
                line.attr_ref("data-method-id", &d.method_id);
                let text = option_label(i18n, info.methods, d);
                self.named(&label, i18n.named(Key::DefaultMethod, &text));
            }
            None => self.named(&label, Named::from(i18n.t(Key::NoDefaultMethod))),
        }
        line.add(label);
        if !config.read_only && info.methods.iter().any(|m| m.method_type.is_two_step()) {
            let label = i18n.t(Key::ChangeDefaultLabel);
            line.add(self.button(
                "si-link",
                testids::CHANGE_DEFAULT,
                &label,
                &i18n.t(Key::Change),
            ));
        }
        line
    }

    pub(super) fn row(&self, config: &Config, i18n: &I18n<FirstPaint>, method: &Method) -> El {
        let row = self
            .el("li")
            .attr("class", "si-method")
            .attr("data-testid", testids::METHOD_ROW)
            .attr("data-method-id", &method.id)
            .attr("data-method-type", method.method_type.as_str());
        row.add(self.icon(method.method_type));
        let text = self.el("div").attr("class", "si-method-text");
        text.add(
            self.el("bdi")
                .attr("class", "si-method-name")
                .text(&method.name),
        );
        text.add(
            self.el("span")
                .attr("class", "si-method-type")
                .text(&type_label(i18n, method)),
        );
        if let Some(detail) = &method.detail {
            text.add(
                self.el("bdi")
                    .attr("class", "si-method-detail")
                    .text(detail),
            );
        }
        if !method.usable_for.contains(&Usage::Mfa) {
            text.add(
                self.el("span")
                    .attr("class", "si-method-note")
                    .text(&i18n.t(Key::SsprOnly)),
            );
        }
        if method.method_type == MethodType::SecurityKey {
            let note = self.el("span").attr("class", "si-method-note");
            text.add(
                note.attr("data-testid", testids::METHOD_LAST_USED)
                    .text(&last_use(i18n, method.last_used_at)),
            );
        }
        row.add(text);
        let actions = self.el("div").attr("class", "si-method-actions");
        let can_change = !config.read_only;
        let named = |key| i18n.fmt(key, &[("name", &method.name)]);
        if can_change && method.method_type.changeable() {
            let label = named(Key::ChangeNamed);
            actions.add(self.button(
                "si-link",
                testids::CHANGE_METHOD,
                &label,
                &i18n.t(Key::Change),
            ));
        }
        if can_change {
            let label = named(Key::RenameNamed);
            actions.add(self.button(
                "si-link",
                testids::RENAME_METHOD,
                &label,
                &i18n.t(Key::Rename),
            ));
        }
        if can_change && !config.disable_delete {
            let label = named(Key::DeleteNamed);
            let class = "si-link si-danger-link";
            actions.add(self.button(class, testids::DELETE_METHOD, &label, &i18n.t(Key::Delete)));
        }
        row.add(actions);
        row
    }

    fn icon(&self, t: MethodType) -> El {
        const SVG: Option<&str> = Some("http://www.w3.org/2000/svg");
        let make = |tag| El(self.0.create_element_ns(SVG, tag).expect_throw("valid tag"));
        let svg = make("svg")
            .attr("class", "si-icon")
            .attr("viewBox", "0 0 24 24")
            .attr("aria-hidden", "true")
            .attr("focusable", "false");
        svg.add(make("path").attr("d", icon_path(t)));
        svg
    }
}

/// When a security key was last used (a date in the person's language), or that it was
/// not used yet.
pub fn last_use<T: Texts>(i18n: &I18n<T>, at: Option<i64>) -> String {
    match at {
        Some(secs) => {
            let date = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
            let day = date.to_locale_date_string(i18n.lang(), &JsValue::UNDEFINED);
            i18n.fmt(Key::LastUsed, &[("date", &String::from(day))])
        }
        None => i18n.t(Key::NotUsedYet),
    }
}

/// What the row calls the method's type: a `totp` method from a hardware token is a
/// "Hardware token" (its detail is the masked serial).
pub fn type_label<T: Texts>(i18n: &I18n<T>, method: &Method) -> String {
    if method.source == Some(MethodSource::Hardware) {
        i18n.t(Key::HardwareToken)
    } else {
        i18n.method_type(method.method_type)
    }
}

/// A decorative outline icon per method type (the row's text names the type).
pub fn icon_path(t: MethodType) -> &'static str {
    match t {
        MethodType::AuthenticatorPush | MethodType::Totp => {
            "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM9.5 12l2 2 3.5-4"
        }
        MethodType::Phone => {
            "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 18h2"
        }
        MethodType::SecurityKey => "M8 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM12 12h9M18 12v3M21 12v3",
        MethodType::Email => "M3 6h18v12H3zM3 6l9 7 9-7",
        MethodType::SecurityQuestions => {
            "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5V14M12 17v.5"
        }
    }
}
