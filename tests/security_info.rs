//! Browser tests of the Security info page against the real reference server.
//!
//! `scripts/test.sh` starts the server in demo mode, allows this test page's origin
//! through CORS, and passes the API base URL at compile time in `SECURITY_INFO_TEST_API`.
//! Every test acts as a fresh user with a bearer token it signs itself with the server's
//! `--jwt-secret` (also passed at compile time, in `SECURITY_INFO_TEST_JWT_SECRET`), and
//! reads TOTP codes the way a person would: from the secret under "Can't scan image?".
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use leptos::prelude::*;
use security_info::config::{Auth, Config, HostFuture};
use security_info::i18n::Key;
use security_info::{Client, testids};
use security_info_core::Secret;
use security_info_core::api::{Method, VerifyRequest};
use security_info_core::methods::{MethodType, limit_reached_message};
use security_info_core::totp::{TotpParams, Verification, Window};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const API: &str = match option_env!("SECURITY_INFO_TEST_API") {
    Some(url) => url,
    None => "http://127.0.0.1:41234/api",
};

/// The test server's `--jwt-secret`: the tests sign their own bearer tokens, as a portal
/// would (the server mints tokens for nobody).
const JWT_SECRET: &str = match option_env!("SECURITY_INFO_TEST_JWT_SECRET") {
    Some(secret) => secret,
    None => "security-info-browser-tests-secret-0123456789",
};

/// An HS256 JWT for `sub` with the test contract's issuer and audience, valid for an hour.
fn signed_token(sub: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let claims = serde_json::json!({
        "sub": sub,
        "exp": now() + 3600,
        "iss": "security-info-tests",
        "aud": "security-info",
    });
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    );
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(JWT_SECRET.as_bytes()).expect("HMAC takes any key");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

// ---------------------------------------------------------------- harness

/// A fresh user: a bearer token for a new subject, and a counter of the requests the
/// component makes (it asks the host for the token before each one).
struct User {
    token: String,
    requests: Rc<Cell<u32>>,
}

impl User {
    fn fresh() -> Self {
        let sub = format!("wbt-{}", (js_sys::Math::random() * 1e12) as u64);
        Self {
            token: signed_token(&sub),
            requests: Rc::new(Cell::new(0)),
        }
    }

    fn config(&self) -> Config {
        let token = self.token.clone();
        let requests = self.requests.clone();
        Config {
            base_url: API.to_owned(),
            auth: Auth::Bearer(Rc::new(move || -> HostFuture<Option<String>> {
                requests.set(requests.get() + 1);
                let token = token.clone();
                Box::pin(async move { Some(token) })
            })),
            locale: Some("en".to_owned()),
            ..Config::default()
        }
    }

    /// A client that talks to the server directly, for setting up and checking state.
    fn api(&self) -> Client {
        let token = self.token.clone();
        Client::new(&Config {
            base_url: API.to_owned(),
            auth: Auth::Bearer(Rc::new(move || -> HostFuture<Option<String>> {
                let token = token.clone();
                Box::pin(async move { Some(token) })
            })),
            ..Config::default()
        })
    }

    /// Registers an authenticator through the API; returns it with its secret.
    async fn enrol(&self) -> (Method, Secret) {
        let api = self.api();
        let start = api.totp_start().await.expect("start enrolment");
        let secret = Secret::generate().expect("secret");
        let code = TotpParams::default().code_at(secret.as_bytes(), start.server_time as u64);
        let method = api
            .totp_finish(&security_info_core::api::TotpFinishRequest {
                enrollment_id: start.enrollment_id,
                secret: secret.to_base32(),
                code,
                name: None,
            })
            .await
            .expect("finish enrolment");
        (method, secret)
    }

    /// A fresh step-up with a code of the next time step (the current one may be used).
    async fn step_up(&self, method: &Method, secret: &Secret) {
        let api = self.api();
        let now = api.security_info().await.expect("info").server_time as u64;
        let code = TotpParams::default().code_at(secret.as_bytes(), now + 30);
        api.step_up(&VerifyRequest {
            method_id: method.id.clone(),
            code,
        })
        .await
        .expect("step-up");
    }

    async fn methods(&self) -> Vec<Method> {
        self.api().security_info().await.expect("info").methods
    }
}

// ---------------------------------------------------------------- tests

