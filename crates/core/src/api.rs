//! REST types shared by the browser client and the reference server (route by route in crates/server/README.md).
//!
//! JSON fields are camelCase. Request bodies refuse unknown fields so a typo is a 400,
//! not a silently ignored option. Times are Unix seconds.

use crate::methods::{DefaultMode, MethodFacts, MethodSource, MethodType, PhoneKind, Usage};
use crate::totp::Algorithm;
use serde::{Deserialize, Serialize};

/// Header a cookie-authenticated state-changing request must carry (any non-empty
/// value): a cross-site form cannot set it, and a cross-origin script needs CORS consent.
pub const CSRF_HEADER: &str = "x-security-info-csrf";
/// Media type of error bodies (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Where the API lives unless configured otherwise.
pub const DEFAULT_BASE_URL: &str = "/api";

/// A registered method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: String,
    #[serde(rename = "type")]
    pub method_type: MethodType,
    /// The user's name for it (device or key name), or the type's display name.
    pub name: String,
    /// Masked detail: `+31 6 ••••• 78`, `j•••••@contoso.nl`, or nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_kind: Option<PhoneKind>,
    /// For `totp`: an authenticator app or a hardware token (then `detail` is its masked
    /// serial number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<MethodSource>,
    /// Digits of this method's codes when they differ from its type's (a hardware token
    /// that shows 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_digits: Option<u8>,
    pub usable_for: Vec<Usage>,
    /// Modes in which this method can be the default sign-in method (empty: password
    /// reset only).
    pub default_modes: Vec<DefaultMode>,
    pub created_at: i64,
    #[serde(default)]
    pub last_used_at: Option<i64>,
}

impl MethodFacts for Method {
    type Id = String;
    fn id(&self) -> String {
        self.id.clone()
    }
    fn method_type(&self) -> MethodType {
        self.method_type
    }
    fn phone_kind(&self) -> Option<PhoneKind> {
        self.phone_kind
    }
}

/// The default sign-in method: which method, used how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DefaultMethod {
    pub method_id: String,
    pub mode: DefaultMode,
}

/// The organisation's policy as the client needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub allowed_methods: Vec<MethodType>,
    pub max_authenticators: u32,
    pub allow_delete_last_mfa_method: bool,
    /// Seconds a step-up stays fresh.
    pub step_up_window_secs: u32,
    /// How many different security questions a user answers.
    pub security_questions_required: u32,
    /// The questions the administrator offers (security questions method).
    #[serde(default)]
    pub security_questions: Vec<String>,
    /// Product name used in messages ("Microsoft Authenticator").
    pub authenticator_name: String,
}

impl Policy {
    /// The method rules this policy sets (what may be added or deleted).
    pub fn rules(&self) -> crate::methods::Rules {
        crate::methods::Rules {
            allowed: self.allowed_methods.clone(),
            max_authenticators: self.max_authenticators,
            allow_delete_last_mfa_method: self.allow_delete_last_mfa_method,
        }
    }
}

/// Whether sensitive changes need a fresh verification first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepUp {
    /// True when the user has a two-step method and no fresh verification.
    pub required: bool,
    #[serde(default)]
    pub fresh_until: Option<i64>,
}

/// `GET {base}/me/security-info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityInfo {
    pub methods: Vec<Method>,
    pub default_method: Option<DefaultMethod>,
    pub policy: Policy,
    pub step_up: StepUp,
    /// The server's clock (Unix seconds) so the client can check codes against it.
    pub server_time: i64,
    /// The demo session, when the request came with its cookie (never for a bearer
    /// token): the demo page learns who is signed in from this answer, in one request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
}

/// `POST {base}/me/methods/totp/start` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TotpStartRequest {}

/// `POST {base}/me/methods/totp/start` answer: what the client needs to build the URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TotpStartResponse {
    pub enrollment_id: String,
    pub issuer: String,
    pub account_name: String,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: u32,
    pub expires_at: i64,
    pub server_time: i64,
}

