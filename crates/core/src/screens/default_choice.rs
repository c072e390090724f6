//! Screens A and D: the default sign-in method line and the "Change default method"
//! choices.

use crate::api::{DefaultMethod, Method};
use crate::methods::{DefaultMode, default_options};

/// Every option for the default, in fallback order (push → code → text → call → key).
pub fn options(methods: &[Method]) -> Vec<DefaultMethod> {
    default_options(methods)
        .into_iter()
        .map(|(method_id, mode)| DefaultMethod { method_id, mode })
        .collect()
}

/// What a label for `choice` is made of: the mode and the method's masked detail
/// ("Phone – text +31 6 ••••• 78"). The UI words the mode in its language.
pub fn label_parts<'a>(
    methods: &'a [Method],
    choice: &DefaultMethod,
) -> (DefaultMode, Option<&'a str>) {
    let detail = methods
        .iter()
        .find(|m| m.id == choice.method_id)
        .and_then(|m| m.detail.as_deref());
    (choice.mode, detail)
}

/// `labels` (one per choice) with the method's name added where two read the same:
/// two authenticator apps are both "Authenticator app or hardware token – code".
pub fn distinct_labels(
    methods: &[Method],
    choices: &[DefaultMethod],
    labels: Vec<String>,
) -> Vec<String> {
    labels
        .iter()
        .zip(choices)
        .map(|(label, choice)| {
            let name = methods
                .iter()
                .find(|m| m.id == choice.method_id)
                .map(|m| m.name.as_str());
            match name {
                Some(name) if labels.iter().filter(|l| *l == label).count() > 1 => {
                    format!("{label} ({name})")
                }
                _ => label.clone(),
            }
        })
        .collect()
}

/// The option preselected when the dialog opens: the current default, else the first.
pub fn preselected(choices: &[DefaultMethod], current: Option<&DefaultMethod>) -> usize {
    current
        .and_then(|c| choices.iter().position(|x| x == c))
        .unwrap_or(0)
}

/// What confirming option `selected` asks for: `None` when nothing changes (the
/// dialog just closes), else the new default to send.
pub fn change(
    choices: &[DefaultMethod],
    selected: usize,
    current: Option<&DefaultMethod>,
) -> Option<DefaultMethod> {
    choices
        .get(selected)
        .filter(|c| Some(*c) != current)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::{MethodType, PhoneKind, Usage};

    fn method(id: &str, t: MethodType, name: &str, detail: Option<&str>) -> Method {
        Method {
            id: id.into(),
            method_type: t,
            name: name.into(),
            detail: detail.map(Into::into),
            phone_kind: (t == MethodType::Phone).then_some(PhoneKind::Mobile),
            source: None,
            code_digits: None,
            usable_for: t.usable_for().to_vec(),
            default_modes: t.default_modes(None).to_vec(),
            created_at: 0,
            last_used_at: None,
        }
    }

    fn methods() -> Vec<Method> {
        vec![
            method("a", MethodType::Totp, "Phone app", None),
            method("b", MethodType::Email, "Mail", Some("j•••••@x.nl")),
            method("c", MethodType::Totp, "Token", None),
            method("d", MethodType::Phone, "Mobile", Some("+31 6 ••••• 78")),
        ]
    }

    #[test]
    fn options_follow_the_fallback_order_and_skip_reset_only_methods() {
        let o = options(&methods());
        let pairs: Vec<_> = o.iter().map(|d| (d.method_id.as_str(), d.mode)).collect();
        assert_eq!(
            pairs,
            [
                ("a", DefaultMode::Code),
                ("c", DefaultMode::Code),
                ("d", DefaultMode::Text),
                ("d", DefaultMode::Call)
            ]
        );
        assert_eq!(
            label_parts(&methods(), &o[2]),
            (DefaultMode::Text, Some("+31 6 ••••• 78"))
        );
        assert!(!methods()[1].usable_for.contains(&Usage::Mfa));
    }

    #[test]
    fn equal_labels_get_the_method_name() {
        let m = methods();
        let o = options(&m);
        let labels = vec!["code".into(), "code".into(), "text".into(), "call".into()];
        assert_eq!(
            distinct_labels(&m, &o, labels),
            ["code (Phone app)", "code (Token)", "text", "call"]
        );
    }

    #[test]
    fn confirming_the_current_default_changes_nothing() {
        let o = options(&methods());
        let current = o[2].clone();
        assert_eq!(preselected(&o, Some(&current)), 2);
        assert_eq!(preselected(&o, None), 0);
        assert_eq!(change(&o, 2, Some(&current)), None);
        assert_eq!(change(&o, 3, Some(&current)), Some(o[3].clone()));
        assert_eq!(change(&o, 9, Some(&current)), None);
        assert_eq!(change(&o, 0, None), Some(o[0].clone()));
    }
}