#[wasm_bindgen_test]
async fn list_renders_the_servers_methods() {
    let user = User::fresh();
    let (first, secret) = user.enrol().await;
    user.step_up(&first, &secret).await;
    let (second, _) = user.enrol().await;
    let (root, _handle) = mount(user.config());

    let rows = wait_rows(&root, 2).await;
    let ids: Vec<_> = rows
        .iter()
        .filter_map(|r| r.get_attribute("data-method-id"))
        .collect();
    assert_eq!(ids, vec![first.id.clone(), second.id.clone()]);
    assert!(
        rows.iter()
            .all(|r| r.get_attribute("data-method-type").as_deref() == Some("totp"))
    );
    assert!(text(&rows[0]).contains(&first.name));
    let default = find(&root, testids::DEFAULT_METHOD).unwrap();
    assert!(
        text(&default)
            .starts_with("Default sign-in method: Authenticator app or hardware token – code"),
        "{}",
        text(&default)
    );
    assert_eq!(
        text(
            &find(&root, testids::SECURITY_INFO)
                .unwrap()
                .query_selector("h2")
                .unwrap()
                .unwrap()
        ),
        "Security info"
    );
    assert!(find(&root, testids::DELETE_METHOD).is_some());
}

#[wasm_bindgen_test]
async fn empty_state_and_full_totp_enrolment() {
    let user = User::fresh();
    let (root, _handle) = mount(user.config());
    let empty = wait_testid(&root, testids::EMPTY).await;
    assert!(!text(&empty).is_empty());

    let (wizard, secret) = wizard_to_code_step(&root).await;
    let step = find(&wizard, testids::WIZARD_STEP).unwrap();
    assert!(text(&step).starts_with("Step 4 of 4"), "{}", text(&step));
    let code = TotpParams::default().code_at(secret.as_bytes(), now());
    // Pasted with a space in the middle, as apps show it.
    type_into(
        &find(&wizard, testids::CODE_INPUT).unwrap(),
        &format!("{} {}", &code[..3], &code[3..]),
    );
    find(&wizard, testids::CODE_SUBMIT).unwrap().click();
    wait_testid(&wizard, testids::WIZARD_DONE).await.click();

    let rows = wait_rows(&root, 1).await;
    assert_eq!(
        rows[0].get_attribute("data-method-type").as_deref(),
        Some("totp")
    );
    let default = text(&find(&root, testids::DEFAULT_METHOD).unwrap());
    assert!(
        default.contains("Authenticator app or hardware token – code"),
        "{default}"
    );
    assert_eq!(user.methods().await.len(), 1);
}

#[wasm_bindgen_test]
async fn wrong_code_shows_error_and_sends_nothing() {
    let user = User::fresh();
    let (root, _handle) = mount(user.config());
    let (wizard, secret) = wizard_to_code_step(&root).await;
    let sent = user.requests.get();

    // A code that matches no step near now, not even as clock drift.
    let wrong = (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| {
            TotpParams::default().verify(secret.as_bytes(), c, now(), Window::default())
                == Ok(Verification::Invalid)
        })
        .unwrap();
    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), &wrong);
    find(&wizard, testids::CODE_SUBMIT).unwrap().click();
    assert_eq!(wait_error(&wizard).await, en().t(Key::CodeWrong));

    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), "12");
    find(&wizard, testids::CODE_SUBMIT).unwrap().click();
    sleep(200).await;
    assert_eq!(
        text(&find(&wizard, testids::ERROR).unwrap()),
        "Enter the 6-digit code from your app."
    );
    assert_eq!(
        user.requests.get(),
        sent,
        "no request for a code that fails locally"
    );
    assert!(user.methods().await.is_empty());
}

#[wasm_bindgen_test]
async fn drift_code_shows_clock_hint() {
    let user = User::fresh();
    let (root, _handle) = mount(user.config());
    let (wizard, secret) = wizard_to_code_step(&root).await;
    let sent = user.requests.get();

    // What a phone whose clock is three minutes slow shows.
    let code = TotpParams::default().code_at(secret.as_bytes(), now() - 180);
    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), &code);
    find(&wizard, testids::CODE_SUBMIT).unwrap().click();
    let message = wait_error(&wizard).await;
    assert_eq!(message, en().t(Key::ClockHint));
    assert!(message.contains("clock on your phone"));
    assert_eq!(user.requests.get(), sent);
}

#[wasm_bindgen_test]
async fn sixth_authenticator_shows_the_exact_limit_message() {
    let user = User::fresh();
    let (first, secret) = user.enrol().await;
    user.step_up(&first, &secret).await;
    for _ in 0..4 {
        user.enrol().await;
    }
    let (root, _handle) = mount(user.config());
    wait_rows(&root, 5).await;
    let sent = user.requests.get();

    find(&root, testids::ADD_METHOD).unwrap().click();
    let dialog = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    find(&dialog, testids::ADD_CONFIRM).unwrap().click();
    assert_eq!(
        wait_error(&dialog).await,
        limit_reached_message("Microsoft Authenticator", 5)
    );
    assert_eq!(
        wait_error(&dialog).await,
        "You can't set up Microsoft Authenticator because you already have five authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens."
    );
    sleep(100).await;
    assert!(
        find(&root, testids::WIZARD).is_none(),
        "no wizard, no secret"
    );
    assert_eq!(user.requests.get(), sent);
}

