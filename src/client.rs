//! The REST client (SPEC section 5) over `fetch`, built from a [`Config`].

use crate::config::{Auth, Config};
use crate::i18n::{I18n, Key};
use crate::json::{self, FromJson};
use gloo_net::http::{Method as Http, RequestBuilder, Response};
use security_info_core::api::ErrorCode;
use security_info_core::api::{
    CSRF_HEADER, DefaultMethodResponse, Method, Problem, RenameRequest, SecurityInfo, Session,
    SetDefaultRequest, SignInRequest, StepUpResponse, TotpFinishRequest, TotpStartRequest,
    TotpStartResponse, VerifyRequest,
};
use web_sys::RequestCredentials;

/// Every way a call can fail, as the UI needs to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a problem+json body: its `code` is the contract.
    #[error("{} ({})", .0.title, .0.code)]
    Problem(Problem),
    /// An error status without a problem body (a proxy's 502, say).
    #[error("HTTP status {0}")]
    Status(u16),
    /// No answer: offline, DNS, CORS refusal.
    #[error("network failure: {0}")]
    Network(String),
    #[error("the request timed out")]
    Timeout,
    /// A success status with a body that is not what the contract says.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The host's `get_token` had no token.
    #[error("the host gave no access token")]
    NoToken,
    /// The user cancelled the step-up that the change needed.
    #[error("cancelled")]
    Cancelled,
}

impl ClientError {
    /// The contract's error code, when the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Problem(p) => Some(p.code),
            _ => None,
        }
    }

    /// Trying the same again may work (the UI offers "Try again").
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Network(_) | ClientError::Timeout | ClientError::Decode(_) => true,
            ClientError::Status(s) => *s >= 500,
            ClientError::Problem(p) => p.status >= 500,
            ClientError::NoToken | ClientError::Cancelled => false,
        }
    }

    /// The message a person reads.
    pub fn message(&self, i18n: &I18n) -> String {
        let key = match self {
            ClientError::Network(_) => Key::ErrNetwork,
            ClientError::Timeout => Key::ErrTimeout,
            ClientError::Decode(_) => Key::ErrUnexpected,
            ClientError::Status(401) | ClientError::NoToken => Key::ErrUnauthenticated,
            ClientError::Status(_) => Key::ErrServer,
            ClientError::Cancelled => Key::ErrCancelled,
            ClientError::Problem(p) => match p.code {
                ErrorCode::Validation => Key::ErrValidation,
                ErrorCode::Unauthenticated => Key::ErrUnauthenticated,
                ErrorCode::StepUpRequired => Key::ErrStepUp,
                ErrorCode::NotAllowedByPolicy => Key::ErrNotAllowed,
                ErrorCode::Csrf | ErrorCode::Forbidden => Key::ErrForbidden,
                ErrorCode::NotFound => Key::ErrNotFound,
                // Normally caught before the request with the exact sentence (the add
                // dialog knows the policy); this is the race where another tab added one.
                ErrorCode::LimitReached => Key::ErrLimit,
                ErrorCode::InvalidCode => Key::CodeWrong,
                ErrorCode::CodeReused => Key::ErrCodeReused,
                ErrorCode::Expired => Key::ErrExpired,
                ErrorCode::RateLimited => {
                    let seconds = p.retry_after.unwrap_or(30).to_string();
                    return i18n.fmt(Key::ErrRateLimited, &[("seconds", &seconds)]);
                }
                // Internal, and codes newer than this client.
                _ => Key::ErrServer,
            },
        };
        i18n.t(key)
    }
}

/// A client for one API base URL and one way of authenticating.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    auth: Auth,
    headers: Vec<(String, String)>,
    timeout_ms: u32,
}

impl Client {
    pub fn new(config: &Config) -> Self {
        Self {
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            auth: config.auth.clone(),
            headers: config.headers.clone(),
            timeout_ms: config.timeout_ms,
        }
    }

    pub async fn security_info(&self) -> Result<SecurityInfo, ClientError> {
        self.call(Http::GET, "/me/security-info", None).await
    }

    pub async fn totp_start(&self) -> Result<TotpStartResponse, ClientError> {
        let body = json::encode(&TotpStartRequest {});
        self.call(Http::POST, "/me/methods/totp/start", Some(body))
            .await
    }

