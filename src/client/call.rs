//! The requests of the REST API as data ([`Call`]): method, path and JSON body, one
//! constructor per route of crates/server/README.md.

use crate::json;
use security_info_core::api::{
    CodeFinishRequest, EmailStartRequest, HardwareTokenRequest, PhoneStartRequest, RenameRequest,
    ResendRequest, SecurityAnswersRequest, SendCodeRequest, SetDefaultRequest, SignInRequest,
    TotpFinishRequest, TotpStartRequest, VerifyRequest,
};
use security_info_core::push::{PushChallengeRequest, PushCompleteRequest, PushTestRequest};
use wasm_bindgen::JsValue;

pub(super) const SECURITY_INFO_PATH: &str = "/me/security-info";

/// One request as data: method, path and JSON body. The components hand these to one
/// sending path (`Ctx::request`), so the async code that sends, steps up and retries
/// is in the bundle once instead of once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub(super) method: &'static str,
    pub(super) path: String,
    pub(super) body: Option<String>,
}

impl Call {
    fn new(method: &'static str, path: impl Into<String>, body: Option<String>) -> Self {
        Self {
            method,
            path: path.into(),
            body,
        }
    }

    pub fn security_info() -> Self {
        Self::new("GET", SECURITY_INFO_PATH, None)
    }

    pub fn totp_start() -> Self {
        Self::new(
            "POST",
            "/me/methods/totp/start",
            Some(json::encode(&TotpStartRequest {})),
        )
    }

    pub fn totp_finish(request: &TotpFinishRequest) -> Self {
        Self::new("POST", "/me/methods/totp", Some(json::encode(request)))
    }

    /// Push: opens an enrolment (the activation code and URI the QR code holds).
    pub fn push_start() -> Self {
        Self::new("POST", "/me/methods/authenticator-push/start", None)
    }

    /// Push: sends the wizard's test notification ("Let's try it out").
    pub fn push_test(enrollment_id: &str) -> Self {
        let body = PushTestRequest {
            enrollment_id: enrollment_id.to_owned(),
        };
        Self::new(
            "POST",
            "/me/methods/authenticator-push/test",
            Some(json::encode(&body)),
        )
    }

    /// Push: finishes the enrolment with the approved test notification.
    pub fn push_finish(challenge_id: &str) -> Self {
        let body = PushCompleteRequest {
            challenge_id: challenge_id.to_owned(),
        };
        Self::new(
            "POST",
            "/me/methods/authenticator-push",
            Some(json::encode(&body)),
        )
    }

    /// Push: a notification's state, waiting up to `wait` seconds while it is pending
    /// (long-poll; `session`: the demo sign-in's, else the caller's).
    /// The path of a challenge's event stream (`Client::events`).
    pub fn push_events_path(id: &str, session: bool) -> String {
        let area = if session {
            "/session/push"
        } else {
            "/me/push/challenges"
        };
        format!("{area}/{}/events", js_sys::encode_uri_component(id))
    }

    pub fn push_wait(id: &str, wait: u32, session: bool) -> Self {
        let area = if session {
            "/session/push"
        } else {
            "/me/push/challenges"
        };
        Self::new(
            "GET",
            format!("{area}/{}?wait={wait}", js_sys::encode_uri_component(id)),
            None,
        )
    }

    /// Push: sends "Verify your identity" (or, for the demo sign-in, "Sign in") to a
    /// push method, the default one when `method_id` is `None`.
    pub fn push_send(method_id: Option<String>, session: bool) -> Self {
        let path = if session {
            "/session/push"
        } else {
            "/me/push/challenges"
        };
        Self::new(
            "POST",
            path,
            Some(json::encode(&PushChallengeRequest { method_id })),
        )
    }

    /// Push: uses an approved notification as step-up (or the demo's second factor).
    pub fn push_verify(challenge_id: &str, session: bool) -> Self {
        let path = if session {
            "/session/verify-push"
        } else {
            "/me/step-up/push"
        };
        let body = PushCompleteRequest {
            challenge_id: challenge_id.to_owned(),
        };
        Self::new("POST", path, Some(json::encode(&body)))
    }

    pub fn hardware_token(request: &HardwareTokenRequest) -> Self {
        Self::new(
            "POST",
            "/me/methods/hardware-token",
            Some(json::encode(request)),
        )
    }

    /// Sends a code to a phone number to add it (or change one).
    pub fn phone_start(request: &PhoneStartRequest) -> Self {
        Self::new(
            "POST",
            "/me/methods/phone/start",
            Some(json::encode(request)),
        )
    }

