//! RFC 6238 time-based one-time passwords with time as a parameter.
//!
//! The code itself is RFC 4226 HOTP computed by totp-rs. The window logic is ours
//! because callers need the matched time step (to refuse a reused step) and a separate
//! "drift" answer for codes from a phone whose clock is off.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// The name used in `otpauth://` URIs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    pub fn parse(name: &str) -> Result<Self, CoreError> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(CoreError::UnknownAlgorithm(name.to_owned())),
        }
    }
}

/// Code parameters: algorithm, number of digits (6–8), step length in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: u32,
}

impl Default for TotpParams {
    /// What every authenticator app supports: SHA1, 6 digits, 30 seconds.
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
        }
    }
}

/// How far from the current time step a code may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Steps accepted on each side of the current one (default 1: ±30 s of clock skew).
    pub accept: u32,
    /// Steps on each side, beyond `accept`, recognised as clock drift but not accepted.
    pub drift: u32,
}

impl Default for Window {
    fn default() -> Self {
        Self {
            accept: 1,
            drift: 10,
        }
    }
}

/// The outcome of checking a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The code belongs to `step` (within the accepted window). Callers store the step
    /// and refuse the same or an earlier step next time.
    Valid { step: u64 },
    /// The code belongs to a step `offset` steps away from now, outside the accepted
    /// window: the phone's clock is probably wrong. Not accepted.
    Drift { step: u64, offset: i64 },
    /// The code matches no step near now.
    Invalid,
}

/// The lengths a code may have (RFC 4226 §5.3 codes of 6 to 8 digits).
pub const DIGITS: std::ops::RangeInclusive<u8> = 6..=8;

impl TotpParams {
    /// Parameters as an enrolment or a URI states them: 6–8 digits, a period of 1 s to
    /// 1 h (an app shows nothing useful outside these).
    pub fn new(algorithm: Algorithm, digits: u8, period: u32) -> Result<Self, CoreError> {
        if !DIGITS.contains(&digits) {
            return Err(CoreError::InvalidDigits(digits.to_string()));
        }
        if !(1..=3600).contains(&period) {
            return Err(CoreError::InvalidPeriod(period.to_string()));
        }
        Ok(Self {
            algorithm,
            digits,
            period,
        })
    }

    /// The time step that contains `unix_time`.
    pub fn step_at(&self, unix_time: u64) -> u64 {
        unix_time / u64::from(self.period.max(1))
    }

    /// The code for a time step: RFC 4226 HOTP by totp-rs, which computes the code only;
    /// the otpauth URI, the window with the matched step and drift stay ours (totp-rs
    /// refuses ':' in account names and does not say which step matched).
    ///
    /// Size, npm package wasm with brotli -q 11 (scripts/bench-size.sh pipeline, measured
    /// at 726a9e4): hand-written hmac 168 702 B; totp-rs 5.7 (same hmac 0.12/sha 0.10)
    /// 168 657 B (−45 B); totp-rs 6.0 170 160 B (+1 458 B: it brings hmac 0.13/sha 0.11,
    /// a second generation of the digest crates), hence 5.7.
    pub fn code_at_step(&self, secret: &[u8], step: u64) -> String {
        let algorithm = match self.algorithm {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        };
        // A one-second step with no skew makes totp-rs's "time" our step number, so no
        // step is multiplied back into seconds (cannot overflow). `new_unchecked`: nothing
        // here can fail per code; the digits are clamped as before.
        totp_rs::TOTP::new_unchecked(
            algorithm,
            usize::from(self.digits.clamp(6, 8)),
            0,
            1,
            secret.to_vec(),
        )
        .generate(step)
    }

    /// The code for the time step containing `unix_time`.
    pub fn code_at(&self, secret: &[u8], unix_time: u64) -> String {
        self.code_at_step(secret, self.step_at(unix_time))
    }

    /// Checks a code someone typed (spaces and dashes allowed) at `unix_time`.
    ///
    /// Steps are tried nearest-first so a valid code always wins over a drift match.
    pub fn verify(
        &self,
        secret: &[u8],
        typed: &str,
        unix_time: u64,
        window: Window,
    ) -> Result<Verification, CoreError> {
        let code = check_code(typed, self.digits).map_err(|_| CoreError::MalformedCode {
            expected: self.digits,
        })?;
        let now = self.step_at(unix_time);
        let outer = window.accept.saturating_add(window.drift);
        for distance in 0..=outer {
            for offset in [-i64::from(distance), i64::from(distance)] {
                if distance == 0 && offset != 0 {
                    continue;
                }
                let Some(step) = now.checked_add_signed(offset) else {
                    continue;
                };
                let candidate = self.code_at_step(secret, step);
                if bool::from(candidate.as_bytes().ct_eq(code.as_bytes())) {
                    return Ok(if distance <= window.accept {
                        Verification::Valid { step }
                    } else {
                        Verification::Drift { step, offset }
                    });
                }
                if distance == 0 {
                    break;
                }
            }
        }
        Ok(Verification::Invalid)
    }

