//! Configuration: command-line flags, each with an environment variable, over an optional
//! TOML file, over defaults. The file uses the flag names (kebab-case) as keys.

use clap::{Args, Parser, Subcommand};
use security_info_core::methods::MethodType;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "security-info-server", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no subcommand is given).
    Serve,
    /// Administer users' methods directly in the database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// List a user's methods (by subject, the JWT `sub` or demo user name).
    ListMethods { subject: String },
    /// Delete one method of a user; prints the new default.
    DeleteMethod { subject: String, method_id: String },
    /// Remove all of a user's methods, enrolments, sessions and step-ups.
    ResetUser { subject: String },
    /// The hardware token inventory.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Re-encrypt every secret with a new key (the current one comes from
    /// --encryption-key / --key-file). Stop every instance first; no instance starts
    /// until the rotation is finished. Run it again after an interruption: it resumes.
    /// Then start the instances with the new key.
    RotateEncryptionKey {
        /// The new key's file (created with a fresh key when it does not exist).
        #[arg(long, required_unless_present = "new_encryption_key")]
        new_key_file: Option<PathBuf>,
        /// The new 32-byte key in base64.
        #[arg(
            long,
            env = "SECURITY_INFO_NEW_ENCRYPTION_KEY",
            hide_env_values = true,
            conflicts_with = "new_key_file"
        )]
        new_encryption_key: Option<String>,
        /// Re-encrypt at most this many secrets in this run (the rest on the next run).
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Import tokens from a CSV file with the header
    /// `upn,serial number,secret key,time interval,manufacturer,model` (optionally
    /// `,algorithm,digits`); an empty upn leaves the token available to anyone. Prints a
    /// report; exits non-zero when a line was rejected. Importing a file again changes
    /// nothing.
    Import {
        file: PathBuf,
        /// The secret keys are hex, not Base32.
        #[arg(long)]
        hex: bool,
    },
    /// List the tokens (JSON), optionally only those in one state.
    List {
        #[arg(long, value_parser = ["available", "assigned", "activated"])]
        state: Option<String>,
    },
    /// Set a token aside for one person (by subject): only they can activate it.
    Assign { serial: String, subject: String },
    /// Make a token available to anyone again.
    Unassign { serial: String },
    /// Remove a token from the inventory for good (and the method it is activated as).
    Delete { serial: String },
}

