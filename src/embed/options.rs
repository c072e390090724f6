//! The JS options object → [`Config`]: unknown names and wrong types are refused with
//! a message naming them, callbacks become the config's hooks.

use crate::config::{Action, Auth, Config, HostFuture, MethodOptions, Theme};
use crate::json::{self, FromJson, ToJson};
use js_sys::{Function, Object, Promise, Reflect};
use security_info_core::methods::MethodType;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Every option a host may pass (camelCase, as declared in www/pkg/security-info.d.ts).
pub const OPTION_NAMES: &[&str] = &[
    "baseUrl",
    "auth",
    "getToken",
    "headers",
    "timeoutMs",
    "locale",
    "messages",
    "locales",
    "methods",
    "readOnly",
    "hideHeader",
    "disableAdd",
    "disableDelete",
    "theme",
    "appUrl",
    "onLoad",
    "onAdd",
    "onDelete",
    "onDefaultChange",
    "onError",
    "onBeforeAction",
];

/// The locales whose texts ship in the library (host locales come through `locales`).
const BUILTIN_LOCALES: &[&str] = &["en", "nl"];

/// The host's functions among the options, checked but not yet wired: the page's chunk
/// wires them ([`HostFunctions::install`]), so their code stays out of the first load.
#[derive(Default)]
pub struct HostFunctions {
    get_token: Option<Function>,
    on_load: Option<Function>,
    on_add: Option<Function>,
    on_delete: Option<Function>,
    on_default_change: Option<Function>,
    on_error: Option<Function>,
    on_before_action: Option<Function>,
}

