//! The REST types to and from JSON through the browser's own `JSON.parse`/`stringify`,
//! instead of serde_json: its parser, its error messages (which format floats) and the
//! derived visitors cost ≈79 KB of wasm (27 KB brotli, 13% of the bundle; the budget
//! for everything is 60 KiB). Nor serde-wasm-bindgen over the core's serde derives:
//! measured once (npm package wasm, scripts/bench-size.sh pipeline, brotli -q 11, at
//! 726a9e4), this module 168 702 B, serde-wasm-bindgen 185 018 B: +16 316 B (+9.7%).
//! The types are the core's; each mapping below comes from one
//! field list (Rust field, JSON name) per type, and a native test holds those names equal
//! to the keys serde writes. The shapes follow the serde attributes in
//! `security_info_core::api`: camelCase fields, `Option` fields absent or `null`, unknown
//! fields ignored.

use js_sys::{Array, Function, JSON, Object, Reflect};
use security_info_core::api::{
    CodeFinishRequest, CodeSent, DefaultMethod, DefaultMethodResponse, EmailStartRequest,
    ErrorCode, HardwareTokenRequest, Method, OutboxMessage, PhoneStartRequest, Policy, Problem,
    RenameRequest, ResendRequest, SecurityAnswer, SecurityAnswersRequest, SecurityInfo,
    SecurityQuestion, SecurityQuestions, SendCodeRequest, Session, SetDefaultRequest,
    SignInRequest, StepUp, StepUpResponse, TotpFinishRequest, TotpStartRequest, TotpStartResponse,
    VerifyRequest,
};
use security_info_core::methods::{DefaultMode, MethodSource, MethodType, PhoneKind, Usage};
use security_info_core::push::{
    ChallengePurpose, ChallengeState, PushChallenge, PushChallengeRequest, PushCompleteRequest,
    PushStartResponse, PushTestRequest,
};
use security_info_core::totp::Algorithm;
use wasm_bindgen::{JsCast, JsValue};

/// Parses a response body; the error is the text of [`crate::ClientError::Decode`].
pub fn parse(text: &str) -> Result<JsValue, String> {
    JSON::parse(text).map_err(|e| {
        e.dyn_into::<js_sys::Error>()
            .map_or_else(|_| "invalid JSON".to_owned(), |e| e.message().into())
    })
}

/// A request body.
pub fn encode<T: ToJson + ?Sized>(value: &T) -> String {
    // Only strings, numbers, booleans, null, arrays and plain objects go in: stringify
    // cannot throw on those.
    JSON::stringify(&value.to_json())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Reads a value of the API (or a host option, see `crate::embed`) from a JS value.
pub trait FromJson: Sized {
    /// What a value must be, completing "expected …" here and "… must be …" in the
    /// embedding's TypeErrors, so both name a wrong type the same way.
    const EXPECTED: &'static str;

    fn from_json(value: &JsValue) -> Result<Self, String>;
}

/// Writes a value of the API as a JS value (for request bodies and host callbacks).
pub trait ToJson {
    fn to_json(&self) -> JsValue;
}

/// The field `name` of a JSON object, with the field named in the error.
pub fn field<T: FromJson>(object: &JsValue, name: &str) -> Result<T, String> {
    T::from_json(&get(object, name)?).map_err(|e| in_field(name, e))
}

// The generic `field` stays a one-liner; the work is in these, once in the bundle.
/// The raw field `name` of an object (`undefined` when absent).
pub fn get(object: &JsValue, name: &str) -> Result<JsValue, String> {
    if !object.is_object() || Array::is_array(object) {
        return Err(format!("expected an object with field {name}"));
    }
    Ok(Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED))
}

fn in_field(name: &str, error: String) -> String {
    format!("{name}: {error}")
}

fn expected(what: &str) -> String {
    format!("expected {what}")
}

fn set(object: &Object, name: &str, value: JsValue) {
    // Setting a property of a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(name), &value);
}

