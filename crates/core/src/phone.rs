//! Phone numbers: E.164 normalisation and masking for display.

use crate::CoreError;

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

    /// Found by tests/fuzz.rs: `+290123` (six digits, three-digit country code) was
    /// masked as `+290 1 ••••• 23`, every digit shown.
    #[test]
    fn mask_never_shows_every_digit() {
        assert_eq!(mask_phone("+290123"), "••••");
        assert_eq!(mask_phone("+2901234"), "+290 1 ••••• 34");
    }
}
