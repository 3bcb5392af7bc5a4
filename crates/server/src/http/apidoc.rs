//! Completes the generated OpenAPI document where the annotations cannot say the whole truth,
//! so that the document stays "complete and true" (checked by schema-based fuzzing, see
//! `docs/reliability.md`) and valid (`openapi-spec-validator` and `redocly lint` in CI,
//! `cargo xtask openapi-lint`):
//!
//! - a PATCH body (`XUpdate`, written in Rust as `#[serde(flatten)] X` plus `version`) is a JSON
//!   merge patch: every field of `X` is optional and only `version` is required. The derived
//!   `allOf: [X, {version}]` would require `X`'s required fields and, with `X`'s
//!   `additionalProperties: false`, forbid `version` itself: no body could satisfy it.
//! - likewise any other `#[serde(flatten)] X` plus fields (`SettingsView`: the settings and their
//!   `version`): one object with the properties and required fields of both, instead of an
//!   `allOf` that `X`'s `additionalProperties: false` makes impossible.
//! - the answers of the HTTP edge that every operation of a kind can give: a body that is not
//!   JSON or not valid (400), too large (413) or of another type (415); a query string that does
//!   not parse (400).
//! - every answer has a description (OpenAPI requires one; `(status = 401)` gives none): a
//!   French one by status when the annotation has none.
//! - every error answer is `application/problem+json` with the `Problem` schema.
//! - links from the answers that hold a record (a creation, a list) to the operations on that
//!   record, so that the stateful phase of schemathesis chains them (create → read → update →
//!   action) on the records it made.
//! - how a caller authenticates: the session cookie, and the CSRF header on every change.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use utoipa::openapi::{
    RefOr, Server,
    security::{ApiKey, ApiKeyValue, SecurityScheme},
};

/// The prefix of every API path.
const API: &str = "/api/v1";

/// The operations that need no session (the others need the session cookie, and the CSRF
/// header unless they only read).
const PUBLIC: [&str; 11] = [
    "POST /auth/login",
    // The second step rides on the pending login's cookie, not on a session.
    "POST /auth/login/2fa",
    "POST /auth/passkey/options",
    "POST /auth/passkey",
    "POST /auth/password/forgot",
    "POST /auth/password/reset",
    "POST /invitations/accept",
    "GET /invitations/lookup",
    // A mail's one-click unsubscribe: the signed token in the path is the proof.
    "GET /unsubscribe/{token}",
    "POST /unsubscribe/{token}",
    // The payment provider's events: its signature is the proof.
    "POST /webhooks/payments/{provider}",
];

/// The security schemes' names in `components.securitySchemes`.
const SESSION: &str = "session";
const CSRF: &str = "csrf";

/// The description of an answer by its status, when its annotation gives none.
fn describe(status: &str) -> &'static str {
    match status {
        "200" => "Succès",
        "201" => "Créé",
        "202" => "Accepté",
        "204" => "Aucun contenu",
        "400" => "Requête invalide",
        "401" => "Non connecté",
        "403" => "Accès refusé",
        "404" => "Introuvable",
        "405" => "Méthode non autorisée",
        "409" => "Conflit",
        "412" => "Modification concurrente",
        "413" => "Corps de requête trop volumineux",
        "415" => "Type de contenu non pris en charge",
        "422" => "Action refusée",
        "429" => "Trop de tentatives",
        "500" => "Erreur interne",
        "503" => "Service indisponible",
        s if s.starts_with('2') => "Succès",
        s if s.starts_with('3') => "Redirection",
        s if s.starts_with('4') => "Requête refusée",
        _ => "Erreur du serveur",
    }
}