    /// Checks a code typed during enrolment against the new secret at `unix_time`: the
    /// normalised code, or why it was refused (the wizard's local check before sending).
    pub fn check(
        &self,
        secret: &[u8],
        typed: &str,
        unix_time: u64,
        window: Window,
    ) -> Result<String, CodeRefusal> {
        let code = check_code(typed, self.digits)?;
        match self.verify(secret, &code, unix_time, window) {
            Ok(Verification::Valid { .. }) => Ok(code),
            Ok(Verification::Drift { offset, .. }) => Err(CodeRefusal::Drift { offset }),
            Ok(Verification::Invalid) => Err(CodeRefusal::Wrong),
            Err(_) => Err(CodeRefusal::Malformed {
                digits: self.digits,
            }),
        }
    }
}

/// Why a typed code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not exactly `digits` digits once spaces and dashes are removed: not a guess, so
    /// nothing was compared (and no rate limit counts it).
    Malformed { digits: u8 },
    /// The code matches no time step near now.
    Wrong,
    /// The code matches a step `offset` steps from now, outside the accepted window:
    /// the phone's clock is probably wrong.
    Drift { offset: i64 },
}

/// Longest input looked at: a code with generous separators, not a pasted document.
const MAX_TYPED_LEN: usize = 32;

/// The one shape check of a typed code (enrolment, step-up, sign-in; browser and
/// server): strips what people paste around a code (spaces, dashes, dots) and checks
/// that exactly `digits` ASCII digits remain.
pub fn check_code(typed: &str, digits: u8) -> Result<String, CodeRefusal> {
    let refused = CodeRefusal::Malformed { digits };
    if typed.len() > MAX_TYPED_LEN {
        return Err(refused);
    }
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '\u{2010}'..='\u{2015}'))
        .collect();
    if code.len() == usize::from(digits) && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(refused)
    }
}

/// RFC 6238 Appendix B: seeds, times and expected 8-digit codes. Public so the browser
/// tests run the same vectors inside wasm.
pub mod rfc6238 {
    use super::Algorithm;

    pub const SEED_SHA1: &[u8] = b"12345678901234567890";
    pub const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    pub const SEED_SHA512: &[u8] =
        b"1234567890123456789012345678901234567890123456789012345678901234";

    /// (time, algorithm, expected code)
    pub const VECTORS: &[(u64, Algorithm, &str)] = &[
        (59, Algorithm::Sha1, "94287082"),
        (59, Algorithm::Sha256, "46119246"),
        (59, Algorithm::Sha512, "90693936"),
        (1111111109, Algorithm::Sha1, "07081804"),
        (1111111109, Algorithm::Sha256, "68084774"),
        (1111111109, Algorithm::Sha512, "25091201"),
        (1111111111, Algorithm::Sha1, "14050471"),
        (1111111111, Algorithm::Sha256, "67062674"),
        (1111111111, Algorithm::Sha512, "99943326"),
        (1234567890, Algorithm::Sha1, "89005924"),
        (1234567890, Algorithm::Sha256, "91819424"),
        (1234567890, Algorithm::Sha512, "93441116"),
        (2000000000, Algorithm::Sha1, "69279037"),
        (2000000000, Algorithm::Sha256, "90698825"),
        (2000000000, Algorithm::Sha512, "38618901"),
        (20000000000, Algorithm::Sha1, "65353130"),
        (20000000000, Algorithm::Sha256, "77737706"),
        (20000000000, Algorithm::Sha512, "47863826"),
    ];

