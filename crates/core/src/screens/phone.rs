//! Adding a phone (SPEC section 2, D): a mobile number (code by text or call) or an
//! office phone (call, optional extension). The person picks a country or region and
//! types the national number; the core joins them into E.164 (the server is the
//! authority and checks again), the server sends a 6-digit code, the person types it.
//! "Resend" waits for the cool-down the server announced (`CodeSent::resend_at`).

use crate::api::{CodeFinishRequest, CodeSent, ErrorCode, PhoneStartRequest, Problem};
use crate::methods::{DefaultMode, PhoneKind};
use crate::phone::{CODE_DIGITS, country, e164_for_country, valid_extension};
use crate::totp::check_code;

/// Why the dialog did not go on, as it words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No country or region picked (or one the table does not have).
    CountryMissing,
    /// The number is not a phone number of the picked country (or not E.164).
    NumberInvalid,
    /// Not an email address (the email dialog shares the code screen and its refusals).
    AddressInvalid,
    /// An office extension is 1 to 10 digits.
    ExtensionInvalid,
    /// The code is not 6 digits (nothing was sent).
    CodeMalformed,
    /// The server says the code is wrong.
    CodeWrong,
    /// The code expired or too many wrong codes were typed: ask for a new one.
    CodeExpired,
    /// Too many codes or attempts: wait this many seconds (`Retry-After`).
    RateLimited(u64),
    /// The code could not be sent (the provider refused or is down).
    DeliveryFailed,
}

impl Refusal {
    /// The refusal for a problem the server answered, `None` for problems that are not
    /// about the phone (the general message for them is shown).
    pub fn from_problem(problem: &Problem) -> Option<Self> {
        Some(match problem.code {
            ErrorCode::Validation => Refusal::NumberInvalid,
            ErrorCode::InvalidCode => Refusal::CodeWrong,
            ErrorCode::Expired | ErrorCode::CodeReused | ErrorCode::NotFound => {
                Refusal::CodeExpired
            }
            ErrorCode::RateLimited => Refusal::RateLimited(problem.retry_after.unwrap_or(30)),
            ErrorCode::DeliveryFailed => Refusal::DeliveryFailed,
            _ => return None,
        })
    }

    /// The refusal is about the typed number (`aria-invalid` on it).
    pub fn about_number(&self) -> bool {
        matches!(
            self,
            Refusal::CountryMissing | Refusal::NumberInvalid | Refusal::AddressInvalid
        )
    }

    /// The refusal is about the typed code.
    pub fn about_code(&self) -> bool {
        matches!(self, Refusal::CodeMalformed | Refusal::CodeWrong)
    }
}

/// What the person chose on the number screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberForm {
    /// ISO code of the picked country or region.
    pub country: String,
    /// The national number as typed.
    pub national: String,
    pub kind: PhoneKind,
    /// Mobile phones: text or call; office phones always call.
    pub mode: DefaultMode,
    /// Office phones only.
    pub extension: String,
}

impl NumberForm {
    /// An empty form for a mobile phone by text in the region of `locale` (`nl-NL`,
    /// `nl`: the Netherlands; `en-GB`: the United Kingdom; otherwise the United States).
    pub fn new(locale: &str) -> Self {
        Self {
            country: default_country(locale).to_owned(),
            national: String::new(),
            kind: PhoneKind::Mobile,
            mode: DefaultMode::Text,
            extension: String::new(),
        }
    }

    /// The start request for what was typed, or why not.
    pub fn request(
        &self,
        replaces: Option<String>,
        locale: Option<String>,
    ) -> Result<PhoneStartRequest, Refusal> {
        let country = country(&self.country).ok_or(Refusal::CountryMissing)?;
        let number =
            e164_for_country(country, &self.national).map_err(|_| Refusal::NumberInvalid)?;
        let (mode, extension) = match self.kind {
            PhoneKind::Mobile => (self.mode, None),
            PhoneKind::Office => {
                let extension = self.extension.trim();
                if !extension.is_empty() && !valid_extension(extension) {
                    return Err(Refusal::ExtensionInvalid);
                }
                (
                    DefaultMode::Call,
                    (!extension.is_empty()).then(|| extension.to_owned()),
                )
            }
        };
        Ok(PhoneStartRequest {
            phone_kind: self.kind,
            number,
            extension,
            mode,
            replaces,
            locale,
        })
    }
}

/// The picker's first choice for `locale`: the region it names, else its language's
/// country for Dutch, else the United States.
pub fn default_country(locale: &str) -> &'static str {
    let region = locale.split(['-', '_']).nth(1).and_then(country);
    match region {
        Some(c) => c.iso,
        None if locale.to_ascii_lowercase().starts_with("nl") => "NL",
        None => "US",
    }
}

/// The finish request for the typed code of the sent challenge (`None`: not 6 digits).
pub fn finish_request(sent: &CodeSent, code: &str) -> Result<CodeFinishRequest, Refusal> {
    let digits = if sent.code_digits == 0 {
        CODE_DIGITS
    } else {
        sent.code_digits
    };
    let code = check_code(code, digits).map_err(|_| Refusal::CodeMalformed)?;
    Ok(CodeFinishRequest {
        challenge_id: sent.challenge_id.clone(),
        code,
        name: None,
    })
}

