//! The REST client (the routes of crates/server/README.md) over `fetch`, built from a [`Config`].

use crate::config::{Answer, Auth, Config, Outgoing, Transport};
use crate::error::ClientError;
use crate::json::{self, FromJson};
use security_info_core::api::{
    CSRF_HEADER, DefaultMethodResponse, HardwareTokenRequest, Method, Problem, SecurityInfo,
    Session, SetDefaultRequest, SignInRequest, StepUpResponse, TotpFinishRequest,
    TotpStartResponse, VerifyRequest,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

mod call;
mod early;
use call::SECURITY_INFO_PATH;
pub use call::{Call, KeyCeremony};
use early::first_answer;
pub(crate) use early::first_success;

/// A client for one API base URL and one way of authenticating.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    auth: Auth,
    headers: Vec<(String, String)>,
    timeout_ms: u32,
    transport: Option<Transport>,
    /// [`Config::first_answer`], taken by the first security-info request.
    first_answer: std::rc::Rc<std::cell::Cell<Option<js_sys::Promise>>>,
}

impl Client {
    pub fn new(config: &Config) -> Self {
        Self {
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            auth: config.auth.clone(),
            headers: config.headers.clone(),
            timeout_ms: config.timeout_ms,
            transport: config.transport.clone(),
            first_answer: std::rc::Rc::new(std::cell::Cell::new(config.first_answer.clone())),
        }
    }

    pub async fn security_info(&self) -> Result<SecurityInfo, ClientError> {
        self.call(Call::security_info()).await
    }

    pub async fn totp_start(&self) -> Result<TotpStartResponse, ClientError> {
        self.call(Call::totp_start()).await
    }

    pub async fn totp_finish(&self, request: &TotpFinishRequest) -> Result<Method, ClientError> {
        self.call(Call::totp_finish(request)).await
    }

    /// Activates a hardware token an administrator imported.
    pub async fn hardware_token(
        &self,
        request: &HardwareTokenRequest,
    ) -> Result<Method, ClientError> {
        self.call(Call::hardware_token(request)).await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<Method, ClientError> {
        self.call(Call::rename(id, name)).await
    }

    pub async fn delete(&self, id: &str) -> Result<DefaultMethodResponse, ClientError> {
        self.call(Call::delete(id)).await
    }

    pub async fn set_default(
        &self,
        request: &SetDefaultRequest,
    ) -> Result<DefaultMethodResponse, ClientError> {
        self.call(Call::set_default(request)).await
    }

    pub async fn step_up(&self, request: &VerifyRequest) -> Result<StepUpResponse, ClientError> {
        self.call(Call::step_up(request)).await
    }

    /// Demo sign-in, first factor (cookie sessions).
    pub async fn sign_in(&self, request: &SignInRequest) -> Result<Session, ClientError> {
        self.call(Call::sign_in(request)).await
    }

    /// The demo session; `None` when signed out.
    pub async fn session(&self) -> Result<Option<Session>, ClientError> {
        self.call(Call::session()).await
    }

    /// Ends the demo session.
    pub async fn sign_out(&self) -> Result<(), ClientError> {
        self.call(Call::sign_out()).await
    }

    /// Demo sign-in, second factor.
    pub async fn verify_session(&self, request: &VerifyRequest) -> Result<Session, ClientError> {
        self.call(Call::verify_session(request)).await
    }

    async fn call<T: FromJson>(&self, call: Call) -> Result<T, ClientError> {
        // Only this line depends on `T`: the async part exists once in the bundle, not
        // once per answer type.
        T::from_json(&self.send(&call).await?).map_err(ClientError::Decode)
    }

    /// Sends `call` and returns the parsed answer. With a bearer callback, a 401 asks
    /// the host for a token once more and sends it again (the token may have expired).
    pub(crate) async fn send(&self, call: &Call) -> Result<JsValue, ClientError> {
        let body = call.body.as_deref();
        let mut answer = self.fetch(call.method, &call.path, body).await?;
        if answer.status == 401 && matches!(self.auth, Auth::Bearer(_)) {
            answer = self.fetch(call.method, &call.path, body).await?;
        }
        decode(answer)
    }

    /// Reads the server-sent events at `path` (GET) through `fetch`, so bearer tokens
    /// work (`EventSource` cannot send `Authorization`), and calls `on_data` with each
    /// event's data until the server ends the stream. `Err` when it cannot be read: a
    /// host transport (which answers whole requests only), an error status, a dropped
    /// connection; the caller then polls instead.
    pub(crate) async fn events(
        &self,
        path: &str,
        mut on_data: impl FnMut(&str),
    ) -> Result<(), ClientError> {
        if self.transport.is_some() {
            return Err(ClientError::Network(
                "a host transport cannot stream".into(),
            ));
        }
        let init = self.init("GET", None, "text/event-stream").await?;
        // No timeout: the stream stays open for as long as the server has news.
        let response = browser_fetch(&format!("{}{path}", self.base_url), &init).await?;
        let reader: web_sys::ReadableStreamDefaultReader = match response.body() {
            Some(body) if response.status() == 200 => body.get_reader().unchecked_into(),
            _ => return Err(ClientError::Status(response.status())),
        };
        let mut buffer = Vec::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
            if json::get(&chunk, "done").ok().and_then(|d| d.as_bool()) != Some(false) {
                return Ok(());
            }
            let bytes = json::get(&chunk, "value").map_err(ClientError::Decode)?;
            buffer.extend(js_sys::Uint8Array::new(&bytes).to_vec());
            for event in security_info_core::sse::drain_events(&mut buffer) {
                on_data(&event);
            }
        }
    }

