//! The second factor (SPEC § 6.11): a TOTP authenticator (RFC 6238), single-use recovery codes,
//! and the pending login between a right password and the code. Each function runs in the
//! caller's transaction and acts for one person (`db::enter_user`: the tables' row-level security
//! shows that person's rows only).

use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use utoipa::ToSchema;
use volant_domain::{ids::UserId, totp};

use super::session::{random_token, token_hash};
use crate::{
    config::Settings,
    db,
    error::{AppError, AppResult},
    sealed::{Purpose, Sealer},
};

/// The cookie of a pending login: HttpOnly, five minutes, sent to the auth endpoints only.
pub const CHALLENGE_COOKIE: &str = "volant_2fa";
const CHALLENGE_SECS: u64 = 300;
/// The issuer an authenticator app shows above the code.
const ISSUER: &str = "Volant";

pub const WRONG_CODE: &str = "Code incorrect ou déjà utilisé : saisissez le code à 6 chiffres affiché maintenant par votre application, ou un code de secours.";
pub const CHALLENGE_EXPIRED: &str =
    "Votre connexion a expiré : saisissez de nouveau votre adresse e-mail et votre mot de passe.";

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpSetup {
    /// The secret in base32, to type into an app that cannot scan.
    pub secret: String,
    /// The `otpauth://` address the QR code carries.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`, as an SVG document.
    pub qr_svg: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Shown once and stored hashed: each one replaces a code once.
    pub codes: Vec<String>,
}

/// Which second factor a login used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    Authenticator,
    RecoveryCode,
}

fn sealer(settings: &Settings) -> Sealer {
    Sealer::with_previous(&settings.secret_key, &settings.previous_secret_keys, Purpose::TotpSecret)
}

/// Whether `user` logs in with a second factor.
pub async fn enabled(conn: &mut PgConnection, user: UserId) -> Result<bool, sqlx::Error> {
    db::enter_user(conn, user).await?;
    sqlx::query_scalar("SELECT EXISTS (SELECT FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)")
        .bind(user.0)
        .fetch_one(conn)
        .await
}

fn already_enabled() -> AppError {
    AppError::Conflict {
        detail: "La double authentification est déjà activée.".into(),
        conflicts: serde_json::json!([]),
    }
}

/// A new secret for `user` (replacing one never confirmed), to scan then confirm with a code.
pub async fn begin_setup(
    conn: &mut PgConnection,
    settings: &Settings,
    user: UserId,
    email: &str,
) -> AppResult<TotpSetup> {
    if enabled(conn, user).await? {
        return Err(already_enabled());
    }
    let mut secret = [0u8; totp::SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    let sealed = sealer(settings).seal(&secret, user.0.as_bytes())?;
    sqlx::query(
        "INSERT INTO user_totp (user_id, sealed_secret) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET sealed_secret = EXCLUDED.sealed_secret, created_at = now(), last_used_step = NULL",
    )
    .bind(user.0)
    .bind(&sealed)
    .execute(&mut *conn)
    .await?;
    let otpauth_uri = totp::otpauth_uri(&secret, ISSUER, email);
    Ok(TotpSetup { secret: totp::base32(&secret), qr_svg: crate::http::qr_svg(&otpauth_uri)?, otpauth_uri })
}

/// Turns 2FA on with the first good code of the new secret; answers the recovery codes.
pub async fn confirm(
    conn: &mut PgConnection,
    settings: &Settings,
    user: UserId,
    code: &str,
) -> AppResult<RecoveryCodes> {
    db::enter_user(conn, user).await?;
    let row: Option<(Vec<u8>, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT sealed_secret, confirmed_at FROM user_totp WHERE user_id = $1 FOR UPDATE")
            .bind(user.0)
            .fetch_optional(&mut *conn)
            .await?;
    let sealed = match row {
        None => {
            return Err(AppError::rule(
                "two_factor_not_started",
                "Commencez par afficher le QR code à scanner avec votre application.",
            ));
        }
        Some((_, Some(_))) => return Err(already_enabled()),
        Some((sealed, None)) => sealed,
    };
    let secret = sealer(settings).open(&sealed, user.0.as_bytes())?;
    let Some(step) = totp::verify(&secret, code, Utc::now().timestamp(), None) else {
        return Err(AppError::field(
            "code",
            "Ce code ne correspond pas : vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant.",
        ));
    };
    sqlx::query("UPDATE user_totp SET confirmed_at = now(), last_used_step = $2 WHERE user_id = $1")
        .bind(user.0)
        .bind(step)
        .execute(&mut *conn)
        .await?;
    Ok(RecoveryCodes { codes: replace_recovery_codes(conn, user).await? })
}

/// New recovery codes for `user`; the previous ones stop working.
async fn replace_recovery_codes(conn: &mut PgConnection, user: UserId) -> Result<Vec<String>, sqlx::Error> {
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut random = [0u8; 10];
            rand::rng().fill_bytes(&mut random);
            totp::recovery_code(random)
        })
        .collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| recovery_hash(c)).collect();
    sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO user_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])")
        .bind(user.0)
        .bind(&hashes)
        .execute(&mut *conn)
        .await?;
    Ok(codes)
}

