//! The printed planning (SPEC § P1.1): an instructor's week, to keep in the car, and the office's
//! day sheet, one page per instructor with a column for each student's signature. Cancelled
//! lessons are left out; done ones and absences are marked.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;
use volant_domain::{french, recurrence::local_to_utc};

use super::{BlockReason, Lesson, LessonKind, LessonStatus, repo};
use crate::{
    auth::Viewer,
    error::{AppError, AppResult},
    work::Work,
};

/// What to print.
#[derive(Clone, Copy, Debug)]
pub enum Period {
    /// The week (Monday to Sunday) holding this day.
    Week(NaiveDate),
    /// One day, every instructor who works that day on a page of their own.
    Day(NaiveDate),
}

impl Period {
    fn days(self) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Week(day) => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(6))
            }
            Period::Day(day) => (day, day),
        }
    }
}

fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, day.and_time(chrono::NaiveTime::MIN))
}

/// The document of the period for one instructor (`Some`), or for every instructor with a lesson
/// in it (`None`, the office only). An instructor prints only their own planning: asking for
/// another's is the same 404 as an unknown instructor.
pub async fn document(work: &mut Work, instructor: Option<Uuid>, period: Period) -> AppResult<volant_pdf::PlanningDoc> {
    let instructor = match (work.viewer, instructor) {
        (Viewer::Office, asked) => asked,
        (Viewer::Instructor(me), None) => Some(me),
        (Viewer::Instructor(me), Some(asked)) if asked == me => Some(me),
        _ => return Err(AppError::NotFound),
    };
    let (tenant, tz) = (work.tenant(), work.tz());
    let (first, last) = period.days();
    let window = repo::Window {
        from: Some(midnight(tz, first)),
        to: Some(midnight(tz, last + Duration::days(1))),
        instructor_id: instructor,
        limit: 5_000,
        ..repo::Window::default()
    };
    let lessons: Vec<Lesson> = repo::window(work, tenant, &window)
        .await?
        .into_iter()
        .filter(|l| l.status != LessonStatus::Cancelled && l.instructor_id.is_some())
        .collect();
    let people = People::read(work, &lessons, instructor).await?;
    if let Some(id) = instructor
        && !people.instructors.contains_key(&id)
    {
        return Err(AppError::NotFound);
    }
    let mut by_instructor: BTreeMap<(String, Uuid), Vec<&Lesson>> = BTreeMap::new();
    for id in instructor.iter() {
        by_instructor.entry((people.instructor(*id), *id)).or_default();
    }
    for lesson in &lessons {
        if let Some(id) = lesson.instructor_id {
            by_instructor.entry((people.instructor(id), id)).or_default().push(lesson);
        }
    }
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let sheets = by_instructor
        .into_iter()
        .map(|((name, _), lessons)| sheet(name, &lessons, &days, tz, &people, period))
        .collect();
    let (title, signature) = match period {
        Period::Week(_) => ("Planning de la semaine", false),
        Period::Day(_) => ("Feuille de route du jour", true),
    };
    Ok(volant_pdf::PlanningDoc {
        title: title.into(),
        school: crate::school::name(work, tenant).await?,
        generated_on: work.school.today().format("%d/%m/%Y").to_string(),
        signature,
        sheets,
    })
}

fn sheet(
    instructor: String,
    lessons: &[&Lesson],
    days: &[NaiveDate],
    tz: Tz,
    people: &People,
    period: Period,
) -> volant_pdf::PlanningSheet {
    let local_day = |l: &Lesson| l.starts_at.with_timezone(&tz).date_naive();
    let taught: i64 = lessons
        .iter()
        .filter(|l| l.kind != LessonKind::Unavailability)
        .map(|l| (l.ends_at - l.starts_at).num_minutes())
        .sum();
    let count = lessons.iter().filter(|l| l.kind != LessonKind::Unavailability).count();
    let summary = match count {
        0 => "Aucune séance.".to_owned(),
        1 => format!("1 séance, {} en tout.", french::minutes(taught)),
        n => format!("{n} séances, {} en tout.", french::minutes(taught)),
    };
    let period = match period {
        Period::Week(_) => format!("semaine {}", french::span(days[0], days[days.len() - 1])),
        Period::Day(day) => french::long_date(day),
    };
    let days = days
        .iter()
        .map(|day| volant_pdf::PlanningDay {
            label: french::capitalised(&french::long_date(*day)),
            rows: lessons.iter().filter(|l| local_day(l) == *day).map(|l| row(l, tz, people)).collect(),
        })
        .collect();
    volant_pdf::PlanningSheet { instructor, period, summary, days }
}

