//! The JS options object → [`Config`]: unknown names and wrong types are refused with
//! a message naming them; the host's functions are only checked here ([`HostFunctions`]).

use super::HostFunctions;
use crate::config::{Auth, Config, MethodOptions, Theme};
use crate::json::{self, FromJson};
use js_sys::{Function, Object};
use security_info_core::methods::MethodType;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

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
