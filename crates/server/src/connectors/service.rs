//! The office's side of the connectors: their status, their settings (secrets sealed and never
//! shown), the connection test, the exchange log, and the key rotation.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::{ants::CircuitBreaker, ids::TenantId};

use super::{
    Connector, ConnectorEvent, ConnectorInput, ConnectorName, ConnectorStatus, ConnectorTest, ConnectorView,
    Connectors, Remote, RemoteError, ants::Ants, repo,
};
use crate::{
    audit::Change,
    config::{Secret, Settings},
    error::{AppError, AppResult, FieldErrors},
    http::page::{self, Page},
    sealed::{Purpose, Sealer},
    state::AppState,
    work::Work,
};

/// The secrets of a connector, sealed together.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct Secrets {
    pub client_secret: Option<String>,
    /// The OAuth refresh token (platforms reached through OAuth 2).
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// A sealed value is bound to its school and platform: copied elsewhere, it does not open.
pub(super) fn bound_to(tenant: TenantId, name: &str) -> Vec<u8> {
    [tenant.0.as_bytes().as_slice(), name.as_bytes()].concat()
}

pub(super) fn seal_secrets(sealer: &Sealer, tenant: TenantId, name: ConnectorName, s: &Secrets) -> AppResult<Vec<u8>> {
    let raw = serde_json::to_vec(s).map_err(|e| AppError::Internal(e.into()))?;
    sealer.seal(&raw, &bound_to(tenant, name.as_str()))
}

pub(super) fn sealer(settings: &Settings) -> Sealer {
    Sealer::with_previous(&settings.secret_key, &settings.previous_secret_keys, Purpose::ConnectorSecrets)
}

fn view(name: ConnectorName, row: Option<repo::Row>) -> ConnectorView {
    let Some(row) = row else {
        return ConnectorView {
            name,
            label: name.label(),
            status: ConnectorStatus::NotConfigured,
            base_url: None,
            client_id: None,
            client_secret_set: false,
            authorized: name.uses_oauth().then_some(false),
            last_error: None,
            last_success_at: None,
            circuit_open_until: None,
            version: None,
        };
    };
    ConnectorView {
        name,
        label: name.label(),
        status: if row.status == "failing" { ConnectorStatus::Failing } else { ConnectorStatus::Connected },
        base_url: Some(row.base_url),
        client_id: row.client_id,
        client_secret_set: row.secrets.is_some(),
        authorized: name.uses_oauth().then_some(row.authorized_at.is_some()),
        last_error: row.last_error,
        last_success_at: row.last_success_at,
        circuit_open_until: row.circuit_open_until.filter(|until| *until > Utc::now()),
        version: Some(row.version),
    }
}

pub async fn get(conn: &mut PgConnection, tenant: TenantId, name: ConnectorName) -> AppResult<ConnectorView> {
    Ok(view(name, repo::get(conn, tenant, name, false).await?))
}

pub async fn list(work: &mut Work) -> AppResult<Connectors> {
    let tenant = work.tenant();
    let mut items = Vec::new();
    for name in ConnectorName::ALL {
        items.push(get(work, tenant, name).await?);
    }
    Ok(Connectors { items })
}

/// Saves a platform's settings; the audit entry says whether the secret changed, never what it is.
pub async fn put(
    work: &mut Work,
    settings: &Settings,
    name: ConnectorName,
    input: ConnectorInput,
) -> AppResult<ConnectorView> {
    let tenant = work.tenant();
    let before = repo::get(work, tenant, name, true).await?;
    if let Some(row) = &before
        && input.version != Some(row.version)
    {
        return Err(AppError::StaleVersion { current: json!(view(name, before.clone())) });
    }
    let (base_url, client_id) = validate(&input, settings)?;
    let sealer = sealer(settings);
    let mut secrets = match before.as_ref().and_then(|r| r.secrets.as_deref()) {
        Some(sealed) => open_secrets(&sealer, tenant, name, sealed)?,
        None => Secrets::default(),
    };
    let secret_changed = input.client_secret.is_some();
    // A grant is given to one client on one platform: another address or client id needs a new one.
    let same_client = before.as_ref().is_some_and(|r| r.base_url == base_url && r.client_id == client_id);
    if !same_client {
        secrets.refresh_token = None;
    }
    if let Some(secret) = input.client_secret.map(|s| s.trim().to_owned()) {
        secrets.client_secret = Some(secret).filter(|s| !s.is_empty());
    }
    let sealed = match &secrets.client_secret {
        Some(_) => Some(seal_secrets(&sealer, tenant, name, &secrets)?),
        None => None,
    };
    repo::put(work, tenant, name, &base_url, client_id.as_deref(), sealed.as_deref()).await?;
    let before_view = before.map(|row| view(name, Some(row)));
    let after = get(work, tenant, name).await?;
    let change = Change {
        action: "connector.configure",
        entity: "connector",
        entity_id: None,
        before: before_view.map(|v| json!(v)),
        after: Some(json!({"connector": after, "client_secret_changed": secret_changed})),
    };
    work.audit().record(change).await?;
    Ok(after)
}