/// Every setting; `None` means "not given here". Flags win over the file.
#[derive(Debug, Default, Args, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    /// TOML file with any of these settings (keys are the flag names).
    #[arg(long, env = "SECURITY_INFO_CONFIG", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, env = "SECURITY_INFO_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// sqlite://… or postgres://…; default: an SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory for the default SQLite file and the generated key file.
    #[arg(long, env = "SECURITY_INFO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Serve the built front end from this directory (with a strict CSP on HTML).
    #[arg(long, env = "SECURITY_INFO_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// Path prefix of the API.
    #[arg(long, env = "SECURITY_INFO_BASE_PATH")]
    pub base_path: Option<String>,
    /// Issuer shown in authenticator apps (otpauth `issuer`).
    #[arg(long, env = "SECURITY_INFO_ISSUER")]
    pub issuer: Option<String>,
    /// Product name used in the limit message.
    #[arg(long, env = "SECURITY_INFO_AUTHENTICATOR_NAME")]
    pub authenticator_name: Option<String>,
    /// Method types users may add (comma-separated API names).
    #[arg(long, env = "SECURITY_INFO_ALLOWED_METHODS", value_delimiter = ',')]
    pub allowed_methods: Option<Vec<String>>,
    /// Most authenticator apps or hardware tokens per user.
    #[arg(long, env = "SECURITY_INFO_MAX_AUTHENTICATORS")]
    pub max_authenticators: Option<u32>,
    /// Whether a user may delete their last two-step method.
    #[arg(long, env = "SECURITY_INFO_ALLOW_DELETE_LAST_MFA_METHOD", num_args = 0..=1, default_missing_value = "true")]
    pub allow_delete_last_mfa_method: Option<bool>,
    /// Seconds a step-up stays fresh.
    #[arg(long, env = "SECURITY_INFO_STEP_UP_WINDOW")]
    pub step_up_window: Option<u32>,
    /// Security questions offered to users (repeat the flag, or a TOML list).
    #[arg(
        long = "security-question",
        env = "SECURITY_INFO_SECURITY_QUESTIONS",
        value_delimiter = '|'
    )]
    pub security_questions: Option<Vec<Question>>,
    /// How many different security questions a user answers.
    #[arg(long, env = "SECURITY_INFO_SECURITY_QUESTIONS_REQUIRED")]
    pub security_questions_required: Option<u32>,
    /// Failed verifications allowed per user within the rate-limit window.
    #[arg(long, env = "SECURITY_INFO_RATE_LIMIT_USER")]
    pub rate_limit_user: Option<u32>,
    /// Failed verifications allowed per client address within the window.
    #[arg(long, env = "SECURITY_INFO_RATE_LIMIT_CLIENT")]
    pub rate_limit_client: Option<u32>,
    /// Rate-limit window in seconds.
    #[arg(long, env = "SECURITY_INFO_RATE_LIMIT_WINDOW")]
    pub rate_limit_window: Option<u32>,
    /// Take the client address from this header (e.g. x-forwarded-for; its first entry)
    /// — only behind a proxy that sets it.
    #[arg(long, env = "SECURITY_INFO_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,
    /// Origins (scheme://host:port) allowed to call the API with credentials.
    #[arg(
        long = "cors-origin",
        env = "SECURITY_INFO_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Option<Vec<String>>,
    /// HS256 secret for bearer JWTs issued by the host portal.
    #[arg(long, env = "SECURITY_INFO_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM file with an RS256 public key for bearer JWTs.
    #[arg(long, env = "SECURITY_INFO_JWT_RS256_KEY")]
    pub jwt_rs256_key: Option<PathBuf>,
    /// PEM file with an ES256 public key for bearer JWTs.
    #[arg(long, env = "SECURITY_INFO_JWT_ES256_KEY")]
    pub jwt_es256_key: Option<PathBuf>,
    /// URL of the portal's JSON Web Key Set (RS*/PS*/ES* keys, selected by `kid`).
    #[arg(long, env = "SECURITY_INFO_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// Required JWT `iss`.
    #[arg(long, env = "SECURITY_INFO_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required JWT `aud`.
    #[arg(long, env = "SECURITY_INFO_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Accept tokens for any audience (no `aud` check); the issuer is still required.
    #[arg(long, env = "SECURITY_INFO_JWT_ALLOW_ANY_AUDIENCE", num_args = 0..=1, default_missing_value = "true")]
    pub jwt_allow_any_audience: Option<bool>,
    /// Seconds of clock difference tolerated on a token's `exp` and `nbf`.
    #[arg(long, env = "SECURITY_INFO_JWT_LEEWAY")]
    pub jwt_leeway: Option<u64>,
    /// Least seconds between two JWKS fetches (a token with an unknown `kid` refetches
    /// the key set at most this often).
    #[arg(long, env = "SECURITY_INFO_JWKS_REFRESH")]
    pub jwks_refresh: Option<u64>,
    /// Role (in the JWT `roles` claim) that may use the admin API.
    #[arg(long, env = "SECURITY_INFO_ADMIN_ROLE")]
    pub admin_role: Option<String>,
    /// 32-byte key (base64) for encrypting TOTP secrets; default: a generated 0600 key
    /// file in the data directory.
    #[arg(
        long,
        env = "SECURITY_INFO_ENCRYPTION_KEY",
        hide_env_values = true,
        global = true
    )]
    pub encryption_key: Option<String>,
    /// Key file used when no key is given (created on first start).
    #[arg(long, env = "SECURITY_INFO_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    /// Demo mode: seed the demo's password users and offer their sign-in.
    #[arg(long, env = "SECURITY_INFO_DEMO", num_args = 0..=1, default_missing_value = "true")]
    pub demo: Option<bool>,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "SECURITY_INFO_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// Seconds an enrolment started with `start` stays open.
    #[arg(long, env = "SECURITY_INFO_ENROLLMENT_TTL")]
    pub enrollment_ttl: Option<u32>,
    /// Seconds a push activation code (and the pending method it creates) stays valid.
    #[arg(long, env = "SECURITY_INFO_PUSH_ACTIVATION_TTL")]
    pub push_activation_ttl: Option<u32>,
    /// Seconds a push notification can be answered.
    #[arg(long, env = "SECURITY_INFO_PUSH_CHALLENGE_TTL")]
    pub push_challenge_ttl: Option<u32>,
    /// Seconds between the database checks of someone waiting on a push notification,
    /// besides the wake-ups (LISTEN/NOTIFY with PostgreSQL).
    #[arg(long, env = "SECURITY_INFO_PUSH_POLL_INTERVAL")]
    pub push_poll_interval: Option<u32>,
    /// Push notifications per user in 10 minutes (push fatigue; one open at a time).
    #[arg(long, env = "SECURITY_INFO_PUSH_LIMIT")]
    pub push_limit: Option<u32>,
    /// Seconds a demo sign-in session lasts.
    #[arg(long, env = "SECURITY_INFO_SESSION_TTL")]
    pub session_ttl: Option<u32>,
    /// Mark the session cookie `Secure` (serve over HTTPS).
    #[arg(long, env = "SECURITY_INFO_COOKIE_SECURE", num_args = 0..=1, default_missing_value = "true")]
    pub cookie_secure: Option<bool>,
    /// Seconds a client has to send a request's headers (from its first byte, or from
    /// connecting).
    #[arg(long, env = "SECURITY_INFO_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,
    /// Seconds a request body has to arrive, from the end of the headers.
    #[arg(long, env = "SECURITY_INFO_BODY_TIMEOUT")]
    pub body_timeout: Option<u64>,
    /// Seconds a kept-alive connection may stay idle between requests, or a client may
    /// leave a response unread.
    #[arg(long, env = "SECURITY_INFO_IDLE_TIMEOUT")]
    pub idle_timeout: Option<u64>,
    /// Most client connections open at once (both listeners together); more wait.
    #[arg(long, env = "SECURITY_INFO_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds requests in flight get to finish after Ctrl-C or SIGTERM.
    #[arg(long, env = "SECURITY_INFO_SHUTDOWN_TIMEOUT")]
    pub shutdown_timeout: Option<u64>,
    /// Log format: text or json.
    #[arg(long, env = "SECURITY_INFO_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Demo mode: also serve the "existing portal" example on this second address (its
    /// own origin, allowed through CORS automatically).
    #[arg(long, env = "SECURITY_INFO_PORTAL_LISTEN")]
    pub portal_listen: Option<SocketAddr>,
    /// The portal's pages (default `www/portal`).
    #[arg(long, env = "SECURITY_INFO_PORTAL_DIR")]
    pub portal_dir: Option<PathBuf>,
    /// The built npm package the portal embeds, served at `/security-info/` (default `dist/pkg`).
    #[arg(long, env = "SECURITY_INFO_PORTAL_PKG_DIR")]
    pub portal_pkg_dir: Option<PathBuf>,
    /// Most pooled database connections (default 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "SECURITY_INFO_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// Wrong passwords allowed per user name and client address within the window
    /// (demo sign-in): a stranger elsewhere cannot lock the person out.
    #[arg(long, env = "SECURITY_INFO_PASSWORD_LIMIT_PER_CLIENT")]
    pub password_limit_per_client: Option<u32>,
    /// Wrong passwords allowed per user name within the window, from all addresses.
    #[arg(long, env = "SECURITY_INFO_PASSWORD_LIMIT_USER")]
    pub password_limit_user: Option<u32>,
    /// Password hashes computed at once (demo sign-in); more wait their turn.
    #[arg(long, env = "SECURITY_INFO_PASSWORD_HASH_CONCURRENCY")]
    pub password_hash_concurrency: Option<u32>,
    /// Enrolment starts allowed per user within the rate-limit window.
    #[arg(long, env = "SECURITY_INFO_ENROLLMENT_START_LIMIT")]
    pub enrollment_start_limit: Option<u32>,
    /// WebAuthn relying party id: the host name (or a registrable suffix of it) that
    /// security keys are bound to (default `localhost`).
    #[arg(long, env = "SECURITY_INFO_WEBAUTHN_RP_ID")]
    pub webauthn_rp_id: Option<String>,
    /// Relying party name shown by some authenticators (default: the issuer).
    #[arg(long, env = "SECURITY_INFO_WEBAUTHN_RP_NAME")]
    pub webauthn_rp_name: Option<String>,
    /// Origins (scheme://host:port) whose pages may run WebAuthn ceremonies; all share
    /// the one RP id (portals on sibling hosts). Default: `http://localhost` on any port.
    #[arg(
        long = "webauthn-origin",
        env = "SECURITY_INFO_WEBAUTHN_ORIGINS",
        value_delimiter = ','
    )]
    pub webauthn_origins: Option<Vec<String>>,
    /// Attestation conveyance: `none` (the default; the only one supported so far).
    #[arg(long, env = "SECURITY_INFO_WEBAUTHN_ATTESTATION")]
    pub webauthn_attestation: Option<String>,
    /// Accept only roaming security keys (USB/NFC/BLE): the browser is asked for a
    /// cross-platform authenticator and a platform one (or synced passkey) is refused.
    /// Default: any authenticator with user verification.
    #[arg(long, env = "SECURITY_INFO_WEBAUTHN_ROAMING_ONLY", num_args = 0..=1, default_missing_value = "true")]
    pub webauthn_roaming_only: Option<bool>,
    /// Seconds a WebAuthn ceremony stays open (the browser's timeout, and the stored
    /// challenge's lifetime).
    #[arg(long, env = "SECURITY_INFO_WEBAUTHN_TIMEOUT")]
    pub webauthn_timeout: Option<u32>,
    /// Texts, calls and (without SMTP) emails are POSTed to this URL as signed JSON
    /// (README: "Delivery webhook").
    #[arg(long, env = "SECURITY_INFO_DELIVERY_WEBHOOK_URL")]
    pub delivery_webhook_url: Option<String>,
    /// The webhook's HMAC-SHA256 key (X-Signature).
    #[arg(
        long,
        env = "SECURITY_INFO_DELIVERY_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub delivery_webhook_secret: Option<String>,
    /// SMTP server for emails (then email goes there, not to the webhook).
    #[arg(long, env = "SECURITY_INFO_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port (default 587 with starttls, 465 with tls).
    #[arg(long, env = "SECURITY_INFO_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// starttls (default) or tls (implicit TLS).
    #[arg(long, env = "SECURITY_INFO_SMTP_TLS")]
    pub smtp_tls: Option<String>,
    /// SMTP user name (with the password: AUTH).
    #[arg(long, env = "SECURITY_INFO_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(long, env = "SECURITY_INFO_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The From address of emails.
    #[arg(long, env = "SECURITY_INFO_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// A PEM file of one more CA certificate to trust for the SMTP server (besides the
    /// system's).
    #[arg(long, env = "SECURITY_INFO_SMTP_CA_CERT")]
    pub smtp_ca_cert: Option<PathBuf>,
    /// Seconds a sent code works.
    #[arg(long, env = "SECURITY_INFO_CODE_TTL")]
    pub code_ttl: Option<u32>,
    /// Tries per sent code.
    #[arg(long, env = "SECURITY_INFO_CODE_ATTEMPTS")]
    pub code_attempts: Option<u32>,
    /// Seconds before "Resend" may send another code.
    #[arg(long, env = "SECURITY_INFO_CODE_RESEND_COOLDOWN")]
    pub code_resend_cooldown: Option<u32>,
    /// Window in seconds for the send limits below.
    #[arg(long, env = "SECURITY_INFO_CODE_SEND_WINDOW")]
    pub code_send_window: Option<u32>,
    /// Codes sent per user within the send window.
    #[arg(long, env = "SECURITY_INFO_CODE_SEND_LIMIT_USER")]
    pub code_send_limit_user: Option<u32>,
    /// Codes sent to one number or address within the send window (whoever asks).
    #[arg(long, env = "SECURITY_INFO_CODE_SEND_LIMIT_CONTACT")]
    pub code_send_limit_contact: Option<u32>,
    /// Codes sent on behalf of one client address within the send window.
    #[arg(long, env = "SECURITY_INFO_CODE_SEND_LIMIT_CLIENT")]
    pub code_send_limit_client: Option<u32>,
}

