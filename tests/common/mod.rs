//! DOM helpers shared by the browser test files: mount the page, find by `data-testid`,
//! wait for something to appear, type, choose and press keys as a person would.
#![allow(dead_code)] // Each test file uses its own subset.

use leptos::prelude::*;
use security_info::i18n::I18n;
use security_info::{Config, SecurityInfo, testids};
use security_info_core::Secret;
use security_info_core::api::{Method, Policy, SecurityInfo as Info, StepUp};
use security_info_core::methods::MethodType;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub type Root = web_sys::HtmlElement;

pub fn fresh_container() -> Root {
    let el: Root = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

pub fn mount(config: Config) -> (Root, impl Drop) {
    let container = fresh_container();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <SecurityInfo config=config.clone() /> }
    });
    (container, handle)
}

pub fn all(root: &web_sys::Element, id: &str) -> Vec<Root> {
    let list = root
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

pub fn find(root: &web_sys::Element, id: &str) -> Option<Root> {
    all(root, id).into_iter().next()
}

pub fn text<E: AsRef<web_sys::Node>>(el: &E) -> String {
    el.as_ref()
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Polls until `probe` finds something (5 s at most).
pub async fn wait_for<T>(what: &str, probe: impl Fn() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(found) = probe() {
            return found;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

pub async fn wait_testid(root: &Root, id: &str) -> Root {
    wait_for(id, || find(root, id)).await
}

/// The dialog's `[error]` once it has text.
pub async fn wait_error(dialog: &Root) -> String {
    wait_for("an error message", || {
        find(dialog, testids::ERROR)
            .map(|e| text(&e))
            .filter(|t| !t.is_empty())
    })
    .await
}

pub fn rows(root: &Root) -> Vec<Root> {
    all(root, testids::METHOD_ROW)
}

pub async fn wait_rows(root: &Root, n: usize) -> Vec<Root> {
    wait_for(&format!("{n} method rows"), || {
        let r = rows(root);
        (r.len() == n && find(root, testids::LOADING).is_none()).then_some(r)
    })
    .await
}

pub fn type_into(input: &Root, value: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(value);
    fire(input, "input");
}

pub fn choose(select: &Root, value: &str) {
    let select: &web_sys::HtmlSelectElement = select.unchecked_ref();
    select.set_value(value);
    fire(select, "change");
}

pub fn fire(target: &web_sys::EventTarget, name: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(name, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

pub fn press_escape(target: &web_sys::EventTarget) {
    press(target, "Escape", false);
}

pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

pub fn en() -> I18n {
    I18n::resolve(&["en".into()], &HashMap::new(), &HashMap::new())
}

/// Sends a keydown of `key` (with Shift when `shift`) to `target`, as the keyboard would.
pub fn press(target: &web_sys::EventTarget, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// "Add" in the add dialog with the type the server offers (only `totp`), then
/// "Authenticator app" for where the codes come from.
pub async fn add_authenticator_app(dialog: &Root) {
    find(dialog, testids::ADD_CONFIRM).expect("Add").click();
    wait_testid(dialog, testids::SOURCE_APP).await.click();
}

/// Add sign-in method → Add → Authenticator app → wizard through to the code step.
/// Returns the wizard and the secret read from "Can't scan image?".
pub async fn wizard_to_code_step(root: &Root) -> (Root, Secret) {
    wait_testid(root, testids::ADD_METHOD).await.click();
    let dialog = wait_testid(root, testids::ADD_METHOD_DIALOG).await;
    add_authenticator_app(&dialog).await;
    let wizard = wait_testid(root, testids::WIZARD).await;
    let step = find(&wizard, testids::WIZARD_STEP).expect("step heading");
    assert!(text(&step).starts_with("Step 1 of 4"), "{}", text(&step));
    assert!(text(&step).contains("Start by getting the app"));
    assert!(find(&wizard, testids::USE_OTHER_APP).is_some());
    assert!(find(&wizard, testids::USE_OTHER_METHOD).is_some());
    find(&wizard, testids::WIZARD_NEXT).unwrap().click();
    wait_for("step 2", || {
        text(&step).contains("Set up your account").then_some(())
    })
    .await;
    find(&wizard, testids::WIZARD_NEXT).unwrap().click();
    let qr = wait_testid(&wizard, testids::QR).await;
    assert!(qr.query_selector("svg").unwrap().is_some());
    assert!(
        find(&wizard, testids::OTPAUTH_LINK)
            .and_then(|a| a.get_attribute("href"))
            .is_some_and(|h| h.starts_with("otpauth://totp/"))
    );
    find(&wizard, testids::CANT_SCAN).unwrap().click();
    let shown = text(&wait_testid(&wizard, testids::MANUAL_SECRET).await);
    assert!(shown.contains(' '), "grouped in fours: {shown}");
    let secret = Secret::from_base32(&shown).expect("the shown secret is Base32");
    find(&wizard, testids::WIZARD_NEXT).unwrap().click();
    wait_testid(&wizard, testids::CODE_INPUT).await;
    (wizard, secret)
}

/// A security-info answer with `methods`, no default, an open policy (every type, five
/// authenticators) and the browser's time as the server's.
pub fn info(methods: Vec<Method>) -> Info {
    Info {
        methods,
        default_method: None,
        policy: Policy {
            allowed_methods: MethodType::ALL.to_vec(),
            max_authenticators: 5,
            allow_delete_last_mfa_method: true,
            step_up_window_secs: 300,
            security_questions_required: 3,
            security_questions: Vec::new(),
            authenticator_name: "Microsoft Authenticator".into(),
        },
        step_up: StepUp {
            required: false,
            fresh_until: None,
        },
        server_time: now() as i64,
        session: None,
    }
}