fn validate(input: &ConnectorInput, settings: &Settings) -> AppResult<(String, Option<String>)> {
    let mut errors = FieldErrors::default();
    let base_url = input.base_url.trim().trim_end_matches('/').to_owned();
    let local = base_url.starts_with("http://127.0.0.1") || base_url.starts_with("http://localhost");
    let plain_allowed = settings.profile.is_local() || local;
    if !(base_url.starts_with("https://") || (base_url.starts_with("http://") && plain_allowed))
        || reqwest::Url::parse(&base_url).is_err()
        || base_url.len() > 300
    {
        errors.add("base_url", "L'adresse de la plateforme commence par https:// (300 caractères au plus).");
    }
    let client_id = input.client_id.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    if client_id.as_ref().is_some_and(|c| c.chars().count() > 200) {
        errors.add("client_id", "L'identifiant tient en 200 caractères au plus.");
    }
    if input.client_secret.as_ref().is_some_and(|s| s.chars().count() > 500) {
        errors.add("client_secret", "Le secret tient en 500 caractères au plus.");
    }
    errors.finish()?;
    Ok((base_url, client_id))
}

pub(super) fn open_secrets(
    sealer: &Sealer,
    tenant: TenantId,
    name: ConnectorName,
    sealed: &[u8],
) -> AppResult<Secrets> {
    let raw = sealer.open(sealed, &bound_to(tenant, name.as_str()))?;
    serde_json::from_slice(&raw).map_err(|e| AppError::Internal(e.into()))
}

/// The school's connection to `name`, ready to call; `None` when it is not configured.
pub async fn remote(
    conn: &mut PgConnection,
    state: &AppState,
    tenant: TenantId,
    name: ConnectorName,
) -> AppResult<Option<Remote>> {
    let Some(row) = repo::get(conn, tenant, name, false).await? else {
        return Ok(None);
    };
    let settings = &state.settings;
    let secrets = match row.secrets.as_deref() {
        Some(sealed) => open_secrets(&sealer(settings), tenant, name, sealed)?,
        None => Secrets::default(),
    };
    let http = reqwest::Client::builder()
        .timeout(settings.connector_timeout)
        .connect_timeout(settings.connector_timeout.min(Duration::from_secs(5)))
        .build()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Some(Remote {
        tenant,
        name,
        base_url: row.base_url,
        client_id: row.client_id,
        client_secret: secrets.client_secret.map(Secret::new),
        http,
        pool: state.pool.clone(),
        sealer: sealer(settings),
        breaker: CircuitBreaker {
            threshold: settings.connector_circuit_threshold,
            cooldown: chrono::Duration::from_std(settings.connector_circuit_cooldown)
                .unwrap_or(chrono::Duration::seconds(60)),
        },
    }))
}

/// Tries the connection now (a harmless call) and tells what happened.
pub async fn test(
    state: &AppState,
    tenant: TenantId,
    name: ConnectorName,
    work: &mut Work,
) -> AppResult<ConnectorTest> {
    let remote = remote(work, state, tenant, name).await?;
    let outcome = match &remote {
        None => Err(RemoteError::NotConfigured),
        Some(remote) => match name {
            ConnectorName::Ants => Ants::check(remote).await,
            ConnectorName::Rdvpermis => super::rdvpermis::RdvPermis::check(remote).await,
        },
    };
    let connector = get(work, tenant, name).await?;
    Ok(match outcome {
        Ok(()) => ConnectorTest {
            ok: true,
            message: format!("{} répond : la connexion fonctionne.", name.label()),
            connector,
        },
        Err(e) => ConnectorTest { ok: false, message: e.message(name), connector },
    })
}

/// The connectors in trouble, for the office's alerts.
pub async fn failing(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<ConnectorView>> {
    let mut items = Vec::new();
    for name in ConnectorName::ALL {
        let view = get(conn, tenant, name).await?;
        if view.status == ConnectorStatus::Failing {
            items.push(view);
        }
    }
    Ok(items)
}

/// One page of the exchange log, newest first.
pub async fn events(
    work: &mut Work,
    name: ConnectorName,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<ConnectorEvent>> {
    let limit = page::limit(limit)?;
    let before: Option<(DateTime<Utc>, Uuid)> = page::decode_cursor(cursor)?;
    let tenant = work.tenant();
    let rows = repo::events(work, tenant, name, before, limit).await?;
    Ok(page::paginate(rows, limit, |e| (e.created_at, e.id)))
}

/// Seals every connector secret again under the current key (after `VOLANT_SECRET_KEY` changed
/// and the old one moved to `VOLANT_PREVIOUS_SECRET_KEYS`). Returns how many were sealed again.
pub async fn rotate_secrets(pool: &PgPool, settings: &Settings) -> anyhow::Result<usize> {
    let sealer = sealer(settings);
    let mut count = 0;
    for tenant in repo::every_school(pool).await? {
        let mut tx = crate::db::begin_tenant(pool, tenant).await?;
        for (name, sealed) in repo::all_secrets(&mut tx, tenant).await? {
            let bound = bound_to(tenant, &name);
            let raw = sealer.open(&sealed, &bound)?;
            repo::replace_secrets(&mut tx, tenant, &name, &sealer.seal(&raw, &bound)?).await?;
            count += 1;
        }
        tx.commit().await?;
    }
    Ok(count)
}