/// Records and the operations on them: the answer of `from` (`"METHOD /path"` under `/api/v1`)
/// with `status` holds a record at the JSON pointer `record` ("" for the whole body); each
/// operation of `to` takes the record's `id` as its `{id}`, and a PATCH also gets the record's
/// `version` merged into its body (else it would mostly be a 412).
const RECORDS: &[(&str, &str, &str, &[&str])] = &[
    ("POST /students", "201", "", STUDENT_OPS),
    ("GET /students", "200", "/items/0", STUDENT_OPS),
    ("POST /vehicles", "201", "", &["GET /vehicles/{id}", "PATCH /vehicles/{id}", "GET /vehicles/{id}/stats"]),
    ("GET /vehicles", "200", "/items/0", &["GET /vehicles/{id}", "PATCH /vehicles/{id}"]),
    ("POST /instructors", "201", "", INSTRUCTOR_OPS),
    ("GET /instructors", "200", "/items/0", INSTRUCTOR_OPS),
    ("POST /agencies", "201", "", &["GET /agencies/{id}", "PATCH /agencies/{id}"]),
    ("GET /agencies", "200", "/items/0", &["GET /agencies/{id}", "PATCH /agencies/{id}"]),
    ("POST /lessons", "201", "/lesson", LESSON_OPS),
    ("POST /lessons/{id}/duplicate", "201", "/lesson", LESSON_OPS),
    ("GET /lessons", "200", "/items/0", LESSON_OPS),
    ("POST /lesson-series", "201", "/series", &["PATCH /lesson-series/{id}", "DELETE /lesson-series/{id}"]),
    ("POST /exams", "201", "", &["GET /exams/{id}", "PATCH /exams/{id}"]),
    ("GET /exams", "200", "/items/0", &["GET /exams/{id}", "PATCH /exams/{id}"]),
    ("POST /exam-places", "201", "", &["GET /exam-places/{id}/candidates", "POST /exam-places/{id}/assign"]),
    ("POST /change-requests", "201", "", CHANGE_REQUEST_OPS),
    ("GET /change-requests", "200", "/items/0", CHANGE_REQUEST_OPS),
];
const STUDENT_OPS: &[&str] = &[
    "GET /students/{id}",
    "PATCH /students/{id}",
    "GET /students/{id}/hours",
    "POST /students/{id}/hours",
    "GET /students/{id}/history",
    "GET /students/{id}/booklet",
    "POST /students/{id}/booklet/evaluations",
    "POST /students/{id}/booklet/assessments",
    "GET /students/{id}/documents",
    "GET /students/{id}/eligibility",
    "POST /students/{id}/archive",
    "POST /students/{id}/restore",
    "POST /students/{id}/invite",
];
const INSTRUCTOR_OPS: &[&str] = &[
    "GET /instructors/{id}",
    "PATCH /instructors/{id}",
    "GET /instructors/{id}/availability",
    "POST /instructors/{id}/exceptions",
    "GET /instructors/{id}/stats",
];
const LESSON_OPS: &[&str] = &[
    "GET /lessons/{id}",
    "PATCH /lessons/{id}",
    "POST /lessons/{id}/cancel",
    "POST /lessons/{id}/complete",
    "POST /lessons/{id}/no-show",
    "POST /lessons/{id}/duplicate",
];
const CHANGE_REQUEST_OPS: &[&str] = &["POST /change-requests/{id}/approve", "POST /change-requests/{id}/reject"];

/// The other links: (from, status, to, parameters, body fields), values as runtime expressions.
type OtherLink = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);
const OTHER_LINKS: &[OtherLink] = &[
    (
        "GET /instructors/{id}/availability",
        "200",
        "PUT /instructors/{id}/availability",
        &[("id", "$request.path.id")],
        &[("version", "$response.body#/version")],
    ),
    (
        "POST /instructors/{id}/exceptions",
        "201",
        "DELETE /instructors/{id}/exceptions/{exception_id}",
        &[("id", "$request.path.id"), ("exception_id", "$response.body#/id")],
        &[],
    ),
    (
        "POST /students/{id}/documents",
        "201",
        "GET /students/{id}/documents/{doc_id}/file",
        &[("id", "$request.path.id"), ("doc_id", "$response.body#/id")],
        &[],
    ),
    ("POST /students", "201", "POST /exams", &[], &[("student_id", "$response.body#/id")]),
    ("POST /lessons", "201", "POST /change-requests", &[], &[("lesson_id", "$response.body#/lesson/id")]),
];

/// One link to add: the answer it leaves from, its name, and the Link object.
struct NewLink {
    from: String,
    status: &'static str,
    name: String,
    link: Value,
}

