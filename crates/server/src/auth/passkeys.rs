//! Passkeys (WebAuthn) for a password-less login that is itself two factors: the device the key
//! lives on, and the fingerprint, face or PIN that unlocks it (user verification is required). The
//! browser's own dialogs do the rest. A session opened with a passkey counts as opened with a
//! second factor (ADR 0007).
//!
//! The relying party is the host of `VOLANT_PUBLIC_URL`. Browsers refuse an IP address as a
//! relying party, so a server reached on a loopback address (the demo, the tests) is `localhost`.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::UserId;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Webauthn, WebauthnBuilder,
};

use super::session::{random_token, token_hash};
use crate::{
    db,
    error::{AppError, AppResult},
};

/// Seconds a browser has to answer a ceremony (the dialogs included).
const CEREMONY_SECS: f64 = 300.0;
const RP_NAME: &str = "Volant";

pub const REFUSED: &str =
    "La clé d'accès n'a pas pu être vérifiée : recommencez, ou connectez-vous avec votre mot de passe.";

/// The relying party for the address users reach.
pub fn relying_party(public_url: &str) -> AppResult<Webauthn> {
    let misconfigured = |what: String| AppError::Internal(anyhow::anyhow!("passkeys: {what}"));
    let origin = Url::parse(public_url).map_err(|e| misconfigured(format!("VOLANT_PUBLIC_URL: {e}")))?;
    let host = origin.host_str().unwrap_or("localhost").to_owned();
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let rp_id = if loopback { "localhost".to_owned() } else { host };
    let mut local = origin.clone();
    if loopback {
        local.set_host(Some("localhost")).map_err(|e| misconfigured(e.to_string()))?;
    }
    let mut builder = WebauthnBuilder::new(&rp_id, &local).map_err(|e| misconfigured(e.to_string()))?.rp_name(RP_NAME);
    if loopback {
        builder = builder.append_allowed_origin(&origin);
    }
    builder.build().map_err(|e| misconfigured(e.to_string()))
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.into()))
}

fn refused() -> AppError {
    AppError::rule("passkey_refused", REFUSED)
}

/// Keeps the server's half of a ceremony; returns the token that names it.
async fn keep_ceremony(conn: &mut PgConnection, user: Option<UserId>, state: &Value) -> AppResult<String> {
    let token = random_token();
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at < now()").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (id_hash, user_id, state, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
    )
    .bind(token_hash(&token))
    .bind(user.map(|u| u.0))
    .bind(state)
    .bind(CEREMONY_SECS)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Takes (and deletes) a live ceremony of `user` (or of a login when `None`). Call it outside the
/// transaction that checks the answer: a refused answer must still spend its ceremony.
async fn take_ceremony<T: serde::de::DeserializeOwned>(
    conn: &mut PgConnection,
    token: &str,
    user: Option<UserId>,
) -> AppResult<T> {
    let state: Option<Value> = sqlx::query_scalar(
        "DELETE FROM webauthn_ceremonies
          WHERE id_hash = $1 AND expires_at > now() AND user_id IS NOT DISTINCT FROM $2
          RETURNING state",
    )
    .bind(token_hash(token))
    .bind(user.map(|u| u.0))
    .fetch_optional(conn)
    .await?;
    let state = state
        .ok_or_else(|| AppError::rule("passkey_expired", "Le délai est dépassé : recommencez depuis le début."))?;
    serde_json::from_value(state).map_err(|e| AppError::Internal(e.into()))
}

/// The person's passkeys, as stored (the transaction acts for them).
async fn stored(conn: &mut PgConnection, user: UserId) -> AppResult<Vec<(Uuid, Passkey)>> {
    db::enter_user(conn, user).await?;
    let rows: Vec<(Uuid, Value)> = sqlx::query_as("SELECT id, passkey FROM user_passkeys WHERE user_id = $1")
        .bind(user.0)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|(id, v)| Ok((id, serde_json::from_value(v).map_err(|e| AppError::Internal(e.into()))?)))
        .collect()
}

/// Starts adding a passkey: the options for `navigator.credentials.create` and the ceremony.
pub async fn start_registration(
    conn: &mut PgConnection,
    rp: &Webauthn,
    user: UserId,
    email: &str,
    display_name: &str,
) -> AppResult<(Value, String)> {
    let exclude = stored(conn, user).await?.iter().map(|(_, p)| p.cred_id().clone()).collect();
    let (options, state) = rp
        .start_passkey_registration(user.0, email, display_name, Some(exclude))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("passkey registration: {e}")))?;
    let token = keep_ceremony(conn, Some(user), &json(&state)?).await?;
    Ok((discoverable(json(&options)?), token))
}

