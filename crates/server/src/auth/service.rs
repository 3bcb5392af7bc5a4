//! Login, sessions and passwords: the rules, each in one transaction.

use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    email::Email,
    ids::{TenantId, UserId},
    password::check_new_password,
    role::Role,
};

use super::{
    Ctx, Persona, RequestMeta, guardians, limiter, passkeys, password, persona,
    session::{self, NewSession},
    two_factor,
};
use crate::{
    audit::{self, Actor, Change},
    error::{AppError, AppResult},
    mail::{self, OutgoingMail},
    state::AppState,
};

pub const BAD_CREDENTIALS: &str = "Adresse e-mail ou mot de passe incorrect.";
const RESET_TTL_MINUTES: f64 = 60.0;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: Uuid,
    pub name: String,
    /// The school's short name in addresses (its public site is at `/sites/{slug}/`).
    pub slug: String,
    /// IANA time zone of the school (local times are computed in it).
    pub timezone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub role: Role,
}

/// The answer of login, switch-tenant, invitation accept and `GET /me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: UserView,
    pub role: Role,
    pub tenant: TenantView,
    pub memberships: Vec<MembershipView>,
    pub csrf_token: String,
    /// The instructor record linked to this account (INSTRUCTOR role).
    pub instructor_id: Option<Uuid>,
    /// The student record linked to this account (STUDENT role), or the child a GUARDIAN
    /// follows now.
    pub student_id: Option<Uuid>,
    /// The children a GUARDIAN follows, by name (switch with `POST /auth/switch-child`); absent
    /// for the other roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<guardians::Child>,
    /// The demo's mailbox (`/demo/mails`) is open: a local profile, never production.
    pub demo_mails: bool,
    /// The person logs in with a second factor (an authenticator app).
    pub two_factor_enabled: bool,
}

/// A session just opened: what to answer, and the cookie to set.
pub struct Opened {
    pub view: SessionView,
    pub cookie: String,
}

/// The active memberships of a person, in schools that are not suspended (oldest first).
pub async fn memberships_of(conn: &mut PgConnection, user: UserId) -> Result<Vec<MembershipView>, sqlx::Error> {
    crate::db::enter_user(conn, user).await?;
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT m.tenant_id, t.name, m.role
           FROM memberships m JOIN tenants t ON t.id = m.tenant_id
          WHERE m.user_id = $1 AND m.active AND t.suspended_at IS NULL
          ORDER BY m.created_at, t.name",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(tenant_id, tenant_name, role)| {
            let role = parse_role(&role)?;
            Ok(MembershipView { tenant_id, tenant_name, role })
        })
        .collect()
}