/// How codes are delivered (delivery.rs picks per channel).
#[derive(Debug, Clone, Default)]
pub struct DeliveryConfig {
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub smtp: Option<SmtpConfig>,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// Implicit TLS (true) or STARTTLS.
    pub implicit_tls: bool,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    pub ca_cert: Option<PathBuf>,
}

/// One-time codes sent by text, call or email: lifetime, tries and send limits.
#[derive(Debug, Clone, Copy)]
pub struct CodeLimits {
    pub ttl: u32,
    pub attempts: u32,
    pub resend_cooldown: u32,
    pub send_window: u32,
    pub send_limit_user: u32,
    pub send_limit_contact: u32,
    pub send_limit_client: u32,
}

/// The WebAuthn relying party.
#[derive(Debug, Clone)]
pub struct WebauthnConfig {
    pub rp_id: String,
    pub rp_name: String,
    /// Empty: `http://localhost` on any port.
    pub origins: Vec<String>,
    pub roaming_only: bool,
    pub timeout: u32,
}

/// Where the demo's "existing portal" is served from.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    pub listen: SocketAddr,
    pub dir: PathBuf,
    pub pkg_dir: PathBuf,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// The demo portal: address, pages, package.
    pub portal: Option<PortalConfig>,
    pub database_url: String,
    pub static_dir: Option<PathBuf>,
    pub base_path: String,
    pub issuer: String,
    pub authenticator_name: String,
    pub allowed_methods: Vec<MethodType>,
    pub max_authenticators: u32,
    pub allow_delete_last_mfa_method: bool,
    pub step_up_window: u32,
    /// The questions in English (the policy lists these).
    pub security_questions: Vec<String>,
    /// The same questions with their ids and translations.
    pub questions: Vec<Question>,
    pub security_questions_required: u32,
    pub rate_limit_user: u32,
    pub rate_limit_client: u32,
    pub rate_limit_window: u32,
    pub trusted_proxy_header: Option<String>,
    pub cors_origins: Vec<String>,
    pub jwt_secret: Option<String>,
    pub jwt_rs256_key: Option<PathBuf>,
    pub jwt_es256_key: Option<PathBuf>,
    pub jwks_url: Option<String>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub jwt_allow_any_audience: bool,
    pub jwt_leeway: u64,
    pub jwks_refresh: Duration,
    pub admin_role: String,
    pub encryption_key: Option<String>,
    pub key_file: PathBuf,
    pub demo: bool,
    pub body_limit: usize,
    pub enrollment_ttl: u32,
    pub push_activation_ttl: u32,
    pub push_challenge_ttl: u32,
    pub push_poll_interval: u32,
    pub push_limit: u32,
    pub session_ttl: u32,
    pub cookie_secure: bool,
    pub log_format: String,
    /// `None`: the backend's default.
    pub db_max_connections: Option<u32>,
    pub password_limit_per_client: u32,
    pub password_limit_user: u32,
    pub password_hash_concurrency: u32,
    pub enrollment_start_limit: u32,
    pub limits: ConnectionLimits,
    pub webauthn: WebauthnConfig,
    pub delivery: DeliveryConfig,
    pub codes: CodeLimits,
}

