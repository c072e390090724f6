//! Screen A's delete flow: may the method go, what the confirmation says, which default
//! the server will fall back to, and what to tell the person and the host afterwards.

use crate::api::{DefaultMethod, Method, SecurityInfo};
use crate::methods::{MethodSource, MethodType, fallback_default};

/// Why a delete is refused before asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRefusal {
    /// The policy keeps at least one two-step method and this is the last one.
    LastTwoStepMethod,
}

/// The confirmation dialog's extra warning: an authenticator app's account must also be
/// removed from the app itself (a hardware token has no account to remove: it goes
/// back to the organisation's inventory).
pub fn warns_remove_from_app(method: &Method) -> bool {
    method.method_type.counts_toward_authenticator_limit()
        && method.source != Some(MethodSource::Hardware)
}

/// May `method` be deleted under the user's policy?
pub fn check(info: &SecurityInfo, method: &Method) -> Result<(), DeleteRefusal> {
    let types: Vec<MethodType> = info.methods.iter().map(|m| m.method_type).collect();
    if info.policy.rules().may_delete(method.method_type, &types) {
        Ok(())
    } else {
        Err(DeleteRefusal::LastTwoStepMethod)
    }
}

/// The default after deleting `id`: the current one if it survives, else the first
/// option in fallback order (what the server does; shown before it answers).
pub fn fallback(info: &SecurityInfo, id: &str) -> Option<DefaultMethod> {
    let rest: Vec<Method> = info
        .methods
        .iter()
        .filter(|m| m.id != id)
        .cloned()
        .collect();
    let current = info
        .default_method
        .as_ref()
        .map(|d| (d.method_id.clone(), d.mode));
    fallback_default(&rest, current).map(|(method_id, mode)| DefaultMethod { method_id, mode })
}

/// What follows a successful delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// Add "Also remove the account from the app" to the notice.
    pub remove_from_app: bool,
    /// The default changed (the host's `on_default_change` hears of it).
    pub default_changed: Option<Option<DefaultMethod>>,
}

/// The outcome of deleting `method`, given the default before and the server's answer.
pub fn deleted(
    method: &Method,
    before: Option<&DefaultMethod>,
    after: Option<DefaultMethod>,
) -> Deleted {
    Deleted {
        remove_from_app: warns_remove_from_app(method),
        default_changed: (before != after.as_ref()).then_some(after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::{DefaultMode, MethodType::*};
    use crate::screens::add::tests::info;

    #[test]
    fn the_last_two_step_method_stays_when_the_policy_says_so() {
        let mut i = info(&[Totp, Email]);
        assert_eq!(
            check(&i, &i.methods[0].clone()),
            Err(DeleteRefusal::LastTwoStepMethod)
        );
        assert_eq!(check(&i, &i.methods[1].clone()), Ok(()));
        i.policy.allow_delete_last_mfa_method = true;
        assert_eq!(check(&i, &i.methods[0].clone()), Ok(()));
    }

    #[test]
    fn deleting_the_default_falls_back_in_order() {
        let mut i = info(&[Totp, Email, AuthenticatorPush]);
        i.default_method = Some(DefaultMethod {
            method_id: "m2".into(),
            mode: DefaultMode::Notification,
        });
        assert_eq!(
            fallback(&i, "m2"),
            Some(DefaultMethod {
                method_id: "m0".into(),
                mode: DefaultMode::Code
            })
        );
        assert_eq!(
            fallback(&i, "m0"),
            i.default_method,
            "another method's delete keeps it"
        );
        let only_email = info(&[Email]);
        assert_eq!(fallback(&only_email, "m0"), None);
    }

    #[test]
    fn what_a_delete_reports() {
        let i = info(&[Totp, Email]);
        let before = DefaultMethod {
            method_id: "m0".into(),
            mode: DefaultMode::Code,
        };
        assert_eq!(
            deleted(&i.methods[0], Some(&before), None),
            Deleted {
                remove_from_app: true,
                default_changed: Some(None)
            }
        );
        assert_eq!(
            deleted(&i.methods[1], Some(&before), Some(before.clone())),
            Deleted {
                remove_from_app: false,
                default_changed: None
            }
        );
        let j = info(&[AuthenticatorPush, Phone, Totp]);
        assert!(warns_remove_from_app(&j.methods[0]) && !warns_remove_from_app(&j.methods[1]));
        let mut token = j.methods[2].clone();
        assert!(warns_remove_from_app(&token), "an app");
        token.source = Some(MethodSource::Hardware);
        assert!(
            !warns_remove_from_app(&token),
            "a hardware token has no app"
        );
        assert!(!deleted(&token, None, None).remove_from_app);
    }
}
