//! Property-based fuzzing of the core's parsers with proptest: otpauth URIs, Base32
//! secrets, phone numbers, problem JSON, the API's enum names and typed codes. Stable
//! Rust and the ordinary test run (`cargo fuzz` needs a nightly toolchain).
//!
//! Each parser gets three kinds of input: arbitrary text (it must refuse without
//! panicking, and whatever it accepts must satisfy the parser's documented shape),
//! valid inputs built from arbitrary fields (they must parse, and round trips must
//! hold), and valid inputs with a few characters inserted, deleted or replaced.
//!
//! Every property runs `PROPTEST_CASES` cases, 10,000 when unset (what
//! `scripts/test.sh` runs). A long run:
//!
//! ```sh
//! PROPTEST_CASES=1000000 cargo test -p security-info-core --release --test fuzz
//! ```
//!
//! A failing case is shrunk and its seed saved in `crates/core/proptest-regressions/
//! fuzz.txt`, which is replayed first in every later run: commit it, and turn the case
//! into a named unit test next to the parser it broke.
#![cfg(not(target_arch = "wasm32"))]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{FailurePersistence, FileFailurePersistence, RngAlgorithm};
use security_info_core::api::{ErrorCode, Problem};
use security_info_core::methods::{DefaultMode, MethodType};
use security_info_core::otpauth::OtpAuthUri;
use security_info_core::phone::{country_code_len, e164_from_parts, mask_phone, normalize_e164};
use security_info_core::totp::{Algorithm, CodeRefusal, TotpParams, check_code};
use security_info_core::{CoreError, Secret};

/// `PROPTEST_CASES` cases per property (10,000 unless set; proptest's own reading of
/// the variable is overridden by any explicit case count), failures persisted to one
/// file (proptest's default looks for a `lib.rs` above `tests/`, finds none and warns).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000);
    let default = ProptestConfig::default();
    ProptestConfig {
        cases,
        // Half the time of the default ChaCha in the debug build the test run uses; test
        // inputs need no cryptographic generator.
        rng_algorithm: RngAlgorithm::XorShift,
        // Still off when PROPTEST_DISABLE_FAILURE_PERSISTENCE is set.
        failure_persistence: default.failure_persistence.as_ref().map(|_| {
            Box::new(FileFailurePersistence::Direct(
                "proptest-regressions/fuzz.txt",
            )) as Box<dyn FailurePersistence>
        }),
        ..default
    }
}

/// Up to 32 arbitrary characters, controls and combining marks included (drawn as a
/// vector: the problem JSON properties take half the time they took with `any::<String>()`,
/// which generates from a regex).
fn text() -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..=32).prop_map(String::from_iter)
}

// --- mutations -----------------------------------------------------------------------

/// One edit of a text, at a position taken modulo its length in characters.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
}

/// Characters that mean something to one of the parsers, and now and then any other.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => select(vec![
            ':', '/', '?', '&', '=', '%', '+', '#', ' ', '-', '.', '(', ')', '0', '1', '9',
            'A', 'z', '"', '\\', '{', '}', '[', ']', ',', '\0', '\u{2013}', '\u{202E}',
            '\u{3000}', 'é', '東', '🙂',
        ]),
        1 => any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), interesting_char()).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), interesting_char()).prop_map(|(at, c)| Edit::Replace(at, c)),
    ]
}

fn apply(text: String, edit: &Edit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    match *edit {
        Edit::Insert(at, c) => chars.insert(at % (chars.len() + 1), c),
        Edit::Delete(at) if !chars.is_empty() => {
            chars.remove(at % chars.len());
        }
        Edit::Replace(at, c) if !chars.is_empty() => {
            let at = at % chars.len();
            chars[at] = c;
        }
        Edit::Delete(_) | Edit::Replace(..) => {}
    }
    chars.into_iter().collect()
}

/// A valid input with one to four edits.
fn mutated(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (valid, vec(edit(), 1..=4)).prop_map(|(text, edits)| edits.iter().fold(text, apply))
}

/// `separators` inserted into `text` at positions taken modulo its length + 1.
fn interleave(text: &str, separators: &[(usize, char)]) -> String {
    separators.iter().fold(text.to_owned(), |text, &(at, c)| {
        apply(text, &Edit::Insert(at, c))
    })
}

// --- otpauth URIs --------------------------------------------------------------------

