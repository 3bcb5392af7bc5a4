//! The waitlist (SPEC § 6.10): a student (or the office for them) states weekly windows and,
//! optionally, instructors; a driving lesson cancelled by anyone frees its slot, which is offered
//! at once to the eligible waiting students in the offer order (`volant_domain::slots`). The
//! first to accept gets the lesson; the others are told it is taken. The database decides: the
//! accepts of one slot queue on the freed lesson's row, and a partial unique index lets one offer
//! per slot be accepted whatever happens.
//!
//! Eligibility is the planning's own: each candidate's lesson is planned in a dry run (every
//! rule, every conflict), and a student whose bookable hours would not cover it is skipped.

pub mod routes;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::Json;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    schedule::{WeeklyRange, covers, normalise_week},
    slots::{Waiting, offer_order},
};

use super::{Lesson, LessonInput, LessonKind, LessonStatus, Planned, booking};
use crate::{
    auth::Viewer,
    error::{AppError, AppResult, FieldErrors, violated_constraint},
    notifications::{self, About, Event, Raised},
    work::Work,
};

/// No slot starting sooner than this is offered: nobody could get there.
const LAST_OFFER_BEFORE_START: Duration = Duration::hours(1);

/// A student waiting for a freed slot.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WaitlistEntry {
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    /// When the student may take a lesson (local times of the school).
    pub windows: Vec<WeeklyRange>,
    /// Only these instructors (all when empty).
    pub instructor_ids: Vec<Uuid>,
    pub note: Option<String>,
    /// Their next practical test, which puts them first.
    pub exam_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// What the office (or the student) states; a second one for the same student replaces the first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistInput {
    pub student_id: Uuid,
    pub windows: Vec<WeeklyRange>,
    #[serde(default)]
    pub instructor_ids: Vec<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Waiting for the student's answer.
    Offered,
    /// The student took it: `booked_lesson_id` is their lesson.
    Accepted,
    Declined,
    /// Another student was faster.
    Taken,
    /// The student left the waitlist.
    Withdrawn,
    /// Not answered in time.
    Expired,
}

crate::text_enum!(OfferStatus);

/// A freed slot offered to one student.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WaitlistOffer {
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub freed_lesson_id: Uuid,
    /// 1 = offered first.
    pub rank: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub instructor_id: Uuid,
    pub instructor_name: String,
    pub vehicle_id: Option<Uuid>,
    pub meeting_point: Option<String>,
    pub status: OfferStatus,
    pub expires_at: DateTime<Utc>,
    pub booked_lesson_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Uuid,
    student_id: Uuid,
    student_name: String,
    windows: Json<Vec<WeeklyRange>>,
    instructor_ids: Vec<Uuid>,
    note: Option<String>,
    exam_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i32,
}

impl From<EntryRow> for WaitlistEntry {
    fn from(r: EntryRow) -> Self {
        WaitlistEntry {
            id: r.id,
            student_id: r.student_id,
            student_name: r.student_name,
            windows: r.windows.0,
            instructor_ids: r.instructor_ids,
            note: r.note,
            exam_at: r.exam_at,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

/// Entries with the student's name and next practical test (an exam day they attend).
const ENTRIES: &str = "SELECT w.id, w.student_id, s.first_name || ' ' || s.last_name AS student_name, w.windows,
        w.instructor_ids, w.note, w.created_at, w.version,
        (SELECT min(l.starts_at) FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
          WHERE p.tenant_id = w.tenant_id AND p.student_id = w.student_id AND l.kind = 'exam' AND l.status = 'planned'
            AND l.starts_at > now()) AS exam_at
   FROM waitlist_entries w JOIN students s ON s.tenant_id = w.tenant_id AND s.id = w.student_id
  WHERE w.tenant_id = $1";

/// The entries the viewer may read: the office all, a student their own.
pub async fn entries(work: &mut Work) -> AppResult<Vec<WaitlistEntry>> {
    let student = match work.viewer {
        Viewer::Office => None,
        Viewer::Student(me) => Some(me),
        Viewer::Instructor(_) | Viewer::Nobody => return Err(AppError::forbidden()),
    };
    waiting_students(work, student).await
}

/// The entries of one student, or of every student, oldest first.
async fn waiting_students(work: &mut Work, student: Option<Uuid>) -> AppResult<Vec<WaitlistEntry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ENTRIES} AND ($2::uuid IS NULL OR w.student_id = $2) ORDER BY w.created_at"
    )))
    .bind(work.tenant().0)
    .bind(student)
    .fetch_all(&mut **work)
    .await?;
    Ok(rows.into_iter().map(WaitlistEntry::from).collect())
}

