//! The hardware token inventory's rules: reading an import file (the common CSV of
//! identity providers), sealing a token's secret to its serial number, and putting a
//! token back in the inventory when its method is deleted. Used by the admin area
//! (`tokens`), the activation (`methods::hardware`), every method deletion and the demo.

use crate::crypto::SecretBox;
use crate::error::{ApiError, ApiResult};
use crate::rules::{check_secret_len, valid_subject};
use crate::store::{self, MethodRow, NewToken, TokenRow, token_aad};
use security_info_core::Secret;
use security_info_core::totp::{Algorithm, TotpParams};
use sqlx::AnyConnection;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// The columns every import file has, in this order (the header is line 1).
pub const CSV_COLUMNS: [&str; 6] = [
    "upn",
    "serial number",
    "secret key",
    "time interval",
    "manufacturer",
    "model",
];
/// Columns a file may add after those, for tokens that are not SHA1 / 6 digits.
const OPTIONAL_COLUMNS: [&str; 2] = ["algorithm", "digits"];
const MAX_SERIAL_CHARS: usize = 64;
const MAX_LABEL_CHARS: usize = 64;

/// How the file writes the secret keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretEncoding {
    Base32,
    Hex,
}

/// One good line of an import file.
pub struct TokenLine {
    pub line: u64,
    /// The person it is assigned to (their subject); `None`: available to anyone.
    pub upn: Option<String>,
    pub serial: String,
    pub secret: Secret,
    pub params: TotpParams,
    pub manufacturer: String,
    pub model: String,
}

/// What an import did: `admin tokens import` prints it, `POST /admin/tokens` answers it.
#[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: u64,
    /// Already in the inventory with the same values (a re-import).
    pub unchanged: u64,
    pub rejected: Vec<RejectedLine>,
}

/// A line that was not imported, and why (never quoting the secret).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RejectedLine {
    /// The line number in the file; the header is line 1.
    pub line: u64,
    pub reason: String,
}

/// A serial number as stored and compared: trimmed, ASCII upper case (people type the
/// serial on the back of the token in any case); `None` when it cannot be one.
pub fn normalize_serial(text: &str) -> Option<String> {
    let serial = text.trim().to_ascii_uppercase();
    let valid = !serial.is_empty()
        && serial.len() <= MAX_SERIAL_CHARS
        && serial
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    valid.then_some(serial)
}

/// Reads an import file: its good lines, and the rejected ones with the reason. A
/// serial that appears again is rejected on every later line.
pub fn parse_csv(bytes: &[u8], encoding: SecretEncoding) -> (Vec<TokenLine>, Vec<RejectedLine>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut rejected = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(_) => Vec::new(),
    };
    let expected = CSV_COLUMNS.len();
    let header_ok = header.len() >= expected
        && header.len() <= expected + OPTIONAL_COLUMNS.len()
        && header
            .iter()
            .zip(CSV_COLUMNS.iter().chain(&OPTIONAL_COLUMNS))
            .all(|(h, c)| h == c);
    if !header_ok {
        let reason = format!(
            "the header must be `{}` (optionally followed by `,{}`)",
            CSV_COLUMNS.join(","),
            OPTIONAL_COLUMNS.join(",")
        );
        return (Vec::new(), vec![RejectedLine { line: 1, reason }]);
    }
    let mut lines = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        // Records start after the header (line 1); the reader knows the real line even
        // when a quoted field spans lines.
        let fallback = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(fallback, csv::Position::line);
                rejected.push(RejectedLine {
                    line,
                    reason: "not readable as CSV text (UTF-8)".into(),
                });
                continue;
            }
        };
        let line = record.position().map_or(fallback, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        match parse_line(&record, header.len(), encoding, line) {
            Ok(token) => match seen.get(&token.serial) {
                Some(first) => rejected.push(RejectedLine {
                    line,
                    reason: format!("serial number {} already on line {first}", token.serial),
                }),
                None => {
                    seen.insert(token.serial.clone(), line);
                    lines.push(token);
                }
            },
            Err(reason) => rejected.push(RejectedLine { line, reason }),
        }
    }
    (lines, rejected)
}

