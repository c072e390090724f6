//! A control the person used on the first paint, carried over to the page that replaces
//! it: focus, and a click made before the take-over.

use super::Mounted;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

/// A control of the first paint, by its test id and its position among the controls with
/// that id: the page, rendering the same markup, has its counterpart at the same place.
pub(super) struct Control {
    testid: String,
    index: u32,
}

impl Control {
    pub(super) fn of(section: &Element, node: &Element) -> Option<Control> {
        let control = node.closest("button").ok()??;
        if !section.contains(Some(&control)) {
            return None;
        }
        let testid = control.get_attribute("data-testid")?;
        let all = section
            .query_selector_all(&format!("[data-testid=\"{testid}\"]"))
            .ok()?;
        let index = (0..all.length()).find(|&i| all.get(i).is_some_and(|n| n == *control))?;
        Some(Control { testid, index })
    }

    pub(super) fn find(&self, section: &Element) -> Option<HtmlElement> {
        let selector = format!("[data-testid=\"{}\"]", self.testid);
        section
            .query_selector_all(&selector)
            .ok()?
            .get(self.index)?
            .dyn_into()
            .ok()
    }
}

/// Remembers the last control of the first paint that was clicked, until the page takes
/// over: a listener on the host element (the first paint is replaced as the answer
/// comes in), removed when this is dropped.
pub(super) struct ClickRecorder {
    element: HtmlElement,
    listener: Closure<dyn Fn(web_sys::Event)>,
}

impl ClickRecorder {
    pub(super) fn new(element: &HtmlElement, mounted: &Rc<Mounted>) -> Self {
        let weak = Rc::downgrade(mounted);
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(mounted) = weak.upgrade() else {
                return;
            };
            let section = mounted.first.borrow().clone();
            let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
            if let (Some(section), Some(target)) = (section, target) {
                mounted.clicked.replace(Control::of(&section, &target));
            }
        });
        let _ =
            element.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        ClickRecorder {
            element: element.clone(),
            listener,
        }
    }
}

impl Drop for ClickRecorder {
    fn drop(&mut self) {
        let callback = self.listener.as_ref().unchecked_ref();
        let _ = self
            .element
            .remove_event_listener_with_callback("click", callback);
    }
}
