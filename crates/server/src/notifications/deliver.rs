//! The `notification.deliver` job: sends one delivery and records what became of it. The row is
//! locked while it is sent and a delivery no longer `queued` is never sent again; a server that is
//! down or busy makes the job retry with backoff, a refusal for good (an unknown mailbox, an
//! invalid number) marks it `failed` with the reason, and so does the last attempt.

use anyhow::Context;
use uuid::Uuid;
use volant_domain::{ids::TenantId, notify::Event};

use super::{
    dispatch::DeliverOne,
    render::{self, MailFrame},
    repo::{self, Outgoing},
    service,
};
use crate::{
    db, jobs,
    mail::{MailOutcome, Mailer, OutgoingMail},
    school,
    sms::{self, SmsGateway, SmsMessage, SmsOutcome},
    state::AppState,
};

/// What sends the outside channels.
#[derive(Clone)]
pub struct Senders {
    pub mailer: Mailer,
    pub sms: SmsGateway,
}

/// How one attempt ended.
enum Sent {
    Yes(Option<String>),
    Refused(String),
}

pub async fn run(state: AppState, senders: Senders, job: jobs::Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.context("a delivery without a school")?);
    let DeliverOne { delivery_id } = serde_json::from_value(job.payload).context("bad delivery payload")?;
    let mut tx = db::begin_tenant(&state.pool, tenant).await?;
    let Some(out) = repo::outgoing(&mut tx, tenant, delivery_id).await? else {
        return Ok(());
    };
    if out.status != "queued" {
        return Ok(()); // Settled already: never sent twice.
    }
    let school_name = school::name(&mut tx, tenant).await?;
    let settings = school::read(&mut tx, tenant).await?.settings.notifications;
    let attempt = match out.channel.as_str() {
        "email" => send_mail(&state, &senders.mailer, tenant, &out, &school_name, &settings.colour).await,
        _ => send_sms(&senders.sms, delivery_id, &out, &school_name).await,
    };
    let last = job.attempts >= job.max_attempts;
    match attempt {
        Ok(Sent::Yes(provider_id)) => {
            repo::settle(&mut tx, tenant, delivery_id, "sent", None, provider_id.as_deref()).await?;
            if out.channel == "sms" && state.settings.profile.is_local() {
                // The demo's ADMIN reads what the SMS simulator was given.
                repo::catch_sms(&mut tx, tenant, &out.address, &render::sms_text(&out.body, &school_name)).await?;
            }
        }
        Ok(Sent::Refused(reason)) => repo::settle(&mut tx, tenant, delivery_id, "failed", Some(&reason), None).await?,
        Err(e) if last => {
            let reason = format!("Abandon après {} tentatives : {e:#}", job.attempts);
            repo::settle(&mut tx, tenant, delivery_id, "failed", Some(&reason), None).await?;
        }
        Err(e) => {
            repo::attempt_failed(&mut tx, tenant, delivery_id, &format!("{e:#}")).await?;
            tx.commit().await?;
            return Err(e);
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn send_mail(
    state: &AppState,
    mailer: &Mailer,
    tenant: TenantId,
    out: &Outgoing,
    school: &str,
    colour: &str,
) -> anyhow::Result<Sent> {
    let base = &state.public_url;
    let preferences_url = format!("{base}/notifications/preferences");
    let link = out.link.as_deref().map(|l| format!("{base}{l}"));
    let frame = MailFrame { school, colour, link: link.as_deref(), preferences_url: &preferences_url };
    let unsubscribe_url = Event::parse(&out.event).map(|event| {
        let signer = service::unsubscribe_signer(state.settings.secret_key.expose());
        let token = service::unsubscribe_token(&signer, tenant, out.user_id, event);
        format!("{base}/api/v1/unsubscribe/{token}")
    });
    let mail = OutgoingMail {
        to: out.address.clone(),
        subject: out.title.clone(),
        text: render::mail_text(&out.body, &frame),
        html: Some(render::mail_html(&out.title, &out.body, &frame)),
        unsubscribe_url,
    };
    Ok(match mailer.deliver(&state.pool, Some(tenant), &mail).await? {
        MailOutcome::Sent => Sent::Yes(None),
        MailOutcome::Refused(reason) => Sent::Refused(reason),
    })
}

async fn send_sms(gateway: &SmsGateway, delivery: Uuid, out: &Outgoing, school: &str) -> anyhow::Result<Sent> {
    let message = SmsMessage {
        to: out.address.clone(),
        text: render::sms_text(&out.body, school),
        sender: sms::sender_id(school),
        idempotency_key: delivery.to_string(),
    };
    Ok(match gateway.send(&message).await? {
        SmsOutcome::Sent { provider_id } => Sent::Yes(Some(provider_id)),
        SmsOutcome::Refused { reason } => Sent::Refused(reason),
    })
}
