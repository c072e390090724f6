//! The JavaScript embedding: `mount(element, options) → handle` for any page.
//!
//! The ES module wrapper (`www/pkg/security-info.js`) loads the wasm, calls [`mount`] and
//! defines the `<security-info>` custom element on top of it. Options are validated
//! here ([`options`]) so a host gets a clear exception instead of a panic in the console.
//!
//! `mount` paints the page without Leptos first ([`crate::first_paint`]): "Loading…" at
//! once, the list as soon as the wrapper's early answer is in. The Leptos page is the
//! chunk `page` in the split build, fetched from the start; it takes over with that
//! answer (no second request) and replaces the first paint in the same task. A control
//! that had focus keeps it, and a click on one before the take-over is passed on.

mod controls;
mod hooks;
mod options;

use crate::SecurityInfo;
use crate::chunk::ChunkError;
use crate::config::Config;
use crate::first_paint::{self, Listed};
use crate::i18n::{FirstPaint, I18n};
use crate::json;
use controls::{ClickRecorder, Control};
pub use hooks::HostFunctions;
use js_sys::Promise;
pub use options::{OPTION_NAMES, parse_options};
use security_info_core::api::{DefaultMethod, Method};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

/// A mounted component; `unmount()` removes it and its listeners.
#[wasm_bindgen]
pub struct MountHandle {
    mounted: Rc<Mounted>,
}

#[wasm_bindgen]
impl MountHandle {
    /// Removes the component from the page. Calling it twice does nothing.
    pub fn unmount(&mut self) {
        self.mounted.gone.set(true);
        if let Some(first) = self.mounted.first.take() {
            first.remove();
        }
        self.mounted.page.take();
    }
}

/// What `mount` put on the page: the first paint until the page takes over, then the
/// page's unmount handle (type-erased, so its code stays in the page's chunk).
#[derive(Default)]
struct Mounted {
    first: RefCell<Option<Element>>,
    page: RefCell<Option<Box<dyn Any>>>,
    /// A control of the first paint that was clicked (see [`Control`]).
    clicked: RefCell<Option<Control>>,
    gone: Cell<bool>,
}

impl Mounted {
    /// Puts `section` in place of the first paint shown so far (or into `element`).
    /// Nothing once unmounted (the answer may come in after `unmount()`).
    fn show(&self, element: &HtmlElement, section: Option<Element>) {
        let Some(section) = section.filter(|_| !self.gone.get()) else {
            return;
        };
        match self.first.replace(Some(section.clone())) {
            Some(old) => {
                let _ = old.replace_with_with_node_1(&section);
            }
            None => {
                let _ = element.append_with_node_1(&section);
            }
        }
    }
}