    pub fn seed(algorithm: Algorithm) -> &'static [u8] {
        match algorithm {
            Algorithm::Sha1 => SEED_SHA1,
            Algorithm::Sha256 => SEED_SHA256,
            Algorithm::Sha512 => SEED_SHA512,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(algorithm: Algorithm, digits: u8) -> TotpParams {
        TotpParams {
            algorithm,
            digits,
            period: 30,
        }
    }

    #[test]
    fn rfc6238_appendix_b_vectors() {
        for &(time, algorithm, expected) in rfc6238::VECTORS {
            let p = params(algorithm, 8);
            assert_eq!(
                p.code_at(rfc6238::seed(algorithm), time),
                expected,
                "{algorithm:?} at {time}"
            );
            assert_eq!(
                p.verify(rfc6238::seed(algorithm), expected, time, Window::default()),
                Ok(Verification::Valid { step: time / 30 })
            );
        }
    }

    #[test]
    fn six_digit_codes_are_the_low_digits() {
        // RFC 4226 Appendix D: HOTP counter 0 and 1 with the same seed.
        let p = params(Algorithm::Sha1, 6);
        assert_eq!(p.code_at_step(rfc6238::SEED_SHA1, 0), "755224");
        assert_eq!(p.code_at_step(rfc6238::SEED_SHA1, 1), "287082");
        assert_eq!(p.code_at_step(rfc6238::SEED_SHA1, 9), "520489");
    }

    #[test]
    fn window_returns_the_matched_step() {
        let p = TotpParams::default();
        let secret = rfc6238::SEED_SHA1;
        let now = 1_700_000_015;
        let step = p.step_at(now);
        for offset in [-1i64, 0, 1] {
            let s = step.checked_add_signed(offset).unwrap();
            let code = p.code_at_step(secret, s);
            assert_eq!(
                p.verify(secret, &code, now, Window::default()),
                Ok(Verification::Valid { step: s })
            );
        }
    }

    #[test]
    fn codes_outside_the_window_are_drift_then_invalid() {
        let p = TotpParams::default();
        let secret = rfc6238::SEED_SHA1;
        let now = 1_700_000_015;
        let step = p.step_at(now);
        let w = Window {
            accept: 1,
            drift: 4,
        };
        let late = p.code_at_step(secret, step - 3);
        assert_eq!(
            p.verify(secret, &late, now, w),
            Ok(Verification::Drift {
                step: step - 3,
                offset: -3
            })
        );
        let early = p.code_at_step(secret, step + 5);
        assert_eq!(
            p.verify(secret, &early, now, w),
            Ok(Verification::Drift {
                step: step + 5,
                offset: 5
            })
        );
        let far = p.code_at_step(secret, step + 6);
        assert_eq!(p.verify(secret, &far, now, w), Ok(Verification::Invalid));
        let strict = Window {
            accept: 0,
            drift: 0,
        };
        let previous = p.code_at_step(secret, step - 1);
        assert_eq!(
            p.verify(secret, &previous, now, strict),
            Ok(Verification::Invalid)
        );
    }

    #[test]
    fn pasted_codes_with_spaces_and_dashes_are_accepted() {
        let p = TotpParams::default();
        let code = p.code_at(rfc6238::SEED_SHA1, 59);
        for typed in [
            format!("{} {}", &code[..3], &code[3..]),
            format!("{}-{}", &code[..3], &code[3..]),
            format!(" {code}\n"),
        ] {
            assert!(matches!(
                p.verify(rfc6238::SEED_SHA1, &typed, 59, Window::default()),
                Ok(Verification::Valid { .. })
            ));
        }
    }

    #[test]
    fn malformed_codes_are_refused_not_compared() {
        let malformed = Err(CodeRefusal::Malformed { digits: 6 });
        assert_eq!(check_code("12345", 6), malformed);
        assert_eq!(check_code("12a456", 6), malformed);
        assert_eq!(check_code("١٢٣٤٥٦", 6), malformed);
        assert_eq!(
            check_code(&format!("123456{}", " ".repeat(40)), 6),
            malformed
        );
        assert_eq!(check_code("123 456", 6).as_deref(), Ok("123456"));
        assert_eq!(check_code("1234-5678", 8).as_deref(), Ok("12345678"));
        assert_eq!(
            TotpParams::default().verify(b"k", "12345", 0, Window::default()),
            Err(CoreError::MalformedCode { expected: 6 })
        );
    }

    #[test]
    fn enrolment_check_names_each_refusal() {
        let p = TotpParams::default();
        let secret = rfc6238::SEED_SHA1;
        let now = 1_700_000_015;
        let step = p.step_at(now);
        let code = p.code_at_step(secret, step);
        let typed = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(p.check(secret, &typed, now, Window::default()), Ok(code));
        let drifted = p.code_at_step(secret, step + 4);
        assert_eq!(
            p.check(secret, &drifted, now, Window::default()),
            Err(CodeRefusal::Drift { offset: 4 })
        );
        let wrong = p.code_at_step(secret, step + 100);
        assert_eq!(
            p.check(secret, &wrong, now, Window::default()),
            Err(CodeRefusal::Wrong)
        );
        assert_eq!(
            p.check(secret, "abc", now, Window::default()),
            Err(CodeRefusal::Malformed { digits: 6 })
        );
    }

    #[test]
    fn params_are_validated() {
        assert_eq!(
            TotpParams::new(Algorithm::Sha1, 6, 30),
            Ok(TotpParams::default())
        );
        assert!(TotpParams::new(Algorithm::Sha256, 8, 60).is_ok());
        assert_eq!(
            TotpParams::new(Algorithm::Sha1, 5, 30),
            Err(CoreError::InvalidDigits("5".into()))
        );
        assert_eq!(
            TotpParams::new(Algorithm::Sha1, 9, 30),
            Err(CoreError::InvalidDigits("9".into()))
        );
        assert_eq!(
            TotpParams::new(Algorithm::Sha1, 6, 0),
            Err(CoreError::InvalidPeriod("0".into()))
        );
    }

    #[test]
    fn step_zero_does_not_underflow() {
        let p = TotpParams::default();
        let code = p.code_at_step(rfc6238::SEED_SHA1, 0);
        assert_eq!(
            p.verify(rfc6238::SEED_SHA1, &code, 5, Window::default()),
            Ok(Verification::Valid { step: 0 })
        );
    }
}
