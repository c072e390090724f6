//! Browser tests of the first paint without Leptos (src/first_paint.rs): its markup is
//! the Leptos page's, for every kind of row and option that changes the markup, and the
//! JS `mount` shows the early answer and hands over to the page without a request.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

mod common;

use common::*;
use security_info::config::{Config, MethodOptions, Theme};
use security_info::first_paint;
use security_info::testids;
use security_info_core::api::{DefaultMethod, Method, SecurityInfo as Info};
use security_info_core::methods::{DefaultMode, MethodSource, MethodType, PhoneKind};
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn method(id: &str, t: MethodType, name: &str) -> Method {
    Method {
        id: id.into(),
        method_type: t,
        name: name.into(),
        detail: None,
        phone_kind: None,
        source: None,
        code_digits: None,
        usable_for: t.usable_for().to_vec(),
        default_modes: t.default_modes(None).to_vec(),
        created_at: 1_700_000_000,
        last_used_at: None,
    }
}

/// One method of every type and every row variant: a hardware token, a masked detail,
/// a password-reset-only type, a security key used and one not used yet, and a name
/// with markup and bidi controls in it (text, never markup).
fn every_row() -> Vec<Method> {
    let mut token = method("m2", MethodType::Totp, "Token");
    token.source = Some(MethodSource::Hardware);
    token.detail = Some("GALT••••1234".into());
    let mut phone = method("m3", MethodType::Phone, "Mobile");
    phone.phone_kind = Some(PhoneKind::Mobile);
    phone.detail = Some("+31 6 ••••• 78".into());
    let mut email = method("m4", MethodType::Email, "Email");
    email.detail = Some("j•••••@contoso.nl".into());
    let mut used_key = method("m5", MethodType::SecurityKey, "YubiKey 5");
    used_key.last_used_at = Some(1_750_000_000);
    vec![
        method(
            "m1",
            MethodType::AuthenticatorPush,
            "Pixel <b>8</b> \u{202e}evil",
        ),
        token,
        phone,
        email,
        used_key,
        method("m6", MethodType::SecurityKey, "Spare key"),
        method("m7", MethodType::SecurityQuestions, "Security questions"),
        method("m8", MethodType::Totp, "Authenticator app"),
    ]
}

/// The test answer with `default` as the default method.
fn with_default(methods: Vec<Method>, default: Option<(&str, DefaultMode)>) -> Info {
    Info {
        default_method: default.map(|(id, mode)| DefaultMethod {
            method_id: id.into(),
            mode,
        }),
        ..info(methods)
    }
}

/// The markup as a person's browser would paint it: comments (Leptos's placeholders)
/// left out, the document-unique ids numbered from the same start.
fn painted(node: &web_sys::Element) -> String {
    let html = node.outer_html();
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    let mut ids = out.split("si-title-");
    let mut normal = ids.next().unwrap_or_default().to_owned();
    for part in ids {
        let digits = part.chars().take_while(char::is_ascii_digit).count();
        normal.push_str("si-title-N");
        normal.push_str(&part[digits..]);
    }
    normal
}

/// The first paint and the Leptos page with the answer already in: the same markup.
fn assert_same(case: &str, config: Config, answer: Option<Info>) {
    let i18n = config.i18n();
    let first = first_paint::page(
        &config,
        &i18n.first_paint(),
        answer.as_ref().map(Into::into),
    )
    .expect("a document");
    let mut leptos_config = config;
    leptos_config.first_info = answer.clone();
    if answer.is_none() {
        // No answer yet: the page's request never returns.
        leptos_config.transport = Some(std::rc::Rc::new(|_| Box::pin(std::future::pending())));
    }
    let (container, _handle) = mount(leptos_config);
    let page = find(&container, testids::SECURITY_INFO).expect("the page");
    assert_eq!(painted(&first), painted(&page), "{case}");
}

