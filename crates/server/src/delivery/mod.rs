//! Delivery of one-time codes (`Sender`): by text, call or email, through the channel the
//! configuration picks — SMTP for email, a signed webhook for any SMS/voice/email
//! provider, or the demo's outbox (a database table the demo page shows). Each one
//! really delivers; none is chosen silently: a method type whose channel has no sender
//! refuses to start.

mod messages;
mod smtp;
mod webhook;

pub use messages::{Compose, compose, locale_of};
pub use smtp::Smtp;
pub use webhook::{Webhook, WebhookPayload, signature};

use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, OutboxRow};
use security_info_core::methods::{DefaultMode, MethodType};
use std::sync::Arc;

/// How a code reaches the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Text,
    Call,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Text, Channel::Call, Channel::Email];

    /// The name in the database and the webhook's `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Text => "text",
            Channel::Call => "call",
            Channel::Email => "email",
        }
    }

    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// A phone's mode as a channel (`text`/`call`); other modes are not sent.
    pub fn of_mode(mode: DefaultMode) -> Option<Channel> {
        match mode {
            DefaultMode::Text => Some(Channel::Text),
            DefaultMode::Call => Some(Channel::Call),
            _ => None,
        }
    }

    /// The mode a phone challenge was sent in (email: none).
    pub fn mode(self) -> DefaultMode {
        match self {
            Channel::Text => DefaultMode::Text,
            // Email challenges are not a default mode; callers never ask.
            Channel::Call | Channel::Email => DefaultMode::Call,
        }
    }
}

/// One message to deliver.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    /// E.164 number or email address.
    pub to: String,
    pub locale: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// When the code in it stops working (Unix seconds).
    pub expires_at: i64,
    /// Whose code it is (the outbox shows each person their own messages).
    pub user_id: String,
}

/// A way of delivering messages.
#[derive(Debug, Clone)]
pub enum Sender {
    /// The demo's outbox table.
    Outbox,
    Webhook(Arc<Webhook>),
    Smtp(Arc<Smtp>),
}

impl Sender {
    /// Delivers `message`; an error means the person did not get it.
    pub async fn send(&self, db: &Db, message: &Message, now_ms: u64) -> Result<(), String> {
        match self {
            Sender::Outbox => outbox(db, message, now_ms)
                .await
                .map_err(|e| format!("outbox: {e}")),
            Sender::Webhook(webhook) => webhook.send(message).await,
            Sender::Smtp(smtp) => smtp.send(message).await,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Sender::Outbox => "outbox",
            Sender::Webhook(_) => "webhook",
            Sender::Smtp(_) => "smtp",
        }
    }
}

async fn outbox(db: &Db, message: &Message, now_ms: u64) -> ApiResult<()> {
    let mut conn = db.pool.acquire().await?;
    store::insert_outbox(
        &mut conn,
        &OutboxRow {
            id: crate::crypto::random_id()?,
            user_id: Some(message.user_id.clone()),
            kind: message.channel.as_str().to_owned(),
            recipient: message.to.clone(),
            subject: (message.channel == Channel::Email).then(|| message.subject.clone()),
            body: message.text.clone(),
            created_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
        },
    )
    .await
}

/// The sender of each channel, from the configuration: phones use the webhook, else
/// (demo) the outbox; email uses SMTP, else the webhook, else (demo) the outbox.
#[derive(Debug, Clone)]
pub struct Delivery {
    phone: Option<Sender>,
    email: Option<Sender>,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(
        "{0} is in allowed-methods but nothing can deliver its codes: set delivery-webhook-url{1} (or run with --demo for the outbox)"
    )]
    NoSender(MethodType, &'static str),
    #[error("SMTP: {0}")]
    Smtp(String),
}

impl Delivery {
    pub fn from_config(config: &Config) -> Result<Delivery, DeliveryError> {
        let webhook = match (
            &config.delivery.webhook_url,
            &config.delivery.webhook_secret,
        ) {
            (Some(url), Some(secret)) => Some(Sender::Webhook(Arc::new(Webhook::new(
                url.clone(),
                secret.as_bytes(),
            )))),
            _ => None,
        };
        let outbox = config.demo.then_some(Sender::Outbox);
        let smtp = match &config.delivery.smtp {
            Some(smtp) => Some(Sender::Smtp(Arc::new(
                Smtp::new(smtp, &config.issuer).map_err(DeliveryError::Smtp)?,
            ))),
            None => None,
        };
        let delivery = Delivery {
            phone: webhook.clone().or_else(|| outbox.clone()),
            email: smtp.or(webhook).or(outbox),
        };
        if config.allowed_methods.contains(&MethodType::Phone) && delivery.phone.is_none() {
            return Err(DeliveryError::NoSender(MethodType::Phone, ""));
        }
        if config.allowed_methods.contains(&MethodType::Email) && delivery.email.is_none() {
            return Err(DeliveryError::NoSender(MethodType::Email, " or smtp-host"));
        }
        Ok(delivery)
    }

    pub fn sender(&self, channel: Channel) -> Option<&Sender> {
        match channel {
            Channel::Text | Channel::Call => self.phone.as_ref(),
            Channel::Email => self.email.as_ref(),
        }
    }

    /// Delivers `message` through its channel's sender. Failures are logged without the
    /// message (it holds the code) and answered with `delivery-failed`.
    pub async fn deliver(&self, db: &Db, message: &Message, now_ms: u64) -> ApiResult<()> {
        let sender = self
            .sender(message.channel)
            .ok_or(ApiError::DeliveryFailed)?;
        sender.send(db, message, now_ms).await.map_err(|error| {
            tracing::warn!(sender = sender.name(), channel = message.channel.as_str(), %error, "a code could not be delivered");
            ApiError::DeliveryFailed
        })
    }
}