/// What a client connection may cost: time per phase, and how many at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("unknown method type {0:?} in allowed-methods")]
    UnknownMethod(String),
    #[error("base-path must start with '/' and not end with '/': {0:?}")]
    BasePath(String),
    #[error("log-format must be text or json, not {0:?}")]
    LogFormat(String),
    #[error("webauthn-attestation {0:?} is not supported yet (only \"none\")")]
    Attestation(String),
    #[error("security question {0:?}: {1}")]
    Question(String, &'static str),
    #[error("smtp-tls must be starttls or tls, not {0:?}")]
    SmtpTls(String),
    #[error("smtp-host needs smtp-from (the From address of emails)")]
    SmtpFrom,
    #[error("delivery-webhook-url needs delivery-webhook-secret (the signing key)")]
    WebhookSecret,
    #[error("{flag} must not be 0: {why}")]
    Zero {
        flag: &'static str,
        why: &'static str,
    },
}

/// The questions when the configuration names none: English and Dutch (their ids are
/// the English texts' hashes, as for English-only questions).
const DEFAULT_QUESTIONS: [(&str, &str); 6] = [
    (
        "What was the name of your first pet?",
        "Hoe heette uw eerste huisdier?",
    ),
    (
        "In what city were you born?",
        "In welke stad bent u geboren?",
    ),
    (
        "What was your childhood nickname?",
        "Wat was uw bijnaam als kind?",
    ),
    (
        "What is the name of your favourite teacher?",
        "Hoe heet uw favoriete leraar?",
    ),
    (
        "What was the make of your first car?",
        "Wat was het merk van uw eerste auto?",
    ),
    (
        "In what city did your parents meet?",
        "In welke stad hebben uw ouders elkaar ontmoet?",
    ),
];

