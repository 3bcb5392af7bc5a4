//! Reliability and security: faults (kill -9, PostgreSQL stopped, a refusing mail server), two
//! server instances on one database, CSRF on every state change, cookies and headers per
//! profile, hostile bodies and uploads, injection probes stored as data. What each test proves
//! and its figures are in docs/reliability.md.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::PathBuf,
    process::Stdio,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{ConnectOptions, Connection, postgres::PgConnectOptions};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
    sync::watch,
};
use volant::{
    app::Server,
    config::Settings,
    db::{self, APP_ROLE, DATABASE, OWNER_ROLE, embedded::EmbeddedPg},
    tenancy::{self, NewTenant},
};
use volant_domain::role::Role;

use crate::helpers::*;

// ---------------------------------------------------------------------------------------------
// The real binary in its own process, on the test's database.

/// A libpq URL for these options (the test roles have no password: trust or a private socket).
fn db_url(o: &PgConnectOptions) -> String {
    let database = o.get_database().unwrap_or("postgres");
    match o.get_socket() {
        Some(dir) => {
            format!("postgres://{}@localhost:{}/{database}?host={}", o.get_username(), o.get_port(), dir.display())
        }
        None => format!("postgres://{}@{}:{}/{database}", o.get_username(), o.get_host(), o.get_port()),
    }
}

/// `volant serve` started from `CARGO_BIN_EXE_volant`: another process, so that it can be
/// killed with SIGKILL, and a second instance beside the in-process one.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    async fn start(db: &TestDb, vars: &[(&str, &str)]) -> Process {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_volant"));
        cmd.arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", db_url(&db.owner))
            .env("VOLANT_APP_DATABASE_URL", db_url(&db.app))
            .env("VOLANT_ADDR", "127.0.0.1:0")
            .env("VOLANT_ARGON2_MEMORY_KIB", "1024")
            .env("VOLANT_JOB_POLL_MS", "50")
            .env("VOLANT_LOG", "warn")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("start the volant binary");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for (stream, tx) in
            [(Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>, tx.clone()), (Box::new(stderr), tx)]
        {
            let output = output.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(url) = line.split("listening on ").nth(1) {
                        let _ = tx.send(url.trim().to_owned());
                    }
                    output.lock().unwrap().push(line);
                }
            });
        }
        let base = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await;
        let Ok(Some(base)) = base else {
            panic!("volant did not start: {:?}", output.lock().unwrap());
        };
        Process { child, base }
    }

    /// SIGKILL: no graceful shutdown, no draining.
    async fn kill9(&mut self) {
        self.child.start_kill().unwrap();
        let status = self.child.wait().await.unwrap();
        assert!(!status.success(), "killed: {status}");
    }
}

/// A logged-in client of the server at `base`.
async fn login_at(base: &str, email: &str) -> Api {
    let mut api = Api { base: base.to_owned(), client: new_client(), csrf: None };
    let r = api.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200, "login {email} at {base}");
    api.csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().map(str::to_owned);
    api
}

/// Another handle on the same session (same cookies, same token).
fn same_session(api: &Api) -> Api {
    Api { base: api.base.clone(), client: api.client.clone(), csrf: api.csrf.clone() }
}

/// Words that must never reach a client: SQL, constraints, driver and panic texts, source paths.
const INTERNALS: [&str; 16] = [
    "select ",
    "insert into",
    "sqlx",
    "postgres",
    "sqlstate",
    "violates",
    "constraint",
    "duplicate key",
    "relation \"",
    "panicked",
    "backtrace",
    ".rs:",
    "tokio",
    "anyhow",
    "pool",
    "connection refused",
];

fn assert_no_internals(body: &str) {
    let lower = body.to_lowercase();
    for word in INTERNALS {
        assert!(!lower.contains(word), "{word:?} in an error body: {body}");
    }
}

/// Reads a response that must be a problem+json with this status and no internals.
async fn clean_problem(resp: reqwest::Response, status: u16) -> Value {
    let url = resp.url().to_string();
    assert_eq!(resp.status().as_u16(), status, "status of {url}");
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(ct, "application/problem+json", "content type of {url}");
    let text = resp.text().await.unwrap();
    assert_no_internals(&text);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["status"], status);
    body
}

// ---------------------------------------------------------------------------------------------
// Faults.

