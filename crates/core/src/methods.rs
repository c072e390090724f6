//! The method rules of the product: what each method type may be used
//! for, what counts toward the authenticator limit, and which method becomes the default.

use crate::CoreError;
use serde::{Deserialize, Serialize};

/// A kind of sign-in / password-reset method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodType {
    /// Authenticator app with push notifications (and codes).
    AuthenticatorPush,
    /// Any RFC 6238 authenticator app or hardware token: codes only.
    Totp,
    /// Mobile phone (text or call) or office phone (call).
    Phone,
    /// FIDO2 security key with PIN.
    SecurityKey,
    /// Email: password reset only.
    Email,
    /// Security questions: password reset only.
    SecurityQuestions,
}

/// What a method may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    /// Two-step verification (multi-factor authentication).
    Mfa,
    /// Self-service password reset.
    Sspr,
}

/// How a default sign-in method is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DefaultMode {
    Notification,
    Code,
    Text,
    Call,
    Key,
}

/// Whether a phone can receive texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Office,
}

/// Where a `totp` method's codes come from: SPEC section 2 lists "Authenticator app or
/// hardware token" as one type; the list and the limit message tell them apart by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodSource {
    App,
    Hardware,
}

impl MethodSource {
    pub const ALL: [MethodSource; 2] = [MethodSource::App, MethodSource::Hardware];

    pub fn as_str(self) -> &'static str {
        match self {
            MethodSource::App => "app",
            MethodSource::Hardware => "hardware",
        }
    }
}

/// A hardware token's serial number as the list shows it: its last four characters
/// (what is printed large on the back of most tokens), the rest masked.
pub fn mask_serial(serial: &str) -> String {
    let chars: Vec<char> = serial.trim().chars().collect();
    let shown: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    if chars.len() <= 4 {
        "••••".to_owned()
    } else {
        format!("••••{shown}")
    }
}

impl MethodType {
    pub const ALL: [MethodType; 6] = [
        MethodType::AuthenticatorPush,
        MethodType::Totp,
        MethodType::Phone,
        MethodType::SecurityKey,
        MethodType::Email,
        MethodType::SecurityQuestions,
    ];

    /// The API name (`authenticator_push`, `totp`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            MethodType::AuthenticatorPush => "authenticator_push",
            MethodType::Totp => "totp",
            MethodType::Phone => "phone",
            MethodType::SecurityKey => "security_key",
            MethodType::Email => "email",
            MethodType::SecurityQuestions => "security_questions",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn usable_for(self) -> &'static [Usage] {
        match self {
            MethodType::Email | MethodType::SecurityQuestions => &[Usage::Sspr],
            _ => &[Usage::Mfa, Usage::Sspr],
        }
    }

    /// Usable for two-step verification (and so as default sign-in method and step-up).
    pub fn is_two_step(self) -> bool {
        self.usable_for().contains(&Usage::Mfa)
    }

    /// Usable for self-service password reset.
    pub fn usable_for_reset(self) -> bool {
        self.usable_for().contains(&Usage::Sspr)
    }

    /// This build has an enrolment path for the type (UI and server). A new method type
    /// becomes enrolable here, in one place, when its `methods/<type>` folders land.
    pub fn enrolable(self) -> bool {
        matches!(
            self,
            MethodType::AuthenticatorPush
                | MethodType::Totp
                | MethodType::SecurityKey
                | MethodType::Phone
                | MethodType::Email
                | MethodType::SecurityQuestions
        )
    }

    /// "Change" in the list: a new number, address or set of questions is enrolled
    /// (verified first) and replaces the method's; other types are deleted and added.
    pub fn changeable(self) -> bool {
        matches!(
            self,
            MethodType::Phone | MethodType::Email | MethodType::SecurityQuestions
        )
    }

    /// Digits of the one-time codes that prove the method, when it is proven by a typed
    /// code (step-up, sign-in); `None` for methods proven otherwise (or not yet at all).
    pub fn code_digits(self) -> Option<u8> {
        match self {
            // The enrolment default of the server (`TotpParams::default()`).
            MethodType::AuthenticatorPush | MethodType::Totp => Some(6),
            // A code the server texts or reads out (`phone::CODE_DIGITS`).
            MethodType::Phone => Some(crate::phone::CODE_DIGITS),
            _ => None,
        }
    }

    /// Step-up and sign-in can check a typed code for this type in this build.
    pub fn verifiable_by_code(self) -> bool {
        self.code_digits().is_some()
    }

    /// Step-up and sign-in verify this type with a WebAuthn assertion (the key is touched
    /// and its PIN entered) instead of a typed code.
    pub fn verifiable_by_key(self) -> bool {
        self == MethodType::SecurityKey
    }

    /// Step-up and sign-in can verify this type in this build, by a code or by a key.
    pub fn verifiable(self) -> bool {
        self.verifiable_by_code() || self.verifiable_by_key()
    }

    /// Authenticator apps and hardware tokens count toward the per-user limit.
    pub fn counts_toward_authenticator_limit(self) -> bool {
        matches!(self, MethodType::AuthenticatorPush | MethodType::Totp)
    }

    /// The ways a method of this type can serve as default sign-in method, best first.
    pub fn default_modes(self, phone: Option<PhoneKind>) -> &'static [DefaultMode] {
        match (self, phone) {
            (MethodType::AuthenticatorPush, _) => &[DefaultMode::Notification, DefaultMode::Code],
            (MethodType::Totp, _) => &[DefaultMode::Code],
            (MethodType::Phone, Some(PhoneKind::Office)) => &[DefaultMode::Call],
            (MethodType::Phone, _) => &[DefaultMode::Text, DefaultMode::Call],
            (MethodType::SecurityKey, _) => &[DefaultMode::Key],
            (MethodType::Email | MethodType::SecurityQuestions, _) => &[],
        }
    }
}

