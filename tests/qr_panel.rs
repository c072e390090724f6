//! Browser tests (headless Chromium): the core inside wasm, and the QR panel mounted.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use leptos::prelude::*;
use security_info::{QrPanel, testids};
use security_info_core::totp::{TotpParams, Verification, Window, rfc6238};
use security_info_core::{Secret, otpauth::OtpAuthUri};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn by_testid(root: &web_sys::Element, id: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
}

fn fresh_container() -> web_sys::HtmlElement {
    let document = document();
    let el: web_sys::HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

#[wasm_bindgen_test]
fn rfc6238_vectors_pass_inside_wasm() {
    for &(time, algorithm, expected) in rfc6238::VECTORS {
        let params = TotpParams {
            algorithm,
            digits: 8,
            period: 30,
        };
        assert_eq!(params.code_at(rfc6238::seed(algorithm), time), expected);
        assert_eq!(
            params.verify(rfc6238::seed(algorithm), expected, time, Window::default()),
            Ok(Verification::Valid { step: time / 30 })
        );
    }
}

#[wasm_bindgen_test]
fn browser_csprng_makes_distinct_160_bit_secrets() {
    let a = Secret::generate().expect("crypto.getRandomValues");
    let b = Secret::generate().expect("crypto.getRandomValues");
    assert_eq!(a.as_bytes().len(), 20);
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
async fn qr_panel_shows_svg_and_reveals_secret_and_uri() {
    let secret = Secret::from_random_bytes(*b"12345678901234567890");
    let uri = OtpAuthUri::new("Contoso", "jan@contoso.nl", secret);
    let expected_uri = uri.to_string();
    let container = fresh_container();
    let _handle = leptos::mount::mount_to(
        container.clone(),
        move || view! { <QrPanel uri=uri.clone() /> },
    );
    leptos::task::tick().await;

    let qr = by_testid(&container, testids::QR).expect("QR container");
    let svg = qr.query_selector("svg").unwrap().expect("an <svg> QR code");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert!(
        svg.query_selector("title").unwrap().is_some(),
        "text alternative"
    );
    assert!(
        by_testid(&container, testids::MANUAL_SECRET).is_none(),
        "hidden until asked"
    );

    let cant_scan = by_testid(&container, testids::CANT_SCAN).expect("Can't scan image?");
    assert_eq!(
        cant_scan.text_content().as_deref(),
        Some("Can't scan image?")
    );
    assert_eq!(
        cant_scan.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    cant_scan.click();
    leptos::task::tick().await;

    assert_eq!(
        cant_scan.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let secret_el = by_testid(&container, testids::MANUAL_SECRET).expect("secret shown");
    assert_eq!(
        secret_el.text_content().as_deref(),
        Some("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")
    );
    let url_el = by_testid(&container, testids::MANUAL_URL).expect("URL shown");
    assert_eq!(url_el.text_content(), Some(expected_uri));
    assert!(by_testid(&container, testids::COPY_SECRET).is_some());
    assert!(by_testid(&container, testids::COPY_URL).is_some());
}
