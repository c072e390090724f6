//! Screen J: which methods "Verify your identity" offers, in which order, and what a
//! typed code must look like for the chosen one.

use crate::api::{DefaultMethod, Method};
use crate::methods::{DefaultMode, MethodType};
use crate::totp::{CodeRefusal, check_code};

/// One way to verify: a method, by a notification (push authenticators) or by a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Way {
    pub method: Method,
    pub by_notification: bool,
}

/// Every way "Sign in another way" lists, in [`choices`] order: a push authenticator
/// twice (its notification, then a code from the app), every other method once.
pub fn ways(choices: &[Method]) -> Vec<Way> {
    choices
        .iter()
        .flat_map(|m| {
            let push = m.method_type == MethodType::AuthenticatorPush;
            [
                push.then(|| Way {
                    method: m.clone(),
                    by_notification: true,
                }),
                Some(Way {
                    method: m.clone(),
                    by_notification: false,
                }),
            ]
        })
        .flatten()
        .collect()
}

/// The way the dialog starts with: the first choice, by notification when it is a push
/// authenticator that is not the default in code mode (a push is sent at once).
pub fn first_way(choices: &[Method], default: Option<&DefaultMethod>) -> Option<Way> {
    let method = choices.first()?.clone();
    let by_notification = method.method_type == MethodType::AuthenticatorPush
        && !default.is_some_and(|d| d.method_id == method.id && d.mode == DefaultMode::Code);
    Some(Way {
        method,
        by_notification,
    })
}

/// The two-step methods, the default first, the rest in registration order.
pub fn choices(methods: &[Method], default: Option<&DefaultMethod>) -> Vec<Method> {
    let is_default = |m: &Method| default.is_some_and(|d| d.method_id == m.id);
    // Two passes instead of a sort: the same stable order without the sort's code in
    // the browser bundle.
    let two_step = || methods.iter().filter(|m| m.method_type.is_two_step());
    two_step()
        .filter(|m| is_default(m))
        .chain(two_step().filter(|m| !is_default(m)))
        .cloned()
        .collect()
}

/// The typed code for `method`, normalised, or why it cannot be sent. `None` when
/// this build cannot verify the method by a code. A method's own digit count (an 8-digit
/// hardware token) wins over its type's.
pub fn typed_code(method: &Method, typed: &str) -> Option<Result<String, CodeRefusal>> {
    let digits = method.method_type.code_digits()?;
    Some(check_code(typed, method.code_digits.unwrap_or(digits)))
}

/// How a code goes to `method` when it is a phone: the default's way when the default
/// is this phone by text or call, else its first way (text for a mobile, call for an
/// office phone). `None` for other methods.
pub fn phone_mode(method: &Method, default: Option<&DefaultMethod>) -> Option<DefaultMode> {
    if method.method_type != MethodType::Phone {
        return None;
    }
    let phone_modes = [DefaultMode::Text, DefaultMode::Call];
    default
        .filter(|d| d.method_id == method.id && phone_modes.contains(&d.mode))
        .map(|d| d.mode)
        .or_else(|| method.default_modes.first().copied())
        .filter(|m| phone_modes.contains(m))
}