async fn entry_of(work: &mut Work, student: Uuid) -> AppResult<Option<WaitlistEntry>> {
    let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{ENTRIES} AND w.student_id = $2")))
        .bind(work.tenant().0)
        .bind(student)
        .fetch_optional(&mut **work)
        .await?;
    Ok(row.map(WaitlistEntry::from))
}

/// The student, if the viewer may put them on the waitlist: the office any, a student themself.
async fn own_student(work: &mut Work, student: Uuid) -> AppResult<()> {
    match work.viewer {
        Viewer::Office => crate::students::service::visible(work, student, false).await.map(|_| ()),
        Viewer::Student(me) if me == student => Ok(()),
        Viewer::Student(_) => Err(AppError::field("student_id", "Vous ne pouvez inscrire que vous-même.")),
        Viewer::Instructor(_) | Viewer::Nobody => Err(AppError::forbidden()),
    }
}

async fn validate(work: &mut Work, mut input: WaitlistInput) -> AppResult<WaitlistInput> {
    let mut errors = FieldErrors::default();
    if input.windows.is_empty() {
        errors.add("windows", "Indiquez au moins un créneau où l'élève est disponible.");
    }
    match normalise_week(&input.windows) {
        Ok(week) => input.windows = week,
        Err((i, problem)) => errors.add(&format!("windows[{i}]"), problem.to_string()),
    }
    input.instructor_ids.sort();
    input.instructor_ids.dedup();
    let known: i64 =
        sqlx::query_scalar("SELECT count(*) FROM instructors WHERE tenant_id = $1 AND id = ANY($2) AND active")
            .bind(work.tenant().0)
            .bind(&input.instructor_ids)
            .fetch_one(&mut **work)
            .await?;
    if known != input.instructor_ids.len() as i64 {
        errors.add("instructor_ids", "Un des moniteurs choisis n'existe pas ou n'est plus actif.");
    }
    input.note = input.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if input.note.as_ref().is_some_and(|n| n.chars().count() > 300) {
        errors.add("note", "La note tient en 300 caractères au plus.");
    }
    errors.finish()?;
    Ok(input)
}