    pub async fn totp_finish(&self, request: &TotpFinishRequest) -> Result<Method, ClientError> {
        self.call(Http::POST, "/me/methods/totp", Some(json::encode(request)))
            .await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<Method, ClientError> {
        let body = RenameRequest {
            name: name.to_owned(),
        };
        self.call(Http::PATCH, &method_path(id), Some(json::encode(&body)))
            .await
    }

    pub async fn delete(&self, id: &str) -> Result<DefaultMethodResponse, ClientError> {
        self.call(Http::DELETE, &method_path(id), None).await
    }

    pub async fn set_default(
        &self,
        request: &SetDefaultRequest,
    ) -> Result<DefaultMethodResponse, ClientError> {
        self.call(Http::PUT, "/me/default-method", Some(json::encode(request)))
            .await
    }

    pub async fn step_up(&self, request: &VerifyRequest) -> Result<StepUpResponse, ClientError> {
        self.call(Http::POST, "/me/step-up", Some(json::encode(request)))
            .await
    }

    /// Demo sign-in, first factor (cookie sessions).
    pub async fn sign_in(&self, request: &SignInRequest) -> Result<Session, ClientError> {
        self.call(Http::POST, "/session", Some(json::encode(request)))
            .await
    }

    /// The demo session; `None` when signed out.
    pub async fn session(&self) -> Result<Option<Session>, ClientError> {
        self.call(Http::GET, "/session", None).await
    }

    /// Ends the demo session.
    pub async fn sign_out(&self) -> Result<(), ClientError> {
        self.call(Http::DELETE, "/session", None).await
    }

    /// Demo sign-in, second factor.
    pub async fn verify_session(&self, request: &VerifyRequest) -> Result<Session, ClientError> {
        self.call(Http::POST, "/session/verify", Some(json::encode(request)))
            .await
    }

    /// One call; with a bearer callback, a 401 asks the host for a token once more and
    /// sends the request again (the token may have expired in between).
    async fn call<T: FromJson>(
        &self,
        method: Http,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ClientError> {
        let mut response = self.send(method.clone(), path, body.as_deref()).await?;
        if response.status() == 401 && matches!(self.auth, Auth::Bearer(_)) {
            response = self.send(method, path, body.as_deref()).await?;
        }
        decode(response).await
    }

    async fn send(
        &self,
        method: Http,
        path: &str,
        body: Option<&str>,
    ) -> Result<Response, ClientError> {
        let mut request = RequestBuilder::new(&format!("{}{path}", self.base_url))
            .method(method)
            .header("accept", "application/json, application/problem+json");
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request = match &self.auth {
            Auth::Cookies => request
                .credentials(RequestCredentials::Include)
                .header(CSRF_HEADER, "1"),
            Auth::Bearer(get_token) => {
                let token = get_token().await.ok_or(ClientError::NoToken)?;
                request
                    .credentials(RequestCredentials::Omit)
                    .header("authorization", &format!("Bearer {token}"))
            }
        };
        let signal = web_sys::AbortSignal::timeout_with_u32(self.timeout_ms);
        request = request.abort_signal(Some(&signal));
        let request = match body {
            Some(json) => request
                .header("content-type", "application/json")
                .body(json.to_owned()),
            None => request.build(),
        }
        .map_err(|e| ClientError::Network(e.to_string()))?;
        request.send().await.map_err(|e| match e {
            gloo_net::Error::JsError(js)
                if js.name == "TimeoutError" || js.name == "AbortError" =>
            {
                ClientError::Timeout
            }
            other => ClientError::Network(other.to_string()),
        })
    }
}

fn method_path(id: &str) -> String {
    format!("/me/methods/{}", js_sys::encode_uri_component(id))
}

/// Success bodies become `T`; error statuses become a [`ClientError::Problem`] when the
/// body is problem+json with a known code, else [`ClientError::Status`].
async fn decode<T: FromJson>(response: Response) -> Result<T, ClientError> {
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    if response.ok() {
        // An empty success body (204) reads as JSON null, for `()` or `Option` answers.
        let body = if text.trim().is_empty() {
            "null"
        } else {
            &text
        };
        return json::decode(body).map_err(ClientError::Decode);
    }
    match json::decode::<Problem>(&text) {
        Ok(mut problem) => {
            if problem.retry_after.is_none() {
                problem.retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.trim().parse().ok());
            }
            Err(ClientError::Problem(problem))
        }
        Err(_) => Err(ClientError::Status(status)),
    }
}
