//! A person's choices (channels per event, quiet hours), read and changed, and the one-click
//! unsubscribe of a mail.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    ids::TenantId,
    notify::{Channels, QuietHours},
    role::Role,
};

use super::{Event, repo};
use crate::{
    error::{AppError, AppResult},
    http::patch,
    school::{self, SchoolSettings},
    sealed::TokenSigner,
    sms,
};

/// Quiet hours as the API shows them: `HH:MM` in the school's time.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QuietHoursView {
    #[schema(example = "21:00")]
    pub start: String,
    #[schema(example = "08:00")]
    pub end: String,
}

/// The channels of one event.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
pub struct ChannelChoice {
    pub email: bool,
    pub sms: bool,
    /// Always kept: the in-app list is the record of what was said.
    pub in_app: bool,
}

impl From<Channels> for ChannelChoice {
    fn from(c: Channels) -> Self {
        ChannelChoice { email: c.email, sms: c.sms, in_app: c.in_app }
    }
}

impl From<ChannelChoice> for Channels {
    fn from(c: ChannelChoice) -> Self {
        Channels { email: c.email, sms: c.sms, in_app: c.in_app }
    }
}

/// A person's notification choices in this school.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NotificationPreferences {
    /// Per event (snake_case name): the channels.
    pub channels: BTreeMap<String, ChannelChoice>,
    pub quiet_hours: QuietHoursView,
    /// The events this person can receive, in the order to show them.
    pub events: Vec<Event>,
    /// Whether SMS can reach this person (a mobile number in their file).
    pub sms_available: bool,
    pub version: i32,
}

/// The choices to keep, with the `version` read.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    pub channels: BTreeMap<String, ChannelChoice>,
    pub quiet_hours: QuietHoursView,
    pub version: i32,
}

/// A person's channels for one event: their choice when they made one, else the default.
pub fn channels_for(stored: Option<&Value>, event: Event) -> Channels {
    stored
        .and_then(|all| all.get(event.as_str()))
        .and_then(|c| serde_json::from_value::<Channels>(c.clone()).ok())
        .unwrap_or_else(|| event.default_channels())
        .kept()
}

/// The person's quiet hours, else the school's, else the SPEC's default.
pub fn quiet_hours(start: Option<NaiveTime>, end: Option<NaiveTime>, school: &SchoolSettings) -> QuietHours {
    match (start, end) {
        (Some(start), Some(end)) => QuietHours { start, end },
        _ => school.notifications.quiet_hours.parse().unwrap_or_default(),
    }
}

pub async fn read(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    role: Role,
) -> AppResult<NotificationPreferences> {
    let stored = repo::preferences(conn, tenant, user).await?;
    let school = school::read(conn, tenant).await?.settings;
    let phone = repo::phone_of(conn, tenant, user).await?;
    let events = Event::for_role(role);
    let channels = events
        .iter()
        .map(|e| (e.as_str().to_owned(), channels_for(stored.as_ref().map(|s| &s.channels), *e).into()))
        .collect();
    let quiet =
        quiet_hours(stored.as_ref().and_then(|s| s.quiet_start), stored.as_ref().and_then(|s| s.quiet_end), &school);
    Ok(NotificationPreferences {
        channels,
        quiet_hours: QuietHoursView { start: hhmm(quiet.start), end: hhmm(quiet.end) },
        events,
        sms_available: phone.as_deref().and_then(sms::to_e164_fr).is_some(),
        version: stored.map_or(0, |s| s.version),
    })
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn parse_time(field: &str, value: &str) -> AppResult<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M")
        .map_err(|_| AppError::field(field, "Heure attendue au format HH:MM (par exemple 21:00)."))
}