fn parse_line(
    record: &csv::StringRecord,
    columns: usize,
    encoding: SecretEncoding,
    line: u64,
) -> Result<TokenLine, String> {
    if record.len() != columns {
        return Err(format!("{} fields, the header has {columns}", record.len()));
    }
    let field = |i: usize| record.get(i).unwrap_or_default();
    let upn = match field(0) {
        "" => None,
        upn if valid_subject(upn) => Some(upn.to_owned()),
        _ => return Err("the upn has control or format characters or is too long".into()),
    };
    let serial = normalize_serial(field(1)).ok_or_else(|| {
        format!("the serial number has 1 to {MAX_SERIAL_CHARS} letters, digits, '-', '_' or '.'")
    })?;
    // The key text is a secret too: wiped when the line is done.
    let key = Zeroizing::new(field(2).to_owned());
    let secret = match encoding {
        SecretEncoding::Base32 => Secret::from_base32(&key)
            .map_err(|_| "the secret key is not Base32 (use --hex for hex keys)".to_owned())?,
        SecretEncoding::Hex => {
            let bytes = Zeroizing::new(
                hex::decode(key.as_bytes()).map_err(|_| "the secret key is not hex".to_owned())?,
            );
            Secret::from_bytes(&bytes).map_err(|e| e.to_string())?
        }
    };
    check_secret_len(&secret).map_err(|_| crate::rules::SECRET_LENGTH.to_owned())?;
    let period = match field(3) {
        "" => TotpParams::default().period,
        text => text
            .parse()
            .map_err(|_| "the time interval is not a number of seconds".to_owned())?,
    };
    let algorithm = match record.get(6).unwrap_or_default() {
        "" => Algorithm::Sha1,
        text => Algorithm::parse(text).map_err(|e| e.to_string())?,
    };
    let digits = match record.get(7).unwrap_or_default() {
        "" => TotpParams::default().digits,
        text => text
            .parse()
            .map_err(|_| "the digits are not a number".to_owned())?,
    };
    let params = TotpParams::new(algorithm, digits, period).map_err(|e| e.to_string())?;
    let label = |i: usize, what: &str| {
        let text = field(i);
        if text.chars().count() > MAX_LABEL_CHARS || text.chars().any(crate::rules::is_hidden) {
            Err(format!(
                "the {what} has more than {MAX_LABEL_CHARS} characters or hidden ones"
            ))
        } else {
            Ok(text.to_owned())
        }
    };
    Ok(TokenLine {
        line,
        upn,
        serial,
        secret,
        params,
        manufacturer: label(4, "manufacturer")?,
        model: label(5, "model")?,
    })
}

