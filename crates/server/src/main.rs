//! The `security-info-server` binary: parses the command line, starts the logs, builds
//! the state and serves the library's router (or runs an `admin` subcommand).

use clap::Parser;
use security_info_server::config::{Cli, Command, Config};
use security_info_server::db::Db;
use security_info_server::{AppState, admin, demo};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.settings.resolve() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(&config);
    match run(config, cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logs(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for people: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(config: Config, command: Command) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    if let Command::Admin(admin_command) = command {
        admin::run_cli(&db, &config, admin_command).await?;
        return Ok(());
    }
    let state = AppState::open(db, config).await?;
    if state.config.demo {
        let tokens = demo::seed(&state).await?;
        for (name, password) in demo::DEMO_USERS {
            println!("demo user: {name} / {password}");
        }
        for token in tokens {
            println!("demo hardware token: {} / {}", token.serial, token.secret);
        }
    }
    security_info_server::serve(state).await?;
    Ok(())
}
