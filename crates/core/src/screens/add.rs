//! Screen B: which method types "Add a method" offers, and whether the chosen one may
//! be added (checked before any secret exists; the server checks again).

use crate::CoreError;
use crate::api::SecurityInfo;
use crate::methods::{MethodSource, MethodType};

/// What "Add" opens: the enrolment of a type, and for `totp` where its codes come from
/// (SPEC section 2 lists "Authenticator app or hardware token" as one type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enrolment {
    pub method_type: MethodType,
    /// `None` until chosen, and for types without sources.
    pub source: Option<MethodSource>,
}

impl Enrolment {
    /// The enrolment of `method_type` from the dialog's first screen.
    pub fn of(method_type: MethodType) -> Self {
        Self {
            method_type,
            source: None,
        }
    }

    /// The person still has to choose "Authenticator app" or "Hardware token".
    pub fn needs_source(&self) -> bool {
        self.method_type == MethodType::Totp && self.source.is_none()
    }

    /// The choice made.
    pub fn from(self, source: MethodSource) -> Self {
        Self {
            source: Some(source),
            ..self
        }
    }
}

/// Types this build can enrol that the policy allows and the host offers, in the
/// product's order.
pub fn options(info: &SecurityInfo, host_offers: impl Fn(MethodType) -> bool) -> Vec<MethodType> {
    MethodType::ALL
        .into_iter()
        .filter(|t| t.enrolable() && info.policy.allowed_methods.contains(t) && host_offers(*t))
        .collect()
}

/// Types this build can enrol and the host offers that the policy does not allow: the
/// dialog names them ("Your organization doesn't allow: …").
pub fn not_allowed(
    info: &SecurityInfo,
    host_offers: impl Fn(MethodType) -> bool,
) -> Vec<MethodType> {
    MethodType::ALL
        .into_iter()
        .filter(|t| t.enrolable() && !info.policy.allowed_methods.contains(t) && host_offers(*t))
        .collect()
}

/// May `chosen` be added next to the user's methods under their policy?
pub fn check(info: &SecurityInfo, chosen: MethodType) -> Result<(), CoreError> {
    let existing: Vec<MethodType> = info.methods.iter().map(|m| m.method_type).collect();
    info.policy.rules().check_add(chosen, &existing)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::{Method, Policy, StepUp};

    pub(crate) fn info(types: &[MethodType]) -> SecurityInfo {
        SecurityInfo {
            methods: types
                .iter()
                .enumerate()
                .map(|(i, t)| Method {
                    id: format!("m{i}"),
                    method_type: *t,
                    name: format!("{t} {i}"),
                    detail: None,
                    phone_kind: None,
                    source: None,
                    code_digits: None,
                    usable_for: t.usable_for().to_vec(),
                    default_modes: t.default_modes(None).to_vec(),
                    created_at: i as i64,
                    last_used_at: None,
                })
                .collect(),
            default_method: None,
            policy: Policy {
                allowed_methods: MethodType::ALL.to_vec(),
                max_authenticators: 2,
                allow_delete_last_mfa_method: false,
                step_up_window_secs: 300,
                security_questions_required: 3,
                security_questions: Vec::new(),
                authenticator_name: "Microsoft Authenticator".into(),
            },
            step_up: StepUp {
                required: false,
                fresh_until: None,
            },
            server_time: 0,
            session: None,
        }
    }

    #[test]
    fn offers_what_is_enrolable_allowed_and_offered() {
        let mut i = info(&[]);
        assert_eq!(options(&i, |_| true), MethodType::ALL);
        assert_eq!(not_allowed(&i, |_| true), []);
        assert_eq!(
            options(&i, |t| t != MethodType::Totp),
            [
                MethodType::AuthenticatorPush,
                MethodType::Phone,
                MethodType::SecurityKey,
                MethodType::Email,
                MethodType::SecurityQuestions,
            ]
        );
        i.policy.allowed_methods = vec![MethodType::Totp, MethodType::Email];
        assert_eq!(options(&i, |_| true), [MethodType::Totp, MethodType::Email]);
        assert_eq!(
            not_allowed(&i, |_| true),
            [
                MethodType::AuthenticatorPush,
                MethodType::Phone,
                MethodType::SecurityKey,
                MethodType::SecurityQuestions,
            ]
        );
        // What the host hides is not named either.
        assert_eq!(
            not_allowed(&i, |t| t == MethodType::Phone),
            [MethodType::Phone]
        );
    }

    #[test]
    fn codes_ask_for_their_source_first() {
        let push = Enrolment::of(MethodType::AuthenticatorPush);
        assert!(!push.needs_source());
        let codes = Enrolment::of(MethodType::Totp);
        assert!(codes.needs_source());
        let token = codes.from(MethodSource::Hardware);
        assert!(!token.needs_source());
        assert_eq!(
            (token.method_type, token.source),
            (MethodType::Totp, Some(MethodSource::Hardware))
        );
    }

    #[test]
    fn the_limit_refuses_before_any_secret() {
        let i = info(&[MethodType::Totp, MethodType::AuthenticatorPush]);
        assert_eq!(
            check(&i, MethodType::Totp),
            Err(CoreError::LimitReached { max: 2 })
        );
        assert_eq!(check(&info(&[MethodType::Totp]), MethodType::Totp), Ok(()));
    }
}
