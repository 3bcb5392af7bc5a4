//! Registration on a school's public site: a visitor becomes a `prospect` in the school's own
//! file, with the consent they gave recorded (the words shown, when, from where), and the office
//! is told. Works without JavaScript (a plain form, answered by a page); a bot filling the hidden
//! field is thanked and nothing is kept; an address sending too many is slowed down.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use volant_domain::{ids::TenantId, notify::Event};

use crate::{
    auth::{RequestMeta, limiter},
    error::AppError,
    notifications::{self, About, Raised},
    state::AppState,
    students,
    work::Work,
};

/// What the form sends (French field names: they are the page's).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Form {
    pub prenom: String,
    pub nom: String,
    pub naissance: String,
    pub email: String,
    pub telephone: String,
    pub message: String,
    pub consentement: Option<String>,
    /// The honeypot: hidden from people, filled by bots.
    pub site_web: String,
}

/// The consent, as the form shows it and as it is recorded.
pub const CONSENT: &str = "J'accepte que l'auto-école utilise ces informations pour me recontacter au sujet de ma \
                           formation. Elles sont conservées trois ans au plus sans suite de ma part.";

/// Submissions from one address per window (the login window), per school.
const PER_ADDRESS: u32 = 5;

pub enum Outcome {
    /// Registered (or a bot thanked): show the thanks page.
    Thanks,
    /// What to correct, by field.
    Invalid(Vec<(&'static str, String)>),
    /// Too many submissions from this address.
    TooMany,
}

pub async fn submit(state: &AppState, tenant: TenantId, meta: &RequestMeta, form: &Form) -> Result<Outcome, AppError> {
    if !form.site_web.trim().is_empty() {
        return Ok(Outcome::Thanks);
    }
    let key = meta.ip.map(|ip| format!("site:{}:{ip}", tenant.0)).unwrap_or_else(|| format!("site:{}", tenant.0));
    match limiter::check(&state.pool, &state.settings, &[(key.clone(), PER_ADDRESS)]).await {
        Err(AppError::TooManyRequests { .. }) => return Ok(Outcome::TooMany),
        other => other?,
    }
    limiter::record_failure(&state.pool, state.settings.login_window, &[key]).await?;
    let mut work = Work::system(&state.pool, tenant).await?;
    let birth_date = match check(form, work.school.today()) {
        Ok(date) => date,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    let input = json!({
        "status": "prospect", "first_name": form.prenom.trim(), "last_name": form.nom.trim(), "birth_date": birth_date,
        "email": Some(form.email.trim()).filter(|e| !e.is_empty()),
        "phone": Some(form.telephone.trim()).filter(|p| !p.is_empty()),
    });
    let input = serde_json::from_value(input).map_err(|e| AppError::Internal(e.into()))?;
    let student = match students::service::create_student(&mut work, input).await {
        Ok(student) => student,
        // Already known (same name and birth date, or e-mail): the office has the file.
        Err(AppError::Duplicate { .. }) => return Ok(Outcome::Thanks),
        Err(AppError::BadRequest { errors, .. }) => {
            let errors = errors.into_iter().map(|e| (field_of(&e.field), e.message)).collect();
            return Ok(Outcome::Invalid(errors));
        }
        Err(e) => return Err(e),
    };
    sqlx::query(
        "INSERT INTO site_registrations (tenant_id, id, student_id, consent_text, ip, user_agent, message)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(student.id)
    .bind(CONSENT)
    .bind(meta.ip.map(|ip| ip.to_string()))
    .bind(meta.user_agent.as_deref().map(|ua| ua.chars().take(400).collect::<String>()))
    .bind(Some(form.message.trim()).filter(|m| !m.is_empty()))
    .execute(&mut *work)
    .await?;
    let raised = Raised {
        event: Event::ProspectRegistered,
        key: format!("prospect:{}", student.id),
        students: vec![],
        instructor: None,
        requester: None,
        actor: None,
        about: About::Prospect { student_name: format!("{} {}", student.first_name, student.last_name) },
    };
    notifications::raise_in(&mut work, tenant, &raised).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok(Outcome::Thanks)
}

/// The form's field a student field's error belongs to.
fn field_of(field: &str) -> &'static str {
    match field {
        "first_name" => "prenom",
        "last_name" => "nom",
        "birth_date" => "naissance",
        "email" => "email",
        "phone" => "telephone",
        _ => "formulaire",
    }
}

/// The checks a visitor reads next to each field; the birth date when all is well.
fn check(form: &Form, today: NaiveDate) -> Result<NaiveDate, Vec<(&'static str, String)>> {
    let mut errors = vec![];
    for (field, value, what) in [("prenom", &form.prenom, "votre prénom"), ("nom", &form.nom, "votre nom")] {
        let len = value.trim().chars().count();
        if len == 0 {
            errors.push((field, format!("Indiquez {what}.")));
        } else if len > 80 {
            errors.push((field, "80 caractères au plus.".to_owned()));
        }
    }
    let date = ["%Y-%m-%d", "%d/%m/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(form.naissance.trim(), f).ok());
    let age = date.map(|d| today.years_since(d).unwrap_or(0));
    match (date, age) {
        (None, _) => errors.push(("naissance", "Indiquez votre date de naissance (JJ/MM/AAAA).".to_owned())),
        (Some(_), Some(age)) if !(14..=100).contains(&age) => errors.push((
            "naissance",
            "La formation au permis B commence à partir de 14 ans (conduite accompagnée à 15 ans).".to_owned(),
        )),
        _ => {}
    }
    let email = form.email.trim();
    let phone_digits = form.telephone.chars().filter(char::is_ascii_digit).count();
    if email.is_empty() && form.telephone.trim().is_empty() {
        errors.push(("email", "Indiquez un e-mail ou un téléphone pour que l'école vous rappelle.".to_owned()));
    }
    if !email.is_empty() && volant_domain::email::Email::parse(email).is_err() {
        errors.push(("email", "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).".to_owned()));
    }
    if !form.telephone.trim().is_empty() && !(10..=15).contains(&phone_digits) {
        errors.push(("telephone", "Ce numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78).".to_owned()));
    }
    if form.message.chars().count() > 1000 {
        errors.push(("message", "Le message tient en 1 000 caractères au plus.".to_owned()));
    }
    if form.consentement.is_none() {
        errors.push(("consentement", "Cochez la case pour que l'école puisse vous recontacter.".to_owned()));
    }
    match date {
        Some(d) if errors.is_empty() => Ok(d),
        _ => Err(errors),
    }
}
