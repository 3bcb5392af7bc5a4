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
    if version != Some(i64::from(current_version)) {
        let current = serde_json::to_value(current_view).unwrap_or(Value::Null);
        return Err(AppError::StaleVersion { current });
    }
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