impl Usage {
    pub const ALL: [Usage; 2] = [Usage::Mfa, Usage::Sspr];

    /// The API name (`mfa`, `sspr`).
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Mfa => "mfa",
            Usage::Sspr => "sspr",
        }
    }
}

impl PhoneKind {
    pub const ALL: [PhoneKind; 2] = [PhoneKind::Mobile, PhoneKind::Office];

    /// The API name (`mobile`, `office`).
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Office => "office",
        }
    }
}

impl DefaultMode {
    /// Every mode, in the fallback order after a delete (notification → code → text →
    /// call → security key).
    pub const ALL: [DefaultMode; 5] = [
        DefaultMode::Notification,
        DefaultMode::Code,
        DefaultMode::Text,
        DefaultMode::Call,
        DefaultMode::Key,
    ];

    /// The API name (`notification`, `code`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultMode::Notification => "notification",
            DefaultMode::Code => "code",
            DefaultMode::Text => "text",
            DefaultMode::Call => "call",
            DefaultMode::Key => "key",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl std::fmt::Display for MethodType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rules need to know of a registered method.
pub trait MethodFacts {
    type Id: Clone + PartialEq;
    fn id(&self) -> Self::Id;
    fn method_type(&self) -> MethodType;
    fn phone_kind(&self) -> Option<PhoneKind> {
        None
    }
}

/// Every (method, mode) pair that may be the default, in fallback order; among equals
/// the earlier-registered method (earlier in `methods`) comes first.
pub fn default_options<M: MethodFacts>(methods: &[M]) -> Vec<(M::Id, DefaultMode)> {
    // One pass per mode in fallback order rather than a sort: the same order, without
    // the sort's code in the browser bundle.
    DefaultMode::ALL
        .iter()
        .flat_map(|&mode| {
            methods
                .iter()
                .filter(move |m| {
                    m.method_type()
                        .default_modes(m.phone_kind())
                        .contains(&mode)
                })
                .map(move |m| (m.id(), mode))
        })
        .collect()
}

/// The default after `methods` changed (a delete, or a default that no longer exists):
/// the current one if it is still valid, else the first of [`default_options`].
pub fn fallback_default<M: MethodFacts>(
    methods: &[M],
    current: Option<(M::Id, DefaultMode)>,
) -> Option<(M::Id, DefaultMode)> {
    let options = default_options(methods);
    match current {
        Some(c) if options.contains(&c) => Some(c),
        _ => options.into_iter().next(),
    }
}

/// The default after adding `added`: a push authenticator always becomes the default;
/// otherwise the first two-step method does when there is none yet.
pub fn default_after_add<M: MethodFacts>(
    current: Option<(M::Id, DefaultMode)>,
    added: &M,
) -> Option<(M::Id, DefaultMode)> {
    let first_mode = added
        .method_type()
        .default_modes(added.phone_kind())
        .first()
        .copied();
    match (added.method_type(), current, first_mode) {
        (MethodType::AuthenticatorPush, _, Some(mode)) => Some((added.id(), mode)),
        (_, None, Some(mode)) => Some((added.id(), mode)),
        (_, current, _) => current,
    }
}

/// The organisation's policy as far as the rules are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub allowed: Vec<MethodType>,
    pub max_authenticators: u32,
    pub allow_delete_last_mfa_method: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            allowed: MethodType::ALL.to_vec(),
            max_authenticators: 5,
            allow_delete_last_mfa_method: true,
        }
    }
}