/// `POST {base}/me/methods/totp` body: the client-generated secret and a code from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TotpFinishRequest {
    pub enrollment_id: String,
    /// Base32 secret.
    pub secret: String,
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST {base}/me/methods/hardware-token` body: activates a hardware OATH token that an
/// administrator imported, by the serial number on its back and the code it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HardwareTokenRequest {
    pub serial: String,
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `PATCH {base}/me/methods/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameRequest {
    pub name: String,
}

/// The default after a change (`DELETE` a method, `PUT` the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DefaultMethodResponse {
    pub default_method: Option<DefaultMethod>,
}

/// `PUT {base}/me/default-method` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetDefaultRequest {
    pub method_id: String,
    pub mode: DefaultMode,
}

/// A second-factor proof: `POST {base}/me/step-up` and `POST {base}/session/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyRequest {
    pub method_id: String,
    pub code: String,
}

/// `POST {base}/me/step-up` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepUpResponse {
    pub fresh_until: i64,
}

/// `POST {base}/session` body (demo sign-in, first factor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// The demo session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub username: String,
    /// False until the second factor is verified (when the user has one).
    pub authenticated: bool,
    /// Two-step methods offered for the second factor; empty when none is needed.
    pub methods: Vec<Method>,
    pub default_method: Option<DefaultMethod>,
}

/// `POST {base}/me/methods/phone/start` body: the number to verify and how the code
/// goes there. `replaces` names the caller's phone method a verified new number replaces
/// ("Change").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneStartRequest {
    pub phone_kind: PhoneKind,
    /// E.164 (`+31612345678`); the server normalises and checks it again.
    pub number: String,
    /// Office phones only: digits dialled after the call connects.
    #[serde(default)]
    pub extension: Option<String>,
    /// `text` or `call` (office phones: `call` only).
    pub mode: DefaultMode,
    #[serde(default)]
    pub replaces: Option<String>,
    /// The language of the message (`en`, `nl`); English otherwise.
    #[serde(default)]
    pub locale: Option<String>,
}

/// `POST {base}/me/methods/email/start` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailStartRequest {
    pub address: String,
    #[serde(default)]
    pub replaces: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
}

/// A one-time code was sent: which challenge to answer, where it went (masked), until
/// when it works and from when another may be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    pub challenge_id: String,
    /// `+31 6 ••••• 78` or `j•••••@contoso.nl`.
    pub detail: String,
    pub mode: DefaultMode,
    pub code_digits: u8,
    pub expires_at: i64,
    /// "Resend" is refused (429) before this time.
    pub resend_at: i64,
    pub server_time: i64,
}

/// `POST {base}/me/codes/resend` body: a new code for an open challenge, optionally
/// another way (a mobile phone: `text` or `call`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResendRequest {
    pub challenge_id: String,
    #[serde(default)]
    pub mode: Option<DefaultMode>,
}

/// Finishes a phone or email enrolment with the code that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeFinishRequest {
    pub challenge_id: String,
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST {base}/me/step-up/code` and `POST {base}/session/code` body: send a code to one
/// of the caller's phones (`text` or `call`) for a step-up or the demo sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendCodeRequest {
    pub method_id: String,
    pub mode: DefaultMode,
    #[serde(default)]
    pub locale: Option<String>,
}

/// A message in the demo's outbox (`GET {base}/demo/outbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: String,
    /// `text`, `call` or `email`.
    pub kind: String,
    pub to: String,
    pub subject: Option<String>,
    pub text: String,
    pub created_at: i64,
}

/// One of the administrator's security questions, in the asker's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityQuestion {
    pub id: String,
    pub text: String,
}

/// `GET {base}/me/security-questions`: the questions to pick from and how many to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityQuestions {
    pub required: u32,
    pub questions: Vec<SecurityQuestion>,
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityAnswer {
    pub question_id: String,
    pub answer: String,
}

/// `POST {base}/me/methods/security-questions` body: exactly the required number of
/// different questions, each answered; it replaces an existing set as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityAnswersRequest {
    pub answers: Vec<SecurityAnswer>,
}

