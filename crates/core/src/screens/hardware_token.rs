//! Activating a hardware OATH token (the "Hardware token" path of "Authenticator app or
//! hardware token"): the serial number on the back of the token and the code it shows
//! now, optionally a name. The browser never sees the token's secret, so it only checks
//! the shapes; the server checks the code (window, replay, rate limit) and the limit.

use crate::api::{ErrorCode, HardwareTokenRequest, Problem};
use crate::methods::MethodType;
use crate::totp::{CodeRefusal, DIGITS, check_code};

/// Longest serial number accepted (the server's inventory allows no longer ones).
pub const MAX_SERIAL_CHARS: usize = 64;

/// Why the activation did not happen, as the dialog words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No serial number typed.
    SerialMissing,
    /// Longer than any serial number the server stores.
    SerialTooLong,
    /// The code is not a code (nothing was sent).
    Code(CodeRefusal),
    /// The server knows no token with this serial that this person may activate (an
    /// unknown serial and someone else's token get the same answer).
    NotFound,
    /// The code matches another time: the token's clock has drifted.
    Drift,
    /// The code is wrong.
    Wrong,
    /// The code was used already.
    CodeReused,
    /// The authenticator limit: the server's sentence (the SPEC's exact wording), or
    /// `None` when it sent none.
    LimitReached(Option<String>),
}

impl Refusal {
    /// The refusal for a problem the server answered, `None` for problems that are not
    /// about the token (the general message for them is shown).
    pub fn from_problem(problem: &Problem) -> Option<Self> {
        Some(match problem.code {
            ErrorCode::NotFound => Refusal::NotFound,
            // The server adds a detail to invalid-code only when the code matched
            // another time step (`verify::check_code`).
            ErrorCode::InvalidCode if problem.detail.is_some() => Refusal::Drift,
            ErrorCode::InvalidCode => Refusal::Wrong,
            ErrorCode::CodeReused => Refusal::CodeReused,
            ErrorCode::LimitReached => Refusal::LimitReached(problem.detail.clone()),
            _ => return None,
        })
    }

    /// Which field the refusal is about (`aria-invalid`).
    pub fn field(&self) -> Field {
        match self {
            Refusal::SerialMissing | Refusal::SerialTooLong | Refusal::NotFound => Field::Serial,
            Refusal::Code(_) | Refusal::Drift | Refusal::Wrong | Refusal::CodeReused => Field::Code,
            Refusal::LimitReached(_) => Field::None,
        }
    }
}

/// The form's fields, to mark the one at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Serial,
    Code,
    None,
}

/// Where the activation is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Activation {
    /// Waiting for the person.
    #[default]
    Idle,
    /// The request is under way: a second "Activate" sends nothing.
    Submitting,
    /// Refused (locally or by the server); typing and sending again is allowed.
    Refused(Refusal),
}

impl Activation {
    /// "Activate" with what was typed: the request to send (and the state becomes
    /// [`Activation::Submitting`]), or `None` (refused locally, or already under way).
    pub fn submit(&mut self, serial: &str, code: &str, name: &str) -> Option<HardwareTokenRequest> {
        if *self == Activation::Submitting {
            return None;
        }
        match request(serial, code, name) {
            Ok(request) => {
                *self = Activation::Submitting;
                Some(request)
            }
            Err(refusal) => {
                *self = Activation::Refused(refusal);
                None
            }
        }
    }

    /// The server refused with `problem` (`None`: no problem body, a network failure, a
    /// step-up given up): back to idle, or refused for a reason of the token's own.
    pub fn failed(&mut self, problem: Option<&Problem>) {
        *self = problem
            .and_then(Refusal::from_problem)
            .map_or(Activation::Idle, Activation::Refused);
    }

    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Activation::Refused(r) => Some(r),
            _ => None,
        }
    }

    pub fn is_submitting(&self) -> bool {
        *self == Activation::Submitting
    }
}

