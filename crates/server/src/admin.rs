//! Administrator operations — the limit message sends people to an administrator, who
//! acts through the admin API (a JWT with the admin role) or the `admin` subcommand
//! (here too: `admin tokens …` for the hardware token inventory of `tokens`).

use crate::auth::Caller;
use crate::config::{AdminCommand, Config, TokensCommand};
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::inventory::{self, SecretEncoding};
use crate::keys;
use crate::openapi::{ProblemResponse, TAG};
use crate::rules::{self, check_id, valid_subject};
use crate::state::AppState;
use crate::store::{self, TokenState};
use crate::tokens;
use axum::extract::State;
use axum::http::StatusCode;
use security_info_core::api::{DefaultMethodResponse, Method};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_delete))
        .routes(routes!(api_reset))
}

pub async fn list_methods(db: &Db, subject: &str) -> ApiResult<Vec<Method>> {
    known_shape(subject)?;
    let mut conn = db.pool.acquire().await?;
    let user = store::user_by_subject(&mut conn, subject)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(rules::api_methods(
        &store::methods_of(&mut conn, &user.id).await?,
    ))
}

/// Deletes without step-up or the last-method policy: the administrator decides. A
/// hardware token goes back to the inventory.
pub async fn delete_method(
    db: &Db,
    secrets: &SecretBox,
    subject: &str,
    method_id: &str,
) -> ApiResult<DefaultMethodResponse> {
    known_shape(subject)?;
    check_id(method_id)?;
    let mut tx = db.begin_write().await?;
    let found = store::user_by_subject(&mut tx, subject)
        .await?
        .ok_or(ApiError::NotFound)?;
    let user = store::lock_user(&mut tx, &found.id).await?;
    let method = store::method_of(&mut tx, &user.id, method_id).await?;
    inventory::return_token(&mut tx, secrets, &method).await?;
    store::delete_method(&mut tx, &user.id, method_id).await?;
    // A push method's device key is revoked with it (its event stream ends at its next
    // look at the database).
    crate::push_store::revoke_method_device(&mut tx, method_id).await?;
    let remaining = rules::api_methods(&store::methods_of(&mut tx, &user.id).await?);
    let default = rules::current_default(&user, &remaining);
    store::set_default(&mut tx, &user.id, default.as_ref()).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, method = %method_id, "administrator deleted a method");
    Ok(DefaultMethodResponse {
        default_method: default,
    })
}

/// Removes all of a user's methods; their hardware tokens go back to the inventory.
pub async fn reset_user(db: &Db, secrets: &SecretBox, subject: &str) -> ApiResult<()> {
    known_shape(subject)?;
    let mut tx = db.begin_write().await?;
    let found = store::user_by_subject(&mut tx, subject)
        .await?
        .ok_or(ApiError::NotFound)?;
    store::lock_user(&mut tx, &found.id).await?;
    for method in store::methods_of(&mut tx, &found.id).await? {
        inventory::return_token(&mut tx, secrets, &method).await?;
    }
    store::reset_user(&mut tx, &found.id).await?;
    tx.commit().await?;
    tracing::info!(user = %found.id, "administrator reset a user");
    Ok(())
}

/// A subject that cannot exist is simply not found.
fn known_shape(subject: &str) -> ApiResult<()> {
    if valid_subject(subject) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A user's methods (administrators only).
#[utoipa::path(get, path = "/admin/users/{subject}/methods", tag = TAG,
    params(("subject" = String, Path, description = "the user's JWT sub")),
    responses(
        (status = 200, body = Vec<Method>),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_list(
    State(state): State<AppState>,
    caller: Caller,
    Path(subject): Path<String>,
) -> ApiResult<Json<Vec<Method>>> {
    caller.require_admin()?;
    Ok(Json(list_methods(&state.db, &subject).await?))
}

/// Deletes one of a user's methods (administrators only).
#[utoipa::path(delete, path = "/admin/users/{subject}/methods/{id}", tag = TAG,
    params(("subject" = String, Path, description = "the user's JWT sub"),
           ("id" = String, Path, description = "method id")),
    responses(
        (status = 200, body = DefaultMethodResponse),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((subject, id)): Path<(String, String)>,
) -> ApiResult<Json<DefaultMethodResponse>> {
    caller.require_admin()?;
    Ok(Json(
        delete_method(&state.db, &state.secrets, &subject, &id).await?,
    ))
}

/// Removes all of a user's methods (administrators only).
#[utoipa::path(post, path = "/admin/users/{subject}/reset", tag = TAG,
    params(("subject" = String, Path, description = "the user's JWT sub")),
    responses(
        (status = 204, description = "reset"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    ),
    security(("bearer" = [])))]
async fn api_reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(subject): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    reset_user(&state.db, &state.secrets, &subject).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `admin` subcommand: prints JSON on stdout.
pub async fn run_cli(
    db: &Db,
    config: &Config,
    command: AdminCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let output = match command {
        AdminCommand::ListMethods { subject } => {
            serde_json::to_string_pretty(&list_methods(db, &subject).await?)
        }
        AdminCommand::DeleteMethod { subject, method_id } => {
            let secrets = keys::open_checked(db, config).await?;
            serde_json::to_string_pretty(&delete_method(db, &secrets, &subject, &method_id).await?)
        }
        AdminCommand::ResetUser { subject } => {
            let secrets = keys::open_checked(db, config).await?;
            reset_user(db, &secrets, &subject).await?;
            Ok(format!("reset {subject}"))
        }
        AdminCommand::Tokens(command) => {
            run_tokens_cli(db, config, command).await?;
            return Ok(());
        }
        AdminCommand::RotateEncryptionKey {
            new_key_file,
            new_encryption_key,
            limit,
        } => {
            let old = SecretBox::load(config.encryption_key.as_deref(), &config.key_file)?;
            // clap requires one of the two; the file is not read when a key is given.
            let new = SecretBox::load(
                new_encryption_key.as_deref(),
                &new_key_file.unwrap_or_default(),
            )?;
            let rotation = keys::rotate(db, &old, &new, &keys::key_origin(config), limit).await?;
            serde_json::to_string_pretty(&rotation)
        }
    }?;
    println!("{output}");
    Ok(())
}

/// `admin tokens …`: prints JSON on stdout; an import with rejected lines fails after
/// printing its report.
async fn run_tokens_cli(
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
            let report = tokens::import(db, &secrets, &text, encoding).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if !report.rejected.is_empty() {
                return Err(format!("{} lines rejected", report.rejected.len()).into());
            }
            return Ok(());
        }
        TokensCommand::List { state } => serde_json::to_string_pretty(
            &tokens::list(db, state.as_deref().and_then(TokenState::parse)).await?,
        ),
        TokensCommand::Assign { serial, subject } => {
            serde_json::to_string_pretty(&tokens::assign(db, &serial, Some(&subject)).await?)
        }
        TokensCommand::Unassign { serial } => {
            serde_json::to_string_pretty(&tokens::assign(db, &serial, None).await?)
        }
        TokensCommand::Delete { serial } => {
            tokens::delete(db, &serial).await?;
            Ok(format!("deleted {serial}"))
        }
    }?;
    println!("{output}");
    Ok(())
}
