//! PATCH with optimistic concurrency: the body is a JSON merge patch (RFC 7396: a key sets,
//! `null` clears, an absent key keeps) plus the `version` the client read. The merged document is
//! then parsed and validated exactly like a creation, so both paths share one set of rules.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use super::json::{JsonBody, parse_json};
use crate::error::AppError;

/// Checks `version` against the current one (412 with the current state when stale) and returns
/// the current input with the patch applied, parsed as `T`.
pub fn apply<T: DeserializeOwned>(
    current_input: &impl Serialize,
    current_version: i32,
    current_view: &impl Serialize,
    body: &JsonBody,
) -> Result<T, AppError> {
    let patch: Map<String, Value> = body.parse()?;
    let version = match patch.get("version") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => {
            return Err(AppError::field("version", "La version doit être un nombre entier."));
        }
        None => return Err(AppError::field("version", "Ce champ est obligatoire.")),
    };
    expect_version(version, current_version, current_view)?;
    let mut merged = serde_json::to_value(current_input).map_err(|e| AppError::Internal(e.into()))?;
    if let Value::Object(target) = &mut merged {
        for (k, v) in patch {
            if k != "version" {
                target.insert(k, v);
            }
        }
    }
    parse_json(&serde_json::to_vec(&merged).map_err(|e| AppError::Internal(e.into()))?)
}

/// The one optimistic-concurrency check: the `version` the client read must be the current one,
/// else 412 with the current state (what the client needs to merge and retry).
pub fn expect_version(sent: Option<i64>, current_version: i32, current_view: &impl Serialize) -> Result<(), AppError> {
    if sent == Some(i64::from(current_version)) {
        return Ok(());
    }
    let current = serde_json::to_value(current_view).unwrap_or(Value::Null);
    Err(AppError::StaleVersion { current })
}