    /// Adds the phone (or changes its number) with the code that was sent.
    pub fn phone_finish(request: &CodeFinishRequest) -> Self {
        Self::new("POST", "/me/methods/phone", Some(json::encode(request)))
    }

    /// Sends a code to an email address to add it (or change one).
    pub fn email_start(request: &EmailStartRequest) -> Self {
        Self::new(
            "POST",
            "/me/methods/email/start",
            Some(json::encode(request)),
        )
    }

    /// Adds the email address (or changes it) with the code that was sent.
    pub fn email_finish(request: &CodeFinishRequest) -> Self {
        Self::new("POST", "/me/methods/email", Some(json::encode(request)))
    }

    /// The administrator's security questions in `locale`, and how many to answer.
    pub fn security_questions(locale: &str) -> Self {
        Self::new(
            "GET",
            format!(
                "/me/security-questions?locale={}",
                js_sys::encode_uri_component(locale)
            ),
            None,
        )
    }

    /// Sets the caller's security questions (a new set replaces the old one).
    pub fn security_answers(request: &SecurityAnswersRequest) -> Self {
        Self::new(
            "POST",
            "/me/methods/security-questions",
            Some(json::encode(request)),
        )
    }

    /// A new code for an open enrolment challenge (phone or email).
    pub fn code_resend(request: &ResendRequest) -> Self {
        Self::new("POST", "/me/codes/resend", Some(json::encode(request)))
    }

    /// Sends a code to one of the caller's phones: for a step-up, or (`session`) for
    /// the demo sign-in's second factor.
    pub fn send_code(request: &SendCodeRequest, session: bool) -> Self {
        let path = if session {
            "/session/code"
        } else {
            "/me/step-up/code"
        };
        Self::new("POST", path, Some(json::encode(request)))
    }

    /// The demo's outbox (demo mode only).
    pub fn demo_outbox() -> Self {
        Self::new("GET", "/demo/outbox", None)
    }

    pub fn rename(id: &str, name: &str) -> Self {
        let body = RenameRequest {
            name: name.to_owned(),
        };
        Self::new("PATCH", method_path(id), Some(json::encode(&body)))
    }

    pub fn delete(id: &str) -> Self {
        Self::new("DELETE", method_path(id), None)
    }

    pub fn set_default(request: &SetDefaultRequest) -> Self {
        Self::new("PUT", "/me/default-method", Some(json::encode(request)))
    }

    pub fn step_up(request: &VerifyRequest) -> Self {
        Self::new("POST", "/me/step-up", Some(json::encode(request)))
    }

    pub fn sign_in(request: &SignInRequest) -> Self {
        Self::new("POST", "/session", Some(json::encode(request)))
    }

    pub fn session() -> Self {
        Self::new("GET", "/session", None)
    }

    pub fn sign_out() -> Self {
        Self::new("DELETE", "/session", None)
    }

    pub fn verify_session(request: &VerifyRequest) -> Self {
        Self::new("POST", "/session/verify", Some(json::encode(request)))
    }

    /// Opens a security key ceremony (`{ceremonyId, publicKey, expiresAt}`).
    pub fn key_start(ceremony: KeyCeremony) -> Self {
        Self::new(
            "POST",
            format!("{}/start", ceremony.path()),
            Some("{}".into()),
        )
    }

    /// Finishes it with the browser's credential (`PublicKeyCredential.toJSON()`).
    pub fn key_finish(ceremony: KeyCeremony, ceremony_id: &str, credential: &JsValue) -> Self {
        let body = js_sys::Object::new();
        // Setting properties of a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&body, &"ceremonyId".into(), &ceremony_id.into());
        let _ = js_sys::Reflect::set(&body, &"credential".into(), credential);
        let text = js_sys::JSON::stringify(&body)
            .ok()
            .and_then(|s| s.as_string());
        Self::new("POST", ceremony.path(), text)
    }
}

/// Where a security key ceremony runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCeremony {
    /// Adding a key (answers the new `Method`).
    Register,
    /// A step-up (answers `StepUpResponse`).
    StepUp,
    /// The demo sign-in's second factor (answers `Session`).
    SignIn,
}

impl KeyCeremony {
    fn path(self) -> &'static str {
        match self {
            KeyCeremony::Register => "/me/methods/security-key",
            KeyCeremony::StepUp => "/me/step-up/security-key",
            KeyCeremony::SignIn => "/session/verify/security-key",
        }
    }
}

fn method_path(id: &str) -> String {
    format!("/me/methods/{}", js_sys::encode_uri_component(id))
}
