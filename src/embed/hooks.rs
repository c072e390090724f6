//! The host's functions among the options (`getToken`, `onLoad`, …): checked by
//! [`parse_options`](super::parse_options) in the first load, wired into the config and
//! the element's DOM events by the page's chunk.

use crate::config::{Action, Auth, Config, HostFuture};
use crate::json::ToJson;
use js_sys::{Function, Object, Promise, Reflect};
use security_info_core::methods::MethodType;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The host's functions among the options, checked but not yet wired: the page's chunk
/// wires them ([`HostFunctions::install`]), so their code stays out of the first load.
#[derive(Default)]
pub struct HostFunctions {
    pub(super) get_token: Option<Function>,
    pub(super) on_load: Option<Function>,
    pub(super) on_add: Option<Function>,
    pub(super) on_delete: Option<Function>,
    pub(super) on_default_change: Option<Function>,
    pub(super) on_error: Option<Function>,
    pub(super) on_before_action: Option<Function>,
}

impl HostFunctions {
    /// Wires the functions into `config` (bearer auth, the hooks) and the
    /// `security-info:*` DOM events on `element`.
    pub fn install(self, config: &mut Config, element: &web_sys::HtmlElement) {
        if let Some(f) = self.get_token {
            config.auth = Auth::Bearer(token_callback(f));
        }
        if let Some(f) = self.on_load {
            config.on_load = Some(Rc::new(move |info| call1(&f, &info.to_json())));
        }
        if let Some(f) = self.on_add {
            config.on_add = Some(Rc::new(move |m| call1(&f, &m.to_json())));
        }
        if let Some(f) = self.on_delete {
            config.on_delete = Some(Rc::new(move |m| call1(&f, &m.to_json())));
        }
        if let Some(f) = self.on_default_change {
            config.on_default_change = Some(Rc::new(move |d| call1(&f, &d.to_json())));
        }
        if let Some(f) = self.on_error {
            config.on_error = Some(Rc::new(move |e| {
                let detail = Object::new();
                let code = e.code().map(|c| c.as_str()).unwrap_or("network");
                let _ = Reflect::set(&detail, &"code".into(), &code.into());
                let _ = Reflect::set(&detail, &"message".into(), &e.to_string().into());
                call1(&f, &detail)
            }));
        }
        if let Some(f) = self.on_before_action {
            config.on_before_action = Some(Rc::new(
                move |action: Action, method: Option<MethodType>| {
                    let method = method.map_or(JsValue::NULL, |m| JsValue::from_str(m.as_str()));
                    let answer = f.call2(&JsValue::NULL, &action.as_str().into(), &method);
                    Box::pin(async move { host_allows(answer).await }) as HostFuture<bool>
                },
            ));
        }
        add_dom_events(config, element);
    }
}

/// `false` (or a promise of `false`) cancels; anything else, or a throwing callback,
/// proceeds — a broken host callback must not lock people out of their settings.
async fn host_allows(answer: Result<JsValue, JsValue>) -> bool {
    let Ok(value) = answer else { return true };
    let value = match value.dyn_into::<Promise>() {
        Ok(promise) => match JsFuture::from(promise).await {
            Ok(v) => v,
            Err(_) => return true,
        },
        Err(value) => value,
    };
    value.as_bool() != Some(false)
}

fn token_callback(f: Function) -> crate::config::GetToken {
    Rc::new(move || {
        let answer = f.call0(&JsValue::NULL);
        Box::pin(async move {
            let value = match answer.ok()?.dyn_into::<Promise>() {
                Ok(promise) => JsFuture::from(promise).await.ok()?,
                Err(value) => value,
            };
            value.as_string().filter(|t| !t.is_empty())
        }) as HostFuture<Option<String>>
    })
}

/// Dispatches `security-info:*` DOM events on the host element, after the host's own
/// callbacks, so pages can listen without passing functions.
fn add_dom_events(config: &mut Config, element: &web_sys::HtmlElement) {
    let emit = {
        let element = element.clone();
        move |name: &str, detail: JsValue| {
            let init = web_sys::CustomEventInit::new();
            init.set_bubbles(true);
            init.set_composed(true);
            init.set_detail(&detail);
            if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
                let _ = element.dispatch_event(&event);
            }
        }
    };
    let previous = config.on_add.take();
    let e = emit.clone();
    config.on_add = Some(Rc::new(move |m| {
        if let Some(p) = &previous {
            p(m);
        }
        e("security-info:method-added", method_detail(&m.to_json()));
    }));
    let previous = config.on_delete.take();
    let e = emit.clone();
    config.on_delete = Some(Rc::new(move |m| {
        if let Some(p) = &previous {
            p(m);
        }
        e("security-info:method-deleted", method_detail(&m.to_json()));
    }));
    let previous = config.on_default_change.take();
    config.on_default_change = Some(Rc::new(move |d| {
        if let Some(p) = &previous {
            p(d);
        }
        let detail = Object::new();
        let _ = Reflect::set(&detail, &"defaultMethod".into(), &d.to_json());
        emit("security-info:default-changed", detail.into());
    }));
}

fn method_detail(method: &JsValue) -> JsValue {
    let detail = Object::new();
    let _ = Reflect::set(&detail, &"method".into(), method);
    detail.into()
}

fn call1(f: &Function, arg: &JsValue) {
    // A throwing host callback is the host's bug; it must not break the component.
    let _ = f.call1(&JsValue::NULL, arg);
}