/// Puts a student on the waitlist, or replaces their windows; `true` when the entry is new.
pub async fn join(work: &mut Work, input: WaitlistInput) -> AppResult<(WaitlistEntry, bool)> {
    own_student(work, input.student_id).await?;
    let input = validate(work, input).await?;
    let tenant = work.tenant();
    let before = entry_of(work, input.student_id).await?;
    sqlx::query(
        "INSERT INTO waitlist_entries (tenant_id, id, student_id, windows, instructor_ids, note)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ON CONSTRAINT waitlist_entries_one_per_student DO UPDATE
            SET windows = EXCLUDED.windows, instructor_ids = EXCLUDED.instructor_ids, note = EXCLUDED.note,
                version = waitlist_entries.version + 1",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(input.student_id)
    .bind(Json(&input.windows))
    .bind(&input.instructor_ids)
    .bind(&input.note)
    .execute(&mut **work)
    .await?;
    let after = entry_of(work, input.student_id).await?.ok_or(AppError::NotFound)?;
    match &before {
        Some(b) => work.audit().updated("waitlist_entry", after.id, b, &after).await?,
        None => work.audit().created("waitlist_entry", after.id, &after).await?,
    }
    Ok((after, before.is_none()))
}

/// Takes a student off the waitlist; their open offers are withdrawn.
pub async fn leave(work: &mut Work, id: Uuid) -> AppResult<()> {
    let tenant = work.tenant();
    let student: Option<Uuid> =
        sqlx::query_scalar("SELECT student_id FROM waitlist_entries WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(&mut **work)
            .await?;
    let student = student.ok_or(AppError::NotFound)?;
    if !matches!(work.viewer, Viewer::Office) && work.viewer != Viewer::Student(student) {
        return Err(AppError::NotFound);
    }
    let before = entry_of(work, student).await?.ok_or(AppError::NotFound)?;
    sqlx::query("DELETE FROM waitlist_entries WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(&mut **work)
        .await?;
    sqlx::query(
        "UPDATE waitlist_offers SET status = 'withdrawn', decided_at = now()
          WHERE tenant_id = $1 AND student_id = $2 AND status = 'offered'",
    )
    .bind(tenant.0)
    .bind(student)
    .execute(&mut **work)
    .await?;
    work.audit().deleted("waitlist_entry", id, &before).await?;
    Ok(())
}

/// Offers the slot of a driving lesson just cancelled to the eligible waiting students, in the
/// offer order, up to the school's number; tells each of them. Called in the cancellation's
/// transaction, so a slot is never freed without its offers, nor offered without being freed.
pub async fn offer_freed_slot(work: &mut Work, freed: &Lesson) -> AppResult<usize> {
    let Some(instructor) = freed.instructor_id else { return Ok(0) };
    let now = Utc::now();
    if freed.kind != LessonKind::Driving || freed.starts_at - now < LAST_OFFER_BEFORE_START {
        return Ok(0);
    }
    let tz = work.school.tz;
    let (date, start, end) = {
        let (s, e) = (freed.starts_at.with_timezone(&tz), freed.ends_at.with_timezone(&tz));
        (s.date_naive(), s.time(), if e.date_naive() > s.date_naive() { chrono::NaiveTime::MIN } else { e.time() })
    };
    let settings = work.settings().planning.clone();
    let mut waiting: Vec<WaitlistEntry> = waiting_students(work, None)
        .await?
        .into_iter()
        .filter(|e| !freed.students().contains(&e.student_id))
        .filter(|e| e.instructor_ids.is_empty() || e.instructor_ids.contains(&instructor))
        .filter(|e| end > start && covers(&e.windows, date, start, end))
        .collect();
    waiting.sort_by(|a, b| {
        offer_order(
            &Waiting { exam_at: a.exam_at, since: a.created_at },
            &Waiting { exam_at: b.exam_at, since: b.created_at },
        )
    });
    let expires_at = (now + Duration::hours(settings.offer_hours)).min(freed.starts_at - LAST_OFFER_BEFORE_START);
    let mut offered = 0;
    for entry in waiting {
        if offered >= usize::try_from(settings.max_offers).unwrap_or(0) {
            break;
        }
        if !eligible(work, freed, entry.student_id).await? {
            continue;
        }
        offered += 1;
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO waitlist_offers (tenant_id, id, freed_lesson_id, student_id, rank, starts_at, ends_at,
                                          instructor_id, vehicle_id, meeting_point, agency_id, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(work.tenant().0)
        .bind(id)
        .bind(freed.id)
        .bind(entry.student_id)
        .bind(i32::try_from(offered).unwrap_or(i32::MAX))
        .bind(freed.starts_at)
        .bind(freed.ends_at)
        .bind(instructor)
        .bind(freed.vehicle_id)
        .bind(&freed.meeting_point)
        .bind(freed.agency_id)
        .bind(expires_at)
        .execute(&mut **work)
        .await?;
        tell(work, Event::WaitlistOffer, freed, entry.student_id, id).await?;
    }
    if offered > 0 {
        let change = crate::audit::Change {
            action: "waitlist.offer",
            entity: "lesson",
            entity_id: Some(freed.id),
            before: None,
            after: Some(json!({"offers": offered, "expires_at": expires_at})),
        };
        work.audit().record(change).await?;
    }
    Ok(offered)
}

/// The lesson this student would get from the freed slot.
fn lesson_for(freed: &Lesson, student: Uuid) -> LessonInput {
    LessonInput {
        kind: LessonKind::Driving,
        starts_at: freed.starts_at,
        ends_at: freed.ends_at,
        student_id: Some(student),
        instructor_id: freed.instructor_id,
        vehicle_id: freed.vehicle_id,
        attendee_ids: vec![],
        capacity: None,
        room_id: None,
        meeting_point: freed.meeting_point.clone(),
        agency_id: Some(freed.agency_id),
        block_reason: None,
        note: None,
        comment: None,
    }
}

/// Would the planning book this slot for this student, within their bookable hours?
async fn eligible(work: &mut Work, freed: &Lesson, student: Uuid) -> AppResult<bool> {
    match booking::plan(work, lesson_for(freed, student), None, None, true).await {
        Ok(planned) => Ok(!planned.warnings.iter().any(|w| w.code == "insufficient_hours")),
        Err(AppError::Unprocessable { .. } | AppError::Conflict { .. } | AppError::BadRequest { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn tell(work: &mut Work, event: Event, freed: &Lesson, student: Uuid, offer: Uuid) -> AppResult<()> {
    let raised = Raised {
        event,
        key: format!("{}:{offer}", event.as_str()),
        students: vec![student],
        instructor: None,
        requester: None,
        actor: None,
        about: About::Lesson {
            lesson_id: freed.id,
            kind: LessonKind::Driving.as_str(),
            starts_at: freed.starts_at,
            ends_at: freed.ends_at,
            previous_starts_at: None,
            instructor_id: freed.instructor_id,
            meeting_point: freed.meeting_point.clone(),
            reason: None,
        },
    };
    notifications::raise(work, raised).await
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    id: Uuid,
    student_id: Uuid,
    student_name: String,
    freed_lesson_id: Uuid,
    rank: i32,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    instructor_id: Uuid,
    instructor_name: String,
    vehicle_id: Option<Uuid>,
    meeting_point: Option<String>,
    status: String,
    expires_at: DateTime<Utc>,
    booked_lesson_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl OfferRow {
    fn view(self, now: DateTime<Utc>) -> AppResult<WaitlistOffer> {
        let mut status: OfferStatus = crate::db::from_text(&self.status)?;
        if status == OfferStatus::Offered && self.expires_at <= now {
            status = OfferStatus::Expired;
        }
        Ok(WaitlistOffer {
            id: self.id,
            student_id: self.student_id,
            student_name: self.student_name,
            freed_lesson_id: self.freed_lesson_id,
            rank: self.rank,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            instructor_id: self.instructor_id,
            instructor_name: self.instructor_name,
            vehicle_id: self.vehicle_id,
            meeting_point: self.meeting_point,
            status,
            expires_at: self.expires_at,
            booked_lesson_id: self.booked_lesson_id,
            created_at: self.created_at,
        })
    }
}

const OFFERS: &str = "SELECT o.id, o.student_id, s.first_name || ' ' || s.last_name AS student_name, o.freed_lesson_id,
        o.rank, o.starts_at, o.ends_at, o.instructor_id, i.first_name || ' ' || i.last_name AS instructor_name,
        o.vehicle_id, o.meeting_point, o.status, o.expires_at, o.booked_lesson_id, o.created_at
   FROM waitlist_offers o
   JOIN students s ON s.tenant_id = o.tenant_id AND s.id = o.student_id
   JOIN instructors i ON i.tenant_id = o.tenant_id AND i.id = o.instructor_id
  WHERE o.tenant_id = $1";

/// The offers of the last 30 days (and those still to come): the office all, a student theirs.
pub async fn offers(work: &mut Work) -> AppResult<Vec<WaitlistOffer>> {
    let student = match work.viewer {
        Viewer::Office => None,
        Viewer::Student(me) => Some(me),
        Viewer::Instructor(_) | Viewer::Nobody => return Err(AppError::forbidden()),
    };
    let rows: Vec<OfferRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{OFFERS} AND ($2::uuid IS NULL OR o.student_id = $2) AND o.created_at > now() - interval '30 days'
          ORDER BY o.starts_at DESC, o.rank LIMIT 500"
    )))
    .bind(work.tenant().0)
    .bind(student)
    .fetch_all(&mut **work)
    .await?;
    let now = Utc::now();
    rows.into_iter().map(|r| r.view(now)).collect()
}

/// The offer, if the viewer may answer it (the office for anyone, a student their own).
async fn offer(work: &mut Work, id: Uuid) -> AppResult<WaitlistOffer> {
    let offer = offer_after(work, id).await?;
    match work.viewer {
        Viewer::Office => Ok(offer),
        Viewer::Student(me) if me == offer.student_id => Ok(offer),
        _ => Err(AppError::NotFound),
    }
}

fn taken() -> AppError {
    AppError::Conflict {
        detail: "Déjà pris : un autre élève a accepté ce créneau avant vous.".into(),
        conflicts: json!([{"resource": "waitlist_offer"}]),
    }
}

fn not_open(offer: &WaitlistOffer) -> AppError {
    match offer.status {
        OfferStatus::Taken | OfferStatus::Accepted => taken(),
        OfferStatus::Expired => AppError::rule("waitlist_offer_expired", "Cette proposition a expiré."),
        _ => AppError::rule("waitlist_offer_closed", "Cette proposition n'est plus ouverte."),
    }
}

/// The student takes the freed slot: their lesson is planned (every rule checked again) and the
/// other offers of the slot are closed as taken, all in one transaction.
pub async fn accept(work: &mut Work, id: Uuid) -> AppResult<Planned> {
    let freed: Option<Uuid> =
        sqlx::query_scalar("SELECT freed_lesson_id FROM waitlist_offers WHERE tenant_id = $1 AND id = $2")
            .bind(work.tenant().0)
            .bind(id)
            .fetch_optional(&mut **work)
            .await?;
    // The accepts of one slot queue here, so each reads what the one before it decided.
    let tenant = work.tenant();
    let freed =
        super::repo::get(work, tenant, freed.ok_or(AppError::NotFound)?, true).await?.ok_or(AppError::NotFound)?;
    let offer = offer(work, id).await?;
    if offer.status != OfferStatus::Offered {
        return Err(not_open(&offer));
    }
    if freed.status != LessonStatus::Cancelled {
        return Err(AppError::rule("waitlist_offer_closed", "Ce créneau n'est plus libre."));
    }
    let mut input = lesson_for(&freed, offer.student_id);
    input.note = Some("Créneau pris sur la liste d'attente.".into());
    let planned = booking::plan(work, input, None, None, false).await?;
    let accepted = sqlx::query(
        "UPDATE waitlist_offers SET status = 'accepted', booked_lesson_id = $3, decided_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status = 'offered'",
    )
    .bind(work.tenant().0)
    .bind(id)
    .bind(planned.lesson.id)
    .execute(&mut **work)
    .await;
    match accepted {
        Err(e) if violated_constraint(&e) == Some("waitlist_offers_one_taker") => return Err(taken()),
        other => other?,
    };
    let others: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "UPDATE waitlist_offers SET status = 'taken', decided_at = now()
          WHERE tenant_id = $1 AND freed_lesson_id = $2 AND status = 'offered' RETURNING id, student_id",
    )
    .bind(work.tenant().0)
    .bind(freed.id)
    .fetch_all(&mut **work)
    .await?;
    for (other, student) in others {
        tell(work, Event::WaitlistTaken, &freed, student, other).await?;
    }
    let after = offer_after(work, id).await?;
    work.audit().updated("waitlist_offer", id, &offer, &after).await?;
    Ok(planned)
}

/// The offer as it stands, whoever asks.
async fn offer_after(work: &mut Work, id: Uuid) -> AppResult<WaitlistOffer> {
    let row: Option<OfferRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{OFFERS} AND o.id = $2")))
        .bind(work.tenant().0)
        .bind(id)
        .fetch_optional(&mut **work)
        .await?;
    row.ok_or(AppError::NotFound)?.view(Utc::now())
}

/// The student lets the slot go to the others.
pub async fn decline(work: &mut Work, id: Uuid) -> AppResult<WaitlistOffer> {
    let before = offer(work, id).await?;
    if before.status != OfferStatus::Offered {
        return Err(not_open(&before));
    }
    sqlx::query(
        "UPDATE waitlist_offers SET status = 'declined', decided_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status = 'offered'",
    )
    .bind(work.tenant().0)
    .bind(id)
    .execute(&mut **work)
    .await?;
    let after = offer_after(work, id).await?;
    work.audit().updated("waitlist_offer", id, &before, &after).await?;
    Ok(after)
}