/// The request for what was typed: the serial trimmed (kept as typed otherwise:
/// the administrator's inventory decides its spelling), the code normalised by the one
/// code check (6 to 8 digits), the name trimmed (`None` when empty: the
/// server names it "Hardware token"; its length is the input's `maxlength` and the
/// server's check).
pub fn request(serial: &str, code: &str, name: &str) -> Result<HardwareTokenRequest, Refusal> {
    let serial = serial.trim();
    if serial.is_empty() {
        return Err(Refusal::SerialMissing);
    }
    if serial.chars().count() > MAX_SERIAL_CHARS {
        return Err(Refusal::SerialTooLong);
    }
    // How many digits this token shows is the server's to know (most show 6, the
    // type's default, which the message names): a code of any valid length is sent.
    let code = DIGITS
        .clone()
        .find_map(|digits| check_code(code, digits).ok())
        .ok_or_else(|| {
            let digits = MethodType::Totp.code_digits().unwrap_or(*DIGITS.start());
            Refusal::Code(CodeRefusal::Malformed { digits })
        })?;
    let name = name.trim();
    Ok(HardwareTokenRequest {
        serial: serial.to_owned(),
        code,
        name: (!name.is_empty()).then(|| name.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: ErrorCode, detail: Option<&str>) -> Problem {
        let p = Problem::new(code);
        match detail {
            Some(d) => p.with_detail(d),
            None => p,
        }
    }

    #[test]
    fn the_serial_is_required_trimmed_and_kept_as_typed() {
        assert_eq!(request("  ", "123456", ""), Err(Refusal::SerialMissing));
        assert_eq!(
            request(" galt-1234 ", "123 456", "  "),
            Ok(HardwareTokenRequest {
                serial: "galt-1234".into(),
                code: "123456".into(),
                name: None,
            })
        );
        let longest = "é".repeat(MAX_SERIAL_CHARS);
        assert!(request(&longest, "123456", "").is_ok(), "64 characters");
        assert_eq!(
            request(&format!("{longest}x"), "123456", ""),
            Err(Refusal::SerialTooLong)
        );
    }

    #[test]
    fn codes_of_six_to_eight_digits_are_sent() {
        assert_eq!(
            request("S1", "12345", ""),
            Err(Refusal::Code(CodeRefusal::Malformed { digits: 6 }))
        );
        assert_eq!(
            request("S1", "12a456", ""),
            Err(Refusal::Code(CodeRefusal::Malformed { digits: 6 }))
        );
        assert_eq!(
            request("S1", "123-456", "").map(|r| r.code),
            Ok("123456".into())
        );
        assert_eq!(
            request("S1", "1234 5678", "").map(|r| r.code),
            Ok("12345678".into()),
            "an 8-digit token"
        );
        assert_eq!(
            request("S1", "123456789", ""),
            Err(Refusal::Code(CodeRefusal::Malformed { digits: 6 }))
        );
    }

    #[test]
    fn an_optional_name_is_trimmed() {
        assert_eq!(
            request("S1", "123456", " Desk fob ").map(|r| r.name),
            Ok(Some("Desk fob".into()))
        );
    }

    #[test]
    fn one_request_at_a_time_and_typing_again_after_a_refusal() {
        let mut a = Activation::default();
        assert_eq!(a.submit("", "123456", ""), None);
        assert_eq!(a.refusal(), Some(&Refusal::SerialMissing));
        assert_eq!(a.refusal().map(Refusal::field), Some(Field::Serial));
        assert!(a.submit("S1", "123456", "").is_some());
        assert!(a.is_submitting());
        assert_eq!(
            a.submit("S1", "123456", ""),
            None,
            "a second click sends nothing"
        );
        a.failed(Some(&problem(ErrorCode::InvalidCode, None)));
        assert_eq!(a.refusal(), Some(&Refusal::Wrong));
        assert!(a.submit("S1", "654321", "").is_some(), "may send again");
        a.failed(None);
        assert_eq!(a, Activation::Idle, "network failure: the general message");
    }

    #[test]
    fn server_answers_become_the_tokens_own_messages() {
        let drift = "this code is from another time: check the clock of the device";
        let limit = crate::methods::limit_reached_message("Microsoft Authenticator", 5);
        let cases = [
            (problem(ErrorCode::NotFound, None), Some(Refusal::NotFound)),
            (
                problem(ErrorCode::InvalidCode, Some(drift)),
                Some(Refusal::Drift),
            ),
            (problem(ErrorCode::InvalidCode, None), Some(Refusal::Wrong)),
            (
                problem(ErrorCode::CodeReused, None),
                Some(Refusal::CodeReused),
            ),
            (
                problem(ErrorCode::LimitReached, Some(&limit)),
                Some(Refusal::LimitReached(Some(limit.clone()))),
            ),
            (problem(ErrorCode::RateLimited, None), None),
            (problem(ErrorCode::StepUpRequired, None), None),
        ];
        for (p, want) in cases {
            assert_eq!(Refusal::from_problem(&p), want, "{:?}", p.code);
        }
        assert_eq!(Refusal::Drift.field(), Field::Code);
        assert_eq!(Refusal::NotFound.field(), Field::Serial);
        assert_eq!(Refusal::LimitReached(None).field(), Field::None);
    }
}
