//! The hardware token inventory for administrators: import, list, assign, unassign and
//! delete, through the admin API (a JWT with the admin role) and `admin tokens …`.

use crate::auth::Caller;
use crate::config::{Config, TokensCommand};
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::inventory::{self, ImportReport, SecretEncoding, normalize_serial};
use crate::keys;
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, valid_subject};
use crate::state::AppState;
use crate::store::{self, TokenRow, TokenState};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use security_info_core::totp::Algorithm;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An import file may be larger than other request bodies: about 10,000 tokens.
const IMPORT_BODY_LIMIT: usize = 1 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_assign, api_unassign))
        .routes(routes!(api_delete))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(api_import))
                .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
}

/// A token as administrators see it (the secret never leaves the server).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub serial: String,
    pub state: TokenState,
    pub manufacturer: String,
    pub model: String,
    pub algorithm: Algorithm,
    pub digits: i64,
    pub period: i64,
    /// The subject it is assigned to, if any.
    pub assigned_to: Option<String>,
    /// The subject whose method it is, once activated.
    pub activated_by: Option<String>,
}

impl TokenInfo {
    fn of(row: TokenRow) -> ApiResult<TokenInfo> {
        Ok(TokenInfo {
            state: row.state(),
            algorithm: row.params()?.algorithm,
            serial: row.serial,
            manufacturer: row.manufacturer,
            model: row.model,
            digits: row.digits,
            period: row.period,
            assigned_to: row.assigned_to,
            activated_by: row.activated_by,
        })
    }
}

pub async fn list(db: &Db, state: Option<TokenState>) -> ApiResult<Vec<TokenInfo>> {
    let mut conn = db.pool.acquire().await?;
    store::tokens(&mut conn)
        .await?
        .into_iter()
        .filter(|t| state.is_none_or(|s| t.state() == s))
        .map(TokenInfo::of)
        .collect()
}

/// Imports an inventory file: the good lines in one transaction, the rest reported.
pub async fn import(
    db: &Db,
    secrets: &SecretBox,
    file: &[u8],
    encoding: SecretEncoding,
) -> ApiResult<ImportReport> {
    let now = security_info_core::unix_now();
    let (lines, rejected) = inventory::parse_csv(file, encoding);
    let mut report = ImportReport {
        rejected,
        ..ImportReport::default()
    };
    let mut tx = db.begin_write().await?;
    inventory::import(&mut tx, secrets, &lines, &mut report, now).await?;
    tx.commit().await?;
    tracing::info!(
        imported = report.imported,
        unchanged = report.unchanged,
        rejected = report.rejected.len(),
        "hardware tokens imported"
    );
    Ok(report)
}

/// The token, by a serial number in any case; an impossible one is not found.
async fn find(conn: &mut sqlx::AnyConnection, serial: &str) -> ApiResult<TokenRow> {
    let serial = normalize_serial(serial).ok_or(ApiError::NotFound)?;
    store::token(conn, &serial).await?.ok_or(ApiError::NotFound)
}

/// Sets a token aside for `subject` (created if they never signed in), or for nobody.
/// A token activated by someone else cannot be given to another person.
pub async fn assign(db: &Db, serial: &str, subject: Option<&str>) -> ApiResult<TokenInfo> {
    let now = security_info_core::unix_now();
    let mut tx = db.begin_write().await?;
    let token = find(&mut tx, serial).await?;
    let user_id = match subject {
        Some(subject) if valid_subject(subject) => Some(
            store::ensure_user(&mut tx, subject, subject, None, now)
                .await?
                .id,
        ),
        Some(_) => return Err(ApiError::Validation("not a valid subject".into())),
        None => None,
    };
    if token.method_id.is_some() && token.activated_by.as_deref() != subject {
        return Err(ApiError::Validation(
            "the token is activated by someone else: delete that method first".into(),
        ));
    }
    store::set_token_user(&mut tx, &token.serial, user_id.as_deref()).await?;
    let updated = store::token(&mut tx, &token.serial)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    tracing::info!(serial = %token.serial, "hardware token assignment changed");
    TokenInfo::of(updated)
}

/// Removes a token for good; the method it is activated as goes too.
pub async fn delete(db: &Db, serial: &str) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let token = find(&mut tx, serial).await?;
    if let Some(method_id) = &token.method_id
        && let Some(method) = store::method_by_id(&mut tx, method_id).await?
    {
        let user = store::lock_user(&mut tx, &method.user_id).await?;
        store::delete_method(&mut tx, &user.id, method_id).await?;
        let remaining = rules::api_methods(&store::methods_of(&mut tx, &user.id).await?);
        let default = rules::current_default(&user, &remaining);
        store::set_default(&mut tx, &user.id, default.as_ref()).await?;
    }
    store::delete_token(&mut tx, &token.serial).await?;
    tx.commit().await?;
    tracing::info!(serial = %token.serial, "hardware token deleted");
    Ok(())
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Only the tokens in this state.
    state: Option<TokenState>,
}

