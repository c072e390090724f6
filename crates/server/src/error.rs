//! The server's one error type and its RFC 9457 rendering, plus JSON and path
//! extractors whose rejections are problems too (axum's own would answer 415/422 in
//! plain text).

use crate::crypto::KeyError;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::header::InvalidHeaderValue;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{ErrorCode, PROBLEM_JSON, Problem};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {0}")]
    Validation(String),
    #[error("not signed in")]
    Unauthenticated,
    #[error("a fresh verification is required")]
    StepUpRequired,
    #[error("not allowed by policy: {0}")]
    NotAllowedByPolicy(String),
    #[error("missing anti-forgery header")]
    Csrf,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    LimitReached(String),
    #[error("invalid code")]
    InvalidCode(Option<String>),
    #[error("code already used")]
    CodeReused,
    #[error("expired")]
    Expired,
    #[error("this security key is registered already")]
    KeyAlreadyRegistered,
    #[error("the security key did not verify its user")]
    UserVerificationRequired,
    #[error("the security key's answer was refused: {0}")]
    KeyRejected(String),
    #[error("the security key's counter went back")]
    KeyCloned,
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    #[error("the code could not be delivered")]
    DeliveryFailed,
    // Failures of the server itself (500): the cause goes to the log, never to the client.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("keys or randomness: {0}")]
    Key(#[from] KeyError),
    #[error("password hash: {0}")]
    PasswordHash(#[from] argon2::password_hash::Error),
    #[error("token signing: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
    #[error("background task: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("header value: {0}")]
    Header(#[from] InvalidHeaderValue),
    #[error("JSON output: {0}")]
    Output(#[from] serde_json::Error),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn problem(&self) -> Problem {
        match self {
            ApiError::Validation(d) => Problem::new(ErrorCode::Validation).with_detail(d.clone()),
            ApiError::Unauthenticated => Problem::new(ErrorCode::Unauthenticated),
            ApiError::StepUpRequired => Problem::new(ErrorCode::StepUpRequired),
            ApiError::NotAllowedByPolicy(d) => {
                Problem::new(ErrorCode::NotAllowedByPolicy).with_detail(d.clone())
            }
            ApiError::Csrf => Problem::new(ErrorCode::Csrf).with_detail(format!(
                "cookie-authenticated changes need the {} header",
                security_info_core::api::CSRF_HEADER
            )),
            ApiError::Forbidden => Problem::new(ErrorCode::Forbidden),
            ApiError::NotFound => Problem::new(ErrorCode::NotFound),
            ApiError::LimitReached(d) => {
                Problem::new(ErrorCode::LimitReached).with_detail(d.clone())
            }
            ApiError::InvalidCode(d) => {
                let p = Problem::new(ErrorCode::InvalidCode);
                match d {
                    Some(d) => p.with_detail(d.clone()),
                    None => p,
                }
            }
            ApiError::CodeReused => Problem::new(ErrorCode::CodeReused),
            ApiError::Expired => Problem::new(ErrorCode::Expired),
            ApiError::KeyAlreadyRegistered => Problem::new(ErrorCode::KeyAlreadyRegistered),
            ApiError::UserVerificationRequired => Problem::new(ErrorCode::UserVerificationRequired),
            ApiError::KeyRejected(d) => Problem::new(ErrorCode::KeyRejected).with_detail(d.clone()),
            ApiError::KeyCloned => Problem::new(ErrorCode::KeyCloned),
            ApiError::RateLimited(secs) => {
                let mut p = Problem::new(ErrorCode::RateLimited);
                p.retry_after = Some(*secs);
                p
            }
            ApiError::DeliveryFailed => Problem::new(ErrorCode::DeliveryFailed)
                .with_detail("We couldn't send the code, try again".to_owned()),
            // The cause goes to the log, not to the client.
            ApiError::Database(_)
            | ApiError::Key(_)
            | ApiError::PasswordHash(_)
            | ApiError::Jwt(_)
            | ApiError::Join(_)
            | ApiError::Header(_)
            | ApiError::Output(_)
            | ApiError::Internal(_) => Problem::new(ErrorCode::Internal),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        if problem.code == ErrorCode::Internal {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = problem_response(&problem);
        if let ApiError::RateLimited(secs) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

/// `axum::Json` whose rejections (wrong content type, syntax, unknown fields, wrong
/// types, body too large) are 400 problems.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "expected Content-Type: application/json".into()
            }
            JsonRejection::BytesRejection(_) => {
                "the request body is too large or unreadable".into()
            }
            // serde's message names the field and may quote the input: keep it short.
            other => other.body_text().chars().take(200).collect(),
        };
        ApiError::Validation(detail)
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` whose rejections (e.g. a segment that is not UTF-8 after
/// percent-decoding) are 404 problems: such a resource cannot exist.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NotFound
    }
}