fn secret() -> impl Strategy<Value = Secret> {
    vec(any::<u8>(), 1..=64).prop_map(|bytes| Secret::from_bytes(&bytes).expect("non-empty"))
}

fn params() -> impl Strategy<Value = TotpParams> {
    (select(Algorithm::ALL.to_vec()), 6u8..=8, 1u32..=3600).prop_map(
        |(algorithm, digits, period)| TotpParams {
            algorithm,
            digits,
            period,
        },
    )
}

/// Any text, or text made of the characters the URI syntax gives a meaning.
fn label_text() -> impl Strategy<Value = String> {
    prop_oneof![text(), "[a-zA-Z0-9 :%+&=?#/@._~é東-]{0,20}"]
}

/// An account name: non-empty and not starting with whitespace (the parser trims
/// leading whitespace after the issuer's colon, as some generators write "Issuer: me").
fn account() -> impl Strategy<Value = String> {
    (any::<char>(), label_text()).prop_map(|(first, rest)| {
        let first = if first.is_whitespace() { 'a' } else { first };
        format!("{first}{rest}")
    })
}

fn otpauth() -> impl Strategy<Value = OtpAuthUri> {
    (label_text(), account(), secret(), params()).prop_map(|(issuer, account, secret, params)| {
        OtpAuthUri {
            issuer,
            account,
            secret,
            params,
        }
    })
}

/// A label part as other generators encode it: spaces as `%20`, the rest of the
/// generated alphabets literal.
fn encode_label(text: &str) -> String {
    text.replace(' ', "%20")
}

prop_compose! {
    /// A URI as other generators write it, with what it must parse to: scheme and type
    /// in any case, the issuer in the label (`:`, `%3A` or `%3a%20`), in the parameter
    /// (spaces as `+` or `%20`) or both, the secret in lower case or padded, the
    /// algorithm as `sha256` or `SHA-256`, default parameters left out, an unknown
    /// parameter, parameters in any order.
    fn foreign_uri()(
        issuer in "([A-Za-z0-9][A-Za-z0-9 .]{0,12})?",
        account in "[a-z0-9._]{1,12}(@[a-z]{1,8}\\.[a-z]{2,3})?",
        secret in secret(),
        params in params(),
        shout in any::<bool>(),
        label_style in 0..4usize,
        issuer_in_parameter in any::<bool>(),
        plus_for_space in any::<bool>(),
        secret_style in 0..3usize,
        algorithm_style in 0..3usize,
        omit_defaults in any::<bool>(),
        extra in option::of("(image|color|counter)=[a-z0-9%]{0,8}"),
    )(
        pairs in Just(query_pairs(
            &issuer, issuer_in_parameter || label_style == 3, plus_for_space, &secret, secret_style,
            params, algorithm_style, omit_defaults, extra,
        )).prop_shuffle(),
        issuer in Just(issuer),
        account in Just(account),
        secret in Just(secret),
        params in Just(params),
        shout in Just(shout),
        label_style in Just(label_style),
    ) -> (String, OtpAuthUri) {
        let scheme = if shout { "OTPAUTH://TOTP/" } else { "otpauth://totp/" };
        let label = match (issuer.is_empty(), label_style) {
            (true, _) => encode_label(&account),
            (false, 0) => format!("{}:{}", encode_label(&issuer), encode_label(&account)),
            (false, 1) => format!("{}%3A{}", encode_label(&issuer), encode_label(&account)),
            (false, 2) => format!("{}%3a%20{}", encode_label(&issuer), encode_label(&account)),
            (false, _) => encode_label(&account),
        };
        let uri = format!("{scheme}{label}?{}", pairs.join("&"));
        (uri, OtpAuthUri { issuer, account, secret, params })
    }
}

