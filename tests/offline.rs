//! Browser tests of what the UI does on its own, without the reference server: the
//! requests go to an in-page stub through `Config::transport`. Focus trap and return,
//! Escape, every wizard transition (both paths, Back), and the list's failed-request
//! state. The same screens against the real server are in tests/security_info.rs.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

mod common;

use common::*;
use leptos::prelude::*;
use security_info::config::{Answer, Config, Outgoing, Transport};
use security_info::{ClientError, testids};
use security_info_core::api::{
    DefaultMethodResponse, ErrorCode, HardwareTokenRequest, Method, Problem, TotpFinishRequest,
    TotpStartResponse,
};
use security_info_core::methods::{MethodSource, MethodType, limit_reached_message, mask_serial};
use security_info_core::totp::{Algorithm, TotpParams};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// An authenticator app as the server lists it, created now.
fn totp_method(id: String, name: &str) -> Method {
    Method {
        id,
        method_type: MethodType::Totp,
        name: name.into(),
        detail: None,
        phone_kind: None,
        source: None,
        code_digits: None,
        usable_for: MethodType::Totp.usable_for().to_vec(),
        default_modes: MethodType::Totp.default_modes(None).to_vec(),
        created_at: now() as i64,
        last_used_at: None,
    }
}

/// The one hardware token the stub knows, and the code it accepts for it.
const TOKEN_SERIAL: &str = "GALT00001234";
const TOKEN_CODE: &str = "123456";
/// A code the stub treats as from another time step (the token's clock drifted).
const DRIFTED_CODE: &str = "999999";
/// A serial whose activation the stub refuses with the limit (another tab added one).
const LIMIT_SERIAL: &str = "GALT00005555";

/// An in-page stand-in for the server: it keeps the user's methods, answers the
/// requests the page, the wizard and the hardware token dialog make, and records every
/// request.
#[derive(Default)]
struct Stub {
    methods: Vec<Method>,
    /// Answer every request with a network failure.
    offline: bool,
    requests: Vec<String>,
}

impl Stub {
    fn answer(&mut self, request: Outgoing) -> Result<Answer, ClientError> {
        let path = request.url.trim_start_matches("/api").to_owned();
        self.requests.push(format!("{} {path}", request.method));
        if self.offline {
            return Err(ClientError::Network("offline".into()));
        }
        let body = match (request.method.as_str(), path.as_str()) {
            ("GET", "/me/security-info") => serde_json::to_string(&info(self.methods.clone())),
            ("POST", "/me/methods/totp/start") => serde_json::to_string(&TotpStartResponse {
                enrollment_id: "e1".into(),
                issuer: "Contoso".into(),
                account_name: "jan@contoso.nl".into(),
                algorithm: Algorithm::Sha1,
                digits: 6,
                period: 30,
                expires_at: now() as i64 + 600,
                server_time: now() as i64,
            }),
            ("POST", "/me/methods/totp") => {
                let finish: TotpFinishRequest =
                    serde_json::from_str(request.body.as_deref().unwrap_or("")).unwrap();
                assert_eq!(finish.enrollment_id, "e1");
                let method =
                    totp_method(format!("m{}", self.methods.len() + 1), "Authenticator app");
                self.methods.push(method.clone());
                serde_json::to_string(&method)
            }
            ("POST", "/me/methods/hardware-token") => {
                let activate: HardwareTokenRequest =
                    serde_json::from_str(request.body.as_deref().unwrap_or("")).unwrap();
                let refused = if activate.serial == LIMIT_SERIAL {
                    Some(
                        Problem::new(ErrorCode::LimitReached)
                            .with_detail(limit_reached_message("Microsoft Authenticator", 5)),
                    )
                } else if activate.serial != TOKEN_SERIAL {
                    Some(Problem::new(ErrorCode::NotFound))
                } else if activate.code == DRIFTED_CODE {
                    Some(Problem::new(ErrorCode::InvalidCode).with_detail(
                        "this code is from another time: check the clock of the device",
                    ))
                } else if activate.code != TOKEN_CODE {
                    Some(Problem::new(ErrorCode::InvalidCode))
                } else {
                    None
                };
                if let Some(problem) = refused {
                    return Ok(Answer {
                        status: problem.status,
                        body: serde_json::to_string(&problem).unwrap(),
                        retry_after: None,
                    });
                }
                let mut method = totp_method(
                    format!("m{}", self.methods.len() + 1),
                    activate.name.as_deref().unwrap_or("Hardware token"),
                );
                method.source = Some(MethodSource::Hardware);
                method.detail = Some(mask_serial(&activate.serial));
                self.methods.push(method.clone());
                serde_json::to_string(&method)
            }
            ("DELETE", path) if path.starts_with("/me/methods/") => {
                let id = path.trim_start_matches("/me/methods/");
                self.methods.retain(|m| m.id != id);
                serde_json::to_string(&DefaultMethodResponse {
                    default_method: None,
                })
            }
            _ => {
                return Ok(Answer {
                    status: 404,
                    ..Answer::default()
                });
            }
        };
        Ok(Answer {
            status: 200,
            body: body.unwrap(),
            retry_after: None,
        })
    }

