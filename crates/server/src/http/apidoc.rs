//! Completes the generated OpenAPI document where the annotations cannot say the whole truth,
//! so that the document stays "complete and true" (checked by schema-based fuzzing, see
//! `docs/reliability.md`):
//!
//! - a PATCH body (`XUpdate`, written in Rust as `#[serde(flatten)] X` plus `version`) is a JSON
//!   merge patch: every field of `X` is optional and only `version` is required. The derived
//!   `allOf: [X, {version}]` would require `X`'s required fields and, with `X`'s
//!   `additionalProperties: false`, forbid `version` itself: no body could satisfy it.
//! - the answers of the HTTP edge that every operation of a kind can give: a body that is not
//!   JSON or not valid (400), too large (413) or of another type (415); a query string that does
//!   not parse (400).
//! - every error answer is `application/problem+json` with the `Problem` schema.

use serde_json::{Map, Value, json};

/// The document with the additions above. The parts are edited as JSON and read back one by
/// one (utoipa cannot read back a whole document that has free-form `{}` schemas); a part that
/// does not read back stays as it was, and the tests below would notice.
pub fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    if let Some(components) = doc.components.as_mut() {
        let mut schemas: Map<String, Value> = components
            .schemas
            .iter()
            .filter_map(|(name, schema)| Some((name.clone(), serde_json::to_value(schema).ok()?)))
            .collect();
        for (name, schema) in flatten_patch_bodies(&mut schemas) {
            if let Ok(schema) = serde_json::from_value(schema) {
                components.schemas.insert(name, schema);
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        let Ok(mut value) = serde_json::to_value(&*item) else {
            continue;
        };
        document_edge_answers(&mut value);
        if let Ok(completed) = serde_json::from_value(value) {
            *item = completed;
        }
    }
    doc
}

/// The new `XUpdate` schemas.
fn flatten_patch_bodies(schemas: &mut Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = vec![];
    let names: Vec<String> = schemas.keys().filter(|k| k.ends_with("Update")).cloned().collect();
    for name in names {
        let Some(all_of) = schemas.get(&name).and_then(|s| s.get("allOf")).and_then(Value::as_array) else {
            continue;
        };
        let mut base = None;
        let mut extra = Map::new();
        for part in all_of {
            if let Some(reference) = part.get("$ref").and_then(Value::as_str) {
                base = reference.strip_prefix("#/components/schemas/").map(str::to_owned);
            } else if let Some(props) = part.get("properties").and_then(Value::as_object) {
                extra.extend(props.clone());
            }
        }
        let Some(base) = base.and_then(|b| schemas.get(&b)) else {
            continue;
        };
        if !extra.contains_key("version") {
            continue;
        }
        let mut properties = base.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        properties.extend(extra);
        let description = schemas.get(&name).and_then(|s| s.get("description")).cloned().unwrap_or_else(|| {
            json!("The PATCH body (a JSON merge patch): the fields to change, and the `version` read.")
        });
        let mut patch = json!({
            "type": "object",
            "description": description,
            "required": ["version"],
            "properties": properties,
        });
        if let Some(additional) = base.get("additionalProperties") {
            patch["additionalProperties"] = additional.clone();
        }
        out.push((name, patch));
    }
    out
}

/// Adds the edge's answers to the operations of one path item.
fn document_edge_answers(item: &mut Value) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    for (method, op) in item.iter_mut() {
        if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
            continue;
        }
        let has_body = op.get("requestBody").is_some();
        let has_query = op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p.get("in").and_then(Value::as_str) == Some("query")));
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut add = |status: &str, description: &str| {
            responses.entry(status).or_insert_with(|| json!({ "description": description }));
        };
        if has_body || has_query {
            add("400", "Invalid input");
        }
        if has_body {
            add("413", "Body too large");
            add("415", "Unsupported content type");
        }
        for (status, response) in responses.iter_mut() {
            let is_error = status.starts_with('4') || status.starts_with('5');
            if is_error && response.get("content").is_none() {
                response["content"] = json!({
                    crate::error::PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_bodies_require_only_the_version() {
        let doc = serde_json::to_value(complete(crate::http::openapi_raw())).unwrap_or_default();
        let vehicle = &doc["components"]["schemas"]["VehicleUpdate"];
        assert_eq!(vehicle["required"], json!(["version"]), "{vehicle}");
        assert!(vehicle["properties"]["plate"].is_object());
        assert!(vehicle["properties"]["version"].is_object());
        assert_eq!(vehicle["additionalProperties"], json!(false));
        assert!(vehicle.get("allOf").is_none());
    }

    #[test]
    fn every_error_answer_is_a_problem_and_bodies_may_be_refused() {
        let doc = serde_json::to_value(complete(crate::http::openapi_raw())).unwrap_or_default();
        let login = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
        for status in ["400", "401", "413", "415", "429"] {
            let schema = &login[status]["content"]["application/problem+json"]["schema"]["$ref"];
            assert_eq!(schema, "#/components/schemas/Problem", "{status}: {login}");
        }
        let users = &doc["paths"]["/api/v1/users"]["get"]["responses"];
        assert!(users["400"].is_object(), "a list with a query answers 400 to a bad one");
    }
}
