//! `security-info-device`: a companion device for push authenticators, for trying the
//! push flow without a phone app. A real client of the documented protocol (README,
//! "Push protocol"): it activates with the code the page shows, signs every request
//! with its own P-256 key, receives notifications over server-sent events or long-poll,
//! and answers them with the number the person reads in the browser. It also shows the
//! account's current code, like an authenticator app.

mod client;
mod state;

use clap::{Parser, Subcommand};
use client::{Device, problem_text};
use security_info_core::Secret;
use security_info_core::push::{DeviceChallenge, normalize_activation_code, parse_activation_uri};
use security_info_core::totp::TotpParams;
use state::State;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "security-info-device",
    version,
    about = "A push authenticator device for security-info: activate it from the \"Scan the QR code\" \
             step, then approve sign-ins with the number the browser shows.",
    after_help = "Try it: `scripts/demo.sh`, sign in, Add sign-in method → Authenticator app, \
                  then `security-info-device activate \"<activation URI>\"` (or --code/--url from \
                  \"Can't scan image?\") and `security-info-device approve --number NN`."
)]
struct Cli {
    /// The state file (accounts, device keys, code secrets; created 0600). Default:
    /// $XDG_CONFIG_HOME/security-info-device/state.json (~/.config/… without it).
    #[arg(long, env = "SECURITY_INFO_DEVICE_STATE", global = true)]
    state: Option<PathBuf>,
    /// Which account (a device id or its start); default: the last activated.
    #[arg(long, global = true)]
    device: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Activate with the activation URI of the QR code or the "Open in the app" link, or
    /// with the code and URL shown under "Can't scan image?".
    Activate {
        /// `security-info-push://activate?code=…&url=…`
        uri: Option<String>,
        /// The 9-digit activation code (spaces allowed).
        #[arg(long, conflicts_with = "uri", requires = "url")]
        code: Option<String>,
        /// The activation URL.
        #[arg(long, conflicts_with = "uri", requires = "code")]
        url: Option<String>,
        /// The name the security info page lists for this device.
        #[arg(long, default_value = "security-info-device")]
        name: String,
    },
    /// List the accounts and the notifications waiting for an answer.
    List,
    /// Print notifications as they arrive, with what they approve and how to answer.
    Watch {
        /// Long-poll instead of the event stream.
        #[arg(long)]
        poll: bool,
        /// Stop after this many notifications.
        #[arg(long)]
        count: Option<usize>,
    },
    /// Approve a notification with the number shown in the browser.
    Approve {
        /// The notification; without it the only pending one (asked when several).
        #[arg(long)]
        id: Option<String>,
        /// The two-digit number the browser shows.
        #[arg(long)]
        number: u8,
    },
    /// Deny a notification (without --id: the only pending one, asked when several).
    Deny {
        #[arg(long)]
        id: Option<String>,
    },
    /// Print the account's current one-time code.
    Code,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("security-info-device: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let path = cli
        .state
        .or_else(state::default_path)
        .ok_or("no config directory: give --state")?;
    let mut state = State::load(&path)?;
    match cli.command {
        Command::Activate {
            uri,
            code,
            url,
            name,
        } => {
            let (code, url) = match (uri, code, url) {
                (Some(uri), _, _) => parse_activation_uri(&uri)
                    .ok_or("not an activation URI (security-info-push://activate?code=…&url=…)")?,
                (None, Some(code), Some(url)) => (
                    normalize_activation_code(&code).ok_or("an activation code has 9 digits")?,
                    url,
                ),
                _ => return Err("give the activation URI, or --code and --url".into()),
            };
            let account = client::activate(&code, &url, &name)?;
            println!(
                "Activated \"{}\" for {} at {} (device {}).",
                account.device_name, account.account_name, account.issuer, account.device_id
            );
            println!("Approve the test notification in the browser's \"Let's try it out\" step:");
            println!("  security-info-device approve --number <the number shown>");
            state.accounts.retain(|a| a.device_id != account.device_id);
            state.accounts.push(account);
            state.save(&path)
        }
        Command::List => {
            if state.accounts.is_empty() {
                println!("No accounts. Activate one with `security-info-device activate`.");
            }
            for account in &state.accounts {
                println!(
                    "{}  {} ({}) on {}, \"{}\"",
                    account.device_id,
                    account.account_name,
                    account.issuer,
                    account.api_base,
                    account.device_name
                );
                match Device::new(account).and_then(|d| d.challenges(0)) {
                    Ok(pending) if pending.is_empty() => println!("  no notifications waiting"),
                    Ok(pending) => pending.iter().for_each(|c| println!("  {}", describe(c))),
                    Err(e) => println!("  cannot list notifications: {e}"),
                }
            }
            Ok(())
        }
        Command::Watch { poll, count } => {
            let device = Device::new(state.account(cli.device.as_deref())?)?;
            let mut left = count.unwrap_or(usize::MAX);
            let mut show = |c: DeviceChallenge| {
                println!("{}", describe(&c));
                println!(
                    "  Enter the number shown in the browser: security-info-device approve --id {} --number NN",
                    c.id
                );
                let _ = std::io::stdout().flush();
                left -= 1;
                left > 0
            };
            if poll {
                let mut seen = Vec::new();
                loop {
                    for c in device.challenges(25)? {
                        if !seen.contains(&c.id) {
                            seen.push(c.id.clone());
                            if !show(c) {
                                return Ok(());
                            }
                        }
                    }
                }
            }
            device.events(show)?;
            if left > 0 && count.is_some() {
                return Err("the event stream ended (was the method deleted?)".into());
            }
            Ok(())
        }
        Command::Approve { id, number } => {
            let device = Device::new(state.account(cli.device.as_deref())?)?;
            let id = pick(&device, id)?;
            answer(
                &device,
                &id,
                serde_json::json!({"decision": "approve", "number": number}),
            )
        }
        Command::Deny { id } => {
            let device = Device::new(state.account(cli.device.as_deref())?)?;
            let id = pick(&device, id)?;
            answer(&device, &id, serde_json::json!({"decision": "deny"}))
        }
        Command::Code => {
            let account = state.account(cli.device.as_deref())?;
            let secret = Secret::from_base32(&account.totp_secret)
                .map_err(|_| "the state file's secret is not Base32")?;
            let params = TotpParams::new(Default::default(), account.digits, account.period)
                .map_err(|e| e.to_string())?;
            let now = security_info_core::unix_now();
            println!("{}", params.code_at(secret.as_bytes(), now));
            Ok(())
        }
    }
}

/// One line about a notification.
fn describe(c: &DeviceChallenge) -> String {
    format!(
        "[{}] {} — {} (id {}, answer within {} s)",
        c.issuer,
        c.account_name,
        c.action,
        c.id,
        (c.expires_at - i64::try_from(security_info_core::unix_now()).unwrap_or(i64::MAX)).max(0)
    )
}

/// The notification to answer: the one given, the only pending one, or the one the
/// person picks from the list.
fn pick(device: &Device, id: Option<String>) -> Result<String, String> {
    if let Some(id) = id {
        return Ok(id);
    }
    let pending = device.challenges(0)?;
    match pending.as_slice() {
        [] => Err("no notification is waiting".into()),
        [one] => Ok(one.id.clone()),
        several => {
            println!("Several notifications are waiting:");
            for (i, c) in several.iter().enumerate() {
                println!("  {}. {}", i + 1, describe(c));
            }
            print!("Which one (1–{})? ", several.len());
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| several.get(n.wrapping_sub(1)))
                .map(|c| c.id.clone())
                .ok_or_else(|| "no such notification; use --id".into())
        }
    }
}

fn answer(device: &Device, id: &str, body: serde_json::Value) -> Result<(), String> {
    let answer = device.post(&format!("/device/challenges/{id}"), &body)?;
    if answer.status == 200 {
        println!(
            "Notification {}.",
            answer.body["state"].as_str().unwrap_or("answered")
        );
        Ok(())
    } else if answer.body["code"] == "invalid-code" {
        Err("that is not the number shown in the browser: the notification was denied".into())
    } else {
        Err(problem_text(answer.status, &answer.body))
    }
}