/// The code goes out as the dialog opens: the first way is the default phone by text or
/// call (SPEC J).
pub fn sends_at_once(first: Option<&Way>, default: Option<&DefaultMethod>) -> bool {
    first.is_some_and(|w| {
        w.method.method_type == MethodType::Phone
            && default.is_some_and(|d| {
                d.method_id == w.method.id
                    && matches!(d.mode, DefaultMode::Text | DefaultMode::Call)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::{DefaultMode, MethodType::*};
    use crate::screens::add::tests::info;

    #[test]
    fn the_default_comes_first_and_reset_only_methods_are_left_out() {
        let i = info(&[Totp, Email, AuthenticatorPush, Phone]);
        let ids = |list: Vec<Method>| list.into_iter().map(|m| m.id).collect::<Vec<_>>();
        assert_eq!(ids(choices(&i.methods, None)), ["m0", "m2", "m3"]);
        let default = DefaultMethod {
            method_id: "m3".into(),
            mode: DefaultMode::Text,
        };
        assert_eq!(ids(choices(&i.methods, Some(&default))), ["m3", "m0", "m2"]);
    }

    #[test]
    fn a_push_default_starts_with_a_notification_and_lists_its_code_too() {
        let i = info(&[Totp, AuthenticatorPush]);
        let push_default = DefaultMethod {
            method_id: "m1".into(),
            mode: DefaultMode::Notification,
        };
        let c = choices(&i.methods, Some(&push_default));
        let first = first_way(&c, Some(&push_default)).expect("a way");
        assert_eq!(
            (first.method.id.as_str(), first.by_notification),
            ("m1", true)
        );
        let listed: Vec<(String, bool)> = ways(&c)
            .into_iter()
            .map(|w| (w.method.id, w.by_notification))
            .collect();
        assert_eq!(
            listed,
            [
                ("m1".into(), true),
                ("m1".into(), false),
                ("m0".into(), false)
            ]
        );
        // Default in code mode: the code first.
        let code_default = DefaultMethod {
            mode: DefaultMode::Code,
            ..push_default
        };
        let first = first_way(&c, Some(&code_default)).expect("a way");
        assert!(!first.by_notification);
        // A TOTP default: its code.
        assert!(
            !first_way(&choices(&i.methods, None), None)
                .expect("way")
                .by_notification
        );
        assert_eq!(first_way(&[], None), None);
    }

    #[test]
    fn a_phone_is_one_entry_whether_it_gets_texts_or_calls() {
        let mut i = info(&[Phone, Phone, Email, SecurityQuestions]);
        i.methods[1].phone_kind = Some(crate::methods::PhoneKind::Office);
        i.methods[1].default_modes = vec![DefaultMode::Call];
        assert_eq!(
            i.methods[0].default_modes,
            [DefaultMode::Text, DefaultMode::Call]
        );
        let listed: Vec<String> = ways(&choices(&i.methods, None))
            .into_iter()
            .map(|w| w.method.id)
            .collect();
        assert_eq!(listed, ["m0", "m1"], "one per phone, no reset-only method");
    }

    #[test]
    fn codes_are_checked_for_code_methods_only() {
        let i = info(&[Totp, Phone]);
        assert_eq!(
            typed_code(&i.methods[0], "123 456"),
            Some(Ok("123456".into()))
        );
        assert_eq!(
            typed_code(&i.methods[0], "12345"),
            Some(Err(CodeRefusal::Malformed { digits: 6 }))
        );
        // A phone's code is sent to it; it is typed the same way.
        assert_eq!(
            typed_code(&i.methods[1], "123-456"),
            Some(Ok("123456".into()))
        );
        let email = info(&[Email]);
        assert_eq!(typed_code(&email.methods[0], "123456"), None);
        let token = Method {
            code_digits: Some(8),
            ..i.methods[0].clone()
        };
        assert_eq!(typed_code(&token, "1234 5678"), Some(Ok("12345678".into())));
        assert_eq!(
            typed_code(&token, "123456"),
            Some(Err(CodeRefusal::Malformed { digits: 8 }))
        );
    }

    #[test]
    fn a_default_phone_sends_its_code_at_once_its_own_way() {
        let mut i = info(&[Phone, Totp]);
        i.methods[0].phone_kind = Some(crate::methods::PhoneKind::Office);
        i.methods[0].default_modes = vec![DefaultMode::Call];
        let call = DefaultMethod {
            method_id: "m0".into(),
            mode: DefaultMode::Call,
        };
        let c = choices(&i.methods, Some(&call));
        let first = first_way(&c, Some(&call));
        assert!(sends_at_once(first.as_ref(), Some(&call)));
        assert_eq!(phone_mode(&c[0], Some(&call)), Some(DefaultMode::Call));
        assert_eq!(phone_mode(&c[1], Some(&call)), None, "not a phone");
        // Not the default: nothing is sent before the person asks; its first way.
        let code = DefaultMethod {
            method_id: "m1".into(),
            mode: DefaultMode::Code,
        };
        let c = choices(&i.methods, Some(&code));
        assert!(!sends_at_once(
            first_way(&c, Some(&code)).as_ref(),
            Some(&code)
        ));
        assert_eq!(
            phone_mode(&i.methods[0], Some(&code)),
            Some(DefaultMode::Call)
        );
        let mobile = info(&[Phone]);
        let text = DefaultMethod {
            method_id: "m0".into(),
            mode: DefaultMode::Text,
        };
        assert_eq!(
            phone_mode(&mobile.methods[0], Some(&text)),
            Some(DefaultMode::Text)
        );
        assert!(!sends_at_once(None, Some(&text)));
    }
}
