//! Outgoing mail. Code never sends directly: it enqueues a `mail.send` job in its transaction
//! (see `jobs`), and the worker hands it to SMTP. In `dev` and `demo`, every message is also kept
//! by the built-in catcher (the ADMIN page "Courriels envoyés (démo)") and its links are logged.

use anyhow::{Context, bail};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart, SinglePart,
        header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue},
    },
    transport::smtp::authentication::Credentials,
};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use crate::{config::Settings, jobs};

/// A message waiting in the outbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The same message in HTML (sent as `multipart/alternative` with the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The one-click unsubscribe address (RFC 8058) of a notification mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_url: Option<String>,
}

impl OutgoingMail {
    /// A plain-text mail (account and security mails).
    pub fn text(to: impl Into<String>, subject: impl Into<String>, text: impl Into<String>) -> OutgoingMail {
        OutgoingMail { to: to.into(), subject: subject.into(), text: text.into(), html: None, unsubscribe_url: None }
    }
}

/// What the mail server did with a message it answered about.
#[derive(Debug)]
pub enum MailOutcome {
    Sent,
    /// Refused for good (unknown mailbox, rejected address): retrying would not help.
    Refused(String),
}

/// Puts a message in the outbox, inside the caller's transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    tenant: Option<TenantId>,
    mail: &OutgoingMail,
) -> Result<(), sqlx::Error> {
    jobs::enqueue(conn, tenant, MAIL_SEND, mail).await.map(|_| ())
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    catcher: bool,
}

/// The outbox job that sends one mail.
pub const MAIL_SEND: &str = "mail.send";

impl Mailer {
    /// Registers the mail job: every server runs it.
    pub fn handle_jobs(self, registry: jobs::JobRegistry) -> jobs::JobRegistry {
        registry.register(MAIL_SEND, move |state, job| {
            let mailer = self.clone();
            async move { mailer.send_job(&state.pool, job).await }
        })
    }

    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings.mail_from.parse().context("VOLANT_MAIL_FROM is not a valid address")?;
        let smtp = settings.smtp_url.as_deref().map(smtp_transport).transpose()?;
        let catcher = settings.profile.is_local();
        if smtp.is_none() && !catcher {
            bail!("profile {}: VOLANT_SMTP_URL must name the mail server", settings.profile.as_str());
        }
        Ok(Mailer { from, smtp, catcher })
    }

    /// The `mail.send` job: a refusal for good is logged and dropped, anything else is retried.
    pub async fn send_job(&self, pool: &PgPool, job: jobs::Job) -> anyhow::Result<()> {
        let mail: OutgoingMail = serde_json::from_value(job.payload).context("bad mail payload")?;
        let tenant = job.tenant_id.map(TenantId);
        if let MailOutcome::Refused(reason) = self.deliver(pool, tenant, &mail).await? {
            tracing::warn!(subject = %mail.subject, %reason, "mail refused for good");
        }
        Ok(())
    }

    /// Hands one message to SMTP, then to the catcher. `Err` is a fault worth retrying (the
    /// server is down, busy or answered a temporary code); a permanent refusal is an outcome.
    pub async fn deliver(
        &self,
        pool: &PgPool,
        tenant: Option<TenantId>,
        mail: &OutgoingMail,
    ) -> anyhow::Result<MailOutcome> {
        if let Some(smtp) = &self.smtp {
            let Ok(to) = mail.to.parse::<Mailbox>() else {
                return Ok(MailOutcome::Refused(format!("Adresse e-mail invalide : {}", mail.to)));
            };
            match smtp.send(self.message(to, mail)?).await {
                Ok(_) => {}
                Err(e) if e.is_permanent() => {
                    return Ok(MailOutcome::Refused(format!("Le serveur de messagerie a refusé l'adresse : {e}")));
                }
                Err(e) => return Err(anyhow::Error::new(e).context("SMTP refused the message")),
            }
        }
        if self.catcher {
            self.catch(pool, tenant, mail).await?;
        }
        Ok(MailOutcome::Sent)
    }

    fn message(&self, to: Mailbox, mail: &OutgoingMail) -> anyhow::Result<Message> {
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(mail.subject.clone());
        if let Some(url) = &mail.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(mail.text.clone());
        let message = match &mail.html {
            None => builder.singlepart(text)?,
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .header(ContentTransferEncoding::QuotedPrintable)
                        .body(html.clone()),
                ),
            )?,
        };
        Ok(message)
    }

    /// The demo's catcher: the message as the ADMIN page shows it, and its links in the log.
    async fn catch(&self, pool: &PgPool, tenant: Option<TenantId>, mail: &OutgoingMail) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO demo_mails (id, tenant_id, to_address, subject, body_text, body_html)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(tenant.map(|t| t.0))
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .execute(pool)
        .await?;
        for link in mail.text.split_whitespace().filter(|w| w.starts_with("http")) {
            tracing::info!(to = %mail.to, subject = %mail.subject, "mail link: {link}");
        }
        Ok(())
    }
}

/// `smtp://[user:password@]host[:port]` — plain SMTP (a relay on the same host or network).
fn smtp_transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let rest = url.strip_prefix("smtp://").context("VOLANT_SMTP_URL must start with smtp://")?;
    let (auth, hostport) = match rest.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    let hostport = hostport.trim_end_matches('/');
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().context("bad SMTP port")?),
        None => (hostport, 25),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    if let Some((user, password)) = auth.and_then(|a| a.split_once(':')) {
        builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
    }
    Ok(builder.build())
}
