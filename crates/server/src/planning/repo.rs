use chrono::{DateTime, Utc};
use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::{ids::TenantId, planning::Finding};

use super::{BlockReason, CancelledBy, Conflict, Lesson, LessonKind, LessonStatus};
use crate::db::{from_text, to_text};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    status: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    student_id: Option<Uuid>,
    instructor_id: Option<Uuid>,
    vehicle_id: Option<Uuid>,
    attendee_ids: Vec<Uuid>,
    capacity: Option<i32>,
    room_id: Option<Uuid>,
    meeting_point: Option<String>,
    agency_id: Uuid,
    series_id: Option<Uuid>,
    block_reason: Option<String>,
    note: Option<String>,
    comment: Option<String>,
    cancel_reason: Option<String>,
    cancelled_by: Option<String>,
    cancelled_at: Option<DateTime<Utc>>,
    charged: bool,
    warnings: Json<Vec<Finding>>,
    version: i32,
}

impl TryFrom<Row> for Lesson {
    type Error = sqlx::Error;
    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        Ok(Lesson {
            id: r.id,
            kind: from_text(&r.kind)?,
            status: from_text(&r.status)?,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            student_id: r.student_id,
            instructor_id: r.instructor_id,
            vehicle_id: r.vehicle_id,
            attendee_ids: r.attendee_ids,
            capacity: r.capacity,
            room_id: r.room_id,
            meeting_point: r.meeting_point,
            agency_id: r.agency_id,
            series_id: r.series_id,
            block_reason: r.block_reason.as_deref().map(from_text::<BlockReason>).transpose()?,
            note: r.note,
            comment: r.comment,
            cancel_reason: r.cancel_reason,
            cancelled_by: r.cancelled_by.as_deref().map(from_text::<CancelledBy>).transpose()?,
            cancelled_at: r.cancelled_at,
            charged: r.charged,
            warnings: r.warnings.0,
            version: r.version,
        })
    }
}

const SELECT: &str =
    "SELECT l.id, l.kind, l.status, l.starts_at, l.ends_at, l.student_id, l.instructor_id, l.vehicle_id,
        CASE WHEN l.kind IN ('code', 'exam') THEN coalesce((SELECT array_agg(p.student_id ORDER BY p.student_id)
              FROM lesson_participants p WHERE p.tenant_id = l.tenant_id AND p.lesson_id = l.id), '{}') ELSE '{}' END
          AS attendee_ids,
        l.capacity, l.room_id, l.meeting_point, l.agency_id, l.series_id, l.block_reason, l.note, l.comment,
        l.cancel_reason, l.cancelled_by, l.cancelled_at, l.charged, l.warnings, l.version
   FROM lessons l";

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<Lesson>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE OF l" } else { "" };
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE l.tenant_id = $1 AND l.id = $2{lock}")))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(Lesson::try_from).transpose()
}

/// Filters of the planning window. `only_instructor` and `only_student` narrow it to what an
/// instructor or a student may see.
#[derive(Default)]
pub struct Window {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub instructor_id: Option<Uuid>,
    pub student_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub kind: Option<LessonKind>,
    pub series_id: Option<Uuid>,
    pub status: Option<LessonStatus>,
    pub limit: i64,
}

/// A lesson lasts at most this long, a block at most that long (`check_shape`, and the constraint
/// `lessons_bounded_length`): what overlaps a window starts at most this long before it.
pub const MAX_LESSON_HOURS: i64 = 12;
pub const MAX_BLOCK_DAYS: i64 = 366;

