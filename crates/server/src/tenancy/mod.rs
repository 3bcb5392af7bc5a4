//! Schools and their members, as the platform operator (CLI) and the demo seed create them.

use anyhow::{Context, bail};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::{
    email::Email,
    ids::{TenantId, UserId},
    password::check_new_password,
    role::Role,
};

use crate::{
    agencies::{self, AgencyInput},
    audit::{self, Actor, Change},
    auth::password,
    db,
};

#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    pub legal_name: Option<String>,
    pub siret: Option<String>,
    pub address: Option<String>,
    pub timezone: String,
}

/// Creates a school; its audit chain starts with this creation.
pub async fn create_tenant(pool: &PgPool, new: &NewTenant) -> anyhow::Result<TenantId> {
    if new.timezone.parse::<chrono_tz::Tz>().is_err() {
        bail!("unknown time zone {:?} (expected an IANA name such as Europe/Paris)", new.timezone);
    }
    if !new.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') || new.slug.is_empty() {
        bail!("the slug may contain only a-z, 0-9 and '-'");
    }
    let id = TenantId::new();
    let mut tx = db::begin_tenant(pool, id).await?;
    sqlx::query(
        "INSERT INTO tenants (id, slug, name, legal_name, siret, address, timezone) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(&new.slug)
    .bind(&new.name)
    .bind(&new.legal_name)
    .bind(&new.siret)
    .bind(&new.address)
    .bind(&new.timezone)
    .execute(&mut *tx)
    .await
    .with_context(|| format!("cannot create the school {:?} (is the slug taken?)", new.slug))?;
    let after = json!({"slug": new.slug, "name": new.name, "siret": new.siret, "timezone": new.timezone});
    let change =
        Change { action: "tenant.create", entity: "tenant", entity_id: Some(id.0), before: None, after: Some(after) };
    audit::record(&mut tx, &Actor::system(id), change).await?;
    // Every school has at least one agency: records created without one take it.
    let agency = AgencyInput {
        name: "Agence principale".into(),
        address: new.address.clone(),
        phone: None,
        email: None,
        opening_hours: vec![],
        closures: vec![],
        meeting_points: vec![],
        rooms: vec![],
        alsace_moselle: false,
    };
    let agency_id = agencies::repo::insert(&mut tx, id, &agency).await?;
    let change = Change {
        action: "agency.create",
        entity: "agency",
        entity_id: Some(agency_id),
        before: None,
        after: Some(json!(agency)),
    };
    audit::record(&mut tx, &Actor::system(id), change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Finds a school by slug or id.
pub async fn find(pool: &PgPool, slug_or_id: &str) -> anyhow::Result<TenantId> {
    let id: Option<Uuid> = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = $1 OR id::text = $1")
        .bind(slug_or_id)
        .fetch_optional(pool)
        .await?;
    id.map(TenantId).with_context(|| format!("no school {slug_or_id:?}"))
}

/// Suspends a school: its people can no longer log in, and open sessions end now.
pub async fn suspend(pool: &PgPool, tenant: TenantId) -> anyhow::Result<()> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    sqlx::query(
        "UPDATE tenants SET suspended_at = now(), version = version + 1 WHERE id = $1 AND suspended_at IS NULL",
    )
    .bind(tenant.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE sessions SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL")
        .bind(tenant.0)
        .execute(&mut *tx)
        .await?;
    let change =
        Change { action: "tenant.suspend", entity: "tenant", entity_id: Some(tenant.0), before: None, after: None };
    audit::record(&mut tx, &Actor::system(tenant), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Finds or creates the person with this e-mail. A new person gets `password` (if any); an
/// existing person's password is never touched.
pub async fn ensure_user(
    conn: &mut PgConnection,
    email: &Email,
    display_name: &str,
    password_hash: Option<&str>,
) -> Result<(UserId, bool), sqlx::Error> {
    let existing: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        return Ok((id.into(), false));
    }
    let id = UserId::new();
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, password_changed_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END)",
    )
    .bind(id.0)
    .bind(email.as_str())
    .bind(display_name)
    .bind(password_hash)
    .execute(&mut *conn)
    .await?;
    Ok((id, true))
}

/// Gives a person a role in the transaction's school (re-activating a former membership), audited.
pub async fn add_membership(
    conn: &mut PgConnection,
    actor: &Actor,
    user: UserId,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role, active = true,
                version = memberships.version + 1",
    )
    .bind(actor.tenant_id.0)
    .bind(user.0)
    .bind(role.as_str())
    .execute(&mut *conn)
    .await?;
    let after = json!({"user_id": user.0, "role": role, "active": true});
    let change = Change {
        action: "membership.create",
        entity: "user",
        entity_id: Some(user.0),
        before: None,
        after: Some(after),
    };
    audit::record(conn, actor, change).await
}

/// Operator command and demo seed: a member with a password, created in one transaction.
pub async fn create_member(
    pool: &PgPool,
    tenant: TenantId,
    email: &str,
    display_name: &str,
    password_text: &str,
    role: Role,
    argon2_memory_kib: u32,
) -> anyhow::Result<UserId> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{email:?}: {e}"))?;
    check_new_password(password_text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = password::hash(password_text.to_owned(), argon2_memory_kib).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let (user, _) = ensure_user(&mut tx, &email, display_name, Some(&hash)).await?;
    add_membership(&mut tx, &Actor::system(tenant), user, role).await?;
    tx.commit().await?;
    Ok(user)
}