/// Keeps the choices (412 when they changed since `version` was read).
pub async fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    role: Role,
    update: PreferencesUpdate,
) -> AppResult<NotificationPreferences> {
    let current = read(conn, tenant, user, role).await?;
    patch::expect_version(Some(i64::from(update.version)), current.version, &current)?;
    let mut channels = serde_json::Map::new();
    for (name, choice) in &update.channels {
        let event =
            Event::parse(name).ok_or_else(|| AppError::field("channels", format!("Événement inconnu : {name}.")))?;
        let kept = Channels::from(*choice).kept();
        channels.insert(event.as_str().to_owned(), serde_json::to_value(kept).map_err(anyhow::Error::from)?);
    }
    let stored = repo::StoredPreferences {
        channels: Value::Object(channels),
        quiet_start: Some(parse_time("quiet_hours.start", &update.quiet_hours.start)?),
        quiet_end: Some(parse_time("quiet_hours.end", &update.quiet_hours.end)?),
        version: update.version,
    };
    if repo::save_preferences(conn, tenant, user, &stored).await?.is_none() {
        // Changed between the read and the write (another tab saving at the same instant).
        let current = read(conn, tenant, user, role).await?;
        return patch::expect_version(None, current.version, &current).map(|()| current);
    }
    read(conn, tenant, user, role).await
}

/// The signer of unsubscribe links.
pub fn unsubscribe_signer(secret_key: &str) -> TokenSigner {
    TokenSigner::new(secret_key, "volant/unsubscribe/v1")
}

/// The token of "stop these e-mails": the school, the person and the event.
pub fn unsubscribe_token(signer: &TokenSigner, tenant: TenantId, user: Uuid, event: Event) -> String {
    let data = [tenant.0.as_bytes().as_slice(), user.as_bytes(), event.as_str().as_bytes()].concat();
    signer.sign(&data)
}

/// What an unsubscribe token names, if it is one of ours.
pub fn read_unsubscribe_token(signer: &TokenSigner, token: &str) -> Option<(TenantId, Uuid, Event)> {
    let data = signer.verify(token)?;
    let (tenant, rest) = data.split_at_checked(16)?;
    let (user, event) = rest.split_at_checked(16)?;
    let tenant = Uuid::from_slice(tenant).ok()?;
    let user = Uuid::from_slice(user).ok()?;
    let event = Event::parse(std::str::from_utf8(event).ok()?)?;
    Some((TenantId(tenant), user, event))
}

/// Turns off the e-mails of one event for the person (in-app and SMS as they were).
pub async fn unsubscribe(conn: &mut PgConnection, tenant: TenantId, user: Uuid, event: Event) -> AppResult<()> {
    let stored = repo::preferences(conn, tenant, user).await?;
    let current = channels_for(stored.as_ref().map(|s| &s.channels), event);
    let off = Channels { email: false, ..current };
    let value = serde_json::to_value(off).map_err(anyhow::Error::from)?;
    repo::unsubscribe_email(conn, tenant, user, event.as_str(), value).await?;
    Ok(())
}

/// The unsubscribe link's work: the school's transaction, the change and its audit entry.
pub async fn unsubscribe_by_token(pool: &sqlx::PgPool, tenant: TenantId, user: Uuid, event: Event) -> AppResult<()> {
    let mut tx = crate::db::begin_tenant(pool, tenant).await?;
    unsubscribe(&mut tx, tenant, user, event).await?;
    let actor = crate::audit::Actor { tenant_id: tenant, user_id: Some(user), request_id: None, ip: None };
    let change = crate::audit::Change {
        action: "notification_preferences.unsubscribe",
        entity: "notification_preferences",
        entity_id: Some(user),
        before: None,
        after: Some(serde_json::json!({ "event": event.as_str(), "email": false })),
    };
    crate::audit::record(&mut tx, &actor, change).await?;
    tx.commit().await?;
    Ok(())
}

const PAGE_STYLE: &str = "body{font-family:Arial,Helvetica,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#212529;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem;background:#1864ab;color:#fff;border:0;border-radius:6px;cursor:pointer}";

/// The unsubscribe page: a form that posts to itself.
pub fn unsubscribe_form() -> String {
    format!(
        r#"<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Se désabonner — Volant</title><style>{PAGE_STYLE}</style></head><body><main>
<h1>Ne plus recevoir ces e-mails</h1>
<p>Vous ne recevrez plus ce type d'e-mail. Les notifications restent visibles dans Volant, et vous pouvez changer d'avis dans vos préférences.</p>
<form method="post"><button type="submit">Me désabonner</button></form>
</main></body></html>"#
    )
}

pub fn unsubscribed_page() -> String {
    format!(
        r#"<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Désabonnement enregistré — Volant</title><style>{PAGE_STYLE}</style></head><body><main>
<h1>C'est noté</h1><p>Vous ne recevrez plus ce type d'e-mail. Vos autres préférences sont inchangées.</p>
</main></body></html>"#
    )
}
