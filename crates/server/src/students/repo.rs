use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::{
    ids::{StudentId, TenantId},
    student::StudentStatus,
};

use super::{Aac, Guardian, StartEvaluation, Student, StudentInput};
use crate::db::{from_text, to_text};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    status: String,
    end_reason: Option<String>,
    civility: Option<String>,
    first_name: String,
    last_name: String,
    birth_name: Option<String>,
    birth_date: NaiveDate,
    birth_place: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    guardian: Option<Json<Guardian>>,
    neph: Option<String>,
    ants_status: String,
    category: String,
    training_mode: String,
    funding: String,
    agency_id: Uuid,
    referent_instructor_id: Option<Uuid>,
    user_id: Option<Uuid>,
    start_evaluation: Option<Json<StartEvaluation>>,
    contract_signed_on: Option<NaiveDate>,
    aac: Option<Json<Aac>>,
    notes: Option<String>,
    remaining_minutes: i64,
    scheduled_minutes: i64,
    created_at: DateTime<Utc>,
    version: i32,
}

impl TryFrom<Row> for Student {
    type Error = sqlx::Error;
    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        Ok(Student {
            id: r.id,
            status: from_text(&r.status)?,
            end_reason: r.end_reason.as_deref().map(from_text).transpose()?,
            civility: r.civility.as_deref().map(from_text).transpose()?,
            first_name: r.first_name,
            last_name: r.last_name,
            birth_name: r.birth_name,
            birth_date: r.birth_date,
            birth_place: r.birth_place,
            email: r.email,
            phone: r.phone,
            address: r.address,
            guardian: r.guardian.map(|j| j.0),
            neph: r.neph,
            ants_status: from_text(&r.ants_status)?,
            category: from_text(&r.category)?,
            training_mode: from_text(&r.training_mode)?,
            funding: from_text(&r.funding)?,
            agency_id: r.agency_id,
            referent_instructor_id: r.referent_instructor_id,
            user_id: r.user_id,
            start_evaluation: r.start_evaluation.map(|j| j.0),
            contract_signed_on: r.contract_signed_on,
            aac: r.aac.map(|j| j.0),
            notes: r.notes,
            remaining_minutes: r.remaining_minutes,
            bookable_minutes: r.remaining_minutes - r.scheduled_minutes,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

/// The file's columns, and its hours figures computed from the ledger and its planned driving
/// lessons: never from a stored counter.
const SELECT: &str = "SELECT s.id, s.status, s.end_reason, s.civility, s.first_name, s.last_name, s.birth_name,
        s.birth_date, s.birth_place, s.email, s.phone, s.address, s.guardian, s.neph, s.ants_status, s.category,
        s.training_mode, s.funding, s.agency_id, s.referent_instructor_id, s.user_id, s.start_evaluation,
        s.contract_signed_on, s.aac, s.notes, s.created_at, s.version,
        coalesce((SELECT sum(h.minutes) FROM hours_ledger h WHERE h.tenant_id = s.tenant_id AND h.student_id = s.id), 0)::bigint
          AS remaining_minutes,
        coalesce((SELECT sum(extract(epoch FROM l.ends_at - l.starts_at) / 60) FROM lessons l
                   WHERE l.tenant_id = s.tenant_id AND l.student_id = s.id AND l.kind = 'driving' AND l.status = 'planned'), 0)::bigint
          AS scheduled_minutes
   FROM students s";

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<Student>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE OF s" } else { "" };
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.tenant_id = $1 AND s.id = $2{lock}")))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(Student::try_from).transpose()
}

pub async fn id_of_user(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM students WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(user)
        .fetch_optional(conn)
        .await
}

pub struct Filter {
    /// Folded words; each must start a word of the file's search text.
    pub words: Vec<String>,
    /// `None`: every status but `archived`.
    pub status: Option<StudentStatus>,
    pub referent: Option<Uuid>,
    /// Students this instructor teaches: their referent, or with a lesson with them.
    pub taught_by: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    /// Only this file (a student's own).
    pub only: Option<Uuid>,
    pub after: Option<(String, Uuid)>,
    pub limit: i64,
}

pub async fn list(conn: &mut PgConnection, tenant: TenantId, f: &Filter) -> Result<Vec<Student>, sqlx::Error> {
    let tsquery = f.words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
    let (after_key, after_id) = match &f.after {
        Some((k, id)) => (Some(k.clone()), Some(*id)),
        None => (None, None),
    };
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT}
          WHERE s.tenant_id = $1
            AND ($2 = '' OR s.search_vector @@ to_tsquery('simple', $2))
            AND (CASE WHEN $3::text IS NULL THEN s.status <> 'archived' ELSE s.status = $3 END)
            AND ($4::uuid IS NULL OR s.referent_instructor_id = $4)
            AND ($10::uuid IS NULL OR s.referent_instructor_id = $10 OR EXISTS (
                  SELECT FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
                   WHERE p.tenant_id = s.tenant_id AND p.student_id = s.id AND l.instructor_id = $10))
            AND ($5::uuid IS NULL OR s.agency_id = $5)
            AND ($6::uuid IS NULL OR s.id = $6)
            AND ($7::text IS NULL OR (s.sort_key, s.id) > ($7, $8))
          ORDER BY s.sort_key, s.id LIMIT $9"
    )))
    .bind(tenant.0)
    .bind(tsquery)
    .bind(f.status.as_ref().map(to_text))
    .bind(f.referent)
    .bind(f.agency_id)
    .bind(f.only)
    .bind(after_key)
    .bind(after_id)
    .bind(f.limit)
    .bind(f.taught_by)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Student::try_from).collect()
}