fn recovery_hash(code: &str) -> Vec<u8> {
    Sha256::digest(totp::normalise_recovery_code(code).as_bytes()).to_vec()
}

/// Checks a second factor and spends it: an authenticator code later than the last one used,
/// or an unused recovery code. The rows are locked, so two requests cannot spend one code.
pub async fn spend(
    conn: &mut PgConnection,
    settings: &Settings,
    user: UserId,
    typed: &str,
) -> AppResult<Option<Factor>> {
    db::enter_user(conn, user).await?;
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let row: Option<(Vec<u8>, Option<i64>)> = sqlx::query_as(
            "SELECT sealed_secret, last_used_step FROM user_totp
              WHERE user_id = $1 AND confirmed_at IS NOT NULL FOR UPDATE",
        )
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((sealed, last_used)) = row else { return Ok(None) };
        let secret = sealer(settings).open(&sealed, user.0.as_bytes())?;
        let Some(step) = totp::verify(&secret, &digits, Utc::now().timestamp(), last_used) else {
            return Ok(None);
        };
        sqlx::query("UPDATE user_totp SET last_used_step = $2 WHERE user_id = $1")
            .bind(user.0)
            .bind(step)
            .execute(&mut *conn)
            .await?;
        return Ok(Some(Factor::Authenticator));
    }
    let spent = sqlx::query(
        "UPDATE user_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user.0)
    .bind(recovery_hash(typed))
    .execute(&mut *conn)
    .await?;
    Ok((spent.rows_affected() == 1).then_some(Factor::RecoveryCode))
}

/// Turns 2FA off: the secret and the recovery codes are deleted.
pub async fn remove(conn: &mut PgConnection, user: UserId) -> Result<(), sqlx::Error> {
    db::enter_user(conn, user).await?;
    sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM user_totp WHERE user_id = $1").bind(user.0).execute(&mut *conn).await?;
    Ok(())
}

/// A pending login for `user` (one per person: a newer one replaces it); returns the cookie value.
pub async fn open_challenge(conn: &mut PgConnection, user: UserId) -> Result<String, sqlx::Error> {
    let token = random_token();
    sqlx::query("DELETE FROM login_challenges WHERE user_id = $1 OR expires_at < now()")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO login_challenges (id_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))",
    )
    .bind(token_hash(&token))
    .bind(user.0)
    .bind(CHALLENGE_SECS as f64)
    .execute(conn)
    .await?;
    Ok(token)
}

/// The person and e-mail of a live pending login, locked until the transaction ends.
pub async fn challenged(conn: &mut PgConnection, token: &str) -> Result<Option<(UserId, String)>, sqlx::Error> {
    let row: Option<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT c.user_id, u.email FROM login_challenges c JOIN users u ON u.id = c.user_id
          WHERE c.id_hash = $1 AND c.expires_at > now() FOR UPDATE OF c",
    )
    .bind(token_hash(token))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(user, email)| (user.into(), email)))
}

pub async fn close_challenge(conn: &mut PgConnection, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_challenges WHERE id_hash = $1").bind(token_hash(token)).execute(conn).await?;
    Ok(())
}

/// The pending-login cookie; `None` clears it.
pub fn challenge_cookie(settings: &Settings, value: Option<&str>) -> HeaderValue {
    let secure = if settings.cookie_secure { "; Secure" } else { "" };
    let (value, max_age) = value.map_or(("", 0), |v| (v, CHALLENGE_SECS));
    let text =
        format!("{CHALLENGE_COOKIE}={value}; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

/// Seals every authenticator secret again under the current key (a rotation of
/// `VOLANT_SECRET_KEY`; see `connectors::service::rotate_secrets`). Returns how many.
pub async fn reseal_all(pool: &sqlx::PgPool, settings: &Settings) -> anyhow::Result<usize> {
    let sealer = sealer(settings);
    let users: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM users").fetch_all(pool).await?;
    let mut count = 0;
    for user in users.into_iter().map(UserId) {
        let mut tx = pool.begin().await?;
        db::enter_user(&mut tx, user).await?;
        let sealed: Option<Vec<u8>> = sqlx::query_scalar("SELECT sealed_secret FROM user_totp WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(sealed) = sealed {
            let secret = sealer.open(&sealed, user.0.as_bytes())?;
            sqlx::query("UPDATE user_totp SET sealed_secret = $2 WHERE user_id = $1")
                .bind(user.0)
                .bind(sealer.seal(&secret, user.0.as_bytes())?)
                .execute(&mut *tx)
                .await?;
            count += 1;
        }
        tx.commit().await?;
    }
    Ok(count)
}