/// The lessons overlapping `[from, to)`, by start.
pub async fn window(conn: &mut PgConnection, tenant: TenantId, w: &Window) -> Result<Vec<Lesson>, sqlx::Error> {
    // Two bounded ranges of the (tenant_id, starts_at) B-trees, with leakproof comparisons only
    // (see migration 20261202000002: under row-level security the period's GiST index is unusable).
    let filters = "AND ($4::uuid IS NULL OR l.instructor_id = $4)
            AND ($5::uuid IS NULL OR l.student_id = $5 OR EXISTS (SELECT FROM lesson_participants p
                  WHERE p.tenant_id = l.tenant_id AND p.lesson_id = l.id AND p.student_id = $5))
            AND ($6::uuid IS NULL OR l.vehicle_id = $6)
            AND ($7::uuid IS NULL OR l.agency_id = $7)
            AND ($8::text IS NULL OR l.kind = $8)
            AND ($9::uuid IS NULL OR l.series_id = $9)
            AND ($10::text IS NULL OR l.status = $10)";
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT * FROM (
           {SELECT}
            WHERE l.tenant_id = $1 AND l.kind <> 'unavailability'
              AND l.starts_at >= $2::timestamptz - make_interval(hours => $12) AND l.starts_at < $3::timestamptz
              AND l.ends_at > $2 {filters}
           UNION ALL
           {SELECT}
            WHERE l.tenant_id = $1 AND l.kind = 'unavailability'
              AND l.starts_at >= $2::timestamptz - make_interval(days => $13) AND l.starts_at < $3::timestamptz
              AND l.ends_at > $2::timestamptz {filters}
         ) window_lessons
         ORDER BY starts_at, id LIMIT $11"
    )))
    .bind(tenant.0)
    // A window without bounds (a series' lessons) spans every date the planning can hold.
    .bind(w.from.unwrap_or(DateTime::UNIX_EPOCH))
    .bind(w.to.unwrap_or_else(|| DateTime::UNIX_EPOCH + chrono::Duration::days(365 * 300)))
    .bind(w.instructor_id)
    .bind(w.student_id)
    .bind(w.vehicle_id)
    .bind(w.agency_id)
    .bind(w.kind.as_ref().map(to_text))
    .bind(w.series_id)
    .bind(w.status.as_ref().map(to_text))
    .bind(w.limit)
    .bind(i32::try_from(MAX_LESSON_HOURS).unwrap_or(i32::MAX))
    .bind(i32::try_from(MAX_BLOCK_DAYS).unwrap_or(i32::MAX))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Lesson::try_from).collect()
}

/// The fields a write sets.
pub struct Write<'a> {
    pub id: Uuid,
    pub kind: LessonKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub student_id: Option<Uuid>,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub capacity: Option<i32>,
    pub room_id: Option<Uuid>,
    pub meeting_point: Option<&'a str>,
    pub agency_id: Uuid,
    pub series_id: Option<Uuid>,
    pub block_reason: Option<BlockReason>,
    pub note: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub warnings: &'a [Finding],
}

/// Writes a new lesson and its participants in one statement and returns it as stored.
pub async fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    w: &Write<'_>,
    students: &[Uuid],
) -> Result<Lesson, sqlx::Error> {
    // The participants' foreign key is checked at the end of the statement, when the lesson exists.
    let row: Row = sqlx::query_as(
        "WITH l AS (
            INSERT INTO lessons (tenant_id, id, kind, starts_at, ends_at, student_id, instructor_id, vehicle_id,
                                 capacity, room_id, meeting_point, agency_id, series_id, block_reason, note, comment,
                                 warnings)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            RETURNING *),
          p AS (
            INSERT INTO lesson_participants (tenant_id, lesson_id, student_id, period, status)
            SELECT l.tenant_id, l.id, s, l.period, l.status FROM l, unnest($18::uuid[]) s)
         SELECT l.id, l.kind, l.status, l.starts_at, l.ends_at, l.student_id, l.instructor_id, l.vehicle_id,
                CASE WHEN l.kind IN ('code', 'exam')
                     THEN (SELECT coalesce(array_agg(s ORDER BY s), '{}') FROM unnest($18::uuid[]) s)
                     ELSE '{}' END AS attendee_ids,
                l.capacity, l.room_id, l.meeting_point, l.agency_id, l.series_id, l.block_reason, l.note,
                l.comment, l.cancel_reason, l.cancelled_by, l.cancelled_at, l.charged, l.warnings, l.version
           FROM l",
    )
    .bind(tenant.0)
    .bind(w.id)
    .bind(to_text(&w.kind))
    .bind(w.starts_at)
    .bind(w.ends_at)
    .bind(w.student_id)
    .bind(w.instructor_id)
    .bind(w.vehicle_id)
    .bind(w.capacity)
    .bind(w.room_id)
    .bind(w.meeting_point)
    .bind(w.agency_id)
    .bind(w.series_id)
    .bind(w.block_reason.as_ref().map(to_text))
    .bind(w.note)
    .bind(w.comment)
    .bind(Json(w.warnings))
    .bind(students)
    .fetch_one(conn)
    .await?;
    Lesson::try_from(row)
}