fn json_opt<T: serde::Serialize>(v: &Option<T>) -> Option<Json<&T>> {
    v.as_ref().map(Json)
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    agency: Uuid,
    s: &StudentInput,
) -> Result<Uuid, sqlx::Error> {
    let id = StudentId::new().0;
    sqlx::query(
        "INSERT INTO students (tenant_id, id, status, end_reason, civility, first_name, last_name, birth_name, birth_date,
                birth_place, email, phone, address, guardian, neph, ants_status, category, training_mode, funding,
                agency_id, referent_instructor_id, start_evaluation, contract_signed_on, aac, notes, search_text, sort_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                 $23, $24, $25, $26, $27)",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(to_text(&s.status))
    .bind(s.end_reason.as_ref().map(to_text))
    .bind(s.civility.as_ref().map(to_text))
    .bind(&s.first_name)
    .bind(&s.last_name)
    .bind(&s.birth_name)
    .bind(s.birth_date)
    .bind(&s.birth_place)
    .bind(&s.email)
    .bind(&s.phone)
    .bind(&s.address)
    .bind(json_opt(&s.guardian))
    .bind(&s.neph)
    .bind(to_text(&s.ants_status))
    .bind(to_text(&s.category))
    .bind(to_text(&s.training_mode))
    .bind(to_text(&s.funding))
    .bind(agency)
    .bind(s.referent_instructor_id)
    .bind(json_opt(&s.start_evaluation))
    .bind(s.contract_signed_on)
    .bind(json_opt(&s.aac))
    .bind(&s.notes)
    .bind(Student::search_text(s))
    .bind(volant_domain::search::sort_key(&s.last_name, &s.first_name))
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    agency: Uuid,
    s: &StudentInput,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE students SET status = $3, end_reason = $4, civility = $5, first_name = $6, last_name = $7,
                birth_name = $8, birth_date = $9, birth_place = $10, email = $11, phone = $12, address = $13,
                guardian = $14, neph = $15, ants_status = $16, category = $17, training_mode = $18, funding = $19,
                agency_id = $20, referent_instructor_id = $21, start_evaluation = $22, contract_signed_on = $23,
                aac = $24, notes = $25, search_text = $26, sort_key = $27, version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(to_text(&s.status))
    .bind(s.end_reason.as_ref().map(to_text))
    .bind(s.civility.as_ref().map(to_text))
    .bind(&s.first_name)
    .bind(&s.last_name)
    .bind(&s.birth_name)
    .bind(s.birth_date)
    .bind(&s.birth_place)
    .bind(&s.email)
    .bind(&s.phone)
    .bind(&s.address)
    .bind(json_opt(&s.guardian))
    .bind(&s.neph)
    .bind(to_text(&s.ants_status))
    .bind(to_text(&s.category))
    .bind(to_text(&s.training_mode))
    .bind(to_text(&s.funding))
    .bind(agency)
    .bind(s.referent_instructor_id)
    .bind(json_opt(&s.start_evaluation))
    .bind(s.contract_signed_on)
    .bind(json_opt(&s.aac))
    .bind(&s.notes)
    .bind(Student::search_text(s))
    .bind(volant_domain::search::sort_key(&s.last_name, &s.first_name))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Archives (remembering the status to restore) or restores a file.
pub async fn set_archived(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    archived: bool,
) -> Result<(), sqlx::Error> {
    let sql = if archived {
        "UPDATE students SET status_before_archive = status, status = 'archived', version = version + 1
          WHERE tenant_id = $1 AND id = $2 AND status <> 'archived'"
    } else {
        "UPDATE students SET status = coalesce(status_before_archive, 'active'), status_before_archive = NULL,
                version = version + 1
          WHERE tenant_id = $1 AND id = $2 AND status = 'archived'"
    };
    sqlx::query(sql).bind(tenant.0).bind(id).execute(conn).await.map(|_| ())
}

/// The day the training contract was signed (set by its electronic signature).
pub async fn set_contract_signed_on(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    on: chrono::NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE students SET contract_signed_on = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .bind(on)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The registration as the platform confirmed it: `ants_status`, and the NEPH when given.
pub async fn set_registration(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    ants_status: &str,
    neph: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE students SET ants_status = $3, neph = COALESCE($4, neph), version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(ants_status)
    .bind(neph)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn link_user(conn: &mut PgConnection, tenant: TenantId, id: Uuid, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE students SET user_id = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .bind(user)
        .execute(conn)
        .await
        .map(|_| ())
}

/// GDPR erasure: the person's data is replaced; ids, dates of the ledger and invoices stay.
pub async fn anonymise(conn: &mut PgConnection, tenant: TenantId, id: Uuid, label: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE students SET first_name = 'Anonyme', last_name = $3, birth_name = NULL,
                birth_date = make_date(extract(year FROM birth_date)::int, 1, 1), birth_place = NULL, email = NULL,
                phone = NULL, address = NULL, guardian = NULL, neph = NULL, notes = NULL, aac = NULL,
                search_text = '', sort_key = $3, status_before_archive = CASE WHEN status = 'archived' THEN status_before_archive ELSE status END,
                status = 'archived', erased_at = now(), version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(label)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM student_document_files f USING student_documents d
          WHERE f.tenant_id = $1 AND d.tenant_id = $1 AND f.document_id = d.id AND d.student_id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE student_documents SET file_name = 'effacé', replaced_at = coalesce(replaced_at, now()) WHERE tenant_id = $1 AND student_id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // A registration on the public site keeps when consent was given, not who gave it from where.
    sqlx::query("UPDATE site_registrations SET ip = NULL, user_agent = NULL, message = NULL WHERE tenant_id = $1 AND student_id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Does this instructor teach this student (referent, or a lesson together)?
pub async fn is_taught_by(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    instructor: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT FROM students WHERE tenant_id = $1 AND id = $2 AND referent_instructor_id = $3)
             OR EXISTS (SELECT FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
                         WHERE p.tenant_id = $1 AND p.student_id = $2 AND l.instructor_id = $3)",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(instructor)
    .fetch_one(conn)
    .await
}

/// Another file of the school, as a duplicate check names it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OtherFile {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub neph: Option<String>,
}

/// The file that already holds this NEPH, other than `except`.
pub async fn holder_of_neph(
    conn: &mut PgConnection,
    tenant: TenantId,
    neph: &str,
    except: Option<Uuid>,
) -> Result<Option<OtherFile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, first_name, last_name, birth_date, neph FROM students
          WHERE tenant_id = $1 AND neph = $2 AND id IS DISTINCT FROM $3 LIMIT 1",
    )
    .bind(tenant.0)
    .bind(neph)
    .bind(except)
    .fetch_optional(conn)
    .await
}

/// Probable duplicates: files with the same names once case and accents are folded (the sort
/// key, which `students_by_name` indexes) and the same birth date.
pub async fn probable_duplicates(
    conn: &mut PgConnection,
    tenant: TenantId,
    s: &StudentInput,
    except: Option<Uuid>,
) -> Result<Vec<OtherFile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, first_name, last_name, birth_date, neph FROM students
          WHERE tenant_id = $1 AND sort_key = $2 AND birth_date = $3 AND id IS DISTINCT FROM $4
          ORDER BY created_at LIMIT 5",
    )
    .bind(tenant.0)
    .bind(volant_domain::search::sort_key(&s.last_name, &s.first_name))
    .bind(s.birth_date)
    .bind(except)
    .fetch_all(conn)
    .await
}