/// The library asks for a key the browser may not find by itself (`residentKey: discouraged`);
/// the login here only uses keys it finds (no e-mail typed), so the key must be discoverable.
fn discoverable(mut options: Value) -> Value {
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection").and_then(Value::as_object_mut) {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    options
}

/// A passkey the person has, as "Mon compte" lists it.
#[derive(Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PasskeyItem {
    pub id: Uuid,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A passkey's name, checked: 1 to 60 characters.
pub fn checked_name(name: &str) -> AppResult<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field(
            "name",
            "Donnez à cette clé un nom de 1 à 60 caractères (« Téléphone », « Ordinateur du bureau »).",
        ));
    }
    Ok(name)
}

/// The registration ceremony `token` of `user`, spent.
pub async fn take_registration(conn: &mut PgConnection, token: &str, user: UserId) -> AppResult<PasskeyRegistration> {
    take_ceremony(conn, token, Some(user)).await
}

/// The login ceremony `token`, spent.
pub async fn take_login(conn: &mut PgConnection, token: &str) -> AppResult<DiscoverableAuthentication> {
    take_ceremony(conn, token, None).await
}

/// Checks the browser's answer to `state` and stores the new passkey under `name` (checked).
pub async fn finish_registration(
    conn: &mut PgConnection,
    rp: &Webauthn,
    user: UserId,
    state: PasskeyRegistration,
    name: &str,
    credential: Value,
) -> AppResult<PasskeyItem> {
    let credential: RegisterPublicKeyCredential = serde_json::from_value(credential).map_err(|_| refused())?;
    let passkey = rp.finish_passkey_registration(&credential, &state).map_err(|_| refused())?;
    db::enter_user(conn, user).await?;
    let item: PasskeyItem = sqlx::query_as(
        "INSERT INTO user_passkeys (id, user_id, credential_id, name, passkey) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, created_at, last_used_at",
    )
    .bind(Uuid::now_v7())
    .bind(user.0)
    .bind(passkey.cred_id().as_ref())
    .bind(name)
    .bind(json(&passkey)?)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        crate::error::on_constraint(
            e,
            &[("user_passkeys_credential_unique", "credential", "Cette clé d'accès est déjà enregistrée.")],
        )
    })?;
    Ok(item)
}

pub async fn list(conn: &mut PgConnection, user: UserId) -> AppResult<Vec<PasskeyItem>> {
    db::enter_user(conn, user).await?;
    Ok(sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM user_passkeys WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await?)
}

/// Removes one of the person's passkeys; false when it is not theirs.
pub async fn remove(conn: &mut PgConnection, user: UserId, id: Uuid) -> AppResult<bool> {
    db::enter_user(conn, user).await?;
    let done = sqlx::query("DELETE FROM user_passkeys WHERE user_id = $1 AND id = $2")
        .bind(user.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Starts a login with a passkey the browser finds itself (no e-mail typed).
pub async fn start_login(conn: &mut PgConnection, rp: &Webauthn) -> AppResult<(Value, String)> {
    let (options, state) = rp
        .start_discoverable_authentication()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("passkey login: {e}")))?;
    let token = keep_ceremony(conn, None, &json(&state)?).await?;
    Ok((json(&options)?, token))
}

/// Checks the browser's answer to a login ceremony; answers the person it proves.
pub async fn finish_login(
    conn: &mut PgConnection,
    rp: &Webauthn,
    state: DiscoverableAuthentication,
    credential: Value,
) -> AppResult<UserId> {
    let credential: PublicKeyCredential = serde_json::from_value(credential).map_err(|_| refused())?;
    let (handle, credential_id) = rp.identify_discoverable_authentication(&credential).map_err(|_| refused())?;
    let user = UserId::from(handle);
    let (id, mut passkey) = stored(conn, user)
        .await?
        .into_iter()
        .find(|(_, p)| p.cred_id().as_ref() == credential_id)
        .ok_or_else(refused)?;
    let keys = [DiscoverableKey::from(&passkey)];
    let result = rp.finish_discoverable_authentication(&credential, state, &keys).map_err(|_| refused())?;
    // A counter that went backwards means a cloned key: webauthn-rs refuses it above.
    passkey.update_credential(&result);
    sqlx::query("UPDATE user_passkeys SET passkey = $2, last_used_at = now() WHERE id = $1")
        .bind(id)
        .bind(json(&passkey)?)
        .execute(conn)
        .await?;
    Ok(user)
}