pub async fn update(conn: &mut PgConnection, tenant: TenantId, w: &Write<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE lessons SET starts_at = $3, ends_at = $4, student_id = $5, instructor_id = $6, vehicle_id = $7,
                capacity = $8, room_id = $9, meeting_point = $10, agency_id = $11, block_reason = $12, note = $13,
                comment = $14, warnings = $15, version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(w.id)
    .bind(w.starts_at)
    .bind(w.ends_at)
    .bind(w.student_id)
    .bind(w.instructor_id)
    .bind(w.vehicle_id)
    .bind(w.capacity)
    .bind(w.room_id)
    .bind(w.meeting_point)
    .bind(w.agency_id)
    .bind(w.block_reason.as_ref().map(to_text))
    .bind(w.note)
    .bind(w.comment)
    .bind(Json(w.warnings))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Makes the lesson's participants exactly `students` (with the lesson's period and status).
pub async fn set_participants(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    students: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM lesson_participants WHERE tenant_id = $1 AND lesson_id = $2 AND NOT (student_id = ANY($3))",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(students)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO lesson_participants (tenant_id, lesson_id, student_id, period, status)
         SELECT $1, l.id, s, l.period, l.status FROM lessons l, unnest($3::uuid[]) s
          WHERE l.tenant_id = $1 AND l.id = $2
         -- Only the row already there is skipped; an overlap (exclusion constraint) must raise.
         ON CONFLICT (tenant_id, lesson_id, student_id) DO NOTHING",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(students)
    .execute(conn)
    .await
    .map(|_| ())
}

pub struct StatusChange<'a> {
    pub status: LessonStatus,
    pub comment: Option<&'a str>,
    pub cancel_reason: Option<&'a str>,
    pub cancelled_by: Option<CancelledBy>,
    pub charged: bool,
}

pub async fn set_status(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    c: &StatusChange<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE lessons SET status = $3, comment = coalesce($4, comment), cancel_reason = $5, cancelled_by = $6,
                cancelled_at = CASE WHEN $3 = 'cancelled' THEN now() ELSE cancelled_at END, charged = $7,
                version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(to_text(&c.status))
    .bind(c.comment)
    .bind(c.cancel_reason)
    .bind(c.cancelled_by.as_ref().map(to_text))
    .bind(c.charged)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A period and the resources it would take.
pub struct Slot<'a> {
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub instructor: Option<Uuid>,
    pub vehicle: Option<Uuid>,
    pub students: &'a [Uuid],
}