/// The token inventory (administrators only).
#[utoipa::path(get, path = "/admin/tokens", tag = TAG,
    params(ListQuery),
    responses(
        (status = 200, body = Vec<TokenInfo>),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    caller.require_admin()?;
    let Query(query) = query.map_err(|_| ApiError::Validation(state_values()))?;
    Ok(Json(list(&state.db, query.state).await?))
}

fn state_values() -> String {
    let names: Vec<&str> = TokenState::ALL.iter().map(|s| s.as_str()).collect();
    format!("state is one of {}", names.join(", "))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    /// The secret keys are hex, not Base32.
    #[serde(default)]
    hex: bool,
}

/// Imports tokens from a CSV file (administrators only): the header
/// `upn,serial number,secret key,time interval,manufacturer,model` (optionally
/// `,algorithm,digits`), secrets in Base32 (or hex with `?hex=true`). Answers what was
/// imported, what was already there, and the rejected lines by number (header = 1).
#[utoipa::path(post, path = "/admin/tokens", tag = TAG,
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_import(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportReport>> {
    caller.require_admin()?;
    let Query(query) = query.map_err(|_| ApiError::Validation("hex is true or false".into()))?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    if !csv {
        return Err(ApiError::Validation(
            "expected Content-Type: text/csv".into(),
        ));
    }
    let body = body
        .map_err(|_| ApiError::Validation("the request body is too large or unreadable".into()))?;
    let encoding = if query.hex {
        SecretEncoding::Hex
    } else {
        SecretEncoding::Base32
    };
    Ok(Json(
        import(&state.db, &state.secrets, &body, encoding).await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The person's subject (the JWT `sub`).
    pub subject: String,
}

/// Sets a token aside for one person (administrators only).
#[utoipa::path(put, path = "/admin/tokens/{serial}/user", tag = TAG,
    params(("serial" = String, Path, description = "the token's serial number")),
    request_body = AssignRequest,
    responses(
        (status = 200, body = TokenInfo),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(serial): Path<String>,
    Json(request): Json<AssignRequest>,
) -> ApiResult<Json<TokenInfo>> {
    caller.require_admin()?;
    Ok(Json(
        assign(&state.db, &serial, Some(&request.subject)).await?,
    ))
}

/// Makes a token available to anyone again (administrators only).
#[utoipa::path(delete, path = "/admin/tokens/{serial}/user", tag = TAG,
    params(("serial" = String, Path, description = "the token's serial number")),
    responses(
        (status = 200, body = TokenInfo),
        (status = 400, response = ProblemResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_unassign(
    State(state): State<AppState>,
    caller: Caller,
    Path(serial): Path<String>,
) -> ApiResult<Json<TokenInfo>> {
    caller.require_admin()?;
    Ok(Json(assign(&state.db, &serial, None).await?))
}

/// Removes a token for good, with the method it is activated as (administrators only).
#[utoipa::path(delete, path = "/admin/tokens/{serial}", tag = TAG,
    params(("serial" = String, Path, description = "the token's serial number")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(serial): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    delete(&state.db, &serial).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `admin tokens …`: prints JSON on stdout; an import with rejected lines fails after
/// printing its report.
pub async fn run_cli(
    db: &Db,
    config: &Config,
    command: TokensCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let output = match command {
        TokensCommand::Import { file, hex } => {
            let text =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let secrets = keys::open_checked(db, config).await?;
            let encoding = if hex {
                SecretEncoding::Hex
            } else {
                SecretEncoding::Base32
            };
            let report = import(db, &secrets, &text, encoding).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if !report.rejected.is_empty() {
                return Err(format!("{} lines rejected", report.rejected.len()).into());
            }
            return Ok(());
        }
        TokensCommand::List { state } => serde_json::to_string_pretty(
            &list(db, state.as_deref().and_then(TokenState::parse)).await?,
        ),
        TokensCommand::Assign { serial, subject } => {
            serde_json::to_string_pretty(&assign(db, &serial, Some(&subject)).await?)
        }
        TokensCommand::Unassign { serial } => {
            serde_json::to_string_pretty(&assign(db, &serial, None).await?)
        }
        TokensCommand::Delete { serial } => {
            delete(db, &serial).await?;
            Ok(format!("deleted {serial}"))
        }
    }?;
    println!("{output}");
    Ok(())
}
