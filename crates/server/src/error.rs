//! The server's one error type and its RFC 9457 rendering, plus a JSON extractor whose
//! rejections are problems too (axum's own would answer 415/422 in plain text).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use security_info_core::api::{ErrorCode, PROBLEM_JSON, Problem};
use serde::de::DeserializeOwned;

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
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
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
            ApiError::RateLimited(secs) => {
                let mut p = Problem::new(ErrorCode::RateLimited);
                p.retry_after = Some(*secs);
                p
            }
            // The cause goes to the log, not to the client.
            ApiError::Database(_) | ApiError::Internal(_) => Problem::new(ErrorCode::Internal),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self, ApiError::Database(_) | ApiError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let problem = self.problem();
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
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(ApiError::Validation(rejection_detail(&rejection))),
        }
    }
}

fn rejection_detail(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "expected Content-Type: application/json".into()
        }
        JsonRejection::BytesRejection(_) => "the request body is too large or unreadable".into(),
        // serde's message names the field and may quote the input: keep it short.
        other => other.body_text().chars().take(200).collect(),
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` whose rejections (e.g. a segment that is not UTF-8 after
/// percent-decoding) are 404 problems: such a resource cannot exist.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| ApiError::NotFound)
    }
}
