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

mod dom;
mod rows;

use crate::config::Config;
use crate::context::unique_id;
use crate::i18n::{FirstPaint, I18n, Key};
use crate::testids;
use dom::Builder;
pub use rows::{icon_path, last_use, type_label};
use security_info_core::api::{DefaultMethod, Method, SecurityInfo as Info};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

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
