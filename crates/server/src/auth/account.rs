//! "Mon compte › Sécurité": a person's second factor and sessions. Each change is audited in the
//! school the person is acting in, in the same transaction.

use uuid::Uuid;

use super::{
    Ctx, limiter,
    passkeys::{self, PasskeyItem},
    password,
    service::{contact_of, login_limits, record_login_failure},
    session::{self, SessionItem},
    two_factor::{self, RecoveryCodes, TotpSetup},
};
use crate::{
    audit::{self, Change},
    db,
    error::{AppError, AppResult},
    state::AppState,
};

async fn audit_security_event(conn: &mut sqlx::PgConnection, ctx: &Ctx, action: &str) -> AppResult<()> {
    let change = Change { action, entity: "user", entity_id: Some(ctx.user_id.0), before: None, after: None };
    audit::record(conn, &ctx.actor(), change).await?;
    Ok(())
}

pub async fn begin_totp_setup(state: &AppState, ctx: &Ctx) -> AppResult<TotpSetup> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let (email, _) = contact_of(&mut tx, ctx.user_id).await?;
    let setup = two_factor::begin_setup(&mut tx, &state.settings, ctx.user_id, &email).await?;
    tx.commit().await?;
    Ok(setup)
}

/// Turns 2FA on with a first good code; answers the recovery codes, shown once.
pub async fn confirm_totp(state: &AppState, ctx: &Ctx, code: &str) -> AppResult<RecoveryCodes> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let codes = two_factor::confirm(&mut tx, &state.settings, ctx.user_id, code).await?;
    // This session has just proved the authenticator: a school that requires 2FA lets it work.
    session::set_second_factor(&mut tx, ctx.user_id, Some(&ctx.session_hash), true).await?;
    audit_security_event(&mut tx, ctx, "user.two_factor_enabled").await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns 2FA off, with the password and a code (authenticator or recovery), under the login limits.
pub async fn disable_two_factor(state: &AppState, ctx: &Ctx, password_text: String, code: &str) -> AppResult<()> {
    let (email, stored): (String, Option<String>) =
        sqlx::query_as("SELECT email, password_hash FROM users WHERE id = $1")
            .bind(ctx.user_id.0)
            .fetch_one(&state.pool)
            .await?;
    let limits = login_limits(state, &ctx.meta, &email);
    limiter::check(&state.pool, &state.settings, &limits).await?;
    let failed = |field: &str, message: &str| AppError::field(field, message);
    if !password::verify(password_text, stored, state.settings.argon2_memory_kib).await? {
        record_login_failure(state, &limits).await?;
        return Err(failed("password", "Le mot de passe est incorrect."));
    }
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    if !two_factor::enabled(&mut tx, ctx.user_id).await? {
        return Err(AppError::rule("two_factor_off", "La double authentification n'est pas activée."));
    }
    if two_factor::spend(&mut tx, &state.settings, ctx.user_id, code).await?.is_none() {
        tx.rollback().await?;
        record_login_failure(state, &limits).await?;
        return Err(failed("code", two_factor::WRONG_CODE));
    }
    two_factor::remove(&mut tx, ctx.user_id).await?;
    session::set_second_factor(&mut tx, ctx.user_id, None, false).await?;
    audit_security_event(&mut tx, ctx, "user.two_factor_disabled").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn sessions(state: &AppState, ctx: &Ctx) -> AppResult<Vec<SessionItem>> {
    let mut conn = state.pool.acquire().await?;
    let idle = state.settings.session_idle.as_secs_f64();
    session::list_for_user(&mut conn, ctx.user_id, &ctx.session_hash, idle).await
}

/// Revokes one of the person's sessions (404 when it is not theirs or not live).
pub async fn revoke_session(state: &AppState, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    if !session::revoke_by_public_id(&mut tx, ctx.user_id, id).await? {
        return Err(AppError::NotFound);
    }
    audit_security_event(&mut tx, ctx, "session.revoked").await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes every session of the person but this one.
pub async fn revoke_other_sessions(state: &AppState, ctx: &Ctx) -> AppResult<()> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    session::revoke_all_for_user(&mut tx, ctx.user_id, Some(&ctx.session_hash)).await?;
    audit_security_event(&mut tx, ctx, "session.revoked_others").await?;
    tx.commit().await?;
    Ok(())
}

/// Starts adding a passkey: the options for the browser and the ceremony that names them.
pub async fn start_passkey_registration(state: &AppState, ctx: &Ctx) -> AppResult<(serde_json::Value, String)> {
    let rp = passkeys::relying_party(&state.public_url)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let (email, name) = contact_of(&mut tx, ctx.user_id).await?;
    let started = passkeys::start_registration(&mut tx, &rp, ctx.user_id, &email, &name).await?;
    tx.commit().await?;
    Ok(started)
}

pub async fn add_passkey(
    state: &AppState,
    ctx: &Ctx,
    ceremony: &str,
    name: &str,
    credential: serde_json::Value,
) -> AppResult<PasskeyItem> {
    let rp = passkeys::relying_party(&state.public_url)?;
    let name = passkeys::checked_name(name)?;
    let ceremony = passkeys::take_registration(&mut *state.pool.acquire().await?, ceremony, ctx.user_id).await?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let item = passkeys::finish_registration(&mut tx, &rp, ctx.user_id, ceremony, name, credential).await?;
    audit_security_event(&mut tx, ctx, "user.passkey_added").await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn passkey_list(state: &AppState, ctx: &Ctx) -> AppResult<Vec<PasskeyItem>> {
    let mut tx = state.pool.begin().await?;
    let items = passkeys::list(&mut tx, ctx.user_id).await?;
    tx.commit().await?;
    Ok(items)
}

/// Removes one of the person's passkeys (404 when it is not theirs).
pub async fn remove_passkey(state: &AppState, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    if !passkeys::remove(&mut tx, ctx.user_id, id).await? {
        return Err(AppError::NotFound);
    }
    audit_security_event(&mut tx, ctx, "user.passkey_removed").await?;
    tx.commit().await?;
    Ok(())
}
