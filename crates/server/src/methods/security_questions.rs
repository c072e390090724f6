//! Security questions: for password reset only. The person picks the required number of
//! different questions from the administrator's list and answers each; answers are
//! folded (Unicode NFKC, trimmed, lower-cased) and stored only as argon2 hashes, never
//! answered back. Sending a new set replaces the old one as a whole ("Change").

use crate::auth::Caller;
use crate::clock::unix_now_ms;
use crate::error::{ApiError, ApiResult, Json};
use crate::openapi::{ProblemResponse, TAG};
use crate::rules;
use crate::state::AppState;
use crate::store::{self, MethodRow};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use security_info_core::api::{
    Method, SecurityAnswersRequest, SecurityQuestion, SecurityQuestions,
};
use security_info_core::methods::MethodType;
use unicode_normalization::UnicodeNormalization;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zeroize::Zeroizing;

/// Fewest characters of a folded answer.
pub const MIN_ANSWER_CHARS: usize = 3;
const MAX_ANSWER_CHARS: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(questions))
        .routes(routes!(set_answers))
}

/// How answers are compared: NFKC, trimmed, lower-cased ("  ＡＭＳＴＥＲＤＡＭ " is
/// "amsterdam").
pub fn fold(answer: &str) -> String {
    answer.nfkc().collect::<String>().trim().to_lowercase()
}

/// Whether `answer` is the one `hash` was made from (for password reset).
pub async fn answer_matches(answer: &str, hash: String) -> ApiResult<bool> {
    let folded = Zeroizing::new(fold(answer));
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(folded.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(Into::into)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct LocaleQuery {
    /// `en` or `nl` (other languages get English).
    locale: Option<String>,
}

/// The administrator's questions in the asker's language, with how many to answer.
#[utoipa::path(get, path = "/me/security-questions", tag = TAG,
    params(LocaleQuery),
    responses(
        (status = 200, body = SecurityQuestions),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn questions(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<LocaleQuery>,
) -> ApiResult<Json<SecurityQuestions>> {
    let locale = query.locale.as_deref().unwrap_or("en");
    Ok(Json(SecurityQuestions {
        required: state.config.security_questions_required,
        questions: state
            .config
            .questions
            .iter()
            .map(|q| SecurityQuestion {
                id: q.id(),
                text: q.text(locale).to_owned(),
            })
            .collect(),
    }))
}

/// The checked, folded answers by question id.
fn checked(
    state: &AppState,
    request: &SecurityAnswersRequest,
) -> ApiResult<Vec<(String, Zeroizing<String>)>> {
    let required = state.config.security_questions_required as usize;
    if request.answers.len() != required {
        return Err(ApiError::Validation(format!(
            "answer exactly {required} different questions"
        )));
    }
    let known: Vec<String> = state.config.questions.iter().map(|q| q.id()).collect();
    let mut answers: Vec<(String, Zeroizing<String>)> = Vec::with_capacity(required);
    for a in &request.answers {
        if !known.contains(&a.question_id) {
            return Err(ApiError::Validation("unknown question".into()));
        }
        if answers.iter().any(|(id, _)| *id == a.question_id) {
            return Err(ApiError::Validation(format!(
                "answer exactly {required} different questions"
            )));
        }
        let folded = Zeroizing::new(fold(&a.answer));
        let chars = folded.chars().count();
        if !(MIN_ANSWER_CHARS..=MAX_ANSWER_CHARS).contains(&chars) {
            return Err(ApiError::Validation(format!(
                "an answer has {MIN_ANSWER_CHARS} to {MAX_ANSWER_CHARS} characters"
            )));
        }
        answers.push((a.question_id.clone(), folded));
    }
    Ok(answers)
}

/// Sets the caller's security questions: 201 with the new method, or 200 when it
/// replaced their earlier set. Refuses `validation` (400: not exactly the required
/// number of different known questions, an answer under 3 characters),
/// `not-allowed-by-policy` and `step-up-required` (403).
#[utoipa::path(post, path = "/me/methods/security-questions", tag = TAG,
    request_body = SecurityAnswersRequest,
    responses(
        (status = 200, body = Method, description = "the set was replaced"),
        (status = 201, body = Method),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
    ),
    security(("bearer" = []), ("cookie" = [])))]
async fn set_answers(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<SecurityAnswersRequest>,
) -> ApiResult<(StatusCode, Json<Method>)> {
    let now_ms = unix_now_ms();
    let now = now_ms / 1000;
    let answers = checked(&state, &request)?;
    let user_id = caller.user.id.clone();
    let mut conn = state.db.pool.acquire().await?;
    let rows = store::methods_of(&mut conn, &user_id).await?;
    rules::check_add(
        &state.policy,
        MethodType::SecurityQuestions,
        &rules::api_methods(&rows),
    )?;
    rules::require_fresh(&mut conn, &caller.holder, &rows, now).await?;
    drop(conn);
    // Hashed before the transaction, one request's hashes at a time per permit.
    let hashes = {
        let _slot = state
            .hashing
            .acquire()
            .await
            .map_err(|_| ApiError::Internal("password hashing closed".into()))?;
        tokio::task::spawn_blocking(move || {
            answers
                .into_iter()
                .map(|(id, folded)| {
                    Ok((
                        id,
                        Argon2::default()
                            .hash_password(folded.as_bytes())?
                            .to_string(),
                    ))
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await??
    };
    let mut tx = state.db.begin_write().await?;
    let (user, existing) = rules::lock_for_add(
        &mut tx,
        &state.policy,
        MethodType::SecurityQuestions,
        &user_id,
        &caller.holder,
        now,
    )
    .await?;
    if let Some(old) = existing
        .iter()
        .find(|m| m.method_type == MethodType::SecurityQuestions)
    {
        store::set_answers(&mut tx, &old.id, &hashes).await?;
        let method = old.clone();
        tx.commit().await?;
        tracing::info!(user = %user_id, method = %method.id, "security questions replaced");
        return Ok((StatusCode::OK, Json(method)));
    }
    let row = MethodRow {
        id: crate::crypto::random_id()?,
        user_id: user_id.clone(),
        method_type: MethodType::SecurityQuestions.as_str().to_owned(),
        name: "Security questions".to_owned(),
        secret_enc: None,
        created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        last_used_at: None,
        last_step: None,
        totp_algorithm: None,
        totp_digits: None,
        totp_period: None,
        token_serial: None,
        contact: None,
        phone_kind: None,
        phone_extension: None,
        key_model: None,
    };
    let method = rules::insert_added(&mut tx, &user, &existing, &row).await?;
    store::set_answers(&mut tx, &row.id, &hashes).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, method = %method.id, "security questions added");
    Ok((StatusCode::CREATED, Json(method)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_folded_before_hashing() {
        assert_eq!(fold("  ＡＭＳＴＥＲＤＡＭ \n"), "amsterdam");
        assert_eq!(fold("Ĳsselmeer"), "ijsselmeer", "NFKC splits the ligature");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("ﬁdo"), "fido");
    }
}
