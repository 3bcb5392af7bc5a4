//! One error type for the whole API, rendered as RFC 9457 `application/problem+json` with a
//! French `detail` a secretary can read. Internal causes are logged, never sent.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A field that failed validation.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// Collects field errors, to report them all at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// `Err(400)` naming every field at fault, if any.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::BadRequest { detail: "Certaines informations sont invalides.".into(), errors: self.0 })
        }
    }
}

/// A business rule that refused the request.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RuleViolation {
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    #[error("not authenticated")]
    Unauthorized(String),
    #[error("forbidden")]
    Forbidden(String),
    /// The school requires a second factor for the caller's role, and this session was opened
    /// without one: only the account's security pages answer until it is set up.
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("not found")]
    NotFound,
    #[error("conflict")]
    Conflict { detail: String, conflicts: Value },
    /// A probable duplicate of an existing record, which the client may confirm and resend.
    #[error("probable duplicate")]
    Duplicate { detail: String, conflicts: Value },
    #[error("stale version")]
    StaleVersion { current: Value },
    #[error("business rule")]
    Unprocessable { detail: String, rules: Vec<RuleViolation> },
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("service unavailable")]
    Unavailable,
    /// A deadlock or serialisation failure: the transaction may be retried (see `retrying`).
    #[error("contention")]
    Contention,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// One field error, the common case of validation.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            detail: "Certaines informations sont invalides.".into(),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest { detail: detail.into(), errors: vec![] }
    }

    pub fn rule(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Unprocessable { detail: message.clone(), rules: vec![RuleViolation { code: code.into(), message }] }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("Votre rôle ne permet pas cette action.".into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::SecondFactorRequired => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::Duplicate { .. } => StatusCode::CONFLICT,
            AppError::StaleVersion { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Contention => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn problem(&self) -> Problem {
        let status = self.status();
        let (slug, title, detail) = match self {
            AppError::BadRequest { detail, .. } => ("invalid-input", "Requête invalide", detail.clone()),
            AppError::Unauthorized(d) => ("unauthenticated", "Non connecté", d.clone()),
            AppError::Forbidden(d) => ("forbidden", "Accès refusé", d.clone()),
            AppError::SecondFactorRequired => (
                "second-factor-required",
                "Double authentification requise",
                "Votre école exige la double authentification pour votre rôle : activez-la dans « Mon compte », puis continuez."
                    .into(),
            ),
            AppError::NotFound => {
                ("not-found", "Introuvable", "Cette ressource n'existe pas ou ne vous est pas accessible.".into())
            }
            AppError::Conflict { detail, .. } => ("conflict", "Conflit", detail.clone()),
            AppError::Duplicate { detail, .. } => ("duplicate-student", "Doublon probable", detail.clone()),
            AppError::StaleVersion { .. } => (
                "stale-version",
                "Modification concurrente",
                "Ces données ont été modifiées entre-temps par quelqu'un d'autre. Rechargez-les puis recommencez."
                    .into(),
            ),
            AppError::Unprocessable { detail, .. } => ("rule-violation", "Action refusée", detail.clone()),
            AppError::TooManyRequests { retry_after_secs } => (
                "too-many-attempts",
                "Trop de tentatives",
                format!("Trop de tentatives. Réessayez dans {} minute(s).", retry_after_secs.div_ceil(60).max(1)),
            ),
            AppError::PayloadTooLarge => {
                ("payload-too-large", "Contenu trop volumineux", "Le contenu envoyé est trop volumineux.".into())
            }
            AppError::MethodNotAllowed => (
                "method-not-allowed",
                "Méthode non permise",
                "Cette méthode n'est pas permise sur cette adresse.".into(),
            ),
            AppError::UnsupportedMediaType(d) => ("unsupported-media-type", "Format non pris en charge", d.clone()),
            AppError::Unavailable => (
                "unavailable",
                "Service momentanément indisponible",
                "Le service est momentanément indisponible. Réessayez dans quelques instants.".into(),
            ),
            AppError::Contention => {
                ("contention", "Conflit", "Trop de modifications simultanées sur ces données : réessayez.".into())
            }
            AppError::Internal(_) => (
                "internal",
                "Erreur interne",
                "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.".into(),
            ),
        };
        let mut p = Problem {
            r#type: format!("https://volant.app/problems/{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail,
            errors: None,
            conflicts: None,
            current: None,
            rules: None,
        };
        match self {
            AppError::BadRequest { errors, .. } if !errors.is_empty() => p.errors = Some(errors.clone()),
            AppError::Conflict { conflicts, .. } | AppError::Duplicate { conflicts, .. } => {
                p.conflicts = Some(conflicts.clone());
            }
            AppError::Contention => p.conflicts = Some(Value::Array(vec![])),
            AppError::StaleVersion { current } => p.current = Some(current.clone()),
            AppError::Unprocessable { rules, .. } => p.rules = Some(rules.clone()),
            _ => {}
        }
        p
    }
}

/// RFC 9457 problem details, with Volant's extension members.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<RuleViolation>>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut resp = (self.status(), body).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let AppError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => AppError::Unavailable,
            sqlx::Error::Database(db) if db.code().as_deref().is_some_and(is_unavailable_code) => AppError::Unavailable,
            // A deadlock or a serialisation failure aborts the transaction but says nothing about
            // the request: `retrying` runs it again, and past its tries the client gets a 409.
            sqlx::Error::Database(db) if db.code().as_deref().is_some_and(is_contention_code) => AppError::Contention,
            // A check constraint that no service mapped to its own message (the services check
            // the rules first; this is the safety net). A 400 that names no constraint.
            sqlx::Error::Database(db) if db.code().as_deref() == Some(CHECK_VIOLATION) => {
                tracing::warn!(error = %e, "check constraint answered 400");
                unmapped_check_violation()
            }
            // Class 22, data exception: a value the client sent that PostgreSQL cannot store (a NUL
            // character in a text, a number or date out of range). Its own 400, never a 500.
            sqlx::Error::Database(db) if db.code().as_deref().is_some_and(|c| c.starts_with("22")) => {
                tracing::warn!(error = %e, "data exception answered 400");
                AppError::bad_request(
                    "Une des valeurs envoyées ne peut pas être enregistrée (caractère interdit ou valeur hors limites).",
                )
            }
            _ => AppError::Internal(e.into()),
        }
    }
}

