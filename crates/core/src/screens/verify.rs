//! Screen J: which methods "Verify your identity" offers, in which order, and what a
//! typed code must look like for the chosen one.

use crate::api::{DefaultMethod, Method};
use crate::totp::{CodeRefusal, check_code};

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
}