impl Settings {
    /// Fills every unset field from `file`.
    fn or(self, file: Settings) -> Settings {
        macro_rules! pick {
            ($($f:ident),*) => { Settings { config: self.config, $($f: self.$f.or(file.$f)),* } };
        }
        pick!(
            listen,
            database_url,
            data_dir,
            static_dir,
            portal_listen,
            portal_dir,
            portal_pkg_dir,
            base_path,
            issuer,
            authenticator_name,
            allowed_methods,
            max_authenticators,
            allow_delete_last_mfa_method,
            step_up_window,
            security_questions,
            security_questions_required,
            rate_limit_user,
            rate_limit_client,
            rate_limit_window,
            trusted_proxy_header,
            cors_origins,
            jwt_secret,
            jwt_rs256_key,
            jwt_es256_key,
            jwks_url,
            jwt_issuer,
            jwt_audience,
            jwt_allow_any_audience,
            jwt_leeway,
            jwks_refresh,
            admin_role,
            encryption_key,
            key_file,
            demo,
            body_limit,
            enrollment_ttl,
            push_activation_ttl,
            push_challenge_ttl,
            push_poll_interval,
            push_limit,
            session_ttl,
            cookie_secure,
            log_format,
            db_max_connections,
            password_limit_per_client,
            password_limit_user,
            password_hash_concurrency,
            enrollment_start_limit,
            delivery_webhook_url,
            delivery_webhook_secret,
            smtp_host,
            smtp_port,
            smtp_tls,
            smtp_username,
            smtp_password,
            smtp_from,
            smtp_ca_cert,
            code_ttl,
            code_attempts,
            code_resend_cooldown,
            code_send_window,
            code_send_limit_user,
            code_send_limit_contact,
            code_send_limit_client,
            header_timeout,
            body_timeout,
            idle_timeout,
            max_connections,
            shutdown_timeout,
            webauthn_rp_id,
            webauthn_rp_name,
            webauthn_origins,
            webauthn_attestation,
            webauthn_roaming_only,
            webauthn_timeout
        )
    }

