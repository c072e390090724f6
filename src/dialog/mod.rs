//! The modal frame every dialog uses: `role=dialog`, `aria-modal`, labelled by its
//! heading, focus kept inside while open, Escape closes, focus goes back to the opener.

use crate::context::unique_id;
use crate::i18n::{Key, Named, use_i18n};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// What can take focus inside a dialog, in DOM order.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// A dialog's two-way open state (thaw's `Model<bool>`): a plain `RwSignal<bool>`, or a
/// state derived from something else with a close action that writes back there (the
/// step-up dialog is open while a change waits for it; closing it cancels that change).
/// Dialogs only ever close themselves, so the write side is a close action.
#[derive(Clone, Copy)]
pub struct Open {
    read: Signal<bool>,
    close: Callback<()>,
}

impl Open {
    /// Open while `read` says so; `close` when the person closes the dialog.
    pub fn derived(
        read: impl Fn() -> bool + Send + Sync + 'static,
        close: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        Self {
            read: Signal::derive(read),
            close: Callback::new(move |()| close()),
        }
    }

    pub fn get(&self) -> bool {
        self.read.get()
    }

    pub fn close(&self) {
        self.close.run(());
    }
}

impl From<RwSignal<bool>> for Open {
    fn from(signal: RwSignal<bool>) -> Self {
        Self {
            read: signal.into(),
            close: Callback::new(move |()| signal.set(false)),
        }
    }
}

/// A modal dialog, rendered only while `open` is true. Its content is created afresh on
/// each opening, so a dialog never shows the state of its previous use.
#[component]
pub fn Dialog(
    /// Two-way open state: the dialog sets it to false on Escape or its close button.
    #[prop(into)]
    open: Open,
    /// The heading, which also labels the dialog.
    #[prop(into)]
    title: Signal<Named>,
    /// The dialog's `data-testid`.
    testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            {let children = children.clone(); untrack(move || dialog_frame(open, title, testid, children))}
        </Show>
    }
}

fn dialog_frame(
    open: Open,
    title: Signal<Named>,
    testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = unique_id("dialog-title");
    let panel = NodeRef::<leptos::html::Div>::new();

    // Whatever had focus when the dialog opened gets it back when it closes. If that is
    // gone (the row of a deleted method), the component's root takes focus instead of
    // the document body, so keyboard users stay where they were.
    let opener = document().active_element();
    let root = opener
        .as_ref()
        .and_then(|el| el.closest(".si-root").ok().flatten());
    let return_to = SendWrapper::new([opener, root]);
    on_cleanup(move || {
        if let Some(el) = return_to
            .take()
            .into_iter()
            .flatten()
            .filter(|el| el.is_connected())
            .find_map(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            // Focus can only fail on a detached element, filtered out above.
            let _ = el.focus();
        }
    });

    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let target = panel
                .query_selector("[data-autofocus]")
                .ok()
                .flatten()
                .or_else(|| panel.query_selector(FOCUSABLE).ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            let _ = target.map_or_else(|| panel.focus(), |el| el.focus());
        }
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            open.close();
        }
        "Tab" => {
            if let Some(panel) = panel.get_untracked() {
                trap_tab(&panel, &ev);
            }
        }
        _ => {}
    };

    let close_label = i18n.t(Key::Close);
    let labelled_by = title_id.clone();
    view! {
        <div class="si-overlay">
            <div
                class="si-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                data-testid=testid
                tabindex="-1"
                node_ref=panel
                on:keydown=on_keydown
            >
                <div class="si-dialog-head">
                    <h2 class="si-dialog-title" id=title_id>{move || title.get().view()}</h2>
                    <button
                        type="button"
                        class="si-icon-button"
                        aria-label=close_label
                        on:click=move |_| open.close()
                    >
                        "×"
                    </button>
                </div>
                {children()}
            </div>
        </div>
    }
}

/// Keeps Tab and Shift+Tab cycling inside `panel`.
fn trap_tab(panel: &web_sys::HtmlDivElement, ev: &web_sys::KeyboardEvent) {
    let Ok(nodes) = panel.query_selector_all(FOCUSABLE) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let is = |el: &web_sys::HtmlElement| active.as_ref() == Some(el.unchecked_ref());
    let outside = active
        .as_ref()
        .is_none_or(|a| !panel.contains(Some(a.unchecked_ref())));
    if ev.shift_key() && (is(first) || outside || active.as_ref() == Some(panel.unchecked_ref())) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
