//! The push protocol (authenticator app with notifications and number matching) as far
//! as it is pure: the REST types of the browser's and the device's routes, the
//! activation URI, the activation code's grouping and the text a device signs.
//!
//! The crypto (ES256 over the signing input) lives in the server and the device; both
//! build the input with [`signing_input`], so they cannot disagree on it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The scheme of the activation URI: `security-info-push://activate?code=…&url=…`.
pub const ACTIVATION_SCHEME: &str = "security-info-push";
/// The `Authorization` scheme of device requests.
pub const DEVICE_AUTH_SCHEME: &str = "Device";
/// Digits of an activation code.
pub const ACTIVATION_CODE_DIGITS: usize = 9;
/// A device's clock may differ from the server's by this much (seconds).
pub const MAX_CLOCK_SKEW: u64 = 60;
/// How long the server remembers a device request's nonce (seconds): longer than the
/// window a request's time is accepted in, so a replay is refused either way.
pub const NONCE_TTL: u64 = 300;

// Everything but unreserved characters is escaped in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The activation URI the QR code holds and the "Open in the app" link carries:
/// `security-info-push://activate?code=<9 digits>&url=<percent-encoded activation URL>`.
pub fn activation_uri(code: &str, url: &str) -> String {
    format!(
        "{ACTIVATION_SCHEME}://activate?code={}&url={}",
        utf8_percent_encode(code, QUERY_VALUE),
        utf8_percent_encode(url, QUERY_VALUE)
    )
}

/// The code and URL of an activation URI; `None` when it is not one.
pub fn parse_activation_uri(uri: &str) -> Option<(String, String)> {
    let query = uri
        .trim()
        .strip_prefix(ACTIVATION_SCHEME)?
        .strip_prefix("://activate?")?;
    let mut code = None;
    let mut url = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        let value = percent_decode_str(value).decode_utf8().ok()?.into_owned();
        match key {
            "code" => code = Some(value),
            "url" => url = Some(value),
            _ => {}
        }
    }
    let code = normalize_activation_code(&code?)?;
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"))?;
    Some((code, url))
}

/// The code as typed or copied (spaces and dashes allowed) as its 9 digits.
pub fn normalize_activation_code(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .collect();
    (digits.len() == ACTIVATION_CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// The code grouped 3-3-3 as the page shows it: `123 456 789`.
pub fn group_activation_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a device signs (ES256) for one request:
/// `METHOD\nPATH\nunixTime\nnonce\nhex(SHA-256(body))`. `path` is the request's path
/// and query as sent (`/api/device/challenges?wait=25`).
pub fn signing_input(
    method: &str,
    path: &str,
    unix_time: u64,
    nonce: &str,
    body_sha256_hex: &str,
) -> String {
    format!("{method}\n{path}\n{unix_time}\n{nonce}\n{body_sha256_hex}")
}

/// The parts of an `Authorization: Device <deviceId>.<unixTime>.<nonce>.<signature>`
/// header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: String,
    pub unix_time: u64,
    pub nonce: String,
    /// base64url (no padding) of r‖s, 64 bytes.
    pub signature: String,
}

impl DeviceAuth {
    /// Parses the header value; `None` when it is not of that form. Ids and nonces are
    /// 8–64 characters of `[A-Za-z0-9_-]`.
    pub fn parse(header: &str) -> Option<DeviceAuth> {
        let rest = header
            .strip_prefix(DEVICE_AUTH_SCHEME)?
            .strip_prefix(' ')?
            .trim();
        let mut parts = rest.split('.');
        let device_id = parts.next()?;
        let unix_time = parts.next()?.parse().ok()?;
        let nonce = parts.next()?;
        let signature = parts.next()?;
        if parts.next().is_some() || !token_like(device_id) || !token_like(nonce) {
            return None;
        }
        if signature.is_empty() || signature.len() > 128 || !signature.bytes().all(url_safe) {
            return None;
        }
        Some(DeviceAuth {
            device_id: device_id.to_owned(),
            unix_time,
            nonce: nonce.to_owned(),
            signature: signature.to_owned(),
        })
    }

    /// The header value.
    pub fn header(&self) -> String {
        format!(
            "{DEVICE_AUTH_SCHEME} {}.{}.{}.{}",
            self.device_id, self.unix_time, self.nonce, self.signature
        )
    }
}

fn url_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn token_like(text: &str) -> bool {
    (8..=64).contains(&text.len()) && text.bytes().all(url_safe)
}

/// What a challenge asks to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChallengePurpose {
    /// The wizard's test notification: approving it activates the method.
    Enrol,
    /// The second factor of a sign-in.
    SignIn,
    /// A step-up before a sensitive change.
    StepUp,
}

