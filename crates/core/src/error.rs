use thiserror::Error;

/// Every way the core's functions can refuse their input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CoreError {
    #[error("the random source failed: {0}")]
    Random(String),
    #[error("the secret is not valid Base32")]
    InvalidBase32,
    #[error("the secret is empty")]
    EmptySecret,
    #[error("not an otpauth:// URI")]
    WrongScheme,
    #[error("unsupported OTP type {0:?} (only totp)")]
    UnsupportedOtpType(String),
    #[error("the otpauth URI has no secret parameter")]
    MissingSecret,
    #[error("the otpauth URI has a malformed label or parameter")]
    MalformedUri,
    #[error("the label's issuer {label:?} differs from the issuer parameter {parameter:?}")]
    IssuerMismatch { label: String, parameter: String },
    #[error("unknown algorithm {0:?} (SHA1, SHA256 or SHA512)")]
    UnknownAlgorithm(String),
    #[error("digits must be 6, 7 or 8, not {0}")]
    InvalidDigits(String),
    #[error("period must be a positive number of seconds, not {0:?}")]
    InvalidPeriod(String),
    #[error("a code has {expected} digits")]
    MalformedCode { expected: u8 },
    #[error("the text is too long to fit in a QR code")]
    QrTooLong,
    #[error("not a valid international phone number")]
    InvalidPhoneNumber,
    #[error("not a valid email address")]
    InvalidEmail,
    #[error("{0} is not allowed by the organisation's policy")]
    NotAllowedByPolicy(crate::methods::MethodType),
    #[error("already {max} authenticator apps or hardware tokens")]
    LimitReached { max: u32 },
}