    pub fn resolve(self) -> Result<Config, ConfigError> {
        let settings = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let file: Settings =
                    toml::from_str(&text).map_err(|source| ConfigError::Parse {
                        path: path.clone(),
                        source: Box::new(source),
                    })?;
                self.or(file)
            }
            None => self,
        };
        let delivery = delivery_config(&settings)?;
        let questions = settings.security_questions.clone().unwrap_or_else(|| {
            DEFAULT_QUESTIONS
                .iter()
                .map(|(en, nl)| {
                    Question::Translated(
                        [("en", en), ("nl", nl)]
                            .into_iter()
                            .map(|(l, t)| (l.to_owned(), (*t).to_owned()))
                            .collect(),
                    )
                })
                .collect()
        });
        check_questions(&questions)?;
        let required = settings.security_questions_required.unwrap_or(3);
        // Enough questions to pick the required number from (checked against an explicit
        // allowed-methods list below; by default the type is simply not offered).
        let enough_questions = required >= 1 && required as usize <= questions.len();
        let data_dir = settings.data_dir.unwrap_or_else(|| PathBuf::from("data"));
        let database_url = settings.database_url.unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("security-info.db").display()
            )
        });
        let allowed_methods = match settings.allowed_methods {
            Some(names) => names
                .iter()
                .map(|n| {
                    MethodType::parse(n.trim()).ok_or_else(|| ConfigError::UnknownMethod(n.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?,
            // What this server can enrol: TOTP, security keys and security questions, and
            // phones and email when something can deliver their codes (the demo's outbox, a
            // webhook, SMTP for email).
            None => {
                let demo = settings.demo.unwrap_or(false);
                let phone = demo || delivery.webhook_url.is_some();
                let email = phone || delivery.smtp.is_some();
                [
                    (MethodType::Totp, true),
                    (MethodType::Phone, phone),
                    (MethodType::SecurityKey, true),
                    (MethodType::Email, email),
                    (MethodType::SecurityQuestions, enough_questions),
                ]
                .into_iter()
                .filter_map(|(t, ok)| ok.then_some(t))
                .collect()
            }
        };
        if allowed_methods.contains(&MethodType::SecurityQuestions) && !enough_questions {
            return Err(ConfigError::Question(
                format!("{required} required of {}", questions.len()),
                "security-questions-required must be 1 to the number of questions",
            ));
        }
        let base_path = settings.base_path.unwrap_or_else(|| "/api".to_owned());
        if !base_path.starts_with('/') || base_path.ends_with('/') {
            return Err(ConfigError::BasePath(base_path));
        }
        let log_format = settings.log_format.unwrap_or_else(|| "text".to_owned());
        if log_format != "text" && log_format != "json" {
            return Err(ConfigError::LogFormat(log_format));
        }
        let limits = ConnectionLimits {
            header_timeout: Duration::from_secs(settings.header_timeout.unwrap_or(10)),
            body_timeout: Duration::from_secs(settings.body_timeout.unwrap_or(30)),
            idle_timeout: Duration::from_secs(settings.idle_timeout.unwrap_or(60)),
            // Below the usual limit of 1,024 descriptors, leaving room for the database,
            // the listeners and the JWKS client.
            max_connections: settings.max_connections.unwrap_or(512),
            shutdown_timeout: Duration::from_secs(settings.shutdown_timeout.unwrap_or(10)),
        };
        let attestation = settings
            .webauthn_attestation
            .unwrap_or_else(|| "none".to_owned());
        if attestation != "none" {
            return Err(ConfigError::Attestation(attestation));
        }
        let issuer = settings
            .issuer
            .unwrap_or_else(|| "Security Info Demo".to_owned());
        let webauthn = WebauthnConfig {
            rp_id: settings
                .webauthn_rp_id
                .unwrap_or_else(|| "localhost".to_owned()),
            rp_name: settings.webauthn_rp_name.unwrap_or_else(|| issuer.clone()),
            origins: settings.webauthn_origins.unwrap_or_default(),
            roaming_only: settings.webauthn_roaming_only.unwrap_or(false),
            timeout: settings.webauthn_timeout.unwrap_or(120),
        };
        let demo = settings.demo.unwrap_or(false);
        let codes = CodeLimits {
            ttl: settings.code_ttl.unwrap_or(600),
            attempts: settings.code_attempts.unwrap_or(5),
            resend_cooldown: settings.code_resend_cooldown.unwrap_or(30),
            send_window: settings.code_send_window.unwrap_or(3600),
            send_limit_user: settings.code_send_limit_user.unwrap_or(10),
            send_limit_contact: settings.code_send_limit_contact.unwrap_or(5),
            send_limit_client: settings.code_send_limit_client.unwrap_or(30),
        };
        // The demo mints its own tokens: it names itself as their issuer and audience.
        let jwt_issuer = settings
            .jwt_issuer
            .filter(|s| !s.is_empty())
            .or_else(|| demo.then(|| "security-info-demo".to_owned()));
        let jwt_audience = settings
            .jwt_audience
            .filter(|s| !s.is_empty())
            .or_else(|| demo.then(|| "security-info".to_owned()));
        let config = Config {
            listen: settings
                .listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            database_url,
            key_file: settings
                .key_file
                .unwrap_or_else(|| data_dir.join("secret.key")),
            static_dir: settings.static_dir,
            portal: settings
                .portal_listen
                .filter(|_| demo)
                .map(|listen| PortalConfig {
                    listen,
                    dir: settings.portal_dir.unwrap_or_else(|| "www/portal".into()),
                    pkg_dir: settings.portal_pkg_dir.unwrap_or_else(|| "dist/pkg".into()),
                }),
            base_path,
            issuer,
            authenticator_name: settings
                .authenticator_name
                .unwrap_or_else(|| "Microsoft Authenticator".to_owned()),
            allowed_methods,
            max_authenticators: settings.max_authenticators.unwrap_or(5),
            allow_delete_last_mfa_method: settings.allow_delete_last_mfa_method.unwrap_or(true),
            step_up_window: settings.step_up_window.unwrap_or(600),
            security_questions: questions.iter().map(|q| q.english().to_owned()).collect(),
            questions,
            security_questions_required: settings.security_questions_required.unwrap_or(3),
            rate_limit_user: settings.rate_limit_user.unwrap_or(5),
            rate_limit_client: settings.rate_limit_client.unwrap_or(5),
            rate_limit_window: settings.rate_limit_window.unwrap_or(300),
            trusted_proxy_header: settings
                .trusted_proxy_header
                .map(|h| h.to_ascii_lowercase()),
            cors_origins: settings.cors_origins.unwrap_or_default(),
            jwt_secret: settings.jwt_secret.filter(|s| !s.is_empty()),
            jwt_rs256_key: settings.jwt_rs256_key,
            jwt_es256_key: settings.jwt_es256_key,
            jwks_url: settings.jwks_url,
            jwt_issuer,
            jwt_audience,
            jwt_allow_any_audience: settings.jwt_allow_any_audience.unwrap_or(false),
            jwt_leeway: settings.jwt_leeway.unwrap_or(30),
            jwks_refresh: Duration::from_secs(settings.jwks_refresh.unwrap_or(30)),
            admin_role: settings.admin_role.unwrap_or_else(|| "admin".to_owned()),
            encryption_key: settings.encryption_key.filter(|s| !s.is_empty()),
            demo,
            body_limit: settings.body_limit.unwrap_or(16 * 1024),
            enrollment_ttl: settings.enrollment_ttl.unwrap_or(600),
            push_activation_ttl: settings.push_activation_ttl.unwrap_or(600),
            push_challenge_ttl: settings.push_challenge_ttl.unwrap_or(60),
            push_poll_interval: settings.push_poll_interval.unwrap_or(5),
            push_limit: settings.push_limit.unwrap_or(5),
            session_ttl: settings.session_ttl.unwrap_or(8 * 3600),
            cookie_secure: settings.cookie_secure.unwrap_or(false),
            log_format,
            db_max_connections: settings.db_max_connections,
            password_limit_per_client: settings.password_limit_per_client.unwrap_or(5),
            password_limit_user: settings.password_limit_user.unwrap_or(20),
            // Each argon2 hash takes ~19 MiB and one core for tens of milliseconds.
            password_hash_concurrency: settings.password_hash_concurrency.unwrap_or(2),
            enrollment_start_limit: settings.enrollment_start_limit.unwrap_or(20),
            limits,
            webauthn,
            delivery,
            codes,
        };
        refuse_zeros(&config)?;
        Ok(config)
    }
}

/// An administrator's security question: an English text (`--security-question TEXT`),
/// or in the TOML file a table with a text per locale and optionally a stable id:
/// `security-questions = [{ en = "…", nl = "…" }, "English only"]`. Without an id, the id
/// is derived from the English text, so reordering the list keeps people's answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Question {
    Text(String),
    Translated(std::collections::BTreeMap<String, String>),
}

impl std::str::FromStr for Question {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Question::Text(text.to_owned()))
    }
}