/// Roles come from a CHECK-constrained column; a bad one is a corrupt row.
pub fn parse_role(text: &str) -> Result<Role, sqlx::Error> {
    text.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Everything `GET /me` shows, for a session already open.
pub async fn session_view(
    state: &AppState,
    user: UserId,
    tenant: TenantId,
    role: Role,
    csrf: String,
    child: Option<Uuid>,
) -> AppResult<SessionView> {
    let mut tx = state.pool.begin().await?;
    let memberships = memberships_of(&mut tx, user).await?;
    let two_factor_enabled = two_factor::enabled(&mut tx, user).await?;
    let (email, display_name) = contact_of(&mut tx, user).await?;
    let (name, slug, timezone): (String, String, String) =
        sqlx::query_as("SELECT name, slug, timezone FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_one(&mut *tx)
            .await?;
    crate::db::enter_tenant(&mut tx, tenant).await?;
    let Persona { instructor_id, student_id } = persona(&mut tx, tenant, user).await?;
    let (children, student_id) = if role == Role::Guardian {
        let children = guardians::children(&mut tx, tenant, user).await?;
        let followed = guardians::followed(&children, child);
        (children, followed)
    } else {
        (vec![], student_id)
    };
    tx.commit().await?;
    Ok(SessionView {
        user: UserView { id: user.0, email, display_name },
        role,
        tenant: TenantView { id: tenant.0, name, slug, timezone },
        memberships,
        csrf_token: csrf,
        instructor_id,
        student_id,
        children,
        demo_mails: state.settings.profile.is_local(),
        two_factor_enabled,
    })
}

/// Opens a session in `tenant` (a new id every time: rotation), revoking the cookie the request
/// came with, and audits it in that school.
async fn open_session(state: &AppState, new: NewSession<'_>, action: &str) -> AppResult<Opened> {
    let NewSession { user, tenant, role, meta, .. } = new;
    let mut tx = state.pool.begin().await?;
    if let Some(old) = &meta.session_cookie {
        session::revoke(&mut tx, &session::token_hash(old)).await?;
    }
    if action != SWITCH_IN {
        warn_of_a_new_device(&mut tx, user, meta).await?;
    }
    let (cookie, csrf) = session::create(&mut tx, &state.settings, &new).await?;
    sqlx::query("UPDATE users SET last_login_at = now() WHERE id = $1").bind(user.0).execute(&mut *tx).await?;
    crate::db::enter_tenant(&mut tx, tenant).await?;
    let actor = Actor {
        tenant_id: tenant,
        user_id: Some(user.0),
        request_id: meta.request_id.clone(),
        ip: meta.ip.map(|i| i.to_string()),
    };
    let change = Change { action, entity: "user", entity_id: Some(user.0), before: None, after: None };
    audit::record(&mut tx, &actor, change).await?;
    tx.commit().await?;
    let view = session_view(state, user, tenant, role, csrf, None).await?;
    Ok(Opened { view, cookie })
}

const SWITCH_IN: &str = "session.switch_in";

/// Mails the person when a login comes from a device (browser and system) none of their earlier
/// sessions used: someone else may hold their password. A first login ever is no news.
async fn warn_of_a_new_device(conn: &mut PgConnection, user: UserId, meta: &RequestMeta) -> AppResult<()> {
    let device = volant_domain::device::label(meta.user_agent.as_deref());
    let known = session::devices_of(conn, user).await?;
    if known.is_empty() || known.contains(&device) {
        return Ok(());
    }
    let (email, name) = contact_of(conn, user).await?;
    let at = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y à %H:%M");
    let ip = meta.ip.map_or_else(|| "inconnue".to_owned(), |ip| ip.to_string());
    let text = format!(
        "Bonjour {name},\n\nUne connexion à votre compte Volant vient d'avoir lieu depuis un appareil \
         que vous n'aviez pas encore utilisé :\n\n- appareil : {device}\n- adresse : {ip}\n- le {at} (heure de Paris)\n\n\
         Si c'est vous, il n'y a rien à faire.\n\
         Sinon, changez votre mot de passe tout de suite, puis fermez cette session dans « Mon compte » \
         (Mes sessions) ; activez aussi la double authentification.\n\n— Volant"
    );
    let mail = OutgoingMail::text(email, "Nouvelle connexion à votre compte", text);
    mail::enqueue(conn, None, &mail).await?;
    Ok(())
}

/// Checks e-mail and password under the failed-login limits; the same 401 for an unknown
/// e-mail and a wrong password.
pub async fn authenticate(
    state: &AppState,
    meta: &RequestMeta,
    email: &str,
    password_text: String,
) -> AppResult<UserId> {
    let settings = &state.settings;
    let limits = login_limits(state, meta, email);
    limiter::check(&state.pool, settings, &limits).await?;
    let user: Option<(Uuid, Option<String>)> = match Email::parse(email) {
        Ok(e) => {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1 AND erased_at IS NULL")
                .bind(e.as_str())
                .fetch_optional(&state.pool)
                .await?
        }
        Err(_) => None,
    };
    let stored = user.as_ref().and_then(|(_, h)| h.clone());
    let ok = password::verify(password_text, stored, settings.argon2_memory_kib).await?;
    match user {
        Some((id, _)) if ok => Ok(id.into()),
        _ => {
            record_login_failure(state, &limits).await?;
            Err(AppError::Unauthorized(BAD_CREDENTIALS.into()))
        }
    }
}

/// The failed-login limits a login attempt counts against: its e-mail's and its address's. A
/// wrong second-factor code counts there too, so the code cannot be guessed beside the password.
pub fn login_limits(state: &AppState, meta: &RequestMeta, email: &str) -> Vec<(String, u32)> {
    let settings = &state.settings;
    let mut limits = vec![(limiter::email_key(email), settings.login_limit_per_email)];
    if let Some(k) = limiter::ip_key(meta.ip) {
        limits.push((k, settings.login_limit_per_ip));
    }
    limits
}

/// Counts a failed attempt (a password, a code, a passkey) under each of `limits`' keys.
pub async fn record_login_failure(state: &AppState, limits: &[(String, u32)]) -> AppResult<()> {
    let keys: Vec<String> = limits.iter().map(|(k, _)| k.clone()).collect();
    limiter::record_failure(&state.pool, state.settings.login_window, &keys).await
}

/// A person's e-mail and display name.
pub async fn contact_of(conn: &mut PgConnection, user: UserId) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1").bind(user.0).fetch_one(conn).await
}

/// What a right password opens: a session, or, with 2FA on, a pending login (its cookie value).
pub enum LoginOutcome {
    Opened(Box<Opened>),
    SecondFactorRequired { challenge: String },
}

pub async fn login(
    state: &AppState,
    meta: &RequestMeta,
    email: &str,
    password_text: String,
) -> AppResult<LoginOutcome> {
    let user = authenticate(state, meta, email, password_text).await?;
    let mut tx = state.pool.begin().await?;
    let first = first_membership(&mut tx, user).await?;
    if two_factor::enabled(&mut tx, user).await? {
        let challenge = two_factor::open_challenge(&mut tx, user).await?;
        tx.commit().await?;
        return Ok(LoginOutcome::SecondFactorRequired { challenge });
    }
    tx.commit().await?;
    limiter::clear(&state.pool, &limiter::email_key(email)).await?;
    let new = NewSession { user, tenant: first.tenant_id.into(), role: first.role, second_factor: false, meta };
    let opened = open_session(state, new, "session.login").await?;
    Ok(LoginOutcome::Opened(Box::new(opened)))
}

/// Starts a password-less login: the options for the browser and the ceremony that names them.
pub async fn start_passkey_login(state: &AppState) -> AppResult<(serde_json::Value, String)> {
    let rp = passkeys::relying_party(&state.public_url)?;
    let mut tx = state.pool.begin().await?;
    let started = passkeys::start_login(&mut tx, &rp).await?;
    tx.commit().await?;
    Ok(started)
}

/// Opens a session with a passkey: two factors in one gesture (the device and its unlocking).
/// Refusals count against the address's login limit.
pub async fn login_with_passkey(
    state: &AppState,
    meta: &RequestMeta,
    ceremony: &str,
    credential: serde_json::Value,
) -> AppResult<Opened> {
    let limits: Vec<(String, u32)> =
        limiter::ip_key(meta.ip).map(|k| (k, state.settings.login_limit_per_ip)).into_iter().collect();
    limiter::check(&state.pool, &state.settings, &limits).await?;
    let rp = passkeys::relying_party(&state.public_url)?;
    let ceremony = passkeys::take_login(&mut *state.pool.acquire().await?, ceremony).await?;
    let mut tx = state.pool.begin().await?;
    let user = match passkeys::finish_login(&mut tx, &rp, ceremony, credential).await {
        Ok(user) => user,
        Err(e) => {
            tx.rollback().await?;
            record_login_failure(state, &limits).await?;
            return Err(e);
        }
    };
    let first = first_membership(&mut tx, user).await?;
    tx.commit().await?;
    let new = NewSession { user, tenant: first.tenant_id.into(), role: first.role, second_factor: true, meta };
    open_session(state, new, "session.login_with_passkey").await
}

/// A person without an active membership cannot use Volant: same answer as a bad password.
async fn first_membership(conn: &mut PgConnection, user: UserId) -> AppResult<MembershipView> {
    let first = memberships_of(conn, user).await?.into_iter().next();
    first.ok_or_else(|| AppError::Unauthorized(BAD_CREDENTIALS.into()))
}

/// The second step of a login with 2FA on: the pending login's cookie and a code (authenticator
/// or recovery). A wrong code counts against the login limits; the pending login stays usable
/// until it expires or the limits are reached.
pub async fn login_second_factor(
    state: &AppState,
    meta: &RequestMeta,
    challenge: Option<&str>,
    code: &str,
) -> AppResult<Opened> {
    let expired = || AppError::Unauthorized(two_factor::CHALLENGE_EXPIRED.into());
    let challenge = challenge.ok_or_else(expired)?;
    let mut tx = state.pool.begin().await?;
    let (user, email) = two_factor::challenged(&mut tx, challenge).await?.ok_or_else(expired)?;
    let limits = login_limits(state, meta, &email);
    limiter::check(&state.pool, &state.settings, &limits).await?;
    let Some(factor) = two_factor::spend(&mut tx, &state.settings, user, code).await? else {
        tx.rollback().await?;
        record_login_failure(state, &limits).await?;
        return Err(AppError::Unauthorized(two_factor::WRONG_CODE.into()));
    };
    two_factor::close_challenge(&mut tx, challenge).await?;
    let first = first_membership(&mut tx, user).await?;
    tx.commit().await?;
    limiter::clear(&state.pool, &limiter::email_key(&email)).await?;
    let action = match factor {
        two_factor::Factor::Authenticator => "session.login",
        two_factor::Factor::RecoveryCode => "session.login_with_recovery_code",
    };
    let new = NewSession { user, tenant: first.tenant_id.into(), role: first.role, second_factor: true, meta };
    open_session(state, new, action).await
}

pub async fn switch_tenant(state: &AppState, ctx: &Ctx, tenant: Uuid) -> AppResult<Opened> {
    let mut tx = state.pool.begin().await?;
    let target = memberships_of(&mut tx, ctx.user_id).await?.into_iter().find(|m| m.tenant_id == tenant);
    tx.commit().await?;
    let m = target.ok_or(AppError::NotFound)?;
    let mut meta = ctx.meta.clone();
    meta.session_cookie = None;
    let new = NewSession {
        user: ctx.user_id,
        tenant: m.tenant_id.into(),
        role: m.role,
        second_factor: ctx.second_factor,
        meta: &meta,
    };
    let opened = open_session(state, new, SWITCH_IN).await?;
    let mut tx = state.pool.begin().await?;
    session::revoke(&mut tx, &ctx.session_hash).await?;
    tx.commit().await?;
    Ok(opened)
}

pub async fn logout(state: &AppState, ctx: &Ctx) -> AppResult<()> {
    let mut tx = state.pool.begin().await?;
    session::revoke(&mut tx, &ctx.session_hash).await?;
    tx.commit().await?;
    Ok(())
}

fn weak(e: volant_domain::password::WeakPassword, field: &str) -> AppError {
    AppError::field(field, e.to_string())
}

/// Changes the password and revokes the person's other sessions.
pub async fn change_password(state: &AppState, ctx: &Ctx, current: String, new: String) -> AppResult<()> {
    check_new_password(&new).map_err(|e| weak(e, "new_password"))?;
    let stored: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(ctx.user_id.0)
        .fetch_one(&state.pool)
        .await?;
    if !password::verify(current, stored, state.settings.argon2_memory_kib).await? {
        return Err(AppError::field("current_password", "Le mot de passe actuel est incorrect."));
    }
    let hash = password::hash(new, state.settings.argon2_memory_kib).await?;
    let mut tx = crate::db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    set_password(&mut tx, ctx.user_id, &hash).await?;
    session::revoke_all_for_user(&mut tx, ctx.user_id, Some(&ctx.session_hash)).await?;
    let change = Change {
        action: "user.password_change",
        entity: "user",
        entity_id: Some(ctx.user_id.0),
        before: None,
        after: None,
    };
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

async fn set_password(conn: &mut PgConnection, user: UserId, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1")
        .bind(user.0)
        .bind(hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Sends a reset link when the e-mail belongs to someone; answers the same either way.
pub async fn forgot_password(state: &AppState, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let mut tx = state.pool.begin().await?;
    let user: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE email = $1 AND erased_at IS NULL")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((user_id, name)) = user else {
        return Ok(());
    };
    let token = session::random_token();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(mins => $3::int))",
    )
    .bind(session::token_hash(&token))
    .bind(user_id)
    .bind(RESET_TTL_MINUTES as i32)
    .execute(&mut *tx)
    .await?;
    let link = format!("{}/reinitialiser?token={token}", state.public_url);
    let text = format!(
        "Bonjour {name},\n\nVous avez demandé à réinitialiser votre mot de passe Volant.\n\
         Ouvrez ce lien dans l'heure pour choisir un nouveau mot de passe :\n\n{link}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe \
         reste inchangé.\n\n— Volant"
    );
    let mail = OutgoingMail::text(email.to_string(), "Réinitialisation de votre mot de passe", text);
    mail::enqueue(&mut tx, None, &mail).await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    Ok(())
}

/// Sets a new password from a single-use token (1 h), and revokes every session of the person.
pub async fn reset_password(state: &AppState, token: &str, new: String) -> AppResult<()> {
    check_new_password(&new).map_err(|e| weak(e, "password"))?;
    let hash = password::hash(new, state.settings.argon2_memory_kib).await?;
    let mut tx = state.pool.begin().await?;
    let user: Option<Uuid> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING user_id",
    )
    .bind(session::token_hash(token))
    .fetch_optional(&mut *tx)
    .await?;
    let user: UserId = user
        .ok_or_else(|| {
            AppError::field("token", "Ce lien n'est plus valide (déjà utilisé ou expiré). Demandez-en un nouveau.")
        })?
        .into();
    set_password(&mut tx, user, &hash).await?;
    session::revoke_all_for_user(&mut tx, user, None).await?;
    // Audit in every school of the person: each school's log tells its own story.
    for m in memberships_of(&mut tx, user).await? {
        crate::db::enter_tenant(&mut tx, m.tenant_id.into()).await?;
        let change = Change {
            action: "user.password_reset",
            entity: "user",
            entity_id: Some(user.0),
            before: None,
            after: None,
        };
        let actor = Actor { tenant_id: m.tenant_id.into(), user_id: Some(user.0), request_id: None, ip: None };
        audit::record(&mut tx, &actor, change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Opens a session right after an invitation was accepted.
pub async fn open_after_invitation(
    state: &AppState,
    meta: &RequestMeta,
    user: UserId,
    tenant: TenantId,
    role: Role,
) -> AppResult<Opened> {
    // Only a person without 2FA gets here (see `invitations::accept`).
    open_session(state, NewSession { user, tenant, role, second_factor: false, meta }, "session.login").await
}

/// Makes a guardian's session follow another of their children (404 for any other student).
pub async fn switch_child(state: &AppState, ctx: &Ctx, child: Uuid) -> AppResult<SessionView> {
    let mut tx = crate::db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let children = guardians::children(&mut tx, ctx.tenant_id, ctx.user_id).await?;
    if !children.iter().any(|c| c.id == child) {
        return Err(AppError::NotFound);
    }
    guardians::follow(&mut tx, &ctx.session_hash, child).await?;
    let change =
        Change { action: "session.switch_child", entity: "student", entity_id: Some(child), before: None, after: None };
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    session_view(state, ctx.user_id, ctx.tenant_id, ctx.role, ctx.csrf_token.clone(), Some(child)).await
}