/// Adds the lines' tokens to the inventory in one transaction (the caller's). A serial
/// already there with the same values is counted as unchanged, with other values it is
/// rejected: an import never replaces a token's secret.
pub async fn import(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    lines: &[TokenLine],
    report: &mut ImportReport,
    now: u64,
) -> ApiResult<()> {
    for token in lines {
        let user_id = match &token.upn {
            // Tokens are handed out before their owners first sign in: the user is
            // created as on first sight.
            Some(upn) => Some(store::ensure_user(conn, upn, upn, None, now).await?.id),
            None => None,
        };
        let sealed = secrets.seal(token.secret.as_bytes(), &token_aad(&token.serial))?;
        let new = NewToken {
            serial: &token.serial,
            sealed: &sealed,
            params: token.params,
            manufacturer: &token.manufacturer,
            model: &token.model,
            user_id: user_id.as_deref(),
        };
        if store::insert_token(conn, &new, now).await? {
            report.imported += 1;
            continue;
        }
        let existing = store::token(conn, &token.serial)
            .await?
            .ok_or_else(|| ApiError::Internal("token vanished during import".into()))?;
        let same = secret_of(conn, secrets, &existing).await?.as_slice() == token.secret.as_bytes()
            && existing.params()? == token.params
            && existing.manufacturer == token.manufacturer
            && existing.model == token.model
            && existing.assigned_to == token.upn;
        if same {
            report.unchanged += 1;
        } else {
            report.rejected.push(RejectedLine {
                line: token.line,
                reason: format!(
                    "serial number {} is already in the inventory with another secret, \
                     interval, manufacturer, model or upn: delete it first to replace it",
                    token.serial
                ),
            });
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(())
}

/// A token's secret, wherever it is: in the inventory, or in the method it was activated
/// as.
pub async fn secret_of(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    token: &TokenRow,
) -> ApiResult<Zeroizing<Vec<u8>>> {
    let opened = match (&token.secret_enc, &token.method_id) {
        (Some(sealed), _) => secrets.open(sealed, &token_aad(&token.serial)),
        (None, Some(method_id)) => store::method_by_id(conn, method_id)
            .await?
            .and_then(|m| secrets.open(m.secret_enc.as_deref()?, &m.aad())),
        (None, None) => None,
    };
    opened.ok_or_else(|| {
        ApiError::Internal(format!(
            "the secret of token {} does not open",
            token.serial
        ))
    })
}

/// Before `method` is deleted: if it is a hardware token, the token goes back to the
/// inventory (still assigned to whom it was), its secret sealed to its serial again and
/// its last accepted step kept.
pub async fn return_token(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    method: &MethodRow,
) -> ApiResult<()> {
    let Some(serial) = &method.token_serial else {
        return Ok(());
    };
    let sealed = method
        .secret_enc
        .as_deref()
        .ok_or_else(|| ApiError::Internal("a hardware token method without a secret".into()))?;
    let secret = secrets.open(sealed, &method.aad()).ok_or_else(|| {
        ApiError::Internal("a stored secret does not decrypt with this key".into())
    })?;
    let resealed = secrets.seal(&secret, &token_aad(serial))?;
    store::return_token(conn, serial, &resealed, method.last_step).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "upn,serial number,secret key,time interval,manufacturer,model\n";

    #[test]
    fn lines_are_numbered_from_the_header() {
        let file = format!(
            "{HEADER}alice,galt0001,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,30,Acme,OTP c200\n\
             ,GALT0002,not base32!,30,Acme,OTP c200\n\
             ,GALT0001,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,60,Acme,OTP c200\n\
             ,GALT0003,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,0,Acme,OTP c200\n\
             ,GALT0004,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,60,Acme\n"
        );
        let (lines, rejected) = parse_csv(file.as_bytes(), SecretEncoding::Base32);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].serial, "GALT0001");
        assert_eq!(lines[0].upn.as_deref(), Some("alice"));
        let numbers: Vec<u64> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(numbers, [3, 4, 5, 6]);
        assert!(rejected[1].reason.contains("already on line 2"));
        assert!(!rejected.iter().any(|r| r.reason.contains("JBSWY3DP")));
    }

    #[test]
    fn hex_keys_and_optional_columns() {
        let file = "upn,serial number,secret key,time interval,manufacturer,model,algorithm,digits\n\
                    ,T1,3132333435363738393031323334353637383930,60,Acme,c300,SHA256,8\n";
        let (lines, rejected) = parse_csv(file.as_bytes(), SecretEncoding::Hex);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(lines[0].secret.as_bytes(), b"12345678901234567890");
        assert_eq!(
            lines[0].params,
            TotpParams::new(Algorithm::Sha256, 8, 60).expect("params")
        );
    }

    #[test]
    fn a_wrong_header_rejects_line_one() {
        let (lines, rejected) = parse_csv(b"serial,secret\nA,B\n", SecretEncoding::Base32);
        assert!(lines.is_empty());
        assert_eq!(rejected[0].line, 1);
    }
}
