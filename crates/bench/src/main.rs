//! `volant-bench`: the load generator of `cargo xtask bench`. It drives a running Volant over
//! loopback (its own process, as a client would), checks every answer, and reports p50 / p99
//! latency and throughput per scenario at each concurrency. For the reads, it also times the
//! same statements run directly against PostgreSQL (session lookup, tenant setting, query,
//! commit) through the server's own library functions, and prints the HTTP / SQL ratio.

mod day;

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Paris;
use clap::Parser;
use reqwest::Client;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;
use volant::{auth::session, config::Settings, db::Database, planning::repo::Window, students, work::Work};
use volant_domain::{ids::TenantId, recurrence::local_to_utc};

#[derive(Clone, Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:18080.
    #[arg(long)]
    base: String,
    #[arg(long, default_value = "admin@bench-0001.volant.test")]
    email: String,
    #[arg(long, default_value = volant::seed::PASSWORD)]
    password: String,
    /// Seconds per scenario and concurrency.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    concurrency: Vec<usize>,
    /// Skip the direct SQL timings (they need the database of VOLANT_DATA_DIR or DATABASE_URL).
    #[arg(long)]
    no_sql: bool,
    /// Replay a weekday of many schools instead of the scenarios (see `day.rs`).
    #[arg(long)]
    day: bool,
    /// Schools taking part in the day (`bench-0001` onwards).
    #[arg(long, default_value_t = 100)]
    schools: usize,
    /// Request rates of the day, per second, each for `--seconds`.
    #[arg(long, value_delimiter = ',', default_value = "25,50,100,200,300")]
    rates: Vec<f64>,
    /// Instructors and students of each school who log in for the day.
    #[arg(long, default_value_t = 8)]
    instructors: usize,
    #[arg(long, default_value_t = 6)]
    students: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Scenario {
    WeekOfPlanning,
    CreateAndCancelLesson,
    StudentSearch,
    StudentFileWithHours,
    Login,
    /// The ADMIN's analytics overview of the last twelve months.
    AnalyticsOverview,
    /// The create request of `CreateAndCancelLesson`, timed alone (reported, never run by itself).
    CreateLesson,
}

const SCENARIOS: [Scenario; 6] = [
    Scenario::WeekOfPlanning,
    Scenario::CreateAndCancelLesson,
    Scenario::StudentSearch,
    Scenario::StudentFileWithHours,
    Scenario::Login,
    Scenario::AnalyticsOverview,
];

#[derive(Debug, Serialize)]
struct Figures {
    scenario: Scenario,
    /// `http` (through the server) or `sql` (the same statements, directly).
    via: &'static str,
    concurrency: usize,
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
    per_second: f64,
}

/// What the workers need to know about the school under test.
#[derive(Clone)]
struct School {
    tenant: Uuid,
    week: (DateTime<Utc>, DateTime<Utc>),
    /// (instructor, vehicle, student) triples that never share a resource.
    teams: Vec<(Uuid, Uuid, Uuid)>,
    student: Uuid,
    search: String,
}

/// What the benchmark checks of a week: the bounds of each item. A typed read skips the other
/// fields without building them, so the load generator spends less of the two cores it shares with
/// the server than a `serde_json::Value` of ~200 lessons would cost it.
#[derive(Deserialize)]
struct Week {
    items: Vec<Bounds>,
}

