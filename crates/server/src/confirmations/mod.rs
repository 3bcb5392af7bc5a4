//! Student-confirmed hours (SPEC § P1.2, `volant_domain::confirmation`): once the instructor marks
//! a lesson done, its student confirms it — a tap in their app, or the 6-digit code the
//! instructor's phone shows (which proves both were there) — or disputes it with a reason. A
//! dispute is an office alert until the office settles it; the hours ledger shows each
//! consumption as confirmed, pending or disputed. A student's word is given once and kept; the
//! office's settlement is added to it.

pub mod repo;
pub mod routes;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::confirmation::{self, ConfirmationStatus};

use crate::{
    auth::Viewer,
    error::{AppError, AppResult},
    planning::{self, LessonStatus},
    sealed::TokenSigner,
    work::Work,
};

/// A student's word on a lesson.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Confirmation {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    /// `confirmed` or `disputed`.
    #[sqlx(try_from = "String")]
    pub status: Decided,
    /// `tap` or `code` (a confirmation).
    pub method: Option<String>,
    /// Why the student disputes it.
    pub reason: Option<String>,
    pub decided_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The office's answer to a dispute.
    pub resolution: Option<String>,
}

/// A decision as stored (a pending lesson has no row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decided {
    Confirmed,
    Disputed,
}

crate::text_enum!(Decided);

impl Decided {
    pub fn status(self) -> ConfirmationStatus {
        match self {
            Decided::Confirmed => ConfirmationStatus::Confirmed,
            Decided::Disputed => ConfirmationStatus::Disputed,
        }
    }
}

/// What the instructor's phone shows for the student to type (or to scan, as a QR code of
/// `confirm_url`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmationCode {
    pub code: String,
    /// The last instant the code is accepted.
    pub expires_at: DateTime<Utc>,
    /// The student's app, at this lesson, with the code filled in.
    pub confirm_path: String,
    /// That address as a QR code (SVG) for the student's phone to scan.
    pub qr_svg: String,
}

/// A confirmation: a tap in the app, or the instructor's code.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The 6 digits shown on the instructor's phone (without them: a tap in the app).
    #[serde(default)]
    pub code: Option<String>,
}

/// A dispute, with what went wrong.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeBody {
    /// What went wrong, in a few words (1 000 characters at most).
    #[serde(default)]
    pub reason: String,
}

/// The student's word on a lesson done.
#[derive(Debug)]
pub enum Word {
    /// With the instructor's code, if given.
    Confirm(Option<String>),
    /// With the reason.
    Dispute(String),
}

/// The server's key for lesson codes: each lesson's secret is a keyed fingerprint of its school and
/// id, so nothing is stored and a code is worthless for another lesson.
pub struct Keys(TokenSigner);

impl Keys {
    pub fn new(secret_key: &str) -> Keys {
        Keys(TokenSigner::new(secret_key, "volant/lesson-confirmation/v1"))
    }

    fn secret(&self, work: &Work, lesson: Uuid) -> Vec<u8> {
        self.0.fingerprint(&[work.tenant().0.as_bytes().as_slice(), lesson.as_bytes()].concat()).into_bytes()
    }
}

/// The lesson's student: a confirmation is about a lesson with one.
fn student_of(lesson: &planning::Lesson) -> AppResult<Uuid> {
    lesson
        .student_id
        .ok_or_else(|| AppError::rule("no_student", "Cette séance n'a pas d'élève à qui faire confirmer ses heures."))
}

/// The code of a done lesson, for its instructor's phone (or the office's screen).
pub async fn code(work: &mut Work, keys: &Keys, public_url: &str, id: Uuid) -> AppResult<ConfirmationCode> {
    let lesson = planning::service::visible(work, id, false).await?;
    student_of(&lesson)?;
    if lesson.status != LessonStatus::Done {
        return Err(AppError::rule(
            "lesson_not_done",
            "Marquez d'abord la séance comme faite : le code sert à l'élève pour confirmer ses heures.",
        ));
    }
    let (code, expires_at) = confirmation::code(&keys.secret(work, id), Utc::now());
    let confirm_path = format!("/mes-heures?seance={id}&code={code}");
    let qr_svg = crate::http::qr_svg(&format!("{}{confirm_path}", public_url.trim_end_matches('/')))?;
    Ok(ConfirmationCode { code, expires_at, confirm_path, qr_svg })
}

