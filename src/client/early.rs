//! The answer to the first security-info request that the page's script sent before the
//! wasm loaded ([`Config::first_answer`](crate::config::Config::first_answer)): read by the client's first request, and by the
//! embedding's first paint.

use crate::config::Answer;
use crate::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// The answer the page's script got for the first security-info request, or `None` when
/// that request failed (then the client sends its own).
pub(super) async fn first_answer(promise: js_sys::Promise) -> Option<Answer> {
    let answer = JsFuture::from(promise).await.ok()?;
    let field = |name: &str| json::get(&answer, name).ok();
    Some(Answer {
        status: field("status")?.as_f64()? as u16,
        body: field("body")?.as_string()?,
        retry_after: field("retryAfter")
            .and_then(|v| v.as_f64())
            .map(|v| v as u64),
    })
}

/// The page's script's answer to the first security-info request ([`Config::first_answer`](crate::config::Config::first_answer))
/// as parsed JSON, when it is a success: what the embedding's first paint shows. `None`
/// otherwise (the page then reads the same answer itself, and shows its error).
pub(crate) async fn first_success(promise: js_sys::Promise) -> Option<JsValue> {
    let answer = first_answer(promise).await?;
    (200..300)
        .contains(&answer.status)
        .then(|| json::parse(&answer.body).ok())?
}
