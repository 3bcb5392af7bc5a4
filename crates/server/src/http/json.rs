//! Request extractors whose failures are French problem+json answers, never a bare 4xx/5xx.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, rejection::BytesRejection},
    http::{header, request::Parts},
};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldError};

/// A JSON body, read but not yet parsed: handlers check the role and the ids first (403 and 404
/// before any 400, so that ids leak nothing), then call `parse`. An empty body reads as `{}`, so
/// action endpoints accept no body at all.
pub struct JsonBody(Bytes);

impl JsonBody {
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        if self.0.iter().all(u8::is_ascii_whitespace) {
            return parse_json(b"{}");
        }
        parse_json(&self.0)
    }

    /// The body exactly as received (a signed webhook is verified over these bytes).
    pub fn raw(&self) -> &[u8] {
        &self.0
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let has_json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
            .is_none_or(|mime| mime == "application/json" || mime.ends_with("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) => AppError::PayloadTooLarge,
            _ => AppError::bad_request("Le corps de la requête n'a pas pu être lu."),
        })?;
        if !has_json_type && !bytes.is_empty() {
            return Err(AppError::UnsupportedMediaType(
                "Le contenu doit être envoyé au format JSON (Content-Type: application/json).".into(),
            ));
        }
        Ok(JsonBody(bytes))
    }
}

/// A JSON body parsed at once, for endpoints without ids or roles to check first.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        JsonBody::from_request(req, state).await?.parse().map(ApiJson)
    }
}

/// The longest text any field takes (a name, a note, a reason): larger ones are refused, so that
/// a megabyte in a name cannot reach lists, PDFs and audit payloads.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Parses JSON, naming the field at fault in French.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // No string can be that long in a smaller body: the common case costs nothing.
    if bytes.len() > MAX_TEXT_CHARS
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = too_long_text(&value, "")
    {
        let message = format!("Ce texte est trop long ({MAX_TEXT_CHARS} caractères au plus).");
        return Err(AppError::field(&field, message));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::bad_request("Le corps de la requête n'est pas un JSON valide.");
        }
        let raw = inner.to_string();
        let (field, message) = french_message(&path, &raw);
        AppError::BadRequest {
            detail: "Certaines informations sont invalides.".into(),
            errors: vec![FieldError::new(field, message)],
        }
    })
}

/// The path of the first string longer than `MAX_TEXT_CHARS`, named like field errors.
fn too_long_text(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) if text.chars().count() > MAX_TEXT_CHARS => Some(path.to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| too_long_text(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let key = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if k.chars().count() > MAX_TEXT_CHARS {
                return Some(path.to_owned());
            }
            too_long_text(v, &key)
        }),
        _ => None,
    }
}

/// Translates serde's English messages; our own domain errors are already French.
fn french_message(path: &str, raw: &str) -> (String, String) {
    let raw = raw.split(" at line ").next().unwrap_or(raw);
    let field = if path == "." { String::new() } else { path.to_owned() };
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        let full = if field.is_empty() { name.to_owned() } else { format!("{field}.{name}") };
        return (full, "Ce champ est obligatoire.".into());
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // The path already ends with the unknown key.
        let full = if field.is_empty() || field == name || field.ends_with(&format!(".{name}")) {
            if field.is_empty() { name.to_owned() } else { field.clone() }
        } else {
            format!("{field}.{name}")
        };
        return (full, "Ce champ n'est pas attendu.".into());
    }
    let message = if raw.starts_with("invalid type") {
        "Le type de cette valeur est incorrect.".to_owned()
    } else if raw.starts_with("unknown variant") {
        "Cette valeur n'est pas autorisée.".to_owned()
    } else if raw.starts_with("invalid value") || raw.starts_with("invalid length") {
        "Cette valeur est invalide.".to_owned()
    } else if raw.contains("UUID") || raw.starts_with("invalid character") {
        "Cet identifiant n'est pas valide.".to_owned()
    } else if raw.contains("premature end") || raw.contains("input contains invalid characters") {
        "Cette date ou heure n'est pas valide.".to_owned()
    } else {
        raw.to_owned()
    };
    (field, message)
}

/// Query parameters, with French field errors.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Parses a query string, naming the parameter at fault in French. Handlers that must decide
/// 403/404 first take `RawQuery` and call this afterwards.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let (field, message) = french_message(&path, &err.into_inner().to_string());
        AppError::BadRequest {
            detail: "Les paramètres de la requête sont invalides.".into(),
            errors: vec![FieldError::new(field, message)],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        count: u32,
    }

    fn field_errors(e: AppError) -> Vec<FieldError> {
        match e {
            AppError::BadRequest { errors, .. } => errors,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_field_is_named_in_french() {
        let errs = field_errors(parse_json::<Body>(br#"{"email":"a@b.fr"}"#).unwrap_err());
        assert_eq!(errs, vec![FieldError::new("count", "Ce champ est obligatoire.")]);
    }

    #[test]
    fn wrong_type_is_named() {
        let errs = field_errors(parse_json::<Body>(br#"{"email":"a@b.fr","count":"x"}"#).unwrap_err());
        assert_eq!(errs[0].field, "count");
        assert_eq!(errs[0].message, "Le type de cette valeur est incorrect.");
    }

    #[test]
    fn malformed_json_is_a_plain_400() {
        match parse_json::<Body>(b"{\"email\":").unwrap_err() {
            AppError::BadRequest { detail, errors } => {
                assert!(detail.contains("JSON"));
                assert!(errors.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_text_over_the_limit_is_refused_by_name() {
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        let body = serde_json::json!({"email": "a@b.fr", "count": 1, "rooms": [{"name": long}]}).to_string();
        let errs = field_errors(parse_json::<serde_json::Value>(body.as_bytes()).unwrap_err());
        assert_eq!(errs[0].field, "rooms[0].name");
        let fits = serde_json::json!({"email": "é".repeat(MAX_TEXT_CHARS), "count": 1}).to_string();
        assert!(parse_json::<Body>(fits.as_bytes()).is_ok());
    }
}