/// The links of `RECORDS` and `OTHER_LINKS` whose operations exist in the document (by
/// `"METHOD /api/v1/path"` → operation id), and the operations named there that do not.
fn links(ids: &BTreeMap<String, String>) -> (Vec<NewLink>, Vec<String>) {
    let mut out = vec![];
    let mut missing = vec![];
    let full = |op: &str| op.split_once(' ').map(|(m, p)| format!("{m} {API}{p}")).unwrap_or_default();
    let mut add =
        |from: &str, status: &'static str, to: &str, parameters: Map<String, Value>, body: Map<String, Value>| {
            let (from, to) = (full(from), full(to));
            for op in [&from, &to] {
                if !ids.contains_key(op) && !missing.contains(op) {
                    missing.push(op.clone());
                }
            }
            let Some(target) = ids.get(&to) else {
                return;
            };
            if !ids.contains_key(&from) {
                return;
            }
            let mut link = json!({ "operationId": target, "parameters": parameters });
            if !body.is_empty() {
                link["requestBody"] = Value::Object(body);
            }
            out.push(NewLink { from, status, name: target.clone(), link });
        };
    for (from, status, record, targets) in RECORDS {
        for to in *targets {
            let parameters = Map::from_iter([("id".to_owned(), json!(format!("$response.body#{record}/id")))]);
            let mut body = Map::new();
            if to.starts_with("PATCH ") {
                body.insert("version".to_owned(), json!(format!("$response.body#{record}/version")));
            }
            add(from, status, to, parameters, body);
        }
    }
    for (from, status, to, parameters, body) in OTHER_LINKS {
        let map = |pairs: &[(&str, &str)]| -> Map<String, Value> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect()
        };
        add(from, status, to, map(parameters), map(body));
    }
    (out, missing)
}

/// The methods of a path item that are operations.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The document with the additions above. The parts are edited as JSON and read back one by
/// one (utoipa cannot read back a whole document that has free-form `{}` schemas); a part that
/// does not read back stays as it was, and the tests below would notice.
pub fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    let schemas: Map<String, Value> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), serde_json::to_value(schema).ok()?)))
        .collect();
    for (name, schema) in flatten_all_ofs(&schemas) {
        if let Ok(schema) = serde_json::from_value(schema) {
            components.schemas.insert(name, schema);
        }
    }
    components.security_schemes.entry(SESSION.to_owned()).or_insert_with(|| {
        RefOr::T(SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "volant_session",
            "La session, ouverte par `POST /auth/login` (`__Host-volant_session` en préproduction et en production).",
        ))))
    });
    components.security_schemes.entry(CSRF.to_owned()).or_insert_with(|| {
        RefOr::T(SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "Le jeton `csrf_token` de la session, exigé sur toute requête qui change quelque chose.",
        ))))
    });
    if doc.servers.as_ref().is_none_or(Vec::is_empty) {
        doc.servers = Some(vec![Server::new("/")]);
    }
    let mut items: Vec<(String, Value)> = doc
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path.clone(), serde_json::to_value(item).ok()?)))
        .collect();
    let ids: BTreeMap<String, String> = items
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                let id = item.get(*method)?.get("operationId")?.as_str()?;
                Some((format!("{} {path}", method.to_uppercase()), id.to_owned()))
            })
        })
        .collect();
    let (new_links, _) = links(&ids);
    for (path, item) in &mut items {
        complete_operations(path, item, &new_links);
        if let (Some(slot), Ok(completed)) =
            (doc.paths.paths.get_mut(path.as_str()), serde_json::from_value(item.take()))
        {
            *slot = completed;
        }
    }
    doc
}

