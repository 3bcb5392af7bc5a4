//! Argon2id password hashing, off the async runtime (a hash takes tens of milliseconds of CPU).

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::AppError;

fn hasher(memory_kib: u32) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(memory_kib, 2, 1, None).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string (`$argon2id$v=19$m=…`), salted.
pub async fn hash(password: String, memory_kib: u32) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let h = hasher(memory_kib)?;
        h.hash_password(password.as_bytes())
            .map(|p| p.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// Checks a password against a stored PHC string. With no stored hash (unknown e-mail), a
/// dummy hash is checked anyway so that both cases take the same time.
pub async fn verify(password: String, stored: Option<String>, memory_kib: u32) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let h = hasher(memory_kib)?;
        let dummy;
        let phc = match &stored {
            Some(s) => s.as_str(),
            None => {
                dummy = h
                    .hash_password(b"volant-timing-equaliser")
                    .map(|p| p.to_string())
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
                dummy.as_str()
            }
        };
        let parsed = PasswordHash::new(phc).map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored hash: {e}")))?;
        Ok(stored.is_some() && h.verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}
