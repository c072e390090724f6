//! The device's accounts, kept in one JSON file readable by its owner only (0600): the
//! private key that signs requests and the TOTP secret are in it.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One activated account (a push method on one server).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub device_id: String,
    pub method_id: String,
    pub device_name: String,
    pub issuer: String,
    pub account_name: String,
    /// The API's base URL (`http://localhost:8080/api`).
    pub api_base: String,
    /// The P-256 private scalar, base64url.
    pub private_key: String,
    /// Base32.
    pub totp_secret: String,
    pub digits: u8,
    pub period: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub accounts: Vec<Account>,
}

/// `$XDG_CONFIG_HOME/security-info-device/state.json`, else under `~/.config`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("security-info-device").join("state.json"))
}

impl State {
    pub fn load(path: &Path) -> Result<State, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a device state file: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes the file (created 0600) through a temporary file and a rename.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        let temp = path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(fail)?;
        #[cfg(unix)]
        std::fs::set_permissions(&temp, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .map_err(fail)?;
        file.write_all(&text).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&temp, path).map_err(fail)
    }

    /// The account `device` names (a device id or its prefix), else the last activated.
    pub fn account(&self, device: Option<&str>) -> Result<&Account, String> {
        match device {
            Some(d) => {
                let found: Vec<&Account> = self
                    .accounts
                    .iter()
                    .filter(|a| a.device_id.starts_with(d))
                    .collect();
                match found.as_slice() {
                    [one] => Ok(one),
                    [] => Err(format!("no account with device id {d}")),
                    _ => Err(format!("several accounts match {d}: give more of the id")),
                }
            }
            None => self
                .accounts
                .last()
                .ok_or_else(|| "no account yet: run `security-info-device activate` first".into()),
        }
    }
}
