//! A weekday of many schools, replayed at chosen rates (`volant-bench --day`).
//!
//! Each generated school's people log in (its admin and secretary, its instructors, some of its
//! students), then requests arrive at a fixed rate, open loop (a slow answer does not slow the
//! arrivals, as with real users), each one an operation drawn from a weekday's mix and a school
//! drawn at random. Every answer is checked. Per rate, each operation's p50, p99 and errors are
//! reported, and the highest rate at which the SPEC's targets still hold is the machine's peak.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, ensure};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Paris;
use reqwest::Client;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;
use volant_domain::recurrence::local_to_utc;

/// What one school does on a weekday, in requests (docs/benchmarks.md § A day of traffic explains
/// each figure). The office: two people from 9:00 to 18:00; eight instructors; the students who
/// open the app that day.
const MIX: [(Op, u32); 16] = [
    (Op::OfficeWeek, 240),
    (Op::OfficeSearch, 120),
    (Op::OfficeStudentFile, 120),
    (Op::OfficeCreateLesson, 30),
    (Op::OfficeCancelLesson, 30),
    (Op::OfficeEditStudent, 10),
    (Op::OfficeAnalytics, 4),
    (Op::OfficeDaySheetPdf, 4),
    (Op::Login, 20),
    (Op::InstructorDay, 200),
    (Op::InstructorComplete, 40),
    (Op::StudentPlanning, 60),
    (Op::StudentHours, 30),
    (Op::StudentBooklet, 20),
    (Op::StudentNotifications, 40),
    (Op::UnreadCount, 150),
];

/// The SPEC's latency targets (p99, ms) that decide the peak.
const TARGETS: [(Op, f64); 3] = [(Op::OfficeWeek, 10.0), (Op::OfficeCreateLesson, 15.0), (Op::OfficeSearch, 10.0)];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    OfficeWeek,
    OfficeSearch,
    OfficeStudentFile,
    OfficeCreateLesson,
    OfficeCancelLesson,
    OfficeEditStudent,
    OfficeAnalytics,
    OfficeDaySheetPdf,
    Login,
    InstructorDay,
    InstructorComplete,
    StudentPlanning,
    StudentHours,
    StudentBooklet,
    StudentNotifications,
    UnreadCount,
}

pub struct DayArgs {
    pub base: String,
    pub password: String,
    pub schools: usize,
    pub rates: Vec<f64>,
    pub seconds: f64,
    pub instructors: usize,
    pub students: usize,
}

/// A logged-in person.
struct Person {
    client: Client,
    csrf: String,
}

/// One school's people and what they work on.
struct School {
    slug: String,
    admin: Person,
    secretary: Person,
    instructors: Vec<Person>,
    /// Each student's session and file.
    students: Vec<(Person, Uuid)>,
    /// (instructor, vehicle, student) triples for new lessons, from the admin's lists.
    teams: Vec<(Uuid, Uuid, Uuid)>,
    search: String,
    /// Lessons given but not marked yet, to be completed by their instructor (index, lesson).
    unmarked: Mutex<Vec<(usize, Uuid)>>,
    /// Lessons this run created, waiting for the office to cancel them.
    created: Mutex<Vec<Uuid>>,
    creates: AtomicUsize,
}