fn block_reason(reason: BlockReason) -> &'static str {
    match reason {
        BlockReason::Leave => "Congé",
        BlockReason::Sickness => "Arrêt maladie",
        BlockReason::Training => "Formation",
        BlockReason::Meeting => "Réunion",
        BlockReason::Maintenance => "Entretien du véhicule",
        BlockReason::Breakdown => "Panne",
        BlockReason::Other => "Autre",
    }
}

fn row(l: &Lesson, tz: Tz, people: &People) -> volant_pdf::PlanningRow {
    let time = format!(
        "{} – {}",
        l.starts_at.with_timezone(&tz).format("%H:%M"),
        l.ends_at.with_timezone(&tz).format("%H:%M")
    );
    let mut kind = french::session_name(&l.kind.as_str()).to_owned();
    match l.status {
        LessonStatus::Done => kind.push_str(" (faite)"),
        LessonStatus::NoShow => kind.push_str(" (absence)"),
        _ => {}
    }
    let students = l.students();
    let (student, phone) = match students.as_slice() {
        [] => ("—".to_owned(), String::new()),
        [one] => (people.student(*one), people.phones.get(one).cloned().unwrap_or_default()),
        many if many.len() <= 3 => {
            (many.iter().map(|s| people.student(*s)).collect::<Vec<_>>().join(", "), String::new())
        }
        many => (format!("{} élèves", many.len()), String::new()),
    };
    let vehicle = l.vehicle_id.and_then(|v| people.vehicles.get(&v).cloned()).unwrap_or_default();
    let note = match (l.kind, l.block_reason) {
        (LessonKind::Unavailability, Some(reason)) => block_reason(reason).to_owned(),
        _ => l.note.clone().unwrap_or_default(),
    };
    volant_pdf::PlanningRow {
        time,
        kind,
        student,
        phone,
        place: l.meeting_point.clone().unwrap_or_default(),
        vehicle,
        note,
    }
}

/// The names (and the students' phones) the sheets print, read in two statements.
struct People {
    students: HashMap<Uuid, String>,
    instructors: HashMap<Uuid, String>,
    vehicles: HashMap<Uuid, String>,
    phones: HashMap<Uuid, String>,
}

impl People {
    async fn read(work: &mut Work, lessons: &[Lesson], instructor: Option<Uuid>) -> AppResult<People> {
        let mut students: Vec<Uuid> = lessons.iter().flat_map(Lesson::students).collect();
        students.sort();
        students.dedup();
        let mut instructors: Vec<Uuid> = lessons.iter().filter_map(|l| l.instructor_id).chain(instructor).collect();
        instructors.sort();
        instructors.dedup();
        let vehicles: Vec<Uuid> = lessons.iter().filter_map(|l| l.vehicle_id).collect();
        let tenant = work.tenant();
        let mut people = People {
            students: HashMap::new(),
            instructors: HashMap::new(),
            vehicles: HashMap::new(),
            phones: repo::student_phones(work, tenant, &students).await?.into_iter().collect(),
        };
        for (kind, id, name) in repo::names(work, tenant, &students, &instructors, &vehicles).await? {
            match kind.as_str() {
                "student" => people.students.insert(id, name),
                "instructor" => people.instructors.insert(id, name),
                _ => people.vehicles.insert(id, name),
            };
        }
        Ok(people)
    }

    fn student(&self, id: Uuid) -> String {
        self.students.get(&id).cloned().unwrap_or_else(|| "Élève".into())
    }

    fn instructor(&self, id: Uuid) -> String {
        self.instructors.get(&id).cloned().unwrap_or_else(|| "Moniteur".into())
    }
}

/// Renders the document (typst is CPU work: off the async workers).
pub async fn render(doc: volant_pdf::PlanningDoc) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || volant_pdf::planning(&doc))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}