/// SQLSTATE of a check-constraint violation.
pub const CHECK_VIOLATION: &str = "23514";

/// What a check constraint without a message of its own answers: a 400 in words, no name.
pub fn unmapped_check_violation() -> AppError {
    AppError::bad_request("Une des valeurs envoyées n'est pas permise ici ou contredit une autre valeur du formulaire.")
}

/// 40P01 deadlock detected, 40001 serialization failure.
fn is_contention_code(code: &str) -> bool {
    code == "40P01" || code == "40001"
}

/// SQLSTATE classes meaning "the server is going away or not ready" (57P01 admin shutdown,
/// 57P03 cannot connect now, 08xxx connection exceptions).
fn is_unavailable_code(code: &str) -> bool {
    (code.starts_with("08") && code != "08P01") || code == "57P01" || code == "57P02" || code == "57P03"
}

/// The name of the constraint a database error violated, for mapping named constraints.
pub fn violated_constraint(e: &sqlx::Error) -> Option<&str> {
    e.as_database_error()?.constraint()
}

/// Turns a violation of a named constraint into a field error; anything else stays as it was.
/// `map` lists `(constraint, field, French message)`.
pub fn on_constraint(e: sqlx::Error, map: &[(&str, &str, &str)]) -> AppError {
    if let Some(name) = violated_constraint(&e)
        && let Some((_, field, message)) = map.iter().find(|(c, _, _)| *c == name)
    {
        return AppError::field(field, *message);
    }
    e.into()
}

/// Runs a transaction, again (up to 5 times) when PostgreSQL aborted it for a deadlock or a
/// serialisation failure, which concurrent bookings under exclusion constraints can cause.
pub async fn retrying<T, F, Fut>(mut attempt: F) -> AppResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(AppError::Contention) if tries < 4 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * (1 << tries))).await;
            }
            other => return other,
        }
    }
}