impl Question {
    pub fn english(&self) -> &str {
        match self {
            Question::Text(t) => t,
            Question::Translated(texts) => texts.get("en").map_or("", String::as_str),
        }
    }

    /// The text in `locale` (its language part), else English.
    pub fn text(&self, locale: &str) -> &str {
        match self {
            Question::Text(t) => t,
            Question::Translated(texts) => texts
                .get(locale.get(..2).unwrap_or(locale))
                .map_or_else(|| self.english(), String::as_str),
        }
    }

    /// The stable id: the table's `id`, else a hash of the English text.
    pub fn id(&self) -> String {
        match self {
            Question::Translated(texts) if texts.contains_key("id") => texts["id"].clone(),
            _ => crate::crypto::sha256_hex(self.english())[..12].to_owned(),
        }
    }
}

fn check_questions(questions: &[Question]) -> Result<(), ConfigError> {
    let mut ids = std::collections::HashSet::new();
    for q in questions {
        let name = q.english().to_owned();
        if name.trim().is_empty() {
            return Err(ConfigError::Question(name, "needs an English text (en)"));
        }
        let id = q.id();
        if id.is_empty()
            || id.len() > 64
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(ConfigError::Question(
                name,
                "an id has 1 to 64 letters, digits or dashes",
            ));
        }
        if !ids.insert(id) {
            return Err(ConfigError::Question(name, "is listed twice"));
        }
    }
    Ok(())
}