    /// The request's method, headers (`accept`, the host's, CSRF or the bearer token) and
    /// body.
    async fn init(
        &self,
        method: &str,
        body: Option<&str>,
        accept: &str,
    ) -> Result<RequestInit, ClientError> {
        let init = RequestInit::new();
        init.set_method(method);
        let headers = Headers::new().map_err(js_error)?;
        // A header name the browser refuses (from the host's `headers`) fails the call.
        let set = |name: &str, value: &str| headers.set(name, value).map_err(js_error);
        set("accept", accept)?;
        for (name, value) in &self.headers {
            set(name, value)?;
        }
        match &self.auth {
            Auth::Cookies => {
                init.set_credentials(RequestCredentials::Include);
                set(CSRF_HEADER, "1")?;
            }
            Auth::Bearer(get_token) => {
                let token = get_token().await.ok_or(ClientError::NoToken)?;
                init.set_credentials(RequestCredentials::Omit);
                set("authorization", &format!("Bearer {token}"))?;
            }
        }
        if let Some(json) = body {
            set("content-type", "application/json")?;
            init.set_body(&JsValue::from_str(json));
        }
        init.set_headers(&headers);
        Ok(init)
    }

    /// `fetch` straight through web-sys (gloo-net's builder cost more code than it saved),
    /// or the host's [`Transport`].
    async fn fetch(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<Answer, ClientError> {
        let early = (method == "GET" && path == SECURITY_INFO_PATH)
            .then(|| self.first_answer.take())
            .flatten();
        if let Some(promise) = early
            && let Some(answer) = first_answer(promise).await
        {
            return Ok(answer);
        }
        let init = self
            .init(method, body, "application/json, application/problem+json")
            .await?;
        let url = format!("{}{path}", self.base_url);
        if let Some(transport) = &self.transport {
            return transport(Outgoing {
                method: method.to_owned(),
                url,
                body: body.map(str::to_owned),
            })
            .await;
        }
        init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
            self.timeout_ms,
        )));
        let response = browser_fetch(&url, &init).await?;
        let text = JsFuture::from(response.text().map_err(js_error)?)
            .await
            .map_err(js_error)?
            .as_string()
            .unwrap_or_default();
        let retry_after = response
            .headers()
            .get("retry-after")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse().ok());
        Ok(Answer {
            status: response.status(),
            body: text,
            retry_after,
        })
    }
}

/// A rejected `fetch` (or a refused request): the abort signal's timeout, or no answer.
async fn browser_fetch(url: &str, init: &RequestInit) -> Result<Response, ClientError> {
    Ok(
        JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, init))
            .await
            .map_err(js_error)?
            .unchecked_into(),
    )
}

fn js_error(error: JsValue) -> ClientError {
    match error.dyn_into::<js_sys::Error>() {
        Ok(e) if e.name() == "TimeoutError" || e.name() == "AbortError" => ClientError::Timeout,
        Ok(e) => ClientError::Network(e.to_string().into()),
        Err(other) => ClientError::Network(other.as_string().unwrap_or_default()),
    }
}

/// Success bodies become parsed JSON; error statuses become a [`ClientError::Problem`]
/// when the body is problem+json with a known code, else [`ClientError::Status`].
fn decode(answer: Answer) -> Result<JsValue, ClientError> {
    if (200..300).contains(&answer.status) {
        // An empty success body (204) reads as JSON null, for `()` or `Option` answers.
        let body = if answer.body.trim().is_empty() {
            "null"
        } else {
            &answer.body
        };
        return json::parse(body).map_err(ClientError::Decode);
    }
    match json::parse(&answer.body).and_then(|v| Problem::from_json(&v)) {
        Ok(mut problem) => {
            problem.retry_after = problem.retry_after.or(answer.retry_after);
            Err(ClientError::Problem(problem))
        }
        Err(_) => Err(ClientError::Status(answer.status)),
    }
}