impl ChallengePurpose {
    pub const ALL: [ChallengePurpose; 3] = [
        ChallengePurpose::Enrol,
        ChallengePurpose::SignIn,
        ChallengePurpose::StepUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChallengePurpose::Enrol => "enrol",
            ChallengePurpose::SignIn => "sign_in",
            ChallengePurpose::StepUp => "step_up",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// What the device shows as the thing being approved.
    pub fn action(self) -> &'static str {
        match self {
            ChallengePurpose::Enrol => "Add a sign-in method",
            ChallengePurpose::SignIn => "Sign in",
            ChallengePurpose::StepUp => "Verify your identity",
        }
    }
}

/// Where a challenge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChallengeState {
    Pending,
    Approved,
    Denied,
    /// Denied because the number typed on the device was not the one shown.
    WrongNumber,
    Expired,
    /// Approved and used (the enrolment finished, the step-up or sign-in counted).
    Completed,
}

impl ChallengeState {
    pub const ALL: [ChallengeState; 6] = [
        ChallengeState::Pending,
        ChallengeState::Approved,
        ChallengeState::Denied,
        ChallengeState::WrongNumber,
        ChallengeState::Expired,
        ChallengeState::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeState::Pending => "pending",
            ChallengeState::Approved => "approved",
            ChallengeState::Denied => "denied",
            ChallengeState::WrongNumber => "wrong_number",
            ChallengeState::Expired => "expired",
            ChallengeState::Completed => "completed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No answer can change it any more.
    pub fn is_final(self) -> bool {
        self != ChallengeState::Pending
    }
}

/// `POST {base}/me/methods/authenticator-push/start` answer: what "Scan the QR code"
/// shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushStartResponse {
    pub enrollment_id: String,
    /// 9 digits, single use; shown grouped 3-3-3 ([`group_activation_code`]).
    pub activation_code: String,
    /// Where the device posts the code (`…/device/activate`).
    pub activation_url: String,
    /// [`activation_uri`] of the two: the QR code's content and the app link.
    pub activation_uri: String,
    pub expires_at: i64,
}

/// `POST {base}/device/activate` body (no authorization: the code is the proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivateRequest {
    pub code: String,
    /// The device's ECDSA P-256 public key: SEC1 uncompressed point (65 bytes), base64url
    /// without padding.
    pub public_key: String,
    pub device_name: String,
}

/// `POST {base}/device/activate` answer: the device's id and the TOTP secret of the same
/// method, so the app shows codes too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivateResponse {
    pub device_id: String,
    pub method_id: String,
    pub issuer: String,
    pub account_name: String,
    /// Base32.
    pub totp_secret: String,
    pub digits: u8,
    pub period: u32,
    /// The method stays pending until the test notification is approved by then.
    pub pending_until: i64,
}

/// `POST {base}/me/methods/authenticator-push/test` body: send the wizard's test
/// notification (again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushTestRequest {
    pub enrollment_id: String,
}

/// `POST {base}/me/push/challenges` and `POST {base}/session/push` body: send a
/// notification to this push method (the default one when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushChallengeRequest {
    #[serde(default)]
    pub method_id: Option<String>,
}

/// A challenge as the browser sees it: the number to show, and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushChallenge {
    pub id: String,
    /// Two digits, 10–99: the person types it on the device.
    pub number: u8,
    pub purpose: ChallengePurpose,
    pub state: ChallengeState,
    pub device_name: String,
    pub expires_at: i64,
}