/// The delivery settings: SMTP needs a From address, a webhook its key.
fn delivery_config(settings: &Settings) -> Result<DeliveryConfig, ConfigError> {
    let webhook_url = settings
        .delivery_webhook_url
        .clone()
        .filter(|u| !u.is_empty());
    let webhook_secret = settings
        .delivery_webhook_secret
        .clone()
        .filter(|s| !s.is_empty());
    if webhook_url.is_some() && webhook_secret.is_none() {
        return Err(ConfigError::WebhookSecret);
    }
    let smtp = match settings.smtp_host.clone().filter(|h| !h.is_empty()) {
        None => None,
        Some(host) => {
            let tls = settings.smtp_tls.as_deref().unwrap_or("starttls");
            let implicit_tls = match tls {
                "starttls" => false,
                "tls" => true,
                other => return Err(ConfigError::SmtpTls(other.to_owned())),
            };
            Some(SmtpConfig {
                host,
                port: settings
                    .smtp_port
                    .unwrap_or(if implicit_tls { 465 } else { 587 }),
                implicit_tls,
                username: settings.smtp_username.clone().filter(|u| !u.is_empty()),
                password: settings.smtp_password.clone().filter(|p| !p.is_empty()),
                from: settings
                    .smtp_from
                    .clone()
                    .filter(|f| !f.is_empty())
                    .ok_or(ConfigError::SmtpFrom)?,
                ca_cert: settings.smtp_ca_cert.clone(),
            })
        }
    };
    Ok(DeliveryConfig {
        webhook_url,
        webhook_secret,
        smtp,
    })
}

/// Settings where 0 would switch a protection (or the product) off without a word.
fn refuse_zeros(config: &Config) -> Result<(), ConfigError> {
    let zeros = [
        (
            config.rate_limit_window == 0,
            "rate-limit-window",
            "no failed code would be counted, so guesses would be unlimited",
        ),
        (
            config.rate_limit_user == 0,
            "rate-limit-user",
            "every code of every user would be refused",
        ),
        (
            config.rate_limit_client == 0,
            "rate-limit-client",
            "every code from every address would be refused",
        ),
        (
            config.step_up_window == 0,
            "step-up-window",
            "a verification would never be fresh, so changes needing one would always be refused",
        ),
        (
            config.enrollment_ttl == 0,
            "enrollment-ttl",
            "every enrolment would expire before it could be finished",
        ),
        (
            config.push_activation_ttl == 0 || config.push_challenge_ttl == 0,
            "push-activation-ttl",
            "every push activation or notification would expire before it could be answered",
        ),
        (
            config.push_poll_interval == 0,
            "push-poll-interval",
            "waiting for a push answer would query the database without pause",
        ),
        (
            config.session_ttl == 0,
            "session-ttl",
            "every sign-in would expire at once",
        ),
        (
            config.body_limit == 0,
            "body-limit",
            "every request with a body would be refused",
        ),
        (
            config.password_limit_per_client == 0 || config.password_limit_user == 0,
            "password-limit-per-client / password-limit-user",
            "every sign-in would be refused",
        ),
        (
            config.password_hash_concurrency == 0,
            "password-hash-concurrency",
            "no password could ever be checked",
        ),
        (
            config.enrollment_start_limit == 0,
            "enrollment-start-limit",
            "no enrolment could be started",
        ),
        (
            config.db_max_connections == Some(0),
            "db-max-connections",
            "no request could reach the database",
        ),
        (
            config.limits.header_timeout.is_zero()
                || config.limits.body_timeout.is_zero()
                || config.limits.idle_timeout.is_zero(),
            "header-timeout / body-timeout / idle-timeout",
            "every request would be cut off at once",
        ),
        (
            config.limits.max_connections == 0,
            "max-connections",
            "no connection would ever be served",
        ),
        (
            config.limits.shutdown_timeout.is_zero(),
            "shutdown-timeout",
            "requests in flight would be cut off at every stop",
        ),
        (
            config.webauthn.timeout == 0,
            "webauthn-timeout",
            "every security key ceremony would expire at once",
        ),
        (
            config.jwks_refresh.is_zero(),
            "jwks-refresh",
            "every unknown key id would fetch the key set again",
        ),
        (
            config.codes.ttl == 0 || config.codes.attempts == 0,
            "code-ttl / code-attempts",
            "no sent code could ever be entered",
        ),
        (
            config.codes.send_window == 0,
            "code-send-window",
            "no code sent would be counted, so sends would be unlimited",
        ),
        (
            config.codes.send_limit_user == 0
                || config.codes.send_limit_contact == 0
                || config.codes.send_limit_client == 0,
            "code-send-limit-user / -contact / -client",
            "no code could ever be sent",
        ),
        (
            config.max_authenticators == 0,
            "max-authenticators",
            "no authenticator app could be added (leave totp out of allowed-methods instead)",
        ),
    ];
    match zeros.into_iter().find(|(zero, ..)| *zero) {
        Some((_, flag, why)) => Err(ConfigError::Zero { flag, why }),
        None => Ok(()),
    }
}