/// The stable error codes of the contract, each with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    Validation,
    Unauthenticated,
    StepUpRequired,
    NotAllowedByPolicy,
    Csrf,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    LimitReached,
    InvalidCode,
    CodeReused,
    Expired,
    RateLimited,
    Internal,
    /// WebAuthn: this key is registered already (to this or another account).
    KeyAlreadyRegistered,
    /// WebAuthn: the key did not verify its user (no PIN or biometric).
    UserVerificationRequired,
    /// WebAuthn: the key's answer does not verify (signature, challenge, origin, or a
    /// roaming-only policy and a platform authenticator).
    KeyRejected,
    /// WebAuthn: the key's signature counter went back — it may have been cloned.
    KeyCloned,
    /// A one-time code could not be delivered (SMTP or webhook failed): try again.
    DeliveryFailed,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Validation,
        ErrorCode::Unauthenticated,
        ErrorCode::StepUpRequired,
        ErrorCode::NotAllowedByPolicy,
        ErrorCode::Csrf,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::LimitReached,
        ErrorCode::InvalidCode,
        ErrorCode::CodeReused,
        ErrorCode::Expired,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::KeyAlreadyRegistered,
        ErrorCode::UserVerificationRequired,
        ErrorCode::KeyRejected,
        ErrorCode::KeyCloned,
        ErrorCode::DeliveryFailed,
    ];

    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Validation => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::StepUpRequired
            | ErrorCode::NotAllowedByPolicy
            | ErrorCode::Csrf
            | ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::LimitReached | ErrorCode::KeyAlreadyRegistered => 409,
            ErrorCode::Expired => 410,
            ErrorCode::InvalidCode
            | ErrorCode::CodeReused
            | ErrorCode::UserVerificationRequired
            | ErrorCode::KeyRejected
            | ErrorCode::KeyCloned => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::DeliveryFailed => 503,
        }
    }

    /// The kebab-case name, as in the JSON `code` field.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::StepUpRequired => "step-up-required",
            ErrorCode::NotAllowedByPolicy => "not-allowed-by-policy",
            ErrorCode::Csrf => "csrf",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::LimitReached => "limit-reached",
            ErrorCode::InvalidCode => "invalid-code",
            ErrorCode::CodeReused => "code-reused",
            ErrorCode::Expired => "expired",
            ErrorCode::RateLimited => "rate-limited",
            ErrorCode::Internal => "internal",
            ErrorCode::KeyAlreadyRegistered => "key-already-registered",
            ErrorCode::UserVerificationRequired => "user-verification-required",
            ErrorCode::KeyRejected => "key-rejected",
            ErrorCode::KeyCloned => "key-cloned",
            ErrorCode::DeliveryFailed => "delivery-failed",
        }
    }

    /// The problem `type` URI.
    pub fn type_uri(self) -> String {
        format!("urn:security-info:problem:{}", self.as_str())
    }

    /// A short English summary (the problem `title`).
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::Validation => "The request is not valid",
            ErrorCode::Unauthenticated => "Sign in first",
            ErrorCode::StepUpRequired => "Verify your identity first",
            ErrorCode::NotAllowedByPolicy => "Not allowed by your organization",
            ErrorCode::Csrf => "Missing anti-forgery header",
            ErrorCode::Forbidden => "Not allowed",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::LimitReached => "Limit reached",
            ErrorCode::InvalidCode => "That code isn't right",
            ErrorCode::CodeReused => "That code was already used",
            ErrorCode::Expired => "This has expired",
            ErrorCode::RateLimited => "Too many attempts",
            ErrorCode::Internal => "Something went wrong",
            ErrorCode::KeyAlreadyRegistered => "This security key is already registered",
            ErrorCode::UserVerificationRequired => "The security key must verify you with a PIN",
            ErrorCode::KeyRejected => "The security key's answer was not accepted",
            ErrorCode::KeyCloned => "This security key may have been copied",
            ErrorCode::DeliveryFailed => "We couldn't send the code, try again",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 9457 problem details body with the contract's stable `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Seconds to wait (also in the `Retry-After` header) for `rate-limited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            problem_type: code.type_uri(),
            title: code.title().to_owned(),
            status: code.status(),
            code,
            detail: None,
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_shapes_are_camel_case() {
        let info = SecurityInfo {
            methods: vec![Method {
                id: "m1".into(),
                method_type: MethodType::Totp,
                name: "Authenticator app".into(),
                detail: None,
                phone_kind: None,
                source: None,
                code_digits: None,
                usable_for: vec![Usage::Mfa, Usage::Sspr],
                default_modes: vec![DefaultMode::Code],
                created_at: 1,
                last_used_at: None,
            }],
            default_method: Some(DefaultMethod {
                method_id: "m1".into(),
                mode: DefaultMode::Code,
            }),
            policy: Policy {
                allowed_methods: vec![MethodType::Totp],
                max_authenticators: 5,
                allow_delete_last_mfa_method: true,
                step_up_window_secs: 600,
                security_questions_required: 3,
                security_questions: vec!["What was the name of your first pet?".into()],
                authenticator_name: "Microsoft Authenticator".into(),
            },
            step_up: StepUp {
                required: true,
                fresh_until: None,
            },
            server_time: 1_700_000_000,
            session: None,
        };
        let value = serde_json::to_value(&info).unwrap();
        assert_eq!(value["methods"][0]["type"], "totp");
        assert_eq!(value["methods"][0]["usableFor"], json!(["mfa", "sspr"]));
        assert_eq!(
            value["defaultMethod"],
            json!({"methodId": "m1", "mode": "code"})
        );
        assert_eq!(value["policy"]["maxAuthenticators"], 5);
        assert_eq!(value["stepUp"]["required"], true);
        assert_eq!(value["serverTime"], 1_700_000_000);
        assert_eq!(serde_json::from_value::<SecurityInfo>(value).unwrap(), info);
    }

    #[test]
    fn requests_refuse_unknown_fields() {
        let ok = json!({"enrollmentId": "e", "secret": "S", "code": "123456"});
        assert!(serde_json::from_value::<TotpFinishRequest>(ok).is_ok());
        let typo = json!({"enrollmentId": "e", "secret": "S", "code": "1", "nmae": "x"});
        assert!(serde_json::from_value::<TotpFinishRequest>(typo).is_err());
        assert!(serde_json::from_value::<TotpStartRequest>(json!({"x": 1})).is_err());
    }

    #[test]
    fn problem_bodies_carry_code_and_status() {
        let p = Problem::new(ErrorCode::LimitReached).with_detail("five");
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["code"], "limit-reached");
        assert_eq!(v["status"], 409);
        assert_eq!(v["type"], "urn:security-info:problem:limit-reached");
        for code in ErrorCode::ALL {
            let text = serde_json::to_value(code).unwrap();
            assert_eq!(text, code.as_str());
            assert!((400..600).contains(&code.status()));
        }
    }

    /// The browser client reads and writes JSON without serde (bundle size), by these
    /// names: they must be the serde names.
    #[test]
    fn as_str_names_are_the_serde_names() {
        fn check<T: Serialize + Copy>(all: &[T], as_str: fn(T) -> &'static str) {
            for &v in all {
                assert_eq!(serde_json::to_value(v).unwrap(), as_str(v));
            }
        }
        check(&MethodType::ALL, MethodType::as_str);
        check(&Usage::ALL, Usage::as_str);
        check(&DefaultMode::ALL, DefaultMode::as_str);
        check(&PhoneKind::ALL, PhoneKind::as_str);
        check(&Algorithm::ALL, Algorithm::as_str);
        check(&ErrorCode::ALL, ErrorCode::as_str);
        assert_eq!(ErrorCode::StepUpRequired.status(), 403);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
        assert_eq!(ErrorCode::InvalidCode.status(), 422);
    }
}
