//! Screen I: adding a security key or passkey, and what a failed WebAuthn ceremony
//! (registration, step-up, sign-in) tells the person. The browser's side is only
//! `navigator.credentials.create`/`get`; everything decided about it is here.

use crate::api::{ErrorCode, Method, Problem};

/// The steps of the "Security key" dialog.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stage {
    /// What you need, and that you will be asked for your PIN.
    #[default]
    Intro,
    /// "Touch your security key": the ceremony is under way (or failed, to retry).
    Touching,
    /// The key is registered; name it.
    Naming(Method),
}

/// Why a WebAuthn ceremony did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFailure {
    /// The browser has no WebAuthn (or not its JSON methods).
    Unsupported,
    /// The person cancelled (or closed the browser's prompt).
    Cancelled,
    /// Nobody touched a key in time.
    TimedOut,
    /// This key is registered already.
    AlreadyRegistered,
    /// The page's origin does not fit the relying party.
    WrongOrigin,
    /// The key has no PIN (or biometric) to verify the person.
    NoUserVerification,
    /// The key's counter went back: it may be a copy.
    Cloned,
    /// Anything else the browser or the server refused.
    Rejected,
}

impl KeyFailure {
    /// From the `DOMException` name the browser rejected with, and how long the ceremony
    /// ran against its timeout (both in milliseconds): browsers report a timeout and a
    /// cancel with the same `NotAllowedError`.
    pub fn from_browser(name: &str, elapsed_ms: f64, timeout_ms: f64) -> KeyFailure {
        match name {
            "InvalidStateError" => KeyFailure::AlreadyRegistered,
            "SecurityError" => KeyFailure::WrongOrigin,
            // A key that cannot verify its user when verification is required.
            "ConstraintError" => KeyFailure::NoUserVerification,
            "NotSupportedError" => KeyFailure::Unsupported,
            "NotAllowedError" | "AbortError" | "TimeoutError"
                if timeout_ms > 0.0 && elapsed_ms >= timeout_ms - 1000.0 =>
            {
                KeyFailure::TimedOut
            }
            "NotAllowedError" | "AbortError" => KeyFailure::Cancelled,
            "TimeoutError" => KeyFailure::TimedOut,
            _ => KeyFailure::Rejected,
        }
    }

    /// From the server's refusal of the key's answer; `None` for problems that are not
    /// about the key (the general message then applies).
    pub fn from_problem(problem: &Problem) -> Option<KeyFailure> {
        Some(match problem.code {
            ErrorCode::KeyAlreadyRegistered => KeyFailure::AlreadyRegistered,
            ErrorCode::UserVerificationRequired => KeyFailure::NoUserVerification,
            ErrorCode::KeyCloned => KeyFailure::Cloned,
            ErrorCode::Expired => KeyFailure::TimedOut,
            ErrorCode::KeyRejected
                if problem
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.contains("origin")) =>
            {
                KeyFailure::WrongOrigin
            }
            ErrorCode::KeyRejected => KeyFailure::Rejected,
            _ => return None,
        })
    }

    /// Trying again with the same key may work.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            KeyFailure::Cancelled | KeyFailure::TimedOut | KeyFailure::Rejected
        )
    }
}

/// The name the naming step suggests: the key's model when the server knew its AAGUID
/// (the method's detail), else the generic name in the person's language.
pub fn suggested_name(method: &Method, generic: &str) -> String {
    method.detail.clone().unwrap_or_else(|| generic.to_owned())
}

/// The name to save: trimmed; `None` when nothing needs saving (unchanged or empty,
/// which keeps the name the key has).
pub fn name_to_save(method: &Method, typed: &str) -> Option<String> {
    let typed = typed.trim();
    (!typed.is_empty() && typed != method.name).then(|| typed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::MethodType;
    use crate::screens::add::tests::info;

    #[test]
    fn browser_failures_are_told_apart() {
        use KeyFailure::*;
        assert_eq!(
            KeyFailure::from_browser("InvalidStateError", 10.0, 120_000.0),
            AlreadyRegistered
        );
        assert_eq!(
            KeyFailure::from_browser("SecurityError", 10.0, 120_000.0),
            WrongOrigin
        );
        assert_eq!(
            KeyFailure::from_browser("ConstraintError", 10.0, 120_000.0),
            NoUserVerification
        );
        assert_eq!(
            KeyFailure::from_browser("NotAllowedError", 900.0, 120_000.0),
            Cancelled
        );
        assert_eq!(
            KeyFailure::from_browser("NotAllowedError", 119_500.0, 120_000.0),
            TimedOut
        );
        assert_eq!(
            KeyFailure::from_browser("NotAllowedError", 900.0, 0.0),
            Cancelled
        );
        assert_eq!(KeyFailure::from_browser("TimeoutError", 5.0, 0.0), TimedOut);
        assert_eq!(
            KeyFailure::from_browser("NotSupportedError", 5.0, 0.0),
            Unsupported
        );
        assert_eq!(KeyFailure::from_browser("UnknownError", 5.0, 0.0), Rejected);
        assert!(Cancelled.retryable() && TimedOut.retryable());
        assert!(!AlreadyRegistered.retryable() && !NoUserVerification.retryable());
    }

    #[test]
    fn server_refusals_are_told_apart() {
        use KeyFailure::*;
        let of = |code, detail: Option<&str>| {
            let mut p = Problem::new(code);
            p.detail = detail.map(str::to_owned);
            KeyFailure::from_problem(&p)
        };
        assert_eq!(
            of(ErrorCode::KeyAlreadyRegistered, None),
            Some(AlreadyRegistered)
        );
        assert_eq!(
            of(ErrorCode::UserVerificationRequired, None),
            Some(NoUserVerification)
        );
        assert_eq!(of(ErrorCode::KeyCloned, None), Some(Cloned));
        assert_eq!(of(ErrorCode::Expired, None), Some(TimedOut));
        assert_eq!(
            of(
                ErrorCode::KeyRejected,
                Some("the page's origin is not allowed")
            ),
            Some(WrongOrigin)
        );
        assert_eq!(
            of(ErrorCode::KeyRejected, Some("bad signature")),
            Some(Rejected)
        );
        assert_eq!(of(ErrorCode::StepUpRequired, None), None);
    }

    #[test]
    fn naming_suggests_the_model_and_saves_only_a_change() {
        let mut key = info(&[MethodType::SecurityKey]).methods[0].clone();
        key.name = "Security key".into();
        assert_eq!(
            suggested_name(&key, "Beveiligingssleutel"),
            "Beveiligingssleutel"
        );
        key.detail = Some("YubiKey 5 Series".into());
        assert_eq!(suggested_name(&key, "Security key"), "YubiKey 5 Series");
        assert_eq!(name_to_save(&key, "  Security key "), None);
        assert_eq!(name_to_save(&key, "   "), None);
        assert_eq!(name_to_save(&key, " Blue key "), Some("Blue key".into()));
        assert_eq!(Stage::default(), Stage::Intro);
    }
}
