//! The list's first paint without Leptos. In the split release build this is (with the
//! option parsing) all the main wasm does: it writes the page's markup from the first
//! answer with plain DOM calls, and the Leptos page, a chunk of its own fetched at once,
//! takes over with the same answer and replaces it (`embed`). The markup is the Leptos
//! page's (`security_info`) to the attribute, which a browser test compares; the row
//! texts and icons come from the helpers here, which the Leptos list uses too. Its texts
//! are [`I18n<FirstPaint>`]: the rest of the translation table stays out of main too.
//!
//! Why: Leptos (tachys, reactive_graph) is most of the main wasm. Without it the first
//! load is a third of the size, and the list shows before the rest of the page arrives.

use crate::change_default_dialog::option_label;
use crate::config::Config;
use crate::context::unique_id;
use crate::i18n::{FirstPaint, I18n, Key, Named, Texts};
use crate::testids;
use security_info_core::api::{DefaultMethod, Method, SecurityInfo as Info};
use security_info_core::methods::{MethodSource, MethodType, Usage};
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlElement};

/// The mark `scripts/bench.sh` measures: the first list on the page is visible. Set once
/// per page, by whichever paints a list first (this module or the Leptos page).
pub fn mark_list_visible() {
    const MARK: &str = "security-info:list-visible";
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    if performance.get_entries_by_name(MARK).length() == 0 {
        let _ = performance.mark(MARK);
    }
}

/// What the first paint shows of a security-info answer: only these two fields are
/// decoded before the page takes over (the rest waits for the page's chunk).
#[derive(Clone, Copy)]
pub struct Listed<'a> {
    pub methods: &'a [Method],
    pub default_method: Option<&'a DefaultMethod>,
}

impl<'a> From<&'a Info> for Listed<'a> {
    fn from(info: &'a Info) -> Self {
        Listed {
            methods: &info.methods,
            default_method: info.default_method.as_ref(),
        }
    }
}

/// The page's `<section>` as the Leptos page first renders it: header, the empty notice
/// and error lines, then "Loading…" (no answer yet) or the default line, "Add" and the
/// list. Not interactive: the Leptos page replaces it.
pub fn page(config: &Config, i18n: &I18n<FirstPaint>, info: Option<Listed>) -> Option<Element> {
    let doc = web_sys::window()?.document()?;
    let b = Builder(doc);
    let root = b
        .el("section")
        .attr("class", "si-root")
        .attr("data-testid", testids::SECURITY_INFO)
        .attr("lang", i18n.lang())
        .attr("data-theme", config.theme.as_str());
    let title_id = unique_id("title");
    if !config.hide_header {
        root.attr_ref("aria-labelledby", &title_id);
    }
    let root = root.attr("tabindex", "-1");
    if !config.hide_header {
        root.add(
            b.el("h2")
                .attr("class", "si-title")
                .attr("id", &title_id)
                .text(&i18n.t(Key::Title)),
        );
        root.add(
            b.el("p")
                .attr("class", "si-intro")
                .text(&i18n.t(Key::Intro)),
        );
    }
    root.add(
        b.el("p")
            .attr("class", "si-notice")
            .attr("role", "status")
            .attr("aria-live", "polite")
            .attr("data-testid", testids::NOTICE),
    );
    root.add(
        b.el("p")
            .attr("class", "si-error")
            .attr("role", "alert")
            .attr("data-testid", testids::ERROR),
    );
    let Some(info) = info else {
        let loading = b
            .el("div")
            .attr("class", "si-loading")
            .attr("data-testid", testids::LOADING)
            .attr("role", "status")
            .attr("aria-busy", "true");
        loading.add(
            b.el("span")
                .attr("class", "si-spinner")
                .attr("aria-hidden", "true"),
        );
        root.add(loading.text(&i18n.t(Key::Loading)));
        return Some(root.0);
    };
    root.add(b.default_line(config, i18n, info));
    if !config.read_only && !config.disable_add {
        let add = b
            .el("button")
            .attr("class", "si-button si-add")
            .attr("type", "button")
            .attr("data-testid", testids::ADD_METHOD);
        add.add(b.el("span").attr("aria-hidden", "true").text("+ "));
        root.add(add.text(&i18n.t(Key::AddMethod)));
    }
    let visible: Vec<&Method> = info
        .methods
        .iter()
        .filter(|m| config.shows(m.method_type))
        .collect();
    if visible.is_empty() {
        root.add(
            b.el("p")
                .attr("class", "si-empty")
                .attr("data-testid", testids::EMPTY)
                .text(&i18n.t(Key::Empty)),
        );
    } else {
        let list = b
            .el("ul")
            .attr("class", "si-methods")
            .attr("aria-label", &i18n.t(Key::Methods));
        for method in visible {
            list.add(b.row(config, i18n, method));
        }
        root.add(list);
    }
    Some(root.0)
}

/// "This part of the page couldn't be loaded" with "Try again" (the page's chunk failed
/// to load), as `chunk::lazy` shows it for a dialog; and that button.
pub fn chunk_failed(i18n: &I18n<FirstPaint>) -> Option<(Element, HtmlElement)> {
    let b = Builder(web_sys::window()?.document()?);
    let problem = b
        .el("div")
        .attr("class", "si-problem")
        .attr("role", "alert")
        .attr("data-testid", testids::CHUNK_ERROR);
    problem.add(b.el("p").text(&i18n.t(Key::ChunkFailed)));
    let retry = b
        .el("button")
        .attr("class", "si-button si-primary")
        .attr("type", "button")
        .attr("data-testid", testids::CHUNK_RETRY)
        .text(&i18n.t(Key::Retry));
    let _ = problem.0.append_with_node_1(&retry.0);
    Some((problem.0, retry.0.dyn_into().ok()?))
}

/// Creates elements and text on one document.
struct Builder(Document);

/// An element being built; setting attributes of names the builder itself passes
/// cannot fail, so their results are ignored.
struct El(Element);

impl El {
    fn attr(self, name: &str, value: &str) -> Self {
        self.attr_ref(name, value);
        self
    }
    fn attr_ref(&self, name: &str, value: &str) {
        let _ = self.0.set_attribute(name, value);
    }
    fn text(self, text: &str) -> Self {
        let _ = self.0.append_with_str_1(text);
        self
    }
    fn add(&self, child: El) {
        let _ = self.0.append_with_node_1(&child.0);
    }
}

impl Builder {
    fn el(&self, tag: &str) -> El {
        // `createElement` fails only for invalid names; these are literals.
        El(self.0.create_element(tag).expect_throw("valid tag"))
    }

    fn button(&self, class: &str, testid: &str, label: &str, text: &str) -> El {
        // Leptos sets `class` first: the same attribute order.
        self.el("button")
            .attr("class", class)
            .attr("type", "button")
            .attr("data-testid", testid)
            .attr("aria-label", label)
            .text(text)
    }

    /// A sentence around a user-provided value, as [`Named::view`] renders it.
    fn named(&self, into: &El, named: Named) {
        let _ = into.0.append_with_str_1(&named.before);
        if !named.name.is_empty() {
            into.add(self.el("bdi").text(&named.name));
        }
        let _ = into.0.append_with_str_1(&named.after);
    }

    fn default_line(&self, config: &Config, i18n: &I18n<FirstPaint>, info: Listed) -> El {
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

    fn row(&self, config: &Config, i18n: &I18n<FirstPaint>, method: &Method) -> El {
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