#[allow(clippy::too_many_arguments)] // one flag per way of writing, from foreign_uri
fn query_pairs(
    issuer: &str,
    issuer_in_parameter: bool,
    plus_for_space: bool,
    secret: &Secret,
    secret_style: usize,
    params: TotpParams,
    algorithm_style: usize,
    omit_defaults: bool,
    extra: Option<String>,
) -> Vec<String> {
    let base32 = secret.to_base32();
    let secret = match secret_style {
        0 => base32,
        1 => base32.to_ascii_lowercase(),
        _ => format!("{base32}{}", "=".repeat((8 - base32.len() % 8) % 8)),
    };
    let mut pairs = vec![format!("secret={secret}")];
    if issuer_in_parameter && !issuer.is_empty() {
        let space = if plus_for_space { "+" } else { "%20" };
        pairs.push(format!("issuer={}", issuer.replace(' ', space)));
    }
    let defaults = TotpParams::default();
    let name = params.algorithm.as_str();
    if !(omit_defaults && params.algorithm == defaults.algorithm) {
        let name = match algorithm_style {
            0 => name.to_owned(),
            1 => name.to_ascii_lowercase(),
            _ => name.replace("SHA", "SHA-"),
        };
        pairs.push(format!("algorithm={name}"));
    }
    if !(omit_defaults && params.digits == defaults.digits) {
        pairs.push(format!("digits={}", params.digits));
    }
    if !(omit_defaults && params.period == defaults.period) {
        pairs.push(format!("period={}", params.period));
    }
    pairs.extend(extra);
    pairs
}

/// Whatever the parser accepts has the documented shape and survives being written
/// and parsed again unchanged.
fn check_otpauth(text: &str) -> Result<(), TestCaseError> {
    if let Ok(uri) = OtpAuthUri::parse(text) {
        prop_assert!(!uri.account.is_empty() && !uri.account.starts_with(char::is_whitespace));
        prop_assert!(!uri.secret.as_bytes().is_empty());
        prop_assert!((6..=8).contains(&uri.params.digits));
        prop_assert!((1..=3600).contains(&uri.params.period));
        let written = uri.to_string();
        prop_assert_eq!(
            OtpAuthUri::parse(&written),
            Ok(uri),
            "{} -> {}",
            text,
            written
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn otpauth_refuses_or_accepts_consistently_any_text(
        text in prop_oneof![
            text(),
            "(?i:otpauth://totp/)[ -~]{0,60}",
            "otpauth://totp/[^?]{0,20}\\?(secret=[A-Z2-7]{0,12}|issuer=.{0,6}|digits=[0-9]{0,3}|period=[0-9+-]{0,5}|algorithm=[a-z0-9-]{0,7}|[a-z]{0,5}=?.{0,4}|&){0,8}",
        ],
    ) {
        check_otpauth(&text)?;
    }

    #[test]
    fn otpauth_round_trips_arbitrary_fields(uri in otpauth()) {
        let text = uri.to_string();
        prop_assert!(text.is_ascii(), "{}", text);
        prop_assert!(text.starts_with("otpauth://totp/"), "{}", text);
        prop_assert_eq!(OtpAuthUri::parse(&text), Ok(uri), "{}", text);
    }

    #[test]
    fn otpauth_parses_what_other_generators_write((text, expected) in foreign_uri()) {
        prop_assert_eq!(OtpAuthUri::parse(&text), Ok(expected), "{}", text);
    }

    #[test]
    fn otpauth_survives_edits_of_valid_uris(
        text in mutated(prop_oneof![
            otpauth().prop_map(|uri| uri.to_string()),
            foreign_uri().prop_map(|(text, _)| text),
        ]),
    ) {
        check_otpauth(&text)?;
    }
}

// --- Base32 --------------------------------------------------------------------------

/// The input without what `from_base32` documents it ignores (whitespace, `-`, `=`), in
/// upper case.
fn base32_cleaned(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '='))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A secret accepted from `text` is the one whose canonical encoding `text` spells,
/// apart from case, padding and separators; only an input with nothing left is empty.
fn check_base32(text: &str) -> Result<(), TestCaseError> {
    match Secret::from_base32(text) {
        Ok(secret) => {
            prop_assert!(!secret.as_bytes().is_empty());
            prop_assert_eq!(secret.to_base32(), base32_cleaned(text), "{:?}", text);
        }
        Err(CoreError::EmptySecret) => prop_assert_eq!(base32_cleaned(text), ""),
        Err(e) => {
            prop_assert_eq!(e, CoreError::InvalidBase32);
            prop_assert_ne!(base32_cleaned(text), "");
        }
    }
    Ok(())
}

fn base32_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[A-Z2-7]{0,40}",
        "[A-Za-z0-9 =-]{0,40}",
        "[A-Z2-7 =\t\u{3000}-]{0,40}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn base32_accepts_exactly_canonical_encodings(text in base32_text()) {
        check_base32(&text)?;
    }

    #[test]
    fn base32_round_trips_any_bytes(bytes in vec(any::<u8>(), 1..=128)) {
        let secret = Secret::from_bytes(&bytes).expect("non-empty");
        let text = secret.to_base32();
        prop_assert_eq!(text.len(), (bytes.len() * 8).div_ceil(5));
        prop_assert!(text.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        prop_assert_eq!(Secret::from_base32(&text), Ok(secret.clone()));
        prop_assert_eq!(Secret::from_base32(&secret.to_grouped_base32()), Ok(secret));
    }

    /// Any case, `=` padding, spaces (any Unicode whitespace) and dashes anywhere.
    #[test]
    fn base32_tolerates_case_padding_and_separators(
        bytes in vec(any::<u8>(), 1..=64),
        lower in vec(any::<bool>(), 0..=103),
        separators in vec((any::<usize>(), select(vec![' ', '-', '\t', '\n', '\u{3000}'])), 0..=8),
        padded in any::<bool>(),
    ) {
        let secret = Secret::from_bytes(&bytes).expect("non-empty");
        let mut text: String = secret
            .to_base32()
            .chars()
            .zip(lower.iter().chain(std::iter::repeat(&false)))
            .map(|(c, &lower)| if lower { c.to_ascii_lowercase() } else { c })
            .collect();
        if padded {
            text.push_str(&"=".repeat((8 - text.len() % 8) % 8));
        }
        let text = interleave(&text, &separators);
        prop_assert_eq!(Secret::from_base32(&text), Ok(secret), "{:?}", text);
    }

    #[test]
    fn base32_survives_edits_of_valid_encodings(
        text in mutated(secret().prop_map(|s| s.to_grouped_base32())),
    ) {
        check_base32(&text)?;
    }
}