#[wasm_bindgen_test]
fn the_first_paint_is_the_pages_markup() {
    let en = || Config {
        locale: Some("en".into()),
        ..Config::default()
    };
    let all = with_default(every_row(), Some(("m1", DefaultMode::Notification)));
    assert_same("every row, push default", en(), Some(all.clone()));
    let by_text = with_default(every_row(), Some(("m3", DefaultMode::Text)));
    assert_same("a phone default", en(), Some(by_text));
    assert_same("loading", en(), None);
    assert_same("no methods", en(), Some(info(Vec::new())));
    let reset_only = vec![method("m4", MethodType::Email, "Email")];
    assert_same(
        "no two-step method, no Change",
        en(),
        Some(info(reset_only)),
    );
    let nl = Config {
        locale: Some("nl".into()),
        theme: Theme::Dark,
        ..Config::default()
    };
    assert_same("Dutch, dark", nl, Some(all.clone()));
    let read_only = Config {
        read_only: true,
        hide_header: true,
        ..en()
    };
    assert_same("read-only without header", read_only, Some(all.clone()));
    let limited = Config {
        disable_add: true,
        disable_delete: true,
        methods: HashMap::from([(
            MethodType::Phone,
            MethodOptions {
                visible: false,
                enabled: false,
            },
        )]),
        messages: HashMap::from([("addMethod".into(), "Add a way to sign in".into())]),
        ..en()
    };
    assert_same(
        "no add, no delete, phones hidden, a host text",
        limited,
        Some(all),
    );
}

/// What the npm wrapper's early request resolves to: `{ status, body }`.
fn early_answer(info: &Info) -> JsValue {
    let body = serde_json::to_string(info).expect("json");
    let answer = js_sys::Object::new();
    js_sys::Reflect::set(&answer, &"status".into(), &200.into()).expect("set");
    js_sys::Reflect::set(&answer, &"body".into(), &body.into()).expect("set");
    answer.into()
}

/// An answer that arrives after `unmount()` paints nothing (the custom element unmounts
/// and mounts again when an attribute changes, before the first answer may be in).
#[wasm_bindgen_test]
async fn an_answer_after_unmount_paints_nothing() {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    let container = fresh_container();
    let options = js_sys::Object::new();
    let mut handle =
        security_info::embed::mount(container.clone().into(), options.into(), promise.into())
            .expect("valid options");
    handle.unmount();
    let answer = early_answer(&info(every_row()));
    resolve
        .expect("resolver")
        .call1(&JsValue::NULL, &answer)
        .expect("resolve");
    sleep(100).await;
    assert_eq!(
        container.child_element_count(),
        0,
        "nothing painted after unmount"
    );
}

/// `embed::mount` with the wrapper's early answer: "Loading…" at once, then the list, then
/// the page in its place (one section), `onLoad` once, and no request of its own (the
/// base URL goes nowhere).
#[wasm_bindgen_test]
async fn mount_shows_the_early_answer_and_hands_over_without_a_request() {
    let answer = early_answer(&with_default(
        every_row(),
        Some(("m1", DefaultMode::Notification)),
    ));
    let loads = std::rc::Rc::new(std::cell::Cell::new(0));
    let on_load = {
        let loads = loads.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |_| loads.set(loads.get() + 1))
    };
    let options = js_sys::Object::new();
    js_sys::Reflect::set(
        &options,
        &"baseUrl".into(),
        &"http://127.0.0.1:9/api".into(),
    )
    .expect("set");
    js_sys::Reflect::set(&options, &"locale".into(), &"en".into()).expect("set");
    js_sys::Reflect::set(&options, &"onLoad".into(), on_load.as_ref().unchecked_ref())
        .expect("set");
    let container = fresh_container();
    let promise = js_sys::Promise::resolve(&answer);
    let mut handle =
        security_info::embed::mount(container.clone().into(), options.into(), promise.into())
            .expect("valid options");
    assert!(
        find(&container, testids::LOADING).is_some(),
        "Loading… at once"
    );
    let rows = wait_rows(&container, 8).await;
    assert!(text(&rows[0]).contains("Pixel <b>8</b>"), "names are text");
    sleep(50).await;
    assert_eq!(all(&container, testids::SECURITY_INFO).len(), 1, "one page");
    assert!(
        find(&container, testids::ERROR).is_some_and(|e| text(&e).is_empty()),
        "no request failed"
    );
    assert_eq!(loads.get(), 1, "onLoad once");
    handle.unmount();
    assert_eq!(container.child_element_count(), 0, "unmount removes it");
}