    fn count(&self, request: &str) -> usize {
        self.requests.iter().filter(|r| *r == request).count()
    }
}

fn stubbed(stub: &Rc<RefCell<Stub>>) -> Config {
    let stub = stub.clone();
    let transport: Transport = Rc::new(move |request| {
        let answer = stub.borrow_mut().answer(request);
        Box::pin(async move { answer })
    });
    Config {
        transport: Some(transport),
        locale: Some("en".into()),
        ..Config::default()
    }
}

fn step_text(wizard: &Root) -> String {
    text(&find(wizard, testids::WIZARD_STEP).expect("step heading"))
}

async fn wait_step(wizard: &Root, starts: &str) {
    wait_for(starts, || {
        step_text(wizard).starts_with(starts).then_some(())
    })
    .await;
}

fn click(wizard: &Root, id: &str) {
    find(wizard, id)
        .unwrap_or_else(|| panic!("{id} is shown"))
        .click();
}

/// "Add sign-in method" → "Authenticator app or hardware token" → Add → "Authenticator
/// app": the wizard's code path ("Authenticator app", the first type when the policy
/// allows push, opens its push path).
async fn open_wizard(root: &Root) -> Root {
    wait_testid(root, testids::ADD_METHOD).await.click();
    let add = wait_testid(root, testids::ADD_METHOD_DIALOG).await;
    let select = find(&add, testids::METHOD_SELECT).expect("type select");
    let totp = select
        .query_selector(r#"option[data-method-type="totp"]"#)
        .unwrap()
        .and_then(|o| o.get_attribute("value"))
        .expect("the totp option");
    choose(&select, &totp);
    click(&add, testids::ADD_CONFIRM);
    wait_testid(&add, testids::SOURCE_APP).await.click();
    wait_testid(root, testids::WIZARD).await
}

#[wasm_bindgen_test]
async fn failed_load_shows_the_error_and_retry_loads_the_list() {
    let stub = Rc::new(RefCell::new(Stub {
        offline: true,
        ..Stub::default()
    }));
    let (root, _handle) = mount(stubbed(&stub));
    let retry = wait_testid(&root, testids::RETRY).await;
    let message = text(&retry.parent_element().unwrap());
    assert!(
        message.contains("We couldn't load your security info."),
        "{message}"
    );
    assert!(
        find(&root, testids::ADD_METHOD).is_none(),
        "no list without data"
    );
    stub.borrow_mut().offline = false;
    retry.click();
    wait_testid(&root, testids::EMPTY).await;
    assert!(find(&root, testids::RETRY).is_none());
    assert_eq!(stub.borrow().count("GET /me/security-info"), 2);
}

#[wasm_bindgen_test]
async fn wizard_app_path_forward_back_and_done() {
    let stub = Rc::new(RefCell::new(Stub::default()));
    let (root, _handle) = mount(stubbed(&stub));
    let wizard = open_wizard(&root).await;
    wait_step(&wizard, "Step 1 of 4").await;
    assert!(
        find(&wizard, testids::WIZARD_BACK).is_none(),
        "no Back on step 1"
    );
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 2 of 4").await;
    assert!(find(&wizard, testids::USE_OTHER_METHOD).is_none());
    click(&wizard, testids::WIZARD_BACK);
    wait_step(&wizard, "Step 1 of 4").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 2 of 4").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 3 of 4").await;
    wait_testid(&wizard, testids::QR).await;
    click(&wizard, testids::WIZARD_BACK);
    wait_step(&wizard, "Step 2 of 4").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 3 of 4").await;
    assert_eq!(
        stub.borrow().count("POST /me/methods/totp/start"),
        1,
        "Back and Next again reuse the open enrolment"
    );
    click(&wizard, testids::CANT_SCAN);
    let secret = security_info_core::Secret::from_base32(&text(
        &wait_testid(&wizard, testids::MANUAL_SECRET).await,
    ))
    .unwrap();
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 4 of 4").await;
    click(&wizard, testids::WIZARD_BACK);
    wait_step(&wizard, "Step 3 of 4").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 4 of 4").await;
    // A wrong code never leaves the browser.
    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), "12345");
    click(&wizard, testids::CODE_SUBMIT);
    assert!(wait_error(&wizard).await.contains("6"));
    let code = TotpParams::default().code_at(secret.as_bytes(), now());
    type_into(&find(&wizard, testids::CODE_INPUT).unwrap(), &code);
    click(&wizard, testids::CODE_SUBMIT);
    wait_testid(&wizard, testids::WIZARD_DONE).await;
    assert!(
        find(&wizard, testids::WIZARD_BACK).is_none(),
        "no Back once done"
    );
    assert_eq!(stub.borrow().count("POST /me/methods/totp"), 1);
    click(&wizard, testids::WIZARD_DONE);
    wait_for("the wizard to close", || {
        find(&root, testids::WIZARD).is_none().then_some(())
    })
    .await;
    wait_rows(&root, 1).await;
}