// --- phone numbers -------------------------------------------------------------------

/// `+`, a digit 1–9 and 6–14 more digits: what `normalize_e164` documents it returns.
fn is_e164(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// E.164 digits (without the `+`).
fn e164_digits() -> impl Strategy<Value = String> {
    "[1-9][0-9]{6,14}"
}

fn phone_separator() -> impl Strategy<Value = char> {
    select(vec![' ', '-', '.', '(', ')', '/', '\t', '\u{a0}'])
}

fn phone_text() -> impl Strategy<Value = String> {
    prop_oneof![text(), "[+0]{0,3}[0-9 ().+/-]{0,20}", "\\+?[0-9]{0,17}",]
}

/// The mask's form: `+`, the country code, the first national digit, a fixed run of
/// bullets and the last two digits; or only bullets.
fn check_mask(input: &str) -> Result<(), TestCaseError> {
    let masked = mask_phone(input);
    if masked == "••••" {
        return Ok(());
    }
    let digits = input.trim_start_matches('+');
    let cc = country_code_len(digits);
    prop_assert_eq!(
        &masked,
        &format!(
            "+{} {} ••••• {}",
            &digits[..cc],
            &digits[cc..=cc],
            &digits[digits.len() - 2..]
        )
    );
    // At least one digit stays hidden.
    let shown = masked.bytes().filter(u8::is_ascii_digit).count();
    prop_assert!(
        shown < digits.len(),
        "{} shows every digit of {}",
        masked,
        input
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn phone_normalisation_is_e164_and_idempotent(text in phone_text()) {
        if let Ok(number) = normalize_e164(&text) {
            prop_assert!(is_e164(&number), "{:?} -> {}", text, number);
            prop_assert_eq!(normalize_e164(&number), Ok(number.clone()));
            prop_assert_eq!(normalize_e164(&format!("00{}", &number[1..])), Ok(number));
        }
    }

    #[test]
    fn phone_numbers_written_any_way_normalise(
        digits in e164_digits(),
        double_zero in any::<bool>(),
        separators in vec((any::<usize>(), phone_separator()), 0..=8),
    ) {
        let prefix = if double_zero { "00" } else { "+" };
        let typed = interleave(&format!("{prefix}{digits}"), &separators);
        prop_assert_eq!(normalize_e164(&typed), Ok(format!("+{digits}")), "{:?}", typed);
    }

    #[test]
    fn phone_numbers_of_the_wrong_length_are_refused(
        digits in prop_oneof!["[1-9][0-9]{0,5}", "[1-9][0-9]{15,20}"],
    ) {
        prop_assert_eq!(normalize_e164(&format!("+{digits}")), Err(CoreError::InvalidPhoneNumber));
    }

    #[test]
    fn phone_parts_join_into_e164(
        country_code in any::<u16>(),
        national in prop_oneof![text(), "0?[0-9 ()-]{0,16}"],
    ) {
        if let Ok(number) = e164_from_parts(country_code, &national) {
            prop_assert!(is_e164(&number), "{} {:?} -> {}", country_code, national, number);
            let national_digits: String = national.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(
                number,
                format!("+{country_code}{}", national_digits.trim_start_matches('0'))
            );
        }
    }

    #[test]
    fn phone_parts_as_people_type_them(
        country_code in 1u16..=999,
        national in "[1-9][0-9]{3,11}",
        trunk_zero in any::<bool>(),
        separators in vec((any::<usize>(), phone_separator()), 0..=6),
    ) {
        let typed = interleave(&format!("{}{national}", if trunk_zero { "0" } else { "" }), &separators);
        let joined = format!("+{country_code}{national}");
        let expected = if is_e164(&joined) { Ok(joined) } else { Err(CoreError::InvalidPhoneNumber) };
        prop_assert_eq!(e164_from_parts(country_code, &typed), expected, "{:?}", typed);
    }

    #[test]
    fn country_code_is_one_to_three_digits(text in phone_text()) {
        prop_assert!((1..=3).contains(&country_code_len(&text)));
    }

    #[test]
    fn phone_mask_shows_only_what_it_documents(
        text in prop_oneof![phone_text(), mutated(e164_digits().prop_map(|d| format!("+{d}")))],
    ) {
        check_mask(&text)?;
    }

    /// For a valid number: the same country code, first national digit and last two
    /// digits mask the same whatever the digits between them and the number's length.
    #[test]
    fn phone_mask_hides_the_middle_and_the_length(digits in e164_digits(), middle in "[0-9]{0,8}") {
        let number = format!("+{digits}");
        check_mask(&number)?;
        let cc = country_code_len(&digits);
        let (head, tail) = (&digits[..=cc], &digits[digits.len() - 2..]);
        let other = format!("+{head}{middle}{tail}");
        if is_e164(&other) {
            prop_assert_eq!(mask_phone(&other), mask_phone(&number), "{} {}", other, number);
        }
    }
}

// --- problem JSON --------------------------------------------------------------------

fn problem() -> impl Strategy<Value = Problem> {
    (
        select(ErrorCode::ALL.to_vec()),
        text(),
        text(),
        any::<u16>(),
        option::of(text()),
        option::of(any::<u64>()),
    )
        .prop_map(
            |(code, problem_type, title, status, detail, retry_after)| Problem {
                problem_type,
                title,
                status,
                code,
                detail,
                retry_after,
            },
        )
}

/// A problem read from any text reads the same after being written again.
fn check_problem(text: &str) -> Result<(), TestCaseError> {
    if let Ok(problem) = serde_json::from_str::<Problem>(text) {
        let written = serde_json::to_string(&problem).expect("a problem always serialises");
        prop_assert_eq!(
            serde_json::from_str::<Problem>(&written).ok(),
            Some(problem)
        );
    }
    Ok(())
}

fn code_names() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn problem_json_from_any_text(
        text in prop_oneof![
            text(),
            "\\{(\"(type|title|status|code|detail|retryAfter)\":(\"[a-z -]{0,12}\"|-?[0-9]{1,21}|null|true|\\[\\]|\\{\\}),?){0,8}\\}",
        ],
    ) {
        check_problem(&text)?;
    }

    #[test]
    fn problem_json_round_trips(problem in problem()) {
        let text = serde_json::to_string(&problem).expect("a problem always serialises");
        prop_assert_eq!(serde_json::from_str::<Problem>(&text).ok(), Some(problem));
    }

    /// Newer servers may add fields (ignored) and write absent options as `null`.
    #[test]
    fn problem_json_ignores_unknown_fields_and_nulls(
        problem in problem(),
        extra in "[a-zA-Z]{1,12}",
        extra_value in prop_oneof![Just(serde_json::Value::Null), any::<i64>().prop_map(Into::into), text().prop_map(Into::into)],
    ) {
        let mut value = serde_json::to_value(&problem).expect("a problem always serialises");
        let object = value.as_object_mut().expect("an object");
        if !["type", "title", "status", "code", "detail", "retryAfter"].contains(&extra.as_str()) {
            object.insert(extra, extra_value);
        }
        object.entry("detail").or_insert(serde_json::Value::Null);
        object.entry("retryAfter").or_insert(serde_json::Value::Null);
        prop_assert_eq!(serde_json::from_value::<Problem>(value).ok(), Some(problem));
    }

    /// A code this client does not know is refused, not read as another one.
    #[test]
    fn problem_json_refuses_unknown_codes(problem in problem(), code in "[a-z-]{0,24}") {
        let mut value = serde_json::to_value(&problem).expect("a problem always serialises");
        value["code"] = code.clone().into();
        let read = serde_json::from_value::<Problem>(value).ok();
        prop_assert_eq!(read.is_some(), code_names().contains(&code.as_str()));
    }

    #[test]
    fn problem_json_survives_edits(
        text in mutated(problem().prop_map(|p| serde_json::to_string(&p).expect("serialises"))),
    ) {
        check_problem(&text)?;
    }
}

// --- names and typed codes -----------------------------------------------------------

fn name_text(names: Vec<&'static str>) -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[a-zA-Z0-9_ -]{0,20}",
        mutated(select(names).prop_map(str::to_owned)),
    ]
}

