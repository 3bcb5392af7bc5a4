//! Invitations: an ADMIN invites someone by e-mail with a role. A new person chooses a password
//! on accept; a person who already has a Volant account confirms with their own password and
//! gains the membership (their password is not touched).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{email::Email, ids::InvitationId, password::check_new_password, role::Role};

use crate::{
    audit::{self, Actor, Change},
    auth::{
        Ctx, Permission, RequestMeta, password,
        routes::{LoginAnswer, opened_response, second_factor_response},
        service::{self, parse_role},
        session, two_factor,
    },
    db,
    error::{AppError, AppResult},
    http::{
        json::{ApiJson, ApiQuery, JsonBody},
        page::{self, Page},
    },
    mail::{self, OutgoingMail},
    state::AppState,
    students::guardians,
    tenancy,
};

const INVITATION_TTL_DAYS: i32 = 14;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(lookup))
        .routes(routes!(accept))
        .routes(routes!(invite_student))
        .routes(routes!(invite_guardian))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianInvitation {
    /// The parent's or legal guardian's e-mail address.
    pub email: String,
}

/// Invites a parent or legal guardian of a minor student to follow their training from their own
/// space (planning, hours, booklet, exams, invoices; the signature of contracts). A person who
/// already follows another child of the school (a sibling) accepts with their password and then
/// switches between the children. 422 for an adult student.
#[utoipa::path(post, path = "/students/{id}/guardians/invite", operation_id = "students_guardians_invite", tag = "students",
    params(("id" = Uuid, Path)), request_body = GuardianInvitation,
    responses((status = 201, body = Invitation), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn invite_guardian(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = crate::http::path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageGuardians).await?;
    let s = crate::students::service::visible(&mut work, id, false).await?;
    let body: GuardianInvitation = body.parse()?;
    guardians::check_may_have_guardian(&s, work.school.today())?;
    let tenant = work.tenant();
    let email = Email::parse(&body.email).map_err(|e| AppError::field("email", e.to_string()))?;
    if guardians::list(&mut work, tenant, id).await?.iter().any(|g| g.email == email.as_str()) {
        return Err(AppError::rule("already_guardian", "Cette personne suit déjà cet élève (ou est déjà invitée)."));
    }
    let inv = invite(&mut work, &state, &ctx.actor(), email.as_str(), Role::Guardian, Some(id)).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok(crate::http::created(inv))
}

