//! A small element builder for the first paint: plain DOM calls (no Leptos), attributes
//! in the order Leptos writes them.

use crate::i18n::Named;
use wasm_bindgen::UnwrapThrowExt;
use web_sys::{Document, Element};

/// Creates elements and text on one document.
pub(super) struct Builder(pub(super) Document);

/// An element being built; setting attributes of names the builder itself passes
/// cannot fail, so their results are ignored.
pub(super) struct El(pub(super) Element);

impl El {
    pub(super) fn attr(self, name: &str, value: &str) -> Self {
        self.attr_ref(name, value);
        self
    }
    pub(super) fn attr_ref(&self, name: &str, value: &str) {
        let _ = self.0.set_attribute(name, value);
    }
    pub(super) fn text(self, text: &str) -> Self {
        let _ = self.0.append_with_str_1(text);
        self
    }
    pub(super) fn add(&self, child: El) {
        let _ = self.0.append_with_node_1(&child.0);
    }
}

impl Builder {
    pub(super) fn el(&self, tag: &str) -> El {
        // `createElement` fails only for invalid names; these are literals.
        El(self.0.create_element(tag).expect_throw("valid tag"))
    }

    pub(super) fn button(&self, class: &str, testid: &str, label: &str, text: &str) -> El {
        // Leptos sets `class` first: the same attribute order.
        self.el("button")
            .attr("class", class)
            .attr("type", "button")
            .attr("data-testid", testid)
            .attr("aria-label", label)
            .text(text)
    }

    /// A sentence around a user-provided value, as [`Named::view`] renders it.
    pub(super) fn named(&self, into: &El, named: Named) {
        let _ = into.0.append_with_str_1(&named.before);
        if !named.name.is_empty() {
            into.add(self.el("bdi").text(&named.name));
        }
        let _ = into.0.append_with_str_1(&named.after);
    }
}
