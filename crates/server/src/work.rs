//! The request context: one call opens a handler's work. It checks the permission, opens the
//! school's transaction and loads, in one statement, the school (zone, typed settings) and the
//! viewer (who the caller is in that school). The handler still sees a transaction: it runs its
//! statements on `work`, audits with one call and commits.

use std::ops::{Deref, DerefMut};

use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::{ids::TenantId, role::Role};

use crate::{
    audit::{self, Actor, Change},
    auth::{Ctx, Permission, Viewer, guardians},
    db::{self, Tx},
    error::{AppError, AppResult},
    school::{School, SchoolSettings},
    state::AppState,
};

/// A handler's unit of work: the tenant transaction and what every rule needs to know.
pub struct Work {
    pub tx: Tx,
    /// What the caller may see.
    pub viewer: Viewer,
    /// The school's zone and settings, read once per request.
    pub school: School,
    /// The author of the changes made in this work, for the audit log.
    pub actor: Actor,
    /// Whether the changes tell people (notifications). A person's work does; the system's
    /// (the demo seed, the benchmark's direct path) does not, unless it asks.
    pub tells: bool,
}

impl Ctx {
    /// Refuses with 403 unless the caller's role holds `permission`, then opens the work.
    /// Also refuses (403 `second-factor-required`) the work of a session opened without a second
    /// factor when the school requires one for the caller's role; the account's own pages (`/me`,
    /// 2FA setup, sessions) do not open work, so they stay reachable to set it up.
    pub async fn begin(&self, state: &AppState, permission: Permission) -> AppResult<Work> {
        self.require(permission)?;
        let mut tx = db::begin_tenant(&state.pool, self.tenant_id).await?;
        let (school, mut viewer) = load(&mut tx, self.tenant_id, self.role, Some(self.user_id.0)).await?;
        if self.role == Role::Guardian {
            viewer = guardian_viewer(&mut tx, self).await?;
        }
        if school.settings.two_factor.requires(self.role) && !self.second_factor {
            return Err(AppError::SecondFactorRequired);
        }
        Ok(Work { tx, viewer, school, actor: self.actor(), tells: true })
    }
}

impl Work {
    /// Work done by the system in one school (the demo seed, the benchmark's direct path): it sees the
    /// whole school, is audited without a person and tells nobody.
    pub async fn system(pool: &PgPool, tenant: TenantId) -> AppResult<Work> {
        let mut tx = db::begin_tenant(pool, tenant).await?;
        let (school, _) = load(&mut tx, tenant, Role::Admin, None).await?;
        Ok(Work { tx, viewer: Viewer::Office, school, actor: Actor::system(tenant), tells: false })
    }

    pub fn tenant(&self) -> TenantId {
        self.actor.tenant_id
    }

    pub fn tz(&self) -> Tz {
        self.school.tz
    }

    pub fn settings(&self) -> &SchoolSettings {
        &self.school.settings
    }

    /// Commits what was done (the audit entries with it).
    pub async fn commit(self) -> AppResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// The audit log of this work's changes, in the same transaction.
    pub fn audit(&mut self) -> Audit<'_> {
        Audit { work: self }
    }
}

impl Deref for Work {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

/// One call per audited change: `work.audit().updated("vehicle", id, &before, &after)`.
pub struct Audit<'w> {
    work: &'w mut Work,
}

impl Audit<'_> {
    /// `{entity}.create`, with the new state.
    pub async fn created(self, entity: &str, id: Uuid, after: &impl Serialize) -> AppResult<()> {
        let action = format!("{entity}.create");
        let change = Change { action: &action, entity, entity_id: Some(id), before: None, after: Some(json(after)?) };
        self.record(change).await
    }

    /// `{entity}.update`, with the states before and after.
    pub async fn updated(
        self,
        entity: &str,
        id: Uuid,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> AppResult<()> {
        let action = format!("{entity}.update");
        let (before, after) = (Some(json(before)?), Some(json(after)?));
        self.record(Change { action: &action, entity, entity_id: Some(id), before, after }).await
    }

    /// `{entity}.delete`, with the state before.
    pub async fn deleted(self, entity: &str, id: Uuid, before: &impl Serialize) -> AppResult<()> {
        let action = format!("{entity}.delete");
        let change = Change { action: &action, entity, entity_id: Some(id), before: Some(json(before)?), after: None };
        self.record(change).await
    }

    /// Any other change, described by the caller.
    pub async fn record(self, change: Change<'_>) -> AppResult<()> {
        audit::record(&mut self.work.tx, &self.work.actor, change).await?;
        Ok(())
    }
}

fn json(value: &impl Serialize) -> AppResult<Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.into()))
}

/// A guardian sees as the child they follow now (none: nothing).
async fn guardian_viewer(conn: &mut PgConnection, ctx: &Ctx) -> AppResult<Viewer> {
    let children = guardians::children(conn, ctx.tenant_id, ctx.user_id).await?;
    Ok(guardians::followed(&children, ctx.child).map_or(Viewer::Nobody, Viewer::Student))
}

/// The school and the viewer in one statement (the transaction is already the school's).
async fn load(
    conn: &mut PgConnection,
    tenant: TenantId,
    role: Role,
    user: Option<Uuid>,
) -> AppResult<(School, Viewer)> {
    let (tz, stored, version, instructor_id, student_id): (String, Value, i32, Option<Uuid>, Option<Uuid>) =
        sqlx::query_as(
            "SELECT t.timezone, t.settings, t.version,
                    (SELECT id FROM instructors WHERE tenant_id = t.id AND user_id = $2),
                    (SELECT id FROM students WHERE tenant_id = t.id AND user_id = $2)
               FROM tenants t WHERE t.id = $1",
        )
        .bind(tenant.0)
        .bind(user)
        .fetch_one(conn)
        .await?;
    let school = School::from_row(&tz, &stored, version);
    let viewer = match role {
        Role::Admin | Role::Secretary => Viewer::Office,
        Role::Instructor => instructor_id.map_or(Viewer::Nobody, Viewer::Instructor),
        Role::Student => student_id.map_or(Viewer::Nobody, Viewer::Student),
        // Their children are not in this statement: see `guardian_viewer`.
        Role::Guardian => Viewer::Nobody,
    };
    Ok((school, viewer))
}