/// The schemas written `allOf: [$ref X, {more properties}]` (a `#[serde(flatten)] X` plus fields)
/// where that cannot hold (a PATCH body; `X` forbids other properties), as one object.
fn flatten_all_ofs(schemas: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = vec![];
    for (name, schema) in schemas {
        let Some(all_of) = schema.get("allOf").and_then(Value::as_array) else {
            continue;
        };
        let mut base = None;
        let mut extra = Map::new();
        let mut extra_required = vec![];
        for part in all_of {
            if let Some(reference) = part.get("$ref").and_then(Value::as_str) {
                base = reference.strip_prefix("#/components/schemas/").map(str::to_owned);
            } else if let Some(props) = part.get("properties").and_then(Value::as_object) {
                extra.extend(props.clone());
                extra_required.extend(part.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
            }
        }
        let Some(base) = base.and_then(|b| schemas.get(&b)) else {
            continue;
        };
        let closed = base.get("additionalProperties") == Some(&Value::Bool(false));
        // A PATCH body is a merge patch: only the `version` read is required.
        let patch = name.ends_with("Update") && extra.contains_key("version");
        if extra.is_empty() || !(patch || closed) {
            continue;
        }
        let mut properties = base.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        properties.extend(extra);
        let required = if patch {
            vec![json!("version")]
        } else {
            let mut all = base.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
            all.extend(extra_required.into_iter().filter(|r| !all.contains(r)).collect::<Vec<_>>());
            all
        };
        let description = schema.get("description").cloned().unwrap_or_else(|| {
            json!("The PATCH body (a JSON merge patch): the fields to change, and the `version` read.")
        });
        let mut flat = json!({
            "type": "object",
            "description": description,
            "required": required,
            "properties": properties,
        });
        if let Some(additional) = base.get("additionalProperties") {
            flat["additionalProperties"] = additional.clone();
        }
        out.push((name.clone(), flat));
    }
    out
}

/// Completes the operations of one path item: the edge's answers, descriptions, problem bodies,
/// links and security.
/// Every POST of a session accepts an `Idempotency-Key` (`auth::idempotency`): the same key and
/// body within 24 hours replay the first answer; the same key with another body is a 422, and a
/// key that is not 1 to 255 visible characters a 400.
fn document_idempotency_key(op: &mut Value) {
    let parameter = json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "Une clé unique par action (un UUID) : renvoyée avec la même requête dans les 24 heures, \
                        elle rejoue la première réponse sans refaire l'action ; avec une autre requête, 422.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
    });
    match op.get_mut("parameters").and_then(Value::as_array_mut) {
        Some(parameters) => parameters.push(parameter),
        None => op["parameters"] = json!([parameter]),
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for status in ["400", "422"] {
            responses.entry(status).or_insert_with(|| json!({}));
        }
    }
}

