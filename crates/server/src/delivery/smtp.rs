//! Email over SMTP with `lettre`: STARTTLS or implicit TLS through rustls (ring), the
//! system's CA certificates plus an optional configured one, AUTH with the configured
//! credentials. Each message has a plain-text and an HTML part.

use super::Message;
use crate::config::SmtpConfig;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp(..)")
    }
}

impl Smtp {
    pub fn new(config: &SmtpConfig, issuer: &str) -> Result<Smtp, String> {
        let mut tls = TlsParameters::builder(config.host.clone());
        if let Some(path) = &config.ca_cert {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read smtp-ca-cert {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("smtp-ca-cert {}: {e}", path.display()))?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls.build_rustls().map_err(|e| e.to_string())?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .timeout(Some(Duration::from_secs(10)))
            .tls(if config.implicit_tls {
                Tls::Wrapper(tls)
            } else {
                Tls::Required(tls)
            });
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let address = config
            .from
            .parse()
            .map_err(|e| format!("smtp-from {:?}: {e}", config.from))?;
        Ok(Smtp {
            transport: builder.build(),
            from: Mailbox::new(Some(issuer.to_owned()), address),
        })
    }

    pub async fn send(&self, message: &Message) -> Result<(), String> {
        let to: Mailbox = message.to.parse().map_err(|e| format!("recipient: {e}"))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .date_now()
            .message_id(None)
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| e.to_string())?;
        // lettre's timeout is per read or write; this bounds the whole conversation.
        match tokio::time::timeout(Duration::from_secs(10), self.transport.send(email)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no answer within 10 s".to_owned()),
        }
    }
}
