//! `otpauth://totp/…` key URIs (the format authenticator apps scan), build and parse.

use crate::totp::{Algorithm, TotpParams};
use crate::{CoreError, Secret};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded, so labels with spaces,
/// colons, `@`, `&` or non-ASCII survive every app's parser.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const PREFIX: &str = "otpauth://";

/// A TOTP key URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAuthUri {
    pub issuer: String,
    pub account: String,
    pub secret: Secret,
    pub params: TotpParams,
}

impl OtpAuthUri {
    /// A URI with the default parameters (SHA1, 6 digits, 30 s).
    pub fn new(issuer: impl Into<String>, account: impl Into<String>, secret: Secret) -> Self {
        Self {
            issuer: issuer.into(),
            account: account.into(),
            secret,
            params: TotpParams::default(),
        }
    }

    /// Parses a key URI. The label may be `issuer:account` (the colon literal or `%3A`)
    /// or just `account`; missing parameters take the defaults of the Key URI format.
    pub fn parse(uri: &str) -> Result<Self, CoreError> {
        let rest = uri
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .map(|_| &uri[PREFIX.len()..])
            .ok_or(CoreError::WrongScheme)?;
        let (kind, rest) = rest.split_once('/').ok_or(CoreError::MalformedUri)?;
        if !kind.eq_ignore_ascii_case("totp") {
            return Err(CoreError::UnsupportedOtpType(kind.to_owned()));
        }
        let (raw_label, query) = rest.split_once('?').unwrap_or((rest, ""));

        let mut secret = None;
        let mut issuer_param = None;
        let TotpParams {
            mut algorithm,
            mut digits,
            mut period,
        } = TotpParams::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // Decoded only for the parameters we read: an unknown one whose value is not
            // UTF-8 must not make the URI unreadable.
            let value = || decode(&value.replace('+', " "));
            match key.to_ascii_lowercase().as_str() {
                "secret" => secret = Some(Secret::from_base32(&value()?)?),
                "issuer" => issuer_param = Some(value()?),
                "algorithm" => algorithm = Algorithm::parse(&value()?)?,
                "digits" => {
                    let value = value()?;
                    digits = value.parse().map_err(|_| CoreError::InvalidDigits(value))?;
                }
                "period" => {
                    let value = value()?;
                    period = value.parse().map_err(|_| CoreError::InvalidPeriod(value))?;
                }
                // Unknown parameters (image, color, …) are ignored as apps do.
                _ => {}
            }
        }
        let params = TotpParams::new(algorithm, digits, period)?;
        let secret = secret.ok_or(CoreError::MissingSecret)?;

        let (label_issuer, account) = split_label(raw_label)?;
        let issuer = match (label_issuer, issuer_param) {
            (Some(l), Some(p)) if l != p => {
                return Err(CoreError::IssuerMismatch {
                    label: l,
                    parameter: p,
                });
            }
            (Some(i), _) | (None, Some(i)) => i,
            (None, None) => String::new(),
        };
        Ok(Self {
            issuer,
            account,
            secret,
            params,
        })
    }
}

/// Builds the URI: `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…`.
impl std::fmt::Display for OtpAuthUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let account = utf8_percent_encode(&self.account, COMPONENT);
        let secret = self.secret.to_base32();
        if self.issuer.is_empty() {
            // An encoded colon in the account would read as the issuer separator (`%3A`
            // is one, for us and for apps that decode the label before splitting it):
            // an empty issuer before a literal colon keeps the account whole.
            let empty_issuer = if self.account.contains(':') { ":" } else { "" };
            write!(f, "{PREFIX}totp/{empty_issuer}{account}?secret={secret}")?;
        } else {
            let issuer = utf8_percent_encode(&self.issuer, COMPONENT);
            write!(
                f,
                "{PREFIX}totp/{issuer}:{account}?secret={secret}&issuer={issuer}"
            )?;
        }
        write!(
            f,
            "&algorithm={}&digits={}&period={}",
            self.params.algorithm.as_str(),
            self.params.digits,
            self.params.period
        )
    }
}

fn decode(text: &str) -> Result<String, CoreError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| CoreError::MalformedUri)
}