#[derive(Deserialize)]
struct Bounds {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// A logged-in client.
#[derive(Clone)]
struct Session {
    client: Client,
    csrf: String,
    cookie: String,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.day {
        let report = day::run(day::DayArgs {
            base: args.base.clone(),
            password: args.password.clone(),
            schools: args.schools,
            rates: args.rates.clone(),
            seconds: args.seconds,
            instructors: args.instructors,
            students: args.students,
        })
        .await?;
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let admin = login(&args).await?;
    let school = discover(&args, &admin).await?;
    let mut out = vec![];
    for scenario in SCENARIOS {
        for &c in &args.concurrency {
            for f in run_http(&args, &school, scenario, c).await.with_context(|| format!("{scenario:?} at {c}"))? {
                eprintln!("{f:?}");
                out.push(f);
            }
        }
    }
    if !args.no_sql {
        let settings = Settings::from_env()?;
        let db = Database::open(&settings).await?;
        for scenario in [Scenario::WeekOfPlanning, Scenario::StudentSearch, Scenario::StudentFileWithHours] {
            for &c in &args.concurrency {
                let f = run_sql(&args, &db, &settings, &school, &admin, scenario, c).await?;
                eprintln!("{f:?}");
                out.push(f);
            }
        }
        db.close().await;
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

async fn login(args: &Args) -> anyhow::Result<Session> {
    let client = Client::builder().cookie_store(true).build()?;
    let r = client
        .post(format!("{}/api/v1/auth/login", args.base))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await?;
    ensure!(r.status() == 200, "login: {}", r.status());
    let cookie = r.cookies().next().map(|c| c.value().to_owned()).context("login answered no session cookie")?;
    let body: Value = r.json().await?;
    let csrf = body["csrf_token"].as_str().context("no csrf_token")?.to_owned();
    Ok(Session { client, csrf, cookie })
}

async fn get(s: &Session, url: String) -> anyhow::Result<Value> {
    let r = s.client.get(&url).send().await?;
    ensure!(r.status() == 200, "GET {url}: {}", r.status());
    Ok(r.json().await?)
}

fn ids(v: &Value) -> Vec<Uuid> {
    v["items"].as_array().into_iter().flatten().filter_map(|i| i["id"].as_str()?.parse().ok()).collect()
}

/// The school's ids and this week (Monday 00:00 in Paris, seven days).
async fn discover(args: &Args, s: &Session) -> anyhow::Result<School> {
    let me = get(s, format!("{}/api/v1/me", args.base)).await?;
    let tenant: Uuid = me["tenant"]["id"].as_str().context("no tenant")?.parse()?;
    let instructors = ids(&get(s, format!("{}/api/v1/instructors", args.base)).await?);
    let vehicles = ids(&get(s, format!("{}/api/v1/vehicles", args.base)).await?);
    let students = get(s, format!("{}/api/v1/students?status=active&limit=200", args.base)).await?;
    let students = students["items"].as_array().cloned().unwrap_or_default();
    let mut teams = vec![];
    for (i, v) in instructors.iter().zip(&vehicles) {
        let own = students.iter().find(|st| st["referent_instructor_id"].as_str() == Some(&i.to_string()));
        if let Some(st) = own.and_then(|st| st["id"].as_str()?.parse().ok()) {
            teams.push((*i, *v, st));
        }
    }
    ensure!(!teams.is_empty(), "no instructor with an active student: was the school seeded?");
    let today = Utc::now().with_timezone(&Paris).date_naive();
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let from = local_to_utc(Paris, monday.and_hms_opt(0, 0, 0).unwrap_or_default());
    let first = students.first().context("no active student")?;
    let search = first["last_name"].as_str().unwrap_or("mar").chars().take(3).collect::<String>().to_lowercase();
    Ok(School {
        tenant,
        week: (from, from + chrono::Duration::days(7)),
        student: first["id"].as_str().context("student id")?.parse()?,
        teams,
        search,
    })
}

/// One operation of a scenario, checked: an incorrect answer is an error, never a figure.
async fn operate(
    args: &Args,
    school: &School,
    s: &Session,
    scenario: Scenario,
    worker: usize,
    n: usize,
) -> anyhow::Result<Option<Duration>> {
    let base = &args.base;
    let mut part = None;
    match scenario {
        Scenario::WeekOfPlanning => {
            let (from, to) = school.week;
            let url = format!("{base}/api/v1/lessons?from={}&to={}", rfc(from), rfc(to));
            let r = s.client.get(&url).send().await?;
            ensure!(r.status() == 200, "GET {url}: {}", r.status());
            let week: Week = r.json().await?;
            ensure!(!week.items.is_empty(), "an empty week");
            for l in &week.items {
                ensure!(l.ends_at > from && l.starts_at < to, "a lesson outside the week");
            }
        }
        Scenario::CreateAndCancelLesson => {
            let (instructor, vehicle, student) = school.teams[worker % school.teams.len()];
            // An evening (the generator leaves them free) on one of 150 days from three weeks ahead:
            // each worker has its own team, and spreading the rounds keeps the cancelled lessons
            // of earlier rounds from piling up on one slot, which no real planning does.
            let day = school.week.0 + chrono::Duration::weeks(3) + chrono::Duration::days((n % 150) as i64);
            let starts = day + chrono::Duration::hours(17 + (worker / school.teams.len()) as i64 % 4);
            let body = json!({"kind": "driving", "starts_at": rfc(starts), "ends_at": rfc(starts + chrono::Duration::hours(1)),
                              "instructor_id": instructor, "vehicle_id": vehicle, "student_id": student});
            let t = Instant::now();
            let r = s
                .client
                .post(format!("{base}/api/v1/lessons"))
                .header("X-CSRF-Token", &s.csrf)
                .json(&body)
                .send()
                .await?;
            ensure!(r.status() == 201, "create: {} {}", r.status(), r.text().await.unwrap_or_default());
            let created: Value = r.json().await?;
            part = Some(t.elapsed());
            let id = created["lesson"]["id"].as_str().context("lesson id")?;
            let r = s
                .client
                .post(format!("{base}/api/v1/lessons/{id}/cancel"))
                .header("X-CSRF-Token", &s.csrf)
                .json(&json!({"reason": "Banc d'essai", "by": "school"}))
                .send()
                .await?;
            ensure!(r.status() == 200, "cancel: {}", r.status());
        }
        Scenario::StudentSearch => {
            let found = get(s, format!("{base}/api/v1/students?q={}", school.search)).await?;
            ensure!(!ids(&found).is_empty(), "search found nobody");
        }
        Scenario::StudentFileWithHours => {
            let file = get(s, format!("{base}/api/v1/students/{}", school.student)).await?;
            ensure!(file["id"].as_str() == Some(&school.student.to_string()), "another file");
            let hours = get(s, format!("{base}/api/v1/students/{}/hours", school.student)).await?;
            ensure!(hours["remaining_minutes"] == file["remaining_minutes"], "hours disagree with the file");
        }
        Scenario::Login => {
            login(args).await?;
        }
        Scenario::AnalyticsOverview => {
            let o = get(s, format!("{base}/api/v1/analytics/overview")).await?;
            ensure!(o["attendance"]["lessons"].as_i64().unwrap_or(0) > 0, "an overview without lessons");
            ensure!(o["weeks"].as_array().is_some_and(|w| !w.is_empty()), "an overview without weeks");
        }
        Scenario::CreateLesson => bail!("the create is timed within CreateAndCancelLesson"),
    }
    Ok(part)
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The scenario's figures, then those of its timed part if it has one (the create of a create +
/// cancel pair).
async fn run_http(
    args: &Args,
    school: &School,
    scenario: Scenario,
    concurrency: usize,
) -> anyhow::Result<Vec<Figures>> {
    let mut sessions = vec![];
    for _ in 0..concurrency {
        sessions.push(login(args).await?);
    }
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (worker, s) in sessions.into_iter().enumerate() {
        let (args_base, school) = (args.clone(), school.clone());
        tasks.spawn(async move {
            let (mut times, mut parts) = (vec![], vec![]);
            let mut n = 0;
            while Instant::now() < deadline || n == 0 {
                let t = Instant::now();
                parts.extend(operate(&args_base, &school, &s, scenario, worker, n).await?);
                times.push(t.elapsed());
                n += 1;
            }
            anyhow::Ok((times, parts))
        });
    }
    let (mut all, mut parts) = (vec![], vec![]);
    while let Some(r) = tasks.join_next().await {
        let (times, part) = r??;
        all.extend(times);
        parts.extend(part);
    }
    let wall = started.elapsed();
    let mut out = vec![figures(scenario, "http", concurrency, all, wall)];
    if !parts.is_empty() {
        out.push(figures(Scenario::CreateLesson, "http", concurrency, parts, wall));
    }
    Ok(out)
}

fn figures(
    scenario: Scenario,
    via: &'static str,
    concurrency: usize,
    mut times: Vec<Duration>,
    wall: Duration,
) -> Figures {
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        scenario,
        via,
        concurrency,
        requests: times.len(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        per_second: times.len() as f64 / wall.as_secs_f64(),
    }
}

/// The statements the server runs for a read, without HTTP: the session lookup, the request
/// context (the tenant setting with `BEGIN`, then the school and the viewer), the query, the commit.
async fn sql_once(
    db: &Database,
    settings: &Settings,
    school: &School,
    hash: &[u8],
    scenario: Scenario,
) -> anyhow::Result<()> {
    let idle = settings.session_idle.as_secs_f64();
    let tenant = TenantId::from(school.tenant);
    let rounds = if scenario == Scenario::StudentFileWithHours { 2 } else { 1 };
    for round in 0..rounds {
        ensure!(session::find(&db.pool, hash, idle).await?.is_some(), "no session");
        let mut tx = Work::system(&db.pool, tenant).await?;
        match (scenario, round) {
            (Scenario::WeekOfPlanning, _) => {
                let w =
                    Window { from: Some(school.week.0), to: Some(school.week.1), limit: 5_001, ..Window::default() };
                ensure!(!volant::planning::repo::window(&mut tx, tenant, &w).await?.is_empty(), "empty week");
            }
            (Scenario::StudentSearch, _) => {
                let filter = students::repo::Filter {
                    words: volant_domain::search::words(&school.search),
                    status: None,
                    referent: None,
                    taught_by: None,
                    agency_id: None,
                    only: None,
                    after: None,
                    limit: 51,
                };
                ensure!(!students::repo::list(&mut tx, tenant, &filter).await?.is_empty(), "nobody found");
            }
            (Scenario::StudentFileWithHours, 0) => {
                students::repo::get(&mut tx, tenant, school.student, false).await?.context("no file")?;
            }
            _ => {
                students::hours::read(&mut tx, tenant, school.student).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn run_sql(
    args: &Args,
    db: &Database,
    settings: &Settings,
    school: &School,
    admin: &Session,
    scenario: Scenario,
    concurrency: usize,
) -> anyhow::Result<Figures> {
    if db.pool.options().get_max_connections() < concurrency as u32 {
        bail!("the SQL pool is smaller than the concurrency");
    }
    let hash = session::token_hash(&admin.cookie);
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let results = futures::future::join_all((0..concurrency).map(|_| async {
        let mut times = vec![];
        while Instant::now() < deadline || times.is_empty() {
            let t = Instant::now();
            sql_once(db, settings, school, &hash, scenario).await?;
            times.push(t.elapsed());
        }
        anyhow::Ok(times)
    }))
    .await;
    let mut all = vec![];
    for r in results {
        all.extend(r?);
    }
    Ok(figures(scenario, "sql", concurrency, all, started.elapsed()))
}
