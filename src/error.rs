//! The one error type of the component's boundary to the REST API and the host: what
//! failed, as the UI needs to tell it apart, and the sentence a person reads.

use crate::i18n::{I18n, Key};
use security_info_core::api::{ErrorCode, Problem};

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
                ErrorCode::KeyAlreadyRegistered => Key::KeyAlreadyRegistered,
                ErrorCode::UserVerificationRequired => Key::KeyNoPin,
                ErrorCode::KeyRejected => Key::KeyRejected,
                ErrorCode::KeyCloned => Key::KeyCloned,
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