impl FromJson for String {
    const EXPECTED: &'static str = "a string";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        value.as_string().ok_or_else(|| expected(Self::EXPECTED))
    }
}

impl FromJson for bool {
    const EXPECTED: &'static str = "true or false";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| expected(Self::EXPECTED))
    }
}

impl FromJson for f64 {
    const EXPECTED: &'static str = "a number";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        value.as_f64().ok_or_else(|| expected(Self::EXPECTED))
    }
}

impl FromJson for Function {
    const EXPECTED: &'static str = "a function";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        value
            .dyn_ref::<Function>()
            .cloned()
            .ok_or_else(|| expected(Self::EXPECTED))
    }
}

/// A plain object: not an array, a function or `null`.
impl FromJson for Object {
    const EXPECTED: &'static str = "an object";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        // `is_object` is `typeof == "object"` without `null`, so functions fail it too.
        if value.is_object() && !Array::is_array(value) {
            Ok(value.clone().unchecked_into())
        } else {
            Err(expected(Self::EXPECTED))
        }
    }
}

/// A whole number in `min..=max` (serde refuses fractions and out-of-range numbers too).
fn integer(value: &JsValue, min: f64, max: f64) -> Result<f64, String> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
        .ok_or_else(|| expected(INTEGER))
}

const INTEGER: &str = "a whole number in range";

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            const EXPECTED: &'static str = INTEGER;

            fn from_json(value: &JsValue) -> Result<Self, String> {
                integer(value, <$t>::MIN as f64, <$t>::MAX as f64).map(|n| n as $t)
            }
        }
        impl ToJson for $t {
            fn to_json(&self) -> JsValue {
                JsValue::from_f64(*self as f64)
            }
        }
    )*};
}
integers!(u8, u16, u32, u64, i64);

/// Absent and `null` are `None`, as serde reads an `Option` field.
impl<T: FromJson> FromJson for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;

    fn from_json(value: &JsValue) -> Result<Self, String> {
        if value.is_undefined() || value.is_null() {
            Ok(None)
        } else {
            T::from_json(value).map(Some)
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    const EXPECTED: &'static str = "an array";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        let array: &Array = value
            .dyn_ref()
            .filter(|_| Array::is_array(value))
            .ok_or_else(|| expected(Self::EXPECTED))?;
        array.iter().map(|v| T::from_json(&v)).collect()
    }
}

/// Any answer, unread (a request that only needs to know it succeeded).
impl FromJson for JsValue {
    const EXPECTED: &'static str = "any JSON value";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        Ok(value.clone())
    }
}

/// The answer of a call without a body (`null`).
impl FromJson for () {
    const EXPECTED: &'static str = "null";

    fn from_json(value: &JsValue) -> Result<Self, String> {
        value
            .is_null()
            .then_some(())
            .ok_or_else(|| expected(Self::EXPECTED))
    }
}

