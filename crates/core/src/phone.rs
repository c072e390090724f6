//! Phone numbers: E.164 normalisation and masking for display.

use crate::CoreError;

/// Digits of the one-time codes sent by text or call (and email).
pub const CODE_DIGITS: u8 = 6;

/// Normalises what people type into E.164 (`+` and 7–15 digits, the first not `0`):
/// whitespace, dashes, dots, slashes and parentheses are dropped, a leading `00` becomes
/// `+`. The server re-checks.
pub fn normalize_e164(input: &str) -> Result<String, CoreError> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')' | '/'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .ok_or(CoreError::InvalidPhoneNumber)?;
    let valid = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(format!("+{digits}"))
    } else {
        Err(CoreError::InvalidPhoneNumber)
    }
}

/// Joins a country calling code (`31`) and a national number (`06 12345678`, whose
/// trunk prefix `0` is dropped) into E.164.
pub fn e164_from_parts(country_code: u16, national: &str) -> Result<String, CoreError> {
    let national: String = national.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = national.trim_start_matches('0');
    normalize_e164(&format!("+{country_code}{national}"))
}

/// A country or region in the picker: ISO 3166-1 alpha-2 code, calling code, and whether
/// its national numbers are written with a trunk prefix `0` that E.164 drops (most of
/// Europe) or keep their leading zero (Italy, San Marino, the Vatican: `06…` stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub iso: &'static str,
    pub calling_code: u16,
    pub trunk_zero: bool,
}

const fn c(iso: &'static str, calling_code: u16, trunk_zero: bool) -> Country {
    Country {
        iso,
        calling_code,
        trunk_zero,
    }
}

/// The picker's countries and regions, by ISO code (the UI shows their names in the
/// person's language through `Intl.DisplayNames`).
pub const COUNTRIES: &[Country] = &[
    c("AR", 54, true),
    c("AT", 43, true),
    c("AU", 61, true),
    c("BE", 32, true),
    c("BR", 55, true),
    c("CA", 1, false),
    c("CH", 41, true),
    c("CN", 86, true),
    c("CZ", 420, false),
    c("DE", 49, true),
    c("DK", 45, false),
    c("ES", 34, false),
    c("FI", 358, true),
    c("FR", 33, true),
    c("GB", 44, true),
    c("GR", 30, false),
    c("HU", 36, false),
    c("IE", 353, true),
    c("IL", 972, true),
    c("IN", 91, true),
    c("IT", 39, false),
    c("JP", 81, true),
    c("KR", 82, true),
    c("LU", 352, false),
    c("MA", 212, true),
    c("MX", 52, false),
    c("NG", 234, true),
    c("NL", 31, true),
    c("NO", 47, false),
    c("NZ", 64, true),
    c("PL", 48, false),
    c("PT", 351, false),
    c("RO", 40, true),
    c("SE", 46, true),
    c("SG", 65, false),
    c("SM", 378, false),
    c("SR", 597, false),
    c("TR", 90, true),
    c("UA", 380, true),
    c("US", 1, false),
    c("VA", 39, false),
    c("ZA", 27, true),
];

/// The country with ISO code `iso` (case-insensitive).
pub fn country(iso: &str) -> Option<Country> {
    COUNTRIES
        .iter()
        .find(|c| c.iso.eq_ignore_ascii_case(iso))
        .copied()
}

/// E.164 from a picked country and the national number as people write it: the trunk
/// prefix `0` is dropped where the country uses one, kept where it belongs to the number
/// (Italy). A number typed with `+` or `00` is taken as international as it is.
pub fn e164_for_country(country: Country, national: &str) -> Result<String, CoreError> {
    let trimmed = national.trim_start();
    if trimmed.starts_with('+') || trimmed.starts_with("00") {
        return normalize_e164(trimmed);
    }
    if national.chars().any(|c| {
        !c.is_ascii_digit() && !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')' | '/')
    }) {
        return Err(CoreError::InvalidPhoneNumber);
    }
    let digits: String = national.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = if country.trunk_zero {
        digits.strip_prefix('0').unwrap_or(&digits)
    } else {
        &digits
    };
    if digits.is_empty() {
        return Err(CoreError::InvalidPhoneNumber);
    }
    normalize_e164(&format!("+{}{digits}", country.calling_code))
}

/// An office extension: 1–10 digits.
pub fn valid_extension(extension: &str) -> bool {
    (1..=10).contains(&extension.len()) && extension.bytes().all(|b| b.is_ascii_digit())
}

/// Length of the country calling code at the start of E.164 digits, by the ITU-T E.164
/// assignment: zone 1 and 7 are one digit; the listed two-digit codes; the rest three.
pub fn country_code_len(digits: &str) -> usize {
    const TWO_DIGIT: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    match digits.as_bytes().first() {
        Some(b'1' | b'7') => 1,
        _ if digits.get(..2).is_some_and(|p| TWO_DIGIT.contains(&p)) => 2,
        _ => 3,
    }
}