/// Invites the student (by the file's e-mail) to their own space; accepting links the account.
#[utoipa::path(post, path = "/students/{id}/invite", operation_id = "students_invite", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 201, body = Invitation), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn invite_student(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = crate::http::path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageStudents).await?;
    let s = crate::students::service::visible(&mut work, id, false).await?;
    let email =
        s.email.clone().ok_or_else(|| AppError::rule("email_required", "Le dossier n'a pas d'adresse e-mail."))?;
    if s.user_id.is_some() {
        return Err(AppError::rule("already_linked", "Cet élève a déjà un compte."));
    }
    let inv = invite(&mut work, &state, &ctx.actor(), &email, Role::Student, Some(id)).await?;
    let change = Change {
        action: "student.invite",
        entity: "student",
        entity_id: Some(id),
        before: None,
        after: Some(json!({"email": email})),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok(crate::http::created(inv))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

type InvitationRow = (Uuid, String, String, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>);

fn invitation(r: InvitationRow) -> Result<Invitation, sqlx::Error> {
    Ok(Invitation { id: r.0, email: r.1, role: parse_role(&r.2)?, created_at: r.3, expires_at: r.4, accepted_at: r.5 })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The school's invitations, newest first.
#[utoipa::path(operation_id = "invitations_list", get, path = "/invitations", tag = "users", params(ListQuery),
    responses((status = 200, body = Page<Invitation>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Invitation>>> {
    let mut work = ctx.begin(&state, Permission::ManageUsers).await?;
    let limit = page::limit(q.limit)?;
    let before: Option<(DateTime<Utc>, Uuid)> = page::decode_cursor(q.cursor.as_deref())?;
    let rows: Vec<InvitationRow> = sqlx::query_as(
        "SELECT id, email, role, created_at, expires_at, accepted_at FROM invitations
          WHERE tenant_id = $1 AND revoked_at IS NULL
            AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
          ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(ctx.tenant_id.0)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit + 1)
    .fetch_all(&mut *work)
    .await?;
    work.commit().await?;
    let items = rows.into_iter().map(invitation).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(page::paginate(items, limit, |i| (i.created_at, i.id))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    pub email: String,
    pub role: Role,
}

/// Invites someone; the mail carries a link valid 14 days.
#[utoipa::path(operation_id = "invitations_create", post, path = "/invitations", tag = "users", request_body = NewInvitation,
    responses((status = 201, body = Invitation), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageUsers).await?;
    let body: NewInvitation = body.parse()?;
    let inv = invite(&mut work, &state, &ctx.actor(), &body.email, body.role, None).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok((StatusCode::CREATED, Json(inv)).into_response())
}

/// Creates an invitation and mails its link (in the caller's transaction), audited. With a
/// `student_id`, accepting it links the new account to that student file.
pub async fn invite(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    actor: &Actor,
    email: &str,
    role: Role,
    student_id: Option<Uuid>,
) -> AppResult<Invitation> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.to_string()))?;
    let tenant = actor.tenant_id;
    let member: Option<String> = sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = $1 AND u.email = $2 AND m.active",
    )
    .bind(tenant.0)
    .bind(email.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    check_may_join(member.as_deref(), role)?;
    let token = session::random_token();
    let id = InvitationId::new();
    let row: InvitationRow = sqlx::query_as(
        "INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at, student_id)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7), $8)
         RETURNING id, email, role, created_at, expires_at, accepted_at",
    )
    .bind(id.0)
    .bind(tenant.0)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(session::token_hash(&token))
    .bind(actor.user_id)
    .bind(INVITATION_TTL_DAYS)
    .bind(student_id)
    .fetch_one(&mut *conn)
    .await?;
    let school: String =
        sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1").bind(tenant.0).fetch_one(&mut *conn).await?;
    let link = format!("{}/invitation?token={token}", state.public_url);
    let what = match (role, student_id) {
        (Role::Guardian, Some(student)) => {
            let child: String = sqlx::query_scalar(
                "SELECT first_name || ' ' || last_name FROM students WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(student)
            .fetch_one(&mut *conn)
            .await?;
            format!("à suivre la formation de {child} (planning, heures, livret, examens, factures)")
        }
        _ => format!("à rejoindre son espace Volant ({})", role.label_fr()),
    };
    let text = format!(
        "Bonjour,\n\n{school} vous invite {what}.\n\
         Ouvrez ce lien pour accepter l'invitation (valable {INVITATION_TTL_DAYS} jours) :\n\n{link}\n\n— Volant"
    );
    let mail = OutgoingMail::text(email.to_string(), format!("Invitation : {school}"), text);
    mail::enqueue(conn, Some(tenant), &mail).await?;
    let inv = invitation(row)?;
    let after = json!({"email": inv.email, "role": inv.role, "student_id": student_id});
    let change = Change {
        action: "invitation.create",
        entity: "invitation",
        entity_id: Some(id.0),
        before: None,
        after: Some(after),
    };
    audit::record(conn, actor, change).await?;
    Ok(inv)
}

/// One role per person and school: an active member is not invited again, except a guardian
/// invited for another of their children.
fn check_may_join(member: Option<&str>, invited: Role) -> AppResult<()> {
    match member {
        None => Ok(()),
        Some("GUARDIAN") if invited == Role::Guardian => Ok(()),
        Some(_) if invited == Role::Guardian => Err(AppError::rule(
            "already_member",
            "Cette adresse est celle d'un compte de l'école avec un autre rôle : utilisez une autre adresse.",
        )),
        Some(_) => Err(AppError::rule("already_member", "Cette personne fait déjà partie de l'école.")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    pub token: String,
}

/// What an invitation link is about, so the page asks for the right password.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationLookup {
    pub email: String,
    pub tenant_name: String,
    pub role: Role,
    /// True when the person already has a Volant account (they confirm with their password).
    pub account_exists: bool,
}

struct Pending {
    id: Uuid,
    student_id: Option<Uuid>,
    tenant_id: Uuid,
    email: String,
    role: Role,
    tenant_name: String,
}

async fn pending(conn: &mut sqlx::PgConnection, token: &str, lock: bool) -> AppResult<Pending> {
    let sql = format!(
        "SELECT i.id, i.student_id, i.tenant_id, i.email, i.role, t.name FROM invitations i JOIN tenants t ON t.id = i.tenant_id
          WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
            AND t.suspended_at IS NULL{}",
        if lock { " FOR UPDATE OF i" } else { "" }
    );
    let row: Option<(Uuid, Option<Uuid>, Uuid, String, String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(session::token_hash(token)).fetch_optional(conn).await?;
    let (id, student_id, tenant_id, email, role, tenant_name) = row.ok_or(AppError::NotFound)?;
    Ok(Pending { id, student_id, tenant_id, email, role: parse_role(&role)?, tenant_name })
}

/// Reads an invitation from its token (404 when used, expired or unknown).
#[utoipa::path(operation_id = "invitations_lookup", get, path = "/invitations/lookup", tag = "users", params(LookupQuery),
    responses((status = 200, body = InvitationLookup), (status = 404)))]
async fn lookup(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> AppResult<Json<InvitationLookup>> {
    let mut conn = state.pool.acquire().await?;
    let p = pending(&mut conn, &q.token, false).await?;
    let account_exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT FROM users WHERE email = $1 AND erased_at IS NULL)")
            .bind(&p.email)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Json(InvitationLookup { email: p.email, tenant_name: p.tenant_name, role: p.role, account_exists }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
    /// A new password (new person), or the account's current password (existing person).
    pub password: String,
    /// The name shown to others (new person only; defaults to the e-mail's local part).
    pub display_name: Option<String>,
}

/// Accepts an invitation and opens a session in the school.
#[utoipa::path(operation_id = "invitations_accept", post, path = "/invitations/accept", tag = "users", request_body = AcceptInvitation,
    responses((status = 200, body = LoginAnswer), (status = 400), (status = 401), (status = 429)))]
async fn accept(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<AcceptInvitation>,
) -> AppResult<Response> {
    let invalid =
        || AppError::field("token", "Cette invitation n'est plus valide (déjà utilisée, expirée ou annulée).");
    let mut tx = state.pool.begin().await?;
    let p = pending(&mut tx, &body.token, true).await.map_err(|_| invalid())?;
    let email = Email::parse(&p.email).map_err(|_| invalid())?;
    let existing: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND erased_at IS NULL")
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let user = match existing {
        // An existing person proves who they are with their own password (limits apply).
        Some(_) => service::authenticate(&state, &meta, email.as_str(), body.password).await?,
        None => {
            check_new_password(&body.password).map_err(|e| AppError::field("password", e.to_string()))?;
            let hash = password::hash(body.password, state.settings.argon2_memory_kib).await?;
            let local = email.as_str().split('@').next().unwrap_or_default().to_owned();
            let name = body.display_name.filter(|n| !n.trim().is_empty()).unwrap_or(local);
            tenancy::ensure_user(&mut tx, &email, name.trim(), Some(&hash)).await?.0
        }
    };
    db::enter_tenant(&mut tx, p.tenant_id.into()).await?;
    let actor = Actor {
        tenant_id: p.tenant_id.into(),
        user_id: Some(user.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.map(|i| i.to_string()),
    };
    let member: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND active")
            .bind(p.tenant_id)
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
    check_may_join(member.as_deref(), p.role).map_err(|_| {
        AppError::field(
            "token",
            "Ce compte a déjà un autre rôle dans cette école : l'invitation ne peut pas s'y ajouter.",
        )
    })?;
    if member.is_none() {
        tenancy::add_membership(&mut tx, &actor, user, p.role).await?;
    }
    if let (Role::Guardian, Some(student)) = (p.role, p.student_id) {
        guardians::add(&mut tx, &actor, student, user.0).await?;
    } else if let Some(student) = p.student_id {
        crate::students::repo::link_user(&mut tx, actor.tenant_id, student, user.0).await.map_err(|e| {
            crate::error::on_constraint(
                e,
                &[("students_user_unique", "token", "Ce compte est déjà lié à un autre élève.")],
            )
        })?;
    }
    sqlx::query("UPDATE invitations SET accepted_at = now() WHERE id = $1").bind(p.id).execute(&mut *tx).await?;
    let change =
        Change { action: "invitation.accept", entity: "invitation", entity_id: Some(p.id), before: None, after: None };
    audit::record(&mut tx, &actor, change).await?;
    // A person with 2FA on proves the second factor too, as at any login: the membership is
    // added, and the session opens at `POST /auth/login/2fa`.
    if existing.is_some() && two_factor::enabled(&mut tx, user).await? {
        let challenge = two_factor::open_challenge(&mut tx, user).await?;
        tx.commit().await?;
        return Ok(second_factor_response(&state, &challenge));
    }
    tx.commit().await?;
    let opened = service::open_after_invitation(&state, &meta, user, p.tenant_id.into(), p.role).await?;
    Ok(opened_response(&state, opened))
}