impl Rules {
    /// May a method of type `adding` be added next to `existing`? Checked before any
    /// secret is generated, and again by the server inside its transaction.
    pub fn check_add(&self, adding: MethodType, existing: &[MethodType]) -> Result<(), CoreError> {
        if !self.allowed.contains(&adding) {
            return Err(CoreError::NotAllowedByPolicy(adding));
        }
        if adding.counts_toward_authenticator_limit() {
            let count = existing
                .iter()
                .filter(|t| t.counts_toward_authenticator_limit())
                .count();
            if count >= self.max_authenticators as usize {
                return Err(CoreError::LimitReached {
                    max: self.max_authenticators,
                });
            }
        }
        Ok(())
    }

    /// May `deleting` be deleted from `existing` (which contains it)?
    pub fn may_delete(&self, deleting: MethodType, existing: &[MethodType]) -> bool {
        if self.allow_delete_last_mfa_method || !deleting.is_two_step() {
            return true;
        }
        existing.iter().filter(|t| t.is_two_step()).count() > 1
    }
}

/// The English limit message, word for word as the product says it (the UI translates its own; the server
/// uses this as the problem `detail`).
pub fn limit_reached_message(product: &str, max: u32) -> String {
    format!(
        "You can't set up {product} because you already have {} authenticator apps or hardware tokens. \
         Please contact your administrator to delete one of your authenticator apps or hardware tokens.",
        english_number(max)
    )
}