#[derive(Debug, Serialize)]
pub struct OpFigures {
    pub op: Op,
    pub requests: usize,
    pub errors: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The first error met, for the report.
    pub first_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RateFigures {
    pub rate: f64,
    pub achieved: f64,
    pub ops: Vec<OpFigures>,
    /// Every target held and no answer was wrong.
    pub within_targets: bool,
}

#[derive(Debug, Serialize)]
pub struct DayReport {
    pub schools: usize,
    pub people: usize,
    pub setup_seconds: f64,
    /// Requests of one school's weekday, from the mix.
    pub requests_per_school_day: u32,
    pub rates: Vec<RateFigures>,
    /// The highest rate within the targets (requests per second).
    pub peak: Option<f64>,
}

pub async fn run(args: DayArgs) -> anyhow::Result<DayReport> {
    let started = Instant::now();
    let mut schools = vec![];
    for n in 1..=args.schools {
        let slug = format!("bench-{n:04}");
        schools.push(Arc::new(school(&args, &slug).await.with_context(|| format!("school {slug}"))?));
    }
    let people = schools.iter().map(|s| 2 + s.instructors.len() + s.students.len()).sum();
    let setup_seconds = started.elapsed().as_secs_f64();
    eprintln!("day: {} schools, {people} people logged in in {setup_seconds:.1} s", schools.len());
    let schools = Arc::new(schools);
    let mut rates = vec![];
    for &rate in &args.rates {
        let figures = replay(&args, &schools, rate).await;
        eprintln!("day: {rate} req/s → {:.1} achieved, within targets: {}", figures.achieved, figures.within_targets);
        rates.push(figures);
    }
    for s in schools.iter() {
        cancel_leftovers(&args.base, s).await?;
    }
    let peak = rates.iter().filter(|r| r.within_targets).map(|r| r.rate).reduce(f64::max);
    Ok(DayReport {
        schools: args.schools,
        people,
        setup_seconds,
        requests_per_school_day: MIX.iter().map(|(_, n)| n).sum(),
        rates,
        peak,
    })
}

async fn login(base: &str, email: &str, password: &str) -> anyhow::Result<Person> {
    let client = Client::builder().cookie_store(true).build()?;
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    ensure!(r.status() == 200, "login {email}: {}", r.status());
    let body: Value = r.json().await?;
    let csrf = body["csrf_token"].as_str().context("no csrf_token")?.to_owned();
    Ok(Person { client, csrf })
}

async fn get(p: &Person, url: &str) -> anyhow::Result<Value> {
    let r = p.client.get(url).send().await?;
    ensure!(r.status() == 200, "GET {url}: {}", r.status());
    Ok(r.json().await?)
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn uuid(v: &Value, field: &str) -> Option<Uuid> {
    v[field].as_str()?.parse().ok()
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's midnight in Paris.
fn midnight() -> DateTime<Utc> {
    let today = Utc::now().with_timezone(&Paris).date_naive();
    local_to_utc(Paris, today.and_hms_opt(0, 0, 0).unwrap_or_default())
}

async fn school(args: &DayArgs, slug: &str) -> anyhow::Result<School> {
    let (base, pw) = (&args.base, &args.password);
    let admin = login(base, &format!("admin@{slug}.volant.test"), pw).await?;
    let secretary = login(base, &format!("secretariat@{slug}.volant.test"), pw).await?;
    let mut instructors = vec![];
    let mut unmarked = vec![];
    let since = rfc(Utc::now() - chrono::Duration::days(5));
    for j in 1..=args.instructors {
        let p = login(base, &format!("moniteur{j}@{slug}.volant.test"), pw).await?;
        let mine = get(&p, &format!("{base}/api/v1/lessons?from={since}&to={}", rfc(Utc::now()))).await?;
        for l in items(&mine) {
            let ended =
                l["ends_at"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok()).is_some_and(|t| t < Utc::now());
            if l["status"] == "planned" && ended {
                unmarked.extend(uuid(&l, "id").map(|id| (instructors.len(), id)));
            }
        }
        instructors.push(p);
    }
    let mut students = vec![];
    for k in 1..=args.students {
        let p = login(base, &format!("eleve{k}@{slug}.volant.test"), pw).await?;
        let me = get(&p, &format!("{base}/api/v1/me")).await?;
        let id = uuid(&me, "student_id").context("a student account without its file")?;
        students.push((p, id));
    }
    let ids = |v: &Value| items(v).iter().filter_map(|i| uuid(i, "id")).collect::<Vec<_>>();
    let all_instructors = ids(&get(&admin, &format!("{base}/api/v1/instructors")).await?);
    let vehicles = ids(&get(&admin, &format!("{base}/api/v1/vehicles")).await?);
    let active = items(&get(&admin, &format!("{base}/api/v1/students?status=active&limit=200")).await?);
    let teams = all_instructors
        .iter()
        .zip(&vehicles)
        .filter_map(|(i, v)| {
            let own = active.iter().find(|s| uuid(s, "referent_instructor_id") == Some(*i))?;
            Some((*i, *v, uuid(own, "id")?))
        })
        .collect::<Vec<_>>();
    ensure!(!teams.is_empty(), "no instructor with an active student");
    let first = active.first().context("no active student")?;
    let search = first["last_name"].as_str().unwrap_or("mar").chars().take(3).collect::<String>().to_lowercase();
    Ok(School {
        slug: slug.to_owned(),
        admin,
        secretary,
        instructors,
        students,
        teams,
        search,
        unmarked: Mutex::new(unmarked),
        created: Mutex::new(vec![]),
        creates: AtomicUsize::new(0),
    })
}

/// A small deterministic generator, per request (the arrivals must not contend on one lock).
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick_op(roll: u64) -> Op {
    let total: u64 = MIX.iter().map(|(_, n)| u64::from(*n)).sum();
    let mut at = roll % total;
    for (op, n) in MIX {
        if at < u64::from(n) {
            return op;
        }
        at -= u64::from(n);
    }
    Op::OfficeWeek
}

type Outcome = (Op, Duration, Result<(), String>);

/// Sends `rate` requests a second for the run's duration, open loop, and gathers the outcomes.
async fn replay(args: &DayArgs, schools: &Arc<Vec<Arc<School>>>, rate: f64) -> RateFigures {
    let total = (rate * args.seconds).round().max(1.0) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(vec![]));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..total {
        tokio::time::sleep_until(started + interval.mul_f64(k as f64)).await;
        let roll = mix(k ^ (rate as u64) << 32);
        let school = schools[(mix(roll) % schools.len() as u64) as usize].clone();
        let (base, password, outcomes) = (args.base.clone(), args.password.clone(), outcomes.clone());
        tasks.spawn(async move {
            let op = pick_op(roll);
            let t = Instant::now();
            let result = operate(&base, &password, &school, op, roll).await.map_err(|e| format!("{e:#}"));
            if let Ok(mut o) = outcomes.lock() {
                o.push((op, t.elapsed(), result));
            }
        });
    }
    // The rate the arrivals kept (a load generator that falls behind would flatter the server).
    let achieved = total as f64 / (started.elapsed() + interval).as_secs_f64();
    while tasks.join_next().await.is_some() {}
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap_or_else(|e| e.into_inner()));
    summarise(rate, achieved, outcomes)
}

fn summarise(rate: f64, achieved: f64, outcomes: Vec<Outcome>) -> RateFigures {
    let mut by_op: BTreeMap<Op, (Vec<Duration>, usize, Option<String>)> = BTreeMap::new();
    for (op, took, result) in outcomes {
        let entry = by_op.entry(op).or_default();
        entry.0.push(took);
        if let Err(e) = result {
            entry.1 += 1;
            entry.2.get_or_insert(e);
        }
    }
    let ops: Vec<OpFigures> = by_op
        .into_iter()
        .map(|(op, (mut times, errors, first_error))| {
            times.sort();
            let at = |q: f64| {
                let i = ((times.len() as f64 - 1.0) * q).round() as usize;
                times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
            };
            OpFigures { op, requests: times.len(), errors, p50_ms: at(0.5), p99_ms: at(0.99), first_error }
        })
        .collect();
    let targets_held = TARGETS.iter().all(|(op, p99)| ops.iter().find(|f| f.op == *op).is_none_or(|f| f.p99_ms < *p99));
    let within_targets = targets_held && ops.iter().all(|f| f.errors == 0) && achieved >= rate * 0.95;
    RateFigures { rate, achieved, ops, within_targets }
}

/// One operation of the day, checked.
async fn operate(base: &str, password: &str, s: &School, op: Op, roll: u64) -> anyhow::Result<()> {
    let office = if roll.is_multiple_of(2) { &s.admin } else { &s.secretary };
    let instructor = || &s.instructors[(roll % s.instructors.len().max(1) as u64) as usize];
    let student = || &s.students[(roll % s.students.len().max(1) as u64) as usize];
    let today = midnight();
    match op {
        Op::OfficeWeek => {
            let monday = today
                - chrono::Duration::days(i64::from(Utc::now().with_timezone(&Paris).weekday().num_days_from_monday()));
            let url =
                format!("{base}/api/v1/lessons?from={}&to={}", rfc(monday), rfc(monday + chrono::Duration::days(7)));
            ensure!(!items(&get(office, &url).await?).is_empty(), "an empty week");
        }
        Op::OfficeSearch => {
            ensure!(
                !items(&get(office, &format!("{base}/api/v1/students?q={}", s.search)).await?).is_empty(),
                "nobody found"
            );
        }
        Op::OfficeStudentFile => {
            let (_, id) = student();
            let file = get(office, &format!("{base}/api/v1/students/{id}")).await?;
            let hours = get(office, &format!("{base}/api/v1/students/{id}/hours")).await?;
            ensure!(hours["remaining_minutes"] == file["remaining_minutes"], "hours disagree with the file");
        }
        Op::OfficeCreateLesson => create_lesson(base, s, office).await?,
        Op::OfficeCancelLesson => {
            let id = s.created.lock().ok().and_then(|mut c| c.pop());
            match id {
                Some(id) => cancel(base, office, id).await?,
                // Nothing of this run to cancel yet: the office reads a file instead.
                None => {
                    get(office, &format!("{base}/api/v1/students/{}", student().1)).await?;
                }
            }
        }
        Op::OfficeEditStudent => {
            let (_, id) = student();
            let file = get(office, &format!("{base}/api/v1/students/{id}")).await?;
            let phone = format!("06{:08}", roll % 100_000_000);
            let r = office
                .client
                .patch(format!("{base}/api/v1/students/{id}"))
                .header("X-CSRF-Token", &office.csrf)
                .json(&json!({"version": file["version"], "phone": phone}))
                .send()
                .await?;
            // Two office members may edit one file at once: the second is told (412), as designed.
            ensure!(r.status() == 200 || r.status() == 412, "edit: {}", r.status());
        }
        Op::OfficeAnalytics => {
            let o = get(&s.admin, &format!("{base}/api/v1/analytics/overview")).await?;
            ensure!(o["weeks"].as_array().is_some_and(|w| !w.is_empty()), "an overview without weeks");
        }
        Op::OfficeDaySheetPdf => {
            let date = Utc::now().with_timezone(&Paris).date_naive();
            let r = office.client.get(format!("{base}/api/v1/planning/day.pdf?date={date}")).send().await?;
            ensure!(r.status() == 200, "day sheet: {}", r.status());
            ensure!(r.bytes().await?.starts_with(b"%PDF"), "not a PDF");
        }
        Op::Login => {
            login(base, &format!("secretariat@{}.volant.test", s.slug), password).await?;
        }
        Op::InstructorDay => {
            let url =
                format!("{base}/api/v1/lessons?from={}&to={}", rfc(today), rfc(today + chrono::Duration::days(1)));
            get(instructor(), &url).await?;
        }
        Op::InstructorComplete => {
            let next = s.unmarked.lock().ok().and_then(|mut u| u.pop());
            match next {
                Some((who, id)) => {
                    let p = &s.instructors[who];
                    let r = p
                        .client
                        .post(format!("{base}/api/v1/lessons/{id}/complete"))
                        .header("X-CSRF-Token", &p.csrf)
                        .header("Idempotency-Key", Uuid::new_v4().to_string())
                        .json(&json!({"comment": "Bonne séance, à poursuivre.", "evaluations": []}))
                        .send()
                        .await?;
                    ensure!(r.status() == 200, "complete: {} {}", r.status(), r.text().await.unwrap_or_default());
                }
                None => {
                    let url = format!(
                        "{base}/api/v1/lessons?from={}&to={}",
                        rfc(today),
                        rfc(today + chrono::Duration::days(1))
                    );
                    get(instructor(), &url).await?;
                }
            }
        }
        Op::StudentPlanning => {
            let (p, _) = student();
            let url = format!(
                "{base}/api/v1/lessons?from={}&to={}",
                rfc(today - chrono::Duration::days(7)),
                rfc(today + chrono::Duration::days(21))
            );
            ensure!(!items(&get(p, &url).await?).is_empty(), "a student in training without lessons");
        }
        Op::StudentHours => {
            let (p, id) = student();
            get(p, &format!("{base}/api/v1/students/{id}/hours")).await?;
        }
        Op::StudentBooklet => {
            let (p, id) = student();
            get(p, &format!("{base}/api/v1/students/{id}/booklet")).await?;
        }
        Op::StudentNotifications => {
            get(&student().0, &format!("{base}/api/v1/notifications")).await?;
        }
        Op::UnreadCount => {
            // Every open page of the app asks for the bell's count now and then.
            let who = match roll % 3 {
                0 => office,
                1 => instructor(),
                _ => &student().0,
            };
            get(who, &format!("{base}/api/v1/notifications/unread-count")).await?;
        }
    }
    Ok(())
}

/// A driving lesson on an evening the generator left free: the n-th create of the school takes
/// its own team, day and hour, so two never meet.
async fn create_lesson(base: &str, s: &School, office: &Person) -> anyhow::Result<()> {
    let n = s.creates.fetch_add(1, Ordering::Relaxed);
    let teams = s.teams.len();
    let (instructor, vehicle, student) = s.teams[n % teams];
    let day = midnight() + chrono::Duration::weeks(4) + chrono::Duration::days((n / (teams * 4)) as i64 % 300);
    let starts = day + chrono::Duration::hours(17 + ((n / teams) % 4) as i64);
    let body = json!({"kind": "driving", "starts_at": rfc(starts), "ends_at": rfc(starts + chrono::Duration::hours(1)),
                      "instructor_id": instructor, "vehicle_id": vehicle, "student_id": student});
    let r = office
        .client
        .post(format!("{base}/api/v1/lessons"))
        .header("X-CSRF-Token", &office.csrf)
        .header("Idempotency-Key", Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await?;
    ensure!(r.status() == 201, "create: {} {}", r.status(), r.text().await.unwrap_or_default());
    let created: Value = r.json().await?;
    let id = created["lesson"]["id"].as_str().context("lesson id")?.parse()?;
    if let Ok(mut c) = s.created.lock() {
        c.push(id);
    }
    Ok(())
}

async fn cancel(base: &str, office: &Person, id: Uuid) -> anyhow::Result<()> {
    let r = office
        .client
        .post(format!("{base}/api/v1/lessons/{id}/cancel"))
        .header("X-CSRF-Token", &office.csrf)
        .json(&json!({"reason": "Banc d'essai", "by": "school"}))
        .send()
        .await?;
    ensure!(r.status() == 200, "cancel: {}", r.status());
    Ok(())
}

/// The run leaves the planning as it found it: what it created and did not cancel goes.
async fn cancel_leftovers(base: &str, s: &School) -> anyhow::Result<()> {
    let left = std::mem::take(&mut *s.created.lock().unwrap_or_else(|e| e.into_inner()));
    for id in left {
        cancel(base, &s.admin, id).await?;
    }
    Ok(())
}