/// The lessons and blocks that overlap the slot on any of its resources (`except` the lesson
/// being moved), each once, named by its first resource in conflict (instructor, vehicle,
/// student). One branch per resource, each written with the predicate of the exclusion
/// constraint's partial GiST index so that PostgreSQL uses it: a single query over the three
/// resources at once walked the school's whole period index (24 ms a booking on the medium set).
pub async fn conflicts(
    conn: &mut PgConnection,
    tenant: TenantId,
    slot: &Slot<'_>,
    except: Option<Uuid>,
) -> Result<Vec<Conflict>, sqlx::Error> {
    let Slot { starts, ends, instructor, vehicle, students } = *slot;
    sqlx::query_as(
        "SELECT lesson_id, kind, resource, starts_at, ends_at FROM (
           SELECT DISTINCT ON (lesson_id) * FROM (
             SELECT l.id AS lesson_id, l.kind, 'instructor' AS resource, 1 AS rank, l.starts_at, l.ends_at
               FROM lessons l
              WHERE l.tenant_id = $1 AND l.instructor_id = $4 AND l.status <> 'cancelled'
                AND l.instructor_id IS NOT NULL AND l.period && tstzrange($2, $3, '[)')
             UNION ALL
             SELECT l.id, l.kind, 'vehicle', 2, l.starts_at, l.ends_at
               FROM lessons l
              WHERE l.tenant_id = $1 AND l.vehicle_id = $5 AND l.status <> 'cancelled'
                AND l.vehicle_id IS NOT NULL AND l.period && tstzrange($2, $3, '[)')
             UNION ALL
             SELECT l.id, l.kind, 'student', 3, l.starts_at, l.ends_at
               FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
              WHERE p.tenant_id = $1 AND p.student_id = ANY($6) AND p.status <> 'cancelled'
                AND p.period && tstzrange($2, $3, '[)')
           ) found
           WHERE $7::uuid IS NULL OR lesson_id <> $7
           ORDER BY lesson_id, rank) conflicts
         ORDER BY starts_at",
    )
    .bind(tenant.0)
    .bind(starts)
    .bind(ends)
    .bind(instructor)
    .bind(vehicle)
    .bind(students)
    .bind(except)
    .fetch_all(conn)
    .await
}

/// The records a lesson names, as the rules need them, read in one statement.
#[derive(Debug, serde::Deserialize)]
pub struct FactRows {
    pub instructor: Option<InstructorRow>,
    pub vehicle: Option<VehicleRow>,
    /// The students found, with their position in the request (from 1).
    #[serde(default)]
    pub students: Vec<StudentRow>,
    pub room_found: bool,
    pub room_capacity: Option<i32>,
    /// The lesson's agency: the one asked for, else the instructor's, else the school's first.
    pub agency: Option<AgencyRow>,
}

#[derive(Debug, serde::Deserialize)]
pub struct InstructorRow {
    pub first_name: String,
    pub last_name: String,
    pub active: bool,
    pub authorisation_expires_on: Option<chrono::NaiveDate>,
    pub weekly_availability: Vec<volant_domain::schedule::WeeklyRange>,
    pub external_busy: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct VehicleRow {
    pub plate: String,
    pub kind: String,
    pub dual_controls: bool,
    pub status: String,
    pub gearbox: String,
    pub inspection_due_on: Option<chrono::NaiveDate>,
    pub insurance_expires_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, serde::Deserialize)]
pub struct StudentRow {
    pub n: i64,
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub status: String,
    pub ants_status: String,
    pub has_start_evaluation: bool,
    pub has_contract: bool,
    pub category: String,
    /// The ledger's balance, in minutes.
    pub ledger_minutes: i64,
    /// Planned driving lessons not yet marked, in minutes.
    pub scheduled_minutes: i64,
}

#[derive(Debug, serde::Deserialize)]
pub struct AgencyRow {
    pub id: Uuid,
    pub opening_hours: Vec<volant_domain::schedule::WeeklyRange>,
    pub closures: Vec<crate::agencies::Closure>,
    pub alsace_moselle: bool,
}

/// What a lesson names, for its checks.
pub struct Named<'a> {
    pub instructor: Option<Uuid>,
    pub vehicle: Option<Uuid>,
    pub students: &'a [Uuid],
    pub room: Option<Uuid>,
    pub agency: Option<Uuid>,
    /// The lesson's period (the instructor's external busy times are looked up in it).
    pub period: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
}