impl ToJson for str {
    fn to_json(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl ToJson for String {
    fn to_json(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl ToJson for bool {
    fn to_json(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

/// `None` is `null`, as serde writes it unless the field skips it (`skip_none` below).
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> JsValue {
        self.as_ref().map_or(JsValue::NULL, ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> JsValue {
        self.iter().map(ToJson::to_json).collect::<Array>().into()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> JsValue {
        self.as_slice().to_json()
    }
}

/// The host callbacks get borrowed values (`Option<&DefaultMethod>`).
impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> JsValue {
        (**self).to_json()
    }
}

/// Enums travel as their API names.
macro_rules! names {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            const EXPECTED: &'static str = "a string";

            fn from_json(value: &JsValue) -> Result<Self, String> {
                let name = String::from_json(value)?;
                <$t>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == name)
                    .ok_or_else(|| format!("unknown variant {name}"))
            }
        }
        impl ToJson for $t {
            fn to_json(&self) -> JsValue {
                JsValue::from_str(self.as_str())
            }
        }
    )*};
}
names!(
    MethodType,
    Usage,
    DefaultMode,
    PhoneKind,
    MethodSource,
    Algorithm,
    ErrorCode,
    ChallengePurpose,
    ChallengeState
);

/// The JSON names of a mapped type, for the test against serde's.
#[cfg(test)]
trait Fields {
    const FIELDS: &'static [&'static str];
}

/// A struct of the API from ONE list of `rust_field: "jsonName"` pairs: the reader
/// (`read`), the writer (`write`) or both, and the names for the test. A pair may carry
/// the field's serde attribute: `[default]` (absent or `null` reads as the default) or
/// `[skip_none]` (`None` is left out when writing).
macro_rules! mapping {
    (read $($rest:tt)*) => {
        mapping!(@read $($rest)*);
        mapping!(@fields $($rest)*);
    };
    (write $($rest:tt)*) => {
        mapping!(@write $($rest)*);
        mapping!(@fields $($rest)*);
    };
    (read_write $($rest:tt)*) => {
        mapping!(@read $($rest)*);
        mapping!(@write $($rest)*);
        mapping!(@fields $($rest)*);
    };
    (@read $t:ident { $($field:ident: $name:literal $([$attr:ident])?),* $(,)? }) => {
        impl FromJson for $t {
            const EXPECTED: &'static str = "an object";

            fn from_json(v: &JsValue) -> Result<Self, String> {
                Ok($t { $($field: mapping!(@get v $name $($attr)?)),* })
            }
        }
    };
    (@get $v:ident $name:literal) => { field($v, $name)? };
    (@get $v:ident $name:literal skip_none) => { field($v, $name)? };
    (@get $v:ident $name:literal default) => {
        field::<Option<_>>($v, $name)?.unwrap_or_default()
    };
    (@write $t:ident { $($field:ident: $name:literal $([$attr:ident])?),* $(,)? }) => {
        impl ToJson for $t {
            fn to_json(&self) -> JsValue {
                let object = Object::new();
                $(mapping!(@set $($attr)? object $name self.$field);)*
                object.into()
            }
        }
    };
    (@set skip_none $o:ident $name:literal $value:expr) => {
        if let Some(value) = &$value {
            set(&$o, $name, value.to_json());
        }
    };
    (@set default $o:ident $name:literal $value:expr) => { set(&$o, $name, $value.to_json()) };
    (@set $o:ident $name:literal $value:expr) => { set(&$o, $name, $value.to_json()) };
    (@fields $t:ident { $($field:ident: $name:literal $([$attr:ident])?),* $(,)? }) => {
        #[cfg(test)]
        impl Fields for $t {
            const FIELDS: &'static [&'static str] = &[$($name),*];
        }
    };
}

mapping!(read_write Method {
    id: "id",
    method_type: "type",
    name: "name",
    detail: "detail" [skip_none],
    phone_kind: "phoneKind" [skip_none],
    source: "source" [skip_none],
    code_digits: "codeDigits" [skip_none],
    usable_for: "usableFor",
    default_modes: "defaultModes",
    created_at: "createdAt",
    last_used_at: "lastUsedAt",
});

mapping!(read_write DefaultMethod {
    method_id: "methodId",
    mode: "mode",
});

mapping!(read_write Policy {
    allowed_methods: "allowedMethods",
    max_authenticators: "maxAuthenticators",
    allow_delete_last_mfa_method: "allowDeleteLastMfaMethod",
    step_up_window_secs: "stepUpWindowSecs",
    security_questions_required: "securityQuestionsRequired",
    security_questions: "securityQuestions" [default],
    authenticator_name: "authenticatorName",
});

mapping!(read_write StepUp {
    required: "required",
    fresh_until: "freshUntil",
});

mapping!(read_write SecurityInfo {
    methods: "methods",
    default_method: "defaultMethod",
    policy: "policy",
    step_up: "stepUp",
    server_time: "serverTime",
    session: "session" [skip_none],
});

mapping!(read TotpStartResponse {
    enrollment_id: "enrollmentId",
    issuer: "issuer",
    account_name: "accountName",
    algorithm: "algorithm",
    digits: "digits",
    period: "period",
    expires_at: "expiresAt",
    server_time: "serverTime",
});

mapping!(read DefaultMethodResponse {
    default_method: "defaultMethod",
});

mapping!(read StepUpResponse {
    fresh_until: "freshUntil",
});

mapping!(read_write Session {
    username: "username",
    authenticated: "authenticated",
    methods: "methods",
    default_method: "defaultMethod",
});

mapping!(read Problem {
    problem_type: "type",
    title: "title",
    status: "status",
    code: "code",
    detail: "detail",
    retry_after: "retryAfter",
});

mapping!(read PushStartResponse {
    enrollment_id: "enrollmentId",
    activation_code: "activationCode",
    activation_url: "activationUrl",
    activation_uri: "activationUri",
    expires_at: "expiresAt",
});

mapping!(read PushChallenge {
    id: "id",
    number: "number",
    purpose: "purpose",
    state: "state",
    device_name: "deviceName",
    expires_at: "expiresAt",
});

mapping!(write PushTestRequest {
    enrollment_id: "enrollmentId",
});

mapping!(write PushCompleteRequest {
    challenge_id: "challengeId",
});

mapping!(write PushChallengeRequest {
    method_id: "methodId" [skip_none],
});

mapping!(write TotpStartRequest {});

mapping!(write TotpFinishRequest {
    enrollment_id: "enrollmentId",
    secret: "secret",
    code: "code",
    name: "name",
});

mapping!(write HardwareTokenRequest {
    serial: "serial",
    code: "code",
    name: "name",
});

mapping!(write RenameRequest {
    name: "name",
});

mapping!(write SetDefaultRequest {
    method_id: "methodId",
    mode: "mode",
});

mapping!(write VerifyRequest {
    method_id: "methodId",
    code: "code",
});

mapping!(write SignInRequest {
    username: "username",
    password: "password",
});

mapping!(write PhoneStartRequest {
    phone_kind: "phoneKind",
    number: "number",
    extension: "extension" [skip_none],
    mode: "mode",
    replaces: "replaces" [skip_none],
    locale: "locale" [skip_none],
});

mapping!(write EmailStartRequest {
    address: "address",
    replaces: "replaces" [skip_none],
    locale: "locale" [skip_none],
});

mapping!(read SecurityQuestion {
    id: "id",
    text: "text",
});

mapping!(read SecurityQuestions {
    required: "required",
    questions: "questions",
});

mapping!(write SecurityAnswer {
    question_id: "questionId",
    answer: "answer",
});

mapping!(write SecurityAnswersRequest {
    answers: "answers",
});

mapping!(read CodeSent {
    challenge_id: "challengeId",
    detail: "detail",
    mode: "mode",
    code_digits: "codeDigits",
    expires_at: "expiresAt",
    resend_at: "resendAt",
    server_time: "serverTime",
});

mapping!(write ResendRequest {
    challenge_id: "challengeId",
    mode: "mode" [skip_none],
});

mapping!(write CodeFinishRequest {
    challenge_id: "challengeId",
    code: "code",
    name: "name" [skip_none],
});

mapping!(write SendCodeRequest {
    method_id: "methodId",
    mode: "mode",
    locale: "locale" [skip_none],
});

mapping!(read OutboxMessage {
    id: "id",
    kind: "kind",
    to: "to",
    subject: "subject",
    text: "text",
    created_at: "createdAt",
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn method() -> Method {
        Method {
            id: "m1".into(),
            method_type: MethodType::Phone,
            name: "Phone".into(),
            detail: Some("+31 6 ••••••78".into()),
            phone_kind: Some(PhoneKind::Mobile),
            source: Some(MethodSource::Hardware),
            code_digits: Some(8),
            usable_for: vec![Usage::Mfa, Usage::Sspr],
            default_modes: vec![DefaultMode::Text, DefaultMode::Call],
            created_at: 1_700_000_000,
            last_used_at: Some(1_700_000_100),
        }
    }

    fn default_method() -> DefaultMethod {
        DefaultMethod {
            method_id: "m1".into(),
            mode: DefaultMode::Text,
        }
    }

    fn info() -> SecurityInfo {
        SecurityInfo {
            methods: vec![method()],
            default_method: Some(default_method()),
            policy: Policy {
                allowed_methods: MethodType::ALL.to_vec(),
                max_authenticators: 5,
                allow_delete_last_mfa_method: false,
                step_up_window_secs: 600,
                security_questions_required: 3,
                security_questions: vec!["Pet?".into()],
                authenticator_name: "Microsoft Authenticator".into(),
            },
            step_up: StepUp {
                required: true,
                fresh_until: Some(1_700_000_300),
            },
            server_time: 1_700_000_200,
            session: Some(Session {
                username: "jan".into(),
                authenticated: true,
                methods: vec![method()],
                default_method: Some(default_method()),
            }),
        }
    }

    /// `T`'s field list against the keys serde writes for a fully populated `sample`
    /// (as sets: serde_json's map is sorted).
    fn same_fields<T: Fields>(sample: serde_json::Result<Value>) {
        let sample = sample.unwrap();
        let mut serde: Vec<&str> = sample
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut ours = T::FIELDS.to_vec();
        serde.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, serde, "{}", std::any::type_name::<T>());
    }

    #[test]
    fn every_mapping_names_the_fields_serde_writes() {
        let info = info();
        same_fields::<Method>(serde_json::to_value(method()));
        same_fields::<DefaultMethod>(serde_json::to_value(default_method()));
        same_fields::<Policy>(serde_json::to_value(&info.policy));
        same_fields::<StepUp>(serde_json::to_value(&info.step_up));
        same_fields::<SecurityInfo>(serde_json::to_value(&info));
        same_fields::<TotpStartResponse>(serde_json::to_value(TotpStartResponse {
            enrollment_id: "e1".into(),
            issuer: "Contoso".into(),
            account_name: "jan".into(),
            algorithm: Algorithm::Sha256,
            digits: 8,
            period: 30,
            expires_at: 5,
            server_time: 4,
        }));
        same_fields::<DefaultMethodResponse>(serde_json::to_value(DefaultMethodResponse {
            default_method: Some(default_method()),
        }));
        same_fields::<StepUpResponse>(serde_json::to_value(StepUpResponse { fresh_until: 7 }));
        same_fields::<Session>(serde_json::to_value(Session {
            username: "jan".into(),
            authenticated: true,
            methods: vec![method()],
            default_method: Some(default_method()),
        }));
        same_fields::<Problem>(serde_json::to_value(Problem {
            detail: Some("slow down".into()),
            retry_after: Some(30),
            ..Problem::new(ErrorCode::RateLimited)
        }));
        same_fields::<TotpStartRequest>(serde_json::to_value(TotpStartRequest {}));
        same_fields::<PhoneStartRequest>(serde_json::to_value(PhoneStartRequest {
            phone_kind: PhoneKind::Office,
            number: "+31201234567".into(),
            extension: Some("12".into()),
            mode: DefaultMode::Call,
            replaces: Some("m1".into()),
            locale: Some("nl".into()),
        }));
        same_fields::<EmailStartRequest>(serde_json::to_value(EmailStartRequest {
            address: "a@b.cd".into(),
            replaces: Some("m1".into()),
            locale: Some("nl".into()),
        }));
        let question = SecurityQuestion {
            id: "q1".into(),
            text: "Where?".into(),
        };
        same_fields::<SecurityQuestion>(serde_json::to_value(&question));
        same_fields::<SecurityQuestions>(serde_json::to_value(SecurityQuestions {
            required: 3,
            questions: vec![question],
        }));
        let answer = SecurityAnswer {
            question_id: "q1".into(),
            answer: "Amsterdam".into(),
        };
        same_fields::<SecurityAnswer>(serde_json::to_value(&answer));
        same_fields::<SecurityAnswersRequest>(serde_json::to_value(SecurityAnswersRequest {
            answers: vec![answer],
        }));
        same_fields::<CodeSent>(serde_json::to_value(CodeSent {
            challenge_id: "c".into(),
            detail: "d".into(),
            mode: DefaultMode::Text,
            code_digits: 6,
            expires_at: 3,
            resend_at: 2,
            server_time: 1,
        }));
        same_fields::<ResendRequest>(serde_json::to_value(ResendRequest {
            challenge_id: "c".into(),
            mode: Some(DefaultMode::Call),
        }));
        same_fields::<CodeFinishRequest>(serde_json::to_value(CodeFinishRequest {
            challenge_id: "c".into(),
            code: "123456".into(),
            name: Some("n".into()),
        }));
        same_fields::<SendCodeRequest>(serde_json::to_value(SendCodeRequest {
            method_id: "m".into(),
            mode: DefaultMode::Text,
            locale: Some("nl".into()),
        }));
        same_fields::<OutboxMessage>(serde_json::to_value(OutboxMessage {
            id: "o".into(),
            kind: "text".into(),
            to: "+31612345678".into(),
            subject: Some("s".into()),
            text: "t".into(),
            created_at: 1,
        }));
        same_fields::<PushStartResponse>(serde_json::to_value(PushStartResponse {
            enrollment_id: "e".into(),
            activation_code: "123456789".into(),
            activation_url: "u".into(),
            activation_uri: "v".into(),
            expires_at: 1,
        }));
        same_fields::<PushChallenge>(serde_json::to_value(PushChallenge {
            id: "c".into(),
            number: 42,
            purpose: ChallengePurpose::Enrol,
            state: ChallengeState::Pending,
            device_name: "d".into(),
            expires_at: 1,
        }));
        same_fields::<PushTestRequest>(serde_json::to_value(PushTestRequest {
            enrollment_id: "e".into(),
        }));
        same_fields::<PushCompleteRequest>(serde_json::to_value(PushCompleteRequest {
            challenge_id: "c".into(),
        }));
        same_fields::<PushChallengeRequest>(serde_json::to_value(PushChallengeRequest {
            method_id: Some("m".into()),
        }));
        same_fields::<TotpFinishRequest>(serde_json::to_value(TotpFinishRequest {
            enrollment_id: "e1".into(),
            secret: "GEZD".into(),
            code: "123456".into(),
            name: Some("Phone".into()),
        }));
        same_fields::<HardwareTokenRequest>(serde_json::to_value(HardwareTokenRequest {
            serial: "GALT1234".into(),
            code: "123456".into(),
            name: Some("Fob".into()),
        }));
        same_fields::<RenameRequest>(serde_json::to_value(RenameRequest { name: "n".into() }));
        same_fields::<SetDefaultRequest>(serde_json::to_value(SetDefaultRequest {
            method_id: "m1".into(),
            mode: DefaultMode::Call,
        }));
        same_fields::<VerifyRequest>(serde_json::to_value(VerifyRequest {
            method_id: "m1".into(),
            code: "123456".into(),
        }));
        same_fields::<SignInRequest>(serde_json::to_value(SignInRequest {
            username: "jan".into(),
            password: "pw".into(),
        }));
    }
}

/// The same JSON as serde_json reads and writes for these types (serde_json stays a
/// dev-dependency to be the reference).
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use serde_json::{Value, json};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn method(detail: Option<&str>) -> Method {
        Method {
            id: "m1".into(),
            method_type: MethodType::Phone,
            name: "Phone".into(),
            detail: detail.map(Into::into),
            phone_kind: detail.map(|_| PhoneKind::Mobile),
            source: None,
            code_digits: None,
            usable_for: vec![Usage::Mfa, Usage::Sspr],
            default_modes: vec![DefaultMode::Text, DefaultMode::Call],
            created_at: 1_700_000_000,
            last_used_at: detail.map(|_| 1_700_000_100),
        }
    }

