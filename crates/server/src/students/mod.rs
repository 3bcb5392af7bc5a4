//! Student files: identity, guardian, NEPH and ANTS status, training, funding, agency and
//! referent, start evaluation and contract, AAC data; statuses; documents; the hours ledger;
//! the history; search.

pub mod documents;
pub mod guardians;
pub mod hours;
pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    email::Email,
    student::{
        EndReason, Neph, StudentStatus, TransitionError, check_entry_age, check_transition, is_minor, normalise_phone,
    },
};

use crate::error::{AppError, FieldErrors};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AntsStatus {
    NotStarted,
    Submitted,
    Validated,
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum StudentCategory {
    B,
    B78,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingMode {
    Traditional,
    Aac,
    Supervised,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    Personal,
    Cpf,
    #[serde(rename = "permis_1_euro")]
    Permis1Euro,
    Employer,
    FranceTravail,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Civility {
    Mme,
    M,
    Autre,
}

crate::text_enum!(AntsStatus, StudentCategory, TrainingMode, Funding, Civility);

/// The legal guardian of a minor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Guardian {
    #[serde(default)]
    pub first_name: Option<String>,
    pub last_name: String,
    #[serde(default)]
    pub relationship: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartEvaluation {
    pub date: NaiveDate,
    /// Estimated driving time written into the contract, in minutes.
    pub estimated_minutes: i32,
}

/// Accompanied driving (AAC) and supervised driving data recorded on the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Aac {
    /// End-of-initial-training certificate (AFFI).
    #[serde(default)]
    pub affi_on: Option<NaiveDate>,
    #[serde(default)]
    pub accompanied_km: Option<i32>,
    #[serde(default)]
    pub pedagogical_meetings: Vec<NaiveDate>,
}

fn active() -> StudentStatus {
    StudentStatus::Active
}
fn not_started() -> AntsStatus {
    AntsStatus::NotStarted
}
fn cat_b() -> StudentCategory {
    StudentCategory::B
}
fn traditional() -> TrainingMode {
    TrainingMode::Traditional
}
fn personal() -> Funding {
    Funding::Personal
}

/// What the office sends to create a file (and, merged with the current file, to change one).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudentInput {
    /// `active` by default; `prospect` for a contact who has not signed up yet.
    #[serde(default = "active")]
    pub status: StudentStatus,
    #[serde(default)]
    pub end_reason: Option<EndReason>,
    #[serde(default)]
    pub civility: Option<Civility>,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub birth_name: Option<String>,
    pub birth_date: NaiveDate,
    #[serde(default)]
    pub birth_place: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Required for a minor.
    #[serde(default)]
    pub guardian: Option<Guardian>,
    /// 12 digits.
    #[serde(default)]
    pub neph: Option<String>,
    #[serde(default = "not_started")]
    pub ants_status: AntsStatus,
    #[serde(default = "cat_b")]
    pub category: StudentCategory,
    #[serde(default = "traditional")]
    pub training_mode: TrainingMode,
    #[serde(default = "personal")]
    pub funding: Funding,
    /// Defaults to the school's first agency.
    #[serde(default)]
    pub agency_id: Option<Uuid>,
    #[serde(default)]
    pub referent_instructor_id: Option<Uuid>,
    #[serde(default)]
    pub start_evaluation: Option<StartEvaluation>,
    #[serde(default)]
    pub contract_signed_on: Option<NaiveDate>,
    #[serde(default)]
    pub aac: Option<Aac>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The office confirms that this person is not the file with the same names and birth date
    /// (otherwise such a file is refused as a probable duplicate, 409).
    #[serde(default, skip_serializing)]
    pub confirm_duplicate: bool,
}

/// A student file as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Student {
    pub id: Uuid,
    pub status: StudentStatus,
    pub end_reason: Option<EndReason>,
    pub civility: Option<Civility>,
    pub first_name: String,
    pub last_name: String,
    pub birth_name: Option<String>,
    pub birth_date: NaiveDate,
    pub birth_place: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub guardian: Option<Guardian>,
    pub neph: Option<String>,
    pub ants_status: AntsStatus,
    pub category: StudentCategory,
    pub training_mode: TrainingMode,
    pub funding: Funding,
    pub agency_id: Uuid,
    pub referent_instructor_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub start_evaluation: Option<StartEvaluation>,
    pub contract_signed_on: Option<NaiveDate>,
    pub aac: Option<Aac>,
    pub notes: Option<String>,
    /// Remaining minutes (purchased − consumed ± corrections).
    pub remaining_minutes: i64,
    /// Remaining minus the planned driving lessons not yet marked.
    pub bookable_minutes: i64,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StudentUpdate {
    #[serde(flatten)]
    pub fields: StudentInput,
    pub version: i32,
}

impl Student {
    pub fn input(&self) -> StudentInput {
        StudentInput {
            status: self.status,
            end_reason: self.end_reason,
            civility: self.civility,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            birth_name: self.birth_name.clone(),
            birth_date: self.birth_date,
            birth_place: self.birth_place.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            guardian: self.guardian.clone(),
            neph: self.neph.clone(),
            ants_status: self.ants_status,
            category: self.category,
            training_mode: self.training_mode,
            funding: self.funding,
            agency_id: Some(self.agency_id),
            referent_instructor_id: self.referent_instructor_id,
            start_evaluation: self.start_evaluation.clone(),
            contract_signed_on: self.contract_signed_on,
            aac: self.aac.clone(),
            notes: self.notes.clone(),
            confirm_duplicate: false,
        }
    }

    /// The words searched by `q`.
    pub fn search_text(input: &StudentInput) -> String {
        volant_domain::search::document(&[
            Some(&input.first_name),
            Some(&input.last_name),
            input.birth_name.as_deref(),
            input.email.as_deref(),
            input.phone.as_deref(),
            input.neph.as_deref(),
        ])
    }
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Checks and normalises a file (fields only; the status change is checked against the old one).
/// `entered_on` is the day the file was opened (today for a new one): the birth date must be
/// plausible on that day.
pub fn validate(mut s: StudentInput, today: NaiveDate, entered_on: NaiveDate) -> Result<StudentInput, AppError> {
    let mut errors = FieldErrors::default();
    s.first_name = s.first_name.trim().to_owned();
    s.last_name = s.last_name.trim().to_owned();
    if s.first_name.is_empty() {
        errors.add("first_name", "Le prénom est obligatoire.");
    }
    if s.last_name.is_empty() {
        errors.add("last_name", "Le nom est obligatoire.");
    }
    s.birth_name = trimmed(s.birth_name);
    s.birth_place = trimmed(s.birth_place);
    s.address = trimmed(s.address);
    s.notes = trimmed(s.notes);
    if let Err(e) = check_entry_age(s.birth_date, entered_on.min(today)) {
        errors.add("birth_date", e.to_string());
    }
    s.email = match trimmed(s.email) {
        Some(e) => Email::parse(&e).map(|e| Some(e.to_string())).unwrap_or_else(|err| {
            errors.add("email", err.to_string());
            None
        }),
        None => None,
    };
    s.phone = match trimmed(s.phone) {
        Some(p) => normalise_phone(&p).map(Some).unwrap_or_else(|err| {
            errors.add("phone", err.to_string());
            None
        }),
        None => None,
    };
    s.neph = match trimmed(s.neph) {
        Some(n) => Neph::parse(&n).map(|n| Some(n.as_str().to_owned())).unwrap_or_else(|err| {
            errors.add("neph", err.to_string());
            None
        }),
        None => None,
    };
    validate_guardian(&mut s, today, &mut errors);
    if let Some(ev) = &s.start_evaluation
        && !(0..=60_000).contains(&ev.estimated_minutes)
    {
        errors.add("start_evaluation.estimated_minutes", "L'estimation doit être comprise entre 0 et 1 000 heures.");
    }
    if let (Some(ev), Some(signed)) = (&s.start_evaluation, s.contract_signed_on)
        && !volant_domain::eligibility::contract_follows_evaluation(ev.date, signed)
    {
        errors.add(
            "contract_signed_on",
            "Le contrat se signe après l'évaluation de départ, qui fixe le volume d'heures qu'il prévoit (art. L.213-2 du code de la route).",
        );
    }
    if let Some(aac) = &mut s.aac {
        if aac.accompanied_km.is_some_and(|km| km < 0) {
            errors.add("aac.accompanied_km", "Le kilométrage ne peut pas être négatif.");
        }
        aac.pedagogical_meetings.sort();
    }
    errors.finish()?;
    Ok(s)
}

fn validate_guardian(s: &mut StudentInput, today: NaiveDate, errors: &mut FieldErrors) {
    if let Some(g) = &mut s.guardian {
        g.last_name = g.last_name.trim().to_owned();
        g.first_name = trimmed(g.first_name.take());
        g.relationship = trimmed(g.relationship.take());
        g.email = trimmed(g.email.take());
        if g.last_name.is_empty() {
            errors.add("guardian.last_name", "Le nom du représentant légal est obligatoire.");
        }
        if let Some(p) = trimmed(g.phone.take()) {
            match normalise_phone(&p) {
                Ok(p) => g.phone = Some(p),
                Err(e) => errors.add("guardian.phone", e.to_string()),
            }
        }
        if g.email.as_deref().is_some_and(|e| Email::parse(e).is_err()) {
            errors.add("guardian.email", "L'adresse e-mail n'est pas valide.");
        }
        if g.phone.is_none() && g.email.is_none() {
            errors.add("guardian.phone", "Indiquez un téléphone ou une adresse e-mail du représentant légal.");
        }
    } else if is_minor(s.birth_date, today) {
        errors.add("guardian", "Un élève mineur doit avoir un représentant légal.");
    }
}

/// An end reason belongs to a finished (or archived) file only (the schema's
/// `students_end_reason_when_finished`): a 400 on the field, before the database sees it.
pub fn check_end_reason(s: &StudentInput) -> Result<(), AppError> {
    if s.end_reason.is_some() && !matches!(s.status, StudentStatus::Finished | StudentStatus::Archived) {
        return Err(AppError::field("end_reason", TransitionError::EndReasonUnexpected.to_string()));
    }
    Ok(())
}

/// The status change of an edit, as a 422 naming the rule when refused.
pub fn check_status(before: &Student, after: &mut StudentInput) -> Result<(), AppError> {
    // Reopening a finished file drops the old end reason unless a new one is sent.
    if after.status != StudentStatus::Finished && after.end_reason == before.end_reason {
        after.end_reason = None;
    }
    check_transition(before.status, after.status, after.end_reason).map_err(|e: TransitionError| {
        let field = if matches!(e, TransitionError::NotAllowed | TransitionError::UseArchive) {
            "status_transition"
        } else {
            "end_reason"
        };
        AppError::rule(field, e.to_string())
    })
}