/// Renders the Security info page into `element` (light DOM) with the given options.
/// Throws a `TypeError` naming the problem when the element or an option is invalid.
/// `first_answer`, when a Promise, is the first security-info request already sent by the
/// package's wrapper ([`crate::config::Config::first_answer`]).
#[wasm_bindgen]
pub fn mount(
    element: JsValue,
    options: JsValue,
    first_answer: JsValue,
) -> Result<MountHandle, JsValue> {
    let element: HtmlElement = element
        .dyn_into()
        .map_err(|_| type_error("mount(element, options): element must be an HTMLElement"))?;
    let (config, functions) =
        parse_options(&options).map_err(|e| type_error(&format!("security-info: {e}")))?;
    let i18n = config.i18n().first_paint();
    let mounted = Rc::new(Mounted::default());
    mounted.show(&element, first_paint::page(&config, &i18n, None));
    let first_answer = first_answer.dyn_into::<Promise>().ok();
    wasm_bindgen_futures::spawn_local(take_over(
        element,
        (config, functions),
        i18n,
        first_answer,
        mounted.clone(),
    ));
    Ok(MountHandle { mounted })
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Paints the list from the early answer, then mounts the page (fetching its chunk, and
/// offering "Try again" while that fails) and hands over to it.
async fn take_over(
    element: HtmlElement,
    (mut config, functions): (Config, HostFunctions),
    i18n: I18n<FirstPaint>,
    first_answer: Option<Promise>,
    mounted: Rc<Mounted>,
) {
    // The page's chunk downloads while the answer is awaited (a no-op unsplit).
    wasm_bindgen_futures::spawn_local(async {
        let _ = page::preload().await;
    });
    let _clicks = ClickRecorder::new(&element, &mounted);
    // The page decodes the whole answer; the first paint only the list and the default.
    let mut answer = None;
    if let Some(promise) = first_answer {
        let listed = crate::client::first_success(promise.clone())
            .await
            .and_then(|value| {
                let methods = json::field::<Vec<Method>>(&value, "methods").ok()?;
                let default = json::field::<Option<DefaultMethod>>(&value, "defaultMethod").ok()?;
                Some((value, methods, default))
            });
        if let Some((value, methods, default)) = listed {
            let listed = Listed {
                methods: &methods,
                default_method: default.as_ref(),
            };
            mounted.show(&element, first_paint::page(&config, &i18n, Some(listed)));
            first_paint::mark_list_visible();
            answer = Some(value);
            // Let the browser paint it before the page, whose chunk may be in already,
            // takes the main thread for its mount.
            after_next_paint().await;
        }
        // The page reads the early answer itself unless it can use the first paint's:
        // after a refusal or a failure (it shows it, or sends its own request), or when
        // the rest of the answer is malformed.
        config.first_answer = Some(promise);
    }
    // The config goes to the page once its chunk is in; a failed fetch leaves it here.
    let slot = Rc::new(Cell::new(Some((config, functions))));
    loop {
        if mounted.gone.get() {
            return;
        }
        match page::take_over(element.clone(), slot.clone(), answer.clone()).await {
            Ok(page) => {
                hand_over(&mounted, page);
                return;
            }
            Err(ChunkError) => {
                let Some(first) = mounted.first.borrow().clone() else {
                    return;
                };
                let Some((problem, retry)) = first_paint::chunk_failed(&i18n) else {
                    return;
                };
                let _ = first.append_with_node_1(&problem);
                let clicked = Promise::new(&mut |resolve, _| retry.set_onclick(Some(&resolve)));
                let _ = wasm_bindgen_futures::JsFuture::from(clicked).await;
                problem.remove();
            }
        }
    }
}

/// Resolves once the browser has painted the next frame (the task after that frame's
/// animation callbacks).
async fn after_next_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame = Promise::new(&mut |resolve, _| {
        let after = Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(resolve.unchecked_ref());
            }
        });
        let _ = window.request_animation_frame(after.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
}

/// Replaces the first paint with the page that was just mounted after it, in one task
/// (nothing in between is painted), and moves focus and a pending click across.
fn hand_over(mounted: &Mounted, page: Box<dyn Any>) {
    if mounted.gone.get() {
        return;
    }
    mounted.page.replace(Some(page));
    let Some(first) = mounted.first.take() else {
        return;
    };
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|active| Control::of(&first, &active));
    let clicked = mounted.clicked.take();
    let next = first.next_element_sibling();
    first.remove();
    let Some(next) = next else { return };
    if let Some(control) = focused.and_then(|c| c.find(&next)) {
        let _ = control.focus();
    }
    if let Some(control) = clicked.and_then(|c| c.find(&next)) {
        control.click();
    }
}

/// The Leptos page, in a chunk of its own in the split build.
mod page {
    use super::*;
    use crate::json::FromJson;
    use leptos::prelude::*;
    use security_info_core::api::SecurityInfo as Info;

    /// The config and the host's functions in `slot` (taken only once the chunk is in),
    /// and the early answer's JSON when the first paint showed it.
    type Slot = Rc<Cell<Option<(Config, HostFunctions)>>>;

    #[cfg(feature = "split")]
    #[wasm_split_helpers::wasm_split(page, fallible, preload(load))]
    pub(super) fn take_over(
        element: HtmlElement,
        slot: Slot,
        answer: Option<JsValue>,
    ) -> Result<Box<dyn Any>, ChunkError> {
        Ok(mount_page(element, slot, answer))
    }
    #[cfg(not(feature = "split"))]
    pub(super) async fn take_over(
        element: HtmlElement,
        slot: Slot,
        answer: Option<JsValue>,
    ) -> Result<Box<dyn Any>, ChunkError> {
        Ok(mount_page(element, slot, answer))
    }

    /// Fetches the chunk.
    pub(super) async fn preload() -> Result<(), ChunkError> {
        #[cfg(feature = "split")]
        return load().await.map_err(ChunkError::from);
        #[cfg(not(feature = "split"))]
        Ok(())
    }

    /// Appends the page to `element` (after the first paint, which the caller removes),
    /// starting from the answer the first paint showed (no request; `onLoad` fires then).
    fn mount_page(element: HtmlElement, slot: Slot, answer: Option<JsValue>) -> Box<dyn Any> {
        let (mut config, functions) = slot.take().unwrap_or_default();
        functions.install(&mut config, &element);
        if let Some(info) = answer.and_then(|a| Info::from_json(&a).ok()) {
            // The early answer is used up: later reads ask the server.
            config.first_answer = None;
            config.first_info = Some(info);
        }
        Box::new(leptos::mount::mount_to(element, move || {
            view! { <SecurityInfo config=config.clone() /> }.into_any()
        }))
    }
}
