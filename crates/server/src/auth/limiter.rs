//! Failed-login limits, per submitted e-mail (whether the account exists or not) and per client
//! address. The state is in PostgreSQL, so every server instance sees the same counts.

use std::time::Duration;

use sqlx::PgPool;

use crate::{config::Settings, error::AppError};

pub fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

pub fn ip_key(ip: Option<std::net::IpAddr>) -> Option<String> {
    ip.map(|ip| format!("ip:{ip}"))
}

/// 429 with the seconds until the oldest failure in the window expires, when a key is at its limit.
pub async fn check(pool: &PgPool, settings: &Settings, keys: &[(String, u32)]) -> Result<(), AppError> {
    let window = settings.login_window.as_secs_f64();
    for (key, limit) in keys {
        let (count, retry_after): (i64, Option<f64>) = sqlx::query_as(
            "SELECT count(*), extract(epoch FROM min(at) + make_interval(secs => $2) - now())::float8
               FROM login_failures WHERE key = $1 AND at > now() - make_interval(secs => $2)",
        )
        .bind(key)
        .bind(window)
        .fetch_one(pool)
        .await?;
        if count >= i64::from(*limit) {
            let secs = retry_after.unwrap_or(window).ceil().max(1.0) as u64;
            return Err(AppError::TooManyRequests { retry_after_secs: secs });
        }
    }
    Ok(())
}

/// Records a failure under each key, and forgets failures older than the window.
pub async fn record_failure(pool: &PgPool, window: Duration, keys: &[String]) -> Result<(), AppError> {
    sqlx::query("INSERT INTO login_failures (key) SELECT unnest($1::text[])").bind(keys).execute(pool).await?;
    sqlx::query("DELETE FROM login_failures WHERE key = ANY($1) AND at < now() - make_interval(secs => $2)")
        .bind(keys)
        .bind(window.as_secs_f64())
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful login clears the failures of that e-mail (not those of the address).
pub async fn clear(pool: &PgPool, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(pool).await?;
    Ok(())
}