#[wasm_bindgen_test]
async fn wizard_other_app_path_and_other_method() {
    let stub = Rc::new(RefCell::new(Stub::default()));
    let (root, _handle) = mount(stubbed(&stub));
    let wizard = open_wizard(&root).await;
    click(&wizard, testids::USE_OTHER_APP);
    wait_step(&wizard, "Step 1 of 3").await;
    assert!(find(&wizard, testids::WIZARD_BACK).is_none());
    assert!(find(&wizard, testids::USE_OTHER_METHOD).is_some());
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 2 of 3").await;
    click(&wizard, testids::WIZARD_BACK);
    wait_step(&wizard, "Step 1 of 3").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 2 of 3").await;
    click(&wizard, testids::WIZARD_NEXT);
    wait_step(&wizard, "Step 3 of 3").await;
    // Back to "Add a method" from the first step of the wizard.
    click(&wizard, testids::WIZARD_BACK);
    click(&wizard, testids::WIZARD_BACK);
    wait_step(&wizard, "Step 1 of 3").await;
    click(&wizard, testids::USE_OTHER_METHOD);
    wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    wait_for("the wizard to close", || {
        find(&root, testids::WIZARD).is_none().then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn focus_is_trapped_escape_closes_and_focus_returns() {
    let stub = Rc::new(RefCell::new(Stub::default()));
    let (root, _handle) = mount(stubbed(&stub));
    let add = wait_testid(&root, testids::ADD_METHOD).await;
    add.focus().unwrap();
    add.click();
    let dialog = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    let focusable = |d: &Root| {
        let list = d.query_selector_all("button, select").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Root>().ok())
            .collect::<Vec<_>>()
    };
    let all = focusable(&dialog);
    let (first, last) = (all.first().unwrap().clone(), all.last().unwrap().clone());
    let active = || document().active_element();
    wait_for("focus inside the dialog", || {
        active().filter(|a| dialog.contains(Some(a)))
    })
    .await;
    last.focus().unwrap();
    press(&last, "Tab", false);
    assert_eq!(
        active().as_ref(),
        Some(first.unchecked_ref::<web_sys::Element>()),
        "Tab wraps"
    );
    press(&first, "Tab", true);
    assert_eq!(
        active().as_ref(),
        Some(last.unchecked_ref::<web_sys::Element>()),
        "Shift+Tab wraps"
    );
    press_escape(&last);
    wait_for("the dialog to close", || {
        find(&root, testids::ADD_METHOD_DIALOG)
            .is_none()
            .then_some(())
    })
    .await;
    wait_for("focus back on the opener", || {
        active().filter(|a| a == add.unchecked_ref::<web_sys::Element>())
    })
    .await;
    assert_eq!(
        stub.borrow().requests,
        ["GET /me/security-info"],
        "nothing but the load"
    );
}

/// How many text nodes under `root` contain `needle`, and how many of them sit inside an
/// isolating element (`<bdi>`) below `root`.
fn isolation(root: &web_sys::Element, needle: &str) -> (usize, usize) {
    let mut found = 0;
    let mut isolated = 0;
    let elements = root.query_selector_all("*").unwrap();
    let descendants = (0..elements.length()).filter_map(|i| elements.item(i));
    for element in std::iter::once(root.clone().into()).chain(descendants) {
        let element: web_sys::Node = element;
        let children = element.child_nodes();
        for child in (0..children.length()).filter_map(|i| children.item(i)) {
            let is_match = child.node_type() == web_sys::Node::TEXT_NODE
                && child.text_content().unwrap_or_default().contains(needle);
            if !is_match {
                continue;
            }
            found += 1;
            let mut at = child.parent_element();
            while let Some(el) = at {
                if el.tag_name().eq_ignore_ascii_case("bdi") {
                    isolated += 1;
                    break;
                }
                if el.is_same_node(Some(root)) {
                    break;
                }
                at = el.parent_element();
            }
        }
    }
    (found, isolated)
}

/// Issue 10, point 12: a name with a right-to-left override (from a server that does not
/// refuse it) stays in its own bidi box in the list, the delete confirmation and the
/// notice, so it cannot reverse the sentence around it.
#[wasm_bindgen_test]
async fn user_provided_names_are_bidi_isolated() {
    const NAME: &str = "\u{202E}abc";
    let method = totp_method("m1".into(), NAME);
    let stub = Rc::new(RefCell::new(Stub {
        methods: vec![method],
        ..Stub::default()
    }));
    let (root, _handle) = mount(stubbed(&stub));
    let row = wait_rows(&root, 1).await.remove(0);
    let in_list = isolation(&row, NAME);

    find(&row, testids::DELETE_METHOD).expect("Delete").click();
    let confirm = wait_testid(&root, testids::CONFIRM_DIALOG).await;
    let in_confirmation = isolation(&confirm, NAME);
    click(&confirm, testids::CONFIRM_YES);
    let notice = wait_for("the deleted notice", || {
        find(&root, testids::NOTICE).filter(|n| text(n).contains("was deleted"))
    })
    .await;
    // (text nodes with the name, of them isolated) in the list, the confirmation, the notice
    assert_eq!(
        [in_list, in_confirmation, isolation(&notice, NAME)],
        [(1, 1); 3]
    );
}

/// Issue 15: "Authenticator app or hardware token" asks which; the hardware path checks
/// the serial and the code before sending, shows the server's refusals in the token's
/// own words (unknown serial, drifted clock, the limit), and on success closes and lists the token
/// as "Hardware token ••••1234" with the notice.
#[wasm_bindgen_test]
async fn hardware_token_choice_form_errors_and_success() {
    let stub = Rc::new(RefCell::new(Stub::default()));
    let (root, _handle) = mount(stubbed(&stub));
    wait_testid(&root, testids::ADD_METHOD).await.click();
    let add = wait_testid(&root, testids::ADD_METHOD_DIALOG).await;
    let select = find(&add, testids::METHOD_SELECT).expect("type select");
    let totp = select
        .query_selector(r#"option[data-method-type="totp"]"#)
        .unwrap()
        .and_then(|o| o.get_attribute("value"))
        .expect("the totp option");
    choose(&select, &totp);
    click(&add, testids::ADD_CONFIRM);

    // The choice, with Back to the types and forward again.
    let app = wait_testid(&add, testids::SOURCE_APP).await;
    assert!(
        text(&app).starts_with("Authenticator app"),
        "{}",
        text(&app)
    );
    let hardware = find(&add, testids::SOURCE_HARDWARE).expect("Hardware token");
    assert!(text(&hardware).starts_with("Hardware token"));
    click(&add, testids::SOURCE_BACK);
    wait_testid(&add, testids::METHOD_SELECT).await;
    click(&add, testids::ADD_CONFIRM);
    wait_testid(&add, testids::SOURCE_HARDWARE).await.click();
    let dialog = wait_testid(&root, testids::HARDWARE_TOKEN_DIALOG).await;
    wait_for("the add dialog to close", || {
        find(&root, testids::ADD_METHOD_DIALOG)
            .is_none()
            .then_some(())
    })
    .await;
    assert!(text(&dialog).contains("on the back of the token"));
    let serial = find(&dialog, testids::SERIAL_INPUT).expect("serial field");
    let code = find(&dialog, testids::CODE_INPUT).expect("code field");

    // Checked in the browser: nothing is sent.
    click(&dialog, testids::TOKEN_SUBMIT);
    assert_eq!(
        wait_error(&dialog).await,
        "Enter the serial number from the back of your token."
    );
    assert_eq!(
        serial.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    type_into(&serial, "  GALT00009999 ");
    type_into(&code, "12345");
    click(&dialog, testids::TOKEN_SUBMIT);
    wait_for("the code message", || {
        find(&dialog, testids::ERROR)
            .filter(|e| text(e).contains("6-digit code that your token shows"))
    })
    .await;
    assert_eq!(code.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(stub.borrow().count("POST /me/methods/hardware-token"), 0);

    // The server's refusals, in the token's words.
    type_into(&code, "123 456");
    click(&dialog, testids::TOKEN_SUBMIT);
    wait_for("the unknown-serial message", || {
        find(&dialog, testids::ERROR)
            .filter(|e| text(e).starts_with("We couldn't find a hardware token"))
    })
    .await;
    type_into(&serial, TOKEN_SERIAL);
    type_into(&code, DRIFTED_CODE);
    click(&dialog, testids::TOKEN_SUBMIT);
    wait_for("the drift hint", || {
        find(&dialog, testids::ERROR)
            .filter(|e| text(e).contains("the clock in your token has drifted"))
    })
    .await;
    // The limit as the server words it (the add dialog checked it, another tab was faster).
    type_into(&serial, LIMIT_SERIAL);
    click(&dialog, testids::TOKEN_SUBMIT);
    wait_for("the limit sentence", || {
        find(&dialog, testids::ERROR)
            .filter(|e| text(e) == limit_reached_message("Microsoft Authenticator", 5))
    })
    .await;
    assert_eq!(stub.borrow().count("POST /me/methods/hardware-token"), 3);
    type_into(&serial, TOKEN_SERIAL);

    type_into(&code, TOKEN_CODE);
    click(&dialog, testids::TOKEN_SUBMIT);
    wait_for("the dialog to close", || {
        find(&root, testids::HARDWARE_TOKEN_DIALOG)
            .is_none()
            .then_some(())
    })
    .await;
    let row = wait_rows(&root, 1).await.remove(0);
    let part = |class: &str| {
        let el = row.query_selector(class).unwrap().expect(class);
        text(&el)
    };
    assert_eq!(
        (part(".si-method-type"), part(".si-method-detail")),
        ("Hardware token".to_owned(), "••••1234".to_owned())
    );
    assert_eq!(
        row.get_attribute("data-method-type").as_deref(),
        Some("totp")
    );
    wait_for("the added notice", || {
        find(&root, testids::NOTICE).filter(|n| text(n) == "Hardware token was added.")
    })
    .await;
    assert_eq!(
        stub.borrow().count("POST /me/methods/totp/start"),
        0,
        "no secret made"
    );
}