/// Splits the raw (still encoded) label at its issuer separator: a literal `:` first
/// (our own URIs encode colons inside the parts), else an encoded `%3A`.
fn split_label(raw: &str) -> Result<(Option<String>, String), CoreError> {
    let split = raw.split_once(':').or_else(|| {
        let at = raw.to_ascii_uppercase().find("%3A")?;
        Some((&raw[..at], &raw[at + 3..]))
    });
    let (issuer, account) = match split {
        Some((issuer, account)) => (Some(decode(issuer)?), decode(account)?),
        None => (None, decode(raw)?),
    };
    // Some generators put a space after the colon ("Issuer: account").
    let account = account.trim_start().to_owned();
    if account.is_empty() {
        return Err(CoreError::MalformedUri);
    }
    Ok((issuer.filter(|i| !i.is_empty()), account))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_random_bytes(*b"12345678901234567890")
    }

    #[test]
    fn builds_the_documented_shape() {
        let uri = OtpAuthUri::new("Contoso", "jan@contoso.nl", secret()).to_string();
        assert_eq!(
            uri,
            "otpauth://totp/Contoso:jan%40contoso.nl?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Contoso&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn round_trips_awkward_labels() {
        let cases = [
            ("Contoso", "jan@contoso.nl"),
            ("Big Corp Ltd.", "Jan de Vries"),
            ("Acme:Prod", "user:with:colons"),
            ("Ünïcödé B.V.", "josé.müller@bücher.de"),
            ("東京", "ユーザー"),
            ("A&B=C?D/E", "100% sure+plus#hash"),
            ("", "only-account@example.com"),
        ];
        for (issuer, account) in cases {
            for params in [
                TotpParams::default(),
                TotpParams {
                    algorithm: Algorithm::Sha512,
                    digits: 8,
                    period: 60,
                },
            ] {
                let original = OtpAuthUri {
                    issuer: issuer.into(),
                    account: account.into(),
                    secret: secret(),
                    params,
                };
                let text = original.to_string();
                assert!(text.is_ascii(), "{text}");
                assert_eq!(OtpAuthUri::parse(&text), Ok(original), "{text}");
            }
        }
    }

    /// Found by tests/fuzz.rs: `("", "a:b")` was written as `totp/a%3Ab`, read back as
    /// issuer "a", account "b" (and `("", "a:")` not at all).
    #[test]
    fn an_account_with_a_colon_and_no_issuer_round_trips() {
        for account in ["a:b", "a:", "user:with:colons"] {
            let original = OtpAuthUri::new("", account, secret());
            let text = original.to_string();
            assert!(text.starts_with("otpauth://totp/:"), "{text}");
            assert_eq!(OtpAuthUri::parse(&text), Ok(original), "{text}");
        }
        let plain = OtpAuthUri::new("", "alice", secret()).to_string();
        assert!(plain.starts_with("otpauth://totp/alice?"), "{plain}");
    }

    /// Found by tests/fuzz.rs: `image=%a0` (not UTF-8) made the whole URI malformed.
    #[test]
    fn unknown_parameters_are_ignored_even_when_not_utf8() {
        let u = OtpAuthUri::parse("otpauth://totp/a?secret=MZXW6YTBOI&image=%a0").unwrap();
        assert_eq!(u.account, "a");
        assert_eq!(
            OtpAuthUri::parse("otpauth://totp/a?secret=MZXW6YTBOI&issuer=%a0"),
            Err(CoreError::MalformedUri)
        );
    }

    #[test]
    fn parses_uris_written_by_others() {
        let u = OtpAuthUri::parse(
            "otpauth://totp/ACME%20Co%3Ajohn.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME+Co&algorithm=sha256&digits=7&period=45&image=x",
        )
        .unwrap();
        assert_eq!(u.issuer, "ACME Co");
        assert_eq!(u.account, "john.doe@email.com");
        assert_eq!(u.params.algorithm, Algorithm::Sha256);
        assert_eq!(u.params.digits, 7);
        assert_eq!(u.params.period, 45);

        let minimal = OtpAuthUri::parse("OTPAUTH://TOTP/alice?secret=mzxw6ytboi").unwrap();
        assert_eq!(minimal.issuer, "");
        assert_eq!(minimal.account, "alice");
        assert_eq!(minimal.secret.as_bytes(), b"foobar");
        assert_eq!(minimal.params, TotpParams::default());

        let spaced =
            OtpAuthUri::parse("otpauth://totp/Example:%20alice?secret=MZXW6YTBOI").unwrap();
        assert_eq!(
            (spaced.issuer.as_str(), spaced.account.as_str()),
            ("Example", "alice")
        );
    }

    #[test]
    fn malformed_uris_are_refused_with_clear_errors() {
        use CoreError::*;
        let cases: &[(&str, CoreError)] = &[
            ("https://totp/a?secret=MZXW6YTBOI", WrongScheme),
            ("otpauth:/totp/a?secret=MZXW6YTBOI", WrongScheme),
            (
                "otpauth://hotp/a?secret=MZXW6YTBOI&counter=1",
                UnsupportedOtpType("hotp".into()),
            ),
            ("otpauth://totp/a?secret=MZXW1OI", InvalidBase32),
            ("otpauth://totp/a?issuer=X", MissingSecret),
            ("otpauth://totp/a?secret=", EmptySecret),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&digits=5",
                InvalidDigits("5".into()),
            ),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&digits=9",
                InvalidDigits("9".into()),
            ),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&digits=six",
                InvalidDigits("six".into()),
            ),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&period=0",
                InvalidPeriod("0".into()),
            ),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&period=-30",
                InvalidPeriod("-30".into()),
            ),
            (
                "otpauth://totp/a?secret=MZXW6YTBOI&algorithm=MD5",
                UnknownAlgorithm("MD5".into()),
            ),
            ("otpauth://totp/?secret=MZXW6YTBOI", MalformedUri),
            ("otpauth://totp", MalformedUri),
            ("otpauth://totp/a%FF?secret=MZXW6YTBOI", MalformedUri),
            (
                "otpauth://totp/A:b?secret=MZXW6YTBOI&issuer=B",
                IssuerMismatch {
                    label: "A".into(),
                    parameter: "B".into(),
                },
            ),
        ];
        for (uri, expected) in cases {
            assert_eq!(
                OtpAuthUri::parse(uri).as_ref().err(),
                Some(expected),
                "{uri}"
            );
        }
    }
}
