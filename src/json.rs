//! The REST types to and from JSON through the browser's own `JSON.parse`/`stringify`,
//! instead of serde_json: its parser, its error messages (which format floats) and the
//! derived visitors cost ≈79 KB of wasm (27 KB brotli, 13% of the bundle; the budget
//! for everything is 60 KiB). The types are
//! the core's; the API names come from their `as_str` (tested equal to the serde names
//! there), and the shapes follow the serde attributes in `security_info_core::api`:
//! camelCase fields, `Option` fields absent or `null`, unknown fields ignored.

use js_sys::{Array, JSON, Object, Reflect};
use security_info_core::api::{
    DefaultMethod, DefaultMethodResponse, ErrorCode, Method, Policy, Problem, RenameRequest,
    SecurityInfo, Session, SetDefaultRequest, SignInRequest, StepUp, StepUpResponse,
    TotpFinishRequest, TotpStartRequest, TotpStartResponse, VerifyRequest,
};
use security_info_core::methods::{DefaultMode, MethodType, PhoneKind, Usage};
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

/// Reads a value of the API from parsed JSON.
pub trait FromJson: Sized {
    fn from_json(value: &JsValue) -> Result<Self, String>;
}

/// Writes a value of the API as a JS value (for request bodies and host callbacks).
pub trait ToJson {
    fn to_json(&self) -> JsValue;
}

/// The field `name` of a JSON object, with the field named in the error.
fn field<T: FromJson>(object: &JsValue, name: &str) -> Result<T, String> {
    T::from_json(&get(object, name)?).map_err(|e| in_field(name, e))
}

// The generic `field` stays a one-liner; the work is in these two, once in the bundle.
fn get(object: &JsValue, name: &str) -> Result<JsValue, String> {
    if !object.is_object() || Array::is_array(object) {
        return Err(format!("expected an object with field {name}"));
    }
    Ok(Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED))
}

fn in_field(name: &str, error: String) -> String {
    format!("{name}: {error}")
}

/// A plain object from (API name, value) pairs, in the order of the serde structs.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in fields {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

impl FromJson for String {
    fn from_json(value: &JsValue) -> Result<Self, String> {
        value.as_string().ok_or_else(|| "expected a string".into())
    }
}

impl FromJson for bool {
    fn from_json(value: &JsValue) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| "expected true or false".into())
    }
}

/// A whole number in `min..=max` (serde refuses fractions and out-of-range numbers too).
fn integer(value: &JsValue, min: f64, max: f64) -> Result<f64, String> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
        .ok_or_else(|| "expected a whole number in range".into())
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
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
    fn from_json(value: &JsValue) -> Result<Self, String> {
        if value.is_undefined() || value.is_null() {
            Ok(None)
        } else {
            T::from_json(value).map(Some)
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &JsValue) -> Result<Self, String> {
        let array: &Array = value
            .dyn_ref()
            .filter(|_| Array::is_array(value))
            .ok_or("expected an array")?;
        array.iter().map(|v| T::from_json(&v)).collect()
    }
}

/// The answer of a call without a body (`null`).
impl FromJson for () {
    fn from_json(value: &JsValue) -> Result<Self, String> {
        value
            .is_null()
            .then_some(())
            .ok_or_else(|| "expected null".into())
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

/// `None` is `null` (serde writes it so unless the field skips it; see [`object`] users).
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

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> JsValue {
        (**self).to_json()
    }
}

/// Enums travel as their API names.
macro_rules! names {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &JsValue) -> Result<Self, String> {
                let name = value.as_string().ok_or("expected a string")?;
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
    Algorithm,
    ErrorCode
);

impl FromJson for Method {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(Method {
            id: field(v, "id")?,
            method_type: field(v, "type")?,
            name: field(v, "name")?,
            detail: field(v, "detail")?,
            phone_kind: field(v, "phoneKind")?,
            usable_for: field(v, "usableFor")?,
            default_modes: field(v, "defaultModes")?,
            created_at: field(v, "createdAt")?,
            last_used_at: field(v, "lastUsedAt")?,
        })
    }
}

impl ToJson for Method {
    fn to_json(&self) -> JsValue {
        let mut fields = vec![
            ("id", self.id.to_json()),
            ("type", self.method_type.to_json()),
            ("name", self.name.to_json()),
        ];
        // `skip_serializing_if = "Option::is_none"` in the serde struct.
        if let Some(detail) = &self.detail {
            fields.push(("detail", detail.to_json()));
        }
        if let Some(kind) = self.phone_kind {
            fields.push(("phoneKind", kind.to_json()));
        }
        fields.extend([
            ("usableFor", self.usable_for.to_json()),
            ("defaultModes", self.default_modes.to_json()),
            ("createdAt", self.created_at.to_json()),
            ("lastUsedAt", self.last_used_at.to_json()),
        ]);
        object(&fields)
    }
}

impl FromJson for DefaultMethod {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(DefaultMethod {
            method_id: field(v, "methodId")?,
            mode: field(v, "mode")?,
        })
    }
}

