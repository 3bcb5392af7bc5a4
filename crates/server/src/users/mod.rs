//! Members of a school: their role and whether their access is active (ADMIN).

use axum::{
    Json,
    extract::{Path, State},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{ids::TenantId, role::Role};

use crate::{
    audit::Change,
    auth::{Ctx, Permission, service::parse_role},
    error::{AppError, AppResult},
    http::{
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(update))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    /// The person's id (the same in every school).
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub version: i32,
}

type MemberRow = (Uuid, String, String, String, bool, Option<DateTime<Utc>>, i32);

fn member(r: MemberRow) -> Result<Member, sqlx::Error> {
    Ok(Member {
        id: r.0,
        email: r.1,
        display_name: r.2,
        role: parse_role(&r.3)?,
        active: r.4,
        last_login_at: r.5,
        version: r.6,
    })
}

const SELECT_MEMBERS: &str = "SELECT u.id, u.email, u.display_name, m.role, m.active, u.last_login_at, m.version
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub role: Option<Role>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The school's members, by e-mail.
#[utoipa::path(operation_id = "users_list", get, path = "/users", tag = "users", params(ListQuery),
    responses((status = 200, body = Page<Member>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Member>>> {
    let limit = page::limit(q.limit)?;
    let after: Option<String> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ManageUsers).await?;
    let sql = format!(
        "{SELECT_MEMBERS} AND ($2::text IS NULL OR u.email > $2) AND ($3::text IS NULL OR m.role = $3)
         ORDER BY u.email LIMIT $4"
    );
    let rows: Vec<MemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ctx.tenant_id.0)
        .bind(after)
        .bind(q.role.map(|r| r.as_str()))
        .bind(limit + 1)
        .fetch_all(&mut *work)
        .await?;
    work.commit().await?;
    let members = rows.into_iter().map(member).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(page::paginate(members, limit, |m| m.email.clone())))
}

async fn load(conn: &mut PgConnection, tenant: TenantId, user: Uuid, lock: bool) -> AppResult<Member> {
    let sql = format!("{SELECT_MEMBERS} AND m.user_id = $2{}", if lock { " FOR UPDATE OF m" } else { "" });
    let row: Option<MemberRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(user).fetch_optional(conn).await?;
    row.map(member).transpose()?.ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// The `version` you read: a stale one gets 412 with the current state.
    pub version: i32,
}

/// Changes a member's role or active flag. Their sessions follow at once.
#[utoipa::path(operation_id = "users_update", patch, path = "/users/{id}", tag = "users", request_body = UpdateMember,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Member), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 412), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Member>> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let mut work = ctx.begin(&state, Permission::ManageUsers).await?;
    let before = load(&mut work, ctx.tenant_id, id, true).await?;
    let body: UpdateMember = body.parse()?;
    patch::expect_version(Some(i64::from(body.version)), before.version, &before)?;
    let role = body.role.unwrap_or(before.role);
    let active = body.active.unwrap_or(before.active);
    let loses_admin = before.role == Role::Admin && before.active && (role != Role::Admin || !active);
    if loses_admin {
        let admins: i64 =
            sqlx::query_scalar("SELECT count(*) FROM memberships WHERE tenant_id = $1 AND role = 'ADMIN' AND active")
                .bind(ctx.tenant_id.0)
                .fetch_one(&mut *work)
                .await?;
        if admins <= 1 {
            return Err(AppError::rule("last_admin", "L'école doit garder au moins un administrateur actif."));
        }
    }
    sqlx::query(
        "UPDATE memberships SET role = $3, active = $4, version = version + 1 WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(ctx.tenant_id.0)
    .bind(id)
    .bind(role.as_str())
    .bind(active)
    .execute(&mut *work)
    .await?;
    // Sessions carry the role: follow the change now, and close them when access ends.
    sqlx::query(
        "UPDATE sessions SET role = $3, revoked_at = CASE WHEN $4 THEN revoked_at ELSE now() END
          WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(ctx.tenant_id.0)
    .bind(id)
    .bind(role.as_str())
    .bind(active)
    .execute(&mut *work)
    .await?;
    let after = load(&mut work, ctx.tenant_id, id, false).await?;
    let change = Change {
        action: "membership.update",
        entity: "user",
        entity_id: Some(id),
        before: Some(json!({"role": before.role, "active": before.active})),
        after: Some(json!({"role": after.role, "active": after.active})),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(Json(after))
}