    fn info() -> SecurityInfo {
        SecurityInfo {
            methods: vec![method(None), method(Some("+31 6 ••••••78"))],
            default_method: Some(DefaultMethod {
                method_id: "m1".into(),
                mode: DefaultMode::Text,
            }),
            policy: Policy {
                allowed_methods: MethodType::ALL.to_vec(),
                max_authenticators: 5,
                allow_delete_last_mfa_method: false,
                step_up_window_secs: 600,
                security_questions_required: 3,
                security_questions: vec!["Pet?".into()],
                authenticator_name: "Microsoft Authenticator".into(),
            },
            step_up: StepUp {
                required: true,
                fresh_until: None,
            },
            server_time: 1_700_000_200,
            session: Some(Session {
                username: "jan".into(),
                authenticated: true,
                methods: Vec::new(),
                default_method: None,
            }),
        }
    }

    fn decode<T: FromJson>(text: &str) -> Result<T, String> {
        T::from_json(&parse(text)?)
    }

    fn written<T: ToJson + ?Sized>(value: &T) -> Value {
        serde_json::from_str(&encode(value)).unwrap()
    }

    #[wasm_bindgen_test]
    fn reads_what_serde_writes() {
        let info = info();
        let text = serde_json::to_string(&info).unwrap();
        assert_eq!(decode::<SecurityInfo>(&text), Ok(info));
        let problem = Problem::new(ErrorCode::RateLimited);
        let text = serde_json::to_string(&problem).unwrap();
        assert_eq!(decode::<Problem>(&text), Ok(problem));
        let start = json!({"enrollmentId": "e1", "issuer": "Contoso", "accountName": "jan",
            "algorithm": "SHA256", "digits": 8, "period": 30, "expiresAt": 5, "serverTime": 4});
        let start: TotpStartResponse = decode(&start.to_string()).unwrap();
        assert_eq!((start.algorithm, start.digits), (Algorithm::Sha256, 8));
        assert_eq!(decode::<()>("null"), Ok(()));
        assert_eq!(decode::<Option<Session>>("null"), Ok(None));
    }

