//! Security key ceremonies in the browser: the server's options go through
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`,
//! the result back through `credential.toJSON()` — the browser converts the base64url
//! fields, so the bundle carries no WebAuthn types or base64 code. What a failure means
//! is decided in `security_info_core::screens::security_key`.

use crate::client::{Call, KeyCeremony};
use crate::context::Ctx;
use crate::error::ClientError;
use crate::i18n::{I18n, Key};
use js_sys::{Function, Object, Promise, Reflect};
use security_info_core::screens::security_key::KeyFailure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn prop(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn method(target: &JsValue, name: &str) -> Option<Function> {
    prop(target, name).dyn_into::<Function>().ok()
}

/// Does this browser run WebAuthn (with its JSON methods)?
pub fn supported() -> bool {
    let pkc = prop(&leptos::prelude::window(), "PublicKeyCredential");
    method(&pkc, "parseCreationOptionsFromJSON").is_some()
        && method(&pkc, "parseRequestOptionsFromJSON").is_some()
}

/// `navigator.credentials.create` (registration) or `.get` with the server's options;
/// answers the credential as JSON.
async fn browser(register: bool, options: &JsValue) -> Result<JsValue, KeyFailure> {
    let window = leptos::prelude::window();
    let pkc = prop(&window, "PublicKeyCredential");
    let (parse, call) = if register {
        ("parseCreationOptionsFromJSON", "create")
    } else {
        ("parseRequestOptionsFromJSON", "get")
    };
    let parse = method(&pkc, parse).ok_or(KeyFailure::Unsupported)?;
    let credentials = prop(&window.navigator(), "credentials");
    let call = method(&credentials, call).ok_or(KeyFailure::Unsupported)?;
    let public_key = parse
        .call1(&pkc, options)
        .map_err(|_| KeyFailure::Rejected)?;
    let init = Object::new();
    let _ = Reflect::set(&init, &"publicKey".into(), &public_key);
    let timeout = prop(options, "timeout").as_f64().unwrap_or(0.0);
    let started = js_sys::Date::now();
    let promise: Promise = call
        .call1(&credentials, &init)
        .map_err(|_| KeyFailure::Rejected)?
        .unchecked_into();
    match JsFuture::from(promise).await {
        Ok(credential) => method(&credential, "toJSON")
            .and_then(|to_json| to_json.call0(&credential).ok())
            .ok_or(KeyFailure::Unsupported),
        Err(e) => {
            let name = prop(&e, "name").as_string().unwrap_or_default();
            Err(KeyFailure::from_browser(
                &name,
                js_sys::Date::now() - started,
                timeout,
            ))
        }
    }
}

/// The sentence for a failure.
pub fn failure_message(i18n: &I18n, failure: KeyFailure) -> String {
    i18n.t(match failure {
        KeyFailure::Unsupported => Key::KeyUnsupported,
        KeyFailure::Cancelled => Key::KeyCancelled,
        KeyFailure::TimedOut => Key::KeyTimedOut,
        KeyFailure::AlreadyRegistered => Key::KeyAlreadyRegistered,
        KeyFailure::WrongOrigin => Key::KeyWrongOrigin,
        KeyFailure::NoUserVerification => Key::KeyNoPin,
        KeyFailure::Cloned => Key::KeyCloned,
        KeyFailure::Rejected => Key::KeyRejected,
    })
}

/// A failed request's sentence: the key's own when the server refused the key, else the
/// general one (reported to the host).
fn request_failed(ctx: &Ctx, error: &ClientError) -> String {
    match error {
        ClientError::Problem(p) => match KeyFailure::from_problem(p) {
            Some(failure) => failure_message(&ctx.i18n, failure),
            None => ctx.fail(error),
        },
        ClientError::Cancelled => ctx.i18n.t(Key::KeyCancelled),
        other => ctx.fail(other),
    }
}

/// One whole ceremony: start (a registration steps up first when the server asks),
/// the browser, finish. Answers the finish's JSON, or the sentence to show.
pub async fn run(ctx: &Ctx, ceremony: KeyCeremony) -> Result<JsValue, String> {
    if !supported() {
        return Err(failure_message(&ctx.i18n, KeyFailure::Unsupported));
    }
    let start = Call::key_start(ceremony);
    let started = if ceremony == KeyCeremony::Register {
        ctx.with_step_up(&start).await
    } else {
        ctx.client().send(&start).await
    };
    let started = started.map_err(|e| request_failed(ctx, &e))?;
    let id = prop(&started, "ceremonyId").as_string().unwrap_or_default();
    let credential = browser(
        ceremony == KeyCeremony::Register,
        &prop(&started, "publicKey"),
    )
    .await
    .map_err(|f| failure_message(&ctx.i18n, f))?;
    ctx.client()
        .send(&Call::key_finish(ceremony, &id, &credential))
        .await
        .map_err(|e| request_failed(ctx, &e))
}