impl ToJson for DefaultMethod {
    fn to_json(&self) -> JsValue {
        object(&[
            ("methodId", self.method_id.to_json()),
            ("mode", self.mode.to_json()),
        ])
    }
}

impl FromJson for Policy {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(Policy {
            allowed_methods: field(v, "allowedMethods")?,
            max_authenticators: field(v, "maxAuthenticators")?,
            allow_delete_last_mfa_method: field(v, "allowDeleteLastMfaMethod")?,
            step_up_window_secs: field(v, "stepUpWindowSecs")?,
            security_questions_required: field(v, "securityQuestionsRequired")?,
            // `#[serde(default)]`: may be absent.
            security_questions: field::<Option<_>>(v, "securityQuestions")?.unwrap_or_default(),
            authenticator_name: field(v, "authenticatorName")?,
        })
    }
}

impl ToJson for Policy {
    fn to_json(&self) -> JsValue {
        object(&[
            ("allowedMethods", self.allowed_methods.to_json()),
            ("maxAuthenticators", self.max_authenticators.to_json()),
            (
                "allowDeleteLastMfaMethod",
                self.allow_delete_last_mfa_method.to_json(),
            ),
            ("stepUpWindowSecs", self.step_up_window_secs.to_json()),
            (
                "securityQuestionsRequired",
                self.security_questions_required.to_json(),
            ),
            ("securityQuestions", self.security_questions.to_json()),
            ("authenticatorName", self.authenticator_name.to_json()),
        ])
    }
}

impl FromJson for StepUp {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(StepUp {
            required: field(v, "required")?,
            fresh_until: field(v, "freshUntil")?,
        })
    }
}

impl ToJson for StepUp {
    fn to_json(&self) -> JsValue {
        object(&[
            ("required", self.required.to_json()),
            ("freshUntil", self.fresh_until.to_json()),
        ])
    }
}

impl FromJson for SecurityInfo {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(SecurityInfo {
            methods: field(v, "methods")?,
            default_method: field(v, "defaultMethod")?,
            policy: field(v, "policy")?,
            step_up: field(v, "stepUp")?,
            server_time: field(v, "serverTime")?,
        })
    }
}

impl ToJson for SecurityInfo {
    fn to_json(&self) -> JsValue {
        object(&[
            ("methods", self.methods.to_json()),
            ("defaultMethod", self.default_method.to_json()),
            ("policy", self.policy.to_json()),
            ("stepUp", self.step_up.to_json()),
            ("serverTime", self.server_time.to_json()),
        ])
    }
}

impl FromJson for TotpStartResponse {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(TotpStartResponse {
            enrollment_id: field(v, "enrollmentId")?,
            issuer: field(v, "issuer")?,
            account_name: field(v, "accountName")?,
            algorithm: field(v, "algorithm")?,
            digits: field(v, "digits")?,
            period: field(v, "period")?,
            expires_at: field(v, "expiresAt")?,
            server_time: field(v, "serverTime")?,
        })
    }
}

impl FromJson for DefaultMethodResponse {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(DefaultMethodResponse {
            default_method: field(v, "defaultMethod")?,
        })
    }
}

impl FromJson for StepUpResponse {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(StepUpResponse {
            fresh_until: field(v, "freshUntil")?,
        })
    }
}

impl FromJson for Session {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(Session {
            username: field(v, "username")?,
            authenticated: field(v, "authenticated")?,
            methods: field(v, "methods")?,
            default_method: field(v, "defaultMethod")?,
        })
    }
}

impl FromJson for Problem {
    fn from_json(v: &JsValue) -> Result<Self, String> {
        Ok(Problem {
            problem_type: field(v, "type")?,
            title: field(v, "title")?,
            status: field(v, "status")?,
            code: field(v, "code")?,
            detail: field(v, "detail")?,
            retry_after: field(v, "retryAfter")?,
        })
    }
}

impl ToJson for TotpStartRequest {
    fn to_json(&self) -> JsValue {
        object(&[])
    }
}

impl ToJson for TotpFinishRequest {
    fn to_json(&self) -> JsValue {
        object(&[
            ("enrollmentId", self.enrollment_id.to_json()),
            ("secret", self.secret.to_json()),
            ("code", self.code.to_json()),
            ("name", self.name.to_json()),
        ])
    }
}

impl ToJson for RenameRequest {
    fn to_json(&self) -> JsValue {
        object(&[("name", self.name.to_json())])
    }
}

impl ToJson for SetDefaultRequest {
    fn to_json(&self) -> JsValue {
        object(&[
            ("methodId", self.method_id.to_json()),
            ("mode", self.mode.to_json()),
        ])
    }
}

impl ToJson for VerifyRequest {
    fn to_json(&self) -> JsValue {
        object(&[
            ("methodId", self.method_id.to_json()),
            ("code", self.code.to_json()),
        ])
    }
}

impl ToJson for SignInRequest {
    fn to_json(&self) -> JsValue {
        object(&[
            ("username", self.username.to_json()),
            ("password", self.password.to_json()),
        ])
    }
}

/// The same JSON as serde_json reads and writes for these types (serde_json stays a
/// dev-dependency to be the reference).
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
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