fn complete_operations(path: &str, item: &mut Value, new_links: &[NewLink]) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    for (method, op) in item.iter_mut() {
        if !METHODS.contains(&method.as_str()) {
            continue;
        }
        let key = format!("{} {path}", method.to_uppercase());
        let public = PUBLIC.iter().any(|p| p.split_once(' ').is_some_and(|(m, p)| key == format!("{m} {API}{p}")));
        if op.get("security").is_none() {
            op["security"] = match (public, method.as_str()) {
                (true, _) => json!([]),
                (false, "get" | "head" | "options") => json!([{ SESSION: [] }]),
                (false, _) => json!([{ SESSION: [], CSRF: [] }]),
            };
        }
        if method == "post" && !public {
            document_idempotency_key(op);
        }
        let has_body = op.get("requestBody").is_some();
        let has_query = op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p.get("in").and_then(Value::as_str) == Some("query")));
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut add = |status: &str| {
            responses.entry(status).or_insert_with(|| json!({}));
        };
        if has_body || has_query {
            add("400");
        }
        if has_body {
            add("413");
            add("415");
        }
        for (status, response) in responses.iter_mut() {
            let Some(response) = response.as_object_mut() else {
                continue;
            };
            if response.contains_key("$ref") {
                continue;
            }
            if response.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                response.insert("description".into(), json!(describe(status)));
            }
            let is_error = status.starts_with('4') || status.starts_with('5');
            if is_error && !response.contains_key("content") {
                response.insert(
                    "content".into(),
                    json!({ crate::error::PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } }),
                );
            }
            for new in new_links.iter().filter(|l| l.from == key && l.status == status) {
                let links = response.entry("links").or_insert_with(|| json!({}));
                if let Some(links) = links.as_object_mut() {
                    links.entry(new.name.clone()).or_insert_with(|| new.link.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        serde_json::to_value(crate::features::openapi()).unwrap_or_default()
    }

    fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
        doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(m, _)| METHODS.contains(&m.as_str()))
                    .map(move |(m, op)| (m.to_uppercase(), path.clone(), op))
            })
            .collect()
    }

    #[test]
    fn patch_bodies_require_only_the_version() {
        let doc = document();
        let vehicle = &doc["components"]["schemas"]["VehicleUpdate"];
        assert_eq!(vehicle["required"], json!(["version"]), "{vehicle}");
        assert!(vehicle["properties"]["plate"].is_object());
        assert!(vehicle["properties"]["version"].is_object());
        assert_eq!(vehicle["additionalProperties"], json!(false));
        assert!(vehicle.get("allOf").is_none());
    }

    #[test]
    fn no_schema_forbids_its_own_properties() {
        let doc = document();
        let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
        for (name, schema) in &schemas {
            let closed_base = schema["allOf"].as_array().into_iter().flatten().any(|part| {
                let target = part["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/"));
                target.is_some_and(|t| schemas[t]["additionalProperties"] == json!(false))
            });
            let adds = schema["allOf"].as_array().into_iter().flatten().any(|part| part["properties"].is_object());
            assert!(!(closed_base && adds), "{name}: an allOf that forbids its own properties: {schema}");
        }
    }

    #[test]
    fn every_error_answer_is_a_problem_and_bodies_may_be_refused() {
        let doc = document();
        let login = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
        for status in ["400", "401", "413", "415", "429"] {
            let schema = &login[status]["content"]["application/problem+json"]["schema"]["$ref"];
            assert_eq!(schema, "#/components/schemas/Problem", "{status}: {login}");
        }
        let users = &doc["paths"]["/api/v1/users"]["get"]["responses"];
        assert!(users["400"].is_object(), "a list with a query answers 400 to a bad one");
    }

    #[test]
    fn every_answer_has_a_description_and_every_error_a_body() {
        let doc = document();
        let mut answers = 0;
        for (method, path, op) in operations(&doc) {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                answers += 1;
                let description = response["description"].as_str().unwrap_or_default();
                assert!(!description.is_empty(), "{method} {path} {status}: no description");
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(response["content"].is_object(), "{method} {path} {status}: no body");
                }
            }
        }
        assert!(answers > 300, "{answers} answers");
        let students = &doc["paths"]["/api/v1/students"]["get"]["responses"];
        assert_eq!(students["401"]["description"], "Non connecté");
    }

    #[test]
    fn every_link_names_operations_of_the_document() {
        let doc = document();
        let ids: BTreeMap<String, String> = operations(&doc)
            .into_iter()
            .filter_map(|(m, p, op)| Some((format!("{m} {p}"), op["operationId"].as_str()?.to_owned())))
            .collect();
        let (links, missing) = links(&ids);
        assert!(missing.is_empty(), "operations named in apidoc.rs links but not in the document: {missing:?}");
        let known: Vec<&String> = ids.values().collect();
        let mut found = 0;
        for (method, path, op) in operations(&doc) {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    found += 1;
                    let target = link["operationId"].as_str().unwrap_or_default();
                    assert!(known.iter().any(|k| *k == target), "{method} {path} {status} → {name}: unknown");
                }
            }
        }
        assert_eq!(found, links.len(), "every link is in the document");
        let created = &doc["paths"]["/api/v1/students"]["post"]["responses"]["201"]["links"];
        let patch = &created[ids["PATCH /api/v1/students/{id}"].as_str()];
        assert_eq!(patch["parameters"]["id"], "$response.body#/id", "{created}");
        assert_eq!(patch["requestBody"]["version"], "$response.body#/version", "{created}");
    }

    #[test]
    fn operations_say_how_the_caller_authenticates() {
        let doc = document();
        assert!(doc["components"]["securitySchemes"][SESSION].is_object());
        assert!(doc["components"]["securitySchemes"][CSRF].is_object());
        let paths = &doc["paths"];
        assert_eq!(paths["/api/v1/auth/login"]["post"]["security"], json!([]));
        assert_eq!(paths["/api/v1/students"]["get"]["security"], json!([{ SESSION: [] }]));
        assert_eq!(paths["/api/v1/students"]["post"]["security"], json!([{ SESSION: [], CSRF: [] }]));
        for (method, path, op) in operations(&doc) {
            let documents_401 = op["responses"]["401"].is_object();
            let public = op["security"] == json!([]);
            let sign_in = ["/auth/login", "/auth/login/2fa", "/auth/passkey", "/invitations/accept"]
                .iter()
                .any(|end| path.ends_with(end));
            assert!(
                public != documents_401 || sign_in,
                "{method} {path}: public = {public}, but 401 = {documents_401}"
            );
        }
    }
}