#[wasm_bindgen_test]
async fn change_default() {
    let user = User::fresh();
    let (first, secret) = user.enrol().await;
    user.step_up(&first, &secret).await;
    let (second, _) = user.enrol().await;
    let (root, _handle) = mount(user.config());
    wait_rows(&root, 2).await;

    find(&root, testids::CHANGE_DEFAULT).unwrap().click();
    let dialog = wait_testid(&root, testids::DEFAULT_DIALOG).await;
    let select = find(&dialog, testids::DEFAULT_SELECT).unwrap();
    assert_eq!(select.query_selector_all("option").unwrap().length(), 2);
    choose(&select, "1");
    find(&dialog, testids::DEFAULT_CONFIRM).unwrap().click();
    wait_for("the dialog to close", || {
        find(&root, testids::DEFAULT_DIALOG).is_none().then_some(())
    })
    .await;
    let notice = wait_for("the notice", || {
        Some(text(&find(&root, testids::NOTICE)?)).filter(|t| !t.is_empty())
    })
    .await;
    assert!(
        notice.starts_with("Your default sign-in method is now"),
        "{notice}"
    );
    let info = user.api().security_info().await.unwrap();
    assert_eq!(info.default_method.map(|d| d.method_id), Some(second.id));
}

#[wasm_bindgen_test]
async fn delete_with_confirm_and_default_fallback() {
    let user = User::fresh();
    let (first, secret) = user.enrol().await;
    user.step_up(&first, &secret).await;
    let (second, _) = user.enrol().await;
    let (root, _handle) = mount(user.config());
    let rows = wait_rows(&root, 2).await;

    find(&rows[0], testids::DELETE_METHOD).unwrap().click();
    let dialog = wait_testid(&root, testids::CONFIRM_DIALOG).await;
    let body = text(&dialog);
    assert!(body.contains("Are you sure you would like to delete this method?"));
    assert!(body.contains("can't be undone"));
    assert!(body.contains("remove the account from the app"));
    find(&dialog, testids::CONFIRM_YES).unwrap().click();

    let rows = wait_rows(&root, 1).await;
    assert_eq!(
        rows[0].get_attribute("data-method-id"),
        Some(second.id.clone())
    );
    let notice = text(&find(&root, testids::NOTICE).unwrap());
    assert!(
        notice.contains("Also remove the account from the app on your phone."),
        "{notice}"
    );
    let info = user.api().security_info().await.unwrap();
    assert_eq!(info.default_method.map(|d| d.method_id), Some(second.id));
    assert!(text(&find(&root, testids::DEFAULT_METHOD).unwrap()).contains("– code"));
}

#[wasm_bindgen_test]
async fn step_up_dialog_appears_and_the_change_completes() {
    let user = User::fresh();
    let (method, secret) = user.enrol().await;
    // Enrolling does not count as a step-up: deleting needs a fresh verification.
    let (root, _handle) = mount(user.config());
    let rows = wait_rows(&root, 1).await;

    find(&rows[0], testids::DELETE_METHOD).unwrap().click();
    let confirm = wait_testid(&root, testids::CONFIRM_DIALOG).await;
    find(&confirm, testids::CONFIRM_YES).unwrap().click();

    let verify = wait_testid(&root, testids::VERIFY_DIALOG).await;
    assert_eq!(verify.get_attribute("role").as_deref(), Some("dialog"));
    let code = TotpParams::default().code_at(secret.as_bytes(), now() + 30);
    type_into(&wait_testid(&verify, testids::VERIFY_INPUT).await, &code);
    find(&verify, testids::VERIFY_SUBMIT).unwrap().click();

    wait_testid(&root, testids::EMPTY).await;
    assert!(find(&root, testids::VERIFY_DIALOG).is_none());
    assert!(user.methods().await.iter().all(|m| m.id != method.id));
}

#[wasm_bindgen_test]
async fn dutch_locale_renders_dutch() {
    let user = User::fresh();
    let html_lang = document().document_element().unwrap().get_attribute("lang");
    let (root, _handle) = mount(Config {
        locale: Some("nl".to_owned()),
        ..user.config()
    });
    let add = wait_testid(&root, testids::ADD_METHOD).await;
    let page = find(&root, testids::SECURITY_INFO).unwrap();
    assert_eq!(page.get_attribute("lang").as_deref(), Some("nl"));
    assert_eq!(
        text(&page.query_selector("h2").unwrap().unwrap()),
        "Beveiligingsgegevens"
    );
    assert!(text(&add).contains("Aanmeldingsmethode toevoegen"));
    assert!(text(&find(&root, testids::EMPTY).unwrap()).starts_with("U hebt nog geen"));
    assert_eq!(
        document().document_element().unwrap().get_attribute("lang"),
        html_lang,
        "the host's <html lang> is left alone"
    );
    add.click();
    let dialog = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    assert!(text(&dialog).contains("Een methode toevoegen"));
    assert!(text(&dialog).contains("staat uw organisatie deze mogelijk niet toe"));
}