/// Deactivates the person's membership of the school (an erased student signs in no more).
pub async fn deactivate_membership(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET active = false, version = version + 1 WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(user)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Revokes the person's open sessions in the school.
pub async fn revoke_sessions(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = now() WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL")
        .bind(tenant.0)
        .bind(user)
        .execute(conn)
        .await
        .map(|_| ())
}

/// One event of a student's timeline.
#[derive(Debug, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct HistoryItem {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// A stable code, e.g. `student.create`, `student.status`, `student.hours.purchase`.
    pub action: String,
    /// The same in French.
    #[sqlx(skip)]
    pub label: String,
    pub actor_name: Option<String>,
    /// For a lesson event, when that lesson takes place (as the event left it).
    pub lesson_starts_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub seq: i64,
}

/// The events of a student's file, its lessons and its exams, newest first: at most `limit`,
/// before the audit sequence number `before_seq` when given (labels left empty).
pub async fn history(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<HistoryItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.occurred_at AS at, l.action, u.display_name AS actor_name, l.seq,
                CASE WHEN l.entity = 'lesson' THEN coalesce((p.after ->> 'starts_at')::timestamptz,
                                                            (p.after -> 'lesson' ->> 'starts_at')::timestamptz,
                                                            les.starts_at) END AS lesson_starts_at
           FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
           LEFT JOIN audit_payloads p ON p.tenant_id = l.tenant_id AND p.audit_id = l.id
           LEFT JOIN lessons les ON l.entity = 'lesson' AND les.tenant_id = l.tenant_id AND les.id = l.entity_id
          WHERE l.tenant_id = $1 AND ($3::bigint IS NULL OR l.seq < $3)
            AND ((l.entity = 'student' AND l.entity_id = $2)
                 OR (l.entity = 'lesson' AND l.entity_id IN (SELECT p.lesson_id FROM lesson_participants p
                                                              WHERE p.tenant_id = $1 AND p.student_id = $2))
                 OR (l.entity = 'exam' AND l.entity_id IN (SELECT e.id FROM exams e
                                                            WHERE e.tenant_id = $1 AND e.student_id = $2)))
          ORDER BY l.seq DESC LIMIT $4",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(before_seq)
    .bind(limit)
    .fetch_all(conn)
    .await
}
