//! The list convention: `limit` (default 50, at most 200), an opaque `cursor`, and
//! `{"items": [...], "next_cursor": null | "..."}`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The page size asked for, bounded.
pub fn limit(asked: Option<i64>) -> Result<i64, AppError> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field("limit", "La taille de page doit être comprise entre 1 et 200.")),
    }
}

/// Encodes a position (whatever the endpoint sorts by) as an opaque cursor.
pub fn encode_cursor(position: &impl Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

pub fn decode_cursor<P: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<P>, AppError> {
    let bad = || AppError::field("cursor", "Ce curseur de pagination n'est pas valide.");
    cursor
        .map(|c| {
            let bytes = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
            serde_json::from_slice(&bytes).map_err(|_| bad())
        })
        .transpose()
}

/// Builds the page from `limit + 1` fetched rows: the extra row only says there is more.
pub fn paginate<T, P: Serialize>(mut rows: Vec<T>, limit: i64, position: impl Fn(&T) -> P) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more { rows.last().map(|r| encode_cursor(&position(r))) } else { None };
    Page { items: rows, next_cursor }
}