enum Write {
    Student { id: String, last_name: String },
    Hours { id: String },
}

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_write() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let mut server = Process::start(&app.db, &[]).await;
    let admin = login_at(&server.base, "admin@a.test").await;
    let ledger_student = id(&created(
        admin
            .post("/api/v1/students", &json!({"first_name": "Léa", "last_name": "Compte", "birth_date": "2001-02-03"}))
            .await,
    )
    .await);
    let acked: Arc<Mutex<Vec<Write>>> = Arc::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let cut = Arc::new(AtomicUsize::new(0));
    let mut workers = vec![];
    for w in 0..8 {
        let api = same_session(&admin);
        let (acked, sent, cut, ledger_student) = (acked.clone(), sent.clone(), cut.clone(), ledger_student.clone());
        workers.push(tokio::spawn(async move {
            for i in 0..500 {
                let (path, body) = if i % 2 == 0 {
                    let last_name = format!("Rafale {w}-{i}");
                    (
                        "/api/v1/students".to_owned(),
                        json!({"first_name": "Noé", "last_name": last_name, "birth_date": "2002-03-04"}),
                    )
                } else {
                    (format!("/api/v1/students/{ledger_student}/hours"), json!({"kind": "purchase", "minutes": 30}))
                };
                sent.fetch_add(1, Ordering::SeqCst);
                let resp = api
                    .client
                    .post(format!("{}{path}", api.base))
                    .header("X-CSRF-Token", api.csrf.clone().unwrap())
                    .json(&body)
                    .send()
                    .await;
                let resp = match resp {
                    Ok(r) => r,
                    Err(_) => {
                        cut.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                };
                assert_eq!(resp.status(), 201, "before the kill every write succeeds");
                // The status line arrived: the write is acknowledged even if the body is cut.
                let id = match resp.json::<Value>().await {
                    Ok(v) => id(&v),
                    Err(_) => {
                        cut.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                };
                let write = if i % 2 == 0 {
                    Write::Student { id, last_name: body["last_name"].as_str().unwrap().to_owned() }
                } else {
                    Write::Hours { id }
                };
                acked.lock().unwrap().push(write);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().len() < 250 {
        assert!(Instant::now() < deadline, "the burst is too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill9().await;
    for w in workers {
        w.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    let (sent, cut) = (sent.load(Ordering::SeqCst), cut.load(Ordering::SeqCst));

    // A new process on the same database finds every acknowledged write.
    let server = Process::start(&app.db, &[]).await;
    let admin = login_at(&server.base, "admin@a.test").await;
    let hours = admin.json(&format!("/api/v1/students/{ledger_student}/hours")).await;
    let entries: BTreeSet<String> =
        hours["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    let mut lost = 0;
    for write in &acked {
        match write {
            Write::Student { id, last_name } => {
                let r = admin.get(&format!("/api/v1/students/{id}")).await;
                if r.status() != 200 || r.json::<Value>().await.unwrap()["last_name"] != last_name.as_str() {
                    lost += 1;
                }
            }
            Write::Hours { id } => lost += usize::from(!entries.contains(id)),
        }
    }
    assert_eq!(lost, 0, "acknowledged writes lost after kill -9");
    // What the kill cut short was all or nothing: every committed row has its audit entry, and
    // the chain still verifies.
    let tenant = app.seed_tenant("ecole-a").await;
    let mut tx = db::begin_tenant(&app.pool, tenant).await.unwrap();
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM students s WHERE NOT EXISTS
           (SELECT 1 FROM audit_log a WHERE a.entity = 'student' AND a.entity_id = s.id AND a.action = 'student.create')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(orphans, 0, "students without their audit entry");
    let (ledger_rows, ledger_audit): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM hours_ledger WHERE student_id = $1),
                (SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'student.hours.purchase')",
    )
    .bind(ledger_student.parse::<uuid::Uuid>().unwrap())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(ledger_rows, ledger_audit, "ledger rows and their audit entries");
    drop(tx);
    assert_eq!(admin.json("/api/v1/audit-log/verify").await["ok"], true);
    eprintln!(
        "figures: kill -9 under a burst of 8 writers: {sent} writes sent, {} acknowledged, {cut} cut by the kill, \
         {lost} acknowledged lost; {} hours entries and {ledger_rows} ledger rows after restart",
        acked.len(),
        entries.len()
    );
}

/// Stops the test's own PostgreSQL when the test ends, even by a panic (fast shutdown).
struct Postmaster(PathBuf);

impl Drop for Postmaster {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.0.join("postmaster.pid")).unwrap_or_default();
        if let Some(pid) = pid.lines().next() {
            let _ = std::process::Command::new("kill").args(["-INT", pid.trim()]).status();
        }
    }
}

#[tokio::test]
async fn postgres_stopped_under_load_gives_503_and_the_server_recovers_by_itself() {
    // A private cluster for this test only: stopping it disturbs no other test.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("volant-fault-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pg = EmbeddedPg::start(&dir).await.expect("start a private cluster");
    let _stop_on_panic = Postmaster(pg.cluster_dir().to_path_buf());
    let mut superuser = pg.connect_options(db::embedded::SUPERUSER, "postgres").connect().await.unwrap();
    db::bootstrap_roles_and_database(&mut superuser, DATABASE).await.unwrap();
    superuser.close().await.unwrap();
    db::migrate(&pg.connect_options(OWNER_ROLE, DATABASE)).await.unwrap();
    let pool = db::app_pool(pg.connect_options(APP_ROLE, DATABASE), 8).await.unwrap();
    let vars: HashMap<String, String> =
        [("VOLANT_ADDR", "127.0.0.1:0"), ("VOLANT_ARGON2_MEMORY_KIB", "1024"), ("VOLANT_JOB_POLL_MS", "50")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let settings = Settings::from_map(&vars).unwrap();
    let new = NewTenant {
        slug: "ecole-a".into(),
        name: "École A".into(),
        legal_name: None,
        siret: None,
        address: None,
        timezone: "Europe/Paris".into(),
    };
    let tenant = tenancy::create_tenant(&pool, &new).await.unwrap();
    tenancy::create_member(&pool, tenant, "admin@a.test", "Admin", PASSWORD, Role::Admin, 1024).await.unwrap();
    let server = Server::bind(settings, pool.clone(), None).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (shutdown, rx) = watch::channel(false);
    let running = tokio::spawn(server.run(rx));
    let admin = login_at(&base, "admin@a.test").await;
    let student = id(&created(
        admin
            .post("/api/v1/students", &json!({"first_name": "Léa", "last_name": "Panne", "birth_date": "2001-02-03"}))
            .await,
    )
    .await);

    // Phases: 0 database up, 1 stopping, 2 stopped, 3 starting, 4 started again.
    let phase = Arc::new(AtomicU8::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // (phase when sent, phase when answered, status, content type, body, time taken)
    type Seen = (u8, u8, u16, String, String, Duration);
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let mut load = vec![];
    for w in 0..4 {
        let (api, phase, stop, seen, student) =
            (same_session(&admin), phase.clone(), stop.clone(), seen.clone(), student.clone());
        load.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let at = phase.load(Ordering::SeqCst);
                let started = Instant::now();
                let resp = if (w + i) % 2 == 0 {
                    api.get("/api/v1/students").await
                } else {
                    api.post(&format!("/api/v1/students/{student}/hours"), &json!({"kind": "purchase", "minutes": 15}))
                        .await
                };
                let status = resp.status().as_u16();
                let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                let body = resp.text().await.unwrap_or_default();
                let end = phase.load(Ordering::SeqCst);
                seen.lock().unwrap().push((at, end, status, ct, body, started.elapsed()));
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    phase.store(1, Ordering::SeqCst);
    pg.stop().await;
    phase.store(2, Ordering::SeqCst);
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ready = admin.get("/readyz").await;
    clean_problem(ready, 503).await;
    phase.store(3, Ordering::SeqCst);
    let pg = EmbeddedPg::start(&dir).await.expect("restart the private cluster");
    phase.store(4, Ordering::SeqCst);
    let restarted_at = Instant::now();
    let outage = restarted_at - down_at;
    // The same server process recovers: no restart, no operator.
    let deadline = Instant::now() + Duration::from_secs(30);
    let recovered_after = loop {
        let ok = seen.lock().unwrap().iter().rev().take_while(|s| s.0 == 4).filter(|s| s.2 < 300).count() >= 8;
        if ok {
            break restarted_at.elapsed();
        }
        assert!(Instant::now() < deadline, "no recovery within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    stop.store(true, Ordering::SeqCst);
    for l in load {
        l.await.unwrap();
    }
    assert_eq!(admin.json("/readyz").await["status"], "ready");
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let before: Vec<_> = seen.iter().filter(|s| s.0 == 0 && s.1 == 0).collect();
    let bad: Vec<_> = before.iter().filter(|s| s.2 != 200 && s.2 != 201).map(|s| (s.2, &s.4)).collect();
    assert!(!before.is_empty() && bad.is_empty(), "all good while up: {bad:?}");
    let odd: Vec<_> = seen.iter().filter(|s| s.2 >= 300 && s.2 != 503).map(|s| (s.2, &s.4)).collect();
    assert!(odd.is_empty(), "only 2xx or 503, whatever the phase: {odd:?}");
    let down: Vec<_> = seen.iter().filter(|s| s.0 == 2 && s.1 == 2).collect();
    assert!(down.len() >= 4, "requests during the outage: {}", down.len());
    for (_, _, status, ct, body, took) in &down {
        assert_eq!(*status, 503, "while the database is down: {body}");
        assert_eq!(ct, "application/problem+json");
        assert!(body.contains("momentanément indisponible"), "{body}");
        assert_no_internals(body);
        assert!(*took < Duration::from_secs(10), "a 503 comes fast, not after a hang: {took:?}");
    }
    // Once the first request succeeds after the restart, every later one does.
    let after: Vec<_> = seen.iter().filter(|s| s.0 == 4).collect();
    let first_ok = after.iter().position(|s| s.2 < 300).unwrap();
    let failures_after_ok = after.iter().skip(first_ok).filter(|s| s.2 >= 300).count();
    assert_eq!(failures_after_ok, 0, "flapping after recovery");
    let errors_while_restarting = after.iter().take(first_ok).filter(|s| s.2 != 503).count();
    assert_eq!(errors_while_restarting, 0, "only 503 until the database is back");
    let worst = down.iter().map(|s| s.5).max().unwrap_or_default();
    eprintln!(
        "figures: PostgreSQL stopped for {outage:.1?} under 4 clients: {} requests, {} answered 503 (slowest {worst:.0?}), \
         {} after the restart; recovered {recovered_after:.1?} after PostgreSQL was back, without restarting volant",
        seen.len(),
        down.len(),
        after.len()
    );
    let _ = shutdown.send(true);
    let _ = running.await;
    pool.close().await;
    pg.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_refusing_mail_server_delays_mails_and_loses_none() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let mut expected = vec![];
    for role in Role::ALL {
        for school in ['a', 'b'] {
            expected.push(email(role, school));
        }
    }
    let invited: Vec<String> = (1..=4).map(|n| format!("nouveau{n}@exemple.fr")).collect();
    expected.extend(invited.iter().cloned());
    // Every mail is refused about twice (451) before the server takes it.
    let refusals = 2 * expected.len();
    app.smtp.refuse_next(refusals);
    let api = app.anonymous();
    for role in Role::ALL {
        for school in ['a', 'b'] {
            let r = api.post("/api/v1/auth/password/forgot", &json!({"email": email(role, school)})).await;
            assert_eq!(r.status(), 202);
        }
    }
    let admin = app.login_as(Role::Admin, 'a').await;
    for address in &invited {
        created(admin.post("/api/v1/invitations", &json!({"email": address, "role": "SECRETARY"})).await).await;
    }
    app.wait_jobs_idle().await;
    let messages = app.smtp.messages();
    for address in &expected {
        let n = messages.iter().filter(|m| m.contains(&format!("To: {address}"))).count();
        assert_eq!(n, 1, "{address} got {n} mails");
    }
    assert_eq!(messages.len(), expected.len(), "no duplicate");
    let (done, dead, attempts): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'dead'), sum(attempts)::int8
           FROM jobs WHERE kind = 'mail.send'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((done, dead), (expected.len() as i64, 0));
    assert_eq!(attempts, (expected.len() + refusals) as i64, "each refusal was one retry");
    eprintln!(
        "figures: {} mails through an SMTP server that refused {refusals} deliveries (451): {attempts} attempts, \
         {done} delivered once each, {dead} dead, 0 lost",
        expected.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Two server instances on one database: the in-process app and the real binary.

struct Pair {
    app: TestApp,
    other: Process,
}

impl Pair {
    async fn start(vars: &[(&str, &str)]) -> Pair {
        let app = spawn_app_with(vars, volant::jobs::JobRegistry::default()).await;
        app.seed_schools().await;
        let other = Process::start(&app.db, vars).await;
        Pair { app, other }
    }

    /// The same session on both instances.
    async fn admins(&self) -> [Api; 2] {
        let a = self.app.login_as(Role::Admin, 'a').await;
        let mut b = same_session(&a);
        b.base = self.other.base.clone();
        [a, b]
    }
}

struct Resources {
    instructor: String,
    vehicle: String,
    students: Vec<String>,
}

async fn resources(api: &Api) -> Resources {
    let instructor =
        id(&created(api.post("/api/v1/instructors", &json!({"first_name": "Julien", "last_name": "Moniteur"})).await)
            .await);
    let vehicle =
        id(&created(api.post("/api/v1/vehicles", &json!({"plate": "AB-123-CD", "gearbox": "manual"})).await).await);
    let mut students = vec![];
    for name in ["Léa", "Hugo"] {
        let body = json!({"first_name": name, "last_name": "Élève", "birth_date": "2000-01-01", "ants_status": "validated",
                          "start_evaluation": {"date": "2026-01-05", "estimated_minutes": 1500}, "contract_signed_on": "2026-01-06"});
        let s = id(&created(api.post("/api/v1/students", &body).await).await);
        created(api.post(&format!("/api/v1/students/{s}/hours"), &json!({"kind": "purchase", "minutes": 1200})).await)
            .await;
        students.push(s);
    }
    Resources { instructor, vehicle, students }
}

fn driving(r: &Resources, start: DateTime<Utc>, student: usize) -> Value {
    json!({"kind": "driving", "starts_at": start, "ends_at": start + chrono::Duration::hours(1),
           "student_id": r.students[student], "instructor_id": r.instructor, "vehicle_id": r.vehicle})
}

fn statuses(responses: &[reqwest::Response]) -> BTreeMap<u16, usize> {
    responses.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.status().as_u16()).or_default() += 1;
        m
    })
}

#[tokio::test]
async fn two_instances_share_sessions_and_one_booking_per_slot() {
    let pair = Pair::start(&[]).await;
    let [a, b] = pair.admins().await;
    // Stateless servers: a session opened on one instance works on the other.
    assert_eq!(b.json("/api/v1/me").await["role"], "ADMIN");
    let r = resources(&a).await;
    let t = Utc::now() + chrono::Duration::days(5);
    let body = driving(&r, t, 0);
    let requests =
        (0..40).map(|i| if i % 2 == 0 { a.post("/api/v1/lessons", &body) } else { b.post("/api/v1/lessons", &body) });
    let responses = futures::future::join_all(requests).await;
    let counts = statuses(&responses);
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 40);
    assert_eq!(counts.get(&409).copied().unwrap_or_default(), 39, "{counts:?}");
    let from = (t - chrono::Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = (t + chrono::Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let window = b.json(&format!("/api/v1/lessons?from={from}&to={to}")).await;
    assert_eq!(window["items"].as_array().unwrap().len(), 1);
    // Logging out on one instance ends the session on both.
    assert_eq!(b.post("/api/v1/auth/logout", &json!({})).await.status(), 204);
    problem(a.get("/api/v1/me").await, 401).await;
    eprintln!("figures: 40 concurrent bookings of one slot over 2 instances: {counts:?}");
}

#[tokio::test]
async fn two_instances_one_lesson_moved_at_once_exactly_one_wins() {
    let pair = Pair::start(&[]).await;
    let [a, b] = pair.admins().await;
    let r = resources(&a).await;
    let t = Utc::now() + chrono::Duration::days(6);
    let lesson = created(a.post("/api/v1/lessons", &driving(&r, t, 0)).await).await;
    let path = format!("/api/v1/lessons/{}", id(&lesson["lesson"]));
    let version = lesson["lesson"]["version"].clone();
    // 30 moves to 30 different free slots, all from the same version.
    let bodies: Vec<Value> = (1..=30)
        .map(|k| {
            let start = t + chrono::Duration::hours(2 * k);
            json!({"starts_at": start, "ends_at": start + chrono::Duration::hours(1), "version": version})
        })
        .collect();
    let requests =
        bodies.iter().enumerate().map(|(i, body)| if i % 2 == 0 { a.patch(&path, body) } else { b.patch(&path, body) });
    let responses = futures::future::join_all(requests).await;
    let counts = statuses(&responses);
    assert_eq!(counts.get(&200), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&412), Some(&29), "{counts:?}");
    let winner = responses.into_iter().find(|r| r.status() == 200).unwrap().json::<Value>().await.unwrap();
    let now = b.json(&path).await;
    assert_eq!(now["starts_at"], winner["lesson"]["starts_at"], "{winner}");
    assert_eq!(now["version"], version.as_i64().unwrap() + 1);
    eprintln!("figures: 30 concurrent moves of one lesson (version {version}) over 2 instances: {counts:?}");
}

#[tokio::test]
async fn two_instances_parallel_ledger_postings_add_up_exactly() {
    let pair = Pair::start(&[]).await;
    let [a, b] = pair.admins().await;
    let r = resources(&a).await;
    let hours = format!("/api/v1/students/{}/hours", r.students[0]);
    let before = a.json(&hours).await["remaining_minutes"].as_i64().unwrap();
    let amounts: Vec<i64> = (1..=60).collect();
    let bodies: Vec<Value> = amounts.iter().map(|m| json!({"kind": "purchase", "minutes": m})).collect();
    let requests =
        bodies.iter().enumerate().map(|(i, body)| if i % 2 == 0 { a.post(&hours, body) } else { b.post(&hours, body) });
    let responses = futures::future::join_all(requests).await;
    assert_eq!(statuses(&responses), BTreeMap::from([(201, 60)]));
    let sum: i64 = amounts.iter().sum();
    let after = b.json(&hours).await;
    assert_eq!(after["remaining_minutes"].as_i64().unwrap(), before + sum);
    assert_eq!(after["entries"].as_array().unwrap().len(), 61, "the first purchase and the 60");
    eprintln!("figures: 60 concurrent postings over 2 instances: {before} + {sum} = {} minutes", before + sum);
}

#[tokio::test]
async fn the_login_limiter_holds_across_instances() {
    let pair = Pair::start(&[("VOLANT_LOGIN_LIMIT_PER_IP", "16")]).await;
    let bases = [pair.app.base.clone(), pair.other.base.clone()];
    let client = new_client();
    let attempt = |base: &str, email: &str, password: &str| {
        client.post(format!("{base}/api/v1/auth/login")).json(&json!({"email": email, "password": password})).send()
    };
    // Per e-mail (10): five wrong passwords on each instance…
    for i in 0..10 {
        let r = attempt(&bases[i % 2], "admin@a.test", "devine-moi").await.unwrap();
        assert_eq!(r.status(), 401);
    }
    // …and the right one is refused on both.
    for base in &bases {
        let r = attempt(base, "admin@a.test", PASSWORD).await.unwrap();
        assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
        clean_problem(r, 429).await;
    }
    // Per address (16 here): the failures counted so far plus six more, spread over both.
    for i in 0..6 {
        let r = attempt(&bases[i % 2], &format!("inconnu{i}@a.test"), "devine-moi").await.unwrap();
        assert_eq!(r.status(), 401);
    }
    for base in &bases {
        clean_problem(attempt(base, "secretary@a.test", PASSWORD).await.unwrap(), 429).await;
    }
    eprintln!("figures: 16 failed logins spread over 2 instances; both then answer 429 (per e-mail and per address)");
}

// ---------------------------------------------------------------------------------------------
// Security.

async fn audit_and_sessions(app: &TestApp, tenant: volant_domain::ids::TenantId) -> (i64, i64) {
    let mut tx = db::begin_tenant(&app.pool, tenant).await.unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&mut *tx).await.unwrap();
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE revoked_at IS NULL").fetch_one(&mut *tx).await.unwrap();
    (audit, sessions)
}

#[tokio::test]
async fn every_state_change_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fixtures = app.fixtures('a').await;
    let doc = app.anonymous().json("/api/v1/openapi.json").await;
    // Requests without a session (no cookie to ride on) are exempt.
    let exempt = [
        "/api/v1/auth/login",
        // Rides on the pending login's cookie, which is SameSite=Strict: no other site can send it.
        "/api/v1/auth/login/2fa",
        // A passkey login rides on no cookie at all: the ceremony token is in the body.
        "/api/v1/auth/passkey/options",
        "/api/v1/auth/passkey",
        "/api/v1/auth/password/forgot",
        "/api/v1/auth/password/reset",
        "/api/v1/invitations/accept",
        // The token in the path is the proof (a mail's one-click unsubscribe, RFC 8058).
        "/api/v1/unsubscribe/{token}",
        // Called by the payment provider, never by a browser: its signature is the proof.
        "/api/v1/webhooks/payments/{provider}",
    ];
    let tenant = app.seed_tenant("ecole-a").await;
    let mut api = app.login_as(Role::Admin, 'a').await;
    let token = api.csrf.take();
    let before = audit_and_sessions(&app, tenant).await;
    let mut checked = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        if exempt.contains(&template.as_str()) {
            continue;
        }
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let path = if template.contains('{') { fixtures.concrete(template) } else { template.clone() };
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for wrong in [None, Some("jeton-faux")] {
                api.csrf = wrong.map(str::to_owned);
                let resp = api.send(method.clone(), &path, Some(&json!({}))).await;
                let body = clean_problem(resp, 403).await;
                assert!(body["detail"].as_str().unwrap().contains("CSRF"), "{method} {path}: {body}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * 40, "state-changing operations checked: {checked}");
    assert_eq!(audit_and_sessions(&app, tenant).await, before, "no audit entry written, no session revoked");
    api.csrf = token;
    assert_eq!(api.json("/api/v1/me").await["role"], "ADMIN", "the session is intact");
    eprintln!(
        "figures: {checked} state-changing requests without or with a wrong CSRF token: all 403, nothing changed"
    );
}

#[tokio::test]
async fn cookies_and_security_headers_follow_the_profile() {
    for profile in ["dev", "demo", "staging", "prod"] {
        let hardened = profile == "staging" || profile == "prod";
        let mut vars = vec![("VOLANT_PROFILE", profile)];
        if hardened {
            vars.extend([
                ("VOLANT_SECRET_KEY", "a-secret-of-more-than-thirty-two-characters"),
                ("DATABASE_URL", "postgres://unused/volant"),
                ("VOLANT_PUBLIC_URL", "https://app.volant.test"),
                ("VOLANT_ARGON2_MEMORY_KIB", "19456"),
            ]);
        }
        let app = spawn_app_with(&vars, volant::jobs::JobRegistry::default()).await;
        let tenant = tenancy::create_tenant(
            &app.pool,
            &NewTenant {
                slug: "ecole-a".into(),
                name: "École A".into(),
                legal_name: None,
                siret: None,
                address: None,
                timezone: "Europe/Paris".into(),
            },
        )
        .await
        .unwrap();
        app.add_member(tenant, "admin@a.test", Role::Admin).await;
        let anonymous = app.anonymous();
        let login = anonymous.post("/api/v1/auth/login", &json!({"email": "admin@a.test", "password": PASSWORD})).await;
        assert_eq!(login.status(), 200, "{profile}");
        let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
        let name = if hardened { "__Host-volant_session=" } else { "volant_session=" };
        assert!(cookie.starts_with(name), "{profile}: {cookie}");
        for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Lax"] {
            assert!(cookie.contains(attribute), "{profile}: {cookie}");
        }
        assert_eq!(cookie.contains("; Secure"), hardened, "{profile}: {cookie}");
        assert!(!cookie.contains("Domain"), "{profile}: {cookie}");
        let mut api = anonymous;
        api.csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().map(str::to_owned);
        // Headers on a JSON answer, an error, the web app and the API docs.
        for (path, docs) in [("/api/v1/me", false), ("/api/v1/nothing-here", false), ("/", false), ("/api/docs/", true)]
        {
            let resp = api.get(path).await;
            let h = resp.headers();
            assert_eq!(h["x-content-type-options"], "nosniff", "{profile} {path}");
            assert_eq!(h["x-frame-options"], "DENY", "{profile} {path}");
            assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{profile} {path}");
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{profile} {path}: {csp}");
            assert_eq!(
                csp.contains("script-src 'self' 'unsafe-inline'"),
                docs,
                "inline scripts only for the docs: {csp}"
            );
            assert_eq!(h.contains_key("strict-transport-security"), hardened, "{profile} {path}: HSTS");
            assert!(h.contains_key("x-request-id"));
        }
        let logout = api.post("/api/v1/auth/logout", &json!({})).await;
        assert_eq!(logout.status(), 204);
        let cleared = logout.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cleared.starts_with(name) && cleared.contains("Max-Age=0"), "{profile}: {cleared}");
    }
}

/// Sends raw bytes with a content type; returns the response.
async fn raw(api: &Api, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    let mut req =
        api.client.request(method, format!("{}{path}", api.base)).header("content-type", content_type).body(body);
    if let Some(t) = &api.csrf {
        req = req.header("X-CSRF-Token", t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn hostile_bodies_and_uploads_get_a_clean_4xx() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.login_as(Role::Secretary, 'a').await;
    let s = id(&created(
        api.post("/api/v1/students", &json!({"first_name": "Léa", "last_name": "Test", "birth_date": "2001-02-03"}))
            .await,
    )
    .await);
    let json_type = "application/json";
    let mut sent = 0;
    // JSON: nested far beyond the parser's depth, invalid UTF-8, numbers out of range, NUL
    // characters (PostgreSQL refuses them in text), strings of a megabyte, wrong types.
    let hours = format!("/api/v1/students/{s}/hours");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("/api/v1/students", deep.clone().into_bytes()),
        ("/api/v1/students", format!("{{\"first_name\": {deep}}}").into_bytes()),
        (
            "/api/v1/students",
            b"{\"first_name\": \"L\xff\xfea\", \"last_name\": \"X\", \"birth_date\": \"2001-01-01\"}".to_vec(),
        ),
        ("/api/v1/students", br#"{"first_name": "L\u0000a", "last_name": "X", "birth_date": "2001-01-01"}"#.to_vec()),
        ("/api/v1/students", br#"{"first_name": "\ud800", "last_name": "X", "birth_date": "2001-01-01"}"#.to_vec()),
        (
            "/api/v1/students",
            format!(r#"{{"first_name": "{}", "last_name": "X", "birth_date": "2001-01-01"}}"#, "é".repeat(500_000))
                .into_bytes(),
        ),
        ("/api/v1/students", br#"{"first_name": "L", "last_name": "X", "birth_date": "99999-01-01"}"#.to_vec()),
        ("/api/v1/students", br#"{"first_name": ["L"], "last_name": {"a": 1}, "birth_date": 20010101}"#.to_vec()),
        (hours.as_str(), br#"{"kind": "purchase", "minutes": 1e400}"#.to_vec()),
        (hours.as_str(), br#"{"kind": "purchase", "minutes": 99999999999999999999}"#.to_vec()),
        (hours.as_str(), br#"{"kind": "correction", "minutes": -2147483648, "reason": "x"}"#.to_vec()),
        (hours.as_str(), br#"{"kind": "purchase", "minutes": 30, "reason": "a\u0000b"}"#.to_vec()),
        ("/api/v1/vehicles", br#"{"plate": "AB-123-CD\u0000", "gearbox": "manual"}"#.to_vec()),
        ("/api/v1/instructors", br#"{"first_name": "J\u0000", "last_name": "M"}"#.to_vec()),
        ("/api/v1/students", b"\xef\xbb\xbf{\"first_name\": \"BOM\"}".to_vec()),
        ("/api/v1/students", b"{}{}".to_vec()),
    ];
    for (path, body) in cases {
        let r = raw(&api, Method::POST, path, json_type, body).await;
        let status = r.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
        clean_problem(r, status).await;
        sent += 1;
    }
    // Query strings that do not parse.
    for path in [
        "/api/v1/students?limit=%FF%FE",
        "/api/v1/students?limit=99999999999999999999",
        "/api/v1/lessons?from=%00&to=x",
    ] {
        let r = api.get(path).await;
        clean_problem(r, 400).await;
        sent += 1;
    }
    // Uploads: over the document limit (10 MiB) and over the body limit (12 MiB), broken
    // multipart, no file, an empty file, a wrong declared type.
    let docs = format!("/api/v1/students/{s}/documents");
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(11 * 1024 * 1024, b'x');
    let over = clean_problem(upload(&api, &s, "id_card", "gros.pdf", &pdf, &[]).await, 400).await;
    assert_eq!(over["errors"][0]["field"], "file");
    pdf.resize(13 * 1024 * 1024, b'x');
    clean_problem(upload(&api, &s, "id_card", "enorme.pdf", &pdf, &[]).await, 413).await;
    let broken = raw(
        &api,
        Method::POST,
        &docs,
        "multipart/form-data; boundary=XYZ",
        b"--XYZ\r\nContent-Disposition: form-da".to_vec(),
    )
    .await;
    clean_problem(broken, 400).await;
    let no_boundary = raw(&api, Method::POST, &docs, "multipart/form-data", b"garbage".to_vec()).await;
    let status = no_boundary.status().as_u16();
    assert!(status == 400 || status == 415, "{status}");
    clean_problem(no_boundary, status).await;
    let form = reqwest::multipart::Form::new().text("kind", "id_card");
    let r = api
        .client
        .post(format!("{}{docs}", api.base))
        .multipart(form)
        .header("X-CSRF-Token", api.csrf.clone().unwrap());
    assert_eq!(clean_problem(r.send().await.unwrap(), 400).await["errors"][0]["field"], "file");
    clean_problem(upload(&api, &s, "id_card", "vide.pdf", b"", &[]).await, 400).await;
    clean_problem(upload(&api, &s, "id_card", "page.html", b"<html><script>alert(1)</script></html>", &[]).await, 400)
        .await;
    sent += 7;
    // A file name that breaks the form's headers is refused; a hostile one that does not is
    // kept as data and cannot break the download's headers.
    let broken = upload(&api, &s, "id_card", "a.pdf\r\nX-Injecte: 1", b"%PDF-1.4 ok", &[]).await;
    clean_problem(broken, 400).await;
    let name = "../../etc/passwd\"; filename=\"evil.exe.pdf";
    let ok = created(upload(&api, &s, "id_card", name, b"%PDF-1.4 ok", &[]).await).await;
    let file = api.get(&format!("{docs}/{}/file", id(&ok))).await;
    assert_eq!(file.status(), 200);
    assert!(file.headers().get("x-injecte").is_none());
    let disposition = file.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(!disposition.contains('\r') && !disposition.contains('\n'), "{disposition}");
    assert!(!disposition.contains("filename=\"evil.exe.pdf\""), "{disposition}");
    sent += 2;
    eprintln!("figures: {sent} hostile bodies, queries and uploads: all 4xx problem+json without internals");
}

/// Probes that would do harm if a query or a page interpreted them.
pub const PROBES: [&str; 8] = [
    "Robert'); DROP TABLE students;--",
    "' OR '1'='1' --",
    "x'; SELECT pg_sleep(3); --",
    "\\'; COPY (SELECT 1) TO PROGRAM 'id'; --",
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "\"><svg/onload=window.__xss=1>",
    "javascript:window.__xss=1//{{7*7}}${7*7}",
];

#[tokio::test]
async fn injection_probes_in_every_text_field_are_stored_as_data() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.login_as(Role::Admin, 'a').await;
    let r = resources(&api).await;
    let mut stored = 0;
    let started = Instant::now();
    for (n, probe) in PROBES.iter().enumerate() {
        // Student: names, address, notes, guardian.
        let body = json!({"first_name": probe, "last_name": format!("{probe} {n}"), "birth_name": probe, "birth_date": "2000-01-01",
                          "birth_place": probe, "address": probe, "notes": probe,
                          "guardian": {"last_name": probe, "first_name": probe, "relationship": probe, "email": "parent@exemple.fr"}});
        let student = created(api.post("/api/v1/students", &body).await).await;
        let student_id = id(&student);
        let back = api.json(&format!("/api/v1/students/{student_id}")).await;
        for field in ["first_name", "birth_name", "birth_place", "address", "notes"] {
            assert_eq!(back[field], *probe, "student {field}");
        }
        assert_eq!(back["guardian"]["relationship"], *probe);
        // Instructor, vehicle, agency (with rooms and meeting points), lesson, hours, exam, place.
        let instructor = created(
            api.post(
                "/api/v1/instructors",
                &json!({"first_name": probe, "last_name": format!("{probe} {n}"), "authorisation_number": probe}),
            )
            .await,
        )
        .await;
        assert_eq!(api.json(&format!("/api/v1/instructors/{}", id(&instructor))).await["first_name"], *probe);
        let vehicle = created(
            api.post(
                "/api/v1/vehicles",
                &json!({"plate": format!("AA-{:03}-AA", 100 + n), "gearbox": "manual", "make": probe, "model": probe}),
            )
            .await,
        )
        .await;
        assert_eq!(api.json(&format!("/api/v1/vehicles/{}", id(&vehicle))).await["model"], *probe);
        let agency = created(
            api.post(
                "/api/v1/agencies",
                &json!({"name": format!("{probe} {n}"), "address": probe, "rooms": [{"name": probe, "capacity": 4}],
                        "meeting_points": [{"label": probe, "address": probe}]}),
            )
            .await,
        )
        .await;
        let agency = api.json(&format!("/api/v1/agencies/{}", id(&agency))).await;
        assert_eq!(agency["address"], *probe);
        assert_eq!(agency["rooms"][0]["name"], *probe);
        assert_eq!(agency["meeting_points"][0]["label"], *probe);
        let hours = created(
            api.post(
                &format!("/api/v1/students/{student_id}/hours"),
                &json!({"kind": "correction", "minutes": 30, "reason": probe}),
            )
            .await,
        )
        .await;
        assert_eq!(hours["reason"], *probe);
        let start = Utc::now() + chrono::Duration::days(20 + n as i64);
        let mut lesson = driving(&r, start, 0);
        lesson["meeting_point"] = json!(probe);
        lesson["comment"] = json!(probe);
        let lesson = created(api.post("/api/v1/lessons", &lesson).await).await;
        let lesson = api.json(&format!("/api/v1/lessons/{}", id(&lesson["lesson"]))).await;
        assert_eq!(lesson["meeting_point"], *probe);
        assert_eq!(lesson["comment"], *probe);
        let exam = created(
            api.post(
                "/api/v1/exams",
                &json!({"student_id": student_id, "kind": "theory", "scheduled_at": "2026-03-02T09:00:00+01:00", "centre": probe, "comment": probe}),
            )
            .await,
        )
        .await;
        assert_eq!(api.json(&format!("/api/v1/exams/{}", id(&exam))).await["centre"], *probe);
        let place = created(api.post("/api/v1/exam-places", &json!({"starts_at": start, "centre": probe})).await).await;
        assert_eq!(place["centre"], *probe);
        // Search and filters take the probe as text: it finds its own file, nothing else.
        let q: String = form_urlencoded::byte_serialize(format!("{probe} {n}").as_bytes()).collect();
        let found = api.json(&format!("/api/v1/students?q={q}")).await;
        let ids: Vec<&str> = found["items"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
        assert!(ids.contains(&student_id.as_str()) && ids.len() <= 1 + n, "search {probe:?}: {found}");
        stored += 24;
    }
    assert!(started.elapsed() < Duration::from_secs(3 * 60), "pg_sleep was not run");
    // The tables are all still there, with what was written.
    let students = api.json("/api/v1/students?limit=200").await["items"].as_array().unwrap().len();
    assert_eq!(students, 2 + PROBES.len(), "the two of `resources` and one per probe");
    eprintln!("figures: {} probes × 24 text fields = {stored} values stored and read back verbatim", PROBES.len());
}

/// Literals in the server's source that name a constraint (what `on_constraint` and
/// `violated_constraint` match on).
fn constraint_names_in_source() -> BTreeSet<(String, String)> {
    let mut names = BTreeSet::new();
    let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let identifier = literal.contains('_')
                    && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                let constraint_like =
                    ["_fkey", "_unique", "_excl", "_overlap", "_check"].iter().any(|s| literal.ends_with(s))
                        || literal.contains("_one_");
                if identifier && constraint_like {
                    let file = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&path).display().to_string();
                    names.insert((literal.to_owned(), file));
                }
            }
        }
    }
    names
}

#[tokio::test]
async fn every_constraint_the_code_maps_to_a_4xx_exists() {
    // A wrong name turns a user's mistake into a 500: the fuzzing found five (exam places,
    // exams, booklet evaluations), named without their `tenant_id_` part.
    let db = fresh_db().await;
    let mut conn = db.owner.connect().await.unwrap();
    let known: BTreeSet<String> = sqlx::query_scalar(
        "SELECT conname::text FROM pg_constraint UNION SELECT relname::text FROM pg_class WHERE relkind = 'i'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let names = constraint_names_in_source();
    assert!(names.len() >= 10, "constraint names found: {names:?}");
    let missing: Vec<_> = names.iter().filter(|(n, _)| !known.contains(n)).collect();
    assert!(missing.is_empty(), "named in the code, unknown to the schema: {missing:?}");
}