/// Every fact of a booking in one round trip (it was eight): each record as JSON, so that a
/// missing one is a null the caller turns into a field error.
pub async fn facts(conn: &mut PgConnection, tenant: TenantId, named: &Named<'_>) -> Result<FactRows, sqlx::Error> {
    let Json(rows): Json<FactRows> = sqlx::query_scalar(
        "WITH ins AS (SELECT first_name, last_name, active, authorisation_expires_on, weekly_availability, agency_id,
                             (SELECT coalesce(b.summary, 'occupé') FROM external_busy b
                               WHERE b.tenant_id = $1 AND b.instructor_id = $2
                                 AND tstzrange(b.starts_at, b.ends_at) && tstzrange($7, $8)
                               ORDER BY b.starts_at LIMIT 1) AS external_busy
                        FROM instructors WHERE tenant_id = $1 AND id = $2),
              veh AS (SELECT plate, kind, dual_controls, status, gearbox, inspection_due_on, insurance_expires_on
                        FROM vehicles WHERE tenant_id = $1 AND id = $3),
              stu AS (SELECT w.n, s.id, s.first_name, s.last_name, s.status, s.ants_status,
                             s.start_evaluation IS NOT NULL AS has_start_evaluation,
                             s.contract_signed_on IS NOT NULL AS has_contract, s.category,
                             coalesce((SELECT sum(h.minutes) FROM hours_ledger h
                                        WHERE h.tenant_id = s.tenant_id AND h.student_id = s.id), 0)::bigint
                               AS ledger_minutes,
                             coalesce((SELECT sum(extract(epoch FROM l.ends_at - l.starts_at) / 60) FROM lessons l
                                        WHERE l.tenant_id = s.tenant_id AND l.student_id = s.id
                                          AND l.kind = 'driving' AND l.status = 'planned'), 0)::bigint
                               AS scheduled_minutes
                        FROM unnest($4::uuid[]) WITH ORDINALITY AS w(id, n)
                        JOIN students s ON s.tenant_id = $1 AND s.id = w.id),
              room AS (SELECT capacity FROM agency_rooms WHERE tenant_id = $1 AND id = $5),
              ag AS (SELECT id, opening_hours, closures, alsace_moselle FROM agencies
                      WHERE tenant_id = $1 AND id = coalesce($6, (SELECT agency_id FROM ins), id)
                      ORDER BY position, created_at LIMIT 1)
         SELECT jsonb_build_object(
                  'instructor', (SELECT to_jsonb(ins) - 'agency_id' FROM ins),
                  'vehicle', (SELECT to_jsonb(veh) FROM veh),
                  'students', coalesce((SELECT jsonb_agg(to_jsonb(stu) ORDER BY stu.n) FROM stu), '[]'),
                  'room_found', $5::uuid IS NULL OR EXISTS (SELECT FROM room),
                  'room_capacity', (SELECT capacity FROM room),
                  'agency', (SELECT to_jsonb(ag) FROM ag))",
    )
    .bind(tenant.0)
    .bind(named.instructor)
    .bind(named.vehicle)
    .bind(named.students)
    .bind(named.room)
    .bind(named.agency)
    .bind(named.period.0)
    .bind(named.period.1)
    .fetch_one(conn)
    .await?;
    Ok(rows)
}

/// The students' phones (those who have one), for the printed planning.
pub async fn student_phones(
    conn: &mut PgConnection,
    tenant: TenantId,
    students: &[Uuid],
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, phone FROM students WHERE tenant_id = $1 AND id = ANY($2) AND phone IS NOT NULL")
        .bind(tenant.0)
        .bind(students)
        .fetch_all(conn)
        .await
}

/// The names a planning window shows, by id: `(kind, id, name)` with kind `student`,
/// `instructor` or `vehicle` (its plate), in one statement.
pub async fn names(
    conn: &mut PgConnection,
    tenant: TenantId,
    students: &[Uuid],
    instructors: &[Uuid],
    vehicles: &[Uuid],
) -> Result<Vec<(String, Uuid, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT 'student', id, first_name || ' ' || last_name FROM students WHERE tenant_id = $1 AND id = ANY($2)
         UNION ALL
         SELECT 'instructor', id, first_name || ' ' || last_name FROM instructors WHERE tenant_id = $1 AND id = ANY($3)
         UNION ALL
         SELECT 'vehicle', id, plate FROM vehicles WHERE tenant_id = $1 AND id = ANY($4)",
    )
    .bind(tenant.0)
    .bind(students)
    .bind(instructors)
    .bind(vehicles)
    .fetch_all(conn)
    .await
}