/// `POST {base}/me/methods/authenticator-push`, `POST {base}/me/step-up/push` and
/// `POST {base}/session/verify-push` body: use an approved challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushCompleteRequest {
    pub challenge_id: String,
}

/// A challenge as the device sees it (never the number: the person types it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceChallenge {
    pub id: String,
    pub purpose: ChallengePurpose,
    /// What is being approved: "Add a sign-in method", "Sign in", "Verify your identity".
    pub action: String,
    /// The product or portal name.
    pub issuer: String,
    pub account_name: String,
    pub expires_at: i64,
}

/// The device's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Deny,
}

/// `POST {base}/device/challenges/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionRequest {
    pub decision: Decision,
    /// The number the person typed (needed to approve).
    #[serde(default)]
    pub number: Option<u8>,
}

/// `POST {base}/device/challenges/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionResponse {
    pub state: ChallengeState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_uri_round_trips_and_escapes_the_url() {
        let uri = activation_uri("123456789", "https://id.example/api/device/activate?x=1&y");
        assert_eq!(
            uri,
            "security-info-push://activate?code=123456789&url=https%3A%2F%2Fid.example%2Fapi%2Fdevice%2Factivate%3Fx%3D1%26y"
        );
        assert_eq!(
            parse_activation_uri(&uri),
            Some((
                "123456789".to_owned(),
                "https://id.example/api/device/activate?x=1&y".to_owned()
            ))
        );
        assert_eq!(parse_activation_uri("otpauth://totp/x?secret=A"), None);
        assert_eq!(
            parse_activation_uri("security-info-push://activate?code=12&url=http%3A%2F%2Fa"),
            None
        );
        assert_eq!(
            parse_activation_uri("security-info-push://activate?code=123456789&url=file%3A%2F%2Fa"),
            None
        );
    }

    #[test]
    fn codes_group_and_normalize() {
        assert_eq!(group_activation_code("123456789"), "123 456 789");
        assert_eq!(
            normalize_activation_code("123 456-789").as_deref(),
            Some("123456789")
        );
        assert_eq!(normalize_activation_code("12345678"), None);
        assert_eq!(normalize_activation_code("12345678a"), None);
    }

    #[test]
    fn device_auth_header_round_trips_and_refuses_other_forms() {
        let auth = DeviceAuth {
            device_id: "abcdef0123".into(),
            unix_time: 1_700_000_000,
            nonce: "nonce-123_x".into(),
            signature: "c2lnbmF0dXJl".into(),
        };
        assert_eq!(DeviceAuth::parse(&auth.header()), Some(auth.clone()));
        assert_eq!(DeviceAuth::parse("Bearer abc"), None);
        assert_eq!(DeviceAuth::parse("Device a.1.b.c"), None);
        assert_eq!(
            DeviceAuth::parse("Device abcdef0123.x.nonce-123_x.sig"),
            None
        );
        assert_eq!(
            DeviceAuth::parse("Device abcdef0123.1.nonce-123_x.sig.more"),
            None
        );
        assert_eq!(
            DeviceAuth::parse("Device abcdef0123.1.nonce\n123_x.sig"),
            None
        );
    }

    #[test]
    fn the_signing_input_is_five_lines() {
        assert_eq!(
            signing_input("POST", "/api/device/challenges/x", 5, "n", "ab"),
            "POST\n/api/device/challenges/x\n5\nn\nab"
        );
    }

    #[test]
    fn states_and_purposes_parse_their_names() {
        for s in ChallengeState::ALL {
            assert_eq!(ChallengeState::parse(s.as_str()), Some(s));
        }
        for p in ChallengePurpose::ALL {
            assert_eq!(ChallengePurpose::parse(p.as_str()), Some(p));
        }
        assert!(!ChallengeState::Pending.is_final());
        assert!(ChallengeState::WrongNumber.is_final());
    }
}