/// Maps the JS options object onto [`Config`] and the host's functions, refusing unknown
/// names and wrong types.
pub fn parse_options(options: &JsValue) -> Result<(Config, HostFunctions), String> {
    let mut config = Config::default();
    let mut functions = HostFunctions::default();
    let Some(object) =
        Option::<Object>::from_json(options).map_err(|_| "options must be an object".to_owned())?
    else {
        return Ok((config, functions));
    };
    let keys: Vec<String> = Object::keys(&object)
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    if let Some(unknown) = keys.iter().find(|k| !OPTION_NAMES.contains(&k.as_str())) {
        return Err(format!(
            "unknown option {}; known options: {}",
            quoted(unknown),
            OPTION_NAMES.join(", ")
        ));
    }
    // `object` is a plain object, so reading a field of it cannot fail.
    let get = |name: &str| json::get(&object, name).unwrap_or(JsValue::UNDEFINED);

    if let Some(base) = opt::<String>(&get("baseUrl"), "baseUrl")? {
        config.base_url = validate_base_url(&base)?;
    }
    let get_token = opt_function(&get("getToken"), "getToken")?;
    match (opt::<String>(&get("auth"), "auth")?.as_deref(), get_token) {
        (None | Some("cookies"), None) => config.auth = Auth::Cookies,
        (None | Some("bearer"), Some(f)) => functions.get_token = Some(f),
        (Some("bearer"), None) => return Err("auth \"bearer\" needs a getToken function".into()),
        (Some(other), _) => {
            return Err(format!(
                "auth must be \"cookies\" or \"bearer\" (with getToken), not {}",
                quoted(other)
            ));
        }
    }
    if let Some(headers) = opt_string_map(&get("headers"), "headers")? {
        config.headers = headers.into_iter().collect();
    }
    if let Some(ms) = opt::<f64>(&get("timeoutMs"), "timeoutMs")? {
        if !(1.0..=600_000.0).contains(&ms) {
            return Err("timeoutMs must be between 1 and 600000".into());
        }
        config.timeout_ms = ms as u32;
    }
    if let Some(locales) = opt_object(&get("locales"), "locales")? {
        for tag in Object::keys(&locales).iter().filter_map(|k| k.as_string()) {
            let table = json::get(&locales, &tag)?;
            let table = opt_string_map(&table, &format!("locales.{tag}"))?.unwrap_or_default();
            config.locales.insert(tag, table);
        }
    }
    if let Some(locale) = opt::<String>(&get("locale"), "locale")? {
        let primary = locale
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let known = BUILTIN_LOCALES.contains(&primary.as_str())
            || config.locales.contains_key(&locale)
            || config.locales.contains_key(&primary);
        if !known {
            return Err(format!(
                "unknown locale {}: built in are {}; add others with the locales option",
                quoted(&locale),
                BUILTIN_LOCALES.join(", ")
            ));
        }
        config.locale = Some(locale);
    }
    if let Some(messages) = opt_string_map(&get("messages"), "messages")? {
        config.messages = messages;
    }
    if let Some(methods) = opt_object(&get("methods"), "methods")? {
        config.methods = parse_methods(&methods)?;
    }
    for (name, field) in [
        ("readOnly", &mut config.read_only),
        ("hideHeader", &mut config.hide_header),
        ("disableAdd", &mut config.disable_add),
        ("disableDelete", &mut config.disable_delete),
    ] {
        if let Some(value) = opt::<bool>(&get(name), name)? {
            *field = value;
        }
    }
    if let Some(theme) = opt::<String>(&get("theme"), "theme")? {
        config.theme = parse_theme(&theme)?;
    }
    // `null` clears the link; absent keeps the default.
    if let Some(url) = opt::<Option<String>>(&get("appUrl"), "appUrl")? {
        config.app_url = url;
    }

    for (name, slot) in [
        ("onLoad", &mut functions.on_load),
        ("onAdd", &mut functions.on_add),
        ("onDelete", &mut functions.on_delete),
        ("onDefaultChange", &mut functions.on_default_change),
        ("onError", &mut functions.on_error),
        ("onBeforeAction", &mut functions.on_before_action),
    ] {
        *slot = opt_function(&get(name), name)?;
    }
    Ok((config, functions))
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

fn validate_base_url(base: &str) -> Result<String, String> {
    let trimmed = base.trim_end_matches('/');
    let absolute = web_sys::Url::new(base)
        .ok()
        .is_some_and(|u| matches!(u.protocol().as_str(), "http:" | "https:"));
    if absolute || (base.starts_with('/') && !base.starts_with("//")) {
        Ok(trimmed.to_owned())
    } else {
        Err(format!(
            "baseUrl must be a path such as \"/api\" or an http(s) URL, not {}",
            quoted(base)
        ))
    }
}

fn parse_theme(theme: &str) -> Result<Theme, String> {
    match theme {
        "auto" => Ok(Theme::Auto),
        "light" => Ok(Theme::Light),
        "dark" => Ok(Theme::Dark),
        other => Err(format!(
            "theme must be \"auto\", \"light\" or \"dark\", not {}",
            quoted(other)
        )),
    }
}

fn parse_methods(methods: &Object) -> Result<HashMap<MethodType, MethodOptions>, String> {
    let mut out = HashMap::new();
    for name in Object::keys(methods).iter().filter_map(|k| k.as_string()) {
        let method_type = MethodType::parse(&name).ok_or_else(|| {
            let known: Vec<_> = MethodType::ALL.iter().map(|t| t.as_str()).collect();
            format!(
                "methods: unknown method type {}; known: {}",
                quoted(&name),
                known.join(", ")
            )
        })?;
        let entry = json::get(methods, &name)?;
        let mut options = MethodOptions::default();
        if let Some(flag) = entry.as_bool() {
            options.visible = flag;
            options.enabled = flag;
        } else if let Some(obj) = opt_object(&entry, &format!("methods.{name}"))? {
            let field = |f: &str| json::get(&obj, f).unwrap_or(JsValue::UNDEFINED);
            if let Some(v) = opt::<bool>(&field("visible"), &format!("methods.{name}.visible"))? {
                options.visible = v;
            }
            if let Some(v) = opt::<bool>(&field("enabled"), &format!("methods.{name}.enabled"))? {
                options.enabled = v;
            }
        }
        out.insert(method_type, options);
    }
    Ok(out)
}

/// The option `name`: `None` when absent. A value of the wrong type is refused with the
/// text of the TypeError ("… must be a string"), worded by [`FromJson::EXPECTED`] so the
/// REST decoding and the options name each type the same way.
fn opt<T: FromJson>(value: &JsValue, name: &str) -> Result<Option<T>, String> {
    if value.is_undefined() {
        return Ok(None);
    }
    must(value, name).map(Some)
}

fn must<T: FromJson>(value: &JsValue, name: &str) -> Result<T, String> {
    T::from_json(value).map_err(|_| format!("{name} must be {}", T::EXPECTED))
}

/// Callbacks and objects may also be `null` for "none".
fn opt_function(value: &JsValue, name: &str) -> Result<Option<Function>, String> {
    Ok(opt::<Option<Function>>(value, name)?.flatten())
}

fn opt_object(value: &JsValue, name: &str) -> Result<Option<Object>, String> {
    Ok(opt::<Option<Object>>(value, name)?.flatten())
}

fn opt_string_map(value: &JsValue, name: &str) -> Result<Option<HashMap<String, String>>, String> {
    let Some(object) = opt_object(value, name)? else {
        return Ok(None);
    };
    let mut map = HashMap::new();
    for key in Object::keys(&object).iter().filter_map(|k| k.as_string()) {
        let text = must(&json::get(&object, &key)?, &format!("{name}.{key}"))?;
        map.insert(key, text);
    }
    Ok(Some(map))
}

/// `value` in double quotes with JSON escapes, as the message names it (the browser's
/// `JSON.stringify` rather than Rust's `Debug`, whose formatting code the first load
/// would otherwise carry).
fn quoted(value: &str) -> String {
    js_sys::JSON::stringify(&JsValue::from_str(value))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