    #[wasm_bindgen_test]
    fn writes_what_serde_writes() {
        let info = info();
        assert_eq!(written(&info), serde_json::to_value(&info).unwrap());
        let finish = TotpFinishRequest {
            enrollment_id: "e1".into(),
            secret: "GEZD".into(),
            code: "123456".into(),
            name: None,
        };
        assert_eq!(written(&finish), serde_json::to_value(&finish).unwrap());
        let set = SetDefaultRequest {
            method_id: "m1".into(),
            mode: DefaultMode::Call,
        };
        assert_eq!(written(&set), serde_json::to_value(&set).unwrap());
        assert_eq!(written(&TotpStartRequest {}), json!({}));
        let default = Some(DefaultMethod {
            method_id: "m1".into(),
            mode: DefaultMode::Key,
        });
        assert_eq!(written(&default), serde_json::to_value(&default).unwrap());
        assert_eq!(written(&None::<DefaultMethod>), Value::Null);
    }

    #[wasm_bindgen_test]
    fn refuses_what_serde_refuses() {
        let mut value = serde_json::to_value(info()).unwrap();
        value["methods"][0]["type"] = json!("carrier_pigeon");
        assert!(decode::<SecurityInfo>(&value.to_string()).is_err());
        value["methods"][0]["type"] = json!("phone");
        value["serverTime"] = json!(1.5);
        assert!(decode::<SecurityInfo>(&value.to_string()).is_err());
        value["serverTime"] = json!(1);
        value["policy"]["maxAuthenticators"] = json!(-1);
        assert!(decode::<SecurityInfo>(&value.to_string()).is_err());
        value["policy"]["maxAuthenticators"] = json!(5);
        value.as_object_mut().unwrap().remove("stepUp");
        assert!(decode::<SecurityInfo>(&value.to_string()).is_err());
        let newer = json!({"type": "x", "title": "x", "status": 400, "code": "newer-code"});
        assert!(decode::<Problem>(&newer.to_string()).is_err());
        assert!(decode::<SecurityInfo>("not json").is_err());
        assert!(decode::<()>("{}").is_err());
    }
}