#[wasm_bindgen_test]
async fn escape_closes_a_dialog_and_focus_returns() {
    let user = User::fresh();
    let (root, _handle) = mount(user.config());
    let add = wait_testid(&root, testids::ADD_METHOD).await;
    add.focus().unwrap();
    add.click();
    let dialog = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let label_id = dialog.get_attribute("aria-labelledby").expect("labelled");
    assert_eq!(
        text(&document().get_element_by_id(&label_id).unwrap()),
        "Add a method"
    );
    let inside = wait_for("focus inside the dialog", || {
        document()
            .active_element()
            .filter(|a| dialog.contains(Some(a)))
    })
    .await;

    press_escape(&inside);
    wait_for("the dialog to close", || {
        find(&root, testids::ADD_METHOD_DIALOG)
            .is_none()
            .then_some(())
    })
    .await;
    let focused = wait_for("focus back on the opener", || {
        document()
            .active_element()
            .filter(|a| a == add.unchecked_ref::<web_sys::Element>())
    })
    .await;
    assert_eq!(
        focused.get_attribute("data-testid").as_deref(),
        Some(testids::ADD_METHOD)
    );
}

#[wasm_bindgen_test]
async fn double_submit_creates_one_method() {
    let user = User::fresh();
    let (root, _handle) = mount(user.config());
    let (wizard, secret) = wizard_to_code_step(&root).await;
    let code = TotpParams::default().code_at(secret.as_bytes(), now());
    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), &code);
    let submit = find(&wizard, testids::CODE_SUBMIT).unwrap();
    submit.click();
    submit.click();
    fire(&wizard.query_selector("form").unwrap().unwrap(), "submit");
    wait_testid(&wizard, testids::WIZARD_DONE).await;
    sleep(300).await;
    let methods = user.methods().await;
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0].method_type, MethodType::Totp);
    wait_rows(&root, 1).await;
}

#[wasm_bindgen_test]
async fn unreachable_server_shows_error_with_retry() {
    let user = User::fresh();
    let (root, _handle) = mount(Config {
        // Nothing listens on the discard port.
        base_url: "http://127.0.0.1:9/api".to_owned(),
        ..user.config()
    });
    let retry = wait_testid(&root, testids::RETRY).await;
    let message = text(&retry.parent_element().unwrap());
    assert!(
        message.contains("We couldn't load your security info."),
        "{message}"
    );
    assert!(message.contains("couldn't reach the server"), "{message}");
    let before = user.requests.get();
    retry.click();
    wait_for("a second attempt", || {
        (user.requests.get() > before).then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn rename_and_other_app_path() {
    let user = User::fresh();
    let (method, _) = user.enrol().await;
    let (root, _handle) = mount(user.config());
    let rows = wait_rows(&root, 1).await;
    find(&rows[0], testids::RENAME_METHOD).unwrap().click();
    let input = wait_testid(&root, testids::RENAME_INPUT).await;
    type_into(&input, "Work phone");
    find(&root, testids::RENAME_SAVE).unwrap().click();
    wait_for("the new name", || {
        rows_named(&root, "Work phone").then_some(())
    })
    .await;
    let stored = user.methods().await;
    assert_eq!(
        stored
            .iter()
            .find(|m| m.id == method.id)
            .map(|m| m.name.as_str()),
        Some("Work phone")
    );

    // "I want to use a different authenticator app" leads to the generic code path.
    find(&root, testids::ADD_METHOD).unwrap().click();
    let dialog = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    add_authenticator_app(&dialog).await;
    let wizard = wait_testid(&root, testids::WIZARD).await;
    find(&wizard, testids::USE_OTHER_APP).unwrap().click();
    let step = find(&wizard, testids::WIZARD_STEP).unwrap();
    wait_for("the code path", || {
        text(&step).starts_with("Step 1 of 3").then_some(())
    })
    .await;
    assert!(text(&step).contains("Set up your account"));
    // "I want to set up a different method" goes back to the list of methods.
    find(&wizard, testids::USE_OTHER_METHOD).unwrap().click();
    wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    assert!(find(&root, testids::WIZARD).is_none());
}

fn rows_named(root: &Root, name: &str) -> bool {
    rows(root).iter().any(|r| text(r).contains(name))
}
