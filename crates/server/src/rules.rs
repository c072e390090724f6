//! The server's side of the method rules: the policy's add/delete checks, step-up,
//! which method is the default, and the shape of ids and names. No SQL of its own
//! beyond reading step-up freshness through the store.

use crate::error::{ApiError, ApiResult};
use crate::store::{self, MethodRow, UserRow};
use security_info_core::api::{DefaultMethod, Method, Policy, Session};
use security_info_core::methods::{
    MethodFacts, MethodType, default_after_add, fallback_default, limit_reached_message,
};
use security_info_core::{CoreError, Secret};
use sqlx::AnyConnection;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

const MAX_NAME_CHARS: usize = 64;
/// Open enrolments kept per user: a new one closes the oldest beyond this.
pub const MAX_OPEN_ENROLLMENTS: u32 = 3;
const MAX_ID_LEN: usize = 64;

/// May a method of type `kind` be added next to `existing`? The refusal carries the
/// exact limit sentence (`limit_reached_message` in the core).
pub fn check_add(policy: &Policy, kind: MethodType, existing: &[Method]) -> ApiResult<()> {
    policy
        .rules()
        .check_add(kind, &types_of(existing))
        .map_err(|e| match e {
            CoreError::LimitReached { max } => {
                ApiError::LimitReached(limit_reached_message(&policy.authenticator_name, max))
            }
            other => ApiError::NotAllowedByPolicy(other.to_string()),
        })
}

/// May `target` be deleted from `existing`?
pub fn check_delete(policy: &Policy, target: MethodType, existing: &[Method]) -> ApiResult<()> {
    if policy.rules().may_delete(target, &types_of(existing)) {
        Ok(())
    } else {
        Err(ApiError::NotAllowedByPolicy(
            "your organization requires at least one two-step verification method".into(),
        ))
    }
}

/// Step-up is needed once the user has any two-step method and the holder has no
/// fresh verification.
pub async fn require_fresh(
    conn: &mut AnyConnection,
    holder: &str,
    rows: &[MethodRow],
    now: u64,
) -> ApiResult<()> {
    if has_two_step(rows) && store::fresh_until(conn, holder, now).await?.is_none() {
        return Err(ApiError::StepUpRequired);
    }
    Ok(())
}

/// Why a secret is refused: RFC 4226 asks for at least 128 bits; 512 is SHA-512's block.
pub const SECRET_LENGTH: &str = "a secret has 128 to 512 bits";

/// The length of a TOTP secret, from an authenticator app or a token inventory.
pub fn check_secret_len(secret: &Secret) -> ApiResult<()> {
    if (16..=64).contains(&secret.as_bytes().len()) {
        Ok(())
    } else {
        Err(ApiError::Validation(SECRET_LENGTH.into()))
    }
}

/// The first statements of the transaction that adds a method of `kind`: the user's
/// lock, then policy, limit and step-up again (the request's first look may be stale;
/// under the lock, concurrent additions cannot pass the limit). Answers the user and
/// the methods they have.
pub async fn lock_for_add(
    conn: &mut AnyConnection,
    policy: &Policy,
    kind: MethodType,
    user_id: &str,
    holder: &str,
    now: u64,
) -> ApiResult<(UserRow, Vec<Method>)> {
    let user = store::lock_user(conn, user_id).await?;
    let rows = store::methods_of(conn, user_id).await?;
    let existing = api_methods(&rows);
    check_add(policy, kind, &existing)?;
    require_fresh(conn, holder, &rows, now).await?;
    Ok((user, existing))
}

/// The last statements of that transaction: stores `row` and makes it the default when
/// the core says so. Answers the method as the API shows it.
pub async fn insert_added(
    conn: &mut AnyConnection,
    user: &UserRow,
    existing: &[Method],
    row: &MethodRow,
) -> ApiResult<Method> {
    store::insert_method(conn, row).await?;
    let method = row
        .to_api()
        .ok_or_else(|| ApiError::Internal("unknown method type".into()))?;
    let default = default_with_added(user, existing, &method);
    store::set_default(conn, &user.id, default.as_ref()).await?;
    Ok(method)
}

/// Ids are ours (hex); anything else cannot exist, and must not reach the database
/// (PostgreSQL refuses NUL bytes with an error, not a miss).
pub fn check_id(id: &str) -> ApiResult<()> {
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Characters that are not shown but change what is: controls (Cc) and format
/// characters (Cf: bidi overrides and isolates, zero-width joiners and spaces, the
/// BOM). "\u{202E}abc" in a name would reverse the sentence it is shown in.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || c.general_category() == GeneralCategory::Format
}

/// `text` without hidden characters, for labels taken from tokens.
pub fn without_hidden_characters(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !is_hidden(*c))
}

/// A subject or user name: 1–256 bytes without hidden characters.
pub fn valid_subject(subject: &str) -> bool {
    !subject.is_empty() && subject.len() <= 256 && !subject.chars().any(is_hidden)
}

/// A display name: trimmed, 1–64 characters, no hidden characters.
pub fn clean_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(is_hidden) {
        return Err(ApiError::Validation(format!(
            "a name has 1 to {MAX_NAME_CHARS} characters and no control or format characters"
        )));
    }
    Ok(name.to_owned())
}

pub fn api_methods(rows: &[MethodRow]) -> Vec<Method> {
    rows.iter().filter_map(MethodRow::to_api).collect()
}

pub fn has_two_step(rows: &[MethodRow]) -> bool {
    rows.iter()
        .filter_map(MethodRow::kind)
        .any(MethodType::is_two_step)
}

/// The stored default if it still names one of `methods` in a valid mode, else the
/// next one in the core's order (also after a delete).
pub fn current_default(user: &UserRow, methods: &[Method]) -> Option<DefaultMethod> {
    fallback_default(methods, user.default_pair())
        .map(|(method_id, mode)| DefaultMethod { method_id, mode })
}

/// After adding `added`: the core decides whether it becomes the default.
pub fn default_with_added(
    user: &UserRow,
    existing: &[Method],
    added: &Method,
) -> Option<DefaultMethod> {
    let current = fallback_default(existing, user.default_pair());
    default_after_add(current, added).map(|(method_id, mode)| DefaultMethod { method_id, mode })
}

/// The API methods implement the core's facts; the rules look at their types only.
fn types_of(methods: &[Method]) -> Vec<MethodType> {
    methods.iter().map(MethodFacts::method_type).collect()
}

/// The demo session as the API shows it: `GET /session`, sign-in, and the `session`
/// field of a cookie caller's security-info answer.
pub fn session_answer(user: &UserRow, rows: &[MethodRow], authenticated: bool) -> Session {
    let methods = api_methods(rows);
    let default_method = current_default(user, &methods);
    Session {
        username: user.subject.clone(),
        authenticated,
        // The second factor is a typed code or a security key: offer the methods that
        // can verify one.
        methods: if authenticated {
            Vec::new()
        } else {
            methods
                .into_iter()
                .filter(|m| m.method_type.verifiable())
                .collect()
        },
        default_method,
    }
}