/// Seconds from the moment the answer arrived until "Resend" is allowed, by the
/// server's clock (the browser's may be off): 0 when it is allowed already.
pub fn resend_wait(sent: &CodeSent) -> u64 {
    u64::try_from(sent.resend_at.saturating_sub(sent.server_time)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(country: &str, national: &str, kind: PhoneKind) -> NumberForm {
        NumberForm {
            country: country.into(),
            national: national.into(),
            kind,
            mode: DefaultMode::Text,
            extension: String::new(),
        }
    }

    fn sent() -> CodeSent {
        CodeSent {
            challenge_id: "c1".into(),
            detail: "+31 6 ••••• 78".into(),
            mode: DefaultMode::Text,
            code_digits: 6,
            expires_at: 1_000_600,
            resend_at: 1_000_030,
            server_time: 1_000_000,
        }
    }

    #[test]
    fn a_mobile_number_joins_country_and_national_number_into_e164() {
        let request = form("NL", "06 1234 5678", PhoneKind::Mobile)
            .request(None, Some("nl".into()))
            .unwrap();
        assert_eq!(request.number, "+31612345678");
        assert_eq!(request.mode, DefaultMode::Text);
        assert_eq!(request.extension, None);
        assert_eq!(request.locale.as_deref(), Some("nl"));
        let mut by_call = form("IT", "06 1234 5678", PhoneKind::Mobile);
        by_call.mode = DefaultMode::Call;
        let request = by_call.request(Some("m1".into()), None).unwrap();
        assert_eq!(request.number, "+390612345678", "Italy keeps its zero");
        assert_eq!(request.mode, DefaultMode::Call);
        assert_eq!(request.replaces.as_deref(), Some("m1"));
    }

    #[test]
    fn bad_numbers_and_countries_are_refused_before_sending() {
        for national in ["", "0", "06-abc", "12"] {
            assert_eq!(
                form("NL", national, PhoneKind::Mobile).request(None, None),
                Err(Refusal::NumberInvalid),
                "{national:?}"
            );
        }
        assert_eq!(
            form("XX", "0612345678", PhoneKind::Mobile).request(None, None),
            Err(Refusal::CountryMissing)
        );
        assert!(Refusal::NumberInvalid.about_number());
        assert!(!Refusal::CodeWrong.about_number());
    }

    #[test]
    fn an_office_phone_is_called_with_an_optional_extension() {
        let mut office = form("NL", "020 123 4567", PhoneKind::Office);
        let request = office.request(None, None).unwrap();
        assert_eq!(request.mode, DefaultMode::Call, "never a text");
        assert_eq!(request.extension, None);
        office.extension = " 1234 ".into();
        assert_eq!(
            office.request(None, None).unwrap().extension.as_deref(),
            Some("1234")
        );
        for bad in ["12a", "12345678901"] {
            office.extension = bad.into();
            assert_eq!(
                office.request(None, None),
                Err(Refusal::ExtensionInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_default_country_follows_the_locale() {
        assert_eq!(default_country("nl"), "NL");
        assert_eq!(default_country("nl-BE"), "BE");
        assert_eq!(default_country("en-GB"), "GB");
        assert_eq!(default_country("en"), "US");
        assert_eq!(default_country("fr-XX"), "US");
        assert_eq!(NumberForm::new("nl").country, "NL");
    }

    #[test]
    fn the_code_is_six_digits_and_names_the_challenge() {
        let request = finish_request(&sent(), "123 456").unwrap();
        assert_eq!(request.challenge_id, "c1");
        assert_eq!(request.code, "123456");
        assert_eq!(
            finish_request(&sent(), "12345"),
            Err(Refusal::CodeMalformed)
        );
        assert!(Refusal::CodeMalformed.about_code());
    }

    #[test]
    fn resend_waits_for_the_servers_cool_down() {
        assert_eq!(resend_wait(&sent()), 30);
        let mut now = sent();
        now.resend_at = now.server_time - 5;
        assert_eq!(resend_wait(&now), 0);
    }

    #[test]
    fn server_answers_become_the_dialogs_own_messages() {
        let mut limited = Problem::new(ErrorCode::RateLimited);
        limited.retry_after = Some(12);
        let cases = [
            (limited, Some(Refusal::RateLimited(12))),
            (
                Problem::new(ErrorCode::RateLimited),
                Some(Refusal::RateLimited(30)),
            ),
            (
                Problem::new(ErrorCode::DeliveryFailed),
                Some(Refusal::DeliveryFailed),
            ),
            (
                Problem::new(ErrorCode::InvalidCode),
                Some(Refusal::CodeWrong),
            ),
            (Problem::new(ErrorCode::Expired), Some(Refusal::CodeExpired)),
            (
                Problem::new(ErrorCode::Validation),
                Some(Refusal::NumberInvalid),
            ),
            (Problem::new(ErrorCode::StepUpRequired), None),
            (Problem::new(ErrorCode::NotAllowedByPolicy), None),
        ];
        for (p, want) in cases {
            assert_eq!(Refusal::from_problem(&p), want, "{:?}", p.code);
        }
    }
}