/// Masks an E.164 number for display: country code, first national digit, bullets,
/// last two digits — `+31612345678` → `+31 6 ••••• 78`.
pub fn mask_phone(e164: &str) -> String {
    let digits = e164.trim_start_matches('+');
    // Seven digits, the fewest `normalize_e164` accepts: with six and a three-digit
    // country code the mask below would show every digit.
    if digits.len() < 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return "••••".to_owned();
    }
    let cc = country_code_len(digits);
    let national = &digits[cc..];
    // A fixed number of bullets: the mask does not reveal the number's length.
    format!(
        "+{} {} ••••• {}",
        &digits[..cc],
        &national[..1],
        &national[national.len() - 2..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_ways_of_writing_numbers() {
        for typed in [
            "+31 6 12345678",
            "0031-6-1234 5678",
            "+31 (6) 123.456.78",
            "+31612345678",
        ] {
            assert_eq!(
                normalize_e164(typed).as_deref(),
                Ok("+31612345678"),
                "{typed}"
            );
        }
        assert_eq!(
            e164_from_parts(31, "06 1234 5678").as_deref(),
            Ok("+31612345678")
        );
        assert_eq!(
            e164_from_parts(1, "(425) 555-0100").as_deref(),
            Ok("+14255550100")
        );
    }

    #[test]
    fn refuses_what_is_not_e164() {
        for bad in [
            "0612345678",
            "+0612345678",
            "+316123x5678",
            "+123",
            "+1234567890123456",
            "",
        ] {
            assert_eq!(
                normalize_e164(bad),
                Err(CoreError::InvalidPhoneNumber),
                "{bad}"
            );
        }
    }

    #[test]
    fn masks_like_the_security_info_page() {
        assert_eq!(mask_phone("+31612345678"), "+31 6 ••••• 78");
        assert_eq!(mask_phone("+14255550100"), "+1 4 ••••• 00");
        assert_eq!(mask_phone("+353871234567"), "+353 8 ••••• 67");
        assert_eq!(mask_phone("nonsense"), "••••");
    }

    #[test]
    fn national_numbers_of_several_countries() {
        let cases = [
            ("NL", "06 12345678", "+31612345678"),
            ("NL", "020-123 4567", "+31201234567"),
            ("DE", "0151 23456789", "+4915123456789"),
            ("GB", "07700 900123", "+447700900123"),
            ("FR", "06 12 34 56 78", "+33612345678"),
            ("BE", "0470 12 34 56", "+32470123456"),
            // Italy keeps the leading zero of landlines in E.164.
            ("IT", "06 1234 5678", "+390612345678"),
            ("IT", "312 345 6789", "+393123456789"),
            ("US", "(425) 555-0100", "+14255550100"),
            ("ES", "612 345 678", "+34612345678"),
            ("IE", "087 123 4567", "+353871234567"),
            // Typed internationally despite the picker: taken as it is.
            ("NL", "+32 470 12 34 56", "+32470123456"),
            ("nl", "0032 470 12 34 56", "+32470123456"),
        ];
        for (iso, national, e164) in cases {
            let c = country(iso).expect(iso);
            assert_eq!(
                e164_for_country(c, national).as_deref(),
                Ok(e164),
                "{iso} {national}"
            );
        }
        let nl = country("NL").expect("NL");
        for bad in ["", "0", "06-1234x678", "06 1234 5678 9012 345"] {
            assert_eq!(
                e164_for_country(nl, bad),
                Err(CoreError::InvalidPhoneNumber),
                "{bad}"
            );
        }
        assert_eq!(country("XX"), None);
    }

    #[test]
    fn every_country_is_listed_once_with_a_calling_code_the_mask_knows() {
        for (i, c) in COUNTRIES.iter().enumerate() {
            assert!(
                COUNTRIES[i + 1..].iter().all(|d| d.iso != c.iso),
                "{}",
                c.iso
            );
            let digits = c.calling_code.to_string();
            assert_eq!(
                country_code_len(&format!("{digits}123456")),
                digits.len(),
                "{}",
                c.iso
            );
        }
        assert!(valid_extension("1234"));
        assert!(!valid_extension(""));
        assert!(!valid_extension("12a"));
        assert!(!valid_extension("12345678901"));
    }

    /// Found by tests/fuzz.rs: `+290123` (six digits, three-digit country code) was
    /// masked as `+290 1 ••••• 23`, every digit shown.
    #[test]
    fn mask_never_shows_every_digit() {
        assert_eq!(mask_phone("+290123"), "••••");
        assert_eq!(mask_phone("+2901234"), "+290 1 ••••• 34");
    }
}