/// Separators `check_code` documents it strips: whitespace, `-`, `.` and the Unicode
/// dashes U+2010–U+2015.
fn code_separator() -> impl Strategy<Value = char> {
    select(vec![
        ' ', '\t', '-', '.', '\u{2010}', '\u{2012}', '\u{2013}', '\u{2015}', '\u{a0}',
    ])
}

proptest! {
    #![proptest_config(config())]

    /// Names parse only when written exactly as the API writes them.
    #[test]
    fn method_type_and_default_mode_names_are_exact(
        text in name_text(
            MethodType::ALL.iter().map(|t| t.as_str())
                .chain(DefaultMode::ALL.iter().map(|m| m.as_str()))
                .collect(),
        ),
    ) {
        if let Some(t) = MethodType::parse(&text) {
            prop_assert_eq!(t.as_str(), text.as_str());
        }
        if let Some(m) = DefaultMode::parse(&text) {
            prop_assert_eq!(m.as_str(), text.as_str());
        }
    }

    /// Algorithm names are read in any case, with or without a dash (`sha-256`).
    #[test]
    fn algorithm_names_ignore_case_and_dashes(
        text in name_text(Algorithm::ALL.iter().map(|a| a.as_str()).collect()),
    ) {
        match Algorithm::parse(&text) {
            Ok(a) => prop_assert_eq!(text.to_ascii_uppercase().replace('-', ""), a.as_str()),
            Err(e) => prop_assert_eq!(e, CoreError::UnknownAlgorithm(text)),
        }
    }

    /// A code is accepted only as `digits` ASCII digits among separators, at most 32
    /// bytes in all, and comes back as those digits.
    #[test]
    fn typed_codes_accept_only_digits_and_separators(
        text in prop_oneof![text(), "[0-9 .-]{0,34}", "[0-9]{5,9}"],
        digits in prop_oneof![6u8..=8, any::<u8>()],
    ) {
        match check_code(&text, digits) {
            Ok(code) => {
                prop_assert!(text.len() <= 32);
                prop_assert_eq!(code.len(), usize::from(digits));
                let typed_digits: String = text.chars().filter(char::is_ascii_digit).collect();
                prop_assert_eq!(code, typed_digits);
                let only_separators = text.chars().all(|c| {
                    c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '.' | '\u{2010}'..='\u{2015}')
                });
                prop_assert!(only_separators, "{:?}", text);
            }
            Err(refusal) => prop_assert_eq!(refusal, CodeRefusal::Malformed { digits }),
        }
    }

    #[test]
    fn typed_codes_with_separators_are_read(
        code in "[0-9]{6,8}",
        separators in vec((any::<usize>(), code_separator()), 0..=6),
    ) {
        let digits = u8::try_from(code.len()).expect("6 to 8");
        let typed = interleave(&code, &separators);
        prop_assert_eq!(check_code(&typed, digits), Ok(code), "{:?}", typed);
    }
}