const MAX_REASON: usize = 1_000;

/// Records the student's word on their lesson: once, after completion, within the delay; a code
/// must be the lesson's current one. Two words at once: the database keeps the first (409 for the
/// other).
/// `lesson` is one the caller sees (`planning::service::visible`).
pub async fn decide(work: &mut Work, keys: &Keys, lesson: &planning::Lesson, word: Word) -> AppResult<Confirmation> {
    let Viewer::Student(student) = work.viewer else { return Err(AppError::NotFound) };
    if student_of(lesson)? != student {
        return Err(AppError::NotFound);
    }
    let id = lesson.id;
    let tenant = work.tenant();
    let already = repo::get(work, tenant, id, student).await?.map(|c| c.status.status());
    confirmation::may_decide(lesson.status == LessonStatus::Done, lesson.ends_at, already, Utc::now())
        .map_err(|message| AppError::rule("confirmation_closed", message))?;
    let (decided, method, reason) = match word {
        Word::Confirm(code) => match code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) if confirmation::code_matches(&keys.secret(work, id), code, Utc::now()) => {
                (Decided::Confirmed, Some("code"), None)
            }
            Some(_) => {
                return Err(AppError::field(
                    "code",
                    "Ce code n'est pas (ou plus) valable : demandez au moniteur le code affiché sur son téléphone.",
                ));
            }
            None => (Decided::Confirmed, Some("tap"), None),
        },
        Word::Dispute(reason) => {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_REASON {
                return Err(AppError::field(
                    "reason",
                    "Dites en quelques mots ce qui ne va pas (1 000 caractères au plus).",
                ));
            }
            (Decided::Disputed, None, Some(reason.to_owned()))
        }
    };
    let row = repo::NewRow { lesson_id: id, student_id: student, status: decided, method, reason: reason.as_deref() };
    if !repo::insert(work, tenant, &row).await? {
        return Err(AppError::Conflict {
            detail: "Cette leçon vient d'être confirmée ou contestée.".into(),
            conflicts: serde_json::json!([]),
        });
    }
    let saved = repo::get(work, tenant, id, student).await?.ok_or(AppError::NotFound)?;
    let action = if decided == Decided::Confirmed { "lesson.confirm" } else { "lesson.dispute" };
    work.audit()
        .record(crate::audit::Change {
            action,
            entity: "lesson",
            entity_id: Some(id),
            before: None,
            after: Some(serde_json::json!(saved)),
        })
        .await?;
    Ok(saved)
}

/// The disputes the office has not settled yet (its alerts).
pub async fn open_disputes(work: &mut Work) -> AppResult<Vec<repo::Dispute>> {
    let tenant = work.tenant();
    Ok(repo::disputes(work, tenant, true, None).await?)
}

/// The office settles a dispute with an answer (the hours themselves are corrected, if they must
/// be, by a correction of the ledger: the consumption stays as it was recorded).
/// `lesson` is one the caller sees (`planning::service::visible`).
pub async fn resolve(work: &mut Work, lesson: &planning::Lesson, resolution: &str) -> AppResult<Confirmation> {
    let (id, student) = (lesson.id, student_of(lesson)?);
    let tenant = work.tenant();
    let resolution = resolution.trim();
    if resolution.is_empty() || resolution.chars().count() > MAX_REASON {
        return Err(AppError::field("resolution", "Écrivez la réponse donnée à l'élève (1 000 caractères au plus)."));
    }
    let before = repo::get(work, tenant, id, student).await?;
    match &before {
        Some(c) if c.status == Decided::Disputed && c.resolved_at.is_none() => {}
        Some(c) if c.status == Decided::Disputed => {
            return Err(AppError::rule("dispute_resolved", "Cette contestation est déjà réglée."));
        }
        _ => return Err(AppError::rule("not_disputed", "Cette leçon n'est pas contestée.")),
    }
    let by = work.actor.user_id;
    repo::resolve(work, tenant, id, student, resolution, by).await?;
    let after = repo::get(work, tenant, id, student).await?.ok_or(AppError::NotFound)?;
    work.audit()
        .record(crate::audit::Change {
            action: "lesson.dispute.resolve",
            entity: "lesson",
            entity_id: Some(id),
            before: Some(serde_json::json!(before)),
            after: Some(serde_json::json!(after)),
        })
        .await?;
    Ok(after)
}