/// Small numbers in words, as the message is written; larger ones in digits.
pub fn english_number(n: u32) -> String {
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .get(n as usize)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Small numbers in Dutch words, for the translated limit message; larger ones in digits.
pub fn dutch_number(n: u32) -> String {
    const WORDS: [&str; 11] = [
        "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
    ];
    WORDS
        .get(n as usize)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Normalises an email address as typed: trimmed, the domain lower-cased; refuses what
/// cannot be one address (no `@`, spaces or control characters, an empty part, a domain
/// without a dot, over 254 characters). The server re-checks.
pub fn normalize_email(input: &str) -> Result<String, CoreError> {
    let address = input.trim();
    let (local, domain) = address.rsplit_once('@').ok_or(CoreError::InvalidEmail)?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && address.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && !local.contains('@');
    if valid {
        Ok(format!("{local}@{}", domain.to_lowercase()))
    } else {
        Err(CoreError::InvalidEmail)
    }
}

/// Masks an email address for display: `jan.jansen@contoso.nl` → `j•••••@contoso.nl`.
pub fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••••@{domain}")
        }
        _ => "•••••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MethodType::*;

    struct M(u32, MethodType, Option<PhoneKind>);
    impl MethodFacts for M {
        type Id = u32;
        fn id(&self) -> u32 {
            self.0
        }
        fn method_type(&self) -> MethodType {
            self.1
        }
        fn phone_kind(&self) -> Option<PhoneKind> {
            self.2
        }
    }

    #[test]
    fn usage_table_matches_the_spec() {
        let table = [
            (AuthenticatorPush, true, true, true),
            (Totp, true, true, true),
            (Phone, true, true, false),
            (SecurityKey, true, true, false),
            (Email, false, true, false),
            (SecurityQuestions, false, true, false),
        ];
        for (t, mfa, sspr, counts) in table {
            assert_eq!(t.is_two_step(), mfa, "{t}");
            assert_eq!(t.usable_for().contains(&Usage::Sspr), sspr, "{t}");
            assert_eq!(t.counts_toward_authenticator_limit(), counts, "{t}");
            assert_eq!(MethodType::parse(t.as_str()), Some(t));
            assert_eq!(t.default_modes(None).is_empty(), !mfa);
            assert_eq!(t.usable_for_reset(), sspr, "{t}");
        }
        for mode in DefaultMode::ALL {
            assert_eq!(DefaultMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(DefaultMode::parse("push"), None);
    }

    #[test]
    fn capabilities_of_this_build() {
        let enrolable: Vec<_> = MethodType::ALL
            .into_iter()
            .filter(|t| t.enrolable())
            .collect();
        assert_eq!(enrolable, MethodType::ALL);
        // A security key is proven by touching it, never by a code, and never counts
        // toward the authenticator limit.
        assert!(SecurityKey.verifiable_by_key() && SecurityKey.verifiable());
        assert!(!SecurityKey.verifiable_by_code());
        assert!(!SecurityKey.counts_toward_authenticator_limit());
        assert!(!Totp.verifiable_by_key() && Totp.verifiable());
        assert!(!Email.verifiable());
        for t in MethodType::ALL {
            // Whatever is proven by a code is a two-step method with 6-digit codes (a
            // phone's are sent, the apps' computed).
            if t.verifiable_by_code() {
                assert!(t.is_two_step(), "{t}");
                assert_eq!(t.code_digits(), Some(6), "{t}");
            }
        }
        assert!(!Email.verifiable_by_code());
        let changeable: Vec<_> = MethodType::ALL
            .into_iter()
            .filter(|t| t.changeable())
            .collect();
        assert_eq!(changeable, [Phone, Email, SecurityQuestions]);
    }

    #[test]
    fn reset_only_types_are_never_a_default_or_a_two_step_option() {
        for t in [Email, SecurityQuestions] {
            assert!(t.enrolable(), "{t}");
            assert!(!t.is_two_step() && t.usable_for_reset(), "{t}");
            assert!(!t.verifiable(), "{t}: never offered to verify");
            assert!(t.default_modes(None).is_empty(), "{t}");
            assert!(t.default_modes(Some(PhoneKind::Mobile)).is_empty(), "{t}");
        }
        let only_reset = [M(1, Email, None), M(2, SecurityQuestions, None)];
        assert_eq!(default_options(&only_reset), []);
        assert_eq!(
            fallback_default(&only_reset, Some((1, DefaultMode::Text))),
            None
        );
        assert_eq!(
            default_after_add(None, &M(2, SecurityQuestions, None)),
            None
        );
        let with_app = [M(1, Email, None), M(3, Totp, None)];
        assert_eq!(default_options(&with_app), [(3, DefaultMode::Code)]);
    }

    #[test]
    fn sixth_authenticator_is_refused() {
        let rules = Rules::default();
        let five = [Totp, AuthenticatorPush, Totp, Totp, Totp, Phone, Email];
        assert_eq!(
            rules.check_add(Totp, &five),
            Err(CoreError::LimitReached { max: 5 })
        );
        assert_eq!(
            rules.check_add(AuthenticatorPush, &five),
            Err(CoreError::LimitReached { max: 5 })
        );
        assert_eq!(rules.check_add(Phone, &five), Ok(()), "phones do not count");
        assert_eq!(rules.check_add(Totp, &five[1..]), Ok(()));
        let strict = Rules {
            allowed: vec![Totp],
            ..Rules::default()
        };
        assert_eq!(
            strict.check_add(Email, &[]),
            Err(CoreError::NotAllowedByPolicy(Email))
        );
    }

    #[test]
    fn limit_message_is_exact() {
        assert_eq!(
            limit_reached_message("Microsoft Authenticator", 5),
            "You can't set up Microsoft Authenticator because you already have five authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens."
        );
        assert!(limit_reached_message("X", 12).contains("have 12 authenticator"));
    }

    #[test]
    fn fallback_order_is_push_code_text_call_key() {
        let methods = [
            M(1, SecurityKey, None),
            M(2, Phone, Some(PhoneKind::Office)),
            M(3, Phone, Some(PhoneKind::Mobile)),
            M(4, Totp, None),
            M(5, Email, None),
            M(6, AuthenticatorPush, None),
        ];
        assert_eq!(
            default_options(&methods),
            vec![
                (6, DefaultMode::Notification),
                (4, DefaultMode::Code),
                (6, DefaultMode::Code),
                (3, DefaultMode::Text),
                (2, DefaultMode::Call),
                (3, DefaultMode::Call),
                (1, DefaultMode::Key),
            ]
        );
        // Deleting the default push app falls back to the code app.
        let after: Vec<_> = methods.into_iter().filter(|m| m.0 != 6).collect();
        assert_eq!(
            fallback_default(&after, Some((6, DefaultMode::Notification))),
            Some((4, DefaultMode::Code))
        );
        // A still-valid default stays.
        assert_eq!(
            fallback_default(&after, Some((2, DefaultMode::Call))),
            Some((2, DefaultMode::Call))
        );
        assert_eq!(fallback_default(&[M(9, Email, None)], None), None);
    }

    #[test]
    fn first_two_step_method_and_push_become_default() {
        assert_eq!(default_after_add(None, &M(1, Email, None)), None);
        assert_eq!(
            default_after_add(None, &M(2, Totp, None)),
            Some((2, DefaultMode::Code))
        );
        let current = Some((2, DefaultMode::Code));
        assert_eq!(
            default_after_add(current, &M(3, Phone, Some(PhoneKind::Mobile))),
            current
        );
        assert_eq!(
            default_after_add(current, &M(4, AuthenticatorPush, None)),
            Some((4, DefaultMode::Notification))
        );
    }

    #[test]
    fn deleting_the_last_two_step_method_follows_policy() {
        let forbid = Rules {
            allow_delete_last_mfa_method: false,
            ..Rules::default()
        };
        assert!(!forbid.may_delete(Totp, &[Totp, Email]));
        assert!(forbid.may_delete(Totp, &[Totp, Phone]));
        assert!(forbid.may_delete(Email, &[Totp, Email]));
        assert!(Rules::default().may_delete(Totp, &[Totp]));
    }

    #[test]
    fn dutch_numbers() {
        assert_eq!(dutch_number(5), "vijf");
        assert_eq!(dutch_number(12), "12");
    }

    #[test]
    fn masks_email() {
        assert_eq!(mask_email("jan.jansen@contoso.nl"), "j•••••@contoso.nl");
        assert_eq!(mask_email("é@x.y"), "é•••••@x.y");
        assert_eq!(mask_email("nope"), "•••••");
    }

    #[test]
    fn email_addresses_are_checked_and_normalised() {
        assert_eq!(
            normalize_email("  Jan.Jansen@Contoso.NL ").as_deref(),
            Ok("Jan.Jansen@contoso.nl")
        );
        for bad in [
            "",
            "jan",
            "@contoso.nl",
            "jan@",
            "jan@contoso",
            "jan @x.nl",
            "a@b@c.nl",
            "jan@.nl",
            "<jan@x.nl>",
        ] {
            assert_eq!(normalize_email(bad), Err(CoreError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn serials_show_their_last_four_characters_only() {
        assert_eq!(mask_serial("GALT12345678"), "••••5678");
        assert_eq!(mask_serial(" 1234 "), "••••");
        assert_eq!(mask_serial(""), "••••");
        assert_eq!(mask_serial("AB12C"), "••••B12C");
    }
}
